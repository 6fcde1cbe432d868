namespace PostLoan.Domain.Warning.Signals;

/// <summary>What happened in one step of a signal's life (the <c>signal_steps</c> log).</summary>
public enum SignalStepKind
{
    /// <summary>发生: the signal was raised — and, when the customer has an active account manager, assigned to them in the
    /// same step (to <see cref="SignalStatus.Assigned"/>, the manager as <see cref="SignalStep.AssigneeId"/>).</summary>
    Raised = 1,

    /// <summary>分派: (re)assigned to a person by a risk manager.</summary>
    Assigned = 2,

    /// <summary>排查: the assignee recorded what the check found.</summary>
    Checked = 3,

    /// <summary>认定建议: the maker proposed verified or false alarm, with reason and evidence.</summary>
    Proposed = 4,

    /// <summary>The checker sent the proposal back to the assignee.</summary>
    Returned = 5,

    /// <summary>认定: a second person confirmed the signal as a real risk.</summary>
    Verified = 6,

    /// <summary>误报: a second person confirmed the false alarm.</summary>
    Dismissed = 7,

    /// <summary>处置: a disposal action was added.</summary>
    ActionAdded = 8,

    /// <summary>A disposal action was done.</summary>
    ActionDone = 9,

    /// <summary>A disposal action was cancelled.</summary>
    ActionCancelled = 10,

    /// <summary>超时升级: a step passed its deadline and went to the supervisor.</summary>
    Escalated = 11,

    /// <summary>解除: released with feedback.</summary>
    Released = 12,

    /// <summary>A repeat raised the severity.</summary>
    SeverityRaised = 13,
}

/// <summary>
/// One step of a signal (信号处理记录): who did what, when, the status before and after, and a note. Nothing is
/// deleted: the timeline of a signal is its steps in order. Scope columns are copied from the signal.
/// </summary>
public sealed class SignalStep
{
    public long Id { get; set; }

    public long SignalId { get; set; }

    public SignalStepKind Kind { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary>The user who took the step, or <c>system</c>.</summary>
    public required string ActorId { get; set; }

    public string? ActorName { get; set; }

    public SignalStatus From { get; set; }

    public SignalStatus To { get; set; }

    public string? Note { get; set; }

    /// <summary>For <see cref="SignalStepKind.Proposed"/>: the outcome proposed (Verified or Dismissed).</summary>
    public SignalStatus? Outcome { get; set; }

    /// <summary>Evidence (证明材料) of a proposal.</summary>
    public string? Evidence { get; set; }

    /// <summary>The assignee after an assignment; the supervisors told of an escalation.</summary>
    public string? AssigneeId { get; set; }

    /// <summary>For <see cref="SignalStepKind.Released"/>: whether the signal was a real risk (反响).</summary>
    public bool? RealRisk { get; set; }

    /// <summary>The disposal action the step concerns.</summary>
    public long? ActionId { get; set; }

    public int CustomerId { get; set; }

    public string OrganisationPath { get; set; } = "/";

    public string? AccountManagerId { get; set; }
}

/// <summary>Kinds of disposal action (处置措施) of domain.md §5.</summary>
public enum DisposalKind
{
    /// <summary>冻结额度: the customer's credit line is frozen at once.</summary>
    FreezeLimit = 1,

    /// <summary>压降额度: the credit line is reduced to an amount.</summary>
    ReduceLimit = 2,

    /// <summary>提前收贷: demand early repayment.</summary>
    DemandEarlyRepayment = 3,

    /// <summary>追加担保: add collateral or guarantees.</summary>
    AddCollateral = 4,

    /// <summary>提高检查频率: raise the inspection frequency.</summary>
    RaiseInspectionFrequency = 5,

    /// <summary>下调分类: propose a downgrade (a classification change request).</summary>
    ProposeDowngrade = 6,

    /// <summary>启动催收: start collection (the request is recorded).</summary>
    StartCollection = 7,
}

/// <summary>State of a disposal action.</summary>
public enum DisposalState
{
    Open = 1,
    Done = 2,
    Cancelled = 3,
}

/// <summary>
/// A disposal action (处置) on a verified signal: what, who owns it, by when, its state and note. Freeze and reduce
/// change the credit line when added; a downgrade creates a classification change request.
/// </summary>
public sealed class DisposalAction
{
    public long Id { get; set; }

    public long SignalId { get; set; }

    public DisposalKind Kind { get; set; }

    public DisposalState State { get; set; } = DisposalState.Open;

    public required string OwnerId { get; set; }

    public string? OwnerName { get; set; }

    public DateTimeOffset DueAt { get; set; }

    public string? Note { get; set; }

    /// <summary>For <see cref="DisposalKind.ReduceLimit"/>: the new line amount.</summary>
    public decimal? Amount { get; set; }

    /// <summary>The credit line a freeze or reduction changed.</summary>
    public long? CreditLineId { get; set; }

    /// <summary>For <see cref="DisposalKind.ProposeDowngrade"/>: the loan and the classification change requested.</summary>
    public long? LoanId { get; set; }

    public long? ClassificationChangeId { get; set; }

    public required string CreatedById { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public string? ClosedById { get; set; }

    public DateTimeOffset? ClosedAt { get; set; }

    public string? Outcome { get; set; }

    public DateTimeOffset? EscalatedAt { get; set; }

    public int CustomerId { get; set; }

    public string OrganisationPath { get; set; } = "/";

    public string? AccountManagerId { get; set; }
}

/// <summary>The rules of the signal workflow (排查认定 with two persons, disposal, release).</summary>
public static class SignalWorkflowRules
{
    /// <summary>Default days the assignee has for the check (排查时限), in working days.</summary>
    public const int DefaultCheckWorkingDays = 3;

    /// <summary>Whether the check can be recorded or an outcome proposed: only while assigned (or raised).</summary>
    public static bool CanPropose(SignalStatus status) => status is SignalStatus.Raised or SignalStatus.Assigned;

    /// <summary>The checker confirms a proposal: a risk manager other than the maker (maker ≠ checker).</summary>
    public static bool MayConfirm(string makerId, string checkerId, bool checkerIsRiskManager) =>
        checkerIsRiskManager && !string.Equals(makerId, checkerId, StringComparison.Ordinal);

    /// <summary>A signal is released once verified and every disposal action is done or cancelled.</summary>
    public static bool CanRelease(SignalStatus status, IEnumerable<DisposalState> actions) =>
        status == SignalStatus.Verified && actions.All(a => a != DisposalState.Open);

    /// <summary>A step is overdue when it has a deadline in the past and was not escalated yet.</summary>
    public static bool IsOverdue(DateTimeOffset? dueAt, DateTimeOffset? escalatedAt, DateTimeOffset now) =>
        dueAt is { } due && due < now && escalatedAt is null;

    /// <summary>Whether the signal is still open for work (not dismissed nor released).</summary>
    public static bool IsOpen(SignalStatus status) => status is not (SignalStatus.Dismissed or SignalStatus.Released);
}
