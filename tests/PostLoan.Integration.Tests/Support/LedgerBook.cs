using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PostLoan.Domain.Ledger.Loans;
using PostLoan.Infrastructure.Ledger.Close;
using PostLoan.Infrastructure.Ledger.Loans;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Integration.Tests.Support;

/// <summary>
/// A small book of three loans opened on 2026-01-31 and serviced day by day through the real services: payments
/// posted on their dates, the daily close run each night while the clock moves on. Used on SQLite and PostgreSQL.
/// </summary>
public static class LedgerBook
{
    public static readonly DateOnly Opened = new(2026, 1, 31);

    /// <summary>Loan code → terms and the payments made on it (the same as a simulate scenario).</summary>
    public static readonly IReadOnlyList<(string Code, string Product, LoanTerms Terms, ScenarioPayment[] Payments)> Loans =
    [
        ("T-EQI", "EQI", new LoanTerms(100_000m, 0.0435m, 12, RepaymentMethod.EqualInstallment, Opened),
            [new(new DateOnly(2026, 2, 28), 8530.99m), new(new DateOnly(2026, 4, 20), 5000m)]),
        ("T-BUL", "BUL", new LoanTerms(50_000m, 0.06m, 2, RepaymentMethod.Bullet, Opened), []),
        ("T-IOM", "IOM", new LoanTerms(200_000m, 0.05m, 6, RepaymentMethod.InterestOnly, Opened),
            [new(new DateOnly(2026, 2, 28), 833.33m), new(new DateOnly(2026, 3, 31), 1000m)]),
    ];

    /// <summary>09:00 in Beijing on the opening day (the clock reports UTC).</summary>
    public static ManualClock Clock() => new(new DateTimeOffset(2026, 1, 31, 1, 0, 0, TimeSpan.Zero));

    /// <summary>Opens the loans and closes every day through <paramref name="through"/>, posting payments on their dates.</summary>
    public static async Task RunAsync(TestApp app, ManualClock clock, DateOnly through)
    {
        var customerId = await app.AsSystemAsync(s => s.GetRequiredService<PostLoanDbContext>().Customers.OrderBy(c => c.Id).Select(c => c.Id).FirstAsync());
        var ids = new Dictionary<string, long>();
        foreach (var (code, product, terms, _) in Loans)
        {
            var loan = await app.AsSystemAsync(s => s.GetRequiredService<LoanServicing>().OpenAsync(new NewLoan(code, customerId, product, terms.Principal, terms.AnnualRate, terms.TermMonths, terms.DisbursementDate)));
            Assert.True(loan.IsSuccess, loan.Error?.Message);
            ids[code] = loan.Value!.Id;
        }

        for (var day = Opened; day <= through; day = day.AddDays(1))
        {
            foreach (var (code, _, _, payments) in Loans)
            {
                foreach (var payment in payments.Where(p => p.Date == day))
                {
                    var paid = await app.AsSystemAsync(s => s.GetRequiredService<LoanServicing>().PayAsync(ids[code], new PaymentRequest(day, payment.Amount)));
                    Assert.True(paid.IsSuccess, paid.Error?.Message);
                }
            }

            var closed = await app.AsSystemAsync(s => s.GetRequiredService<DailyClose>().RunAsync(day, chunkSize: 2));
            Assert.True(closed.IsSuccess, closed.Error?.Message);
            clock.Advance(TimeSpan.FromDays(1));
        }
    }

    /// <summary>Closes every date from <paramref name="from"/> through <paramref name="through"/>, the clock moving a day after each.</summary>
    public static async Task CloseAsync(TestApp app, ManualClock clock, DateOnly from, DateOnly through)
    {
        for (var day = from; day <= through; day = day.AddDays(1))
        {
            var closed = await app.AsSystemAsync(s => s.GetRequiredService<DailyClose>().RunAsync(day));
            Assert.True(closed.IsSuccess, closed.Error?.Message);
            clock.Advance(TimeSpan.FromDays(1));
        }
    }

    /// <summary>Every snapshot row as invariant text, in (date, loan code) order: what two runs must agree on.</summary>
    public static async Task<List<string>> SnapshotsAsync(TestApp app)
    {
        await using var db = app.SystemDb();
        var codes = await db.Loans.ToDictionaryAsync(l => l.Id, l => l.Code);
        var rows = await db.LoanSnapshots.AsNoTracking().ToListAsync();
        return rows.OrderBy(r => r.Date).ThenBy(r => codes[r.LoanId], StringComparer.Ordinal).Select(r => string.Join("|",
            codes[r.LoanId], Text(r.Date), Text(r.ClosedThrough), r.Status, r.AnnualRate.ToString(CultureInfo.InvariantCulture), Amount(r.PrincipalOutstanding),
            Amount(r.PrincipalNotDue), Amount(r.DuePrincipal), Amount(r.DueInterest), r.OldestUnpaidDue is { } o ? Text(o) : "-", Text(r.LastDueDate),
            r.NextPeriod, Amount(r.NextPrincipal), Amount(r.NextInterest), Exact(r.PenaltyAccrued), Exact(r.CompoundAccrued), Exact(r.PenaltyPending),
            Amount(r.PenaltyPaid), Amount(r.InterestAccrued), Amount(r.InterestBooked), Amount(r.ChargesBooked), r.DaysPastDue, r.Category, r.Stage,
            Amount(r.OverduePrincipal), Amount(r.OverdueInterest), Amount(r.PenaltyUnpaid), Amount(r.CompoundUnpaid))).ToList();
    }

    private static string Text(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Amount(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>Exact accruals compared to 20 places: both stores keep at least that many.</summary>
    private static string Exact(decimal amount) => decimal.Round(amount, 20).ToString("0.####################", CultureInfo.InvariantCulture);
}
