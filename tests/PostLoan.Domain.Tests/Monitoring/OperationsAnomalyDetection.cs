using PostLoan.Domain.Monitoring.Statistics;

namespace PostLoan.Domain.Tests.Monitoring;

/// <summary>Anomalies against the same weeks last year, the site's own recent weeks and the operating rate.</summary>
public class OperationsAnomalyDetection
{
    private static readonly DateOnly AsOf = new(2026, 3, 15); // a Sunday

    private static void Fill(Dictionary<DateOnly, SiteDay> days, DateOnly from, DateOnly to, double weekday, double weekend, int peak, double? operatingHours = null)
    {
        for (var d = from; d <= to; d = d.AddDays(1))
        {
            var working = d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday);
            days[d] = new SiteDay(d, working, null, working ? peak : 3, working ? weekday : weekend, null, working ? 10 : 0, working ? operatingHours : null, null);
        }
    }

    [Fact]
    public void Electricity_down_by_half_against_the_same_weeks_last_year_with_fewer_people_is_a_seasonal_drop()
    {
        // Last year's weeks 52 weeks back (3–16 March 2025): 10 × 800 + 4 × 100 = 8,400 kWh; this year 10 × 400 + 4 × 60 = 4,240.
        var days = new Dictionary<DateOnly, SiteDay>();
        Fill(days, new(2025, 3, 3), new(2025, 3, 16), 800, 100, 95);
        Fill(days, new(2026, 3, 2), AsOf, 400, 60, 60);

        var finding = Assert.Single(OperationsAnomalies.Detect(days, AsOf, new AnomalySettings()));

        // (4,240 − 8,400) / 8,400 = −49.5%; headcount (60 − 95) / 95 = −36.8%.
        Assert.Equal(new AnomalyFinding(AnomalyKind.SeasonalDrop, 4240, 8400, -49.5, -36.8), finding);
    }

    [Fact]
    public void The_same_fall_in_electricity_with_as_many_people_as_last_year_is_not_an_anomaly()
    {
        var days = new Dictionary<DateOnly, SiteDay>();
        Fill(days, new(2025, 3, 3), new(2025, 3, 16), 800, 100, 95);
        Fill(days, new(2026, 3, 2), AsOf, 400, 60, 95);

        Assert.Empty(OperationsAnomalies.Detect(days, AsOf, new AnomalySettings()));
    }

    [Fact]
    public void A_week_far_below_the_eight_before_it_is_a_recent_drop_even_without_last_year()
    {
        // Eight normal weeks of 5 × 800 + 2 × 100 = 4,200 kWh, then 5 × 100 + 2 × 20 = 540: −87.1%.
        var days = new Dictionary<DateOnly, SiteDay>();
        Fill(days, new(2026, 1, 12), new(2026, 3, 8), 800, 100, 95);
        Fill(days, new(2026, 3, 9), AsOf, 100, 20, 95);

        Assert.Equal([new AnomalyFinding(AnomalyKind.RecentDrop, 540, 4200, -87.1)], OperationsAnomalies.Detect(days, AsOf, new AnomalySettings()));
    }

    [Fact]
    public void Five_working_days_in_a_row_under_thirty_percent_operating_rate_alarm_and_one_day_at_thirty_does_not()
    {
        var days = new Dictionary<DateOnly, SiteDay>();
        double[] hours = [2.9, 2.8, 1, 2.5, 2]; // Friday 13 back to Monday 9 March: 29, 28, 10, 25, 20%
        for (var i = 0; i < hours.Length; i++)
        {
            var d = new DateOnly(2026, 3, 13).AddDays(-i);
            days[d] = new SiteDay(d, true, null, 40, null, null, 10, hours[i], null);
        }

        // Mean (29 + 28 + 10 + 25 + 20) / 5 = 22.4%, (22.4 − 30) / 30 = −25.3%.
        Assert.Equal([new AnomalyFinding(AnomalyKind.LowOperatingRate, 22.4, 30, -25.3)], OperationsAnomalies.Detect(days, AsOf, new AnomalySettings()));

        days[new DateOnly(2026, 3, 11)] = days[new DateOnly(2026, 3, 11)] with { OperatingHours = 3 };
        Assert.Empty(OperationsAnomalies.Detect(days, AsOf, new AnomalySettings()));
    }

    [Fact]
    public void A_dip_the_same_week_last_year_also_had_is_the_season_not_a_recent_drop()
    {
        // Eight weeks of 4,200 kWh then a week of 540 (−87.1%), this year and last year alike (the slow season).
        var days = new Dictionary<DateOnly, SiteDay>();
        Fill(days, new(2026, 1, 12), new(2026, 3, 8), 800, 100, 95);
        Fill(days, new(2026, 3, 9), AsOf, 100, 20, 95);
        Fill(days, new(2025, 1, 13), new(2025, 3, 9), 800, 100, 95);
        Fill(days, new(2025, 3, 10), AsOf.AddDays(-364), 110, 20, 95);

        Assert.Empty(OperationsAnomalies.Detect(days, AsOf, new AnomalySettings()));

        // Last year's same week was normal: the drop is the company's, not the season's.
        Fill(days, new(2025, 3, 10), AsOf.AddDays(-364), 800, 100, 95);
        Assert.Equal([new AnomalyFinding(AnomalyKind.RecentDrop, 540, 4200, -87.1)], OperationsAnomalies.Detect(days, AsOf, new AnomalySettings()));
    }
}
