using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Administration;
using PostLoan.Domain.Monitoring;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Integration.Tests.Support;
using static PostLoan.Integration.Tests.Monitoring.MonitoringFixture;

namespace PostLoan.Integration.Tests.Monitoring;

/// <summary>
/// Readings through the HTTP ingest into the database: counter resets and duplicates give the exact headcount, late
/// readings are idempotent, meters roll over, malformed payloads store nothing, unknown devices and bad keys are refused
/// and audited (once a minute).
/// </summary>
public abstract class ReadingIngest : IAsyncLifetime
{
    // 2026-11-23 10:00 Beijing time: the readings below are from that morning.
    protected static readonly DateTimeOffset Now = new(2026, 11, 23, 2, 0, 0, TimeSpan.Zero);

    private TestApp _app = null!;

    protected abstract Task<TestApp> StartAsync(ManualClock clock);

    public async Task InitializeAsync() => _app = await StartAsync(new ManualClock(Now));

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Counter_resets_and_duplicates_give_the_exact_headcount()
    {
        var site = await SiteAsync(_app);
        var issued = await DeviceAsync(_app, site.Id, "PC-GATE-1", DeviceKind.PeopleCounter);
        using var device = DeviceClient(_app, "PC-GATE-1", issued.Secret);

        // Baseline 10/2, then +15/+3; the same reading again is a duplicate.
        Assert.Equal(new IngestAnswer(2, 2, 0), await StoredAsync(await PostReadingsAsync(device, """
            {"readings":[{"seq":1,"ts":"2026-11-23T08:00:00+08:00","in":10,"out":2},{"seq":2,"ts":"2026-11-23T08:15:00+08:00","in":25,"out":5}]}
            """)));
        Assert.Equal(new IngestAnswer(1, 0, 1), await StoredAsync(await PostReadingsAsync(device, """
            {"seq":2,"ts":"2026-11-23T08:15:00+08:00","in":25,"out":5}
            """)));
        // The counter restarted (4 < 25): +4/+1, then +6/+0; seq 3 sent twice in one batch counts once.
        Assert.Equal(new IngestAnswer(3, 2, 1), await StoredAsync(await PostReadingsAsync(device, """
            {"readings":[{"seq":3,"ts":"2026-11-23T08:30:00+08:00","in":4,"out":1},{"seq":3,"ts":"2026-11-23T08:30:00+08:00","in":4,"out":1},{"seq":4,"ts":"2026-11-23T08:45:00+08:00","in":10,"out":1}]}
            """)));

        var total = await TotalAsync(_app, issued.Device.Id);
        Assert.Equal(15 + 4 + 6, total.Increment);   // entries
        Assert.Equal(3 + 1 + 0, total.Increment2);   // exits
        Assert.Equal(21, ReadingRules.Headcount(total.Increment, total.Increment2));
        Assert.Equal(4, total.Readings);
        Assert.Equal(new DateOnly(2026, 11, 23), total.Day);

        await using var db = _app.SystemDb();
        var reset = await db.DeviceEvents.SingleAsync(e => e.DeviceId == issued.Device.Id && e.Kind == DeviceEventKind.CounterReset);
        Assert.Equal("seq 3: 4/1", reset.Detail);
        var stored = await db.Devices.SingleAsync(d => d.Id == issued.Device.Id);
        Assert.Equal(DeviceStatus.Online, stored.Status);
        Assert.Equal(Now, stored.LastSeenAt);
    }

    [Fact]
    public async Task A_late_reading_counts_once()
    {
        var site = await SiteAsync(_app);
        var issued = await DeviceAsync(_app, site.Id, "PC-DOOR-2", DeviceKind.PeopleCounter, CounterMode.Delta);
        using var device = DeviceClient(_app, "PC-DOOR-2", issued.Secret);

        await StoredAsync(await PostReadingsAsync(device, """
            {"readings":[{"seq":5,"ts":"2026-11-23T09:00:00+08:00","in":3,"out":0},{"seq":7,"ts":"2026-11-23T09:10:00+08:00","in":2,"out":1}]}
            """));
        // Seq 6 arrives late: its interval counts; sent again it is ignored.
        Assert.Equal(new IngestAnswer(1, 1, 0), await StoredAsync(await PostReadingsAsync(device, """{"seq":6,"ts":"2026-11-23T09:05:00+08:00","in":4,"out":2}""")));
        Assert.Equal(new IngestAnswer(1, 0, 1), await StoredAsync(await PostReadingsAsync(device, """{"seq":6,"ts":"2026-11-23T09:05:00+08:00","in":4,"out":2}""")));

        var total = await TotalAsync(_app, issued.Device.Id);
        Assert.Equal(9, total.Increment);
        Assert.Equal(3, total.Increment2);
        await using var db = _app.SystemDb();
        Assert.Equal(ReadingFlags.Late, (await db.DeviceReadings.SingleAsync(r => r.DeviceId == issued.Device.Id && r.Sequence == 6)).Flags);
    }

    [Fact]
    public async Task A_meter_rolls_over_and_resets()
    {
        var site = await SiteAsync(_app);
        var issued = await DeviceAsync(_app, site.Id, "EM-MAIN", DeviceKind.ElectricityMeter, rolloverAt: 100000);
        using var device = DeviceClient(_app, "EM-MAIN", issued.Secret);

        // 99990.5 → 99998 (+7.5) → 12.5 (rollover: +2 +12.5) → 5 (replaced meter: +5).
        await StoredAsync(await PostReadingsAsync(device, """
            {"readings":[{"ts":"2026-11-23T08:00:00+08:00","value":99990.5},{"ts":"2026-11-23T08:15:00+08:00","value":99998},
                         {"ts":"2026-11-23T08:30:00+08:00","value":12.5},{"ts":"2026-11-23T08:45:00+08:00","value":5}]}
            """));

        var total = await TotalAsync(_app, issued.Device.Id);
        Assert.Equal(7.5 + 14.5 + 5, total.Increment);
        Assert.Equal(5, total.ValueMin);
        Assert.Equal(99998, total.ValueMax);
        await using var db = _app.SystemDb();
        var kinds = await db.DeviceEvents.Where(e => e.DeviceId == issued.Device.Id).OrderBy(e => e.Id).Select(e => e.Kind).ToListAsync();
        Assert.Equal([DeviceEventKind.MeterRollover, DeviceEventKind.CounterReset, DeviceEventKind.CameOnline], kinds);
    }

    [Fact]
    public async Task A_malformed_payload_stores_nothing()
    {
        var site = await SiteAsync(_app);
        var issued = await DeviceAsync(_app, site.Id, "PC-BAD", DeviceKind.PeopleCounter);
        using var device = DeviceClient(_app, "PC-BAD", issued.Secret);

        var response = await PostReadingsAsync(device, """
            {"readings":[{"seq":1,"ts":"2026-11-23T08:00:00+08:00","in":1,"out":0},{"seq":2,"ts":"2026-11-23T08:05:00+08:00","in":2,"out":0},{"seq":3,"ts":"2026-11-23T08:10:00+08:00","in":3,"out":-1}]}
            """);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<Problem>();
        Assert.Equal("readings[2].out: must be a number ≥ 0", problem!.Detail);

        var skewed = await PostReadingsAsync(device, """{"seq":9,"ts":"2026-11-23T10:30:00+08:00","in":1,"out":0}""");
        Assert.Equal(HttpStatusCode.BadRequest, skewed.StatusCode);
        Assert.Equal("payload.clock_skew", (await skewed.Content.ReadFromJsonAsync<Problem>())!.Title);

        await using var db = _app.SystemDb();
        Assert.False(await db.DeviceReadings.AnyAsync(r => r.DeviceId == issued.Device.Id));
        Assert.False(await db.DeviceDailyTotals.AnyAsync(t => t.DeviceId == issued.Device.Id));
        Assert.Equal(DeviceStatus.Offline, (await db.Devices.SingleAsync(d => d.Id == issued.Device.Id)).Status);
    }

    [Fact]
    public async Task Unknown_devices_and_bad_keys_are_refused_and_audited_once_a_minute()
    {
        var site = await SiteAsync(_app);
        var issued = await DeviceAsync(_app, site.Id, "TH-COLD-1", DeviceKind.TemperatureHumiditySensor);
        const string reading = """{"ts":"2026-11-23T09:00:00+08:00","temperature":4.5,"humidity":61}""";

        using var stranger = DeviceClient(_app, "NO-SUCH-DEVICE", issued.Secret);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostReadingsAsync(stranger, reading)).StatusCode);
        using var wrongKey = DeviceClient(_app, "TH-COLD-1", "pld_wrong");
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostReadingsAsync(wrongKey, reading)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostReadingsAsync(wrongKey, reading)).StatusCode);

        await using var db = _app.SystemDb();
        var refusals = await db.AuditEntries.Where(a => a.Entity == "Device" && a.Action == AuditAction.AccessDenied)
            .OrderBy(a => a.Id).Select(a => new { a.EntityId, a.Detail }).ToListAsync();
        Assert.Equal(2, refusals.Count);
        Assert.Equal("NO-SUCH-DEVICE", refusals[0].EntityId);
        Assert.StartsWith("unknown device (http", refusals[0].Detail);
        Assert.Equal("TH-COLD-1", refusals[1].EntityId);
        Assert.StartsWith("bad device credential (http", refusals[1].Detail);
        Assert.False(await db.DeviceReadings.AnyAsync());

        using var device = DeviceClient(_app, "TH-COLD-1", issued.Secret);
        Assert.Equal(new IngestAnswer(1, 1, 0), await StoredAsync(await PostReadingsAsync(device, reading)));
    }

    private sealed record Problem(string? Title, string? Detail, int? Status);
}

public sealed class SqliteReadingIngest : ReadingIngest
{
    protected override Task<TestApp> StartAsync(ManualClock clock) => TestApp.StartAsync(clock: clock);
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresReadingIngest(PostgresCluster cluster) : ReadingIngest
{
    protected override async Task<TestApp> StartAsync(ManualClock clock) =>
        await TestApp.StartAsync(DatabaseProvider.Postgres, await cluster.CreateDatabaseAsync(), clock);
}
