namespace PostLoan.Domain.Risk;

/// <summary>Which rules of domain.md section 4 hold a loan's category above 正常 (a bit set, stored as an integer).</summary>
[Flags]
public enum ClassificationReasons
{
    None = 0,
    /// <summary>Days past due (逾期天数).</summary>
    DaysPastDue = 1,
    /// <summary>Restructured, within the observation period (重组观察期).</summary>
    Restructured = 2,
    /// <summary>More than the contagion share of the corporate debtor's claims are non-performing (非零售传染).</summary>
    Contagion = 4,
    /// <summary>Credit-impaired (已发生信用减值).</summary>
    CreditImpaired = 8,
    /// <summary>A verified red warning signal (红色预警已核实).</summary>
    RedSignal = 16,
    /// <summary>A person's approved category (人工认定) holds it.</summary>
    Held = 32,
}

/// <summary>The loan-level facts the nightly proposal reads, as of one business date.</summary>
/// <param name="DaysPastDue">Days past due after the day's close.</param>
/// <param name="RestructureFloor">The restructuring floor while the observation period runs, otherwise null.</param>
/// <param name="CreditImpaired">Whether the loan or its debtor is marked credit-impaired.</param>
/// <param name="RedSignal">Whether a verified red warning signal is open on the debtor or the loan.</param>
public readonly record struct ClassificationFacts(int DaysPastDue, FiveLevelCategory? RestructureFloor, bool CreditImpaired, bool RedSignal);

/// <summary>What the nightly proposal does with a loan whose proposed category differs from its current one.</summary>
public enum NightlyAction
{
    /// <summary>Proposal equals the current category.</summary>
    None,
    /// <summary>The rule applies the proposal at once: every downgrade (a floor is mandatory) and upgrades between performing categories.</summary>
    Apply,
    /// <summary>An upgrade out of non-performing (不良上调) waits for a risk manager's approval.</summary>
    AwaitApproval,
}

/// <summary>How a person's request to put a loan in another category is handled (two-person rule).</summary>
public enum RequestDecision
{
    /// <summary>The request would put the loan above its floor (an upgrade the rules forbid), or changes nothing.</summary>
    Refused,
    /// <summary>A downgrade to exactly the category the rules propose: applied on the maker's word.</summary>
    AppliesDirectly,
    /// <summary>Anything else: a second person with the risk manager role must approve it.</summary>
    NeedsApproval,
}

/// <summary>
/// Five-level classification beyond days past due (domain.md section 4): floors by DPD, restructuring with its
/// observation period, credit impairment, verified red signals and non-retail contagion; the nightly proposal; and the
/// maker-checker rule for a person's changes.
/// </summary>
public static class ClassificationRules
{
    /// <summary>Default contagion share: more than 10% of a corporate debtor's claims non-performing.</summary>
    public const decimal DefaultContagionShare = 0.1m;

    /// <summary>The floor a loan's own facts impose, and every rule that raises it above 正常.</summary>
    public static (FiveLevelCategory Floor, ClassificationReasons Reasons) LoanFloor(in ClassificationFacts facts)
    {
        var floor = FiveLevelCategory.Normal;
        var reasons = ClassificationReasons.None;
        Raise(ref floor, ref reasons, DelinquencyRules.CategoryFloor(facts.DaysPastDue), ClassificationReasons.DaysPastDue);
        if (facts.RestructureFloor is { } restructured)
        {
            Raise(ref floor, ref reasons, restructured, ClassificationReasons.Restructured);
        }

        if (facts.CreditImpaired)
        {
            Raise(ref floor, ref reasons, FiveLevelCategory.Substandard, ClassificationReasons.CreditImpaired);
        }

        if (facts.RedSignal)
        {
            Raise(ref floor, ref reasons, FiveLevelCategory.SpecialMention, ClassificationReasons.RedSignal);
        }

        return (floor, reasons);
    }

    /// <summary>Raises <paramref name="floor"/> to <paramref name="candidate"/> and notes the rule when it is above 正常.</summary>
    public static void Raise(ref FiveLevelCategory floor, ref ClassificationReasons reasons, FiveLevelCategory candidate, ClassificationReasons reason)
    {
        if (candidate <= FiveLevelCategory.Normal)
        {
            return;
        }

        reasons |= reason;
        if (candidate > floor)
        {
            floor = candidate;
        }
    }

    /// <summary>
    /// Non-retail contagion: true when more than <paramref name="share"/> of a corporate debtor's claims (outstanding
    /// principal) are non-performing; all its claims then become at least 次级.
    /// </summary>
    public static bool Contagion(decimal nonPerformingBalance, decimal totalBalance, decimal share = DefaultContagionShare) =>
        totalBalance > 0m && nonPerformingBalance > share * totalBalance;

    /// <summary>Restructuring floor: 关注 when the loan was performing when restructured, 次级 when it was non-performing.</summary>
    public static FiveLevelCategory RestructureFloor(FiveLevelCategory categoryWhenRestructured) =>
        DelinquencyRules.IsNonPerforming(categoryWhenRestructured) ? FiveLevelCategory.Substandard : FiveLevelCategory.SpecialMention;

    /// <summary>
    /// End of the observation period (重组观察期): at least one year and at least two repayment periods after the
    /// restructuring. <paramref name="secondDueDate"/> is the second due date after it (the last one when fewer remain).
    /// The floor holds on every business date before the returned date.
    /// </summary>
    public static DateOnly ObservationEnd(DateOnly restructuredOn, DateOnly? secondDueDate)
    {
        var year = restructuredOn.AddYears(1);
        return secondDueDate is { } due && due > year ? due : year;
    }

    /// <summary>The category the rules propose: the floor, or a person's held category when it is worse.</summary>
    public static FiveLevelCategory Proposal(FiveLevelCategory floor, FiveLevelCategory? held) =>
        held is { } h && h > floor ? h : floor;

    /// <summary>What the nightly run does when the proposal differs from the current category.</summary>
    public static NightlyAction Nightly(FiveLevelCategory current, FiveLevelCategory proposal)
    {
        if (proposal == current)
        {
            return NightlyAction.None;
        }

        return proposal > current || !DelinquencyRules.IsNonPerforming(current) ? NightlyAction.Apply : NightlyAction.AwaitApproval;
    }

    /// <summary>
    /// A person asks for <paramref name="requested"/>: refused below the floor (an upgrade above the floor) or when
    /// nothing changes; a downgrade to the rules' own proposal applies directly; anything else needs a risk manager.
    /// </summary>
    public static RequestDecision Decide(FiveLevelCategory current, FiveLevelCategory floor, FiveLevelCategory proposal, FiveLevelCategory requested)
    {
        if (requested < floor || requested == current)
        {
            return RequestDecision.Refused;
        }

        return requested > current && requested == proposal ? RequestDecision.AppliesDirectly : RequestDecision.NeedsApproval;
    }

    /// <summary>The held category after a person's change to <paramref name="category"/> is applied: none when it equals the floor.</summary>
    public static FiveLevelCategory? HeldAfter(FiveLevelCategory category, FiveLevelCategory floor) => category > floor ? category : null;

    /// <summary>Whether the approver may decide a change: a different person holding the risk manager role.</summary>
    public static bool MayApprove(string? makerId, string approverId, bool approverIsRiskManager) =>
        approverIsRiskManager && !string.Equals(makerId, approverId, StringComparison.Ordinal);
}

/// <summary>Who made a classification change.</summary>
public enum ChangeSource
{
    /// <summary>The nightly proposal (系统认定).</summary>
    Rule = 1,
    /// <summary>A person (人工认定), with a reason and evidence.</summary>
    Manual = 2,
}

/// <summary>State of a classification change.</summary>
public enum ChangeState
{
    /// <summary>Waiting for a risk manager (待审批).</summary>
    Pending = 1,
    /// <summary>In force (已生效).</summary>
    Applied = 2,
    /// <summary>Refused by the checker (已驳回).</summary>
    Rejected = 3,
    /// <summary>Overtaken by a later proposal or change (已失效).</summary>
    Superseded = 4,
}

/// <summary>
/// A loan's classification state (<c>loan_classifications</c>): the current category and stage, the rule floor and
/// proposal of the last nightly run, a person's held category, and the restructuring observation period.
/// Scope columns are copied from the loan.
/// </summary>
public sealed class LoanClassification
{
    public long LoanId { get; set; }

    public int CustomerId { get; set; }

    public int OrganisationId { get; set; }

    public string OrganisationPath { get; set; } = "/";

    public string? AccountManagerId { get; set; }

    /// <summary>Business date of the last nightly proposal.</summary>
    public DateOnly AsOf { get; set; }

    public FiveLevelCategory Category { get; set; } = FiveLevelCategory.Normal;

    public Ifrs9Stage Stage { get; set; } = Ifrs9Stage.Stage1;

    public FiveLevelCategory Floor { get; set; } = FiveLevelCategory.Normal;

    public ClassificationReasons Reasons { get; set; }

    public FiveLevelCategory Proposed { get; set; } = FiveLevelCategory.Normal;

    /// <summary>A person's approved category that holds until changed (null: the rules decide).</summary>
    public FiveLevelCategory? Held { get; set; }

    public DateOnly? ChangedOn { get; set; }

    /// <summary>The restructuring event last taken into account.</summary>
    public long RestructureEventId { get; set; }

    public DateOnly? RestructuredOn { get; set; }

    public FiveLevelCategory? RestructureFloor { get; set; }

    /// <summary>First business date after the observation period.</summary>
    public DateOnly? ObservationEnds { get; set; }
}

/// <summary>
/// A dated classification change (分类变动): who proposed it, why, on what evidence, and who approved or rejected it.
/// Nothing is deleted: the history of a loan's category is the list of its applied changes.
/// </summary>
public sealed class ClassificationChange
{
    public long Id { get; set; }

    public long LoanId { get; set; }

    public int CustomerId { get; set; }

    public int OrganisationId { get; set; }

    public string OrganisationPath { get; set; } = "/";

    public string? AccountManagerId { get; set; }

    /// <summary>Business date the change takes effect (the proposal's date, or the open date for a person's change).</summary>
    public DateOnly Date { get; set; }

    public FiveLevelCategory From { get; set; }

    public FiveLevelCategory To { get; set; }

    /// <summary>The floor when it was proposed.</summary>
    public FiveLevelCategory Floor { get; set; }

    public ClassificationReasons Reasons { get; set; }

    public ChangeSource Source { get; set; }

    public ChangeState State { get; set; }

    public string? Reason { get; set; }

    /// <summary>Evidence (证明材料): documents, site-visit findings, references.</summary>
    public string? Evidence { get; set; }

    public string? ProposedBy { get; set; }

    public string? ProposedByName { get; set; }

    public DateTimeOffset ProposedAt { get; set; }

    public string? DecidedBy { get; set; }

    public string? DecidedByName { get; set; }

    public DateTimeOffset? DecidedAt { get; set; }

    public string? DecisionNote { get; set; }
}

/// <summary>Kind of a risk flag other modules raise on a debtor or a loan.</summary>
public enum RiskFlagKind
{
    /// <summary>A verified red warning signal (红色预警, fed by early warning): floor 关注, IFRS 9 stage 2.</summary>
    RedSignal = 1,
    /// <summary>Credit-impaired (信用减值: bankruptcy, court enforcement, ...): floor 次级, stage 3.</summary>
    CreditImpaired = 2,
    /// <summary>Rating down three or more notches since origination: IFRS 9 stage 2.</summary>
    RatingDowngrade = 3,
}

/// <summary>
/// A dated risk flag (<c>risk_flags</c>) on a debtor (all its loans) or one loan, in force from <see cref="Since"/>
/// until <see cref="Until"/> (exclusive). Early warning writes red signals here when they are verified.
/// </summary>
public sealed class RiskFlag
{
    public long Id { get; set; }

    public int CustomerId { get; set; }

    /// <summary>The loan, or null for every loan of the debtor.</summary>
    public long? LoanId { get; set; }

    public string OrganisationPath { get; set; } = "/";

    public string? AccountManagerId { get; set; }

    public RiskFlagKind Kind { get; set; }

    public DateOnly Since { get; set; }

    public DateOnly? Until { get; set; }

    /// <summary>Who raised it: a module ("warning") or "manual".</summary>
    public required string Source { get; set; }

    public string? Reference { get; set; }

    public string? Note { get; set; }

    public string? RecordedBy { get; set; }

    public DateTimeOffset RecordedAt { get; set; }

    /// <summary>Whether the flag is in force on <paramref name="date"/>.</summary>
    public bool InForce(DateOnly date) => Since <= date && (Until is null || Until > date);
}
