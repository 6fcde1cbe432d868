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
                await NotifyObserversAsync(raised, cancellationToken);
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

    private async Task<IReadOnlyList<RaisedAlarm>> RaiseOnceAsync(IReadOnlyList<AlarmDraft> drafts, CancellationToken cancellationToken)
    {
        await using var db = database.CreateContext(SystemUser.Instance, clock);
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        var batch = await BeginAsync(db, drafts.Select(d => d.DeviceId), cancellationToken);
        foreach (var draft in drafts)
        {
            batch.Raise(draft);
        }

        await db.SaveChangesAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return batch.Raised;
    }

    /// <summary>
    /// Starts a batch on the caller's context (and transaction): the alarm round stages alarms together with its
    /// watermark and saves both at once, then calls <see cref="NotifyAsync"/> with <see cref="AlarmBatch.Raised"/>.
    /// </summary>
    public async Task<AlarmBatch> BeginAsync(PostLoanDbContext db, IEnumerable<int> deviceIds, CancellationToken cancellationToken)
    {
        var ids = deviceIds.Distinct().ToList();
        var devices = await db.Devices.IgnoreQueryFilters().AsNoTracking().Where(d => ids.Contains(d.Id))
            .Select(d => new AlarmDevice(d.Id, d.SiteId, d.CustomerId, d.OrganisationPath, d.AccountManagerId))
            .ToDictionaryAsync(d => d.Id, cancellationToken);
        var active = await db.MonitoringAlarms.IgnoreQueryFilters()
            .Where(a => ids.Contains(a.DeviceId) && (a.Status == AlarmStatus.Open || a.Status == AlarmStatus.Acknowledged))
            .ToListAsync(cancellationToken);
        return new AlarmBatch(db, devices, active.ToDictionary(a => (a.DeviceId, a.Kind)), logger);
    }

    /// <summary>Tells the observers about stored alarms (after the commit).</summary>
    public Task NotifyAsync(IReadOnlyList<RaisedAlarm> raised, CancellationToken cancellationToken) =>
        raised.Count == 0 ? Task.CompletedTask : NotifyObserversAsync(raised, cancellationToken);

    private async Task NotifyObserversAsync(IReadOnlyList<RaisedAlarm> raised, CancellationToken cancellationToken)
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

/// <summary>What a batch needs of a device: where its alarms belong.</summary>
internal sealed record AlarmDevice(int Id, int SiteId, int CustomerId, string OrganisationPath, string? AccountManagerId);

/// <summary>
/// Alarms staged on one context: a draft refreshes the device's active alarm of its kind or opens a new one; an active
/// alarm can be cleared. Nothing is saved until the caller saves the context.
/// </summary>
public sealed class AlarmBatch
{
    private readonly PostLoanDbContext _db;
    private readonly Dictionary<int, AlarmDevice> _devices;
    private readonly Dictionary<(int DeviceId, AlarmKind Kind), MonitoringAlarm> _active;
    private readonly ILogger _logger;
    private readonly List<RaisedAlarm> _raised = [];

    internal AlarmBatch(PostLoanDbContext db, Dictionary<int, AlarmDevice> devices, Dictionary<(int, AlarmKind), MonitoringAlarm> active, ILogger logger)
    {
        _db = db;
        _devices = devices;
        _active = active;
        _logger = logger;
    }

    /// <summary>The alarms raised or refreshed so far (each once, with whether it is new).</summary>
    public IReadOnlyList<RaisedAlarm> Raised => _raised;

    /// <summary>Raises or refreshes; null for an unknown device (skipped).</summary>
    public RaisedAlarm? Raise(AlarmDraft draft)
    {
        if (!_devices.TryGetValue(draft.DeviceId, out var device))
        {
            _logger.LogWarning("alarm for unknown device {DeviceId} skipped", draft.DeviceId);
            return null;
        }

        RaisedAlarm result;
        if (_active.TryGetValue((draft.DeviceId, draft.Kind), out var alarm))
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
            var isNew = _raised.FirstOrDefault(r => ReferenceEquals(r.Alarm, alarm))?.IsNew ?? false;
            _raised.RemoveAll(r => ReferenceEquals(r.Alarm, alarm));
            result = new RaisedAlarm(alarm, isNew);
        }
        else
        {
            alarm = new MonitoringAlarm
            {
                DeviceId = draft.DeviceId, SiteId = device.SiteId, CustomerId = device.CustomerId, Kind = draft.Kind, RuleCode = draft.RuleCode,
                Severity = draft.Severity, Title = draft.Title, Detail = draft.Detail, Value = draft.Value, FirstSeenAt = draft.At, LastSeenAt = draft.At,
                EvidenceBasePath = draft.EvidenceBasePath, EvidenceCurrentPath = draft.EvidenceCurrentPath, SnapshotId = draft.SnapshotId,
                OrganisationPath = device.OrganisationPath, AccountManagerId = device.AccountManagerId,
            };
            _db.MonitoringAlarms.Add(alarm);
            _active[(draft.DeviceId, draft.Kind)] = alarm;
            result = new RaisedAlarm(alarm, true);
        }

        _raised.Add(result);
        return result;
    }

    /// <summary>Clears the device's active alarm of <paramref name="kind"/> (已恢复); returns it, or null when there was none.</summary>
    public MonitoringAlarm? Clear(int deviceId, AlarmKind kind, DateTimeOffset at, string note)
    {
        if (!_active.Remove((deviceId, kind), out var alarm) || !AlarmReview.Clear(alarm, at, note))
        {
            return null;
        }

        _raised.RemoveAll(r => ReferenceEquals(r.Alarm, alarm));
        return alarm;
    }
}
