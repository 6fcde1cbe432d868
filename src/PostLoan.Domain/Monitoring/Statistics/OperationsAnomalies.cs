namespace PostLoan.Domain.Monitoring.Statistics;

/// <summary>What an operations anomaly found (异常类型).</summary>
public enum AnomalyKind
{
    /// <summary>减产/停工: electricity far below the same weeks last year while headcount also fell.</summary>
    SeasonalDrop = 1,

    /// <summary>骤降: the last week's electricity far below the site's own recent weeks (and, when known, below the same week last year).</summary>
    RecentDrop = 2,

    /// <summary>开工不足: the operating rate below the minimum on each of the last working days.</summary>
    LowOperatingRate = 3,
}

/// <summary>The anomaly thresholds of one site (each a parameter with these defaults).</summary>
/// <param name="Weeks">Weeks compared with the same weeks a year earlier (2).</param>
/// <param name="ElectricityDropPercent">Electricity fall against last year that counts (40).</param>
/// <param name="HeadcountDropPercent">Headcount fall against last year that must come with it, when the site counts people (20).</param>
/// <param name="RecentWeeks">Weeks of the site's own history the last week is compared with (8).</param>
/// <param name="RecentDropPercent">Fall of the last week against their weekly mean that counts (50).</param>
/// <param name="MinOperatingRate">Operating rate in % below which a working day is under-operated (30).</param>
/// <param name="LowRateDays">Consecutive under-operated working days that alarm (5).</param>
/// <param name="MinCoverage">Share of days a window needs data on to be compared at all (0.8).</param>
public sealed record AnomalySettings(
    int Weeks = 2,
    double ElectricityDropPercent = 40,
    double HeadcountDropPercent = 20,
    int RecentWeeks = 8,
    double RecentDropPercent = 50,
    double MinOperatingRate = 30,
    int LowRateDays = 5,
    double MinCoverage = 0.8);

/// <summary>One anomaly with the numbers behind it.</summary>
/// <param name="Kind">What was found.</param>
/// <param name="Value">The measured value (kWh of the window, or the operating rate in %).</param>
/// <param name="Baseline">What it was compared with (last year's kWh, the recent weekly mean, the minimum rate).</param>
/// <param name="ChangePercent">The change against the baseline in % (negative for a fall).</param>
/// <param name="HeadcountChangePercent">For <see cref="AnomalyKind.SeasonalDrop"/>, the headcount change against last year, when counted.</param>
public sealed record AnomalyFinding(AnomalyKind Kind, double Value, double Baseline, double ChangePercent, double? HeadcountChangePercent = null);

/// <summary>
/// Anomaly detection against a company's own history and season (domain.md §6): the same weeks last year (aligned by
/// weekday: 52 weeks back), the site's recent weeks, and the operating rate. Pure; the alarms module turns findings into
/// alarms (one open alarm per device and type).
/// </summary>
public static class OperationsAnomalies
{
    /// <summary>The anomalies of the site as of <paramref name="asOf"/> (the last full day).</summary>
    public static IReadOnlyList<AnomalyFinding> Detect(IReadOnlyDictionary<DateOnly, SiteDay> days, DateOnly asOf, AnomalySettings settings)
    {
        var findings = new List<AnomalyFinding>();
        if (Seasonal(days, asOf, settings) is { } seasonal)
        {
            findings.Add(seasonal);
        }

        if (Recent(days, asOf, settings) is { } recent)
        {
            findings.Add(recent);
        }

        if (LowRate(days, asOf, settings) is { } low)
        {
            findings.Add(low);
        }

        return findings;
    }

    private static AnomalyFinding? Seasonal(IReadOnlyDictionary<DateOnly, SiteDay> days, DateOnly asOf, AnomalySettings settings)
    {
        var length = settings.Weeks * 7;
        var from = asOf.AddDays(1 - length);
        var now = Window(days, from, asOf);
        var then = Window(days, from.AddDays(-364), asOf.AddDays(-364));
        if (!Covered(now, length, settings) || !Covered(then, length, settings))
        {
            return null;
        }

        var electricity = PeriodStatistics.Change(Sum(now), Sum(then));
        if (electricity is not { } change || change > -settings.ElectricityDropPercent)
        {
            return null;
        }

        var headcount = PeriodStatistics.Change(AveragePeak(now), AveragePeak(then));
        if (headcount is { } fall && fall > -settings.HeadcountDropPercent)
        {
            return null; // as many people as last year: a new machine or tariff, not a stop
        }

        return new AnomalyFinding(AnomalyKind.SeasonalDrop, Sum(now)!.Value, Sum(then)!.Value, change, headcount);
    }

    private static AnomalyFinding? Recent(IReadOnlyDictionary<DateOnly, SiteDay> days, DateOnly asOf, AnomalySettings settings)
    {
        var last = Window(days, asOf.AddDays(-6), asOf);
        if (!Covered(last, 7, settings))
        {
            return null;
        }

        var weekly = new List<double>();
        for (var week = 1; week <= settings.RecentWeeks; week++)
        {
            var window = Window(days, asOf.AddDays(-6 - (7 * week)), asOf.AddDays(-7 * week));
            if (Covered(window, 7, settings) && Sum(window) is { } sum)
            {
                weekly.Add(sum);
            }
        }

        if (weekly.Count < Math.Max(2, settings.RecentWeeks / 2) || Sum(last) is not { } lastWeek)
        {
            return null;
        }

        var baseline = Math.Round(weekly.Average(), 3);
        var change = PeriodStatistics.Change(lastWeek, baseline);
        if (change is not { } c || c > -settings.RecentDropPercent)
        {
            return null;
        }

        // The season: a dip the same week last year also had (holidays, the slow month) is not an anomaly.
        var lastYear = Window(days, asOf.AddDays(-6 - 364), asOf.AddDays(-364));
        if (Covered(lastYear, 7, settings) && PeriodStatistics.Change(lastWeek, Sum(lastYear)) is { } yoy && yoy > -settings.ElectricityDropPercent)
        {
            return null;
        }

        return new AnomalyFinding(AnomalyKind.RecentDrop, lastWeek, baseline, c);
    }

    private static AnomalyFinding? LowRate(IReadOnlyDictionary<DateOnly, SiteDay> days, DateOnly asOf, AnomalySettings settings)
    {
        var rates = new List<double>();
        for (var date = asOf; rates.Count < settings.LowRateDays && date > asOf.AddDays(-7 * settings.LowRateDays); date = date.AddDays(-1))
        {
            if (days.TryGetValue(date, out var day) && day.WorkingDay && day.WorkingHours > 0 && day.OperatingHours is { } hours)
            {
                rates.Add(hours / day.WorkingHours * 100);
            }
        }

        if (rates.Count < settings.LowRateDays || rates.Any(r => r >= settings.MinOperatingRate))
        {
            return null;
        }

        var mean = Math.Round(rates.Average(), 1, MidpointRounding.AwayFromZero);
        return new AnomalyFinding(AnomalyKind.LowOperatingRate, mean, settings.MinOperatingRate, PeriodStatistics.Change(mean, settings.MinOperatingRate) ?? 0);
    }

    private static List<SiteDay> Window(IReadOnlyDictionary<DateOnly, SiteDay> days, DateOnly from, DateOnly to)
    {
        var window = new List<SiteDay>();
        for (var d = from; d <= to; d = d.AddDays(1))
        {
            if (days.TryGetValue(d, out var day))
            {
                window.Add(day);
            }
        }

        return window;
    }

    private static bool Covered(List<SiteDay> window, int length, AnomalySettings settings) =>
        window.Count(d => d.ElectricityKwh.HasValue) >= Math.Ceiling(length * settings.MinCoverage);

    private static double? Sum(List<SiteDay> window) =>
        window.Any(d => d.ElectricityKwh.HasValue) ? Math.Round(window.Sum(d => d.ElectricityKwh ?? 0), 3) : null;

    private static double? AveragePeak(List<SiteDay> window)
    {
        var peaks = window.Where(d => d.WorkingDay && d.PeakHeadcount.HasValue).Select(d => (double)d.PeakHeadcount!.Value).ToList();
        return peaks.Count == 0 ? null : peaks.Average();
    }
}
