using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PostLoan.Domain.Monitoring.Alarms;
using PostLoan.Domain.Monitoring.Images;
using PostLoan.Infrastructure.Demo;
using PostLoan.Infrastructure.Monitoring.Cameras;
using PostLoan.Integration.Tests.Support;

namespace PostLoan.Integration.Tests.Monitoring.Cameras;

/// <summary>The demo's warehouse cameras: a policy on each, their last hour compared, the third site's goods leaving alarmed once.</summary>
public sealed class DemoCameras
{
    [Fact]
    public async Task The_demo_cameras_compare_their_snapshots_and_the_goods_leaving_raise_one_alarm()
    {
        var now = new DateTimeOffset(2026, 11, 23, 2, 0, 0, TimeSpan.Zero);
        await using var app = await TestApp.StartAsync(clock: new ManualClock(now), settings: new Dictionary<string, string?> { ["Monitoring:Cameras:Compare"] = "false" });
        await app.AsSystemAsync(s => ActivatorUtilities.CreateInstance<DemoMonitoringSeeder>(s).SeedAsync());
        Assert.Equal(4 * 5, await app.AsSystemAsync(s => ActivatorUtilities.CreateInstance<DemoCameraSeeder>(s).SeedAsync()));
        Assert.Equal(0, await app.AsSystemAsync(s => ActivatorUtilities.CreateInstance<DemoCameraSeeder>(s).SeedAsync()));
        Assert.Equal(4 * 5, await app.Services.GetRequiredService<CameraComparisonWorker>().RunOnceAsync());

        await using var db = app.SystemDb();
        var policies = await db.CameraPolicies.OrderBy(p => p.DeviceId).ToListAsync();
        Assert.Equal(4, policies.Count);
        Assert.Equal(["1号货架上层", "1号货架下层", "2号货架上层", "2号货架下层", "3号货架上层", "3号货架下层", "4号货架上层", "4号货架下层", "立柱标牌", "地面标线"],
            policies[0].Regions.Select(r => r.Name));
        var verdicts = new List<string>();
        foreach (var policy in policies)
        {
            var list = await db.CameraComparisons.Where(c => c.DeviceId == policy.DeviceId).OrderBy(c => c.SnapshotId).Select(c => c.Verdict).ToListAsync();
            verdicts.Add(string.Join(",", list.Select(v => v?.ToString() ?? "-")));
        }

        Assert.Equal(
        [
            "Unchanged,Unchanged,Unchanged,Unchanged,Unchanged",
            "Unchanged,Unchanged,Unchanged,Unchanged,Unchanged",
            "Unchanged,Unchanged,Changed,Changed,Changed",
            "Unchanged,Unchanged,Unchanged,Changed,Inconclusive",
        ], verdicts);
        var alarm = Assert.Single(await db.MonitoringAlarms.ToListAsync());
        Assert.Equal((policies[2].DeviceId, AlarmKind.GoodsChange, AlarmSeverity.Red), (alarm.DeviceId, alarm.Kind, alarm.Severity));
        Assert.StartsWith("货物区变化：2号货架上层 ", alarm.Detail);
        Assert.Equal(now.AddMinutes(-20), alarm.FirstSeenAt);
    }
}
