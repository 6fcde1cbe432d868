using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using PostLoan.Domain.Administration;
using PostLoan.Domain.Warning.Push;
using PostLoan.Domain.Warning.Signals;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Integration.Tests.Support;

namespace PostLoan.Integration.Tests.Persistence;

/// <summary>
/// <see cref="EntityBulk"/> writes exactly what EF reads back, on both providers: every column of a signal, its step, a
/// notification and an outbox message — each once with every optional value set and once with none — and a property
/// with a value converter of its own (an audit entry's action kept as text); empty text stays empty.
/// </summary>
public abstract class EntityBulkRoundTrip : IAsyncLifetime
{
    private static readonly DateTimeOffset Raised = new(2026, 3, 10, 4, 5, 6, TimeSpan.Zero);

    private TestApp _app = null!;

    protected abstract Task<TestApp> StartAsync();

    public async Task InitializeAsync() => _app = await StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Every_column_reads_back_as_written_with_and_without_optional_values()
    {
        await using var db = _app.SystemDb();
        var customer = await db.Customers.OrderBy(c => c.Id).Select(c => new { c.Id, c.OrganisationId }).FirstAsync();
        var signals = new[]
        {
            new WarningSignal
            {
                CustomerId = customer.Id, LoanId = 77, Source = SignalSource.RelatedParty, DedupKey = "rule:5", RuleId = 5, RuleVersionId = 9,
                OriginSignalId = 12, Strength = 0.35, Severity = SignalSeverity.Orange, Status = SignalStatus.PendingVerification, IsActive = false,
                Title = "担保链传导", Detail = "now(dpd) = 35; 客户经理 马静", RaisedOn = new DateOnly(2026, 3, 10), RaisedAt = Raised,
                LastSeenOn = new DateOnly(2026, 3, 11), Occurrences = 3, AssignedToId = "user-1", DueAt = Raised.AddDays(3), EscalatedAt = Raised.AddHours(5),
                ClosedAt = Raised.AddDays(9), OrganisationId = customer.OrganisationId, OrganisationPath = "/1/10/11/", AccountManagerId = "user-2",
            },
            new WarningSignal
            {
                // An empty detail stays empty text, not NULL.
                CustomerId = customer.Id, DedupKey = "origin:1", Severity = SignalSeverity.Red, Title = "x", Detail = "", RaisedOn = new DateOnly(2026, 3, 10),
                RaisedAt = Raised, LastSeenOn = new DateOnly(2026, 3, 10), OrganisationId = customer.OrganisationId,
            },
        };

        await using var transaction = await db.Database.BeginTransactionAsync();
        var tx = transaction.GetDbTransaction();
        var ids = await EntityBulk.ReserveIdsAsync(tx, "warning_signals", signals.Length, default);
        (signals[0].Id, signals[1].Id) = (ids[0], ids[1]);
        var steps = new[]
        {
            new SignalStep
            {
                SignalId = ids[0], Kind = SignalStepKind.Checked, At = Raised.AddMinutes(1), ActorId = "user-3", ActorName = "王芳", From = SignalStatus.PendingVerification,
                To = SignalStatus.Verified, Note = "核实", Outcome = SignalStatus.Verified, Evidence = "现场照片", AssigneeId = "user-4", RealRisk = true, ActionId = 8,
                CustomerId = customer.Id, OrganisationPath = "/1/10/11/", AccountManagerId = "user-2",
            },
            new SignalStep { SignalId = ids[1], Kind = SignalStepKind.Raised, At = Raised, ActorId = "system", From = SignalStatus.Raised, To = SignalStatus.Assigned, CustomerId = customer.Id },
        };
        var notifications = new[]
        {
            new Notification { Id = 0, UserId = "user-1", Kind = NotificationKind.SignalEscalated, SignalId = ids[0], Severity = SignalSeverity.Red, Title = "升级", Body = "逾期", CreatedAt = Raised, ReadAt = Raised.AddHours(1) },
            new Notification { Id = 0, UserId = "user-2", Kind = NotificationKind.SignalNew, Severity = SignalSeverity.Yellow, Title = "新预警", CreatedAt = Raised },
        };
        var notificationIds = await EntityBulk.ReserveIdsAsync(tx, "notifications", notifications.Length, default);
        (notifications[0].Id, notifications[1].Id) = (notificationIds[0], notificationIds[1]);
        var outbox = new[]
        {
            new OutboxMessage
            {
                Channel = ChannelKind.Email, Recipient = "a@example.com", WebhookEndpointId = null, UserId = "user-1", SignalId = ids[0], EventType = "signal.new", Payload = "{\"a\":1}",
                State = OutboxState.Delivered, Attempts = 2, CreatedAt = Raised, NextAttemptAt = Raised.AddMinutes(5), LockedUntil = Raised.AddMinutes(6),
                LastAttemptAt = Raised.AddMinutes(4), LastError = "timeout", DeliveredAt = Raised.AddMinutes(7),
            },
            new OutboxMessage { Channel = ChannelKind.InApp, Recipient = "user-2", EventType = "signal.new", Payload = "{}", CreatedAt = Raised, NextAttemptAt = Raised },
        };
        var audit = new AuditEntry { At = Raised, UserId = "user-1", UserName = "马静", Action = AuditAction.SignInFailed, Entity = "bulk-round-trip", EntityId = "42", Detail = "x" };

        Assert.Equal(2, await EntityBulk.InsertAsync(db, tx, signals, withIds: true, default));
        Assert.Equal(2, await EntityBulk.InsertAsync(db, tx, steps, withIds: false, buildAhead: true, default));
        Assert.Equal(2, await EntityBulk.InsertAsync(db, tx, notifications, withIds: true, default));
        Assert.Equal(2, await EntityBulk.InsertAsync(db, tx, outbox, withIds: false, default));
        Assert.Equal(1, await EntityBulk.InsertAsync(db, tx, [audit], withIds: false, default));
        await transaction.CommitAsync();

        await using var read = _app.SystemDb();
        foreach (var (written, stored) in signals.Zip(await read.WarningSignals.AsNoTracking().Where(s => ids.Contains(s.Id)).OrderBy(s => s.Id).ToListAsync()))
        {
            EntityColumns.AssertSame(read, written, stored);
        }

        var storedSteps = await read.SignalSteps.AsNoTracking().Where(s => ids.Contains(s.SignalId)).OrderBy(s => s.SignalId).ToListAsync();
        Assert.Equal(2, storedSteps.Count);
        foreach (var (written, stored) in steps.Zip(storedSteps))
        {
            EntityColumns.AssertSame(read, written, stored, ignoreKey: true);
        }

        foreach (var (written, stored) in notifications.Zip(await read.Notifications.AsNoTracking().Where(n => notificationIds.Contains(n.Id)).OrderBy(n => n.Id).ToListAsync()))
        {
            EntityColumns.AssertSame(read, written, stored);
        }

        var storedOutbox = await read.OutboxMessages.AsNoTracking().Where(m => m.EventType == "signal.new" && (m.Recipient == "a@example.com" || m.Recipient == "user-2")).OrderBy(m => m.Id).ToListAsync();
        Assert.Equal(2, storedOutbox.Count);
        foreach (var (written, stored) in outbox.Zip(storedOutbox))
        {
            EntityColumns.AssertSame(read, written, stored, ignoreKey: true);
        }

        EntityColumns.AssertSame(read, audit, await read.AuditEntries.AsNoTracking().SingleAsync(a => a.Entity == "bulk-round-trip"), ignoreKey: true);

        // The reserved ids were the table's own: a signal saved through EF afterwards gets the next one, not one of them.
        var later = new WarningSignal
        {
            CustomerId = customer.Id, DedupKey = "origin:2", Severity = SignalSeverity.Yellow, Title = "y", RaisedOn = new DateOnly(2026, 3, 10),
            RaisedAt = Raised, LastSeenOn = new DateOnly(2026, 3, 10), OrganisationId = customer.OrganisationId,
        };
        read.WarningSignals.Add(later);
        await read.SaveChangesAsync();
        Assert.Equal(ids[1] + 1, later.Id);
    }
}

public sealed class SqliteEntityBulkRoundTrip : EntityBulkRoundTrip
{
    protected override Task<TestApp> StartAsync() => TestApp.StartAsync();
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresEntityBulkRoundTrip(PostgresCluster cluster) : EntityBulkRoundTrip
{
    protected override async Task<TestApp> StartAsync() => await TestApp.StartAsync(DatabaseProvider.Postgres, await cluster.CreateDatabaseAsync());
}
