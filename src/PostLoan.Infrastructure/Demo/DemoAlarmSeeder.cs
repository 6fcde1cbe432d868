using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Administration;
using PostLoan.Domain.Common;
using PostLoan.Domain.Monitoring.Alarms;
using PostLoan.Infrastructure.Identity;
using PostLoan.Infrastructure.Ledger.Loans;
using PostLoan.Infrastructure.Monitoring.Alarms;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Infrastructure.Warning.Signals;

namespace PostLoan.Infrastructure.Demo;

/// <summary>
/// The demo bank's alarms, after its monitoring data: one alarm round over the scripted incidents (the second site's
/// factory stopped 20 days ago → an operations anomaly; the third site's counter reset → a counter alarm), then the demo
/// service manager (<c>service</c>) reviews them: the factory stop is confirmed (a warning signal for the account
/// manager) and the counter reset dismissed as false with a reason; the second site's own rule (fewer than 20 people a
/// day, three days running) leaves an open alarm for the review queue. Returns the alarms reviewed. Run once.
/// </summary>
public sealed class DemoAlarmSeeder(PostLoanDbContext db, AlarmRound round, DatabaseOptions database, IEnumerable<ISignalObserver> observers, TimeProvider clock)
{
    /// <summary>The demo's own threshold rule on the second site.</summary>
    public const string DemoRuleCode = "demo-site-entries";

    public async Task<int> SeedAsync(CancellationToken cancellationToken = default)
    {
        if (!await db.MonitoringSites.IgnoreQueryFilters().AnyAsync(cancellationToken)
            || await db.AlarmCursors.AnyAsync(c => c.Key == AlarmRound.EventsCursor, cancellationToken))
        {
            return 0;
        }

        // A site rule a service manager would set on a factory the bank watches closely: fewer than 20 people a day, three days running.
        var second = await db.MonitoringSites.IgnoreQueryFilters().OrderBy(s => s.Id).Skip(1).Select(s => (int?)s.Id).FirstOrDefaultAsync(cancellationToken);
        if (second is { } siteId && !await db.AlarmRules.AnyAsync(r => r.Code == DemoRuleCode, cancellationToken))
        {
            db.AlarmRules.Add(new AlarmRule
            {
                Code = DemoRuleCode, Name = "重点监控：厂区日进场人次过低", Scope = AlarmRuleScope.Site, SiteId = siteId, Metric = AlarmMetric.DailyEntries,
                Comparison = AlarmComparison.LessThan, Threshold = 20, Consecutive = 3, Severity = AlarmSeverity.Orange, UpdatedAt = clock.GetUtcNow(), UpdatedBy = "service",
            });
            await db.SaveChangesAsync(cancellationToken);
        }

        await round.RunAsync(cancellationToken);
        var service = await db.Users.Where(u => u.UserName == "service").Select(u => new { u.Id, u.UserName }).FirstOrDefaultAsync(cancellationToken);
        if (service is null)
        {
            return 0;
        }

        var reviewer = new DemoReviewer(service.Id, service.UserName!);
        await using var context = database.CreateContext(reviewer, clock);
        var review = new AlarmReviewService(context, new SignalRaiser(context, observers, clock), new LoanServicing(context, clock), reviewer, clock);
        var alarms = await context.MonitoringAlarms.AsNoTracking().Where(a => a.Status == AlarmStatus.Open).OrderBy(a => a.Id).ToListAsync(cancellationToken);
        var reviewed = 0;
        foreach (var alarm in alarms)
        {
            var step = alarm.Kind switch
            {
                AlarmKind.OperationsAnomaly => await review.ConfirmAsync(alarm.Id, "电话回访确认：厂区自上月起停产，仅保留值班人员", cancellationToken),
                AlarmKind.Fault when alarm.RuleCode == "counter-reset" => await review.DismissAsync(alarm.Id, "计数器因停电重启清零，当日人数已人工核对，属正常", cancellationToken),
                _ => (Result<MonitoringAlarm>?)null, // left open for the review queue
            };
            if (step is { IsSuccess: false } failed)
            {
                throw new InvalidOperationException($"demo alarm {alarm.Id}: {failed.Error!.Message}");
            }

            reviewed += step is null ? 0 : 1;
        }

        return reviewed;
    }

    /// <summary>The demo service manager, who reviews the demo's alarms (head office: sees every site).</summary>
    private sealed class DemoReviewer(string userId, string userName) : ICurrentUser
    {
        public string UserId => userId;

        public string? UserName => userName;

        public DataScope Scope { get; } = new() { UserId = userId, OrganisationPath = "/" };
    }
}
