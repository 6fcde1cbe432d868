using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PostLoan.Domain.Monitoring;
using PostLoan.Domain.Monitoring.Alarms;
using PostLoan.Infrastructure.Monitoring.Alarms;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Integration.Tests.Support;
using static PostLoan.Integration.Tests.Monitoring.Alarms.AlarmFixture;
using static PostLoan.Integration.Tests.Monitoring.MonitoringFixture;

namespace PostLoan.Integration.Tests.Monitoring.Alarms;

/// <summary>
/// The alarm store keeps one active alarm per device and kind; the alarm round turns device events into alarms exactly
/// once (durable watermark) and clears an unreviewed offline alarm when the device comes back. On SQLite and PostgreSQL.
/// </summary>
public abstract class AlarmStoreAndEvents : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 2, 0, 0, TimeSpan.Zero);

    private TestApp _app = null!;

    protected abstract Task<TestApp> StartAsync(ManualClock clock);

    public async Task InitializeAsync() => _app = await StartAsync(new ManualClock(Now));

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task One_active_alarm_per_device_and_kind_a_repeat_refreshes_it_and_after_a_dismissal_a_new_one_opens()
    {
        var site = await SiteAsync(_app);
        var camera = (await DeviceAsync(_app, site.Id, "CAM-WH-1", DeviceKind.WarehouseCamera)).Device;
        var store = _app.Services.GetRequiredService<AlarmStore>();

        var first = await store.RaiseAsync(new AlarmDraft(camera.Id, AlarmKind.GoodsChange, "image", AlarmSeverity.Orange, "质押物变化", "变化 31%", Now) { Value = 31, EvidenceCurrentPath = "a.jpg" });
        var repeat = await store.RaiseAsync(new AlarmDraft(camera.Id, AlarmKind.GoodsChange, "image", AlarmSeverity.Yellow, "质押物变化", "变化 44%", Now.AddMinutes(5)) { Value = 44 });
        var other = await store.RaiseAsync(new AlarmDraft(camera.Id, AlarmKind.Offline, "device-offline", AlarmSeverity.Orange, "设备离线", null, Now.AddMinutes(6)));

        Assert.True(first!.IsNew);
        Assert.False(repeat!.IsNew);
        Assert.True(other!.IsNew);
        var alarms = await AlarmsAsync(_app, camera.Id);
        Assert.Equal(2, alarms.Count);
        var goods = alarms[0];
        Assert.Equal(first.Alarm.Id, goods.Id);
        Assert.Equal(2, goods.Occurrences);
        Assert.Equal(Now, goods.FirstSeenAt);
        Assert.Equal(Now.AddMinutes(5), goods.LastSeenAt);
        Assert.Equal(44, goods.Value);
        Assert.Equal("变化 44%", goods.Detail);
        Assert.Equal("a.jpg", goods.EvidenceCurrentPath); // kept: the repeat brought none
        Assert.Equal(AlarmSeverity.Orange, goods.Severity); // the higher one stays

        await _app.AsSystemAsync(async services => (await services.GetRequiredService<AlarmReviewService>().DismissAsync(goods.Id, "光线变化")).Value!);
        var after = await store.RaiseAsync(new AlarmDraft(camera.Id, AlarmKind.GoodsChange, "image", AlarmSeverity.Yellow, "质押物变化", null, Now.AddMinutes(10)));

        Assert.True(after!.IsNew);
        alarms = await AlarmsAsync(_app, camera.Id);
        Assert.Equal([(AlarmKind.GoodsChange, AlarmStatus.Dismissed, 2), (AlarmKind.Offline, AlarmStatus.Open, 1), (AlarmKind.GoodsChange, AlarmStatus.Open, 1)],
            alarms.Select(a => (a.Kind, a.Status, a.Occurrences)));
    }

    [Fact]
    public async Task Device_events_become_alarms_exactly_once_across_rounds()
    {
        var site = await SiteAsync(_app);
        var meter = (await DeviceAsync(_app, site.Id, "EM-EV-1", DeviceKind.ElectricityMeter)).Device;
        var detector = (await DeviceAsync(_app, site.Id, "ID-EV-1", DeviceKind.IntrusionDetector)).Device;
        await EventAsync(_app, meter.Id, DeviceEventKind.WentOffline, Now.AddMinutes(-20), "silent since …");
        await EventAsync(_app, detector.Id, DeviceEventKind.Intrusion, Now.AddMinutes(-10));
        await EventAsync(_app, meter.Id, DeviceEventKind.MeterRollover, Now.AddMinutes(-5));

        var round = await RoundAsync(_app);
        Assert.Equal(new AlarmRoundResult(3, 2, 0), round);
        // A second round, and a new round after a restart (a fresh AlarmRound reading the watermark), find nothing new.
        Assert.Equal(0, (await RoundAsync(_app)).Events);
        Assert.Equal(0, (await ActivatorUtilities.CreateInstance<AlarmRound>(_app.Services).RunAsync()).Events);

        await EventAsync(_app, detector.Id, DeviceEventKind.Intrusion, Now.AddMinutes(-1));
        Assert.Equal(1, (await RoundAsync(_app)).Events);

        var offline = Assert.Single(await AlarmsAsync(_app, meter.Id));
        Assert.Equal((AlarmKind.Offline, "device-offline", AlarmSeverity.Orange, 1, "设备离线：一号厂区 EM-EV-1 设备"),
            (offline.Kind, offline.RuleCode, offline.Severity, offline.Occurrences, offline.Title));
        var intrusion = Assert.Single(await AlarmsAsync(_app, detector.Id));
        Assert.Equal((AlarmKind.Intrusion, AlarmSeverity.Red, 2, Now.AddMinutes(-1)), (intrusion.Kind, intrusion.Severity, intrusion.Occurrences, intrusion.LastSeenAt));
        await using var db = _app.SystemDb();
        var events = await db.DeviceEvents.MaxAsync(e => e.Id);
        Assert.Equal(events, (await db.AlarmCursors.SingleAsync(c => c.Key == AlarmRound.EventsCursor)).Position);
    }

    [Fact]
    public async Task Coming_back_online_clears_an_unreviewed_offline_alarm_but_not_a_confirmed_one()
    {
        var site = await SiteAsync(_app);
        var counter = (await DeviceAsync(_app, site.Id, "PC-EV-1", DeviceKind.PeopleCounter)).Device;
        var sensor = (await DeviceAsync(_app, site.Id, "TH-EV-1", DeviceKind.TemperatureHumiditySensor)).Device;
        await EventAsync(_app, counter.Id, DeviceEventKind.WentOffline, Now.AddMinutes(-30));
        await EventAsync(_app, sensor.Id, DeviceEventKind.WentOffline, Now.AddMinutes(-30));
        await RoundAsync(_app);
        var sensorAlarm = Assert.Single(await AlarmsAsync(_app, sensor.Id));
        await _app.AsSystemAsync(async services => (await services.GetRequiredService<AlarmReviewService>().ConfirmAsync(sensorAlarm.Id, "现场断电")).Value!);

        await EventAsync(_app, counter.Id, DeviceEventKind.CameOnline, Now.AddMinutes(-2));
        await EventAsync(_app, sensor.Id, DeviceEventKind.CameOnline, Now.AddMinutes(-2));
        Assert.Equal(new AlarmRoundResult(2, 0, 1), await RoundAsync(_app));

        var cleared = Assert.Single(await AlarmsAsync(_app, counter.Id));
        Assert.Equal((AlarmStatus.Cleared, "system", Now.AddMinutes(-2), "设备恢复在线"), (cleared.Status, cleared.ReviewedBy, cleared.ReviewedAt, cleared.ReviewNote));
        Assert.Equal(AlarmStatus.Confirmed, Assert.Single(await AlarmsAsync(_app, sensor.Id)).Status);
    }
}

public sealed class SqliteAlarmStoreAndEvents : AlarmStoreAndEvents
{
    protected override Task<TestApp> StartAsync(ManualClock clock) => TestApp.StartAsync(clock: clock);
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresAlarmStoreAndEvents(PostgresCluster cluster) : AlarmStoreAndEvents
{
    protected override async Task<TestApp> StartAsync(ManualClock clock) =>
        await TestApp.StartAsync(DatabaseProvider.Postgres, await cluster.CreateDatabaseAsync(), clock);
}
