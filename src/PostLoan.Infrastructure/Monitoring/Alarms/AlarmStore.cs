using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using PostLoan.Domain.Monitoring.Alarms;
using PostLoan.Infrastructure.Identity;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Infrastructure.Monitoring.Alarms;

/// <summary>The outcome of raising one draft: the active alarm, and whether it is new or a refreshed repeat.</summary>
public sealed record RaisedAlarm(MonitoringAlarm Alarm, bool IsNew);

/// <summary>Told about alarms after they are stored (live view, notifications). Must not throw for one bad alarm.</summary>
public interface IAlarmObserver
{
    Task OnRaisedAsync(IReadOnlyList<RaisedAlarm> alarms, CancellationToken cancellationToken);
}

/// <summary>
/// The one way to raise operations alarms (rules, device events, the image comparison). Keeps at most one active alarm
/// (open or acknowledged) per device and kind — a unique partial index holds it even across nodes: a repeat refreshes
/// the active one (last seen, occurrences, the latest value and evidence, the higher severity). Unknown devices are
/// skipped. Runs as the system user; callers check the user's scope.
/// </summary>
public sealed class AlarmStore(DatabaseOptions database, TimeProvider clock, IEnumerable<IAlarmObserver> observers, ILogger<AlarmStore> logger)
{
    /// <summary>Stores the drafts in one transaction, then tells the observers.</summary>
    public async Task<IReadOnlyList<RaisedAlarm>> RaiseAsync(IReadOnlyList<AlarmDraft> drafts, CancellationToken cancellationToken = default)
    {
        if (drafts.Count == 0)
        {
            return [];
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var raised = await RaiseOnceAsync(drafts, cancellationToken);
                await NotifyAsync(raised, cancellationToken);
                return raised;
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                // Another node opened the same device's alarm of that kind between our read and our insert: read again,
                // the repeat then refreshes it.
                logger.LogDebug("alarm raise raced another writer; retrying");
            }
        }
    }

    /// <summary>Raises one alarm.</summary>
    public async Task<RaisedAlarm?> RaiseAsync(AlarmDraft draft, CancellationToken cancellationToken = default) =>
        (await RaiseAsync([draft], cancellationToken)).FirstOrDefault();

    private async Task<List<RaisedAlarm>> RaiseOnceAsync(IReadOnlyList<AlarmDraft> drafts, CancellationToken cancellationToken)
    {
        await using var db = database.CreateContext(SystemUser.Instance, clock);
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        var deviceIds = drafts.Select(d => d.DeviceId).Distinct().ToList();
        var devices = await db.Devices.AsNoTracking().Where(d => deviceIds.Contains(d.Id))
            .Select(d => new { d.Id, d.SiteId, d.CustomerId, d.OrganisationPath, d.AccountManagerId })
            .ToDictionaryAsync(d => d.Id, cancellationToken);
        var active = await db.MonitoringAlarms
            .Where(a => deviceIds.Contains(a.DeviceId) && (a.Status == AlarmStatus.Open || a.Status == AlarmStatus.Acknowledged))
            .ToListAsync(cancellationToken);
        var byKey = active.ToDictionary(a => (a.DeviceId, a.Kind));
        var raised = new List<RaisedAlarm>(drafts.Count);
        foreach (var draft in drafts)
        {
            if (!devices.TryGetValue(draft.DeviceId, out var device))
            {
                logger.LogWarning("alarm for unknown device {DeviceId} skipped", draft.DeviceId);
                continue;
            }

            if (byKey.TryGetValue((draft.DeviceId, draft.Kind), out var alarm))
            {
                alarm.LastSeenAt = draft.At > alarm.LastSeenAt ? draft.At : alarm.LastSeenAt;
                alarm.Occurrences++;
                alarm.Severity = draft.Severity > alarm.Severity ? draft.Severity : alarm.Severity;
                alarm.Title = draft.Title;
                alarm.Detail = draft.Detail;
                alarm.RuleCode = draft.RuleCode;
                alarm.Value = draft.Value ?? alarm.Value;
                alarm.EvidenceBasePath = draft.EvidenceBasePath ?? alarm.EvidenceBasePath;
                alarm.EvidenceCurrentPath = draft.EvidenceCurrentPath ?? alarm.EvidenceCurrentPath;
                alarm.SnapshotId = draft.SnapshotId ?? alarm.SnapshotId;
                raised.Add(new RaisedAlarm(alarm, false));
                continue;
            }

            alarm = new MonitoringAlarm
            {
                DeviceId = draft.DeviceId, SiteId = device.SiteId, CustomerId = device.CustomerId, Kind = draft.Kind, RuleCode = draft.RuleCode,
                Severity = draft.Severity, Title = draft.Title, Detail = draft.Detail, Value = draft.Value, FirstSeenAt = draft.At, LastSeenAt = draft.At,
                EvidenceBasePath = draft.EvidenceBasePath, EvidenceCurrentPath = draft.EvidenceCurrentPath, SnapshotId = draft.SnapshotId,
                OrganisationPath = device.OrganisationPath, AccountManagerId = device.AccountManagerId,
            };
            db.MonitoringAlarms.Add(alarm);
            byKey[(draft.DeviceId, draft.Kind)] = alarm;
            raised.Add(new RaisedAlarm(alarm, true));
        }

        await db.SaveChangesAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return raised;
    }

    private async Task NotifyAsync(IReadOnlyList<RaisedAlarm> raised, CancellationToken cancellationToken)
    {
        foreach (var observer in observers)
        {
            try
            {
                await observer.OnRaisedAsync(raised, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "alarm observer {Observer} failed", observer.GetType().Name);
            }
        }
    }
}
