namespace PostLoan.Domain.Warning.Signals;

/// <summary>Severity of a warning signal (红/橙/黄); higher is more severe.</summary>
public enum SignalSeverity
{
    Yellow = 1,
    Orange = 2,
    Red = 3,
}

/// <summary>Where a signal comes from.</summary>
public enum SignalSource
{
    /// <summary>A warning rule fired (nightly or in real time).</summary>
    Rule = 1,

    /// <summary>Derived from a linked customer's severe signal (关联客户预警).</summary>
    RelatedParty = 2,

    /// <summary>A device alarm confirmed by service staff (operations monitoring).</summary>
    DeviceAlarm = 3,

    /// <summary>Raised by a person.</summary>
    Manual = 4,
}

/// <summary>The signal lifecycle of domain.md §5: 发生 → 分派 → 排查认定 → 处置 → 解除.</summary>
public enum SignalStatus
{
    /// <summary>发生: raised, not yet assigned.</summary>
    Raised = 1,

    /// <summary>Assigned to the account manager for checking (排查).</summary>
    Assigned = 2,

    /// <summary>Verification proposed by the maker, waiting for a second person (maker-checker).</summary>
    PendingVerification = 3,

    /// <summary>认定: verified as a real risk; disposal actions follow.</summary>
    Verified = 4,

    /// <summary>Dismissed as a false alarm (误报) after checking; closed.</summary>
    Dismissed = 5,

    /// <summary>解除: released with feedback; closed.</summary>
    Released = 6,
}

/// <summary>
/// A warning signal (预警信号) on a customer. There is at most one active signal per customer and
/// <see cref="DedupKey"/>: a repeat of the same rule (or the same linked customer's signal, or the same device alarm)
/// refreshes <see cref="LastSeenOn"/> and <see cref="Occurrences"/> instead of raising a duplicate.
/// </summary>
public sealed class WarningSignal
{
    public long Id { get; set; }

    public int CustomerId { get; set; }

    /// <summary>The loan it concerns, when the rule is loan-level; null for the customer.</summary>
    public long? LoanId { get; set; }

    public SignalSource Source { get; set; }

    /// <summary>
    /// What makes two raises the same signal: <c>rule:{ruleId}</c>, <c>related:{originSignalId}</c>,
    /// <c>device:{deviceId}:{alarmType}</c> or <c>manual:{guid}</c>.
    /// </summary>
    public required string DedupKey { get; set; }

    /// <summary>The rule, for <see cref="SignalSource.Rule"/>.</summary>
    public int? RuleId { get; set; }

    /// <summary>The rule version that raised or last refreshed it.</summary>
    public int? RuleVersionId { get; set; }

    /// <summary>The signal it was derived from, for <see cref="SignalSource.RelatedParty"/>.</summary>
    public long? OriginSignalId { get; set; }

    /// <summary>Contagion strength in (0, 1] for a derived signal; 1 otherwise.</summary>
    public double Strength { get; set; } = 1;

    public SignalSeverity Severity { get; set; }

    public SignalStatus Status { get; set; } = SignalStatus.Raised;

    /// <summary>True until dismissed or released; at most one active signal per (customer, dedup key).</summary>
    public bool IsActive { get; set; } = true;

    /// <summary>Short title shown in lists (the rule's name, "关联客户 X 红色预警", "停工报警").</summary>
    public required string Title { get; set; }

    /// <summary>What was seen: the values that made the rule fire, the alarm's evidence.</summary>
    public string? Detail { get; set; }

    /// <summary>The business date it was first raised.</summary>
    public DateOnly RaisedOn { get; set; }

    public DateTimeOffset RaisedAt { get; set; }

    /// <summary>The business date of the latest repeat.</summary>
    public DateOnly LastSeenOn { get; set; }

    /// <summary>How many times it was raised while active (1 when new).</summary>
    public int Occurrences { get; set; } = 1;

    /// <summary>The user who owns the current step (the account manager after assignment).</summary>
    public string? AssignedToId { get; set; }

    /// <summary>Deadline of the current step; a step past it escalates to the supervisor.</summary>
    public DateTimeOffset? DueAt { get; set; }

    /// <summary>Set when the current step was escalated.</summary>
    public DateTimeOffset? EscalatedAt { get; set; }

    public DateTimeOffset? ClosedAt { get; set; }

    /// <summary>Copied from the customer for the data scope.</summary>
    public int OrganisationId { get; set; }

    public string OrganisationPath { get; set; } = "/";

    /// <summary>The customer's account manager when raised (the default assignee).</summary>
    public string? AccountManagerId { get; set; }
}
