using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Administration;
using PostLoan.Domain.Risk;
using PostLoan.Domain.Warning.Rules;
using PostLoan.Domain.Warning.Signals;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Infrastructure.Warning.Rules;

/// <summary>One signal of a backtest with what followed: the first date the customer reached 关注 or worse after it.</summary>
public sealed record BacktestSignalRow(int CustomerId, string CustomerName, DateOnly Date, DateOnly? DeterioratedOn, int? LeadDays);

/// <summary>A backtest (反响) of a rule version replayed over history, or of the signals a rule actually raised.</summary>
/// <param name="RuleId">The rule.</param>
/// <param name="VersionId">The version replayed; null for the feedback on raised signals.</param>
/// <param name="From">First month-end (or signal date) covered.</param>
/// <param name="To">Last month-end (or date) covered.</param>
/// <param name="Months">Month-ends replayed (0 for raised signals).</param>
/// <param name="Population">Customers in the scope over the period (in the caller's data scope).</param>
/// <param name="Result">The numbers.</param>
/// <param name="Signals">The signals, first 500 by date.</param>
/// <param name="MissedNames">Names of the missed customers, by id.</param>
public sealed record BacktestReport(int RuleId, int? VersionId, DateOnly From, DateOnly To, int Months, int Population, BacktestResult Result,
    IReadOnlyList<BacktestSignalRow> Signals, IReadOnlyDictionary<int, string> MissedNames);

/// <summary>
/// Backtests (反响): replays a version month by month over the stored indicator history (values up to each month-end), and
/// scores its would-be signals — the start of each run of month-ends where it held — against the dates customers entered
/// 关注 or worse (applied classification changes into category ≥ 2, and the first snapshot at category ≥ 2). The same
/// scoring applies to the signals a rule really raised. Limited to the caller's data scope.
/// </summary>
public sealed class RuleBacktests(PostLoanDbContext db, RuleSetCache cache, TimeProvider clock)
{
    /// <summary>The longest history replayed.</summary>
    public const int MaxMonths = 60;

    /// <summary>Replays <paramref name="versionId"/> over every month-end from the first indicator value to the last month-end before today.</summary>
    public async Task<BacktestReport?> ReplayAsync(int versionId, CancellationToken cancellationToken = default)
    {
        var version = await db.WarningRuleVersions.AsNoTracking().FirstOrDefaultAsync(v => v.Id == versionId, cancellationToken);
        if (version is null)
        {
            return null;
        }

        // Replayed as if published from the first day: scope and expression count, state and effective dates do not.
        var replayed = new WarningRuleVersion
        {
            Id = version.Id, RuleId = version.RuleId, Number = version.Number, Expression = version.Expression, Severity = version.Severity,
            OrganisationIds = version.OrganisationIds, ProductIds = version.ProductIds, Industries = version.Industries, CustomerKinds = version.CustomerKinds,
            State = RuleVersionState.Published, AuthorId = version.AuthorId,
        };
        var set = await cache.CompileAsync(db, [replayed], cancellationToken);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var last = new DateOnly(today.Year, today.Month, 1).AddDays(-1);
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var ids = set.IndicatorIds.Where(i => i >= 0).ToList();
            var firstValue = ids.Count == 0 ? null : await db.IndicatorValues.IgnoreQueryFilters().Where(v => ids.Contains(v.IndicatorId))
                .MinAsync(v => (DateOnly?)v.Date, cancellationToken);
            var monthEnds = new List<DateOnly>();
            if (firstValue is { } first && set.Entries.Length > 0)
            {
                var end = new DateOnly(first.Year, first.Month, 1).AddMonths(1).AddDays(-1);
                for (; end <= last; end = end.AddDays(1).AddMonths(1).AddDays(-1))
                {
                    monthEnds.Add(end);
                }

                monthEnds = monthEnds.TakeLast(MaxMonths).ToList();
            }

            var customers = InScope(await RuleCustomers.LoadAsync(connection, null, cancellationToken));
            var firing = new Dictionary<int, bool[]>();
            for (var m = 0; m < monthEnds.Count; m++)
            {
                var evaluation = await RuleRunner.RunAsync(connection, set, monthEnds[m], customers, onlyListed: false, cancellationToken);
                foreach (var hit in evaluation.Hits)
                {
                    if (!firing.TryGetValue(hit.CustomerId, out var months))
                    {
                        firing[hit.CustomerId] = months = new bool[monthEnds.Count];
                    }

                    months[m] = true;
                }
            }

            var signals = firing.SelectMany(f => RuleBacktest.EpisodeStarts(monthEnds, f.Value).Select(d => new BacktestSignal(f.Key, d)))
                .OrderBy(s => s.Date).ThenBy(s => s.CustomerId).ToList();
            var population = set.Entries.Length == 0 ? [] : customers.Where(c => set.Entries[0].Scope.Covers(c)).Select(c => c.Id).ToList();
            var from = monthEnds.Count > 0 ? monthEnds[0] : last;
            return await ReportAsync(connection, version.RuleId, version.Id, from, last, monthEnds.Count, signals, population, cancellationToken);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>The feedback on the signals a rule actually raised (every version), over the customers of its current scope.</summary>
    public async Task<BacktestReport?> FeedbackAsync(int ruleId, CancellationToken cancellationToken = default)
    {
        if (!await db.WarningRules.AnyAsync(r => r.Id == ruleId, cancellationToken))
        {
            return null;
        }

        var raised = await db.WarningSignals.AsNoTracking().Where(s => s.Source == SignalSource.Rule && s.RuleId == ruleId)
            .OrderBy(s => s.RaisedOn).ThenBy(s => s.CustomerId).Select(s => new BacktestSignal(s.CustomerId, s.RaisedOn)).ToListAsync(cancellationToken);
        var current = await db.WarningRuleVersions.AsNoTracking().Where(v => v.RuleId == ruleId)
            .OrderByDescending(v => v.State == RuleVersionState.Published).ThenByDescending(v => v.Number).FirstOrDefaultAsync(cancellationToken);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var customers = InScope(await RuleCustomers.LoadAsync(connection, null, cancellationToken));
            var set = current is null ? null : await cache.CompileAsync(db, [current], cancellationToken);
            var population = customers.Where(c => set is null || set.Entries.Length == 0 || set.Entries[0].Scope.Covers(c)).Select(c => c.Id).ToList();
            var from = raised.Count > 0 ? raised[0].Date : today;
            return await ReportAsync(connection, ruleId, null, from, today, 0, raised, population, cancellationToken);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>Per customer, the ascending dates it entered 关注 or worse.</summary>
    public static async Task<Dictionary<int, DateOnly[]>> DeteriorationsAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var dates = new Dictionary<int, SortedSet<DateOnly>>();
        var sql = $"""
            SELECT "CustomerId", "Date" FROM classification_changes WHERE "State" = {(int)ChangeState.Applied} AND "To" >= 2 AND "From" < 2
            UNION
            SELECT l."CustomerId", MIN(s."Date") FROM loan_snapshots s JOIN loans l ON l."Id" = s."LoanId" WHERE s."Category" >= 2 GROUP BY l."CustomerId"
            """;
        await using var command = BulkWriter.Command(connection, null, sql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (!dates.TryGetValue(reader.GetInt32(0), out var set))
            {
                dates[reader.GetInt32(0)] = set = [];
            }

            set.Add(reader.GetFieldValue<DateOnly>(1));
        }

        return dates.ToDictionary(d => d.Key, d => d.Value.ToArray());
    }

    private List<RuleCustomer> InScope(List<RuleCustomer> customers)
    {
        var scope = db.CurrentUser.Scope;
        return scope.IsSystem ? customers : customers.Where(c => c.OrganisationPath.StartsWith(scope.OrganisationPath, StringComparison.Ordinal)
            && (scope.AccountManagerId is null || c.AccountManagerId == scope.AccountManagerId)
            && (scope.CustomerId is null || c.Id == scope.CustomerId)).ToList();
    }

    private async Task<BacktestReport> ReportAsync(DbConnection connection, int ruleId, int? versionId, DateOnly from, DateOnly to, int months,
        List<BacktestSignal> signals, List<int> population, CancellationToken cancellationToken)
    {
        var visible = population.ToHashSet();
        signals = signals.Where(s => visible.Contains(s.CustomerId)).ToList();
        var deteriorations = await DeteriorationsAsync(connection, cancellationToken);
        var result = RuleBacktest.Score(signals, deteriorations, population, from, to);
        var shown = signals.Take(500).ToList();
        var nameIds = shown.Select(s => s.CustomerId).Concat(result.Missed.Select(m => m.CustomerId)).Distinct().ToList();
        var names = await db.Customers.IgnoreQueryFilters().AsNoTracking().Where(c => nameIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Name, cancellationToken);
        var rows = shown.Select(s =>
        {
            var next = deteriorations.TryGetValue(s.CustomerId, out var dates) ? Array.Find(dates, d => d > s.Date) : default;
            var within = next != default && next <= s.Date.AddMonths(RuleBacktest.HorizonMonths);
            return new BacktestSignalRow(s.CustomerId, names.GetValueOrDefault(s.CustomerId, ""), s.Date, within ? next : null, within ? next.DayNumber - s.Date.DayNumber : null);
        }).ToList();
        return new BacktestReport(ruleId, versionId, from, to, months, population.Count, result, rows,
            result.Missed.ToDictionary(m => m.CustomerId, m => names.GetValueOrDefault(m.CustomerId, "")));
    }
}
