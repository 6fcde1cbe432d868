using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PostLoan.Domain.Warning.Indicators;
using PostLoan.Domain.Warning.Relations;
using PostLoan.Domain.Warning.Signals;
using PostLoan.Infrastructure.Administration;
using PostLoan.Infrastructure.Identity;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Infrastructure.Warning.Indicators;
using PostLoan.Infrastructure.Warning.Signals;

namespace PostLoan.Infrastructure.Warning.Relations;

/// <summary>
/// Related-party contagion in the signal lifecycle (关联客户预警): when a signal of a propagating severity (red by
/// default) is new or escalated on a customer, raises a derived signal on each linked customer the contagion reaches
/// (source <see cref="SignalSource.RelatedParty"/>, dedup key <c>related:{originSignalId}</c>, the contagion strength,
/// the origin's severity from strength 0.5, one step lower below) and records an event of the indicator
/// <see cref="StandardIndicators.RelatedPartySignals"/> for it. Derived signals are never propagated again.
/// </summary>
/// <remarks>
/// Contagion is a bank-wide matter, so the observer reads the graph and raises as the system, whoever raised the origin.
/// The other observers (push, workflow) are told about the derived signals through <see cref="SignalRaiser"/>.
/// </remarks>
public sealed class RelatedPartyObserver(IServiceProvider services, DatabaseOptions database, TimeProvider clock, ILogger<RelatedPartyObserver> logger) : ISignalObserver
{
    /// <summary>The dedup key of the signals derived from <paramref name="originSignalId"/>.</summary>
    public static string DedupKey(long originSignalId) => "related:" + originSignalId.ToString(CultureInfo.InvariantCulture);

    public async Task OnRaisedAsync(IReadOnlyList<RaisedSignal> signals, CancellationToken cancellationToken)
    {
        // Chosen by the facts every raised signal carries: a night's signals are made only for the origins that pass one on.
        static bool Origin(RaisedSignal s) => s.Source != SignalSource.RelatedParty && s.IsActive;
        if (!signals.Any(Origin))
        {
            return;
        }

        await using var db = database.CreateContext(SystemUser.Instance, clock);
        var settings = await new RelationSettingsStore(db, new ParameterService(db)).LoadAsync(cancellationToken);
        bool Propagating(RaisedSignal s) => Origin(s) && settings.Propagates(s.Severity);

        // Most customers of a night's run have no relations at all: one read finds those that can pass a signal on. The
        // signals are gone through twice, never all held at once (a night hands over hundreds of thousands, made on demand).
        var customersByDate = new Dictionary<DateOnly, List<int>>();
        foreach (var signal in signals.Where(Propagating))
        {
            if (!customersByDate.TryGetValue(signal.LastSeenOn, out var customers))
            {
                customersByDate[signal.LastSeenOn] = customers = [];
            }

            customers.Add(signal.CustomerId);
        }

        if (customersByDate.Count == 0)
        {
            return;
        }

        var linked = new HashSet<int>();
        foreach (var (date, customers) in customersByDate)
        {
            linked.UnionWith(await new RelationGraphService(db).LinkedAsync(customers, date, cancellationToken));
        }

        foreach (var origin in signals.Where(s => Propagating(s) && linked.Contains(s.CustomerId)).Select(s => s.Signal))
        {
            try
            {
                await PropagateAsync(db, origin, settings, cancellationToken);
                db.ChangeTracker.Clear();
            }
            catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException)
            {
                logger.LogError(ex, "Related-party contagion from signal {SignalId} failed", origin.Id);
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>Derives the signals of one origin; returns them (new or refreshed).</summary>
    public async Task<IReadOnlyList<RaisedSignal>> PropagateAsync(PostLoanDbContext db, WarningSignal origin, RelationSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(origin);
        ArgumentNullException.ThrowIfNull(settings);
        var date = origin.LastSeenOn;
        var neighbourhood = await new RelationGraphService(db).NeighbourhoodAsync(origin.CustomerId, settings.Contagion.MaxDistance, date, cancellationToken);
        var derived = Contagion.Propagate(neighbourhood.Graph(date), origin.CustomerId, 1m, settings.Contagion);
        if (derived.Count == 0)
        {
            return [];
        }

        var ids = derived.Select(d => d.CustomerId).Append(origin.CustomerId).ToList();
        var names = await db.Customers.Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Name, cancellationToken);
        string Name(int id) => names.GetValueOrDefault(id, id.ToString(CultureInfo.InvariantCulture));
        var key = DedupKey(origin.Id);
        var drafts = derived.Select(d =>
        {
            var severity = DerivedSeverity.Of(origin.Severity, d.Strength);
            var detail = string.Create(CultureInfo.InvariantCulture,
                $"传导路径 {d.Explain(Name)}；强度 {d.Strength:0.####}（{d.Distance} 层）；源信号 #{origin.Id} {origin.Title}");
            return new SignalDraft(d.CustomerId, SignalSource.RelatedParty, key, severity,
                Truncate($"关联客户 {Name(origin.CustomerId)} {SeverityName(origin.Severity)}预警", 200), Truncate(detail, 2000), date)
            {
                OriginSignalId = origin.Id,
                Strength = (double)d.Strength,
            };
        }).ToList();

        var raiser = new SignalRaiser(db, services.GetServices<ISignalObserver>(), clock);
        var raised = await raiser.RaiseAsync(drafts, cancellationToken);
        await RecordIndicatorAsync(db, derived.Select(d => d.CustomerId).ToList(), key, date, cancellationToken);
        return raised;
    }

    /// <summary>One event of <c>related_signals</c> per linked customer and origin (writing it again replaces it).</summary>
    private async Task RecordIndicatorAsync(PostLoanDbContext db, List<int> customerIds, string reference, DateOnly date, CancellationToken cancellationToken)
    {
        var indicator = await db.Indicators.FirstOrDefaultAsync(i => i.Code == StandardIndicators.RelatedPartySignals, cancellationToken);
        if (indicator is null)
        {
            var standard = StandardIndicators.All.Single(i => i.Code == StandardIndicators.RelatedPartySignals);
            indicator = new Indicator
            {
                Code = standard.Code, NameZh = standard.NameZh, NameEn = standard.NameEn, Unit = standard.Unit,
                Source = standard.Source, Frequency = standard.Frequency, Kind = standard.Kind,
            };
            db.Indicators.Add(indicator);
            await db.SaveChangesAsync(cancellationToken);
        }

        var customers = await db.Customers.Where(c => customerIds.Contains(c.Id))
            .Select(c => new { c.Id, c.OrganisationPath, c.AccountManagerId }).ToListAsync(cancellationToken);
        var existing = await db.IndicatorValues
            .Where(v => v.IndicatorId == indicator.Id && customerIds.Contains(v.CustomerId) && v.Date == date && v.LoanId == null && v.Reference == reference)
            .ToDictionaryAsync(v => v.CustomerId, cancellationToken);
        var now = clock.GetUtcNow();
        foreach (var customer in customers)
        {
            if (!existing.TryGetValue(customer.Id, out var value))
            {
                value = new IndicatorValue
                {
                    IndicatorId = indicator.Id, CustomerId = customer.Id, Date = date, Reference = reference, RecordedBy = "related-party",
                    OrganisationPath = customer.OrganisationPath, AccountManagerId = customer.AccountManagerId,
                };
                db.IndicatorValues.Add(value);
            }

            value.Value = 1;
            value.RecordedAt = now;
        }

        await db.SaveChangesAsync(cancellationToken);
        foreach (var observer in services.GetServices<IIndicatorObserver>())
        {
            await observer.OnIndicatorsChangedAsync(customerIds, date, cancellationToken);
        }
    }

    private static string SeverityName(SignalSeverity severity) => severity switch
    {
        SignalSeverity.Red => "红色",
        SignalSeverity.Orange => "橙色",
        SignalSeverity.Yellow => "黄色",
    };

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];
}
