using PostLoan.Domain.Warning.Rules;

namespace PostLoan.Domain.Tests.Warning;

/// <summary>The type checker: a rule is a condition, functions get an indicator and a window, indicators are known.</summary>
public class RuleTypeErrors
{
    private static readonly IndicatorCatalogue Catalogue = new(new Dictionary<string, IndicatorKind>
    {
        ["dpd"] = IndicatorKind.Numeric,
        ["revenue"] = IndicatorKind.Numeric,
        ["power_kwh"] = IndicatorKind.Numeric,
        ["debt_ratio"] = IndicatorKind.Numeric,
        ["litigation_defendant"] = IndicatorKind.EventCount,
    });

    [Theory]
    [InlineData("now(dpd) + 1", 1, 12, "column 1: the rule must be a condition (true or false) but this is a number: compare it, e.g. now(dpd) > 30")]
    [InlineData("now(dpd) > 30 and 5", 15, 3, "column 15: 'and' needs conditions on both sides but the right side is a number")]
    [InlineData("(now(dpd) > 30) + 1 > 0", 17, 1, "column 17: '+' needs numbers on both sides but the left side is a condition")]
    [InlineData("now(dpd) == true", 10, 2, "column 10: '==' compares a number with a condition")]
    [InlineData("not now(dpd)", 1, 1, "column 1: 'not' needs a condition but is given a number")]
    [InlineData("avg(power_kwh) < 1", 1, 14, "column 1: avg takes 2 arguments, avg(indicator, months), but is given 1")]
    [InlineData("now(dpd, 3) > 1", 1, 11, "column 1: now takes 1 argument, now(indicator), but is given 2")]
    [InlineData("now(1) > 0", 5, 1, "column 5: the first argument of now must be an indicator code")]
    [InlineData("avg(now(power_kwh), 3) > 0", 5, 14, "column 5: the first argument of avg must be an indicator code")]
    [InlineData("avg(power_kwh, 0) < 1", 16, 1, "column 16: the window of avg must be a whole number of months from 1 to 120")]
    [InlineData("sum(power_kwh, 2.5) < 1", 16, 3, "column 16: the window of sum must be a whole number of months from 1 to 120")]
    [InlineData("max(power_kwh, -3) < 1", 16, 2, "column 16: the window of max must be a whole number of months from 1 to 120")]
    [InlineData("min(power_kwh, dpd) < 1", 16, 3, "column 16: the window of min must be a whole number of months from 1 to 120")]
    [InlineData("count(litigation_defendant, 121) > 1", 29, 3, "column 29: the window of count must be a whole number of months from 1 to 120")]
    [InlineData("now(revnue) > 0", 5, 6, "column 5: unknown indicator 'revnue'")]
    [InlineData("revnue > 0", 1, 6, "column 1: unknown indicator 'revnue'")]
    public void A_type_error_is_reported_at_the_offending_text(string rule, int column, int length, string message)
    {
        var check = RuleChecker.Check(rule, Catalogue);

        Assert.False(check.IsValid);
        Assert.Equal(new RuleError(column, length, message), Assert.Single(check.Errors));
    }

    [Fact]
    public void Every_type_error_of_a_rule_is_reported_not_only_the_first()
    {
        var check = RuleChecker.Check("now(revnue) > 0 and avg(powr, 3) < 1", Catalogue);

        Assert.Equal(
        [
            new RuleError(5, 6, "column 5: unknown indicator 'revnue'"),
            new RuleError(25, 4, "column 25: unknown indicator 'powr'"),
        ], check.Errors);
    }

    [Fact]
    public void Without_a_catalogue_any_indicator_code_is_accepted_as_numeric()
    {
        var check = RuleChecker.Check("now(anything_at_all) > 0");

        Assert.True(check.IsValid);
        Assert.Equal([new RuleFeature(RuleFunction.Now, "anything_at_all", 0, IndicatorKind.Numeric)], check.Rule!.Features);
    }

    [Fact]
    public void The_examples_of_the_brief_check_and_list_the_features_they_read()
    {
        var check = RuleChecker.Check(
            "change_yoy(revenue) < -0.3 and avg(power_kwh, 3) < 0.5 * avg(power_kwh, 12) or now(dpd) > 30 or count(litigation_defendant, 6) >= 2 or now(debt_ratio) > industry_median(debt_ratio) * 1.5",
            Catalogue);

        Assert.True(check.IsValid, string.Join("; ", check.Errors.Select(e => e.Message)));
        Assert.Equal(
            ["change_yoy(revenue)", "avg(power_kwh, 3)", "avg(power_kwh, 12)", "now(dpd)", "count(litigation_defendant, 6)", "now(debt_ratio)", "industry_median(debt_ratio)"],
            check.Rule!.Features.Select(f => f.ToString()));
        Assert.Equal(IndicatorKind.EventCount, check.Rule.Features[4].Kind);
    }
}
