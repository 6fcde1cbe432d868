using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using PostLoan.Domain.Warning.Signals;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Infrastructure.Warning.Push;

namespace PostLoan.Infrastructure.Warning.Signals;

/// <summary>A signal to raise: what fired, on whom, how severe.</summary>
/// <param name="CustomerId">The customer the signal is on.</param>
/// <param name="Source">Rule, related party, device alarm or manual.</param>
/// <param name="DedupKey">Identifies repeats (see <see cref="WarningSignal.DedupKey"/>).</param>
/// <param name="Severity">Red, orange or yellow.</param>
/// <param name="Title">Short title for lists.</param>
/// <param name="Detail">What was seen (values, evidence).</param>
/// <param name="Date">The business date it was seen on.</param>
public sealed record SignalDraft(
    int CustomerId,
    SignalSource Source,
    string DedupKey,
    SignalSeverity Severity,
    string Title,
    string? Detail,
    DateOnly Date)
{
    public long? LoanId { get; init; }

    public int? RuleId { get; init; }

    public int? RuleVersionId { get; init; }

    public long? OriginSignalId { get; init; }

    /// <summary>Contagion strength for a derived signal.</summary>
    public double Strength { get; init; } = 1;
}

/// <summary>
/// The outcome of raising one draft: the active signal (new or refreshed), whether it is new or its severity rose, and
/// what observers choose by (customer, source, severity, last seen, active), which can be read without the signal — a
/// night's run hands over hundreds of thousands and makes each signal only when an observer asks for it.
/// </summary>
public sealed class RaisedSignal
{
    private readonly IRaisedSignalSource? _source;
    private readonly int _index, _customerId;
    private readonly SignalSource _kind;
    private readonly SignalSeverity _severity;
    private readonly DateOnly _lastSeenOn;
    private WarningSignal? _signal;

    /// <summary>A raised signal at hand.</summary>
    /// <param name="signal">The active signal (new or refreshed).</param>
    /// <param name="isNew">True when a new signal was raised; false when an active one was refreshed.</param>
    /// <param name="escalated">True when a repeat raised the severity of an active signal.</param>
    public RaisedSignal(WarningSignal signal, bool isNew, bool escalated)
    {
        ArgumentNullException.ThrowIfNull(signal);
        (_signal, IsNew, Escalated) = (signal, isNew, escalated);
    }

    /// <summary>A new, active signal made by <paramref name="source"/> when asked for; its facts given now.</summary>
    internal RaisedSignal(IRaisedSignalSource source, int index, int customerId, SignalSource kind, SignalSeverity severity, DateOnly lastSeenOn) =>
        (_source, _index, _customerId, _kind, _severity, _lastSeenOn, IsNew) = (source, index, customerId, kind, severity, lastSeenOn, true);

    /// <summary>The active signal (new or refreshed); made on first use when the raise kept only its facts.</summary>
    public WarningSignal Signal => _signal ??= _source!.Make(_index);

    /// <summary>True when a new signal was raised; false when an active one was refreshed.</summary>
    public bool IsNew { get; }

    /// <summary>True when a repeat raised the severity of an active signal.</summary>
    public bool Escalated { get; }

    /// <summary>The signal's customer.</summary>
    public int CustomerId => _signal?.CustomerId ?? _customerId;

    /// <summary>What raised the signal.</summary>
    public SignalSource Source => _signal?.Source ?? _kind;

    /// <summary>The signal's severity.</summary>
    public SignalSeverity Severity => _signal?.Severity ?? _severity;

    /// <summary>The date the signal was last seen.</summary>
    public DateOnly LastSeenOn => _signal?.LastSeenOn ?? _lastSeenOn;

    /// <summary>Whether the signal is active (a signal made on demand is new, so active).</summary>
    public bool IsActive => _signal?.IsActive ?? true;

    /// <summary>
    /// True when the writer stored the signal already raised and assigned, with its steps and notifications
    /// (<see cref="SignalIntake"/>): the workflow observer leaves it alone, the others (contagion) still act.
    /// </summary>
    public bool WorkflowStarted { get; init; }
}

/// <summary>Makes the signals of a raise that kept only their facts (<see cref="RaisedSignal"/>), one when asked for.</summary>
internal interface IRaisedSignalSource
{
    /// <summary>The <paramref name="index"/>th signal of the raise, as stored.</summary>
    WarningSignal Make(int index);
}

/// <summary>
/// Told about new and escalated signals after they are stored: push to the web app and channels, related-party
/// contagion, the workflow's assignment. Observers must not throw for one bad signal; they run after the commit.
/// </summary>
public interface ISignalObserver
{
    /// <summary>Called once per raise with the signals that are new or whose severity rose.</summary>
    Task OnRaisedAsync(IReadOnlyList<RaisedSignal> signals, CancellationToken cancellationToken);
}

/// <summary>
/// The one way to raise warning signals (rules in real time, related-party contagion, confirmed device alarms,
/// people). Keeps one active signal per customer and dedup key: a repeat refreshes the active signal (last seen,
/// occurrences, a higher severity) instead of raising a duplicate. The nightly rule run over the whole book writes
/// set-based with the same semantics and then tells the same observers.
/// </summary>
/// <remarks>
/// Resolved from a scope (<paramref name="services"/> given), new signals are stored with <see cref="SignalIntake"/>: bulk-inserted
/// already raised and assigned, with their steps, notifications and messages, in the transaction that refreshes the repeats
/// (a burst of real-time events costs a few statements, not an entity each). Built by hand without it, everything goes
/// through the change tracker and the workflow observer assigns.
/// </remarks>
public sealed class SignalRaiser(PostLoanDbContext db, IEnumerable<ISignalObserver> observers, TimeProvider clock, IServiceProvider? services = null)
{
    /// <summary>Stores the drafts (new or refreshed) in one transaction and tells the observers.</summary>
    public async Task<IReadOnlyList<RaisedSignal>> RaiseAsync(IReadOnlyList<SignalDraft> drafts, CancellationToken cancellationToken = default)
    {
        if (drafts.Count == 0)
        {
            return [];
        }

        IReadOnlyList<RaisedSignal> results;
        try
        {
            results = await StoreAsync(drafts, cancellationToken);
        }
        catch (Exception ex) when (ex is DbUpdateException or System.Data.Common.DbException)
        {
            // Another node raised the same signal at the same moment (the filtered unique index refused the duplicate):
            // what it stored is now active, so storing again refreshes it.
            db.ChangeTracker.Clear();
            results = await StoreAsync(drafts, cancellationToken);
        }

        var changed = results.Where(r => r.IsNew || r.Escalated).ToList();
        if (changed.Count > 0)
        {
            foreach (var observer in observers)
            {
                await observer.OnRaisedAsync(changed, cancellationToken);
            }
        }

        return results;
    }

    private async Task<IReadOnlyList<RaisedSignal>> StoreAsync(IReadOnlyList<SignalDraft> drafts, CancellationToken cancellationToken)
    {
        var customerIds = drafts.Select(d => d.CustomerId).Distinct().ToList();
        var keys = drafts.Select(d => d.DedupKey).Distinct().ToList();
        var customers = await db.Customers.IgnoreQueryFilters()
            .Where(c => customerIds.Contains(c.Id))
            .Select(c => new { c.Id, c.OrganisationId, c.OrganisationPath, c.AccountManagerId })
            .ToDictionaryAsync(c => c.Id, cancellationToken);
        var active = await db.WarningSignals.IgnoreQueryFilters()
            .Where(s => s.IsActive && customerIds.Contains(s.CustomerId) && keys.Contains(s.DedupKey))
            .ToDictionaryAsync(s => (s.CustomerId, s.DedupKey), cancellationToken);

        var now = clock.GetUtcNow();
        var intake = services?.GetService<SignalIntake>();
        var results = new List<RaisedSignal>(drafts.Count);
        foreach (var draft in drafts)
        {
            if (!customers.TryGetValue(draft.CustomerId, out var customer))
            {
                throw new InvalidOperationException($"customer {draft.CustomerId} does not exist");
            }

            if (active.TryGetValue((draft.CustomerId, draft.DedupKey), out var signal))
            {
                var escalated = draft.Severity > signal.Severity;
                if (draft.Date > signal.LastSeenOn || escalated)
                {
                    signal.Occurrences++;
                    signal.LastSeenOn = draft.Date > signal.LastSeenOn ? draft.Date : signal.LastSeenOn;
                    signal.Detail = draft.Detail ?? signal.Detail;
                    signal.RuleVersionId = draft.RuleVersionId ?? signal.RuleVersionId;
                }

                if (escalated)
                {
                    signal.Severity = draft.Severity;
                }

                results.Add(new RaisedSignal(signal, false, escalated));
                continue;
            }

            signal = new WarningSignal
            {
                CustomerId = draft.CustomerId,
                LoanId = draft.LoanId,
                Source = draft.Source,
                DedupKey = draft.DedupKey,
                RuleId = draft.RuleId,
                RuleVersionId = draft.RuleVersionId,
                OriginSignalId = draft.OriginSignalId,
                Strength = draft.Strength,
                Severity = draft.Severity,
                Title = draft.Title,
                Detail = draft.Detail,
                RaisedOn = draft.Date,
                RaisedAt = now,
                LastSeenOn = draft.Date,
                OrganisationId = customer.OrganisationId,
                OrganisationPath = customer.OrganisationPath,
                AccountManagerId = customer.AccountManagerId,
            };
            active[(draft.CustomerId, draft.DedupKey)] = signal;
            if (intake is null)
            {
                db.WarningSignals.Add(signal);
            }

            results.Add(new RaisedSignal(signal, true, false) { WorkflowStarted = intake is not null });
        }

        if (intake is null)
        {
            await db.SaveChangesAsync(cancellationToken);
            return results;
        }

        await using (var tx = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            await db.SaveChangesAsync(cancellationToken);
            var composed = await intake.WriteAsync(tx.GetDbTransaction(), results.Where(r => r.IsNew).Select(r => r.Signal).ToList(), cancellationToken);
            await tx.CommitAsync(cancellationToken);
            await services!.GetRequiredService<NotificationCentre>().AfterCommitAsync(composed, cancellationToken);
        }

        return results;
    }
}
