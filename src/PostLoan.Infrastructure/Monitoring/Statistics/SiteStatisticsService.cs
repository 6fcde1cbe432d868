using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Monitoring;
using PostLoan.Domain.Monitoring.Images;
using PostLoan.Domain.Monitoring.Statistics;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Infrastructure.Monitoring.Statistics;

/// <summary>
/// Builds the <see cref="SiteDay"/>s of sites from the database, set-based: one grouped query over
/// <c>device_daily_totals</c> for entries, electricity and water, and one pass over the people counters' and electricity
/// meters' readings for the peak headcount and the hourly activity of the operating rate (docs/monitoring-statistics.md).
/// The arithmetic of periods and last year is <see cref="SiteStatistics"/>'s.
/// </summary>
/// <remarks>
/// Days that have daily totals but no readings (history loaded as totals, readings past retention) have entries,
/// electricity and water but no peak headcount and no operating rate: nothing is estimated. The inventory-change index
/// of a day comes from the warehouse cameras' stored comparisons (<see cref="InventoryAsync"/>); without a conclusive
/// comparison that day it stays empty.
/// </remarks>
public sealed class SiteStatisticsService(PostLoanDbContext db)
{
    /// <summary>The statistics of one site by <paramref name="period"/> over the periods overlapping [from, to], each with the same period last year.</summary>
    public async Task<IReadOnlyList<PeriodStatistics>> StatisticsAsync(MonitoringSite site, StatisticsPeriod period, DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        var start = SiteStatistics.PeriodStart(from, period).AddYears(-1);
        var end = EndOfPeriod(to, period);
        var days = await DaysAsync([site], start, end, start, cancellationToken);
        return SiteStatistics.Aggregate(days[site.Id], period, from, to);
    }

    /// <summary>
    /// Each site's days in [<paramref name="from"/>, <paramref name="to"/>]; readings (peak headcount, operating hours) are
    /// read only from <paramref name="readingsFrom"/>, so a year-on-year window does not read a year of readings.
    /// </summary>
    public async Task<Dictionary<int, List<SiteDay>>> DaysAsync(IReadOnlyCollection<MonitoringSite> sites, DateOnly from, DateOnly to, DateOnly readingsFrom, CancellationToken cancellationToken = default)
    {
        var ids = sites.Select(s => s.Id).ToList();
        var totals = await db.DeviceDailyTotals.IgnoreQueryFilters().AsNoTracking()
            .Where(t => ids.Contains(t.SiteId) && t.Day >= from && t.Day <= to
                && (t.Kind == DeviceKind.PeopleCounter || t.Kind == DeviceKind.ElectricityMeter || t.Kind == DeviceKind.WaterMeter))
            .GroupBy(t => new { t.SiteId, t.Day, t.Kind })
            .Select(g => new { g.Key.SiteId, g.Key.Day, g.Key.Kind, Increment = g.Sum(t => t.Increment) })
            .ToListAsync(cancellationToken);
        var meters = (await db.Devices.IgnoreQueryFilters().AsNoTracking()
            .Where(d => ids.Contains(d.SiteId) && d.Kind == DeviceKind.ElectricityMeter).Select(d => d.SiteId).Distinct().ToListAsync(cancellationToken)).ToHashSet();
        var activity = await ActivityAsync(sites, meters, Max(from, readingsFrom), to, cancellationToken);
        var inventory = await InventoryAsync(sites, from, to, cancellationToken);

        var result = new Dictionary<int, List<SiteDay>>();
        foreach (var site in sites)
        {
            var byDay = totals.Where(t => t.SiteId == site.Id).GroupBy(t => t.Day).ToDictionary(g => g.Key, g => g.ToDictionary(t => t.Kind, t => t.Increment));
            foreach (var day in activity.Keys.Concat(inventory.Keys).Where(k => k.SiteId == site.Id).Select(k => k.Day).Where(d => !byDay.ContainsKey(d)).Distinct())
            {
                byDay[day] = [];
            }

            var days = new List<SiteDay>(byDay.Count);
            foreach (var (day, kinds) in byDay.OrderBy(p => p.Key))
            {
                var working = site.WorkingDays.Includes(day.DayOfWeek);
                activity.TryGetValue((site.Id, day), out var measured);
                double workingHours = 0;
                double? operatingHours = null;
                if (working && measured?.Hours is { } hours)
                {
                    var (w, o) = OperatingHours.Count(hours, site.OpensAt, site.ClosesAt, (double)site.OperatingThreshold);
                    (workingHours, operatingHours) = (w, o);
                }

                days.Add(new SiteDay(
                    day,
                    working,
                    kinds.TryGetValue(DeviceKind.PeopleCounter, out var entries) ? (int)Math.Round(entries) : null,
                    measured?.PeakHeadcount,
                    kinds.TryGetValue(DeviceKind.ElectricityMeter, out var kwh) ? Math.Round(kwh, 3) : null,
                    kinds.TryGetValue(DeviceKind.WaterMeter, out var water) ? Math.Round(water, 3) : null,
                    workingHours,
                    operatingHours,
                    inventory.TryGetValue((site.Id, day), out var index) ? index : null));
            }

            result[site.Id] = days;
        }

        return result;
    }

    /// <summary>
    /// The inventory-change index (库存变化指数, %) of each site and day: per warehouse camera, −100 × the weighted change of
    /// the goods regions in the day's last conclusive comparison with the base image (0 = as approved, −35 = 35% of the
    /// weighted goods area changed); the lowest (worst) of the site's cameras. Inconclusive comparisons (the control region
    /// changed: camera moved or covered) say nothing about the goods and are skipped.
    /// </summary>
    public async Task<Dictionary<(int SiteId, DateOnly Day), double>> InventoryAsync(IReadOnlyCollection<MonitoringSite> sites, DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        var ids = sites.Select(s => s.Id).ToList();
        var bySite = sites.ToDictionary(s => s.Id);
        // A day of the site starts at its day start in its own time zone: read a day either side, then place each comparison.
        var after = new DateTimeOffset(from.AddDays(-1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var before = new DateTimeOffset(to.AddDays(2).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var comparisons = await db.CameraComparisons.IgnoreQueryFilters().AsNoTracking()
            .Where(c => ids.Contains(c.SiteId) && c.TakenAt >= after && c.TakenAt < before && c.Verdict != null && c.Verdict != ComparisonVerdict.Inconclusive)
            .Select(c => new { c.SiteId, c.DeviceId, c.TakenAt, c.WeightedChange })
            .ToListAsync(cancellationToken);
        return comparisons
            .Select(c => (c.SiteId, c.DeviceId, c.TakenAt, c.WeightedChange, Day: bySite[c.SiteId].DayOf(c.TakenAt)))
            .Where(c => c.Day >= from && c.Day <= to)
            .GroupBy(c => (c.SiteId, c.DeviceId, c.Day))
            .Select(g => (g.Key.SiteId, g.Key.Day, Index: Math.Round(-100 * g.MaxBy(c => c.TakenAt).WeightedChange, 1)))
            .GroupBy(c => (c.SiteId, c.Day))
            .ToDictionary(g => g.Key, g => g.Min(c => c.Index));
    }

    /// <summary>
    /// Current headcount of a site (在场人数): entries − exits of the site's day containing <paramref name="at"/>, summed over
    /// its people counters, never below 0; with the day's entries and exits.
    /// </summary>
    public async Task<(int Headcount, int Entries, int Exits)> HeadcountAsync(MonitoringSite site, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        var day = site.DayOf(at);
        var totals = await db.DeviceDailyTotals.IgnoreQueryFilters().AsNoTracking()
            .Where(t => t.SiteId == site.Id && t.Day == day && t.Kind == DeviceKind.PeopleCounter)
            .GroupBy(t => t.SiteId).Select(g => new { In = g.Sum(t => t.Increment), Out = g.Sum(t => t.Increment2) }).FirstOrDefaultAsync(cancellationToken);
        return totals is null ? (0, 0, 0) : ((int)ReadingRules.Headcount(totals.In, totals.Out), (int)Math.Round(totals.In), (int)Math.Round(totals.Out));
    }

    /// <summary>
    /// Per site and day, from the readings: the peak headcount (running entries − exits of all counters, clamped at 0 at
    /// every reading) and the activity of each local hour (kWh of the meters, else entries). A reading counts for the hour
    /// in which its interval ends: a reading at 09:00 covers 08:45–09:00 and counts for hour 8.
    /// </summary>
    private async Task<Dictionary<(int SiteId, DateOnly Day), Measured>> ActivityAsync(IReadOnlyCollection<MonitoringSite> sites, HashSet<int> meters, DateOnly first, DateOnly last, CancellationToken cancellationToken)
    {
        var result = new Dictionary<(int, DateOnly), Measured>();
        if (first > last)
        {
            return result;
        }

        var ids = sites.Select(s => s.Id).ToList();
        var rows = await (from r in db.DeviceReadings.IgnoreQueryFilters().AsNoTracking()
                          join d in db.Devices.IgnoreQueryFilters() on r.DeviceId equals d.Id
                          where ids.Contains(r.SiteId) && r.Day >= first && r.Day <= last
                                && (d.Kind == DeviceKind.PeopleCounter || d.Kind == DeviceKind.ElectricityMeter)
                          select new { r.SiteId, r.Day, r.At, d.Kind, r.Increment, r.Increment2 }).ToListAsync(cancellationToken);
        var offsets = sites.ToDictionary(s => s.Id, s => TimeSpan.FromMinutes(s.UtcOffsetMinutes));
        var headcount = new Dictionary<(int, DateOnly), double>();
        foreach (var r in rows.OrderBy(r => r.At))
        {
            var key = (r.SiteId, r.Day);
            if (!result.TryGetValue(key, out var measured))
            {
                result[key] = measured = new Measured();
            }

            var hour = (r.At.ToOffset(offsets[r.SiteId]) - TimeSpan.FromSeconds(1)).Hour;
            if (r.Kind == DeviceKind.PeopleCounter)
            {
                var inside = Math.Max(0, headcount.GetValueOrDefault(key) + r.Increment - r.Increment2);
                headcount[key] = inside;
                measured.PeakHeadcount = Math.Max(measured.PeakHeadcount ?? 0, (int)Math.Round(inside));
            }

            // The site's activity: its meters' kWh when it has a meter, otherwise the entries at its doors.
            if ((r.Kind == DeviceKind.ElectricityMeter) == meters.Contains(r.SiteId))
            {
                measured.Hours ??= new double[24];
                measured.Hours[hour] += r.Increment;
            }
        }

        return result;
    }

    private static DateOnly EndOfPeriod(DateOnly date, StatisticsPeriod period) => period switch
    {
        StatisticsPeriod.Day => date,
        StatisticsPeriod.Month => SiteStatistics.PeriodStart(date, period).AddMonths(1).AddDays(-1),
        StatisticsPeriod.Quarter => SiteStatistics.PeriodStart(date, period).AddMonths(3).AddDays(-1),
        _ => SiteStatistics.PeriodStart(date, period).AddYears(1).AddDays(-1),
    };

    private static DateOnly Max(DateOnly a, DateOnly b) => a > b ? a : b;

    private sealed class Measured
    {
        public int? PeakHeadcount { get; set; }

        public double[]? Hours { get; set; }
    }
}
