using PostLoan.Domain.Common;

namespace PostLoan.Domain.Tests.Common;

public class MoneyRounding
{
    [Theory]
    [InlineData("0.005", "0.01")]
    [InlineData("0.0049", "0.00")]
    [InlineData("-0.005", "-0.01")]
    [InlineData("362.5", "362.50")]
    [InlineData("8530.985", "8530.99")]
    public void Rounds_half_away_from_zero_to_cents(string raw, string expected)
    {
        var money = new Money(decimal.Parse(raw, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(expected, money.Round().ToString());
    }
}
