using PostLoan.Domain.Monitoring.Statistics;

namespace PostLoan.Domain.Tests.Monitoring;

/// <summary>
/// The two helpers the device indicators use: a customer's sites added up day by day, and a window of days (30 days, month
/// to date) with the same window a year earlier.
/// </summary>
public class SiteStatisticsOfSitesAndWindows
{
    [Fact]
    public void Sites_of_one_customer_add_up_day_by_day_and_a_missing_measure_stays_missing_only_when_no_site_has_it()
    {
        SiteDay[] days =
        [
            new(new(2026, 11, 2), true, 100, 40, 500, null, 10, 8, null),
            new(new(2026, 11, 2), true, 20, 5, null, 3.5, 9.5, null, -12.5),
            new(new(2026, 11, 3), false, null, null, 80, null, 0, null, null),
        ];

        var combined = SiteStatistics.Combine(days);

        Assert.Equal(2, combined.Count);
        // Business hours count only from sites whose operating hours are known: 8 of 10, not 8 of 19.5.
        Assert.Equal(new SiteDay(new(2026, 11, 2), true, 120, 45, 500, 3.5, 10, 8, -12.5), combined[0]);
        Assert.Equal(new SiteDay(new(2026, 11, 3), false, null, null, 80, null, 0, null, null), combined[1]);
    }

    [Fact]
    public void A_window_is_measured_with_the_same_window_a_year_earlier()
    {
        SiteDay[] days =
        [
            new(new(2026, 11, 1), true, 10, 8, 100, 1, 10, 5, null),
            new(new(2026, 11, 2), true, 12, 9, 110, 1, 10, 10, null),
            new(new(2026, 11, 3), true, 30, 99, 999, 9, 10, 10, null),   // after the window
            new(new(2025, 11, 1), true, 20, 10, 300, 2, 10, 10, null),
            new(new(2025, 11, 2), false, 2, 1, 50, 1, 0, null, null),
        ];

        var window = SiteStatistics.Window(days, new(2026, 11, 1), new(2026, 11, 2))!;

        Assert.Equal(("2026-11-01..2026-11-02", 2, 22L, 8.5, 210.0, 75.0), (window.Key, window.Days, window.Entries, window.AverageHeadcount, window.ElectricityKwh, window.OperatingRate));
        Assert.Equal((2, 22L, 10.0, 350.0, 100.0), (window.LastYear!.Days, window.LastYear.Entries, window.LastYear.AverageHeadcount, window.LastYear.ElectricityKwh, window.LastYear.OperatingRate));
        Assert.Equal(-40.0, window.ElectricityYoy);   // (210 − 350) / 350
        Assert.Equal(-15.0, window.HeadcountYoy);     // (8.5 − 10) / 10
        Assert.Equal(-25.0, window.OperatingRateYoyPoints);
        Assert.Null(SiteStatistics.Window(days, new(2026, 10, 1), new(2026, 10, 31)));
    }
}
