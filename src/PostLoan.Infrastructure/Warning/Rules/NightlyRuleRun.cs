using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using PostLoan.Domain.Warning.Rules;
using PostLoan.Domain.Warning.Signals;
using PostLoan.Infrastructure.Ledger.Close;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Infrastructure.Warning.Signals;

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
/// <c>rule:{ruleId}</c>; a repeat on a later date adds an occurrence and moves last-seen; a higher severity escalates —
/// and the <see cref="ISignalObserver"/>s are told about new and escalated ones after the commit. Shadow hits go to
/// <c>warning_shadow_hits</c> and are never raised. Rerunning a date changes nothing; <see cref="UndoAsync"/> puts back
/// what a date did when it is reopened.
/// </summary>
public sealed class NightlyRuleRun(PostLoanDbContext db, RuleSetCache cache, IEnumerable<ISignalObserver> observers, TimeProvider clock, ILogger<NightlyRuleRun> logger) : ICloseStep
{
    private static readonly BulkColumn[] SignalColumns =
    [
        new("CustomerId", typeof(int)), new("Source", typeof(int)), new("DedupKey", typeof(string)), new("RuleId", typeof(int)),
        new("RuleVersionId", typeof(int)), new("Strength", typeof(double)), new("Severity", typeof(int)), new("Status", typeof(int)),
        new("IsActive", typeof(bool)), new("Title", typeof(string)), new("Detail", typeof(string)), new("RaisedOn", typeof(DateOnly)),
        new("RaisedAt", typeof(DateTimeOffset)), new("LastSeenOn", typeof(DateOnly)), new("Occurrences", typeof(int)),
        new("OrganisationId", typeof(int)), new("OrganisationPath", typeof(string)), new("AccountManagerId", typeof(string)),
    ];

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

    private static readonly BulkColumn[] RefreshColumns =
    [
        new("Date", typeof(DateOnly)), new("SignalId", typeof(long)), new("PreviousLastSeenOn", typeof(DateOnly)),
        new("PreviousSeverity", typeof(int)), new("PreviousRuleVersionId", typeof(int)), new("PreviousDetail", typeof(string)),
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
            var customers = await RuleCustomers.LoadAsync(connection, null, cancellationToken);
            var evaluation = await RuleRunner.RunAsync(connection, set, date, customers, onlyListed: false, cancellationToken);
            var evaluating = watch.Elapsed;
            var byId = customers.ToDictionary(c => c.Id);
            var written = await WriteAsync(connection, set, date, evaluation, byId, cancellationToken);
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

    /// <inheritdoc />
    public async Task UndoAsync(DbConnection connection, DbTransaction transaction, DateOnly date, CancellationToken cancellationToken)
    {
        const string Sql = """
            UPDATE warning_signals SET "LastSeenOn" = (SELECT r."PreviousLastSeenOn" FROM warning_rule_refreshes r WHERE r."SignalId" = warning_signals."Id" AND r."Date" = @d),
                "Severity" = (SELECT r."PreviousSeverity" FROM warning_rule_refreshes r WHERE r."SignalId" = warning_signals."Id" AND r."Date" = @d),
                "RuleVersionId" = (SELECT r."PreviousRuleVersionId" FROM warning_rule_refreshes r WHERE r."SignalId" = warning_signals."Id" AND r."Date" = @d),
                "Detail" = (SELECT r."PreviousDetail" FROM warning_rule_refreshes r WHERE r."SignalId" = warning_signals."Id" AND r."Date" = @d),
                "Occurrences" = "Occurrences" - 1
            WHERE "Id" IN (SELECT "SignalId" FROM warning_rule_refreshes WHERE "Date" = @d);
            DELETE FROM warning_rule_refreshes WHERE "Date" = @d;
            DELETE FROM warning_signals WHERE "Source" = @rule AND "RaisedOn" = @d AND "Status" = @raised AND "Occurrences" = 1
                AND "Id" NOT IN (SELECT "SignalId" FROM warning_rule_refreshes);
            DELETE FROM warning_shadow_hits WHERE "Date" = @d;
            DELETE FROM warning_rule_runs WHERE "Date" = @d;
            """;
        await using var command = BulkWriter.Command(connection, transaction, Sql, "d", date, "rule", (int)SignalSource.Rule, "raised", (int)SignalStatus.Raised);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<(int New, int Refreshed, int Shadow)> WriteAsync(DbConnection connection, CompiledRuleSet set, DateOnly date, RuleEvaluation evaluation, Dictionary<int, RuleCustomer> customers, CancellationToken cancellationToken)
    {
        // Whole milliseconds: the instant marks this run's new signals and must compare equal after PostgreSQL's microseconds.
        var now = DateTimeOffset.FromUnixTimeMilliseconds(clock.GetUtcNow().ToUnixTimeMilliseconds());
        var publishedRules = set.Entries.Where(e => !e.IsShadow).Select(e => e.Rule.Id).Distinct().ToList();
        var escalatedIds = new List<long>();
        int created = 0, refreshed = 0, shadow = 0;
        await using (var tx = await connection.BeginTransactionAsync(cancellationToken))
        {
            await using (var clear = BulkWriter.Command(connection, tx,
                "DELETE FROM warning_shadow_hits WHERE \"Date\" = @d; DELETE FROM warning_rule_runs WHERE \"Date\" = @d", "d", date))
            {
                await clear.ExecuteNonQueryAsync(cancellationToken);
            }

            var active = new Dictionary<(int Customer, int Rule), ActiveSignal>();
            if (publishedRules.Count > 0)
            {
                await using var command = BulkWriter.Command(connection, tx,
                    "SELECT \"Id\", \"CustomerId\", \"RuleId\", \"Severity\", \"LastSeenOn\", \"RuleVersionId\", \"Detail\" FROM warning_signals " +
                    $"WHERE \"IsActive\" = @yes AND \"Source\" = @rule AND \"RuleId\" IN ({string.Join(',', publishedRules.Select(r => r.ToString(CultureInfo.InvariantCulture)))})",
                    "yes", true, "rule", (int)SignalSource.Rule);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    active[(reader.GetInt32(1), reader.GetInt32(2))] = new ActiveSignal(reader.GetInt64(0), (SignalSeverity)reader.GetInt32(3),
                        reader.GetFieldValue<DateOnly>(4), reader.IsDBNull(5) ? null : reader.GetInt32(5), reader.IsDBNull(6) ? null : reader.GetString(6));
                }
            }

            var refreshedToday = new HashSet<long>();
            await using (var command = BulkWriter.Command(connection, tx, "SELECT \"SignalId\" FROM warning_rule_refreshes WHERE \"Date\" = @d", "d", date))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    refreshedToday.Add(reader.GetInt64(0));
                }
            }

            var inserts = new List<object?[]>();
            var shadowRows = new List<object?[]>();
            var refreshes = new List<object?[]>();
            var updates = new List<object?[]>();
            foreach (var hit in evaluation.Hits)
            {
                var entry = set.Entries[hit.Entry];
                var customer = customers[hit.CustomerId];
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

                    if (refreshedToday.Add(signal.Id))
                    {
                        refreshes.Add([date, signal.Id, signal.LastSeenOn, (int)signal.Severity, signal.RuleVersionId, signal.Detail]);
                    }

                    updates.Add([date > signal.LastSeenOn ? date : signal.LastSeenOn, escalated ? (int)severity : (int)signal.Severity, entry.Version.Id, hit.Detail, signal.Id]);
                    if (escalated)
                    {
                        escalatedIds.Add(signal.Id);
                    }

                    refreshed++;
                    continue;
                }

                inserts.Add([customer.Id, (int)SignalSource.Rule, SignalKeys.Rule(entry.Rule.Id), entry.Rule.Id, entry.Version.Id, 1.0, (int)severity,
                    (int)SignalStatus.Raised, true, entry.Rule.NameZh, hit.Detail, date, now, date, 1, customer.OrganisationId, customer.OrganisationPath, customer.AccountManagerId]);
                active[(customer.Id, entry.Rule.Id)] = new ActiveSignal(0, severity, date, entry.Version.Id, hit.Detail);
            }

            created = inserts.Count;
            shadow = shadowRows.Count;
            await BulkWriter.InsertAsync(connection, tx, "warning_rule_refreshes", RefreshColumns, refreshes, cancellationToken);
            await BulkWriter.ExecuteEachAsync(connection, tx,
                "UPDATE warning_signals SET \"LastSeenOn\" = @p0, \"Severity\" = @p1, \"RuleVersionId\" = @p2, \"Detail\" = @p3, \"Occurrences\" = \"Occurrences\" + 1 WHERE \"Id\" = @p4",
                5, updates, cancellationToken);
            await BulkWriter.InsertAsync(connection, tx, "warning_signals", SignalColumns, inserts, cancellationToken);
            await BulkWriter.InsertAsync(connection, tx, "warning_shadow_hits", ShadowColumns, shadowRows, cancellationToken);
            await BulkWriter.InsertAsync(connection, tx, "warning_rule_runs", RunColumns,
                set.Entries.Select((e, i) => new object?[] { date, e.Version.Id, e.Rule.Id, (int)e.Version.State, evaluation.Evaluated[i], evaluation.HitCounts[i], evaluation.Unknown[i], evaluation.Overlap[i] }),
                cancellationToken);
            await tx.CommitAsync(cancellationToken);
        }

        if (created + escalatedIds.Count > 0 && observers.Any())
        {
            var told = await db.WarningSignals.IgnoreQueryFilters().AsNoTracking()
                .Where(s => (s.Source == SignalSource.Rule && s.RaisedOn == date && s.RaisedAt == now) || escalatedIds.Contains(s.Id))
                .ToListAsync(cancellationToken);
            var escalated = escalatedIds.ToHashSet();
            var raised = told.Select(s => new RaisedSignal(s, !escalated.Contains(s.Id), escalated.Contains(s.Id))).ToList();
            foreach (var observer in observers)
            {
                await observer.OnRaisedAsync(raised, cancellationToken);
            }
        }

        return (created, refreshed, shadow);
    }

    private sealed record ActiveSignal(long Id, SignalSeverity Severity, DateOnly LastSeenOn, int? RuleVersionId, string? Detail);
}

/// <summary>The dedup keys of rule signals.</summary>
public static class SignalKeys
{
    /// <summary><c>rule:{ruleId}</c>: one active signal per customer and rule.</summary>
    public static string Rule(int ruleId) => string.Create(CultureInfo.InvariantCulture, $"rule:{ruleId}");
}
