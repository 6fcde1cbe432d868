using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Monitoring;
using PostLoan.Domain.Monitoring.Alarms;
using PostLoan.Infrastructure.Monitoring.Alarms;
using PostLoan.Integration.Tests.Support;
using static PostLoan.Integration.Tests.Monitoring.Alarms.AlarmFixture;
using static PostLoan.Integration.Tests.Monitoring.MonitoringFixture;

namespace PostLoan.Integration.Tests.Monitoring.Alarms;

/// <summary>Threshold rules over readings and completed days ("N consecutive"), and the anomaly check against the site's own history and season.</summary>
public sealed class RuleAndAnomalyAlarms : IAsyncLifetime
{
    // Monday 16 March 2026, 10:00 China time: the completed day is Sunday 15 March.
    private static readonly DateTimeOffset Now = new(2026, 3, 16, 2, 0, 0, TimeSpan.Zero);
    private readonly ManualClock _clock = new(Now);
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(clock: _clock);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_temperature_rule_alarms_on_the_third_reading_in_a_row_above_the_threshold_once()
    {
        var site = await SiteAsync(_app);
        var issued = await DeviceAsync(_app, site.Id, "TH-COLD-1", DeviceKind.TemperatureHumiditySensor);
        await RuleAsync(_app, new AlarmRuleInput("cold-chain", "冷库温度超标", AlarmRuleScope.Device, null, null, issued.Device.Id,
            AlarmMetric.Temperature, AlarmComparison.GreaterThan, 8, 3, AlarmSeverity.Red, true));
        using var device = DeviceClient(_app, "TH-COLD-1", issued.Secret);

        // 9.5 and 10 breach, 7 breaks the run, then 8.5 and 9: four breaches but never three in a row.
        await StoredAsync(await PostReadingsAsync(device, """
            {"readings":[{"seq":1,"ts":"2026-03-16T09:00:00+08:00","temperature":9.5,"humidity":60},{"seq":2,"ts":"2026-03-16T09:10:00+08:00","temperature":10,"humidity":60},
                         {"seq":3,"ts":"2026-03-16T09:20:00+08:00","temperature":7,"humidity":60},{"seq":4,"ts":"2026-03-16T09:30:00+08:00","temperature":8.5,"humidity":60},
                         {"seq":5,"ts":"2026-03-16T09:40:00+08:00","temperature":9,"humidity":60}]}
            """));
        await RoundAsync(_app);
        Assert.DoesNotContain(await AlarmsAsync(_app, issued.Device.Id), a => a.Kind == AlarmKind.Threshold);

        // The next reading completes a run of three (8.5, 9, 11.2): one alarm, and the same readings never raise it again.
        await StoredAsync(await PostReadingsAsync(device, """{"seq":6,"ts":"2026-03-16T09:50:00+08:00","temperature":11.2,"humidity":61}"""));
        await RoundAsync(_app);
        await RoundAsync(_app);

        var alarm = Assert.Single(await AlarmsAsync(_app, issued.Device.Id), a => a.Kind == AlarmKind.Threshold);
        Assert.Equal(("cold-chain", AlarmSeverity.Red, 1, 11.2), (alarm.RuleCode, alarm.Severity, alarm.Occurrences, alarm.Value));
        Assert.Equal("冷库温度超标：一号厂区 TH-COLD-1 设备", alarm.Title);
        Assert.Equal("温度 > 8 连续 3 次；2026-03-16 09:50 实测 11.2（连续 3 次）", alarm.Detail);
        Assert.Equal(new DateTimeOffset(2026, 3, 16, 9, 50, 0, TimeSpan.FromHours(8)), alarm.FirstSeenAt);
    }

    [Fact]
    public async Task A_daily_electricity_rule_needs_three_completed_days_in_a_row()
    {
        var site = await SiteAsync(_app);
        var meter = (await DeviceAsync(_app, site.Id, "EM-DAY-1", DeviceKind.ElectricityMeter)).Device;
        await RuleAsync(_app, new AlarmRuleInput("power-low-3d", "用电连续偏低", AlarmRuleScope.Site, site.Id, null, null,
            AlarmMetric.DailyElectricityKwh, AlarmComparison.LessThan, 100, 3, AlarmSeverity.Orange, true));
        await using (var db = _app.SystemDb())
        {
            // 12–15 March: 80, 450, 60, 40 kWh — the last two are below 100, one short of three.
            double[] kwh = [80, 450, 60, 40];
            for (var i = 0; i < kwh.Length; i++)
            {
                Total(db, meter, new DateOnly(2026, 3, 12).AddDays(i), kwh[i], 0, Now);
            }

            await db.SaveChangesAsync();
        }

        await RoundAsync(_app);
        Assert.DoesNotContain(await AlarmsAsync(_app, meter.Id), a => a.Kind == AlarmKind.Threshold);

        // Tuesday: Monday 16 March completed with 55 kWh — the third day in a row.
        await using (var db = _app.SystemDb())
        {
            Total(db, meter, new DateOnly(2026, 3, 16), 55, 0, Now);
            await db.SaveChangesAsync();
        }

        _clock.Advance(TimeSpan.FromDays(1));
        await RoundAsync(_app);
        await RoundAsync(_app);

        var alarm = Assert.Single(await AlarmsAsync(_app, meter.Id), a => a.Kind == AlarmKind.Threshold);
        Assert.Equal(("power-low-3d", 55.0, 1), (alarm.RuleCode, alarm.Value, alarm.Occurrences));
        Assert.Equal("日用电量 < 100 连续 3 天；2026-03-16 为 55（连续 3 天）", alarm.Detail);
    }

    [Fact]
    public async Task Rules_are_validated_field_by_field()
    {
        using var service = await _app.SignedInAsync("service");
        var bad = await service.PostAsJsonAsync("/api/monitoring/alarm-rules", new { code = "t1", name = "x", metric = "Temperature", comparison = "GreaterThan", threshold = 8, consecutive = 0 });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("consecutive", (await bad.Content.ReadFromJsonAsync<Problem>())!.Title);
        var kind = await service.PostAsJsonAsync("/api/monitoring/alarm-rules", new { code = "t1", name = "x", scope = "DeviceKind", deviceKind = "WaterMeter", metric = "Temperature", comparison = "GreaterThan", threshold = 8 });
        Assert.Equal("deviceKind", (await kind.Content.ReadFromJsonAsync<Problem>())!.Title);
        var metric = await service.PostAsJsonAsync("/api/monitoring/alarm-rules", new { code = "t1", name = "x", metric = "Noise", comparison = "GreaterThan", threshold = 8 });
        Assert.Equal("metric", (await metric.Content.ReadFromJsonAsync<Problem>())!.Title);
        var ok = await service.PostAsJsonAsync("/api/monitoring/alarm-rules", new { code = "t1", name = "冷库", metric = "Temperature", comparison = "GreaterThan", threshold = 8, consecutive = 2 });
        Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await service.PostAsJsonAsync("/api/monitoring/alarm-rules", new { code = "t1", name = "x", metric = "Humidity", comparison = "GreaterThan", threshold = 8 })).StatusCode);

        // Starter rules are shipped; account managers read rules but do not edit them.
        var rules = (await service.GetFromJsonAsync<List<RuleRow>>("/api/monitoring/alarm-rules"))!;
        Assert.Equal(["entries-none", "humidity-high", "night-presence", "power-none", "t1", "temp-high", "temp-low"], rules.Select(r => r.Code));
        Assert.Equal("温度 > 8 连续 2 次", rules.Single(r => r.Code == "t1").Description);
        using var manager = await _app.SignedInAsync("am.bj01");
        Assert.Equal(HttpStatusCode.OK, (await manager.GetAsync("/api/monitoring/alarm-rules")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.PostAsJsonAsync("/api/monitoring/alarm-rules", new { code = "t2", name = "x", metric = "Humidity", comparison = "GreaterThan", threshold = 8 })).StatusCode);
    }

    [Fact]
    public async Task Electricity_down_forty_percent_on_last_year_with_fewer_people_alarms_and_a_dip_last_year_also_had_does_not()
    {
        var stopping = await SiteAsync(_app, "二号厂区");
        var seasonal = await SiteAsync(_app, "三号厂区");
        var meterA = (await DeviceAsync(_app, stopping.Id, "EM-A", DeviceKind.ElectricityMeter)).Device;
        var counterA = (await DeviceAsync(_app, stopping.Id, "PC-A", DeviceKind.PeopleCounter)).Device;
        var meterB = (await DeviceAsync(_app, seasonal.Id, "EM-B", DeviceKind.ElectricityMeter)).Device;
        var counterB = (await DeviceAsync(_app, seasonal.Id, "PC-B", DeviceKind.PeopleCounter)).Device;
        var asOf = new DateOnly(2026, 3, 15);
        await using (var db = _app.SystemDb())
        {
            for (var back = 0; back < 70; back++)
            {
                var day = asOf.AddDays(-back);
                var lastYear = day.AddDays(-364);
                var dip = back < 14; // the last two weeks
                // Site A: 1,000 kWh a day with 95 people, last year too; these two weeks 500 kWh with 60 people.
                AddDay(db, meterA, counterA, day, dip ? 500 : 1000, dip ? 60 : 95);
                AddDay(db, meterA, counterA, lastYear, 1000, 95);
                // Site B: the same dip to 500 kWh, but last year had it in the same weeks (the slow season).
                AddDay(db, meterB, counterB, day, dip ? 500 : 1000, dip ? 60 : 95);
                AddDay(db, meterB, counterB, lastYear, dip ? 520 : 1000, dip ? 62 : 95);
            }

            await db.SaveChangesAsync();
        }

        await RoundAsync(_app);
        await RoundAsync(_app); // once a day: the second round the same day adds nothing

        var alarm = Assert.Single(await AlarmsAsync(_app, meterA.Id));
        // 14 × 500 = 7,000 kWh against 14,000 last year: −50%; headcount 60 against 95: −36.8%. (The last week, 3,500 kWh,
        // is 46.7% below the mean of the eight before it, short of a recent drop's 50%.)
        Assert.Equal((AlarmKind.OperationsAnomaly, "anomaly-seasonal", AlarmSeverity.Orange, 1, -50.0),
            (alarm.Kind, alarm.RuleCode, alarm.Severity, alarm.Occurrences, alarm.Value));
        Assert.Equal("经营异常：用电同比骤降且人数减少：二号厂区", alarm.Title);
        Assert.Equal("截至 2026-03-15 用电 7000 kWh，去年同期 14000 kWh（-50.0%），人数 -36.8%", alarm.Detail);
        Assert.Empty(await AlarmsAsync(_app, meterB.Id));
        Assert.Empty(await AlarmsAsync(_app, counterB.Id));
        Assert.Empty(await AlarmsAsync(_app, counterA.Id));
    }

    private sealed record Problem(string? Title, string? Detail, int? Status);

    private sealed record RuleRow(int Id, string Code, string Description);
}
