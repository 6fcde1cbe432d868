using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using PostLoan.Domain.Ledger.Customers;
using PostLoan.Domain.Warning.Indicators;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Infrastructure.Warning.Indicators;

/// <summary>
/// Writes the indicator values of one observation source (a statement, an event) so that writing again replaces them:
/// the values carrying the source's reference are deleted and the new ones added, inside the caller's transaction. Then
/// tells the <see cref="IIndicatorObserver"/>s about the customers whose values arrived outside the close.
/// </summary>
public sealed class IndicatorValueStore(PostLoanDbContext db, IEnumerable<IIndicatorObserver> observers, TimeProvider clock, ILogger<IndicatorValueStore> logger)
{
    private Dictionary<string, int>? _ids;

    /// <summary>The id of each indicator by code.</summary>
    public async Task<IReadOnlyDictionary<string, int>> IdsAsync(CancellationToken cancellationToken)
    {
        return _ids ??= await db.Indicators.AsNoTracking().ToDictionaryAsync(i => i.Code, i => i.Id, StringComparer.Ordinal, cancellationToken);
    }

    /// <summary>Replaces the values of <paramref name="reference"/> for the customer with <paramref name="values"/> (added to the context; the caller saves).</summary>
    public async Task ReplaceAsync(Customer customer, string reference, IEnumerable<(string Code, DateOnly Date, double Value)> values, string recordedBy, CancellationToken cancellationToken)
    {
        var ids = await IdsAsync(cancellationToken);
        await db.IndicatorValues.IgnoreQueryFilters().Where(v => v.CustomerId == customer.Id && v.Reference == reference).ExecuteDeleteAsync(cancellationToken);
        var now = clock.GetUtcNow();
        foreach (var (code, date, value) in values)
        {
            db.IndicatorValues.Add(new IndicatorValue
            {
                IndicatorId = ids[code], CustomerId = customer.Id, Date = date, Value = value, Reference = reference, RecordedBy = recordedBy,
                RecordedAt = now, OrganisationPath = customer.OrganisationPath, AccountManagerId = customer.AccountManagerId,
            });
        }
    }

    /// <summary>Tells every observer, after the commit; an observer's failure is logged, the stored values stay.</summary>
    public async Task NotifyAsync(IReadOnlyCollection<int> customerIds, CancellationToken cancellationToken)
    {
        if (customerIds.Count == 0)
        {
            return;
        }

        var today = DateOnly.FromDateTime(clock.GetLocalNow().DateTime);
        foreach (var observer in observers)
        {
            try
            {
                await observer.OnIndicatorsChangedAsync(customerIds, today, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Indicator observer {Observer} failed for {Count} customer(s)", observer.GetType().Name, customerIds.Count);
            }
        }
    }
}
