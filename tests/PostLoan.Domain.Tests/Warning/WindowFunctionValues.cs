using PostLoan.Domain.Warning.Rules;

namespace PostLoan.Domain.Tests.Warning;

/// <summary>Each window function on small hand-built series, evaluated on 15 June 2025 (period 0 = June 2025).</summary>
public class WindowFunctionValues
{
    private static readonly DateOnly EvaluationDate = new(2025, 6, 15);

    // Monthly revenue. Month values (latest observation in the month):
    // Jun 2025 (p0) 60 · May (p1) 50 · Apr (p2) 65 (60 then 65) · Mar (p3) 70 · Feb, Jan … Jul 2024 none · Jun 2024 (p12) 100 · May 2024 (p13) 80.
    // The observation of 20 June 2025 is after the evaluation date and is ignored.
    private static readonly IndicatorSeries Revenue = Series(
        ("2024-05-31", 80), ("2024-06-30", 100), ("2025-03-31", 70), ("2025-04-10", 60), ("2025-04-30", 65),
        ("2025-05-31", 50), ("2025-06-10", 60), ("2025-06-20", 999));

    // A quarterly statement whose latest value is from March 2025 (p3): now/prev/change_yoy anchor on March.
    private static readonly IndicatorSeries Quarterly = Series(("2024-03-31", 150), ("2024-12-31", 130), ("2025-03-31", 120));

    // Lawsuits as defendant: June 1 · April 3 (one on the 15th, two on the 20th) · none in May · one in December 2024 (p6).
    private static readonly IndicatorSeries Litigation = Series(
        ("2024-12-01", 1), ("2025-04-15", 1), ("2025-04-20", 2), ("2025-06-01", 1), ("2025-06-30", 1));

    [Theory]
    [InlineData("now(x)", 60)]
    [InlineData("prev(x)", 50)]
    [InlineData("change(x)", 0.2)] // (60 − 50) / 50
    [InlineData("change_yoy(x)", -0.4)] // (60 − 100) / 100
    [InlineData("avg(x, 3)", 175.0 / 3)] // 60, 50, 65
    [InlineData("min(x, 3)", 50)]
    [InlineData("max(x, 3)", 65)]
    [InlineData("sum(x, 3)", 175)]
    [InlineData("count(x, 3)", 3)]
    [InlineData("avg(x, 6)", 61.25)] // 60, 50, 65, 70 and two months without a value
    [InlineData("sum(x, 6)", 245)]
    [InlineData("count(x, 12)", 4)] // June 2024 is period 12, outside a 12-month window
    [InlineData("count(x, 13)", 5)]
    [InlineData("min(x, 13)", 50)]
    [InlineData("max(x, 13)", 100)]
    public void Numeric_indicator(string feature, double expected)
    {
        Assert.Equal(expected, Compute(feature, Revenue, IndicatorKind.Numeric), 12);
    }

    [Theory]
    [InlineData("now(x)", 120)]
    [InlineData("prev(x)", double.NaN)] // February 2025 has no value
    [InlineData("change(x)", double.NaN)]
    [InlineData("change_yoy(x)", -0.2)] // (120 − 150) / 150: March 2025 against March 2024
    [InlineData("avg(x, 3)", double.NaN)] // nothing in April–June 2025
    [InlineData("sum(x, 3)", double.NaN)]
    [InlineData("count(x, 3)", 0)]
    [InlineData("avg(x, 6)", 120)] // only March 2025 (p3) lies in periods 0…5
    [InlineData("avg(x, 7)", 125)] // (120 + 130) / 2 with December 2024 (p6)
    public void Stale_numeric_indicator_anchors_now_and_yoy_on_its_latest_month(string feature, double expected)
    {
        Assert.Equal(expected, Compute(feature, Quarterly, IndicatorKind.Numeric), 12);
    }

    [Theory]
    [InlineData("now(x)", 1)] // June 2025
    [InlineData("prev(x)", 0)] // no event in May is zero events, not missing
    [InlineData("change(x)", double.NaN)] // relative to zero
    [InlineData("count(x, 3)", 4)] // 1 in June + 3 in April
    [InlineData("count(x, 6)", 4)]
    [InlineData("count(x, 7)", 5)] // December 2024 is period 6
    [InlineData("sum(x, 3)", 4)]
    [InlineData("avg(x, 3)", 4.0 / 3)]
    [InlineData("max(x, 3)", 3)]
    [InlineData("min(x, 3)", 0)]
    public void Event_count_indicator(string feature, double expected)
    {
        Assert.Equal(expected, Compute(feature, Litigation, IndicatorKind.EventCount), 12);
    }

    [Theory]
    [InlineData("now(x)", IndicatorKind.Numeric, double.NaN)]
    [InlineData("avg(x, 12)", IndicatorKind.Numeric, double.NaN)]
    [InlineData("count(x, 12)", IndicatorKind.Numeric, 0)]
    [InlineData("now(x)", IndicatorKind.EventCount, 0)]
    [InlineData("count(x, 12)", IndicatorKind.EventCount, 0)]
    public void A_customer_without_a_series(string feature, IndicatorKind kind, double expected)
    {
        Assert.Equal(expected, Compute(feature, null, kind), 12);
    }

    [Fact]
    public void Industry_median_is_the_median_of_the_peers_latest_values_ignoring_missing_ones()
    {
        Assert.Equal(2.5, IndustryMedian.Of([3, 1, double.NaN, 2, 10]));
        Assert.Equal(3, IndustryMedian.Of([5, 1, 3]));
        Assert.True(double.IsNaN(IndustryMedian.Of([double.NaN])));

        var feature = Feature("industry_median(x)", IndicatorKind.Numeric);
        Assert.Equal(0.62, IndicatorWindows.Compute(feature, null, new Industry(("x", 0.62)), EvaluationDate));
        Assert.True(double.IsNaN(IndicatorWindows.Compute(feature, null, new Industry(), EvaluationDate)));
    }

    [Fact]
    public void The_feature_vector_holds_the_same_values_as_computing_each_feature_alone()
    {
        string[] features = ["now(x)", "prev(x)", "change(x)", "change_yoy(x)", "avg(x, 3)", "avg(x, 6)", "count(x, 13)", "max(x, 13)"];
        var layout = new FeatureLayout();
        foreach (var feature in features)
        {
            layout.SlotOf(Feature(feature, IndicatorKind.Numeric));
        }

        var vector = new double[layout.Count];
        layout.Fill(EvaluationDate, [Revenue], null, vector);

        Assert.Equal([60, 50, 0.2, -0.4, 175.0 / 3, 61.25, 5, 100], vector, (a, b) => Math.Abs(a - b) < 1e-12);
    }

    internal static IndicatorSeries Series(params (string Date, double Value)[] observations) =>
        new(observations.Select(o => new IndicatorObservation(DateOnly.Parse(o.Date, System.Globalization.CultureInfo.InvariantCulture), o.Value)));

    private static double Compute(string feature, IIndicatorSeries? series, IndicatorKind kind) =>
        IndicatorWindows.Compute(Feature(feature, kind), series, null, EvaluationDate);

    private static RuleFeature Feature(string text, IndicatorKind kind)
    {
        var rule = RuleChecker.Check(text + " > 0");
        Assert.True(rule.IsValid);
        return rule.Rule!.Features[0] with { Kind = kind };
    }

    internal sealed class Industry(params (string Indicator, double Median)[] medians) : IIndustryStatistics
    {
        public double LatestMedian(string indicator)
        {
            foreach (var (code, median) in medians)
            {
                if (code == indicator)
                {
                    return median;
                }
            }

            return double.NaN;
        }
    }
}
