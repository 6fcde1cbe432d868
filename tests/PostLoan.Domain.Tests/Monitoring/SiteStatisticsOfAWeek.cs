using PostLoan.Domain.Monitoring.Statistics;

namespace PostLoan.Domain.Tests.Monitoring;

/// <summary>
/// Statistics of a hand-built week (Monday 2 to Sunday 8 March 2026, business hours 08:00–18:00 on weekdays) and two
/// days of March 2025 for the year-on-year comparison.
/// </summary>
public class SiteStatisticsOfAWeek
{
    private static readonly SiteDay[] Week =
    [
        new(new(2026, 3, 2), true, 120, 95, 820.5, 12.2, 10, 9, 0),
        new(new(2026, 3, 3), true, 118, 97, 845.0, 12.8, 10, 10, null),
        new(new(2026, 3, 4), true, 121, 96, 830.25, 12.5, 10, 9.5, -2.0),
        new(new(2026, 3, 5), true, 60, 50, 410.0, 6.0, 10, 4, null),
        new(new(2026, 3, 6), true, 119, 94, 801.75, 11.9, 10, 8.5, -5.5),
        new(new(2026, 3, 7), false, 8, 6, 120.0, 1.1, 0, 0, null),
        new(new(2026, 3, 8), false, 0, 0, 95.5, 0.4, 0, 0, null),
        new(new(2025, 3, 3), true, 125, 100, 1000.0, 13.0, 10, 10, null),
        new(new(2025, 3, 4), true, 125, 100, 1100.0, 13.0, 10, 10, null),
    ];

    [Fact]
    public void The_month_sums_entries_electricity_and_water_averages_working_day_peaks_and_divides_operating_by_business_hours()
    {
        var march = Assert.Single(SiteStatistics.Aggregate(Week, StatisticsPeriod.Month, new(2026, 3, 1), new(2026, 3, 31)));

        Assert.Equal(("2026-03", 7, 546L, 86.4, 3923.0, 56.9, 82.0, -5.5), (march.Key, march.Days, march.Entries, march.AverageHeadcount, march.ElectricityKwh, march.WaterM3, march.OperatingRate, march.InventoryChange));
        Assert.NotNull(march.LastYear);
        Assert.Equal(("2025-03", 2, 2100.0, 100.0, 100.0), (march.LastYear!.Key, march.LastYear.Days, march.LastYear.ElectricityKwh, march.LastYear.AverageHeadcount, march.LastYear.OperatingRate));
        // (3923 − 2100) / 2100 = 86.8%; (86.4 − 100) / 100 = −13.6%; 82.0% − 100.0% = −18.0 points.
        Assert.Equal((86.8, -13.6, -18.0, 118.4), (march.ElectricityYoy, march.HeadcountYoy, march.OperatingRateYoyPoints, march.EntriesYoy));
    }

    [Fact]
    public void Days_quarters_and_years_use_the_same_measures_with_their_keys()
    {
        var days = SiteStatistics.Aggregate(Week, StatisticsPeriod.Day, new(2026, 3, 4), new(2026, 3, 5));
        Assert.Equal(["2026-03-04", "2026-03-05"], days.Select(d => d.Key));
        Assert.Equal((95.0, 40.0), (days[0].OperatingRate, days[1].OperatingRate));
        Assert.Equal(1100.0, days[0].LastYear!.ElectricityKwh); // 4 March 2025 has data, 5 March 2025 has none
        Assert.Null(days[1].LastYear);
        Assert.Equal("2026Q1", Assert.Single(SiteStatistics.Aggregate(Week, StatisticsPeriod.Quarter, new(2026, 1, 1), new(2026, 3, 31))).Key);
        var years = SiteStatistics.Aggregate(Week, StatisticsPeriod.Year, new(2025, 1, 1), new(2026, 12, 31));
        Assert.Equal(["2025", "2026"], years.Select(y => y.Key));
        Assert.Equal(86.8, years[1].ElectricityYoy);
    }

    [Fact]
    public void A_site_without_a_water_meter_has_no_water_figure_rather_than_zero()
    {
        var noWater = Week.Take(7).Select(d => d with { WaterM3 = null });

        Assert.Null(Assert.Single(SiteStatistics.Aggregate(noWater, StatisticsPeriod.Month, new(2026, 3, 1), new(2026, 3, 31))).WaterM3);
    }

    [Fact]
    public void Operating_hours_count_business_time_at_or_above_the_threshold_with_partial_first_and_last_hours()
    {
        // 08:30–17:30, threshold 5 kWh: half of hour 8 (6 kWh), 9–16 except the lunch hour 12 (2 kWh), half of hour 17 (exactly 5).
        var hourly = new double[24];
        hourly[8] = 6;
        for (var h = 9; h <= 16; h++)
        {
            hourly[h] = h == 12 ? 2 : 9;
        }

        hourly[17] = 5;
        hourly[20] = 50; // after hours: not business time

        Assert.Equal((9.0, 8.0), OperatingHours.Count(hourly, new TimeOnly(8, 30), new TimeOnly(17, 30), 5));
    }
}
