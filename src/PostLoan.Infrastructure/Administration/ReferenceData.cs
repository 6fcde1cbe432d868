using PostLoan.Domain.Administration;
using PostLoan.Domain.Ledger.Loans;

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
        Parameter("risk.provision.general", "0.01", "一般准备计提比例 · general provision rate", "Risk", SystemParameterType.Decimal),
        Parameter("risk.provision.specialMention", "0.02", "关注类专项准备 · specific provision, special mention", "Risk", SystemParameterType.Decimal),
        Parameter("risk.provision.substandard", "0.25", "次级类专项准备 · specific provision, substandard", "Risk", SystemParameterType.Decimal),
        Parameter("risk.provision.doubtful", "0.5", "可疑类专项准备 · specific provision, doubtful", "Risk", SystemParameterType.Decimal),
        Parameter("risk.provision.loss", "1", "损失类专项准备 · specific provision, loss", "Risk", SystemParameterType.Decimal),
        Parameter("risk.contagionShare", "0.1", "非零售传染阈值 · non-retail contagion share of non-performing claims", "Risk", SystemParameterType.Decimal),
        Parameter("collection.quietHoursStart", "22", "催收静默开始 (时) · no contact from", "Collection", SystemParameterType.Integer),
        Parameter("collection.quietHoursEnd", "8", "催收静默结束 (时) · no contact until", "Collection", SystemParameterType.Integer),
        Parameter("collection.maxUnansweredCallsPerDay", "6", "每日未接通呼叫上限 · unanswered calls a day to one number", "Collection", SystemParameterType.Integer),
        Parameter("inspection.firstWithinMonths", "1", "首次检查期限 (月) · first inspection after disbursement", "Inspection", SystemParameterType.Integer),
        Parameter("monitoring.offlineAfterMinutes", "30", "设备离线判定 (分钟) · device offline after silence", "Monitoring", SystemParameterType.Integer),
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

    private static SystemParameter Parameter(string key, string value, string description, string module, SystemParameterType type) =>
        new() { Key = key, Value = value, Description = description, Module = module, Type = type };
}
