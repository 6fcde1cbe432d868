using System.Globalization;

namespace PostLoan.Domain.Monitoring.Statistics;

/// <summary>The periods statistics are reported by (日/月/季/年).</summary>
public enum StatisticsPeriod
{
    Day = 1,
    Month = 2,
    Quarter = 3,
    Year = 4,
}

/// <summary>
/// One site's business day as its devices saw it. A measure is null when the site has no device of that kind (or none
/// reported that day), so a missing meter is never read as zero use.
/// </summary>
/// <param name="Date">The site's business day.</param>
/// <param name="WorkingDay">Whether the site was expected to work (its working days).</param>
/// <param name="Entries">People who entered (people counters, sum of the doors).</param>
/// <param name="PeakHeadcount">Most people inside at once (in − out, clamped at 0).</param>
/// <param name="ElectricityKwh">Electricity used (difference of cumulative meter readings).</param>
/// <param name="WaterM3">Water used.</param>
/// <param name="WorkingHours">Business hours of the day (0 on a day off).</param>
/// <param name="OperatingHours">Business hours whose activity was at or above the site's threshold (<see cref="OperatingHours"/>).</param>
/// <param name="InventoryChange">The warehouse cameras' inventory-change index of the day in % (weighted change of the goods regions, negative when goods left).</param>
public sealed record SiteDay(
    DateOnly Date,
    bool WorkingDay,
    int? Entries,
    int? PeakHeadcount,
    double? ElectricityKwh,
    double? WaterM3,
    double WorkingHours,
    double? OperatingHours,
    double? InventoryChange);

/// <summary>The measures of one period and, when the same period a year earlier has data, their year-on-year change.</summary>
/// <param name="Key">The period as shown: 2026-03-02, 2026-03, 2026Q1, 2026.</param>
/// <param name="From">First day of the period.</param>
/// <param name="To">Last day of the period.</param>
/// <param name="Days">Days with data in the period.</param>
/// <param name="Entries">Sum of entries.</param>
/// <param name="AverageHeadcount">Mean of the daily peak headcount over the working days with data (rounded to 0.1).</param>
/// <param name="ElectricityKwh">Sum of electricity.</param>
/// <param name="WaterM3">Sum of water.</param>
/// <param name="OperatingRate">开工率: operating hours over business hours of the working days, in % (rounded to 0.1).</param>
/// <param name="InventoryChange">The inventory-change index of the period's last day with a value.</param>
/// <param name="LastYear">The same period a year earlier, or null when there is no data for it.</param>
public sealed record PeriodStatistics(
    string Key,
    DateOnly From,
    DateOnly To,
    int Days,
    long? Entries,
    double? AverageHeadcount,
    double? ElectricityKwh,
    double? WaterM3,
    double? OperatingRate,
    double? InventoryChange,
    PeriodStatistics? LastYear)
{
    /// <summary>Year-on-year change of electricity in % (rounded to 0.1), null without both values or with last year at zero.</summary>
    public double? ElectricityYoy => Change(ElectricityKwh, LastYear?.ElectricityKwh);

    /// <summary>Year-on-year change of the average headcount in %.</summary>
    public double? HeadcountYoy => Change(AverageHeadcount, LastYear?.AverageHeadcount);

    /// <summary>Year-on-year change of entries in %.</summary>
    public double? EntriesYoy => Change(Entries, LastYear?.Entries);

    /// <summary>Year-on-year change of water in %.</summary>
    public double? WaterYoy => Change(WaterM3, LastYear?.WaterM3);

    /// <summary>Change of the operating rate in percentage points.</summary>
    public double? OperatingRateYoyPoints => OperatingRate is { } now && LastYear?.OperatingRate is { } then ? Math.Round(now - then, 1) : null;

    /// <summary>(now − then) / |then| in %, rounded to 0.1.</summary>
    public static double? Change(double? now, double? then) =>
        now is { } n && then is { } t && t != 0 ? Math.Round((n - t) / Math.Abs(t) * 100, 1, MidpointRounding.AwayFromZero) : null;
}

/// <summary>
/// Statistics of a site by day, month, quarter or year with the same period a year earlier (domain.md §6, issue 6 item 4).
/// Pure: the caller supplies the days (two years of them for a year-on-year comparison of the last year).
/// </summary>
public static class SiteStatistics
{
    /// <summary>The periods that overlap [<paramref name="from"/>, <paramref name="to"/>] in order, each with last year's.</summary>
    public static IReadOnlyList<PeriodStatistics> Aggregate(IEnumerable<SiteDay> days, StatisticsPeriod period, DateOnly from, DateOnly to)
    {
        var byDate = days.ToDictionary(d => d.Date);
        var result = new List<PeriodStatistics>();
        for (var start = PeriodStart(from, period); start <= to; start = Next(start, period))
        {
            var end = Next(start, period).AddDays(-1);
            var current = Measure(byDate, period, start, end);
            if (current is null)
            {
                continue;
            }

            var lastYear = Measure(byDate, period, start.AddYears(-1), Next(start.AddYears(-1), period).AddDays(-1));
            result.Add(current with { LastYear = lastYear });
        }

        return result;
    }

    /// <summary>
    /// The measures of an arbitrary window [<paramref name="from"/>, <paramref name="to"/>] (30 days, month to date) with
    /// the same window a year earlier; null when no day of the window has data. The key is <c>from..to</c>.
    /// </summary>
    public static PeriodStatistics? Window(IEnumerable<SiteDay> days, DateOnly from, DateOnly to)
    {
        var byDate = days.ToDictionary(d => d.Date);
        var key = string.Create(CultureInfo.InvariantCulture, $"{from:yyyy-MM-dd}..{to:yyyy-MM-dd}");
        var current = Measure(byDate, StatisticsPeriod.Day, from, to);
        return current is null ? null : current with { Key = key, LastYear = Measure(byDate, StatisticsPeriod.Day, from.AddYears(-1), to.AddYears(-1)) };
    }

    /// <summary>
    /// The days of several sites of one customer as one: counts, consumption, headcount and hours add up; a day is a working
    /// day when any site worked; a measure stays null only when no site had it; the inventory index is the lowest (the worst).
    /// </summary>
    public static IReadOnlyList<SiteDay> Combine(IEnumerable<SiteDay> days) =>
        days.GroupBy(d => d.Date).OrderBy(g => g.Key).Select(g => new SiteDay(
            g.Key,
            g.Any(d => d.WorkingDay),
            Add(g.Select(d => d.Entries)),
            Add(g.Select(d => d.PeakHeadcount)),
            Add(g.Select(d => d.ElectricityKwh)),
            Add(g.Select(d => d.WaterM3)),
            g.Sum(d => d.OperatingHours.HasValue ? d.WorkingHours : 0),
            Add(g.Select(d => d.OperatingHours)),
            g.Where(d => d.InventoryChange.HasValue).Select(d => d.InventoryChange).DefaultIfEmpty(null).Min())).ToList();

    /// <summary>The first day of the period containing <paramref name="date"/>.</summary>
    public static DateOnly PeriodStart(DateOnly date, StatisticsPeriod period) => period switch
    {
        StatisticsPeriod.Day => date,
        StatisticsPeriod.Month => new DateOnly(date.Year, date.Month, 1),
        StatisticsPeriod.Quarter => new DateOnly(date.Year, ((date.Month - 1) / 3 * 3) + 1, 1),
        StatisticsPeriod.Year => new DateOnly(date.Year, 1, 1),
        _ => throw new ArgumentOutOfRangeException(nameof(period)),
    };

    /// <summary>The key a period is shown with.</summary>
    public static string Key(DateOnly start, StatisticsPeriod period) => period switch
    {
        StatisticsPeriod.Day => start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        StatisticsPeriod.Month => start.ToString("yyyy-MM", CultureInfo.InvariantCulture),
        StatisticsPeriod.Quarter => string.Create(CultureInfo.InvariantCulture, $"{start.Year}Q{((start.Month - 1) / 3) + 1}"),
        _ => start.Year.ToString(CultureInfo.InvariantCulture),
    };

    private static DateOnly Next(DateOnly start, StatisticsPeriod period) => period switch
    {
        StatisticsPeriod.Day => start.AddDays(1),
        StatisticsPeriod.Month => start.AddMonths(1),
        StatisticsPeriod.Quarter => start.AddMonths(3),
        _ => start.AddYears(1),
    };

    private static PeriodStatistics? Measure(Dictionary<DateOnly, SiteDay> byDate, StatisticsPeriod period, DateOnly from, DateOnly to)
    {
        var days = new List<SiteDay>();
        for (var d = from; d <= to; d = d.AddDays(1))
        {
            if (byDate.TryGetValue(d, out var day))
            {
                days.Add(day);
            }
        }

        if (days.Count == 0)
        {
            return null;
        }

        var working = days.Where(d => d.WorkingDay).ToList();
        var peaks = working.Where(d => d.PeakHeadcount.HasValue).Select(d => (double)d.PeakHeadcount!.Value).ToList();
        var operated = working.Where(d => d.OperatingHours.HasValue && d.WorkingHours > 0).ToList();
        var businessHours = operated.Sum(d => d.WorkingHours);
        return new PeriodStatistics(
            Key(from, period),
            from,
            to,
            days.Count,
            Sum(days, d => d.Entries),
            peaks.Count == 0 ? null : Math.Round(peaks.Average(), 1, MidpointRounding.AwayFromZero),
            Sum(days, d => d.ElectricityKwh),
            Sum(days, d => d.WaterM3),
            businessHours == 0 ? null : Math.Round(operated.Sum(d => d.OperatingHours!.Value) / businessHours * 100, 1, MidpointRounding.AwayFromZero),
            days.LastOrDefault(d => d.InventoryChange.HasValue)?.InventoryChange,
            null);
    }

    private static int? Add(IEnumerable<int?> values)
    {
        int? sum = null;
        foreach (var v in values)
        {
            sum = v is { } x ? (sum ?? 0) + x : sum;
        }

        return sum;
    }

    private static double? Add(IEnumerable<double?> values)
    {
        double? sum = null;
        foreach (var v in values)
        {
            sum = v is { } x ? (sum ?? 0) + x : sum;
        }

        return sum;
    }

    private static long? Sum(List<SiteDay> days, Func<SiteDay, int?> value)
    {
        var values = days.Select(value).Where(v => v.HasValue).ToList();
        return values.Count == 0 ? null : values.Sum(v => (long)v!.Value);
    }

    private static double? Sum(List<SiteDay> days, Func<SiteDay, double?> value)
    {
        var values = days.Select(value).Where(v => v.HasValue).ToList();
        return values.Count == 0 ? null : Math.Round(values.Sum(v => v!.Value), 3);
    }
}

/// <summary>
/// 开工率 of one day: how many business hours had activity at or above the site's threshold (kilowatt-hours in the hour
/// when the site has an electricity meter, otherwise entries at its doors).
/// </summary>
public static class OperatingHours
{
    /// <summary>
    /// Counts the business hours in [<paramref name="opensAt"/>, <paramref name="closesAt"/>) whose activity (index = local
    /// hour 0–23) reaches <paramref name="threshold"/>; a partial first or last hour counts by the share of it that is
    /// business time. Returns (business hours, operating hours).
    /// </summary>
    public static (double WorkingHours, double OperatingHours) Count(ReadOnlySpan<double> hourlyActivity, TimeOnly opensAt, TimeOnly closesAt, double threshold)
    {
        if (hourlyActivity.Length != 24)
        {
            throw new ArgumentException("24 hourly values are needed", nameof(hourlyActivity));
        }

        double working = 0, operating = 0;
        for (var hour = 0; hour < 24; hour++)
        {
            var start = Math.Max(hour * 60, opensAt.Hour * 60 + opensAt.Minute);
            var end = Math.Min((hour + 1) * 60, closesAt.Hour * 60 + closesAt.Minute);
            if (end <= start)
            {
                continue;
            }

            var share = (end - start) / 60.0;
            working += share;
            if (hourlyActivity[hour] >= threshold)
            {
                operating += share;
            }
        }

        return (working, operating);
    }
}
