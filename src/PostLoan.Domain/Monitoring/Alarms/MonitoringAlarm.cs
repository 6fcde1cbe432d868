namespace PostLoan.Domain.Monitoring.Alarms;

/// <summary>
/// An operations alarm (运营告警) on a device: raised by a threshold or anomaly rule, a device event or the warehouse
/// image comparison, reviewed by service staff. At most one alarm per device and kind is active (open or
/// acknowledged): a repeat refreshes it (last seen, occurrences, evidence) instead of raising another.
/// </summary>
public sealed class MonitoringAlarm
{
    public long Id { get; set; }

    public int DeviceId { get; set; }

    public int SiteId { get; set; }

    public int CustomerId { get; set; }

    public AlarmKind Kind { get; set; }

    /// <summary>The rule that raised it (threshold or anomaly rule code, <c>image</c>, <c>device-event</c>); false-alarm rates are reported per rule.</summary>
    public required string RuleCode { get; set; }

    public AlarmSeverity Severity { get; set; }

    public AlarmStatus Status { get; set; } = AlarmStatus.Open;

    /// <summary>Short title for lists (Chinese, as the rule words it).</summary>
    public required string Title { get; set; }

    /// <summary>What was seen: values, thresholds, the comparison's scores.</summary>
    public string? Detail { get; set; }

    /// <summary>The value that triggered it (the latest one on a repeat), when numeric.</summary>
    public double? Value { get; set; }

    public DateTimeOffset FirstSeenAt { get; set; }

    public DateTimeOffset LastSeenAt { get; set; }

    /// <summary>How many times it was raised while active (1 when new).</summary>
    public int Occurrences { get; set; } = 1;

    /// <summary>Evidence: the base-image crop (relative to the snapshot root), for goods-change alarms.</summary>
    public string? EvidenceBasePath { get; set; }

    /// <summary>Evidence: the current snapshot crop (relative to the snapshot root).</summary>
    public string? EvidenceCurrentPath { get; set; }

    /// <summary>The snapshot that raised it (goods-change alarms).</summary>
    public long? SnapshotId { get; set; }

    public string? AcknowledgedBy { get; set; }

    public DateTimeOffset? AcknowledgedAt { get; set; }

    /// <summary>Who confirmed or dismissed it.</summary>
    public string? ReviewedBy { get; set; }

    public DateTimeOffset? ReviewedAt { get; set; }

    /// <summary>Why it was confirmed or dismissed as false (required for a dismissal).</summary>
    public string? ReviewNote { get; set; }

    /// <summary>The warning signal a confirmation raised (source DeviceAlarm).</summary>
    public long? SignalId { get; set; }

    public string OrganisationPath { get; set; } = "/";

    public string? AccountManagerId { get; set; }

    /// <summary>Open or acknowledged: the one a repeat refreshes.</summary>
    public bool IsActive => Status is AlarmStatus.Open or AlarmStatus.Acknowledged;
}

/// <summary>What an alarm is about; with the device, the key of the one active alarm.</summary>
public enum AlarmKind
{
    /// <summary>设备离线</summary>
    Offline = 0,

    /// <summary>设备故障</summary>
    Fault = 1,

    /// <summary>入侵报警</summary>
    Intrusion = 2,

    /// <summary>阈值告警: a reading or daily total beyond a configured threshold.</summary>
    Threshold = 3,

    /// <summary>经营异常: activity far below the company's own history and season.</summary>
    OperationsAnomaly = 4,

    /// <summary>质押物变化: the warehouse image comparison saw goods change.</summary>
    GoodsChange = 5,
}

/// <summary>How urgent an alarm is; a confirmed alarm becomes a warning signal of the matching severity.</summary>
public enum AlarmSeverity
{
    Yellow = 0,
    Orange = 1,
    Red = 2,
}

/// <summary>Review state (告警复核).</summary>
public enum AlarmStatus
{
    /// <summary>待复核</summary>
    Open = 0,

    /// <summary>已受理: service staff are looking at it.</summary>
    Acknowledged = 1,

    /// <summary>已确认: real; a warning signal went to the account manager.</summary>
    Confirmed = 2,

    /// <summary>误报: dismissed as false, with a reason.</summary>
    Dismissed = 3,

    /// <summary>已恢复: the condition cleared by itself before review (a device came back online).</summary>
    Cleared = 4,
}

/// <summary>An alarm to raise or refresh.</summary>
/// <param name="DeviceId">The device it is on.</param>
/// <param name="Kind">With the device, the key of the active alarm.</param>
/// <param name="RuleCode">The rule that raised it.</param>
/// <param name="Severity">A repeat keeps the higher severity.</param>
/// <param name="Title">Short title.</param>
/// <param name="Detail">What was seen.</param>
/// <param name="At">When it was seen.</param>
public sealed record AlarmDraft(int DeviceId, AlarmKind Kind, string RuleCode, AlarmSeverity Severity, string Title, string? Detail, DateTimeOffset At)
{
    public double? Value { get; init; }

    public string? EvidenceBasePath { get; init; }

    public string? EvidenceCurrentPath { get; init; }

    public long? SnapshotId { get; init; }
}
