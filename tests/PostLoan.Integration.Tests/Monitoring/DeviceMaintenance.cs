using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PostLoan.Domain.Administration;
using PostLoan.Domain.Monitoring;
using PostLoan.Infrastructure.Monitoring;
using PostLoan.Integration.Tests.Support;
using static PostLoan.Integration.Tests.Monitoring.MonitoringFixture;

namespace PostLoan.Integration.Tests.Monitoring;

/// <summary>Sites and devices through the API and the offline check: scope, roles, credentials, silence.</summary>
public sealed class DeviceMaintenance : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 2, 0, 0, TimeSpan.Zero);
    private readonly ManualClock _clock = new(Start);
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(clock: _clock);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Service_staff_add_a_device_and_rotate_its_secret()
    {
        var site = await SiteAsync(_app);
        using var service = await _app.SignedInAsync("service");
        var created = await service.PostAsJsonAsync("/api/monitoring/devices", new
        {
            siteId = site.Id, code = "EM-API-1", name = "总电表", kind = "ElectricityMeter", vendor = "威胜", model = "DTSD341", rolloverAt = 100000.0,
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var issued = (await created.Content.ReadFromJsonAsync<Issued>())!;
        Assert.StartsWith("pld_", issued.Secret);
        Assert.Equal(issued.Secret[..10] + "…", issued.Device.SecretPrefix);

        var rotated = (await (await service.PostAsync($"/api/monitoring/devices/{issued.Device.Id}/credential", null)).Content.ReadFromJsonAsync<Issued>())!;
        Assert.NotEqual(issued.Secret, rotated.Secret);
        using var old = DeviceClient(_app, "EM-API-1", issued.Secret);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostReadingsAsync(old, """{"ts":"2026-11-23T09:00:00+08:00","value":1}""")).StatusCode);
        using var fresh = DeviceClient(_app, "EM-API-1", rotated.Secret);
        Assert.Equal(HttpStatusCode.OK, (await PostReadingsAsync(fresh, """{"ts":"2026-11-23T09:00:00+08:00","value":1}""")).StatusCode);

        var duplicate = await service.PostAsJsonAsync("/api/monitoring/devices", new { siteId = site.Id, code = "EM-API-1", name = "x", kind = "ElectricityMeter" });
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        await using var db = _app.SystemDb();
        var audit = await db.AuditEntries.Where(a => a.Entity == nameof(Device) && a.Action == AuditAction.Updated).Select(a => a.After).SingleAsync();
        Assert.Contains("\"SecretHash\":\"***\"", audit);
    }

    [Fact]
    public async Task Users_outside_the_scope_are_refused()
    {
        var site = await SiteAsync(_app);
        var issued = await DeviceAsync(_app, site.Id, "PC-SCOPE", DeviceKind.PeopleCounter);
        var outsider = await OutsiderAccountManagerAsync(_app, site.CustomerId);
        using var other = await _app.SignedInAsync(outsider);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync($"/api/monitoring/sites/{site.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync($"/api/monitoring/devices/{issued.Device.Id}")).StatusCode);
        Assert.Empty((await other.GetFromJsonAsync<List<DeviceRow>>("/api/monitoring/devices"))!);
        // Account managers read; they do not maintain devices.
        Assert.Equal(HttpStatusCode.Forbidden, (await other.PostAsync($"/api/monitoring/devices/{issued.Device.Id}/credential", null)).StatusCode);

        using var enterprise = await _app.SignedInAsync("ent.demo");
        Assert.Equal(HttpStatusCode.OK, (await enterprise.GetAsync($"/api/monitoring/sites/{site.Id}")).StatusCode);
        Assert.Equal(["PC-SCOPE"], (await enterprise.GetFromJsonAsync<List<DeviceRow>>("/api/monitoring/devices"))!.Select(d => d.Code));
        Assert.Equal(HttpStatusCode.Forbidden, (await enterprise.PostAsync($"/api/monitoring/devices/{issued.Device.Id}/credential", null)).StatusCode);

        await using var check = _app.SystemDb();
        Assert.True(await check.AuditEntries.AnyAsync(a => a.Action == AuditAction.AccessDenied && a.Entity == nameof(MonitoringSite) && a.EntityId == site.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task A_silent_device_goes_offline_once()
    {
        var site = await SiteAsync(_app);
        var issued = await DeviceAsync(_app, site.Id, "TH-SILENT", DeviceKind.TemperatureHumiditySensor);
        using var device = DeviceClient(_app, "TH-SILENT", issued.Secret);
        Assert.Equal(HttpStatusCode.OK, (await device.PostAsync("/api/ingest/heartbeat", new StringContent("""{"status":"ok"}"""))).StatusCode);
        var check = _app.Services.GetRequiredService<DeviceOfflineCheck>();

        _clock.Advance(TimeSpan.FromMinutes(15));
        Assert.Equal(0, await check.RunAsync());   // 15 minutes of silence is still within the default threshold
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await check.RunAsync());
        Assert.Equal(0, await check.RunAsync());

        await using var db = _app.SystemDb();
        Assert.Equal(DeviceStatus.Offline, (await db.Devices.SingleAsync(d => d.Id == issued.Device.Id)).Status);
        var events = await db.DeviceEvents.Where(e => e.DeviceId == issued.Device.Id).OrderBy(e => e.Id).Select(e => new { e.Kind, e.At }).ToListAsync();
        Assert.Equal(DeviceEventKind.CameOnline, events[0].Kind);
        Assert.Equal(DeviceEventKind.WentOffline, events[1].Kind);
        Assert.Equal(Start.AddMinutes(15).AddSeconds(1), events[1].At);
        Assert.Equal(2, events.Count);
    }

    private sealed record DeviceRow(int Id, string Code, string Status, string SecretPrefix);

    private sealed record Issued(DeviceRow Device, string Secret);
}
