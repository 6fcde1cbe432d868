using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PostLoan.Domain.Warning.Rules;
using PostLoan.Infrastructure.Ledger.Close;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Infrastructure.Warning.Indicators;

namespace PostLoan.Infrastructure.Warning.Rules;

/// <summary>Seeds the starter rule set (<see cref="StarterRules"/>) at start-up: each missing rule as published version 1. Idempotent.</summary>
public static class StarterRuleSeeder
{
    /// <summary>The author and approver recorded on the shipped versions.</summary>
    public const string System = "system";

    public static async Task SeedAsync(PostLoanDbContext db, CancellationToken cancellationToken = default)
    {
        var existing = await db.WarningRules.Select(r => r.Code).ToListAsync(cancellationToken);
        var missing = StarterRules.All.Where(s => !existing.Contains(s.Code)).ToList();
        if (missing.Count == 0)
        {
            return;
        }

        var now = DateTimeOffset.UtcNow;
        var rules = missing.Select(s => (Starter: s, Rule: new WarningRule { Code = s.Code, NameZh = s.NameZh, NameEn = s.NameEn, Category = s.Category, Starter = true, CreatedAt = now })).ToList();
        db.WarningRules.AddRange(rules.Select(r => r.Rule));
        await db.SaveChangesAsync(cancellationToken);
        db.WarningRuleVersions.AddRange(rules.Select(r => new WarningRuleVersion
        {
            RuleId = r.Rule.Id, Number = 1, Expression = r.Starter.Expression, Severity = r.Starter.Severity, State = RuleVersionState.Published,
            Note = "预置规则", AuthorId = System, AuthorName = System, ApprovedById = System, ApprovedByName = System, CreatedAt = now, PublishedAt = now,
        }));
        await db.SaveChangesAsync(cancellationToken);
    }
}

/// <summary>Registers the warning-rule services.</summary>
public static class WarningRuleServices
{
    public static IServiceCollection AddWarningRules(this IServiceCollection services)
    {
        services.AddSingleton<RuleSetCache>();
        services.AddScoped<RuleService>();
        services.AddScoped<RuleBacktests>();
        services.AddScoped<RealTimeRules>();
        services.AddScoped<IIndicatorObserver>(sp => sp.GetRequiredService<RealTimeRules>());
        services.AddScoped<NightlyRuleRun>();
        services.AddScoped<ICloseStep>(sp => sp.GetRequiredService<NightlyRuleRun>());
        return services;
    }
}
