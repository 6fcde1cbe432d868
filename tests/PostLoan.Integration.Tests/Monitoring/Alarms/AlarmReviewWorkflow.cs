using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MiniExcelLibs;
using PostLoan.Domain.Administration;
using PostLoan.Domain.Monitoring;
using PostLoan.Domain.Monitoring.Alarms;
using PostLoan.Domain.Warning.Signals;
using PostLoan.Infrastructure.Administration;
using PostLoan.Infrastructure.Demo;
using PostLoan.Infrastructure.Monitoring.Alarms;
using PostLoan.Integration.Tests.Support;
using static PostLoan.Integration.Tests.Monitoring.MonitoringFixture;

namespace PostLoan.Integration.Tests.Monitoring.Alarms;

/// <summary>
/// Service staff review alarms: acknowledge, confirm (a warning signal assigned to the account manager), dismiss with a
/// reason; only active alarms; the data scope and roles hold; false-alarm rates per rule and device, also as Excel.
/// </summary>
public sealed class AlarmReviewWorkflow : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 2, 0, 0, TimeSpan.Zero);
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(clock: new ManualClock(Now));

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<MonitoringAlarm> IntrusionAsync(string code)
    {
        var site = await SiteAsync(_app, "一号仓库");
        var detector = (await DeviceAsync(_app, site.Id, code, DeviceKind.IntrusionDetector)).Device;
        var raised = await _app.Services.GetRequiredService<AlarmStore>().RaiseAsync(
            new AlarmDraft(detector.Id, AlarmKind.Intrusion, "device-intrusion", AlarmSeverity.Red, "入侵报警：一号仓库 " + code, "02:13 后门", Now));
        return raised!.Alarm;
    }

    [Fact]
    public async Task Confirming_an_alarm_raises_a_warning_signal_assigned_to_the_account_manager()
    {
        var alarm = await IntrusionAsync("ID-WH-1");
        using var service = await _app.SignedInAsync("service");

        var acknowledged = await service.PostAsync($"/api/monitoring/alarms/{alarm.Id}/acknowledge", null);
        Assert.Equal(HttpStatusCode.OK, acknowledged.StatusCode);
        Assert.Equal(("Acknowledged", "service"), await StatusAsync(acknowledged));
        var confirmed = await service.PostAsJsonAsync($"/api/monitoring/alarms/{alarm.Id}/confirm", new { note = "监控回放确认有人夜间进入仓库" });
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        var view = (await confirmed.Content.ReadFromJsonAsync<AlarmRow>())!;
        Assert.Equal(("Confirmed", "service", Now, "监控回放确认有人夜间进入仓库"), (view.Status, view.ReviewedBy, view.ReviewedAt, view.ReviewNote));

        await using var db = _app.SystemDb();
        var signal = await db.WarningSignals.SingleAsync(s => s.Source == SignalSource.DeviceAlarm);
        Assert.Equal(signal.Id, view.SignalId);
        Assert.Equal(alarm.CustomerId, signal.CustomerId);
        Assert.Equal($"device:{alarm.DeviceId}:Intrusion", signal.DedupKey);
        Assert.Equal(SignalSeverity.Red, signal.Severity);
        Assert.Equal("设备告警：一号仓库 ID-WH-1 设备 入侵报警", signal.Title);
        Assert.Equal($"场所：一号仓库；设备：ID-WH-1 设备（ID-WH-1）；告警 #{alarm.Id}：入侵报警：一号仓库 ID-WH-1；首次 2026-11-23 10:00，共 1 次；02:13 后门；复核意见：监控回放确认有人夜间进入仓库", signal.Detail);
        var manager = await db.Customers.Where(c => c.Id == alarm.CustomerId).Select(c => c.AccountManagerId).SingleAsync();
        Assert.Equal((SignalStatus.Assigned, manager), (signal.Status, signal.AssignedToId));

        // Only an active alarm can be reviewed again.
        var again = await service.PostAsJsonAsync($"/api/monitoring/alarms/{alarm.Id}/dismiss", new { reason = "x" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("alarm.not_active", (await again.Content.ReadFromJsonAsync<Problem>())!.Title);
        // Each step is in the audit log with the user.
        var entityId = alarm.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var steps = await db.AuditEntries.Where(a => a.Entity == nameof(MonitoringAlarm) && a.Action == AuditAction.Updated && a.EntityId == entityId)
            .Select(a => a.UserName).ToListAsync();
        Assert.All(steps, u => Assert.Equal("service", u));
        Assert.True(steps.Count >= 2);
    }

    [Fact]
    public async Task Dismissing_needs_a_reason()
    {
        var alarm = await IntrusionAsync("ID-WH-2");
        using var service = await _app.SignedInAsync("service");

        var refused = await service.PostAsJsonAsync($"/api/monitoring/alarms/{alarm.Id}/dismiss", new { reason = "  " });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("reason", (await refused.Content.ReadFromJsonAsync<Problem>())!.Title);
        var dismissed = await service.PostAsJsonAsync($"/api/monitoring/alarms/{alarm.Id}/dismiss", new { reason = "保洁员夜班，已报备" });
        Assert.Equal(("Dismissed", "service"), await StatusAsync(dismissed));
        await using var db = _app.SystemDb();
        Assert.False(await db.WarningSignals.AnyAsync(s => s.Source == SignalSource.DeviceAlarm));
    }

    [Fact]
    public async Task Users_outside_the_scope_cannot_see_or_review_an_alarm()
    {
        var alarm = await IntrusionAsync("ID-WH-3");
        var outsiderManager = await OutsiderAccountManagerAsync(_app, alarm.CustomerId);
        string otherBranch;
        await using (var db = _app.SystemDb())
        {
            var path = await db.Customers.Where(c => c.Id == alarm.CustomerId).Select(c => c.OrganisationPath).SingleAsync();
            otherBranch = await db.Organisations.Where(o => o.ParentId != null && !path.StartsWith(o.Path)).OrderBy(o => o.Code).Select(o => o.Code).FirstAsync();
        }

        await _app.AsSystemAsync(async services => (await services.GetRequiredService<UserAdministration>().CreateAsync(
            new NewUser("service.other", "分行服务经理", otherBranch, [Roles.ServiceStaff], null, DemoBankSeeder.DemoPassword))).Value!);

        using var manager = await _app.SignedInAsync(outsiderManager);
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.GetAsync($"/api/monitoring/alarms/{alarm.Id}")).StatusCode);
        Assert.Equal(0, (await manager.GetFromJsonAsync<AlarmList>("/api/monitoring/alarms"))!.Total);
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.PostAsync($"/api/monitoring/alarms/{alarm.Id}/acknowledge", null)).StatusCode);

        using var staff = await _app.SignedInAsync("service.other");
        var denied = await staff.PostAsJsonAsync($"/api/monitoring/alarms/{alarm.Id}/confirm", new { note = "x" });
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Equal("scope.denied", (await denied.Content.ReadFromJsonAsync<Problem>())!.Title);
        Assert.Equal(HttpStatusCode.NotFound, (await staff.PostAsync("/api/monitoring/alarms/999999/acknowledge", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.GetAsync($"/api/monitoring/alarms/{alarm.Id}/evidence/base")).StatusCode);

        using var enterprise = await _app.SignedInAsync("ent.demo");
        Assert.Equal(HttpStatusCode.Forbidden, (await enterprise.GetAsync("/api/monitoring/alarms")).StatusCode);

        // The customer's own account manager reads it, but does not review.
        string own;
        await using (var db = _app.SystemDb())
        {
            var id = await db.Customers.Where(c => c.Id == alarm.CustomerId).Select(c => c.AccountManagerId).SingleAsync();
            own = await db.Users.Where(u => u.Id == id).Select(u => u.UserName!).SingleAsync();
        }

        using var ownManager = await _app.SignedInAsync(own);
        Assert.Equal(HttpStatusCode.OK, (await ownManager.GetAsync($"/api/monitoring/alarms/{alarm.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await ownManager.PostAsync($"/api/monitoring/alarms/{alarm.Id}/acknowledge", null)).StatusCode);
        await using var check = _app.SystemDb();
        Assert.Equal(AlarmStatus.Open, (await check.MonitoringAlarms.SingleAsync(a => a.Id == alarm.Id)).Status);
        Assert.True(await check.AuditEntries.AnyAsync(a => a.Action == AuditAction.AccessDenied && a.Entity == nameof(MonitoringAlarm) && a.UserName == "service.other"));
    }

    [Fact]
    public async Task False_alarm_rates_per_rule_and_device()
    {
        var site = await SiteAsync(_app, "一号仓库");
        var sensor = (await DeviceAsync(_app, site.Id, "TH-R-1", DeviceKind.TemperatureHumiditySensor)).Device;
        var camera = (await DeviceAsync(_app, site.Id, "CAM-R-1", DeviceKind.WarehouseCamera)).Device;
        await using (var db = _app.SystemDb())
        {
            // temp-high on the sensor: 2 confirmed, 3 dismissed, 1 open; image on the camera: 1 dismissed, 1 cleared;
            // one more dismissed image alarm first seen before the period is left out.
            var set = new (Device Device, string Rule, AlarmStatus Status, int Day)[]
            {
                (sensor, "temp-high", AlarmStatus.Confirmed, 2), (sensor, "temp-high", AlarmStatus.Confirmed, 3), (sensor, "temp-high", AlarmStatus.Dismissed, 4),
                (sensor, "temp-high", AlarmStatus.Dismissed, 5), (sensor, "temp-high", AlarmStatus.Dismissed, 6), (sensor, "temp-high", AlarmStatus.Open, 7),
                (camera, "image", AlarmStatus.Dismissed, 8), (camera, "image", AlarmStatus.Cleared, 9), (camera, "image", AlarmStatus.Dismissed, -20),
            };
            foreach (var (device, rule, status, day) in set)
            {
                var at = new DateTimeOffset(2026, 11, 1, 9, 0, 0, TimeSpan.FromHours(8)).AddDays(day);
                db.MonitoringAlarms.Add(new MonitoringAlarm
                {
                    DeviceId = device.Id, SiteId = device.SiteId, CustomerId = device.CustomerId, Kind = rule == "image" ? AlarmKind.GoodsChange : AlarmKind.Threshold,
                    RuleCode = rule, Title = rule, Status = status, FirstSeenAt = at, LastSeenAt = at, OrganisationPath = device.OrganisationPath, AccountManagerId = device.AccountManagerId,
                });
            }

            await db.SaveChangesAsync();
        }

        using var service = await _app.SignedInAsync("service");
        var report = (await service.GetFromJsonAsync<Report>("/api/monitoring/alarms/false-alarm-rates?from=2026-11-01&to=2026-11-30"))!;

        // temp-high: 3 / (2 + 3) = 60%; image: 1 / (0 + 1) = 100%.
        Assert.Equal([new RateRow("image", "质押物变化", 2, 0, 1, 0, 1, 100), new RateRow("temp-high", "仓库温度过高", 6, 2, 3, 1, 0, 60)], report.ByRule);
        Assert.Equal([new RateRow("CAM-R-1", "一号仓库 CAM-R-1 设备", 2, 0, 1, 0, 1, 100), new RateRow("TH-R-1", "一号仓库 TH-R-1 设备", 6, 2, 3, 1, 0, 60)], report.ByDevice);

        var excel = await service.GetAsync("/api/monitoring/alarms/false-alarm-rates.xlsx?from=2026-11-01&to=2026-11-30");
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", excel.Content.Headers.ContentType!.MediaType);
        using var stream = new MemoryStream(await excel.Content.ReadAsByteArrayAsync());
        Assert.Equal(["按规则", "按设备"], MiniExcel.GetSheetNames(stream));
        var rows = stream.Query(useHeaderRow: true, sheetName: "按规则").Cast<IDictionary<string, object>>().ToList();
        Assert.Equal(["image", "temp-high"], rows.Select(r => (string)r["规则编码"]));
        Assert.Equal(60.0, Convert.ToDouble(rows[1]["误报率(%)"], System.Globalization.CultureInfo.InvariantCulture));

        var bad = await service.GetAsync("/api/monitoring/alarms/false-alarm-rates?from=2026-12-01&to=2026-11-30");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    private static async Task<(string Status, string? AcknowledgedBy)> StatusAsync(HttpResponseMessage response)
    {
        var row = (await response.Content.ReadFromJsonAsync<AlarmRow>())!;
        return (row.Status, row.AcknowledgedBy);
    }

    private sealed record AlarmRow(long Id, string Status, string? AcknowledgedBy, string? ReviewedBy, DateTimeOffset? ReviewedAt, string? ReviewNote, long? SignalId);

    private sealed record AlarmList(List<AlarmRow> Items, int Total);

    private sealed record Problem(string? Title, string? Detail, int? Status);

    private sealed record RateRow(string Key, string Name, int Raised, int Confirmed, int Dismissed, int Open, int Cleared, double? Rate);

    private sealed record Report(DateOnly From, DateOnly To, List<RateRow> ByRule, List<RateRow> ByDevice);
}
