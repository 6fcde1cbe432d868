using PostLoan.Domain.Common;

namespace PostLoan.Domain.Monitoring.Alarms;

/// <summary>
/// The review steps of an alarm (告警复核): acknowledge (受理), confirm (确认, note optional) and dismiss as false (误报,
/// reason required). Only an active alarm (open or acknowledged) can be reviewed; each step records who and when.
/// </summary>
public static class AlarmReview
{
    /// <summary>Longest review note or reason.</summary>
    public const int MaxNote = 500;

    /// <summary>受理: service staff take the alarm on.</summary>
    public static Error? Acknowledge(MonitoringAlarm alarm, string user, DateTimeOffset at)
    {
        if (alarm.Status != AlarmStatus.Open)
        {
            return NotActive(alarm, "only an open alarm can be acknowledged");
        }

        alarm.Status = AlarmStatus.Acknowledged;
        alarm.AcknowledgedBy = user;
        alarm.AcknowledgedAt = at;
        return null;
    }

    /// <summary>确认: the alarm is real (the caller raises the warning signal).</summary>
    public static Error? Confirm(MonitoringAlarm alarm, string user, DateTimeOffset at, string? note) =>
        Close(alarm, AlarmStatus.Confirmed, user, at, string.IsNullOrWhiteSpace(note) ? null : note.Trim());

    /// <summary>误报: the alarm is false; the reason is required so thresholds can be tuned.</summary>
    public static Error? Dismiss(MonitoringAlarm alarm, string user, DateTimeOffset at, string? reason) =>
        string.IsNullOrWhiteSpace(reason)
            ? Error.Validation("reason", "reason: say why the alarm is false (误报原因必填)")
            : Close(alarm, AlarmStatus.Dismissed, user, at, reason.Trim());

    /// <summary>已恢复: the condition ended by itself before anyone confirmed it (a device came back online).</summary>
    public static bool Clear(MonitoringAlarm alarm, DateTimeOffset at, string note)
    {
        if (!alarm.IsActive)
        {
            return false;
        }

        alarm.Status = AlarmStatus.Cleared;
        alarm.ReviewedBy = "system";
        alarm.ReviewedAt = at;
        alarm.ReviewNote = note;
        return true;
    }

    private static Error? Close(MonitoringAlarm alarm, AlarmStatus status, string user, DateTimeOffset at, string? note)
    {
        if (!alarm.IsActive)
        {
            return NotActive(alarm, "only an open or acknowledged alarm can be reviewed");
        }

        if (note?.Length > MaxNote)
        {
            return Error.Validation(status == AlarmStatus.Dismissed ? "reason" : "note", $"at most {MaxNote} characters");
        }

        alarm.Status = status;
        alarm.ReviewedBy = user;
        alarm.ReviewedAt = at;
        alarm.ReviewNote = note;
        if (alarm.AcknowledgedAt is null)
        {
            alarm.AcknowledgedBy = user;
            alarm.AcknowledgedAt = at;
        }

        return null;
    }

    private static Error NotActive(MonitoringAlarm alarm, string message) =>
        Error.Conflict("alarm.not_active", $"alarm {alarm.Id} is {alarm.Status}: {message}");
}

/// <summary>One row of the false-alarm report (误报率): per rule or per device over a period.</summary>
/// <param name="Key">Rule code or device code.</param>
/// <param name="Name">Rule or device name.</param>
/// <param name="Raised">Alarms first seen in the period.</param>
/// <param name="Confirmed">Of those, confirmed.</param>
/// <param name="Dismissed">Of those, dismissed as false.</param>
/// <param name="Open">Of those, still open or acknowledged.</param>
/// <param name="Cleared">Of those, cleared by themselves.</param>
public sealed record FalseAlarmRate(string Key, string Name, int Raised, int Confirmed, int Dismissed, int Open, int Cleared)
{
    /// <summary>dismissed / (confirmed + dismissed) in %, rounded to 0.1; null when none was reviewed.</summary>
    public double? Rate => Confirmed + Dismissed == 0 ? null : Math.Round(100.0 * Dismissed / (Confirmed + Dismissed), 1, MidpointRounding.AwayFromZero);

    /// <summary>Counts the alarms' statuses per key, in key order.</summary>
    public static IReadOnlyList<FalseAlarmRate> Of(IEnumerable<(string Key, string Name, AlarmStatus Status)> alarms) =>
        alarms.GroupBy(a => a.Key, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new FalseAlarmRate(g.Key, g.First().Name, g.Count(),
                g.Count(a => a.Status == AlarmStatus.Confirmed), g.Count(a => a.Status == AlarmStatus.Dismissed),
                g.Count(a => a.Status is AlarmStatus.Open or AlarmStatus.Acknowledged), g.Count(a => a.Status == AlarmStatus.Cleared)))
            .ToList();
}
