using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PostLoan.Domain.Monitoring;
using PostLoan.Domain.Monitoring.Alarms;
using PostLoan.Domain.Warning.Signals;
using PostLoan.Infrastructure.Demo;
using PostLoan.Integration.Tests.Support;

namespace PostLoan.Integration.Tests.Monitoring.Alarms;

/// <summary>The demo bank's alarms come from its scripted incidents, and the demo service manager has reviewed them.</summary>
public sealed class DemoAlarms
{
    [Fact]
    public async Task The_factory_stop_is_confirmed_as_a_signal_the_counter_reset_dismissed_and_a_site_rule_alarm_waits()
    {
        var now = new DateTimeOffset(2026, 11, 23, 2, 0, 0, TimeSpan.Zero);
        await using var app = await TestApp.StartAsync(clock: new ManualClock(now));
        await app.AsSystemAsync(s => ActivatorUtilities.CreateInstance<DemoMonitoringSeeder>(s).SeedAsync());
        var reviewed = await app.AsSystemAsync(s => ActivatorUtilities.CreateInstance<DemoAlarmSeeder>(s).SeedAsync());
        Assert.Equal(0, await app.AsSystemAsync(s => ActivatorUtilities.CreateInstance<DemoAlarmSeeder>(s).SeedAsync()));

        await using var db = app.SystemDb();
        var sites = await db.MonitoringSites.OrderBy(s => s.Id).Select(s => s.Id).ToListAsync();
        var alarms = await db.MonitoringAlarms.OrderBy(a => a.Id).ToListAsync();
        Assert.Equal(2, reviewed);
        Assert.Equal(3, alarms.Count);
        var stop = Assert.Single(alarms, a => a.Kind == AlarmKind.OperationsAnomaly);
        // The demo has last year's daily totals: the stopped factory is first of all far below the same weeks last year.
        Assert.Equal((sites[1], "anomaly-seasonal", AlarmStatus.Confirmed, "service"), (stop.SiteId, stop.RuleCode, stop.Status, stop.ReviewedBy));
        Assert.Equal(DeviceKind.ElectricityMeter, (await db.Devices.SingleAsync(d => d.Id == stop.DeviceId)).Kind);
        var signal = await db.WarningSignals.SingleAsync(s => s.Id == stop.SignalId);
        var manager = await db.Customers.Where(c => c.Id == stop.CustomerId).Select(c => c.AccountManagerId).SingleAsync();
        Assert.Equal((SignalSource.DeviceAlarm, SignalStatus.Assigned, manager), (signal.Source, signal.Status, signal.AssignedToId));

        var reset = Assert.Single(alarms, a => a.RuleCode == "counter-reset");
        Assert.Equal((sites[2], AlarmStatus.Dismissed), (reset.SiteId, reset.Status));
        // The second site's own rule: fewer than 20 people a day three days running, left open for the queue.
        var entries = Assert.Single(alarms, a => a.Kind == AlarmKind.Threshold);
        Assert.Equal((sites[1], DemoAlarmSeeder.DemoRuleCode, AlarmStatus.Open), (entries.SiteId, entries.RuleCode, entries.Status));
    }
}
