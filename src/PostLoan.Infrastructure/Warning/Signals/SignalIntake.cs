using System.Data.Common;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using PostLoan.Domain.Warning.Signals;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Infrastructure.Warning.Push;

namespace PostLoan.Infrastructure.Warning.Signals;

/// <summary>
/// Stores new signals set-based inside the caller's transaction, already through the workflow's first steps: ids
/// reserved, each raised and assigned to its account manager (<see cref="SignalWorkflow.PlanNew"/>), and the signals,
/// their steps, in-app notifications and outbox messages (<see cref="NotificationCentre.BeginComposition"/>) bulk-inserted —
/// so they commit or roll back together with whatever raised them. A night's hundreds of thousands of new signals cost
/// a few bulk inserts instead of tracked entities; the caller pushes with <see cref="NotificationCentre.AfterCommitAsync"/>
/// after its commit and tells the other observers with <see cref="RaisedSignal.WorkflowStarted"/> set.
/// </summary>
public sealed class SignalIntake(PostLoanDbContext db, SignalWorkflow workflow, NotificationCentre notifications, ILogger<SignalIntake> logger)
{
    /// <summary>Writes <paramref name="signals"/> (new, without ids) and what their first steps produce; returns the notifications to push after the commit.</summary>
    public async Task<ComposedNotifications> WriteAsync(DbTransaction transaction, IReadOnlyList<WarningSignal> signals, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(signals);
        if (signals.Count == 0)
        {
            return new ComposedNotifications([], []);
        }

        await using var session = await BeginAsync(transaction, cancellationToken);
        await session.AddAsync(signals, cancellationToken);
        return await session.FinishAsync(cancellationToken);
    }

    /// <summary>
    /// Starts an intake that takes its signals in parts as a writer finds them (<see cref="Session.AddAsync"/>: signals and
    /// steps written at once, their notices counted per recipient) and composes the notifications once, over all of them
    /// (<see cref="Session.FinishAsync"/>) — a recipient of many gets one digest, whatever the parts.
    /// </summary>
    public async Task<Session> BeginAsync(DbTransaction transaction, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transaction);

        // The workflow and the notification centre read users, subscriptions and the calendar through EF: in this transaction.
        var enlisted = db.Database.CurrentTransaction is null;
        if (enlisted)
        {
            await db.Database.UseTransactionAsync(transaction, cancellationToken);
        }

        return new Session(db, workflow.PlanNew(), notifications, logger, transaction, enlisted);
    }

    /// <summary>One intake in the caller's transaction; disposing it leaves the transaction to the caller.</summary>
    public sealed class Session : IAsyncDisposable
    {
        /// <summary>Parts of this many signals or more have their steps made ahead (<see cref="RowsAhead"/>); a real-time handful does not start a thread.</summary>
        private const int BuildAheadFrom = 1024;

        private readonly PostLoanDbContext _db;
        private readonly ILogger _logger;
        private readonly DbTransaction _transaction;
        private readonly bool _enlisted;
        private readonly SignalWorkflow.NewSignalPlanner _planner;
        private readonly NotificationCentre.Composition _composition;
        private readonly Stopwatch _ids = new(), _plan = new(), _signals = new(), _steps = new(), _compose = new();
        private int _signalCount, _stepCount;
        private bool _finished, _released;

        internal Session(PostLoanDbContext db, SignalWorkflow.NewSignalPlanner planner, NotificationCentre notifications, ILogger logger, DbTransaction transaction, bool enlisted) =>
            (_db, _planner, _composition, _logger, _transaction, _enlisted) = (db, planner, notifications.BeginComposition(), logger, transaction, enlisted);

        /// <summary>Reserves ids for <paramref name="signals"/> (new, without ids), plans their first steps and writes both.</summary>
        public async Task AddAsync(IReadOnlyList<WarningSignal> signals, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(signals);
            EnsureOpen();
            if (signals.Count == 0)
            {
                return;
            }

            _ids.Start();
            var ids = await EntityBulk.ReserveIdsAsync(_transaction, "warning_signals", signals.Count, cancellationToken);
            for (var i = 0; i < signals.Count; i++)
            {
                signals[i].Id = ids[i];
            }

            _ids.Stop();
            _plan.Start();
            var (steps, notices) = await _planner.PlanAsync(signals, cancellationToken);
            _plan.Stop();
            // A night's parts: their steps are made on the other core a block ahead of this one writing them.
            var ahead = signals.Count >= BuildAheadFrom;
            _signals.Start();
            await EntityBulk.InsertAsync(_db, _transaction, signals, withIds: true, ahead, cancellationToken);
            _signals.Stop();
            _steps.Start();
            _stepCount += await EntityBulk.InsertAsync(_db, _transaction, steps, withIds: false, ahead, cancellationToken);
            _steps.Stop();
            // Counted per user as the parts come (a manager of many still gets one digest): no notice kept to the end.
            _compose.Start();
            await _composition.AddAsync(notices, cancellationToken);
            _compose.Stop();
            _signalCount += signals.Count;
        }

        /// <summary>Composes and writes the notifications and outbox messages of every signal added; returns them to push after the commit.</summary>
        public async Task<ComposedNotifications> FinishAsync(CancellationToken cancellationToken = default)
        {
            EnsureOpen();
            _finished = true;
            var watch = Stopwatch.StartNew();
            var composed = _composition.Finish();
            var composing = watch.Elapsed;
            var notificationIds = await EntityBulk.ReserveIdsAsync(_transaction, "notifications", composed.Notifications.Count, cancellationToken);
            for (var i = 0; i < notificationIds.Length; i++)
            {
                composed.Notifications[i].Id = notificationIds[i];
            }

            await EntityBulk.InsertAsync(_db, _transaction, composed.Notifications, withIds: true, cancellationToken);
            await EntityBulk.InsertAsync(_db, _transaction, composed.Outbox, withIds: false, cancellationToken);
            if (_signalCount >= 1000)
            {
                // A night's intake, not each real-time one.
                _logger.LogDebug("Signal intake of {Signals} signals: ids {Ids:0.00} s, workflow {Plan:0.00} s, signals {Insert:0.00} s, {Steps} steps {StepsInsert:0.00} s, notices counted {Count:0.00} s, notifications composed {Compose:0.00} s, notifications and messages {Rest:0.00} s",
                    _signalCount, _ids.Elapsed.TotalSeconds, _plan.Elapsed.TotalSeconds, _signals.Elapsed.TotalSeconds, _stepCount, _steps.Elapsed.TotalSeconds,
                    _compose.Elapsed.TotalSeconds, composing.TotalSeconds, (watch.Elapsed - composing).TotalSeconds);
            }

            return composed;
        }

        private void EnsureOpen()
        {
            if (_finished)
            {
                throw new InvalidOperationException("The intake is finished: its notifications were composed.");
            }
        }

        /// <inheritdoc />
        public async ValueTask DisposeAsync()
        {
            _finished = true;
            if (_enlisted && !_released)
            {
                _released = true;
                await _db.Database.UseTransactionAsync(null);
            }
        }
    }
}
