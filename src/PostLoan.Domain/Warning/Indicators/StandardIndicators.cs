using PostLoan.Domain.Warning.Rules;

namespace PostLoan.Domain.Warning.Indicators;

/// <summary>One entry of the indicator catalogue the product ships with.</summary>
/// <param name="Code">The code rules use.</param>
/// <param name="NameZh">Chinese name.</param>
/// <param name="NameEn">English name.</param>
/// <param name="Unit">Unit shown with values.</param>
/// <param name="Source">Where values come from.</param>
/// <param name="Frequency">How often they are observed.</param>
/// <param name="Kind">Measured value or event count.</param>
public sealed record StandardIndicator(string Code, string NameZh, string NameEn, string Unit, IndicatorSource Source, IndicatorFrequency Frequency, IndicatorKind Kind);

/// <summary>
/// The indicator codes every module writes and the starter rules read (domain.md §5). The catalogue is seeded from this
/// list; administrators may add indicators, but these codes are fixed because code writes them.
/// </summary>
public static class StandardIndicators
{
    // Repayment behaviour, derived from the ledger by the daily close (customer level: the worst of its loans).
    public const string DaysPastDue = "dpd";
    public const string DaysSinceLastPayment = "days_since_payment";
    public const string PartialPayments = "partial_payments";
    public const string OverdueAmount = "overdue_amount";
    public const string LimitUsage = "limit_usage";

    // Financial statements (entered or imported).
    public const string Revenue = "revenue";
    public const string NetProfit = "net_profit";
    public const string OperatingCashFlow = "operating_cash_flow";
    public const string Receivables = "receivables";
    public const string DebtRatio = "debt_ratio";

    // External events (event counts).
    public const string LitigationDefendant = "litigation_defendant";
    public const string Enforcement = "enforcement";
    public const string DishonestDebtor = "dishonest_debtor";
    public const string LegalRepresentativeChange = "legal_rep_change";
    public const string ShareholderChange = "shareholder_change";
    public const string CapitalReduction = "capital_reduction";
    public const string AbnormalOperation = "abnormal_operation";
    public const string TaxArrears = "tax_arrears";
    public const string CreditNewOverdue = "credit_new_overdue";
    public const string MultiLending = "multi_lending";

    // Operations monitoring (devices).
    public const string Headcount = "headcount";
    public const string Electricity = "electricity_kwh";
    public const string Water = "water_m3";
    public const string OperatingRate = "operating_rate";
    public const string InventoryChange = "inventory_change";
    public const string Entries = "entries";
    public const string ElectricityMonthToDate = "electricity_mtd";
    public const string Electricity30Days = "electricity_30d";
    public const string Electricity30DaysYoy = "electricity_30d_yoy";
    public const string Entries30Days = "entries_30d";
    public const string Headcount30DaysAverage = "headcount_30d_avg";
    public const string OperatingRate30Days = "operating_rate_30d";

    // Derived.
    public const string RelatedPartySignals = "related_signals";

    /// <summary>The shipped catalogue.</summary>
    public static IReadOnlyList<StandardIndicator> All { get; } =
    [
        new(DaysPastDue, "逾期天数", "Days past due", "天", IndicatorSource.Ledger, IndicatorFrequency.Daily, IndicatorKind.Numeric),
        new(DaysSinceLastPayment, "距上次还款天数", "Days since last payment", "天", IndicatorSource.Ledger, IndicatorFrequency.Daily, IndicatorKind.Numeric),
        new(PartialPayments, "部分还款次数", "Partial payments", "次", IndicatorSource.Ledger, IndicatorFrequency.Event, IndicatorKind.EventCount),
        new(OverdueAmount, "逾期金额", "Overdue amount", "元", IndicatorSource.Ledger, IndicatorFrequency.Daily, IndicatorKind.Numeric),
        new(LimitUsage, "额度使用率", "Limit usage", "%", IndicatorSource.Ledger, IndicatorFrequency.Daily, IndicatorKind.Numeric),
        new(Revenue, "营业收入", "Revenue", "元", IndicatorSource.Statement, IndicatorFrequency.Quarterly, IndicatorKind.Numeric),
        new(NetProfit, "净利润", "Net profit", "元", IndicatorSource.Statement, IndicatorFrequency.Quarterly, IndicatorKind.Numeric),
        new(OperatingCashFlow, "经营活动现金流", "Operating cash flow", "元", IndicatorSource.Statement, IndicatorFrequency.Quarterly, IndicatorKind.Numeric),
        new(Receivables, "应收账款", "Receivables", "元", IndicatorSource.Statement, IndicatorFrequency.Quarterly, IndicatorKind.Numeric),
        new(DebtRatio, "资产负债率", "Debt ratio", "%", IndicatorSource.Statement, IndicatorFrequency.Quarterly, IndicatorKind.Numeric),
        new(LitigationDefendant, "涉诉（被告）", "Litigation as defendant", "次", IndicatorSource.External, IndicatorFrequency.Event, IndicatorKind.EventCount),
        new(Enforcement, "被执行", "Enforcement", "次", IndicatorSource.External, IndicatorFrequency.Event, IndicatorKind.EventCount),
        new(DishonestDebtor, "失信被执行人", "Dishonest debtor", "次", IndicatorSource.External, IndicatorFrequency.Event, IndicatorKind.EventCount),
        new(LegalRepresentativeChange, "法定代表人变更", "Legal representative change", "次", IndicatorSource.External, IndicatorFrequency.Event, IndicatorKind.EventCount),
        new(ShareholderChange, "股东变更", "Shareholder change", "次", IndicatorSource.External, IndicatorFrequency.Event, IndicatorKind.EventCount),
        new(CapitalReduction, "减资", "Capital reduction", "次", IndicatorSource.External, IndicatorFrequency.Event, IndicatorKind.EventCount),
        new(AbnormalOperation, "经营异常名录", "Abnormal-operation list", "次", IndicatorSource.External, IndicatorFrequency.Event, IndicatorKind.EventCount),
        new(TaxArrears, "欠税", "Tax arrears", "次", IndicatorSource.External, IndicatorFrequency.Event, IndicatorKind.EventCount),
        new(CreditNewOverdue, "征信新增他行逾期", "New overdue elsewhere (credit report)", "次", IndicatorSource.External, IndicatorFrequency.Event, IndicatorKind.EventCount),
        new(MultiLending, "多头借贷", "Multi-lending", "家", IndicatorSource.External, IndicatorFrequency.Monthly, IndicatorKind.Numeric),
        new(Headcount, "在岗人数", "Headcount", "人", IndicatorSource.Device, IndicatorFrequency.Daily, IndicatorKind.Numeric),
        new(Electricity, "用电量", "Electricity", "kWh", IndicatorSource.Device, IndicatorFrequency.Daily, IndicatorKind.Numeric),
        new(Water, "用水量", "Water", "m³", IndicatorSource.Device, IndicatorFrequency.Daily, IndicatorKind.Numeric),
        new(OperatingRate, "开工率", "Operating rate", "%", IndicatorSource.Device, IndicatorFrequency.Daily, IndicatorKind.Numeric),
        new(InventoryChange, "库存变化指数", "Inventory change index", "%", IndicatorSource.Device, IndicatorFrequency.Daily, IndicatorKind.Numeric),
        new(Entries, "进场人次", "Entries", "人次", IndicatorSource.Device, IndicatorFrequency.Daily, IndicatorKind.Numeric),
        new(ElectricityMonthToDate, "本月累计用电量", "Electricity month to date", "kWh", IndicatorSource.Device, IndicatorFrequency.Daily, IndicatorKind.Numeric),
        new(Electricity30Days, "近30天用电量", "Electricity last 30 days", "kWh", IndicatorSource.Device, IndicatorFrequency.Daily, IndicatorKind.Numeric),
        new(Electricity30DaysYoy, "近30天用电量同比", "Electricity last 30 days year on year", "%", IndicatorSource.Device, IndicatorFrequency.Daily, IndicatorKind.Numeric),
        new(Entries30Days, "近30天进场人次", "Entries last 30 days", "人次", IndicatorSource.Device, IndicatorFrequency.Daily, IndicatorKind.Numeric),
        new(Headcount30DaysAverage, "近30天平均在岗人数", "Average headcount last 30 days", "人", IndicatorSource.Device, IndicatorFrequency.Daily, IndicatorKind.Numeric),
        new(OperatingRate30Days, "近30天开工率", "Operating rate last 30 days", "%", IndicatorSource.Device, IndicatorFrequency.Daily, IndicatorKind.Numeric),
        new(RelatedPartySignals, "关联方预警", "Related parties' signals", "次", IndicatorSource.Derived, IndicatorFrequency.Event, IndicatorKind.EventCount),
    ];
}
