using PostLoan.Domain.Warning.Signals;
using static PostLoan.Domain.Warning.Indicators.StandardIndicators;

namespace PostLoan.Domain.Warning.Rules;

/// <summary>One rule of the starter set.</summary>
/// <param name="Code">Stable rule code.</param>
/// <param name="NameZh">Chinese name (also the signal title).</param>
/// <param name="NameEn">English name.</param>
/// <param name="Category">What it watches.</param>
/// <param name="Severity">Severity of its signals.</param>
/// <param name="Expression">The condition, over the standard indicator codes.</param>
public sealed record StarterRule(string Code, string NameZh, string NameEn, RuleCategory Category, SignalSeverity Severity, string Expression);

/// <summary>
/// The starter rule set (预置规则) covering the signals of the seed documents, written over the
/// <see cref="Indicators.StandardIndicators"/> codes. Seeded once at start-up as published version 1 of each rule;
/// risk managers change them by writing new versions. Ratios with unit % are in percent (80 = 80%); relative changes are
/// fractions (−0.3 = −30%).
/// </summary>
public static class StarterRules
{
    public static IReadOnlyList<StarterRule> All { get; } =
    [
        new("DPD30", "逾期30天以上", "30+ days past due", RuleCategory.Repayment, SignalSeverity.Yellow, $"now({DaysPastDue}) >= 30"),
        new("DPD60", "逾期60天以上", "60+ days past due", RuleCategory.Repayment, SignalSeverity.Orange, $"now({DaysPastDue}) >= 60"),
        new("DPD90", "逾期90天以上", "90+ days past due", RuleCategory.Repayment, SignalSeverity.Red, $"now({DaysPastDue}) >= 90"),
        new("REV_YOY", "营业收入同比下降30%以上", "Revenue down 30%+ year on year", RuleCategory.Financial, SignalSeverity.Orange, $"change_yoy({Revenue}) <= -0.3"),
        // Statements are quarterly: two negative periods are two values in the last six months, all below zero.
        new("NP_NEG2", "净利润连续两期为负", "Net profit negative two periods", RuleCategory.Financial, SignalSeverity.Orange,
            $"count({NetProfit}, 6) >= 2 and max({NetProfit}, 6) < 0"),
        new("DEBT_HIGH", "资产负债率过高（>80%或超行业中位数1.5倍）", "Debt ratio above 80% or 1.5 × industry median", RuleCategory.Financial, SignalSeverity.Orange,
            $"now({DebtRatio}) > 80 or now({DebtRatio}) > 1.5 * industry_median({DebtRatio})"),
        new("OCF_NEG", "经营活动现金流为负", "Operating cash flow negative", RuleCategory.Financial, SignalSeverity.Yellow, $"now({OperatingCashFlow}) < 0"),
        new("LITIGATION", "近3个月作为被告涉诉", "Litigation as defendant in the last 3 months", RuleCategory.External, SignalSeverity.Orange,
            $"count({LitigationDefendant}, 3) >= 1"),
        new("ENFORCEMENT", "被执行或列入失信被执行人", "Enforcement or dishonest debtor", RuleCategory.External, SignalSeverity.Red,
            $"count({Enforcement}, 3) >= 1 or count({DishonestDebtor}, 3) >= 1"),
        new("OWNER_CHANGE", "法定代表人或股东变更", "Legal representative or shareholder change", RuleCategory.External, SignalSeverity.Yellow,
            $"count({LegalRepresentativeChange}, 3) + count({ShareholderChange}, 3) >= 1"),
        new("CAPITAL_CUT", "减少注册资本", "Capital reduction", RuleCategory.External, SignalSeverity.Orange, $"count({CapitalReduction}, 3) >= 1"),
        new("ABNORMAL_OP", "列入经营异常名录", "On the abnormal-operation list", RuleCategory.External, SignalSeverity.Orange, $"count({AbnormalOperation}, 3) >= 1"),
        new("CREDIT_OVERDUE", "征信新增他行逾期", "New overdue elsewhere on the credit report", RuleCategory.External, SignalSeverity.Orange,
            $"count({CreditNewOverdue}, 3) >= 1"),
        new("MULTI_LENDING", "多头借贷（5家及以上）", "Multi-lending (5 or more lenders)", RuleCategory.External, SignalSeverity.Yellow, $"now({MultiLending}) >= 5"),
        new("POWER_DROP", "用电量同比下降40%以上", "Electricity down 40%+ year on year", RuleCategory.Operations, SignalSeverity.Orange, $"change_yoy({Electricity}) <= -0.4"),
        new("LOW_OPERATING", "开工率低于30%", "Operating rate below 30%", RuleCategory.Operations, SignalSeverity.Orange, $"now({OperatingRate}) < 30"),
        new("POWER_30D_YOY", "近30天用电量同比下降40%以上", "Electricity of the last 30 days down 40%+ year on year", RuleCategory.Operations, SignalSeverity.Orange,
            $"now({Electricity30DaysYoy}) <= -40"),
        new("INVENTORY_DROP", "库存变化指数低于-50", "Inventory change index below −50", RuleCategory.Operations, SignalSeverity.Yellow, $"now({InventoryChange}) < -50"),
    ];
}
