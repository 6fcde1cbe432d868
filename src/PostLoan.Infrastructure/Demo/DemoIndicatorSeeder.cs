using System.Globalization;
using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Ledger.Customers;
using PostLoan.Domain.Warning.Indicators;
using PostLoan.Infrastructure.Ledger.Import;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Infrastructure.Warning.Indicators;

namespace PostLoan.Infrastructure.Demo;

/// <summary>
/// Indicator data of the demo bank, after its loans: two years of quarterly statements for every enterprise (one in five
/// deteriorating over the last year: revenue down a third year on year, losses, debt ratio rising towards 90%), two
/// years of generated external events (<see cref="DemoEventGenerator"/>) with court cases, an enforcement and
/// multi-lending on some of the deteriorating ones, and the ledger indicators of every stored snapshot date. So the
/// starter rules fire on a few demo customers. Deterministic and run once.
/// </summary>
public sealed class DemoIndicatorSeeder(PostLoanDbContext db, FinancialStatementService statements, ExternalEventService events, LedgerIndicators ledger, TimeProvider clock)
{
    /// <summary>The seed of the generated events.</summary>
    public const int Seed = DemoExternalDataProvider.DefaultSeed;

    public async Task<bool> SeedAsync(CancellationToken cancellationToken = default)
    {
        if (await db.FinancialStatements.IgnoreQueryFilters().AnyAsync(cancellationToken) || !await db.Customers.IgnoreQueryFilters().AnyAsync(cancellationToken))
        {
            return false;
        }

        var today = DateOnly.FromDateTime(clock.GetLocalNow().DateTime);
        var enterprises = await db.Customers.IgnoreQueryFilters().AsNoTracking().Where(c => c.Kind == CustomerKind.Enterprise).OrderBy(c => c.Id).ToListAsync(cancellationToken);
        var quarterEnds = QuarterEnds(today, 8);
        var rows = new List<ImportRow>();
        var deteriorating = new List<Customer>();
        for (var i = 0; i < enterprises.Count; i++)
        {
            var customer = enterprises[i];
            var worsening = i % 5 == 2;
            if (worsening)
            {
                deteriorating.Add(customer);
            }

            rows.AddRange(Statements(customer, worsening, quarterEnds, rows.Count));
        }

        if (rows.Count > 0)
        {
            var imported = await statements.ImportAsync(rows, "demo", cancellationToken);
            if (!imported.Succeeded)
            {
                throw new InvalidOperationException("demo statements refused: " + imported.Issues[0]);
            }
        }

        var customers = await DemoExternalDataProvider.CustomersAsync(db, cancellationToken);
        var items = new List<ExternalEventInput>();
        for (var day = today.AddYears(-2); day <= today; day = day.AddDays(1))
        {
            items.AddRange(DemoEventGenerator.ForDay(customers, Seed, day));
        }

        // Half of the deteriorating enterprises are also sued twice, enforced and borrowing from many lenders lately.
        var random = new Random(Seed);
        foreach (var (customer, n) in deteriorating.Where((_, k) => k % 2 == 0).Select((c, k) => (c, k)))
        {
            var known = new DemoCustomer(customer.Code, customer.Name, true, customer.Region);
            string Ref(string what) => string.Create(CultureInfo.InvariantCulture, $"DEMO-SEED-{customer.Code}-{what}");
            items.Add(DemoEventGenerator.Event(random, known, today.AddDays(-95 + n), StandardIndicators.LitigationDefendant, Ref("L1")));
            items.Add(DemoEventGenerator.Event(random, known, today.AddDays(-40 + n), StandardIndicators.LitigationDefendant, Ref("L2")));
            items.Add(DemoEventGenerator.Event(random, known, today.AddDays(-12), StandardIndicators.Enforcement, Ref("E1")));
            items.Add(DemoEventGenerator.Event(random, known, today.AddDays(-20), StandardIndicators.MultiLending, Ref("M1")) with { Value = 7 });
        }

        if (items.Count > 0)
        {
            var (_, refusal) = await events.ReceiveAsync(DemoEventGenerator.Provider, [.. items.Select((e, k) => (k, e))], cancellationToken);
            if (refusal is not null)
            {
                throw new InvalidOperationException("demo events refused: " + refusal.Issues[0]);
            }

            db.ExternalProviderCursors.Add(new ExternalProviderCursor
            {
                Provider = DemoEventGenerator.Provider, Cursor = today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), LastPolledAt = clock.GetUtcNow(), LastReceived = items.Count,
            });
            await db.SaveChangesAsync(cancellationToken);
        }

        var dates = await db.LoanSnapshots.Select(s => s.Date).Distinct().OrderBy(d => d).ToListAsync(cancellationToken);
        foreach (var date in dates)
        {
            await ledger.RunAsync(date, cancellationToken);
        }

        return true;
    }

    /// <summary>The last <paramref name="count"/> quarter ends before <paramref name="today"/>, oldest first.</summary>
    public static IReadOnlyList<DateOnly> QuarterEnds(DateOnly today, int count)
    {
        var quarter = new DateOnly(today.Year, ((today.Month - 1) / 3 * 3) + 1, 1).AddDays(-1);
        var ends = new List<DateOnly>();
        for (var k = 0; k < count; k++)
        {
            var start = new DateOnly(quarter.Year, quarter.Month, 1).AddMonths(-3 * k);
            ends.Add(start.AddMonths(1).AddDays(-1));
        }

        ends.Reverse();
        return ends;
    }

    /// <summary>Eight quarters of one enterprise: steady growth, or for a deteriorating one a collapse over the last four.</summary>
    private static IEnumerable<ImportRow> Statements(Customer customer, bool worsening, IReadOnlyList<DateOnly> quarterEnds, int numbered)
    {
        var random = new Random(4242 + customer.Id);
        var revenue = Thousands((decimal)(3_000_000 + (random.NextDouble() * 57_000_000)));
        var growth = 1m + (decimal)(0.005 + (random.NextDouble() * 0.025));
        var margin = (decimal)(0.05 + (random.NextDouble() * 0.07));
        var ratio = (decimal)(0.40 + (random.NextDouble() * 0.20));
        var history = new List<decimal>();
        for (var q = 0; q < quarterEnds.Count; q++)
        {
            var late = worsening && q >= quarterEnds.Count - 4;
            var quarterRevenue = late ? Thousands(history[q - 4] * (0.62m + (q * 0.01m))) : Thousands(revenue);
            history.Add(quarterRevenue);
            revenue *= growth;
            var profit = late ? -Thousands(quarterRevenue * (0.04m + (q * 0.005m))) : Thousands(quarterRevenue * margin);
            var cash = late ? -Thousands(quarterRevenue * 0.08m) : Thousands(profit * 1.1m);
            var debt = worsening ? Math.Min(0.92m, ratio + (q * 0.045m)) : ratio;
            var receivables = Thousands(quarterRevenue * (late ? 0.55m : 0.22m));
            var assets = Thousands(quarterRevenue * 4.2m);
            yield return new ImportRow(numbered + q + 2, new Dictionary<string, string?>(StringComparer.Ordinal)
            {
                ["customercode"] = customer.Code, ["periodend"] = quarterEnds[q].ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), ["period"] = "quarter",
                ["revenue"] = Text(quarterRevenue), ["netprofit"] = Text(profit), ["operatingcashflow"] = Text(cash), ["receivables"] = Text(receivables),
                ["totalassets"] = Text(assets), ["totalliabilities"] = Text(Thousands(assets * debt)),
            });
        }
    }

    /// <summary>Rounded to whole thousands of yuan, as statements are usually reported.</summary>
    private static decimal Thousands(decimal amount) => Math.Round(amount / 1000m, MidpointRounding.AwayFromZero) * 1000m;

    private static string Text(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);
}
