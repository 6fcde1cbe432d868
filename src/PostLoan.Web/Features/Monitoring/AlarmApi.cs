using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using MiniExcelLibs;
using PostLoan.Domain.Administration;
using PostLoan.Domain.Common;
using PostLoan.Domain.Monitoring;
using PostLoan.Domain.Monitoring.Alarms;
using PostLoan.Infrastructure.Monitoring;
using PostLoan.Infrastructure.Monitoring.Alarms;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Web.Common;

namespace PostLoan.Web.Features.Monitoring;

/// <summary>Who may do what with operations alarms.</summary>
public static class AlarmRoles
{
    /// <summary>Review alarms and maintain threshold rules: administrators and service staff (服务经理).</summary>
    public static readonly string[] Review = [Roles.Administrator, Roles.ServiceStaff];

    /// <summary>See alarms in scope, read-only for account and risk managers and auditors; enterprise users see none.</summary>
    public static readonly string[] Read = [Roles.Administrator, Roles.ServiceStaff, Roles.AccountManager, Roles.RiskManager, Roles.Auditor];
}

/// <summary>
/// Operations alarms (<c>/api/monitoring/alarms</c>: queue, detail, evidence, review, false-alarm rates) and threshold
/// rules (<c>/api/monitoring/alarm-rules</c>), docs/monitoring-alarms.md. Lists follow the data scope; an alarm asked for
/// by id outside it is a 403 <c>scope.denied</c> (audited).
/// </summary>
public static class AlarmApi
{
    private const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static void MapAlarmApi(this RouteGroupBuilder api)
    {
        var alarms = api.MapGroup("/monitoring/alarms").WithTags("Monitoring alarms").RequireAuthorization(p => p.RequireRole(AlarmRoles.Read));
        var review = alarms.MapGroup("").RequireAuthorization(p => p.RequireRole(AlarmRoles.Review));

        alarms.MapGet("", async (AlarmStatus? status, AlarmKind? kind, AlarmSeverity? severity, int? siteId, int? deviceId, DateOnly? from, DateOnly? to,
            bool? active, int? page, int? size, AlarmReports reports, CancellationToken ct) =>
        {
            var list = await reports.ListAsync(new AlarmFilter(status, kind, severity, siteId, deviceId, from, to, active == true), page ?? 0, size ?? 25, ct);
            return TypedResults.Ok(new AlarmListView(list.Items.Select(AlarmView.From).ToList(), list.Total));
        });

        alarms.MapGet("/{id:long}", async Task<Results<Ok<AlarmView>, ProblemHttpResult>> (long id, PostLoanDbContext db, AlarmReports reports, CancellationToken ct) =>
        {
            var access = await FindAsync(db, id, ct);
            if (access.Outcome != AccessOutcome.Granted)
            {
                return ProblemResults.From(access, $"alarm {id}");
            }

            return TypedResults.Ok(AlarmView.From((await reports.FindAsync(id, ct))!));
        });

        alarms.MapGet("/{id:long}/evidence/{which}", async Task<Results<PhysicalFileHttpResult, ProblemHttpResult>> (long id, string which, PostLoanDbContext db, MonitoringOptions options, CancellationToken ct) =>
        {
            var access = await FindAsync(db, id, ct);
            if (access.Outcome != AccessOutcome.Granted)
            {
                return ProblemResults.From(access, $"alarm {id}");
            }

            var relative = which switch
            {
                "base" => access.Value!.EvidenceBasePath,
                "current" => access.Value!.EvidenceCurrentPath,
                _ => null,
            };
            var file = EvidenceFile(options, relative);
            return file is null
                ? ProblemResults.From(Error.NotFound("evidence.missing", $"alarm {id} has no '{which}' evidence image (base or current)"))
                : TypedResults.PhysicalFile(file, "image/jpeg");
        });

        review.MapPost("/{id:long}/acknowledge", async Task<Results<Ok<AlarmView>, ProblemHttpResult>> (long id, AlarmReviewService service, AlarmReports reports, CancellationToken ct) =>
            await Answer(await service.AcknowledgeAsync(id, ct), reports, ct));

        review.MapPost("/{id:long}/confirm", async Task<Results<Ok<AlarmView>, ProblemHttpResult>> (long id, ReviewRequest? input, AlarmReviewService service, AlarmReports reports, CancellationToken ct) =>
            await Answer(await service.ConfirmAsync(id, input?.Note, ct), reports, ct));

        review.MapPost("/{id:long}/dismiss", async Task<Results<Ok<AlarmView>, ProblemHttpResult>> (long id, ReviewRequest? input, AlarmReviewService service, AlarmReports reports, CancellationToken ct) =>
            await Answer(await service.DismissAsync(id, input?.Reason, ct), reports, ct));

        alarms.MapGet("/false-alarm-rates", async Task<Results<Ok<FalseAlarmReport>, ProblemHttpResult>> (DateOnly? from, DateOnly? to, AlarmReports reports, TimeProvider clock, CancellationToken ct) =>
        {
            var period = Period(from, to, clock);
            return period.IsSuccess ? TypedResults.Ok(await reports.FalseAlarmRatesAsync(period.Value.From, period.Value.To, ct)) : ProblemResults.From(period.Error!);
        });

        alarms.MapGet("/false-alarm-rates.xlsx", async Task<Results<FileContentHttpResult, ProblemHttpResult>> (DateOnly? from, DateOnly? to, AlarmReports reports, TimeProvider clock, CancellationToken ct) =>
        {
            var period = Period(from, to, clock);
            if (!period.IsSuccess)
            {
                return ProblemResults.From(period.Error!);
            }

            var report = await reports.FalseAlarmRatesAsync(period.Value.From, period.Value.To, ct);
            return TypedResults.File(Workbook(report), Xlsx, string.Create(CultureInfo.InvariantCulture, $"false-alarm-rates-{report.From:yyyyMMdd}-{report.To:yyyyMMdd}.xlsx"));
        });

        alarms.MapPost("/round", async (AlarmRound round, CancellationToken ct) => TypedResults.Ok(await round.RunAsync(ct)))
            .RequireAuthorization(p => p.RequireRole(Roles.Administrator));

        var rules = api.MapGroup("/monitoring/alarm-rules").WithTags("Monitoring alarms").RequireAuthorization(p => p.RequireRole(AlarmRoles.Read));
        var maintain = rules.MapGroup("").RequireAuthorization(p => p.RequireRole(AlarmRoles.Review));

        rules.MapGet("", async (PostLoanDbContext db, CancellationToken ct) =>
            TypedResults.Ok((await db.AlarmRules.OrderBy(r => r.Code).ToListAsync(ct)).Select(AlarmRuleView.From).ToList()));

        maintain.MapPost("", async Task<Results<Created<AlarmRuleView>, ProblemHttpResult>> (AlarmRuleRequest input, AlarmRuleService service, CancellationToken ct) =>
        {
            var parsed = input.ToInput();
            if (!parsed.IsSuccess)
            {
                return ProblemResults.From(parsed.Error!);
            }

            var rule = await service.CreateAsync(parsed.Value!, ct);
            return rule.IsSuccess ? TypedResults.Created($"/api/monitoring/alarm-rules/{rule.Value!.Id}", AlarmRuleView.From(rule.Value)) : ProblemResults.From(rule.Error!);
        });

        maintain.MapPut("/{id:int}", async Task<Results<Ok<AlarmRuleView>, ProblemHttpResult>> (int id, AlarmRuleRequest input, AlarmRuleService service, CancellationToken ct) =>
        {
            var parsed = input.ToInput();
            if (!parsed.IsSuccess)
            {
                return ProblemResults.From(parsed.Error!);
            }

            var rule = await service.UpdateAsync(id, parsed.Value!, ct);
            return rule.IsSuccess ? TypedResults.Ok(AlarmRuleView.From(rule.Value!)) : ProblemResults.From(rule.Error!);
        });

        maintain.MapDelete("/{id:int}", async Task<Results<NoContent, ProblemHttpResult>> (int id, AlarmRuleService service, CancellationToken ct) =>
        {
            var deleted = await service.DeleteAsync(id, ct);
            return deleted.IsSuccess ? TypedResults.NoContent() : ProblemResults.From(deleted.Error!);
        });
    }

    /// <summary>The absolute path of an evidence image under the snapshot root, or null when absent or outside it.</summary>
    public static string? EvidenceFile(MonitoringOptions options, string? relative)
    {
        if (string.IsNullOrWhiteSpace(relative))
        {
            return null;
        }

        var root = Path.GetFullPath(options.SnapshotsPath);
        var full = Path.GetFullPath(Path.Combine(root, relative));
        return full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) && File.Exists(full) ? full : null;
    }

    /// <summary>The report's period: the last 90 days by default, at most two years.</summary>
    public static Result<(DateOnly From, DateOnly To)> Period(DateOnly? from, DateOnly? to, TimeProvider clock)
    {
        var end = to ?? DateOnly.FromDateTime(clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).DateTime);
        var start = from ?? end.AddDays(-89);
        if (start > end)
        {
            return Error.Validation("from", "from: must not be after to");
        }

        return end.DayNumber - start.DayNumber > 731 ? Error.Validation("from", "from: the period is at most two years") : (start, end);
    }

    /// <summary>The false-alarm report as a workbook: one sheet per rule, one per device (Chinese headers).</summary>
    public static byte[] Workbook(FalseAlarmReport report)
    {
        static List<Dictionary<string, object?>> Sheet(IEnumerable<FalseAlarmRate> rows, string key, string name) => rows.Select(r => new Dictionary<string, object?>
        {
            [key] = r.Key,
            [name] = r.Name,
            ["告警数"] = r.Raised,
            ["确认"] = r.Confirmed,
            ["误报"] = r.Dismissed,
            ["待复核"] = r.Open,
            ["已恢复"] = r.Cleared,
            ["误报率(%)"] = r.Rate,
        }).ToList();

        var sheets = new Dictionary<string, object>
        {
            ["按规则"] = Sheet(report.ByRule, "规则编码", "规则名称"),
            ["按设备"] = Sheet(report.ByDevice, "设备编号", "设备"),
        };
        using var stream = new MemoryStream();
        stream.SaveAs(sheets);
        return stream.ToArray();
    }

    private static async Task<Results<Ok<AlarmView>, ProblemHttpResult>> Answer(Result<MonitoringAlarm> result, AlarmReports reports, CancellationToken ct) =>
        result.IsSuccess ? TypedResults.Ok(AlarmView.From((await reports.FindAsync(result.Value!.Id, ct))!)) : ProblemResults.From(result.Error!);

    private static Task<Access<MonitoringAlarm>> FindAsync(PostLoanDbContext db, long id, CancellationToken ct) =>
        db.FindInScopeAsync<MonitoringAlarm>(a => a.Id == id, id.ToString(CultureInfo.InvariantCulture), ct);
}

/// <summary>A page of alarms.</summary>
public sealed record AlarmListView(List<AlarmView> Items, int Total);

/// <summary>An alarm as the API shows it.</summary>
public sealed record AlarmView(
    long Id, int CustomerId, string CustomerName, int SiteId, string SiteName, int DeviceId, string DeviceCode, string DeviceName, string Kind, string RuleCode,
    string Severity, string Status, string Title, string? Detail, double? Value, DateTimeOffset FirstSeenAt, DateTimeOffset LastSeenAt, int Occurrences,
    bool HasBaseImage, bool HasCurrentImage, long? SnapshotId, string? AcknowledgedBy, DateTimeOffset? AcknowledgedAt, string? ReviewedBy,
    DateTimeOffset? ReviewedAt, string? ReviewNote, long? SignalId)
{
    public static AlarmView From(AlarmItem item)
    {
        var a = item.Alarm;
        return new AlarmView(a.Id, a.CustomerId, item.CustomerName, a.SiteId, item.SiteName, a.DeviceId, item.DeviceCode, item.DeviceName, a.Kind.ToString(),
            a.RuleCode, a.Severity.ToString(), a.Status.ToString(), a.Title, a.Detail, a.Value, a.FirstSeenAt, a.LastSeenAt, a.Occurrences,
            a.EvidenceBasePath is not null, a.EvidenceCurrentPath is not null, a.SnapshotId, a.AcknowledgedBy, a.AcknowledgedAt, a.ReviewedBy, a.ReviewedAt,
            a.ReviewNote, a.SignalId);
    }
}

/// <summary>A confirmation note or a dismissal reason.</summary>
public sealed record ReviewRequest(string? Note, string? Reason);

/// <summary>A threshold rule as the API shows it.</summary>
public sealed record AlarmRuleView(
    int Id, string Code, string Name, string Scope, int? SiteId, string? DeviceKind, int? DeviceId, string Metric, string Comparison, double Threshold,
    int Consecutive, string Severity, bool Enabled, bool Starter, string Description, DateTimeOffset UpdatedAt, string? UpdatedBy)
{
    public static AlarmRuleView From(AlarmRule r) => new(r.Id, r.Code, r.Name, r.Scope.ToString(), r.SiteId, r.DeviceKind?.ToString(), r.DeviceId,
        r.Metric.ToString(), r.Comparison.ToString(), r.Threshold, r.Consecutive, r.Severity.ToString(), r.Enabled, r.Starter, r.Describe(), r.UpdatedAt, r.UpdatedBy);
}

/// <summary>A threshold rule to create or edit; enums by name.</summary>
public sealed record AlarmRuleRequest(
    string? Code, string? Name, string? Scope, int? SiteId, string? DeviceKind, int? DeviceId, string? Metric, string? Comparison, double? Threshold,
    int? Consecutive, string? Severity, bool? Enabled)
{
    public Result<AlarmRuleInput> ToInput()
    {
        var scope = Parse<AlarmRuleScope>(Scope ?? nameof(AlarmRuleScope.All), "scope");
        var metric = Parse<AlarmMetric>(Metric, "metric");
        var comparison = Parse<AlarmComparison>(Comparison, "comparison");
        var severity = Parse<AlarmSeverity>(Severity ?? nameof(AlarmSeverity.Yellow), "severity");
        var kind = DeviceKind is null ? Result<DeviceKind>.Ok(default) : Parse<DeviceKind>(DeviceKind, "deviceKind");
        foreach (var error in new[] { scope.Error, metric.Error, comparison.Error, severity.Error, kind.Error })
        {
            if (error is not null)
            {
                return error;
            }
        }

        if (Threshold is null)
        {
            return Error.Validation("threshold", "threshold: required");
        }

        return new AlarmRuleInput(Code ?? "", Name ?? "", scope.Value, SiteId, DeviceKind is null ? null : kind.Value, DeviceId, metric.Value, comparison.Value,
            Threshold.Value, Consecutive ?? 1, severity.Value, Enabled ?? true);
    }

    private static Result<T> Parse<T>(string? text, string field)
        where T : struct, Enum
    {
        return Enum.TryParse<T>(text, ignoreCase: true, out var value) && Enum.IsDefined(value) && !int.TryParse(text, out _)
            ? value
            : Error.Validation(field, $"{field}: one of {string.Join(", ", Enum.GetNames<T>())}");
    }
}
