using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using PostLoan.Domain.Warning.Push;
using PostLoan.Domain.Warning.Rules;
using PostLoan.Domain.Warning.Signals;
using PostLoan.Infrastructure.Ledger.Close;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Infrastructure.Warning.Indicators;
using PostLoan.Infrastructure.Warning.Push;
using PostLoan.Infrastructure.Warning.Signals;
using SQLitePCL;

namespace PostLoan.Infrastructure.Warning.Rules;

/// <summary>What one nightly rule run did.</summary>
public sealed record RuleRunSummary(DateOnly Date, int Versions, int Customers, long Values, int Evaluations, int NewSignals, int Refreshed, int ShadowHits, TimeSpan Elapsed)
{
    /// <summary>Until the evaluation ended: reading customers and values and evaluating, and beside them writing the repeats and new signals of the customers before.</summary>
    public TimeSpan Evaluating { get; init; }

    /// <summary>After the evaluation: the last parts, notifications, shadow hits and statistics, the commit, and telling the observers.</summary>
    public TimeSpan Writing { get; init; }
}

/// <summary>
/// The nightly warning-rule run over the whole book (预警跑批), a step of the daily close: every published and shadow
/// version effective on the date, for every customer in its scope (<see cref="RuleRunner"/>). Published hits raise or
/// refresh signals set-based with <see cref="SignalRaiser"/>'s semantics — one active signal per customer and
/// <c>rule:{ruleId}</c>; a repeat on a later date adds an occurrence and moves last-seen; a higher severity escalates.
/// New signals are stored already raised and assigned, with their steps, notifications and outbox messages, in the
/// same transaction (<see cref="SignalIntake"/>); after the commit the notifications are pushed and the
/// <see cref="ISignalObserver"/>s are told about new and escalated ones. Shadow hits go to
/// <c>warning_shadow_hits</c> and are never raised. The series are read and evaluated on a second connection while this
/// one already writes, in parts, what the customers before raised (<see cref="PartSize"/>). Rerunning a date changes
/// nothing; <see cref="UndoAsync"/> puts back what a date did when it is reopened.
/// </summary>
public sealed class NightlyRuleRun(
    PostLoanDbContext db, DatabaseOptions database, RuleSetCache cache, SignalIntake intake, NotificationCentre notifications, IEnumerable<ISignalObserver> observers,
    SqliteCheckpointer checkpoints, TimeProvider clock, ILogger<NightlyRuleRun> logger) : ICloseStep
{
    private static readonly BulkColumn[] ShadowColumns =
    [
        new("Date", typeof(DateOnly)), new("RuleVersionId", typeof(int)), new("RuleId", typeof(int)), new("CustomerId", typeof(int)),
        new("PublishedAlsoFired", typeof(bool)), new("OrganisationPath", typeof(string)), new("AccountManagerId", typeof(string)),
    ];

    private static readonly BulkColumn[] RunColumns =
    [
        new("Date", typeof(DateOnly)), new("RuleVersionId", typeof(int)), new("RuleId", typeof(int)), new("State", typeof(int)),
        new("Evaluated", typeof(int)), new("Hits", typeof(int)), new("Unknown", typeof(int)), new("Overlap", typeof(int)),
    ];

    private static readonly BulkColumn[] RepeatColumns =
    [
        new("Id", typeof(long)), new("LastSeenOn", typeof(DateOnly)), new("Severity", typeof(int)), new("RuleVersionId", typeof(int)), new("Detail", typeof(string)),
        new("Logged", typeof(bool)),
    ];

    /// <summary>Repeats or new signals gathered before they are written beside the evaluation (a part is worth its statements and small enough to overlap); tests make it small.</summary>
    public int PartSize { get; set; } = 32_768;

    /// <inheritdoc />
    public int Order => CloseStepOrder.WarningRules;

    /// <inheritdoc />
    public string Name => "warning rules";

    /// <inheritdoc />
    async Task ICloseStep.RunAsync(DateOnly date, CancellationToken cancellationToken) => await RunAsync(date, cancellationToken);

    /// <summary>Evaluates the book for <paramref name="date"/> and writes signals, shadow hits and run statistics.</summary>
    public async Task<RuleRunSummary> RunAsync(DateOnly date, CancellationToken cancellationToken = default)
    {
        var watch = Stopwatch.StartNew();
        var set = await cache.LoadAsync(db, date, includeShadow: true, cancellationToken);
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var pageCache = await BatchPragmas.OpenAsync(connection, cancellationToken: cancellationToken);
            // A second connection reads: first the customers, while this one refreshes the packed series and the industry
            // medians (two scans of the book side by side instead of one after the other); then the series, while this one
            // writes what the customers before raised (reading and evaluating on both cores, SQLite's single writer beside them).
            await using var side = database.CreateContext(db.CurrentUser, clock);
            await side.Database.OpenConnectionAsync(cancellationToken);
            var reader = side.Database.GetDbConnection();
            List<RuleCustomer> customers;
            RunPreparation prepared;
            var setUp = watch.Elapsed;
            var loaded = TimeSpan.Zero;
            var reading = Task.Run(async () =>
            {
                var list = await RuleCustomers.LoadAsync(reader, null, cancellationToken);
                loaded = watch.Elapsed - setUp;
                return list;
            }, cancellationToken);
            try
            {
                prepared = await RuleRunner.PrepareAsync(connection, set, date, onlyListed: false, cancellationToken);
            }
            finally
            {
                customers = await reading;
            }

            await using var write = new NightWrite(connection, set, date, customers, intake, checkpoints, clock, Math.Max(1, PartSize));
            var evaluation = await RuleRunner.RunAsync(reader, set, date, customers, onlyListed: false, prepared, write.ConsumeAsync, cancellationToken);
            var evaluating = watch.Elapsed;
            logger.LogDebug("Warning rules {Date}: set-up (rule set, connections and their settings) {SetUp:0.00} s; customers {Customers:0.00} s, beside them series refresh {Refresh:0.00} s and industry medians {Industries:0.00} s; read {Read:0.00} s, evaluation {Evaluate:0.00} s (worker time)",
                date, setUp.TotalSeconds, loaded.TotalSeconds, prepared.Refresh.TotalSeconds, prepared.Industry.TotalSeconds, evaluation.Timings.Read.TotalSeconds, evaluation.Timings.Evaluate.TotalSeconds);
            var written = await FinishAsync(write, date, evaluation, cancellationToken);
            var summary = new RuleRunSummary(date, set.Entries.Length, evaluation.Customers, evaluation.Values, evaluation.Evaluated.Sum(),
                written.New, written.Refreshed, written.Shadow, watch.Elapsed) { Evaluating = evaluating, Writing = watch.Elapsed - evaluating };
            logger.LogInformation("Warning rules {Date}: {Versions} versions over {Customers} customers, {New} new and {Refreshed} refreshed signals, {Shadow} shadow hits in {Elapsed}",
                date, summary.Versions, summary.Customers, summary.NewSignals, summary.Refreshed, summary.ShadowHits, watch.Elapsed);
            return summary;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// Puts back what the date's run did: refreshed signals get their previous last-seen, severity and version — from the
    /// log, or, for a plain repeat of the run before (not logged), that run's date — and lose the occurrence (the detail
    /// stays until the date is closed again); the
    /// signals it raised that nobody has worked on yet (raised or assigned, no check recorded) go, with their steps, in-app
    /// notifications and undelivered messages — the rerun raises them again; shadow hits and run statistics go.
    /// </summary>
    public async Task UndoAsync(DbConnection connection, DbTransaction transaction, DateOnly date, CancellationToken cancellationToken)
    {
        const string Sql = """
            UPDATE warning_signals SET "LastSeenOn" = (SELECT MAX(u."Date") FROM warning_rule_runs u WHERE u."Date" < @d), "Occurrences" = "Occurrences" - 1
            WHERE "Source" = @rule AND "LastSeenOn" = @d AND "RaisedOn" < @d AND "Occurrences" > 1
                AND "Id" NOT IN (SELECT "SignalId" FROM warning_rule_refreshes WHERE "Date" = @d)
                AND EXISTS (SELECT 1 FROM warning_rule_runs u WHERE u."Date" < @d);
            UPDATE warning_signals SET "LastSeenOn" = (SELECT r."PreviousLastSeenOn" FROM warning_rule_refreshes r WHERE r."SignalId" = warning_signals."Id" AND r."Date" = @d),
                "Severity" = (SELECT r."PreviousSeverity" FROM warning_rule_refreshes r WHERE r."SignalId" = warning_signals."Id" AND r."Date" = @d),
                "RuleVersionId" = (SELECT r."PreviousRuleVersionId" FROM warning_rule_refreshes r WHERE r."SignalId" = warning_signals."Id" AND r."Date" = @d),
                "Occurrences" = "Occurrences" - 1
            WHERE "Id" IN (SELECT "SignalId" FROM warning_rule_refreshes WHERE "Date" = @d);
            DELETE FROM warning_rule_refreshes WHERE "Date" = @d;
            CREATE TEMP TABLE IF NOT EXISTS undone_signals ("Id" BIGINT PRIMARY KEY);
            DELETE FROM undone_signals;
            INSERT INTO undone_signals SELECT "Id" FROM warning_signals s WHERE s."Source" = @rule AND s."RaisedOn" = @d AND s."Occurrences" = 1
                AND s."Status" IN (@raised, @assigned) AND s."Id" NOT IN (SELECT "SignalId" FROM warning_rule_refreshes)
                AND NOT EXISTS (SELECT 1 FROM signal_steps t WHERE t."SignalId" = s."Id" AND t."Kind" NOT IN (@stepRaised, @stepAssigned));
            DELETE FROM signal_steps WHERE "SignalId" IN (SELECT "Id" FROM undone_signals);
            DELETE FROM notifications WHERE "SignalId" IN (SELECT "Id" FROM undone_signals);
            DELETE FROM notification_outbox WHERE "SignalId" IN (SELECT "Id" FROM undone_signals) AND "State" = @pending;
            DELETE FROM warning_signals WHERE "Id" IN (SELECT "Id" FROM undone_signals);
            DELETE FROM undone_signals;
            DELETE FROM warning_shadow_hits WHERE "Date" = @d;
            DELETE FROM warning_rule_runs WHERE "Date" = @d;
            """;
        await using var command = BulkWriter.Command(connection, transaction, Sql, "d", date, "rule", (int)SignalSource.Rule, "raised", (int)SignalStatus.Raised,
            "assigned", (int)SignalStatus.Assigned, "stepRaised", (int)SignalStepKind.Raised, "stepAssigned", (int)SignalStepKind.Assigned, "pending", (int)OutboxState.Pending);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Ends the night's writes once the evaluation is done: notifications, shadow hits, run statistics, the commit; then pushes and observers.</summary>
    private async Task<(int New, int Refreshed, int Shadow)> FinishAsync(NightWrite write, DateOnly date, RuleEvaluation evaluation, CancellationToken cancellationToken)
    {
        var phase = Stopwatch.StartNew();
        var composed = await write.FinishAsync(evaluation, cancellationToken);
        var committed = phase.Elapsed;
        await notifications.AfterCommitAsync(composed, cancellationToken);
        if (write.FreshCount + write.EscalatedIds.Count > 0 && observers.Any())
        {
            var escalated = new List<RaisedSignal>();
            if (write.EscalatedIds.Count > 0)
            {
                var escalatedIds = write.EscalatedIds;
                escalated.AddRange((await db.WarningSignals.IgnoreQueryFilters().AsNoTracking().Where(s => escalatedIds.Contains(s.Id)).ToListAsync(cancellationToken))
                    .Select(s => new RaisedSignal(s, false, true)));
            }

            var raised = new NightRaised(write, escalated);

            foreach (var observer in observers)
            {
                await observer.OnRaisedAsync(raised, cancellationToken);
            }
        }

        logger.LogDebug("Warning rules {Date} write: active signals read {Active:0.00} s; beside the evaluation refreshes {Refreshes:0.00} s and new signals with steps {New:0.00} s; after it notifications, the rest and commit {Commit:0.00} s, pushes and observers {Observers:0.00} s",
            date, write.ActiveRead.TotalSeconds, write.Refreshing.TotalSeconds, write.Inserting.TotalSeconds, committed.TotalSeconds, (phase.Elapsed - committed).TotalSeconds);
        return (write.FreshCount, write.Refreshed, write.Shadow);
    }

    /// <summary>
    /// A night's writes in one transaction of the main connection, fed the hits in customer order while the evaluation goes
    /// on (<see cref="RuleRunner"/>'s consumer): a published hit refreshes the customer's active signal of the rule (a
    /// repeat; applied in parts of <see cref="PartSize"/> on SQLite, at once after the last hit on PostgreSQL) or makes a new one (stored with its steps through a
    /// <see cref="SignalIntake.Session"/> in parts; the notifications are composed once, at the end, so a recipient gets one
    /// digest); shadow hits and the run statistics are written at the end, then everything commits together. Disposed
    /// without <see cref="FinishAsync"/>, nothing of it stays.
    /// </summary>
    private sealed class NightWrite(DbConnection connection, CompiledRuleSet set, DateOnly date, List<RuleCustomer> customers, SignalIntake intake, SqliteCheckpointer checkpoints, TimeProvider clock,
        int part) : IAsyncDisposable, IRaisedSignalSource
    {
        // Whole milliseconds: the instant marks this run's new signals and must compare equal after PostgreSQL's microseconds.
        private readonly DateTimeOffset _now = DateTimeOffset.FromUnixTimeMilliseconds(clock.GetUtcNow().ToUnixTimeMilliseconds());
        private readonly Dictionary<(int Customer, int Rule), ActiveSignal> _active = [];
        private readonly string[] _keys = set.Entries.Select(e => SignalKeys.Rule(e.Rule.Id)).ToArray();
        private readonly HashSet<int> _raisedRules = [];
        private int _raisedFor = -1;
        private readonly List<object?[]> _shadowRows = [];
        private readonly List<object?[]> _updates = [];
        private readonly Stopwatch _activeRead = new(), _refreshing = new(), _inserting = new();
        private DbTransaction? _tx;
        private BatchPragmas? _batchPragmas;
        private SignalIntake.Session? _intake;
        private DateOnly? _previousRun;
        private int _next;

        /// <summary>The new signals gathered for the next part, with their customers' places in the book and their rule versions' entries.</summary>
        private readonly List<WarningSignal> _pending = [];
        private readonly List<(int Customer, int Entry)> _pendingAt = [];

        /// <summary>
        /// Every new signal once written, as little as makes it again for the observers (<see cref="Make"/>): what the
        /// workflow set on it; the rest is its customer's and its rule's. A first night keeps 841,574 of them until the
        /// commit — as whole signals (and on to the collector's older generations) they were most of the night's memory —
        /// in segments, never copied as they grow.
        /// </summary>
        private readonly SegmentedList<Written> _written = new();

        /// <summary>The new signals written so far.</summary>
        public int FreshCount => _written.Count;

        /// <summary>The <paramref name="index"/>th new signal as it was written.</summary>
        public WarningSignal Make(int index)
        {
            ref readonly var written = ref _written[index];
            var signal = NewSignal(customers[written.Customer], written.Entry, written.Detail);
            (signal.Id, signal.Status, signal.AssignedToId, signal.DueAt, signal.EscalatedAt) = (written.Id, written.Status, written.AssignedToId, written.DueAt, null);
            return signal;
        }

        /// <summary>The <paramref name="index"/>th new signal's facts for the observers, the signal itself made (<see cref="Make"/>) when asked for.</summary>
        public RaisedSignal Raised(int index)
        {
            ref readonly var written = ref _written[index];
            return new RaisedSignal(this, index, customers[written.Customer].Id, SignalSource.Rule, set.Entries[written.Entry].Version.Severity, date) { WorkflowStarted = true };
        }

        /// <summary>Repeats that raised the severity.</summary>
        public List<long> EscalatedIds { get; } = [];

        public int Refreshed { get; private set; }

        public int Shadow => _shadowRows.Count;

        public TimeSpan ActiveRead => _activeRead.Elapsed;

        public TimeSpan Refreshing => _refreshing.Elapsed;

        public TimeSpan Inserting => _inserting.Elapsed;

        /// <summary>Takes the hits as the evaluation hands them on, writing repeats and new signals in parts.</summary>
        public async Task ConsumeAsync(IAsyncEnumerable<IReadOnlyList<RuleHit>> hits, CancellationToken cancellationToken)
        {
            await BeginAsync(cancellationToken);
            await foreach (var batch in hits.WithCancellation(cancellationToken))
            {
                foreach (var hit in batch)
                {
                    Take(hit);
                }

                if (_pending.Count >= part)
                {
                    await WriteFreshAsync(cancellationToken);
                }

                // PostgreSQL applies the repeats in one statement after the last hit: its join of each part would scan the
                // whole table again (a million signals, two dozen times).
                if (_updates.Count >= part && connection is SqliteConnection)
                {
                    await WriteRepeatsAsync(cancellationToken);
                }
            }

            await WriteFreshAsync(cancellationToken);
            await WriteRepeatsAsync(cancellationToken);
        }

        /// <summary>Composes the notifications, writes shadow hits and run statistics and commits; returns the notifications to push.</summary>
        public async Task<ComposedNotifications> FinishAsync(RuleEvaluation evaluation, CancellationToken cancellationToken)
        {
            var tx = await BeginAsync(cancellationToken);
            var composed = new ComposedNotifications([], []);
            if (_intake is not null)
            {
                composed = await _intake.FinishAsync(cancellationToken);
                await _intake.DisposeAsync();
                _intake = null;
            }

            await BulkWriter.InsertAsync(connection, tx, "warning_shadow_hits", ShadowColumns, _shadowRows, cancellationToken);
            await BulkWriter.InsertAsync(connection, tx, "warning_rule_runs", RunColumns,
                set.Entries.Select((e, i) => new object?[] { date, e.Version.Id, e.Rule.Id, (int)e.Version.State, evaluation.Evaluated[i], evaluation.HitCounts[i], evaluation.Unknown[i], evaluation.Overlap[i] }),
                cancellationToken);
            await tx.CommitAsync(cancellationToken);
            await DisposeAsync();
            return composed;
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                try
                {
                    if (_intake is not null)
                    {
                        await _intake.DisposeAsync();
                        _intake = null;
                    }
                }
                finally
                {
                    // The transaction ends before the settings are put back (SQLite refuses some inside one).
                    if (_tx is not null)
                    {
                        await _tx.DisposeAsync();
                        _tx = null;
                    }
                }
            }
            finally
            {
                // Whatever happened above, the pooled connection gets its own settings back (foreign keys, sync, checkpoints).
                if (_batchPragmas is not null)
                {
                    await _batchPragmas.DisposeAsync();
                    _batchPragmas = null;
                }
            }
        }

        private async Task<DbTransaction> BeginAsync(CancellationToken cancellationToken)
        {
            if (_tx is not null)
            {
                return _tx;
            }

            _activeRead.Start();
            // Every reference the night writes is to a customer and organisation just read or a signal id just reserved:
            // SQLite's per-row checks of them would be a quarter of its work storing a first night's signals.
            // Like the daily close's chunks, the night's commit waits for no disk: the log is synced at the checkpoint or by
            // the next commit that syncs (the outbox's claim of a webhook call, text or e-mail does, before it goes out);
            // a power loss before that rolls the night back whole, and the close reruns it. Its log (half a gigabyte on a
            // first night of a million customers) is copied into the database file by the checkpointer, on a connection of
            // its own while the close goes on, once the night's settings are put back after the commit.
            _batchPragmas = await BatchPragmas.OpenAsync(connection, megabytes: null, checkForeignKeys: false, syncAtCheckpoint: true, checkpointAfter: checkpoints,
                cancellationToken: cancellationToken);
            _tx = await connection.BeginTransactionAsync(cancellationToken);
            await using (var clear = BulkWriter.Command(connection, _tx,
                "DELETE FROM warning_shadow_hits WHERE \"Date\" = @d; DELETE FROM warning_rule_runs WHERE \"Date\" = @d", "d", date))
            {
                await clear.ExecuteNonQueryAsync(cancellationToken);
            }

            var publishedRules = set.Entries.Where(e => !e.IsShadow).Select(e => e.Rule.Id).Distinct().ToList();
            if (publishedRules.Count > 0)
            {
                // On SQLite a scan of the table beats visiting most of it through the rule index.
                var sql = $"SELECT \"Id\", \"CustomerId\", \"RuleId\", \"Severity\", \"LastSeenOn\", \"RuleVersionId\" FROM warning_signals{(connection is SqliteConnection ? " NOT INDEXED" : "")} " +
                    $"WHERE \"IsActive\" AND \"Source\" = {(int)SignalSource.Rule} AND \"RuleId\" IN ({string.Join(',', publishedRules.Select(r => r.ToString(CultureInfo.InvariantCulture)))})";
                if (connection is SqliteConnection sqlite)
                {
                    // Hundreds of thousands of active signals after a while: stepped through SQLite's own API.
                    foreach (var row in SqliteRows.Each(sqlite, sql))
                    {
                        _active[(raw.sqlite3_column_int(row, 1), raw.sqlite3_column_int(row, 2))] = new ActiveSignal(raw.sqlite3_column_int64(row, 0),
                            (SignalSeverity)raw.sqlite3_column_int(row, 3), SqliteRows.Date(row, 4), raw.sqlite3_column_type(row, 5) == raw.SQLITE_NULL ? null : raw.sqlite3_column_int(row, 5));
                    }
                }
                else
                {
                    await using var command = BulkWriter.Command(connection, _tx, sql);
                    await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                    while (await reader.ReadAsync(cancellationToken))
                    {
                        _active[(reader.GetInt32(1), reader.GetInt32(2))] = new ActiveSignal(reader.GetInt64(0), (SignalSeverity)reader.GetInt32(3), reader.GetFieldValue<DateOnly>(4),
                            reader.IsDBNull(5) ? null : reader.GetInt32(5));
                    }
                }
            }

            await using (var last = BulkWriter.Command(connection, _tx, "SELECT MAX(\"Date\") FROM warning_rule_runs WHERE \"Date\" < @d", "d", date))
            await using (var reader = await last.ExecuteReaderAsync(cancellationToken))
            {
                _previousRun = await reader.ReadAsync(cancellationToken) && !reader.IsDBNull(0) ? reader.GetFieldValue<DateOnly>(0) : null;
            }

            _activeRead.Stop();
            return _tx;
        }

        /// <summary>One hit: a shadow hit, a repeat of an active signal, or a new signal.</summary>
        private void Take(RuleHit hit)
        {
            var entry = set.Entries[hit.Entry];
            // Hits and customers are both in customer order: one walk instead of a look-up table of the book.
            while (customers[_next].Id < hit.CustomerId)
            {
                _next++;
            }

            var customer = customers[_next];
            if (entry.IsShadow)
            {
                _shadowRows.Add([date, entry.Version.Id, entry.Rule.Id, customer.Id, hit.Detail is not null, customer.OrganisationPath, customer.AccountManagerId]);
                return;
            }

            var severity = entry.Version.Severity;
            if (_active.TryGetValue((customer.Id, entry.Rule.Id), out var signal))
            {
                var escalated = severity > signal.Severity;
                if (date <= signal.LastSeenOn && !escalated)
                {
                    return; // already counted for this date (a rerun), or an older date than the signal has seen
                }

                // A plain repeat of the run before needs no undo log: undo puts that run's date back.
                var plain = signal.LastSeenOn == _previousRun && !escalated && signal.RuleVersionId == entry.Version.Id;
                _updates.Add([signal.Id, date > signal.LastSeenOn ? date : signal.LastSeenOn, escalated ? (int)severity : (int)signal.Severity, entry.Version.Id, hit.Detail, !plain]);
                if (escalated)
                {
                    EscalatedIds.Add(signal.Id);
                }

                Refreshed++;
                return;
            }

            // One new signal per customer and rule: another published version of the rule that also hits the customer
            // tonight adds nothing (the hits come customer after customer, so only this customer's rules are kept).
            if (customer.Id != _raisedFor)
            {
                _raisedFor = customer.Id;
                _raisedRules.Clear();
            }

            if (!_raisedRules.Add(entry.Rule.Id))
            {
                return;
            }

            _pending.Add(NewSignal(customer, hit.Entry, hit.Detail));
            _pendingAt.Add((_next, hit.Entry));
        }

        /// <summary>A new signal of <paramref name="entry"/>'s rule on <paramref name="customer"/>, before the workflow plans it.</summary>
        private WarningSignal NewSignal(RuleCustomer customer, int entry, string? detail)
        {
            var rule = set.Entries[entry];
            return new WarningSignal
            {
                CustomerId = customer.Id, Source = SignalSource.Rule, DedupKey = _keys[entry], RuleId = rule.Rule.Id, RuleVersionId = rule.Version.Id,
                Severity = rule.Version.Severity, Title = rule.Rule.NameZh, Detail = detail, RaisedOn = date, RaisedAt = _now, LastSeenOn = date,
                OrganisationId = customer.OrganisationId, OrganisationPath = customer.OrganisationPath, AccountManagerId = customer.AccountManagerId,
            };
        }

        private async Task WriteFreshAsync(CancellationToken cancellationToken)
        {
            if (_pending.Count == 0)
            {
                return;
            }

            _inserting.Start();
            _intake ??= await intake.BeginAsync(_tx!, cancellationToken);
            await _intake.AddAsync(_pending, cancellationToken);
            for (var i = 0; i < _pending.Count; i++)
            {
                var signal = _pending[i];
                var (customer, entry) = _pendingAt[i];
                _written.Add(new Written(signal.Id, customer, entry, signal.Status, signal.AssignedToId, signal.DueAt, signal.Detail));
            }

            _pending.Clear();
            _pendingAt.Clear();
            _inserting.Stop();
        }

        private async Task WriteRepeatsAsync(CancellationToken cancellationToken)
        {
            _refreshing.Start();
            await RefreshAsync(_tx!, date, _updates, cancellationToken);
            _updates.Clear();
            _refreshing.Stop();
        }
    }

    private sealed record ActiveSignal(long Id, SignalSeverity Severity, DateOnly LastSeenOn, int? RuleVersionId);

    /// <summary>A new signal of the night once written: its id, its customer's place in the book, its rule version's entry, what the workflow set, the values read.</summary>
    private readonly record struct Written(long Id, int Customer, int Entry, SignalStatus Status, string? AssignedToId, DateTimeOffset? DueAt, string? Detail);

    /// <summary>
    /// What the observers are told after a night: its new signals, each with the facts observers choose by and made again
    /// from what was kept only when an observer asks for it (the workflow observer skips them all, contagion wants the
    /// severe ones with relations), then the repeats that raised the severity.
    /// </summary>
    private sealed class NightRaised(NightWrite write, List<RaisedSignal> escalated) : IReadOnlyList<RaisedSignal>
    {
        public int Count => write.FreshCount + escalated.Count;

        public RaisedSignal this[int index] => index < write.FreshCount ? write.Raised(index) : escalated[index - write.FreshCount];

        public IEnumerator<RaisedSignal> GetEnumerator()
        {
            for (var i = 0; i < Count; i++)
            {
                yield return this[i];
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>
    /// Refreshes the repeated signals set-based: their new state is bulk-inserted into a temporary table, the undo log
    /// (<c>warning_rule_refreshes</c>, once per signal and date) copies the previous last-seen date, severity and version of
    /// those that are not a plain repeat of the run before, and one UPDATE … FROM applies the new state — a night's hundreds of thousands of repeats without a statement
    /// per signal. The detail (the values read) is not logged: a reopened date is closed again, which rewrites it.
    /// </summary>
    private static async Task RefreshAsync(DbTransaction tx, DateOnly date, List<object?[]> updates, CancellationToken cancellationToken)
    {
        if (updates.Count == 0)
        {
            return;
        }

        var connection = tx.Connection!;
        if (connection is SqliteConnection)
        {
            // SQLite: each repeat is one update by id, stepped natively, after its log row when it needs one — no temporary
            // table to fill and join.
            await BulkWriter.ExecuteEachAsync(connection, tx, """
                INSERT INTO warning_rule_refreshes ("Date", "SignalId", "PreviousLastSeenOn", "PreviousSeverity", "PreviousRuleVersionId")
                    SELECT @p1, s."Id", s."LastSeenOn", s."Severity", s."RuleVersionId" FROM warning_signals s
                    WHERE s."Id" = @p0 AND NOT EXISTS (SELECT 1 FROM warning_rule_refreshes f WHERE f."Date" = @p1 AND f."SignalId" = s."Id")
                """, 2, updates.Where(u => (bool)u[5]!).Select(u => new[] { u[0], date }), cancellationToken);
            // The rows' sixth value (whether logged) is not a parameter.
            await BulkWriter.ExecuteEachAsync(connection, tx, """
                UPDATE warning_signals SET "LastSeenOn" = @p1, "Severity" = @p2, "RuleVersionId" = @p3, "Detail" = @p4, "Occurrences" = "Occurrences" + 1
                WHERE "Id" = @p0
                """, 5, updates, cancellationToken);
            return;
        }

        await using (var create = BulkWriter.Command(connection, tx,
            "CREATE TEMP TABLE IF NOT EXISTS rule_repeats (\"Id\" BIGINT PRIMARY KEY, \"LastSeenOn\" DATE, \"Severity\" INTEGER, \"RuleVersionId\" INTEGER, \"Detail\" TEXT, \"Logged\" BOOLEAN); DELETE FROM rule_repeats"))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        await BulkWriter.InsertAsync(connection, tx, "rule_repeats", RepeatColumns, updates, cancellationToken);
        const string Sql = """
            INSERT INTO warning_rule_refreshes ("Date", "SignalId", "PreviousLastSeenOn", "PreviousSeverity", "PreviousRuleVersionId")
                SELECT @d, s."Id", s."LastSeenOn", s."Severity", s."RuleVersionId" FROM warning_signals s JOIN rule_repeats r ON r."Id" = s."Id"
                WHERE r."Logged" AND NOT EXISTS (SELECT 1 FROM warning_rule_refreshes f WHERE f."Date" = @d AND f."SignalId" = s."Id");
            UPDATE warning_signals SET "LastSeenOn" = r."LastSeenOn", "Severity" = r."Severity", "RuleVersionId" = r."RuleVersionId", "Detail" = r."Detail",
                "Occurrences" = warning_signals."Occurrences" + 1
                FROM rule_repeats r WHERE r."Id" = warning_signals."Id";
            DELETE FROM rule_repeats;
            """;
        await using var command = BulkWriter.Command(connection, tx, Sql, "d", date);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>The dedup keys of rule signals.</summary>
public static class SignalKeys
{
    /// <summary><c>rule:{ruleId}</c>: one active signal per customer and rule.</summary>
    public static string Rule(int ruleId) => string.Create(CultureInfo.InvariantCulture, $"rule:{ruleId}");
}
