namespace PostLoan.Domain.Risk;

/// <summary>Five-level loan classification (五级分类); the last three are non-performing (不良).</summary>
public enum FiveLevelCategory
{
    /// <summary>正常</summary>
    Normal = 1,
    /// <summary>关注</summary>
    SpecialMention = 2,
    /// <summary>次级</summary>
    Substandard = 3,
    /// <summary>可疑</summary>
    Doubtful = 4,
    /// <summary>损失</summary>
    Loss = 5,
}

/// <summary>IFRS 9 impairment stage (减值阶段).</summary>
public enum Ifrs9Stage
{
    /// <summary>Performing: 12-month expected credit loss.</summary>
    Stage1 = 1,
    /// <summary>Significant increase in credit risk: lifetime ECL.</summary>
    Stage2 = 2,
    /// <summary>Credit-impaired: lifetime ECL, PD = 1.</summary>
    Stage3 = 3,
}

/// <summary>The rules of domain.md section 4 that follow from days past due alone.</summary>
public static class DelinquencyRules
{
    /// <summary>
    /// Category floor by days past due (商业银行金融资产风险分类办法 2023): overdue → 关注, DPD &gt; 90 → 次级,
    /// DPD &gt; 270 → 可疑, DPD &gt; 360 → 损失.
    /// </summary>
    public static FiveLevelCategory CategoryFloor(int daysPastDue) => daysPastDue switch
    {
        <= 0 => FiveLevelCategory.Normal,
        <= 90 => FiveLevelCategory.SpecialMention,
        <= 270 => FiveLevelCategory.Substandard,
        <= 360 => FiveLevelCategory.Doubtful,
        _ => FiveLevelCategory.Loss,
    };

    /// <summary>Whether the category is non-performing (不良: 次级, 可疑, 损失).</summary>
    public static bool IsNonPerforming(FiveLevelCategory category) => category >= FiveLevelCategory.Substandard;

    /// <summary>
    /// IFRS 9 stage: 3 when DPD &gt; 90 or non-performing; 2 when DPD &gt; 30, or 关注 for a reason other than
    /// days past due, or a verified red signal, or a rating 3+ notches down; otherwise 1 (DPD 1–30 alone stays 1).
    /// </summary>
    public static Ifrs9Stage Stage(int daysPastDue, FiveLevelCategory category, bool significantIncreaseInCreditRisk = false)
    {
        if (daysPastDue > 90 || IsNonPerforming(category))
        {
            return Ifrs9Stage.Stage3;
        }

        var specialMentionBeyondDpd = category == FiveLevelCategory.SpecialMention && category > CategoryFloor(daysPastDue);
        return daysPastDue > 30 || specialMentionBeyondDpd || significantIncreaseInCreditRisk ? Ifrs9Stage.Stage2 : Ifrs9Stage.Stage1;
    }
}
