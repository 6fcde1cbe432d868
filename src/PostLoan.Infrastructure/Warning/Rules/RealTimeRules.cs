using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using PostLoan.Domain.Warning.Rules;
using PostLoan.Domain.Warning.Signals;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Infrastructure.Warning.Indicators;
using PostLoan.Infrastructure.Warning.Signals;

namespace PostLoan.Infrastructure.Warning.Rules;

/// <summary>One version's value for one customer, as "evaluate now" shows it.</summary>
/// <param name="RuleId">The rule.</param>
/// <param name="RuleCode">Its code.</param>
/// <param name="RuleName">Its Chinese name.</param>
/// <param name="VersionId">The version evaluated.</param>
/// <param name="VersionNumber">Its number within the rule.</param>
/// <param name="State">Published or shadow.</param>
/// <param name="Severity">Severity of its signals.</param>
/// <param name="Truth">True (fires), False, or Unknown for missing data.</param>
/// <param name="Detail">The values it read, when it fired.</param>
public sealed record RuleOutcome(int RuleId, string RuleCode, string RuleName, int VersionId, int VersionNumber, RuleVersionState State, SignalSeverity Severity, RuleTruth Truth, string? Detail);

/// <summary>The result of evaluating one customer now: every version in its scope, and the signals raised or refreshed.</summary>
public sealed record CustomerEvaluation(int CustomerId, DateOnly Date, IReadOnlyList<RuleOutcome> Rules, int Raised, int Refreshed);

/// <summary>
/// Real-time evaluation (实时预警): when indicator values of some customers arrive, the published versions are evaluated for
/// just those customers and their hits raised through <see cref="SignalRaiser"/> (same dedup as the nightly run). Also
/// "evaluate now" for one customer from the customer's page.
/// </summary>
public sealed class RealTimeRules(PostLoanDbContext db, RuleSetCache cache, SignalRaiser raiser, ILogger<RealTimeRules> logger) : IIndicatorObserver
{
    /// <inheritdoc />
    public async Task OnIndicatorsChangedAsync(IReadOnlyCollection<int> customerIds, DateOnly date, CancellationToken cancellationToken) =>
        await EvaluateAsync(customerIds, date, includeShadow: false, cancellationToken);

    /// <summary>Evaluates one customer (published and shadow versions; only published hits are raised).</summary>
    public async Task<CustomerEvaluation> EvaluateCustomerAsync(int customerId, DateOnly date, CancellationToken cancellationToken = default)
    {
        var (set, evaluation, raised) = await EvaluateAsync([customerId], date, includeShadow: true, cancellationToken);
        var outcomes = new List<RuleOutcome>();
        for (var e = 0; e < set.Entries.Length; e++)
        {
            if (evaluation.Evaluated[e] == 0)
            {
                continue;
            }

            var entry = set.Entries[e];
            var truth = evaluation.HitCounts[e] > 0 ? RuleTruth.True : evaluation.Unknown[e] > 0 ? RuleTruth.Unknown : RuleTruth.False;
            var detail = evaluation.Hits.FirstOrDefault(h => h.Entry == e).Detail;
            outcomes.Add(new RuleOutcome(entry.Rule.Id, entry.Rule.Code, entry.Rule.NameZh, entry.Version.Id, entry.Version.Number, entry.Version.State,
                entry.Version.Severity, truth, entry.IsShadow ? null : detail));
        }

        return new CustomerEvaluation(customerId, date, outcomes, raised.Count(r => r.IsNew), raised.Count(r => !r.IsNew));
    }

    private async Task<(CompiledRuleSet Set, RuleEvaluation Evaluation, IReadOnlyList<RaisedSignal> Raised)> EvaluateAsync(
        IReadOnlyCollection<int> customerIds, DateOnly date, bool includeShadow, CancellationToken cancellationToken)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var set = await cache.LoadAsync(db, date, includeShadow, cancellationToken);
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        RuleEvaluation evaluation;
        try
        {
            var customers = await RuleCustomers.LoadAsync(connection, customerIds, cancellationToken);
            evaluation = await RuleRunner.RunAsync(connection, set, date, customers, onlyListed: true, cancellationToken);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        var drafts = evaluation.Hits
            .Where(h => !set.Entries[h.Entry].IsShadow)
            .Select(h =>
            {
                var entry = set.Entries[h.Entry];
                return new SignalDraft(h.CustomerId, SignalSource.Rule, SignalKeys.Rule(entry.Rule.Id), entry.Version.Severity, entry.Rule.NameZh, h.Detail, date)
                {
                    RuleId = entry.Rule.Id,
                    RuleVersionId = entry.Version.Id,
                };
            })
            .ToList();
        var evaluated = watch.Elapsed;
        var raised = await raiser.RaiseAsync(drafts, cancellationToken);
        logger.LogDebug("Real-time rules: {Customers} customer(s) evaluated in {Evaluate:0} ms, {Drafts} hit(s) raised in {Raise:0} ms",
            customerIds.Count, evaluated.TotalMilliseconds, drafts.Count, (watch.Elapsed - evaluated).TotalMilliseconds);
        return (set, evaluation, raised);
    }
}
