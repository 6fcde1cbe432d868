using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Monitoring;
using PostLoan.Domain.Monitoring.Statistics;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Infrastructure.Monitoring.Alarms;

/// <summary>
/// Builds a site's <see cref="SiteDay"/>s for the anomaly check from the daily totals (entries, kWh, m³) and, for the
/// peak headcount and the operating hours, from the readings of its people counters and electricity meters.
/// </summary>
public static class SiteDays
{
    /// <summary>The site's days in [<paramref name="first"/>, <paramref name="last"/>] that have data.</summary>
    public static async Task<List<SiteDay>> LoadAsync(PostLoanDbContext db, MonitoringSite site, DateOnly first, DateOnly last, CancellationToken cancellationToken)
    {
        var totals = await db.DeviceDailyTotals.IgnoreQueryFilters().AsNoTracking()
            .Where(t => t.SiteId == site.Id && t.Day >= first && t.Day <= last)
            .Select(t => new { t.Day, t.Kind, t.Increment, t.Increment2 })
            .ToListAsync(cancellationToken);
        var hasMeter = totals.Any(t => t.Kind == DeviceKind.ElectricityMeter);
        var readings = await (from r in db.DeviceReadings.IgnoreQueryFilters()
                              join d in db.Devices.IgnoreQueryFilters() on r.DeviceId equals d.Id
                              where r.SiteId == site.Id && r.Day >= first && r.Day <= last
                                    && (d.Kind == DeviceKind.PeopleCounter || d.Kind == DeviceKind.ElectricityMeter)
                              select new { r.Day, r.At, d.Kind, r.Increment, r.Increment2 })
            .ToListAsync(cancellationToken);
        var byDay = readings.GroupBy(r => r.Day).ToDictionary(g => g.Key, g => g.OrderBy(r => r.At).ToList());
        var offset = TimeSpan.FromMinutes(site.UtcOffsetMinutes);

        var days = new List<SiteDay>();
        foreach (var group in totals.GroupBy(t => t.Day).OrderBy(g => g.Key))
        {
            var day = group.Key;
            var working = site.WorkingDays.Includes(day.DayOfWeek);
            var counters = group.Where(t => t.Kind == DeviceKind.PeopleCounter).ToList();
            var meters = group.Where(t => t.Kind == DeviceKind.ElectricityMeter).ToList();
            var water = group.Where(t => t.Kind == DeviceKind.WaterMeter).ToList();
            int? peak = null;
            var hourly = new Dictionary<int, double>();
            if (byDay.TryGetValue(day, out var list))
            {
                double inside = 0, most = 0;
                foreach (var r in list)
                {
                    if (r.Kind == DeviceKind.PeopleCounter)
                    {
                        inside = Math.Max(0, inside + r.Increment - r.Increment2);
                        most = Math.Max(most, inside);
                    }

                    if ((r.Kind == DeviceKind.ElectricityMeter) == hasMeter)
                    {
                        var hour = r.At.ToOffset(offset).Hour;
                        hourly[hour] = hourly.GetValueOrDefault(hour) + r.Increment;
                    }
                }

                peak = counters.Count > 0 ? (int)Math.Round(most) : null;
            }

            var workingHours = working ? BusinessHours(site).Count() : 0;
            // Without readings of the activity's device that day the operating hours are unknown, not zero.
            double? operating = working && hourly.Count > 0
                ? BusinessHours(site).Count(h => hourly.GetValueOrDefault(h) >= (double)site.OperatingThreshold)
                : null;
            days.Add(new SiteDay(day, working,
                counters.Count > 0 ? (int)Math.Round(counters.Sum(t => t.Increment)) : null,
                peak,
                meters.Count > 0 ? Math.Round(meters.Sum(t => t.Increment), 3) : null,
                water.Count > 0 ? Math.Round(water.Sum(t => t.Increment), 3) : null,
                workingHours, operating, null));
        }

        return days;
    }

    /// <summary>The local hours whose start lies within the business hours (08:00–17:30 → 8 … 17).</summary>
    private static IEnumerable<int> BusinessHours(MonitoringSite site)
    {
        for (var hour = site.OpensAt.Hour; hour < 24 && new TimeOnly(hour, 0) < site.ClosesAt; hour++)
        {
            yield return hour;
        }
    }
}
