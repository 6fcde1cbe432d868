namespace PostLoan.Domain.Warning.Indicators;

/// <summary>The length of the period a financial statement covers; it ends on a quarter, half-year or year end.</summary>
public enum StatementPeriod
{
    /// <summary>季报: three months ending on 03-31, 06-30, 09-30 or 12-31.</summary>
    Quarter = 1,

    /// <summary>半年报: six months ending on 06-30 or 12-31.</summary>
    HalfYear = 2,

    /// <summary>年报: the year ending on 12-31.</summary>
    Year = 3,
}

/// <summary>
/// A customer's financial statement (财务报表) for one period: the figures the warning rules read as the statement
/// indicators (revenue, net profit, operating cash flow, receivables, debt ratio), dated at the period end. One
/// statement per customer and period end; entering it again corrects it and replaces its indicator values.
/// </summary>
public sealed class FinancialStatement
{
    public long Id { get; set; }

    public int CustomerId { get; set; }

    /// <summary>The last day of the period (a quarter end).</summary>
    public DateOnly PeriodEnd { get; set; }

    public StatementPeriod Period { get; set; }

    /// <summary>营业收入 of the period, yuan.</summary>
    public decimal Revenue { get; set; }

    /// <summary>净利润 of the period, yuan (negative for a loss).</summary>
    public decimal NetProfit { get; set; }

    /// <summary>经营活动产生的现金流量净额 of the period, yuan.</summary>
    public decimal OperatingCashFlow { get; set; }

    /// <summary>应收账款 at the period end, yuan.</summary>
    public decimal Receivables { get; set; }

    /// <summary>资产总计 at the period end, yuan.</summary>
    public decimal TotalAssets { get; set; }

    /// <summary>负债合计 at the period end, yuan.</summary>
    public decimal TotalLiabilities { get; set; }

    /// <summary>资产负债率 in percent (liabilities ÷ assets × 100, two decimals), computed from the two totals.</summary>
    public decimal DebtRatio { get; set; }

    /// <summary>"manual" for the entry page, or the imported file's name.</summary>
    public string Source { get; set; } = "manual";

    public string? RecordedBy { get; set; }

    public DateTimeOffset RecordedAt { get; set; }

    /// <summary>Copied from the customer for the data scope.</summary>
    public string OrganisationPath { get; set; } = "/";

    public string? AccountManagerId { get; set; }

    /// <summary>The reference its indicator values carry, so a correction replaces exactly them.</summary>
    public string IndicatorReference => "statement:" + Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>The rules a statement's figures obey (named so the entry page, the import and the tests share them).</summary>
public static class StatementRules
{
    /// <summary>资产负债率 in percent, rounded half away from zero to two decimals; null when assets are not positive.</summary>
    public static decimal? DebtRatio(decimal totalAssets, decimal totalLiabilities) =>
        totalAssets <= 0m ? null : Math.Round(totalLiabilities / totalAssets * 100m, 2, MidpointRounding.AwayFromZero);

    /// <summary>Whether <paramref name="periodEnd"/> is a valid end of <paramref name="period"/>.</summary>
    public static bool IsPeriodEnd(DateOnly periodEnd, StatementPeriod period)
    {
        var quarterEnd = periodEnd.Month % 3 == 0 && periodEnd.Day == DateTime.DaysInMonth(periodEnd.Year, periodEnd.Month);
        return period switch
        {
            StatementPeriod.Quarter => quarterEnd,
            StatementPeriod.HalfYear => quarterEnd && periodEnd.Month % 6 == 0,
            StatementPeriod.Year => quarterEnd && periodEnd.Month == 12,
        };
    }

    /// <summary>The statement indicators and their values, in catalogue order.</summary>
    public static IReadOnlyList<(string Code, double Value)> IndicatorValues(FinancialStatement s) =>
    [
        (StandardIndicators.Revenue, (double)s.Revenue),
        (StandardIndicators.NetProfit, (double)s.NetProfit),
        (StandardIndicators.OperatingCashFlow, (double)s.OperatingCashFlow),
        (StandardIndicators.Receivables, (double)s.Receivables),
        (StandardIndicators.DebtRatio, (double)s.DebtRatio),
    ];
}
