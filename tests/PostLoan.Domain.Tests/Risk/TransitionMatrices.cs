using PostLoan.Domain.Risk;

namespace PostLoan.Domain.Tests.Risk;

/// <summary>Cohort matrices from counts, and lifetime PD from matrix powers.</summary>
public class TransitionMatrices
{
    // States: current, overdue, default (absorbing).
    private static readonly TransitionMatrix Monthly = TransitionMatrix.FromRows(
    [
        [0.9, 0.08, 0.02],
        [0.3, 0.5, 0.2],
        [0.0, 0.0, 1.0],
    ]);

    [Fact]
    public void Counted_transitions_become_row_probabilities_and_default_stays_absorbing()
    {
        var matrix = TransitionMatrix.FromCounts(new long[,] { { 90, 8, 2 }, { 30, 50, 20 }, { 1, 0, 3 } }, 2);

        Assert.Equal(Monthly.Rows(), matrix.Rows());
    }

    [Fact]
    public void A_row_without_observations_stays_in_its_state()
    {
        var matrix = TransitionMatrix.FromCounts(new long[,] { { 0, 0 }, { 1, 3 } });

        Assert.Equal([1d, 0d], matrix.Rows()[0]);
        Assert.Equal([0.25, 0.75], matrix.Rows()[1]);
    }

    [Fact]
    public void Two_month_default_probability_is_the_square_of_the_matrix()
    {
        // P²[current, default] = 0.9 × 0.02 + 0.08 × 0.2 + 0.02 × 1 = 0.054
        Assert.Equal(0.054, Monthly.Power(2)[0, 2], 12);
        Assert.Equal(0.054, Monthly.Path(0, 2, 2)[2], 12);
    }

    [Fact]
    public void Lifetime_pd_from_the_stepped_path_equals_the_matrix_power_for_every_horizon()
    {
        var path = Monthly.Path(0, 2, 60);

        for (var t = 0; t <= 60; t++)
        {
            Assert.Equal(Monthly.Power(t)[0, 2], path[t], 12);
        }

        Assert.Equal(0d, path[0]);
        Assert.True(path[60] > path[12]);
    }

    [Fact]
    public void A_pd_curve_from_a_matrix_reads_the_default_column_of_its_powers()
    {
        var curve = PdCurve.FromMatrix(Monthly, 1, 24, PdSource.ProductMatrix);

        Assert.Equal(Monthly.Power(12)[1, 2], curve.Within(12), 12);
        Assert.Equal(Monthly.Power(24)[1, 2], curve.Within(24), 12);
        Assert.Equal(curve.Within(24), curve.Within(100), 12); // beyond the curve: its last value
    }

    [Fact]
    public void A_twelve_month_pd_spreads_as_a_constant_monthly_hazard()
    {
        var curve = PdCurve.FromTwelveMonth(0.12, 36, PdSource.Override);

        Assert.Equal(0.12, curve.Within(12), 12);
        Assert.Equal(1 - Math.Pow(0.88, 2), curve.Within(24), 12);
        Assert.Equal(1 - Math.Pow(0.88, 1d / 12d), curve.Within(1), 12);
    }

    [Theory]
    [InlineData(0, DpdBucket.Current)]
    [InlineData(1, DpdBucket.Dpd1To30)]
    [InlineData(30, DpdBucket.Dpd1To30)]
    [InlineData(31, DpdBucket.Dpd31To60)]
    [InlineData(90, DpdBucket.Dpd61To90)]
    [InlineData(91, DpdBucket.Over90)]
    public void Days_past_due_fall_into_monthly_buckets(int dpd, DpdBucket bucket) => Assert.Equal(bucket, DpdBuckets.Of(dpd));

    [Fact]
    public void A_non_performing_loan_is_in_the_default_state_whatever_its_days_past_due()
    {
        Assert.Equal(DpdBuckets.Default, DpdBuckets.PdState(0, FiveLevelCategory.Substandard));
        Assert.Equal((int)DpdBucket.Dpd1To30, DpdBuckets.PdState(5, FiveLevelCategory.SpecialMention));
    }
}
