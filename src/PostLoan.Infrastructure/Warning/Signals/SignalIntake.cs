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
/// reserved, each raised and assigned to its account manager (<see cref="SignalWorkflow.PlanNewAsync"/>), and the signals,
/// their steps, in-app notifications and outbox messages (<see cref="NotificationCentre.ComposeAsync"/>) bulk-inserted —
/// so they commit or roll back together with whatever raised them. A night's hundreds of thousands of new signals cost
/// a few bulk inserts instead of tracked entities; the caller pushes with <see cref="NotificationCentre.AfterCommitAsync"/>
/// after its commit and tells the other observers with <see cref="RaisedSignal.WorkflowStarted"/> set.
/// </summary>
public sealed class SignalIntake(PostLoanDbContext db, SignalWorkflow workflow, NotificationCentre notifications, ILogger<SignalIntake> logger)
{
    /// <summary>Writes <paramref name="signals"/> (new, without ids) and what their first steps produce; returns the notifications to push after the commit.</summary>
    public async Task<ComposedNotifications> WriteAsync(DbTransaction transaction, IReadOnlyList<WarningSignal> signals, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(signals);
        if (signals.Count == 0)
        {
            return new ComposedNotifications([], []);
        }

        // The workflow and the notification centre read users, subscriptions and the calendar through EF: in this transaction.
        var enlisted = db.Database.CurrentTransaction is null;
        if (enlisted)
        {
            await db.Database.UseTransactionAsync(transaction, cancellationToken);
        }

        try
        {
            var watch = Stopwatch.StartNew();
            var ids = await EntityBulk.ReserveIdsAsync(transaction, "warning_signals", signals.Count, cancellationToken);
            for (var i = 0; i < signals.Count; i++)
            {
                signals[i].Id = ids[i];
            }

            var reserved = watch.Elapsed;
            var (steps, notices) = await workflow.PlanNewAsync(signals, cancellationToken);
            var planned = watch.Elapsed;
            var composed = await notifications.ComposeAsync(notices, cancellationToken);
            var composing = watch.Elapsed - planned;
            var notificationIds = await EntityBulk.ReserveIdsAsync(transaction, "notifications", composed.Notifications.Count, cancellationToken);
            for (var i = 0; i < notificationIds.Length; i++)
            {
                composed.Notifications[i].Id = notificationIds[i];
            }

            var writing = watch.Elapsed;
            await EntityBulk.InsertAsync(db, transaction, signals, withIds: true, cancellationToken);
            var signalsWritten = watch.Elapsed;
            var stepCount = await EntityBulk.InsertAsync(db, transaction, steps, withIds: false, cancellationToken);
            var stepsWritten = watch.Elapsed;
            await EntityBulk.InsertAsync(db, transaction, composed.Notifications, withIds: true, cancellationToken);
            await EntityBulk.InsertAsync(db, transaction, composed.Outbox, withIds: false, cancellationToken);
            if (signals.Count >= 1000)
            {
                // A night's batch, not each real-time one.
                logger.LogDebug("Signal intake of {Signals} signals: ids {Ids:0.00} s, workflow {Plan:0.00} s, notifications composed {Compose:0.00} s, signals {Insert:0.00} s, {Steps} steps {StepsInsert:0.00} s, notifications and messages {Rest:0.00} s",
                    signals.Count, (writing - planned - composing + reserved).TotalSeconds, (planned - reserved).TotalSeconds, composing.TotalSeconds, (signalsWritten - writing).TotalSeconds,
                    stepCount, (stepsWritten - signalsWritten).TotalSeconds, (watch.Elapsed - stepsWritten).TotalSeconds);
            }

            return composed;
        }
        finally
        {
            if (enlisted)
            {
                await db.Database.UseTransactionAsync(null, cancellationToken);
            }
        }
    }
}
