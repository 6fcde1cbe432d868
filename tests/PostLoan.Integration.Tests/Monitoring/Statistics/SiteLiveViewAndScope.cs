using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Administration;
using PostLoan.Domain.Monitoring;
using PostLoan.Domain.Monitoring.Alarms;
using PostLoan.Infrastructure.Monitoring.Simulation;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Integration.Tests.Support;
using static PostLoan.Integration.Tests.Monitoring.MonitoringFixture;

namespace PostLoan.Integration.Tests.Monitoring.Statistics;

/// <summary>
/// The live view after readings through the real HTTP ingest: headcount of the day clamped at 0, the latest reading of
/// each meter and sensor, the camera's latest snapshot served through the scoped endpoint, only active alarms; and users
/// outside the organisation scope are refused the statistics, the export, the live view and the image.
/// </summary>
public abstract class SiteLiveViewAndScope : IAsyncLifetime
{
    // 2026-11-23 10:00 Beijing time.
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 2, 0, 0, TimeSpan.Zero);

    private TestApp _app = null!;

    protected abstract Task<TestApp> StartAsync(ManualClock clock);

    public async Task InitializeAsync() => _app = await StartAsync(new ManualClock(Now));

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task The_live_view_shows_the_clamped_headcount_and_the_latest_readings()
    {
        var site = await SiteAsync(_app);
        var counter = await DeviceAsync(_app, site.Id, "PC-LIVE", DeviceKind.PeopleCounter, CounterMode.Delta);
        var meter = await DeviceAsync(_app, site.Id, "EM-LIVE", DeviceKind.ElectricityMeter);
        var sensor = await DeviceAsync(_app, site.Id, "TH-LIVE", DeviceKind.TemperatureHumiditySensor);
        var camera = await DeviceAsync(_app, site.Id, "CAM-LIVE", DeviceKind.WarehouseCamera);
        using (var c = DeviceClient(_app, "PC-LIVE", counter.Secret))
        {
            // 5 in, then 9 out: more exits than entries (people who came before the counter was installed) → 0, not −4.
            await StoredAsync(await PostReadingsAsync(c, """{"readings":[{"seq":1,"ts":"2026-11-23T08:00:00+08:00","in":5,"out":0},{"seq":2,"ts":"2026-11-23T08:15:00+08:00","in":0,"out":9}]}"""));
        }

        using (var m = DeviceClient(_app, "EM-LIVE", meter.Secret))
        {
            await StoredAsync(await PostReadingsAsync(m, """{"readings":[{"ts":"2026-11-23T08:00:00+08:00","value":1000.5},{"ts":"2026-11-23T09:45:00+08:00","value":1012.25}]}"""));
        }

        using (var t = DeviceClient(_app, "TH-LIVE", sensor.Secret))
        {
            await StoredAsync(await PostReadingsAsync(t, """{"ts":"2026-11-23T09:50:00+08:00","temperature":4.5,"humidity":61}"""));
        }

        using (var cam = DeviceClient(_app, "CAM-LIVE", camera.Secret))
        {
            using var form = new MultipartFormDataContent();
            var image = new ByteArrayContent(WarehouseImage.Jpeg(7, 12, 320, 180));
            image.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            form.Add(image, "image", "snapshot.jpg");
            form.Add(new StringContent("2026-11-23T09:55:00+08:00"), "ts");
            Assert.Equal(HttpStatusCode.OK, (await cam.PostAsync("/api/ingest/snapshots", form)).StatusCode);
        }

        await using (var db = _app.SystemDb())
        {
            db.MonitoringAlarms.AddRange(Alarm(site, meter.Device.Id, AlarmKind.Threshold, AlarmStatus.Open, "用电量超阈值"),
                Alarm(site, counter.Device.Id, AlarmKind.Offline, AlarmStatus.Dismissed, "设备离线"));
            await db.SaveChangesAsync();
        }

        using var client = await _app.SignedInAsync("service");
        var live = await LiveAsync(client, site.Id);
        Assert.Equal("2026-11-23", live.GetProperty("day").GetString());
        Assert.Equal((0, 5, 9), (live.GetProperty("headcount").GetInt32(), live.GetProperty("entries").GetInt32(), live.GetProperty("exits").GetInt32()));
        var devices = live.GetProperty("devices").EnumerateArray().ToDictionary(d => d.GetProperty("code").GetString()!);
        Assert.Equal(1012.25, devices["EM-LIVE"].GetProperty("latest").GetProperty("value").GetDouble());
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 9, 45, 0, TimeSpan.FromHours(8)), devices["EM-LIVE"].GetProperty("latest").GetProperty("at").GetDateTimeOffset());
        Assert.Equal((4.5, 61.0), (devices["TH-LIVE"].GetProperty("latest").GetProperty("value").GetDouble(), devices["TH-LIVE"].GetProperty("latest").GetProperty("value2").GetDouble()));
        Assert.Equal("Online", devices["EM-LIVE"].GetProperty("status").GetString());
        var alarm = Assert.Single(live.GetProperty("alarms").EnumerateArray());
        Assert.Equal(("用电量超阈值", "Open", "Threshold"), (alarm.GetProperty("title").GetString(), alarm.GetProperty("status").GetString(), alarm.GetProperty("kind").GetString()));

        var snapshot = Assert.Single(live.GetProperty("cameras").EnumerateArray());
        Assert.Equal((320, 180), (snapshot.GetProperty("width").GetInt32(), snapshot.GetProperty("height").GetInt32()));
        var served = await client.GetAsync($"/api/monitoring/sites/{site.Id}/snapshots/{snapshot.GetProperty("snapshotId").GetInt64()}");
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal("image/jpeg", served.Content.Headers.ContentType?.MediaType);

        // 12 more come in: 5 + 12 − 9 = 8 inside.
        using (var c = DeviceClient(_app, "PC-LIVE", counter.Secret))
        {
            await StoredAsync(await PostReadingsAsync(c, """{"seq":3,"ts":"2026-11-23T09:00:00+08:00","in":12,"out":0}"""));
        }

        Assert.Equal(8, (await LiveAsync(client, site.Id)).GetProperty("headcount").GetInt32());
    }

    [Fact]
    public async Task Users_outside_the_scope_are_refused_the_statistics_the_export_and_the_live_view()
    {
        var site = await SiteAsync(_app);
        var camera = await DeviceAsync(_app, site.Id, "CAM-SCOPE", DeviceKind.WarehouseCamera);
        var outsider = await OutsiderAccountManagerAsync(_app, site.CustomerId);
        await using (var db = _app.SystemDb())
        {
            db.DeviceSnapshots.Add(new DeviceSnapshot
            {
                DeviceId = camera.Device.Id, SiteId = site.Id, CustomerId = site.CustomerId, TakenAt = Now, ReceivedAt = Now, Path = "x.jpg", Sha256 = new string('a', 64),
                OrganisationPath = site.OrganisationPath, AccountManagerId = site.AccountManagerId,
            });
            await db.SaveChangesAsync();
        }

        long snapshotId;
        await using (var db = _app.SystemDb())
        {
            snapshotId = await db.DeviceSnapshots.Where(s => s.DeviceId == camera.Device.Id).Select(s => s.Id).SingleAsync();
        }

        string[] urls =
        [
            $"/api/monitoring/sites/{site.Id}/statistics?period=month", $"/api/monitoring/sites/{site.Id}/statistics.xlsx?period=year",
            $"/api/monitoring/sites/{site.Id}/live", $"/api/monitoring/sites/{site.Id}/snapshots/{snapshotId}",
        ];
        using var other = await _app.SignedInAsync(outsider);
        foreach (var url in urls)
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync(url)).StatusCode);
        }

        await using (var db = _app.SystemDb())
        {
            Assert.Equal(4, await db.AuditEntries.CountAsync(a => a.Action == AuditAction.AccessDenied && (a.Entity == "MonitoringSite" || a.Entity == "DeviceSnapshot")));
        }

        // The enterprise itself and service staff see them; a bad period is a problem naming the field.
        using var enterprise = await _app.SignedInAsync("ent.demo");
        foreach (var url in urls.Take(3))
        {
            Assert.Equal(HttpStatusCode.OK, (await enterprise.GetAsync(url)).StatusCode);
        }

        var bad = await enterprise.GetAsync($"/api/monitoring/sites/{site.Id}/statistics?period=week");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("period", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task<JsonElement> LiveAsync(HttpClient client, int siteId)
    {
        var response = await client.GetAsync($"/api/monitoring/sites/{siteId}/live");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    private static MonitoringAlarm Alarm(MonitoringSite site, int deviceId, AlarmKind kind, AlarmStatus status, string title) => new()
    {
        DeviceId = deviceId, SiteId = site.Id, CustomerId = site.CustomerId, Kind = kind, RuleCode = "test", Severity = AlarmSeverity.Orange, Status = status,
        Title = title, FirstSeenAt = Now, LastSeenAt = Now, OrganisationPath = site.OrganisationPath, AccountManagerId = site.AccountManagerId,
    };
}

public sealed class SqliteSiteLiveViewAndScope : SiteLiveViewAndScope
{
    protected override Task<TestApp> StartAsync(ManualClock clock) => TestApp.StartAsync(clock: clock);
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresSiteLiveViewAndScope(PostgresCluster cluster) : SiteLiveViewAndScope
{
    protected override async Task<TestApp> StartAsync(ManualClock clock) =>
        await TestApp.StartAsync(DatabaseProvider.Postgres, await cluster.CreateDatabaseAsync(), clock);
}
