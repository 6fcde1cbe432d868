using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PostLoan.Infrastructure.Ledger.Reminders;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Infrastructure.Demo;

/// <summary>What the demo seeding wrote: the bank (null when it existed already) and the demo loans added.</summary>
/// <param name="Bank">The new demo bank with its logins, or null when it existed.</param>
/// <param name="Loans">Demo loans written now.</param>
public sealed record DemoSeedResult(DemoBank? Bank, int Loans);

/// <summary>
/// Seeds the whole demo in order — the bank, the loans with history, credit support, risk, then each later module's
/// demo data — for <c>./postloan serve</c> (web) and <c>./postloan seed-demo</c> (CLI) alike. Every seeder is
/// idempotent, so running it on a seeded database changes nothing. A new module adds its seeder here, once.
/// </summary>
public static class DemoSeeding
{
    /// <summary>Runs every demo seeder in <paramref name="services"/> (a scope acting as the system).</summary>
    public static async Task<DemoSeedResult> SeedAsync(IServiceProvider services, int customersPerSubBranch, int loans, CancellationToken cancellationToken)
    {
        var bank = await services.GetRequiredService<DemoBankSeeder>().SeedAsync(customersPerSubBranch, cancellationToken);
        var written = await services.GetRequiredService<DemoLoanSeeder>().SeedAsync(loans, cancellationToken);
        await ActivatorUtilities.CreateInstance<DemoCreditSupportSeeder>(services).SeedAsync(cancellationToken);
        await ActivatorUtilities.CreateInstance<DemoRiskSeeder>(services).SeedAsync(cancellationToken);
        await ActivatorUtilities.CreateInstance<DemoIndicatorSeeder>(services).SeedAsync(cancellationToken);
        await ActivatorUtilities.CreateInstance<DemoMonitoringSeeder>(services).SeedAsync(cancellationToken);
        await ActivatorUtilities.CreateInstance<DemoCameraSeeder>(services).SeedAsync(cancellationToken);
        await ActivatorUtilities.CreateInstance<DemoRelationSeeder>(services).SeedAsync(cancellationToken);
        await ActivatorUtilities.CreateInstance<DemoSignalSeeder>(services).SeedAsync(cancellationToken);
        await EvaluateRulesAsync(services, cancellationToken);
        await SeedNoticesAsync(services, cancellationToken);
        await ActivatorUtilities.CreateInstance<DemoAlarmSeeder>(services).SeedAsync(cancellationToken);
        return new DemoSeedResult(bank, written);
    }

    /// <summary>
    /// The starter warning rules over the demo's indicators as of the last closed date (what the next nightly run would
    /// do), so the signal centre shows rule signals flowing to the account managers. Idempotent: a repeat refreshes.
    /// </summary>
    private static async Task EvaluateRulesAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<PostLoanDbContext>();
        if (await db.LoanPositions.MaxAsync(p => (DateOnly?)p.ClosedThrough, cancellationToken) is { } closed)
        {
            await services.GetRequiredService<Monitoring.Statistics.DeviceIndicators>().RunAsync(closed, cancellationToken);
            await services.GetRequiredService<Warning.Rules.NightlyRuleRun>().RunAsync(closed, cancellationToken);
        }
    }

    /// <summary>The reminders of the last ten closed dates, so the notices page has content (once: skipped when notices exist).</summary>
    private static async Task SeedNoticesAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<PostLoanDbContext>();
        if (await db.BorrowerNotices.IgnoreQueryFilters().AnyAsync(cancellationToken)
            || await db.LoanPositions.MaxAsync(p => (DateOnly?)p.ClosedThrough, cancellationToken) is not { } closed)
        {
            return;
        }

        var step = ActivatorUtilities.CreateInstance<ReminderCloseStep>(services);
        for (var date = closed.AddDays(-9); date <= closed; date = date.AddDays(1))
        {
            await step.RunAsync(date, cancellationToken);
        }
    }
}
