using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PostLoan.Domain.Monitoring;
using PostLoan.Domain.Monitoring.Statistics;
using PostLoan.Infrastructure.Demo;
using PostLoan.Infrastructure.Monitoring;
using PostLoan.Infrastructure.Monitoring.Statistics;
using PostLoan.Integration.Tests.Support;

namespace PostLoan.Integration.Tests.Monitoring;

/// <summary>The demo bank's monitoring history: four sites, 60 days of readings through the ingest writer, 400 days of daily totals before them, the scripted incidents and their year-on-year effect.</summary>
public sealed class DemoMonitoringHistory
{
    [Fact]
    public async Task The_demo_sites_have_sixty_days_of_history_and_their_incidents()
    {
        var now = new DateTimeOffset(2026, 11, 23, 2, 0, 0, TimeSpan.Zero);
        await using var app = await TestApp.StartAsync(clock: new ManualClock(now));
        var readings = await app.AsSystemAsync(s => ActivatorUtilities.CreateInstance<DemoMonitoringSeeder>(s).SeedAsync());
        // 4 sites × 4 reading devices × 60 days × 96 quarter hours.
        Assert.Equal(4 * 4 * 60 * 96, readings);
        Assert.Equal(0, await app.AsSystemAsync(s => ActivatorUtilities.CreateInstance<DemoMonitoringSeeder>(s).SeedAsync()));

        await using var db = app.SystemDb();
        var enterprise = await MonitoringFixture.EnterpriseCustomerAsync(app);
        var sites = await db.MonitoringSites.OrderBy(s => s.Id).ToListAsync();
        Assert.Equal(4, sites.Count);
        Assert.Equal(enterprise, sites[0].CustomerId);
        Assert.Equal(20, await db.Devices.CountAsync());
        Assert.Equal(8, await db.DeviceSnapshots.CountAsync());
        var snapshot = await db.DeviceSnapshots.OrderBy(s => s.Id).FirstAsync();
        Assert.Equal((1280, 720), (snapshot.Width, snapshot.Height));
        Assert.True(File.Exists(Path.Combine(app.Services.GetRequiredService<MonitoringOptions>().SnapshotsPath, snapshot.Path)));

        // The second site stopped 20 days ago: its working-day power fell to the base load.
        var meter = await db.Devices.SingleAsync(d => d.SiteId == sites[1].Id && d.Kind == DeviceKind.ElectricityMeter);
        var days = await db.DeviceDailyTotals.Where(t => t.DeviceId == meter.Id).OrderBy(t => t.Day).ToListAsync();
        // 400 days of daily totals, then 60 days of readings from a quarter hour: the first and last business days are partial.
        Assert.Equal(DemoMonitoringSeeder.TotalsHistoryDays + 61, days.Count);
        Assert.Equal(sites[1].DayOf(now - TimeSpan.FromDays(60)).AddDays(-DemoMonitoringSeeder.TotalsHistoryDays), days[0].Day);
        var before = days.Where(t => t.Day.DayOfWeek == DayOfWeek.Wednesday && t.Day < new DateOnly(2026, 11, 1)).Average(t => t.Increment);
        var after = days.Where(t => t.Day.DayOfWeek == DayOfWeek.Wednesday && t.Day > new DateOnly(2026, 11, 4)).Average(t => t.Increment);
        Assert.True(after < before * 0.25, $"power after the stop {after:0} kWh vs {before:0} kWh");

        // Against the same two weeks last year the stopped factory's power fell by far more than 40%; the first site grew.
        var statistics = await app.AsSystemAsync(s => s.GetRequiredService<SiteStatisticsService>().DaysAsync(sites, new DateOnly(2025, 11, 1), new DateOnly(2026, 11, 22), new DateOnly(2026, 11, 1)));
        var (from, to) = (new DateOnly(2026, 11, 8), new DateOnly(2026, 11, 21));
        var stopped = SiteStatistics.Window(statistics[sites[1].Id], from, to)!;
        Assert.True(stopped.ElectricityYoy < -60, $"stopped factory: {stopped.ElectricityKwh} kWh vs {stopped.LastYear?.ElectricityKwh} kWh");
        Assert.True(stopped.EntriesYoy < -90, $"stopped factory entries: {stopped.Entries} vs {stopped.LastYear?.Entries}");
        var growing = SiteStatistics.Window(statistics[sites[0].Id], from, to)!;
        Assert.InRange(growing.ElectricityYoy!.Value, 2, 15);

        // The third site's counter was reset once; the history still counts people every working day.
        var counter = await db.Devices.SingleAsync(d => d.SiteId == sites[2].Id && d.Kind == DeviceKind.PeopleCounter);
        Assert.Equal(1, await db.DeviceEvents.CountAsync(e => e.DeviceId == counter.Id && e.Kind == DeviceEventKind.CounterReset));
        var monday = await db.DeviceDailyTotals.SingleAsync(t => t.DeviceId == counter.Id && t.Day == new DateOnly(2026, 11, 16));
        Assert.True(monday.Increment > 100 && ReadingRules.Headcount(monday.Increment, monday.Increment2) < monday.Increment * 0.2,
            $"entries {monday.Increment}, exits {monday.Increment2}");
    }
}
