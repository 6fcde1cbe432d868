using PostLoan.Domain.Warning.Indicators;

namespace PostLoan.Domain.Tests.Warning.Indicators;

/// <summary>The debt ratio of a statement and the period ends a statement may have.</summary>
public sealed class StatementFigures
{
    [Theory]
    [InlineData("48000000", "30000000", "62.50")]
    [InlineData("3", "2", "66.67")]
    [InlineData("8", "1", "12.50")]
    [InlineData("200000", "200001", "100.00")] // 100.0005% → 100.00
    [InlineData("1000", "0", "0.00")]
    public void Debt_ratio_is_liabilities_over_assets_in_percent_to_two_decimals(string assets, string liabilities, string expected)
    {
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture),
            StatementRules.DebtRatio(decimal.Parse(assets, System.Globalization.CultureInfo.InvariantCulture), decimal.Parse(liabilities, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Debt_ratio_half_a_hundredth_rounds_away_from_zero()
    {
        // 1,000.5 / 2,000 = 50.025% → 50.03.
        Assert.Equal(50.03m, StatementRules.DebtRatio(2000m, 1000.5m));
    }

    [Fact]
    public void Without_assets_there_is_no_debt_ratio()
    {
        Assert.Null(StatementRules.DebtRatio(0m, 100m));
    }

    [Theory]
    [InlineData("2026-03-31", StatementPeriod.Quarter, true)]
    [InlineData("2026-06-30", StatementPeriod.HalfYear, true)]
    [InlineData("2026-03-31", StatementPeriod.HalfYear, false)]
    [InlineData("2025-12-31", StatementPeriod.Year, true)]
    [InlineData("2026-09-30", StatementPeriod.Year, false)]
    [InlineData("2026-04-30", StatementPeriod.Quarter, false)]
    [InlineData("2026-03-30", StatementPeriod.Quarter, false)]
    public void A_statement_ends_on_a_quarter_half_year_or_year_end(string date, StatementPeriod period, bool valid)
    {
        Assert.Equal(valid, StatementRules.IsPeriodEnd(DateOnly.ParseExact(date, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), period));
    }
}
