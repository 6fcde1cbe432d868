using PostLoan.Domain.Warning.Rules;

namespace PostLoan.Domain.Tests.Warning;

/// <summary>The parser refuses anything but the rule language, naming the column of the offending text.</summary>
public class RuleSyntaxErrors
{
    private const string Whitelist =
        "only indicator codes and the functions now, prev, change, change_yoy, avg, min, max, count, sum, industry_median can be used";

    [Theory]
    [InlineData("System.IO.File.Delete(\"x\")", 1, 21, "column 1: 'System.IO.File.Delete' is not allowed: " + Whitelist)]
    [InlineData("now(dpd) > 30 and System.IO.File.Delete(\"x\")", 19, 21, "column 19: 'System.IO.File.Delete' is not allowed: " + Whitelist)]
    [InlineData("revenue.GetType() == 1", 1, 15, "column 1: 'revenue.GetType' is not allowed: " + Whitelist)]
    [InlineData("typeof(string) == 1", 1, 6, "column 1: 'typeof' is not allowed: " + Whitelist)]
    [InlineData("new Random().Next() > 1", 1, 3, "column 1: 'new' is not allowed: " + Whitelist)]
    [InlineData("sqrt(revenue) > 1", 1, 4, "column 1: 'sqrt' is not allowed: " + Whitelist)]
    [InlineData("Revenue > 1", 1, 7, "column 1: 'Revenue' is not allowed: " + Whitelist)]
    [InlineData("now(x).GetType() > 1", 7, 1, "column 7: member access ('.') is not allowed: " + Whitelist)]
    [InlineData("now(revenue)[0] > 1", 13, 1, "column 13: indexers ('[') are not allowed: " + Whitelist)]
    [InlineData("avg(x => x, 3) > 1", 7, 2, "column 7: lambdas ('=>') are not allowed: " + Whitelist)]
    public void Calls_member_access_indexers_and_types_are_refused(string rule, int column, int length, string message)
    {
        var error = Assert.Single(RuleChecker.Check(rule).Errors);

        Assert.Equal(new RuleError(column, length, message), error);
    }

    [Theory]
    [InlineData("", 1, "column 1: the rule is empty")]
    [InlineData("now(dpd) = 30", 10, "column 10: assignment ('=') is not allowed: write '==' to compare")]
    [InlineData("now(dpd) > ", 12, "column 12: the rule ends too early: expected a value")]
    [InlineData("(now(dpd) > 30", 15, "column 15: the rule ends too early: expected ')' to close the '(' at column 1")]
    [InlineData("1 < 2 < 3", 7, "column 7: comparisons cannot be chained ('<' after '<'): combine them with 'and'")]
    [InlineData("now(dpd) > \"30\"", 12, "column 12: text in quotes is not allowed: a rule compares numbers")]
    [InlineData("now(dpd) > 30 & x", 15, "column 15: unexpected '&': expected an operator or the end of the rule")]
    [InlineData("now(dpd) > 3abc", 12, "column 12: unexpected '3abc': expected a value")]
    [InlineData("now(dpd) > 30 now(dpd)", 15, "column 15: unexpected 'now': expected an operator between two values")]
    [InlineData("avg > 1", 1, "column 1: 'avg' is a function: write avg(indicator, months)")]
    [InlineData("now(dpd) > 30 and", 18, "column 18: the rule ends too early: expected a value")]
    public void Malformed_expressions_are_reported_at_their_column(string rule, int column, string message)
    {
        var error = Assert.Single(RuleChecker.Check(rule).Errors);

        Assert.Equal(column, error.Position);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_is_refused_instead_of_exhausting_the_stack()
    {
        var rule = new string('(', 200) + "1 > 0" + new string(')', 200);

        var error = Assert.Single(RuleChecker.Check(rule).Errors);

        Assert.Equal(65, error.Position);
        Assert.Equal("column 65: the rule is nested more than 64 levels deep", error.Message);
    }
}
