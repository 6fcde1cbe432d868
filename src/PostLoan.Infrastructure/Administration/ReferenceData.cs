using PostLoan.Domain.Administration;
using PostLoan.Domain.Ledger.Loans;
using PostLoan.Domain.Risk;

namespace PostLoan.Infrastructure.Administration;

/// <summary>Parameters every installation starts with (defaults from domain.md); administrators change them in the UI.</summary>
public static class ReferenceData
{
    public static readonly IReadOnlyList<SystemParameter> Parameters =
    [
        Parameter("ledger.penaltyMarkup", "0.5", "罚息/复利上浮比例 (PBOC 30%–50%) · penalty and compound interest markup", "Ledger", SystemParameterType.Decimal),
        Parameter("ledger.graceDays", "0", "宽限期天数 · grace days waiving penalty", "Ledger", SystemParameterType.Integer),
        Parameter("ledger.reminder.dueDaysBefore", "10", "到期前提醒天数 · due reminder, days before", "Ledger", SystemParameterType.Integer),
        Parameter("ledger.reminder.maturityMonthsBefore", "1", "到期通知提前月数 · maturity notice, months before", "Ledger", SystemParameterType.Integer),
        Parameter("ledger.reminder.interestWorkingDaysBefore", "10", "付息提醒提前工作日 · interest reminder, working days before", "Ledger", SystemParameterType.Integer),
        Parameter("ledger.notice.missedMaturityWorkingDays", "10", "到期未还通知期限 (工作日) · notices after a missed maturity, within working days", "Ledger", SystemParameterType.Integer),
        Parameter("ledger.notice.missedInterestWorkingDays", "5", "欠息通知期限 (工作日) · notices after missed interest, within working days", "Ledger", SystemParameterType.Integer),
        Parameter("risk.provision.general", "0.01", "一般准备计提比例 · general provision rate", "Risk", SystemParameterType.Decimal),
        Parameter("risk.provision.specialMention", "0.02", "关注类专项准备 · specific provision, special mention", "Risk", SystemParameterType.Decimal),
        Parameter("risk.provision.substandard", "0.25", "次级类专项准备 · specific provision, substandard", "Risk", SystemParameterType.Decimal),
        Parameter("risk.provision.doubtful", "0.5", "可疑类专项准备 · specific provision, doubtful", "Risk", SystemParameterType.Decimal),
        Parameter("risk.provision.loss", "1", "损失类专项准备 · specific provision, loss", "Risk", SystemParameterType.Decimal),
        Parameter("risk.contagionShare", "0.1", "非零售传染阈值 · non-retail contagion share of non-performing claims", "Risk", SystemParameterType.Decimal),
        Parameter("risk.ecl.ccf", "0.5", "信用转换系数 (循环额度未用部分) · credit conversion factor on undrawn revolving limits", "Risk", SystemParameterType.Decimal),
        Parameter("risk.ecl.lookbackMonths", "12", "迁徙矩阵回溯月数 · months of history the PD matrices are measured on", "Risk", SystemParameterType.Integer),
        Parameter("risk.ecl.minObservations", "30", "矩阵行最少样本数 · observations a product's matrix row needs, else the book's row", "Risk", SystemParameterType.Integer),
        Parameter("risk.ecl.fallbackPd.m0", "0.02", "无历史时12个月PD: 未逾期 · 12-month PD without history, not overdue", "Risk", SystemParameterType.Decimal),
        Parameter("risk.ecl.fallbackPd.m1", "0.1", "无历史时12个月PD: 逾期1-30天 · 12-month PD without history, 1-30 DPD", "Risk", SystemParameterType.Decimal),
        Parameter("risk.ecl.fallbackPd.m2", "0.3", "无历史时12个月PD: 逾期31-60天 · 12-month PD without history, 31-60 DPD", "Risk", SystemParameterType.Decimal),
        Parameter("risk.ecl.fallbackPd.m3", "0.5", "无历史时12个月PD: 逾期61-90天 · 12-month PD without history, 61-90 DPD", "Risk", SystemParameterType.Decimal),
        Parameter("collection.quietHoursStart", "22", "催收静默开始 (时) · no contact from", "Collection", SystemParameterType.Integer),
        Parameter("collection.quietHoursEnd", "8", "催收静默结束 (时) · no contact until", "Collection", SystemParameterType.Integer),
        Parameter("collection.maxUnansweredCallsPerDay", "6", "每日未接通呼叫上限 · unanswered calls a day to one number", "Collection", SystemParameterType.Integer),
        Parameter("inspection.firstWithinMonths", "1", "首次检查期限 (月) · first inspection after disbursement", "Inspection", SystemParameterType.Integer),
        Parameter("monitoring.offlineAfterMinutes", "15", "设备离线判定 (分钟) · device offline after silence", "Monitoring", SystemParameterType.Integer),
        .. Warning.Relations.RelationSettingsStore.Parameters,
    ];

    /// <summary>Standard loan products, one per repayment method; lenders add their own.</summary>
    public static readonly IReadOnlyList<LoanProduct> Products =
    [
        new() { Code = "EQI", Name = "等额本息经营贷 · equal-installment business loan", Method = RepaymentMethod.EqualInstallment },
        new() { Code = "EQP", Name = "等额本金消费贷 · equal-principal consumer loan", Method = RepaymentMethod.EqualPrincipal },
        new() { Code = "IOM", Name = "按月付息到期还本流动资金贷 · monthly-interest working-capital loan", Method = RepaymentMethod.InterestOnly },
        new() { Code = "IOQ", Name = "按季付息到期还本流动资金贷 · quarterly-interest working-capital loan", Method = RepaymentMethod.InterestOnly, InterestFrequency = InterestFrequency.Quarterly },
        new() { Code = "BUL", Name = "利随本清短期贷 · bullet short-term loan", Method = RepaymentMethod.Bullet },
        new() { Code = "REV", Name = "随借随还循环贷 · revolving line", Method = RepaymentMethod.Revolving },
    ];

    /// <summary>Default ECL scenarios: base 60%, upside 20% (PD × 0.8), downside 20% (PD × 1.3).</summary>
    public static readonly IReadOnlyList<EclScenario> Scenarios =
    [
        new() { Code = "base", Name = "基准情景 · base", Weight = 0.6m, PdMultiplier = 1m, Order = 1 },
        new() { Code = "upside", Name = "乐观情景 · upside", Weight = 0.2m, PdMultiplier = 0.8m, Order = 2 },
        new() { Code = "downside", Name = "悲观情景 · downside", Weight = 0.2m, PdMultiplier = 1.3m, Order = 3 },
    ];

    /// <summary>
    /// Default LGD table by security and collateral coverage (value of the collateral securing the loan over EAD):
    /// unsecured 45% (Basel foundation IRB), guarantees 40%, and lower LGDs as coverage by each collateral type grows.
    /// </summary>
    public static readonly IReadOnlyList<LgdRule> LgdRules =
    [
        Lgd("Credit", 0m, 0.45m),
        Lgd("Guarantee", 0m, 0.40m), Lgd("Guarantee", 1m, 0.35m),
        Lgd("RealEstate", 0m, 0.45m), Lgd("RealEstate", 0.5m, 0.35m), Lgd("RealEstate", 1m, 0.25m), Lgd("RealEstate", 1.4m, 0.15m),
        Lgd("Land", 0m, 0.45m), Lgd("Land", 0.5m, 0.35m), Lgd("Land", 1m, 0.25m), Lgd("Land", 1.4m, 0.20m),
        Lgd("Deposit", 0m, 0.45m), Lgd("Deposit", 0.5m, 0.20m), Lgd("Deposit", 1m, 0.05m),
        Lgd("Equipment", 0m, 0.45m), Lgd("Equipment", 1m, 0.40m), Lgd("Equipment", 1.4m, 0.35m),
        Lgd("Vehicle", 0m, 0.45m), Lgd("Vehicle", 1m, 0.40m), Lgd("Vehicle", 1.4m, 0.35m),
        Lgd("Equity", 0m, 0.45m), Lgd("Equity", 1m, 0.40m),
        Lgd("Receivable", 0m, 0.45m), Lgd("Receivable", 1.25m, 0.35m),
        Lgd("Other", 0m, 0.45m), Lgd("Other", 1.4m, 0.40m),
    ];

    private static LgdRule Lgd(string security, decimal minCoverage, decimal lgd) => new() { Security = security, MinCoverage = minCoverage, Lgd = lgd };

    private static SystemParameter Parameter(string key, string value, string description, string module, SystemParameterType type) =>
        new() { Key = key, Value = value, Description = description, Module = module, Type = type };
}
