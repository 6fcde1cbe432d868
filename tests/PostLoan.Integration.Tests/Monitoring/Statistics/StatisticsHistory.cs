using PostLoan.Domain.Monitoring;
using PostLoan.Integration.Tests.Support;

namespace PostLoan.Integration.Tests.Monitoring.Statistics;

/// <summary>Writes hand-built device history straight into the tables the statistics read (daily totals, readings).</summary>
public static class StatisticsHistory
{
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

    /// <summary>Daily totals of a device: (day, increment, exits).</summary>
    public static async Task TotalsAsync(TestApp app, MonitoringSite site, Device device, params (DateOnly Day, double Increment, double Exits)[] days)
    {
        await using var db = app.SystemDb();
        foreach (var (day, increment, exits) in days)
        {
            var at = new DateTimeOffset(day.ToDateTime(new TimeOnly(12, 0)), Beijing).ToUniversalTime();
            db.DeviceDailyTotals.Add(new DeviceDailyTotal
            {
                DeviceId = device.Id, Day = day, SiteId = site.Id, CustomerId = site.CustomerId, Kind = device.Kind, Readings = 1, Increment = increment,
                Increment2 = exits, FirstAt = at, LastAt = at, OrganisationPath = site.OrganisationPath, AccountManagerId = site.AccountManagerId,
            });
        }

        await db.SaveChangesAsync();
    }

    /// <summary>Readings of a device at local (Beijing) times of <paramref name="day"/>: (local time, increment, exits).</summary>
    public static async Task ReadingsAsync(TestApp app, MonitoringSite site, Device device, DateOnly day, params (TimeOnly At, double Increment, double Exits)[] readings)
    {
        await using var db = app.SystemDb();
        foreach (var (time, increment, exits) in readings)
        {
            var at = new DateTimeOffset(day.ToDateTime(time), Beijing).ToUniversalTime();
            db.DeviceReadings.Add(new DeviceReading
            {
                DeviceId = device.Id, Sequence = at.ToUnixTimeMilliseconds(), SiteId = site.Id, At = at, Day = site.DayOf(at), ReceivedAt = at,
                Value = increment, Value2 = device.Kind == DeviceKind.PeopleCounter ? exits : null, Increment = increment, Increment2 = exits,
            });
        }

        await db.SaveChangesAsync();
    }

    /// <summary>One reading an hour at half past, from <paramref name="firstHour"/>: the increments in order.</summary>
    public static (TimeOnly, double, double)[] Hourly(int firstHour, params double[] increments) =>
        increments.Select((v, i) => (new TimeOnly(firstHour + i, 30), v, 0d)).ToArray();
}
