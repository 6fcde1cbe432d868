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
    /// <summary>Reading customers, values and evaluating (they overlap).</summary>
    public TimeSpan Evaluating { get; init; }

    /// <summary>Writing signals, shadow hits and statistics, and telling the observers.</summary>
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
/// <c>warning_shadow_hits</c> and are never raised. Rerunning a date changes nothing; <see cref="UndoAsync"/> puts back
/// what a date did when it is reopened.
/// </summary>
public sealed class NightlyRuleRun(
    PostLoanDbContext db, DatabaseOptions database, RuleSetCache cache, SignalIntake intake, NotificationCentre notifications, IEnumerable<ISignalObserver> observers, TimeProvider clock,
    ILogger<NightlyRuleRun> logger) : ICloseStep
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
            await using var pageCache = await BatchCache.OpenAsync(connection, cancellationToken: cancellationToken);
            // The customers are read on a second connection while this one refreshes the packed series and the industry
            // medians (two scans of the book side by side instead of one after the other).
            List<RuleCustomer> customers;
            RunPreparation prepared;
            var loaded = TimeSpan.Zero;
            await using (var side = database.CreateContext(db.CurrentUser, clock))
            {
                await side.Database.OpenConnectionAsync(cancellationToken);
                var reading = Task.Run(async () =>
                {
                    var list = await RuleCustomers.LoadAsync(side.Database.GetDbConnection(), null, cancellationToken);
                    loaded = watch.Elapsed;
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
            }

            var evaluation = await RuleRunner.RunAsync(connection, set, date, customers, onlyListed: false, prepared, cancellationToken);
            var evaluating = watch.Elapsed;
            logger.LogDebug("Warning rules {Date}: customers {Customers:0.00} s, beside them series refresh {Refresh:0.00} s and industry medians {Industries:0.00} s; read {Read:0.00} s, evaluation {Evaluate:0.00} s (worker time)",
                date, loaded.TotalSeconds, prepared.Refresh.TotalSeconds, prepared.Industry.TotalSeconds, evaluation.Timings.Read.TotalSeconds, evaluation.Timings.Evaluate.TotalSeconds);
            var written = await WriteAsync(connection, set, date, evaluation, customers, cancellationToken);
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

    private async Task<(int New, int Refreshed, int Shadow)> WriteAsync(DbConnection connection, CompiledRuleSet set, DateOnly date, RuleEvaluation evaluation, List<RuleCustomer> customers, CancellationToken cancellationToken)
    {
        // Whole milliseconds: the instant marks this run's new signals and must compare equal after PostgreSQL's microseconds.
        var now = DateTimeOffset.FromUnixTimeMilliseconds(clock.GetUtcNow().ToUnixTimeMilliseconds());
        var publishedRules = set.Entries.Where(e => !e.IsShadow).Select(e => e.Rule.Id).Distinct().ToList();
        var phase = System.Diagnostics.Stopwatch.StartNew();
        TimeSpan activeRead, updated, inserted;
        var escalatedIds = new List<long>();
        var fresh = new List<WarningSignal>();
        ComposedNotifications composed;
        int created = 0, refreshed = 0, shadow = 0;
        await using (var tx = await connection.BeginTransactionAsync(cancellationToken))
        {
            await using (var clear = BulkWriter.Command(connection, tx,
                "DELETE FROM warning_shadow_hits WHERE \"Date\" = @d; DELETE FROM warning_rule_runs WHERE \"Date\" = @d", "d", date))
            {
                await clear.ExecuteNonQueryAsync(cancellationToken);
            }

            var active = new Dictionary<(int Customer, int Rule), ActiveSignal>(evaluation.Hits.Count);
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
                        active[(raw.sqlite3_column_int(row, 1), raw.sqlite3_column_int(row, 2))] = new ActiveSignal(raw.sqlite3_column_int64(row, 0),
                            (SignalSeverity)raw.sqlite3_column_int(row, 3), SqliteRows.Date(row, 4), raw.sqlite3_column_type(row, 5) == raw.SQLITE_NULL ? null : raw.sqlite3_column_int(row, 5));
                    }
                }
                else
                {
                    await using var command = BulkWriter.Command(connection, tx, sql);
                    await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                    while (await reader.ReadAsync(cancellationToken))
                    {
                        active[(reader.GetInt32(1), reader.GetInt32(2))] = new ActiveSignal(reader.GetInt64(0), (SignalSeverity)reader.GetInt32(3), reader.GetFieldValue<DateOnly>(4),
                            reader.IsDBNull(5) ? null : reader.GetInt32(5));
                    }
                }
            }

            DateOnly? previousRun;
            await using (var last = BulkWriter.Command(connection, tx, "SELECT MAX(\"Date\") FROM warning_rule_runs WHERE \"Date\" < @d", "d", date))
            await using (var reader = await last.ExecuteReaderAsync(cancellationToken))
            {
                previousRun = await reader.ReadAsync(cancellationToken) && !reader.IsDBNull(0) ? reader.GetFieldValue<DateOnly>(0) : null;
            }

            activeRead = phase.Elapsed;
            var shadowRows = new List<object?[]>();
            var updates = new List<object?[]>();
            var next = 0;
            foreach (var hit in evaluation.Hits)
            {
                var entry = set.Entries[hit.Entry];
                // Hits and customers are both in customer order: one walk instead of a look-up table of the book.
                while (customers[next].Id < hit.CustomerId)
                {
                    next++;
                }

                var customer = customers[next];
                if (entry.IsShadow)
                {
                    shadowRows.Add([date, entry.Version.Id, entry.Rule.Id, customer.Id, hit.Detail is not null, customer.OrganisationPath, customer.AccountManagerId]);
                    continue;
                }

                var severity = entry.Version.Severity;
                if (active.TryGetValue((customer.Id, entry.Rule.Id), out var signal))
                {
                    var escalated = severity > signal.Severity;
                    if (date <= signal.LastSeenOn && !escalated)
                    {
                        continue; // already counted for this date (a rerun), or an older date than the signal has seen
                    }

                    // A plain repeat of the run before needs no undo log: undo puts that run's date back.
                    var plain = signal.LastSeenOn == previousRun && !escalated && signal.RuleVersionId == entry.Version.Id;
                    updates.Add([signal.Id, date > signal.LastSeenOn ? date : signal.LastSeenOn, escalated ? (int)severity : (int)signal.Severity, entry.Version.Id, hit.Detail, !plain]);
                    if (escalated)
                    {
                        escalatedIds.Add(signal.Id);
                    }

                    refreshed++;
                    continue;
                }

                fresh.Add(new WarningSignal
                {
                    CustomerId = customer.Id, Source = SignalSource.Rule, DedupKey = SignalKeys.Rule(entry.Rule.Id), RuleId = entry.Rule.Id, RuleVersionId = entry.Version.Id,
                    Severity = severity, Title = entry.Rule.NameZh, Detail = hit.Detail, RaisedOn = date, RaisedAt = now, LastSeenOn = date,
                    OrganisationId = customer.OrganisationId, OrganisationPath = customer.OrganisationPath, AccountManagerId = customer.AccountManagerId,
                });
                active[(customer.Id, entry.Rule.Id)] = new ActiveSignal(0, severity, date, entry.Version.Id);
            }

            created = fresh.Count;
            shadow = shadowRows.Count;
            await RefreshAsync(tx, date, updates, cancellationToken);
            updated = phase.Elapsed;
            composed = await intake.WriteAsync(tx, fresh, cancellationToken);
            inserted = phase.Elapsed;
            await BulkWriter.InsertAsync(connection, tx, "warning_shadow_hits", ShadowColumns, shadowRows, cancellationToken);
            await BulkWriter.InsertAsync(connection, tx, "warning_rule_runs", RunColumns,
                set.Entries.Select((e, i) => new object?[] { date, e.Version.Id, e.Rule.Id, (int)e.Version.State, evaluation.Evaluated[i], evaluation.HitCounts[i], evaluation.Unknown[i], evaluation.Overlap[i] }),
                cancellationToken);
            await tx.CommitAsync(cancellationToken);
        }

        var committed = phase.Elapsed;
        await notifications.AfterCommitAsync(composed, cancellationToken);
        if (created + escalatedIds.Count > 0 && observers.Any())
        {
            var raised = fresh.Select(s => new RaisedSignal(s, true, false) { WorkflowStarted = true }).ToList();
            if (escalatedIds.Count > 0)
            {
                var escalated = await db.WarningSignals.IgnoreQueryFilters().AsNoTracking().Where(s => escalatedIds.Contains(s.Id)).ToListAsync(cancellationToken);
                raised.AddRange(escalated.Select(s => new RaisedSignal(s, false, true)));
            }

            foreach (var observer in observers)
            {
                await observer.OnRaisedAsync(raised, cancellationToken);
            }
        }

        logger.LogDebug("Warning rules {Date} write: active signals read {Active:0.00} s, refreshes {Refreshes:0.00} s, new signals with steps and notifications {New:0.00} s, rest and commit {Commit:0.00} s, pushes and observers {Observers:0.00} s",
            date, activeRead.TotalSeconds, (updated - activeRead).TotalSeconds, (inserted - updated).TotalSeconds, (committed - inserted).TotalSeconds, (phase.Elapsed - committed).TotalSeconds);
        return (created, refreshed, shadow);
    }

    private sealed record ActiveSignal(long Id, SignalSeverity Severity, DateOnly LastSeenOn, int? RuleVersionId);

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
