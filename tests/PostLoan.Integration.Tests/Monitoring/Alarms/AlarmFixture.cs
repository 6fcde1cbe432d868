using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PostLoan.Domain.Monitoring;
using PostLoan.Domain.Monitoring.Alarms;
using PostLoan.Infrastructure.Monitoring.Alarms;
using PostLoan.Integration.Tests.Support;

namespace PostLoan.Integration.Tests.Monitoring.Alarms;

/// <summary>Arranges alarm data: device events, readings and daily totals written straight to the database, the round run as the job would.</summary>
public static class AlarmFixture
{
    /// <summary>Runs one alarm round.</summary>
    public static Task<AlarmRoundResult> RoundAsync(TestApp app) => app.Services.GetRequiredService<AlarmRound>().RunAsync();

    /// <summary>Records a device event as the ingest or the offline check would.</summary>
    public static async Task EventAsync(TestApp app, int deviceId, DeviceEventKind kind, DateTimeOffset at, string? detail = null)
    {
        await using var db = app.SystemDb();
        var device = await db.Devices.SingleAsync(d => d.Id == deviceId);
        db.DeviceEvents.Add(new DeviceEvent
        {
            DeviceId = device.Id, SiteId = device.SiteId, CustomerId = device.CustomerId, At = at, Kind = kind, Detail = detail,
            OrganisationPath = device.OrganisationPath, AccountManagerId = device.AccountManagerId,
        });
        await db.SaveChangesAsync();
    }

    /// <summary>Alarms of a device, oldest first.</summary>
    public static async Task<List<MonitoringAlarm>> AlarmsAsync(TestApp app, int deviceId)
    {
        await using var db = app.SystemDb();
        return await db.MonitoringAlarms.Where(a => a.DeviceId == deviceId).OrderBy(a => a.Id).ToListAsync();
    }

    /// <summary>Adds a threshold rule as the system.</summary>
    public static Task<AlarmRule> RuleAsync(TestApp app, AlarmRuleInput input) => app.AsSystemAsync(async services =>
    {
        var rule = await services.GetRequiredService<AlarmRuleService>().CreateAsync(input);
        Assert.True(rule.IsSuccess, rule.Error?.Message);
        return rule.Value!;
    });

    /// <summary>
    /// A day of a site as its devices would have reported it: the meter's kWh and the counter's entries as daily totals, and
    /// two counter readings (everyone in at 09:00, out at 18:00 China time) so the day's peak headcount is <paramref name="people"/>.
    /// </summary>
    public static void AddDay(Infrastructure.Persistence.PostLoanDbContext db, Device meter, Device counter, DateOnly day, double kwh, int people)
    {
        var morning = new DateTimeOffset(day.ToDateTime(new TimeOnly(9, 0)), TimeSpan.FromHours(8));
        Total(db, meter, day, kwh, 0, morning);
        Total(db, counter, day, people, people, morning);
        var sequence = day.DayNumber * 10L;
        db.DeviceReadings.Add(new DeviceReading { DeviceId = counter.Id, Sequence = sequence, SiteId = counter.SiteId, At = morning, Day = day, ReceivedAt = morning, Value = people, Increment = people });
        db.DeviceReadings.Add(new DeviceReading { DeviceId = counter.Id, Sequence = sequence + 1, SiteId = counter.SiteId, At = morning.AddHours(9), Day = day, ReceivedAt = morning, Value = people, Value2 = people, Increment2 = people });
    }

    /// <summary>A device's daily total.</summary>
    public static void Total(Infrastructure.Persistence.PostLoanDbContext db, Device device, DateOnly day, double increment, double increment2, DateTimeOffset at) =>
        db.DeviceDailyTotals.Add(new DeviceDailyTotal
        {
            DeviceId = device.Id, Day = day, SiteId = device.SiteId, CustomerId = device.CustomerId, Kind = device.Kind, Readings = 1, Increment = increment,
            Increment2 = increment2, FirstAt = at, LastAt = at, OrganisationPath = device.OrganisationPath, AccountManagerId = device.AccountManagerId,
        });
}
