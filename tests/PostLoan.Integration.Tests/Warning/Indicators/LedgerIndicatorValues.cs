using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PostLoan.Domain.Ledger.Loans;
using PostLoan.Infrastructure.Ledger.Close;
using PostLoan.Infrastructure.Ledger.Loans;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Infrastructure.Warning.Indicators;
using PostLoan.Integration.Tests.Support;

namespace PostLoan.Integration.Tests.Warning.Indicators;

/// <summary>
/// The nightly ledger indicators on a hand-built book: two customers, each with a 12-month equal-installment loan of
/// 120,000 at 4.35% disbursed on 2026-01-15 (installments due on the 15th). Customer A pays February and March on time,
/// misses 15 April and pays 1,000 on 20 April; customer B pays every installment on its due date. Every day through
/// 2026-04-30 is closed. Only changes and month-end values are written; a rerun writes the same rows; reopening the date
/// removes them.
/// </summary>
public abstract class LedgerIndicatorValues : IAsyncLifetime
{
    private static readonly DateOnly Disbursed = new(2026, 1, 15);
    private static readonly DateOnly Through = new(2026, 4, 30);

    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 1, 15, 1, 0, 0, TimeSpan.Zero));
    private TestApp _app = null!;
    private int _a;
    private int _b;
    private decimal _installment;

    protected abstract Task<TestApp> StartAsync(ManualClock clock);

    public async Task InitializeAsync()
    {
        _app = await StartAsync(_clock);
        var customers = await _app.AsSystemAsync(s => s.GetRequiredService<PostLoanDbContext>().Customers.OrderBy(c => c.Id).Select(c => c.Id).Take(2).ToListAsync());
        (_a, _b) = (customers[0], customers[1]);
        var loanA = await OpenAsync("IND-A", _a);
        var loanB = await OpenAsync("IND-B", _b);
        await using (var db = _app.SystemDb())
        {
            var first = await db.Installments.Where(i => i.LoanId == loanA && i.Period == 1).SingleAsync();
            _installment = first.Principal + first.Interest;
        }

        var payments = new Dictionary<DateOnly, (long Loan, decimal Amount)[]>
        {
            [new(2026, 2, 15)] = [(loanA, _installment), (loanB, _installment)],
            [new(2026, 3, 15)] = [(loanA, _installment), (loanB, _installment)],
            [new(2026, 4, 15)] = [(loanB, _installment)],
            [new(2026, 4, 20)] = [(loanA, 1000m)],
        };
        for (var day = Disbursed; day <= Through; day = day.AddDays(1))
        {
            foreach (var (loan, amount) in payments.GetValueOrDefault(day, []))
            {
                var paid = await _app.AsSystemAsync(s => s.GetRequiredService<LoanServicing>().PayAsync(loan, new PaymentRequest(day, amount)));
                Assert.True(paid.IsSuccess, paid.Error?.Message);
            }

            await CloseAsync(day);
            _clock.Advance(TimeSpan.FromDays(1));
        }
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Days_since_payment_is_written_on_payments_and_month_ends_only()
    {
        var rows = await RowsAsync();

        Assert.Equal(["2026-01-15 0", "2026-01-31 16", "2026-02-15 0", "2026-02-28 13", "2026-03-15 0", "2026-03-31 16", "2026-04-20 0", "2026-04-30 10"],
            Of(rows, _a, "days_since_payment"));
        Assert.Equal(["2026-01-15 0", "2026-01-31 16", "2026-02-15 0", "2026-02-28 13", "2026-03-15 0", "2026-03-31 16", "2026-04-15 0", "2026-04-30 15"],
            Of(rows, _b, "days_since_payment"));
    }

    [Fact]
    public async Task Dpd_and_overdue_amount_are_written_only_when_they_change_and_a_customer_paying_on_time_has_none()
    {
        var rows = await RowsAsync();

        // Installment 4 fell due on 15 April unpaid: 1 day past due on the 16th … 15 on the 30th, one row a day.
        Assert.Equal([.. Enumerable.Range(1, 15).Select(d => string.Create(CultureInfo.InvariantCulture, $"2026-04-{15 + d:D2} {d}"))], Of(rows, _a, "dpd"));
        var overdue = Values(rows, _a, "overdue_amount");
        Assert.Equal(15, overdue.Count);
        // On the 16th: installment 4 (principal 9,909.18 + interest 328.01 = 10,237.19) and one day at 4.35% × 1.5 / 360 of penalty
        // on its principal (1.796… → 1.80) and compound interest on its interest (0.059… → 0.06).
        Assert.Equal(10_237.19m, _installment);
        Assert.Equal(10_239.05, overdue[new DateOnly(2026, 4, 16)]);
        // The 1,000 of 20 April paid part of it.
        Assert.True(overdue[new DateOnly(2026, 4, 20)] < overdue[new DateOnly(2026, 4, 19)] - 990);
        Assert.Equal((double)await OverdueFromSnapshotsAsync(Through), overdue[Through]);
        Assert.Empty(Of(rows, _b, "dpd"));
        Assert.Empty(Of(rows, _b, "overdue_amount"));
        Assert.Equal(["2026-04-20 1"], Of(rows, _a, "partial_payments"));
        Assert.Empty(Of(rows, _b, "partial_payments"));
    }

    [Fact]
    public async Task A_rerun_writes_the_same_rows_and_reopening_the_date_removes_them()
    {
        var before = await RowsAsync();

        await _app.AsSystemAsync(s => s.GetRequiredService<LedgerIndicators>().RunAsync(Through));

        Assert.Equal(before, await RowsAsync());

        var reopened = await _app.AsSystemAsync(s => s.GetRequiredService<DailyClose>().ReopenAsync(Through, "重新导入四月末还款"));
        Assert.True(reopened.IsSuccess, reopened.Error?.Message);
        var after = await RowsAsync();
        Assert.Equal([.. before.Where(r => r.Date != Through)], after);
        Assert.Equal(4, before.Count(r => r.Date == Through)); // A: days since, dpd, overdue amount; B: days since

        await CloseAsync(Through);

        Assert.Equal(before, await RowsAsync());
    }

    private async Task<long> OpenAsync(string code, int customer)
    {
        var loan = await _app.AsSystemAsync(s => s.GetRequiredService<LoanServicing>().OpenAsync(new NewLoan(code, customer, "EQI", 120_000m, 0.0435m, 12, Disbursed)));
        Assert.True(loan.IsSuccess, loan.Error?.Message);
        return loan.Value!.Id;
    }

    private async Task CloseAsync(DateOnly day)
    {
        var closed = await _app.AsSystemAsync(s => s.GetRequiredService<DailyClose>().RunAsync(day));
        Assert.True(closed.IsSuccess, closed.Error?.Message);
    }

    private async Task<decimal> OverdueFromSnapshotsAsync(DateOnly date)
    {
        await using var db = _app.SystemDb();
        var snapshot = await db.LoanSnapshots.SingleAsync(s => s.Date == date && db.Loans.Any(l => l.Id == s.LoanId && l.CustomerId == _a));
        return snapshot.OverduePrincipal + snapshot.OverdueInterest + snapshot.PenaltyUnpaid + snapshot.CompoundUnpaid;
    }

    private async Task<List<Row>> RowsAsync()
    {
        await using var db = _app.SystemDb();
        var codes = await db.Indicators.ToDictionaryAsync(i => i.Id, i => i.Code);
        var values = await db.IndicatorValues.AsNoTracking().Where(v => v.Reference == LedgerIndicators.Reference).ToListAsync();
        return [.. values.Select(v => new Row(codes[v.IndicatorId], v.CustomerId, v.Date, v.Value, v.LoanId, v.RecordedBy))
            .OrderBy(r => r.Date).ThenBy(r => r.Customer).ThenBy(r => r.Code, StringComparer.Ordinal)];
    }

    private static List<string> Of(List<Row> rows, int customer, string code) =>
        [.. rows.Where(r => r.Customer == customer && r.Code == code).Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Date:yyyy-MM-dd} {r.Value}"))];

    private static Dictionary<DateOnly, double> Values(List<Row> rows, int customer, string code) =>
        rows.Where(r => r.Customer == customer && r.Code == code).ToDictionary(r => r.Date, r => r.Value);

    private sealed record Row(string Code, int Customer, DateOnly Date, double Value, long? Loan, string RecordedBy);
}

public sealed class SqliteLedgerIndicatorValues : LedgerIndicatorValues
{
    protected override Task<TestApp> StartAsync(ManualClock clock) => TestApp.StartAsync(clock: clock);
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresLedgerIndicatorValues(PostgresCluster cluster) : LedgerIndicatorValues
{
    protected override async Task<TestApp> StartAsync(ManualClock clock) =>
        await TestApp.StartAsync(DatabaseProvider.Postgres, await cluster.CreateDatabaseAsync(), clock);
}
