using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenCvSharp;
using PostLoan.Domain.Administration;
using PostLoan.Domain.Monitoring;
using PostLoan.Domain.Monitoring.Alarms;
using PostLoan.Domain.Monitoring.Images;
using PostLoan.Infrastructure.Monitoring.Cameras;
using PostLoan.Infrastructure.Monitoring.Images;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Integration.Tests.Monitoring.Images;
using PostLoan.Integration.Tests.Support;

namespace PostLoan.Integration.Tests.Monitoring.Cameras;

/// <summary>
/// Snapshots arriving through the HTTP ingest are compared by the camera worker with the approved base image: removed
/// goods alarm once after N consecutive snapshots with evidence files, lighting stays quiet, a moved camera is
/// inconclusive, a new base image starts a new run, and snapshots stored while the worker was stopped are compared when
/// it starts.
/// </summary>
public abstract class CameraComparisons : IAsyncLifetime
{
    // 2026-11-23 10:00 Beijing time.
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 2, 0, 0, TimeSpan.Zero);

    // bay2-upper (goods region 2) has weight 1.13 of 9.64: 0.11722 → 0.1172.
    private const double OneBayWeighted = 0.1172;

    private readonly ManualClock _clock = new(Now);
    private TestApp _app = null!;

    protected abstract Task<TestApp> StartAsync(ManualClock clock, IDictionary<string, string?>? settings = null);

    public async Task InitializeAsync() => _app = await StartAsync(_clock);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Removed_goods_for_N_consecutive_snapshots_raise_exactly_one_alarm_with_evidence()
    {
        using var camera = await CameraClient.CreateAsync(_app, _clock);
        await camera.SetUpAsync(persistenceCount: 3);
        var removed = new[] { 2 };
        var ids = new List<long> { await camera.SendAsync(new WarehouseShot(Frame: 1)) };
        for (var frame = 2; frame <= 3; frame++)
        {
            ids.Add(await camera.SendAsync(new WarehouseShot(Frame: frame, RemovedBays: removed)));
        }

        Assert.Equal(3, await camera.CompareAsync());
        Assert.Empty(await AlarmsAsync(camera.DeviceId));   // N − 1 = 2 changed snapshots: no alarm yet

        ids.Add(await camera.SendAsync(new WarehouseShot(Frame: 4, RemovedBays: removed)));
        ids.Add(await camera.SendAsync(new WarehouseShot(Frame: 5, RemovedBays: removed)));
        Assert.Equal(5, await camera.CompareAsync());

        await using var db = _app.SystemDb();
        var comparisons = await db.CameraComparisons.Where(c => c.DeviceId == camera.DeviceId).OrderBy(c => c.SnapshotId).ToListAsync();
        Assert.Equal(ids, comparisons.Select(c => c.SnapshotId));
        Assert.Equal([ComparisonVerdict.Unchanged, ComparisonVerdict.Changed, ComparisonVerdict.Changed, ComparisonVerdict.Changed, ComparisonVerdict.Changed],
            comparisons.Select(c => c.Verdict));
        Assert.Equal([0, 1, 2, 3, 4], comparisons.Select(c => c.ConsecutiveChanged));
        Assert.Equal([false, false, false, true, false], comparisons.Select(c => c.RaisesAlarm));
        Assert.Equal(OneBayWeighted, comparisons[3].WeightedChange);
        Assert.Equal(["bay2-upper"], comparisons[3].Regions.Where(r => r.Changed).Select(r => r.Name));

        var alarm = Assert.Single(await AlarmsAsync(camera.DeviceId));
        Assert.Equal(AlarmKind.GoodsChange, alarm.Kind);
        Assert.Equal(CameraComparisonWorker.RuleCode, alarm.RuleCode);
        Assert.Equal(AlarmSeverity.Red, alarm.Severity);
        Assert.Equal(AlarmStatus.Open, alarm.Status);
        Assert.Equal(1, alarm.Occurrences);
        Assert.Equal(ids[3], alarm.SnapshotId);
        Assert.Equal(OneBayWeighted, alarm.Value);
        Assert.Equal(Now.AddMinutes(40), alarm.FirstSeenAt);
        Assert.Equal("质押物变化：CAM-WH-1 设备（CAM-WH-1）", alarm.Title);
        Assert.StartsWith("货物区变化：bay2-upper ", alarm.Detail);
        Assert.Contains("（权重 1.13）；加权变化 0.117 ≥ 0.10；", alarm.Detail);
        Assert.EndsWith("连续 3 张现图变化，达到持续规则 N = 3，告警。", alarm.Detail);
        Assert.Equal(alarm.Id, comparisons[3].AlarmId);

        // The day's inventory-change index (库存变化指数): −100 × the last conclusive comparison's weighted change.
        var site = await db.MonitoringSites.SingleAsync(s => s.Id == camera.SiteId);
        var day = site.DayOf(comparisons[^1].TakenAt);
        var inventory = await _app.AsSystemAsync(services => services.GetRequiredService<PostLoan.Infrastructure.Monitoring.Statistics.SiteStatisticsService>().InventoryAsync([site], day, day));
        Assert.Equal(-11.7, inventory[(site.Id, day)]);

        // The evidence: the base and current crops of bay2-upper (372×326 scaled to 240 high) as JPEG files under the root.
        var files = _app.Services.GetRequiredService<CameraFiles>();
        Assert.Equal($"evidence/{camera.SiteId}/{camera.DeviceId}/{ids[3]}-base.jpg", alarm.EvidenceBasePath);
        Assert.Equal($"evidence/{camera.SiteId}/{camera.DeviceId}/{ids[3]}-current.jpg", alarm.EvidenceCurrentPath);
        foreach (var path in new[] { alarm.EvidenceBasePath!, alarm.EvidenceCurrentPath! })
        {
            using var evidence = Cv2.ImRead(files.Resolve(path)!);
            Assert.Equal(new OpenCvSharp.Size(372 * 240 / 326, 240), evidence.Size());
        }

        var view = (await camera.Staff.GetFromJsonAsync<List<ComparisonRow>>(camera.Url + "/comparisons"))!;
        Assert.Equal(["changed", "changed", "changed", "changed", "unchanged"], view.Select(v => v.Verdict));
        Assert.Equal(HttpStatusCode.OK, (await camera.Staff.GetAsync(view[1].EvidenceCurrentUrl!)).StatusCode);
    }

    [Fact]
    public async Task A_lighting_change_stays_quiet()
    {
        using var camera = await CameraClient.CreateAsync(_app, _clock);
        await camera.SetUpAsync(persistenceCount: 2);
        await camera.SendAsync(new WarehouseShot(Frame: 1, Lighting: new WarehouseLighting(Gain: 1.3)));
        await camera.SendAsync(new WarehouseShot(Frame: 2, Lighting: new WarehouseLighting(Gain: 0.6, Gamma: 1.3)));
        await camera.SendAsync(new WarehouseShot(Frame: 3, Lighting: new WarehouseLighting(Gamma: 0.8, LampStrength: 0.6, LampX: 0.1)));
        Assert.Equal(3, await camera.CompareAsync());

        await using var db = _app.SystemDb();
        var comparisons = await db.CameraComparisons.Where(c => c.DeviceId == camera.DeviceId).ToListAsync();
        Assert.All(comparisons, c => Assert.Equal(ComparisonVerdict.Unchanged, c.Verdict));
        Assert.All(comparisons, c => Assert.Equal(0, c.WeightedChange));
        Assert.Empty(await AlarmsAsync(camera.DeviceId));
    }

    [Fact]
    public async Task A_moved_camera_is_inconclusive_and_raises_nothing()
    {
        using var camera = await CameraClient.CreateAsync(_app, _clock);
        await camera.SetUpAsync(persistenceCount: 2);
        for (var frame = 1; frame <= 3; frame++)
        {
            await camera.SendAsync(new WarehouseShot(Frame: frame, ShiftX: 40));
        }

        Assert.Equal(3, await camera.CompareAsync());
        await using var db = _app.SystemDb();
        var comparisons = await db.CameraComparisons.Where(c => c.DeviceId == camera.DeviceId).OrderBy(c => c.SnapshotId).ToListAsync();
        Assert.All(comparisons, c => Assert.Equal(ComparisonVerdict.Inconclusive, c.Verdict));
        Assert.Equal([1, 2, 3], comparisons.Select(c => c.ConsecutiveInconclusive));
        Assert.All(comparisons, c => Assert.Equal(0, c.ConsecutiveChanged));
        Assert.All(comparisons, c => Assert.False(c.RaisesAlarm));
        Assert.StartsWith("结果不确定：对照区变化（", comparisons[2].Note);
        Assert.EndsWith("不计入持续规则，不告警（已连续 3 张）。", comparisons[2].Note);
        Assert.Empty(await AlarmsAsync(camera.DeviceId));
        var policy = await db.CameraPolicies.SingleAsync(p => p.DeviceId == camera.DeviceId);
        Assert.Equal((0, 3), (policy.ConsecutiveChanged, policy.ConsecutiveInconclusive));
    }

    [Fact]
    public async Task A_new_base_image_resets_the_persistence()
    {
        using var camera = await CameraClient.CreateAsync(_app, _clock);
        await camera.SetUpAsync(persistenceCount: 2);
        await camera.SendAsync(new WarehouseShot(Frame: 1, RemovedBays: [5]));
        Assert.Equal(1, await camera.CompareAsync());

        // A new base image (another frame of the full warehouse): the run of one changed snapshot is forgotten.
        Assert.Equal(HttpStatusCode.OK, (await camera.UploadBaseAsync(new WarehouseShot(Frame: 9))).StatusCode);
        await using (var db = _app.SystemDb())
        {
            var policy = await db.CameraPolicies.SingleAsync(p => p.DeviceId == camera.DeviceId);
            Assert.Equal(0, policy.ConsecutiveChanged);
        }

        await camera.SendAsync(new WarehouseShot(Frame: 2, RemovedBays: [5]));
        Assert.Equal(2, await camera.CompareAsync());

        await using var check = _app.SystemDb();
        var comparisons = await check.CameraComparisons.Where(c => c.DeviceId == camera.DeviceId).OrderBy(c => c.SnapshotId).ToListAsync();
        Assert.Equal([ComparisonVerdict.Changed, ComparisonVerdict.Changed], comparisons.Select(c => c.Verdict));
        Assert.Equal([1, 1], comparisons.Select(c => c.ConsecutiveChanged));
        Assert.Empty(await AlarmsAsync(camera.DeviceId));
        var history = await check.CameraBaseImages.Where(i => i.DeviceId == camera.DeviceId).OrderBy(i => i.Id).ToListAsync();
        Assert.Equal(2, history.Count);
        Assert.Equal([history[0].Id, history[1].Id], comparisons.Select(c => c.BaseImageId));
        Assert.All(history, i => Assert.Equal("service", i.ApprovedBy));
    }

    [Fact]
    public async Task Snapshots_stored_while_the_worker_was_stopped_are_compared_when_it_starts()
    {
        await _app.DisposeAsync();
        _app = await StartAsync(_clock, new Dictionary<string, string?> { ["Monitoring:Cameras:Compare"] = "false" });
        using var camera = await CameraClient.CreateAsync(_app, _clock);
        await camera.SetUpAsync(persistenceCount: 2);
        await camera.SendAsync(new WarehouseShot(Frame: 1, RemovedBays: [0, 7]));
        await camera.SendAsync(new WarehouseShot(Frame: 2, RemovedBays: [0, 7]));
        await using (var db = _app.SystemDb())
        {
            Assert.False(await db.CameraComparisons.AnyAsync());
        }

        var worker = _app.Services.GetRequiredService<CameraComparisonWorker>();
        await worker.StartAsync(CancellationToken.None);
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(90);
            while ((await AlarmsAsync(camera.DeviceId)).Count == 0 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
        finally
        {
            await worker.StopAsync(CancellationToken.None);
        }

        await using var check = _app.SystemDb();
        Assert.Equal([1, 2], await check.CameraComparisons.OrderBy(c => c.SnapshotId).Select(c => c.ConsecutiveChanged).ToListAsync());
        var alarm = Assert.Single(await AlarmsAsync(camera.DeviceId));
        // bay1-upper (1) and bay4-lower (1.43) of 9.64.
        Assert.Equal(0.2521, alarm.Value);
    }

    [Fact]
    public async Task Users_outside_the_scope_cannot_read_the_policy_or_the_images()
    {
        using var camera = await CameraClient.CreateAsync(_app, _clock);
        await camera.SetUpAsync(persistenceCount: 1);
        var snapshot = await camera.SendAsync(new WarehouseShot(Frame: 1, RemovedBays: [3]));
        await camera.CompareAsync();
        var baseImage = (await camera.Staff.GetFromJsonAsync<CameraRow>(camera.Url))!.BaseImage!;
        var urls = new[]
        {
            camera.Url, camera.Url + "/comparisons", camera.Url + "/snapshots", camera.Url + "/base-images", baseImage.ImageUrl,
            $"{camera.Url}/snapshots/{snapshot}/image", $"{camera.Url}/snapshots/{snapshot}/image?thumbnail=true",
            $"{camera.Url}/comparisons/{snapshot}/evidence/base", $"{camera.Url}/comparisons/{snapshot}/evidence/current",
        };
        foreach (var url in urls)
        {
            Assert.Equal(HttpStatusCode.OK, (await camera.Staff.GetAsync(url)).StatusCode);
        }

        using var outsider = await _app.SignedInAsync(await OutsiderAsync(camera.SiteId));
        foreach (var url in urls)
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await outsider.GetAsync(url)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await outsider.PutAsJsonAsync(camera.Url + "/policy", CameraClient.Policy(Warehouse.Scene.Regions))).StatusCode);

        // The enterprise itself reads its camera, but does not maintain it.
        using var enterprise = await _app.SignedInAsync("ent.demo");
        Assert.Equal(HttpStatusCode.OK, (await enterprise.GetAsync(urls[5])).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await enterprise.PutAsJsonAsync(camera.Url + "/policy", CameraClient.Policy(Warehouse.Scene.Regions))).StatusCode);

        await using var db = _app.SystemDb();
        Assert.True(await db.AuditEntries.AnyAsync(a => a.Action == AuditAction.AccessDenied && a.Entity == nameof(Device)
            && a.EntityId == camera.DeviceId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task Policy_errors_name_the_field()
    {
        using var camera = await CameraClient.CreateAsync(_app, _clock);
        var regions = Warehouse.Scene.Regions;
        await ExpectProblemAsync(await camera.PutPolicyAsync(CameraClient.Policy(regions)), "baseImage",
            "baseImage: approve a base image (底图) before drawing regions");
        await ExpectProblemAsync(await camera.Staff.PostAsync(camera.Url + "/base-image", CameraClient.Form([1, 2, 3])), "image",
            "image: not a JPEG (or larger than 10 MB)");
        Assert.Equal(HttpStatusCode.OK, (await camera.UploadBaseAsync(new WarehouseShot())).StatusCode);

        // A rectangle past the right edge of the 1920×1080 base image and a weight of 0.
        var outside = regions.Select((r, i) => i switch
        {
            0 => r with { Rect = new PixelRect(1800, 100, 200, 100) },
            1 => r with { Weight = 0 },
            _ => r,
        });
        await ExpectProblemAsync(await camera.PutPolicyAsync(CameraClient.Policy(outside)), "regions[0].rect",
            "regions[0].rect: (1800,100) 200×100 lies outside the 1920×1080 base image; regions[1].weight: must be positive and at most 100, not 0");
        await ExpectProblemAsync(await camera.PutPolicyAsync(CameraClient.Policy(regions.Where(r => r.Role == RegionRole.Goods))), "regions",
            "regions: at least one control region is needed (a fixed, textured part of the scene such as a pillar or a sign)");
        await ExpectProblemAsync(await camera.PutPolicyAsync(CameraClient.Policy(regions.Where(r => r.Role == RegionRole.Control))), "regions",
            "regions: at least one goods region is needed");
        await ExpectProblemAsync(await camera.PutPolicyAsync(new { regions = new[] { new { name = "x", rect = new { x = 0, y = 0, width = 64, height = 64 }, role = "shelf" } } }),
            "regions[0].role", "regions[0].role: goods or control");
        await ExpectProblemAsync(await camera.PutPolicyAsync(CameraClient.Policy(regions, persistenceCount: 0)), "persistenceCount",
            "persistenceCount: must be between 1 and 100 snapshots");

        await using var db = _app.SystemDb();
        var policy = await db.CameraPolicies.SingleAsync(p => p.DeviceId == camera.DeviceId);
        Assert.Empty(policy.Regions);   // nothing invalid was stored
        var view = (await camera.Staff.GetFromJsonAsync<CameraRow>(camera.Url))!;
        Assert.False(view.Comparing);
    }

    private static async Task ExpectProblemAsync(HttpResponseMessage response, string field, string detail)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = (await response.Content.ReadFromJsonAsync<Problem>())!;
        Assert.Equal(field, problem.Title);
        Assert.Equal(detail, problem.Detail);
    }

    private sealed record Problem(string? Title, string? Detail);

    private async Task<List<MonitoringAlarm>> AlarmsAsync(int deviceId)
    {
        await using var db = _app.SystemDb();
        return await db.MonitoringAlarms.Where(a => a.DeviceId == deviceId).ToListAsync();
    }

    private async Task<string> OutsiderAsync(int siteId)
    {
        await using var db = _app.SystemDb();
        return await MonitoringFixture.OutsiderAccountManagerAsync(_app, await db.MonitoringSites.Where(s => s.Id == siteId).Select(s => s.CustomerId).SingleAsync());
    }

    private sealed record ComparisonRow(long SnapshotId, string? Verdict, string? EvidenceCurrentUrl);

    private sealed record BaseImageRow(long Id, string ImageUrl);

    private sealed record CameraRow(bool Comparing, BaseImageRow? BaseImage);
}

public sealed class SqliteCameraComparisons : CameraComparisons
{
    protected override Task<TestApp> StartAsync(ManualClock clock, IDictionary<string, string?>? settings = null) =>
        TestApp.StartAsync(clock: clock, settings: settings);
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresCameraComparisons(PostgresCluster cluster) : CameraComparisons
{
    protected override async Task<TestApp> StartAsync(ManualClock clock, IDictionary<string, string?>? settings = null) =>
        await TestApp.StartAsync(DatabaseProvider.Postgres, await cluster.CreateDatabaseAsync(), clock, settings: settings);
}
