using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Common;
using PostLoan.Domain.Monitoring;
using PostLoan.Domain.Monitoring.Alarms;
using PostLoan.Infrastructure.Identity;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Infrastructure.Monitoring.Alarms;

/// <summary>What a threshold rule is given when created or edited.</summary>
public sealed record AlarmRuleInput(
    string Code, string Name, AlarmRuleScope Scope, int? SiteId, DeviceKind? DeviceKind, int? DeviceId, AlarmMetric Metric,
    AlarmComparison Comparison, double Threshold, int Consecutive, AlarmSeverity Severity, bool Enabled);

/// <summary>Maintains threshold rules (阈值规则): validation naming the field, a site or device in the caller's scope, audited by the context.</summary>
public sealed class AlarmRuleService(PostLoanDbContext db, ICurrentUser user, TimeProvider clock)
{
    public async Task<Result<AlarmRule>> CreateAsync(AlarmRuleInput input, CancellationToken cancellationToken = default)
    {
        var rule = new AlarmRule { Code = "", Name = "" };
        if (await ApplyAsync(rule, input, cancellationToken) is { } error)
        {
            return error;
        }

        if (await db.AlarmRules.AnyAsync(r => r.Code == rule.Code, cancellationToken))
        {
            return Error.Conflict("code", $"code: rule code '{rule.Code}' is already used");
        }

        db.AlarmRules.Add(rule);
        await db.SaveChangesAsync(cancellationToken);
        return rule;
    }

    public async Task<Result<AlarmRule>> UpdateAsync(int id, AlarmRuleInput input, CancellationToken cancellationToken = default)
    {
        var rule = await db.AlarmRules.FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (rule is null)
        {
            return Error.NotFound("not_found", $"alarm rule {id} does not exist");
        }

        if (input.Code.Trim() != rule.Code)
        {
            return Error.Validation("code", "code: the alarms and the false-alarm report name the rule by its code, which cannot change");
        }

        if (await ApplyAsync(rule, input, cancellationToken) is { } error)
        {
            return error;
        }

        await db.SaveChangesAsync(cancellationToken);
        return rule;
    }

    /// <summary>Deletes a rule of one's own; a starter rule can only be disabled.</summary>
    public async Task<Result<AlarmRule>> DeleteAsync(int id, CancellationToken cancellationToken = default)
    {
        var rule = await db.AlarmRules.FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (rule is null)
        {
            return Error.NotFound("not_found", $"alarm rule {id} does not exist");
        }

        if (rule.Starter)
        {
            return Error.Conflict("starter", "a starter rule cannot be deleted; disable it instead");
        }

        db.AlarmRules.Remove(rule);
        await db.SaveChangesAsync(cancellationToken);
        return rule;
    }

    private async Task<Error?> ApplyAsync(AlarmRule rule, AlarmRuleInput input, CancellationToken cancellationToken)
    {
        rule.Code = input.Code.Trim();
        rule.Name = input.Name.Trim();
        rule.Scope = input.Scope;
        rule.SiteId = input.Scope == AlarmRuleScope.Site ? input.SiteId : null;
        rule.DeviceKind = input.Scope == AlarmRuleScope.DeviceKind ? input.DeviceKind : null;
        rule.DeviceId = input.Scope == AlarmRuleScope.Device ? input.DeviceId : null;
        rule.Metric = input.Metric;
        rule.Comparison = input.Comparison;
        rule.Threshold = input.Threshold;
        rule.Consecutive = input.Consecutive;
        rule.Severity = input.Severity;
        rule.Enabled = input.Enabled;
        rule.UpdatedAt = clock.GetUtcNow();
        rule.UpdatedBy = user.UserName ?? user.UserId;
        if (AlarmRules.Validate(rule) is { } error)
        {
            return error;
        }

        if (rule.SiteId is { } siteId && !await db.MonitoringSites.AnyAsync(s => s.Id == siteId, cancellationToken))
        {
            return Error.Validation("siteId", $"siteId: site {siteId} does not exist or is outside your scope");
        }

        if (rule.DeviceId is { } deviceId)
        {
            var kind = await db.Devices.Where(d => d.Id == deviceId).Select(d => (DeviceKind?)d.Kind).FirstOrDefaultAsync(cancellationToken);
            if (kind is null)
            {
                return Error.Validation("deviceId", $"deviceId: device {deviceId} does not exist or is outside your scope");
            }

            if (kind != AlarmRules.KindOf(rule.Metric))
            {
                return Error.Validation("deviceId", $"deviceId: device {deviceId} is a {kind}; {AlarmRules.Describe(rule.Metric)} is read from {AlarmRules.KindOf(rule.Metric)} devices");
            }
        }

        return null;
    }
}

/// <summary>The default threshold rules (默认规则) shipped with the product, seeded at start-up when missing.</summary>
public static class StarterAlarmRules
{
    /// <summary>The starter set: cold-chain warehouse temperature, damp, a site silent all day, people inside after closing.</summary>
    public static readonly IReadOnlyList<AlarmRule> All =
    [
        Rule("temp-high", "仓库温度过高", AlarmMetric.Temperature, AlarmComparison.GreaterThan, 35, 3, AlarmSeverity.Orange),
        Rule("temp-low", "仓库温度过低（冻损）", AlarmMetric.Temperature, AlarmComparison.LessThan, -5, 3, AlarmSeverity.Yellow),
        Rule("humidity-high", "仓库湿度过高（霉变）", AlarmMetric.Humidity, AlarmComparison.GreaterThan, 85, 4, AlarmSeverity.Yellow),
        Rule("entries-none", "连续多日无人进场", AlarmMetric.DailyEntries, AlarmComparison.LessOrEqual, 0, 3, AlarmSeverity.Orange),
        Rule("power-none", "连续多日几乎不用电", AlarmMetric.DailyElectricityKwh, AlarmComparison.LessThan, 5, 3, AlarmSeverity.Orange),
        Rule("night-presence", "闭店后仍有人员滞留", AlarmMetric.HeadcountAfterClosing, AlarmComparison.GreaterThan, 20, 1, AlarmSeverity.Yellow),
    ];

    /// <summary>Adds the missing starter rules (by code). Idempotent.</summary>
    public static async Task SeedAsync(PostLoanDbContext db, CancellationToken cancellationToken = default)
    {
        var existing = await db.AlarmRules.Select(r => r.Code).ToListAsync(cancellationToken);
        var missing = All.Where(r => !existing.Contains(r.Code)).ToList();
        if (missing.Count == 0)
        {
            return;
        }

        db.AlarmRules.AddRange(missing.Select(r => new AlarmRule
        {
            Code = r.Code, Name = r.Name, Scope = r.Scope, Metric = r.Metric, Comparison = r.Comparison, Threshold = r.Threshold,
            Consecutive = r.Consecutive, Severity = r.Severity, Enabled = true, Starter = true, UpdatedAt = DateTimeOffset.UnixEpoch, UpdatedBy = SystemUser.Instance.UserName,
        }));
        await db.SaveChangesAsync(cancellationToken);
    }

    private static AlarmRule Rule(string code, string name, AlarmMetric metric, AlarmComparison comparison, double threshold, int consecutive, AlarmSeverity severity) =>
        new() { Code = code, Name = name, Metric = metric, Comparison = comparison, Threshold = threshold, Consecutive = consecutive, Severity = severity, Starter = true };
}
