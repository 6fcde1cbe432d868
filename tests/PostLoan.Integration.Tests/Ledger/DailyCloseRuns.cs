using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PostLoan.Domain.Ledger.Loans;
using PostLoan.Infrastructure.Ledger.Close;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Integration.Tests.Support;

namespace PostLoan.Integration.Tests.Ledger;

/// <summary>
/// The persisted daily close over a small book: it agrees with the pure simulation, closes dates in order, does not
/// close a date twice, and an administrator's reopen followed by a new close gives the same snapshots.
/// </summary>
public abstract class DailyCloseRuns
{
    private static readonly DateOnly Through = new(2026, 4, 25);

    protected abstract Task<TestApp> StartAsync(ManualClock clock);

    [Fact]
    public async Task Every_loan_ends_where_the_simulation_of_its_payments_ends()
    {
        var clock = LedgerBook.Clock();
        await using var app = await StartAsync(clock);
        await LedgerBook.RunAsync(app, clock, Through);

        await using var db = app.SystemDb();
        foreach (var (code, _, terms, payments) in LedgerBook.Loans)
        {
            var loan = await db.Loans.SingleAsync(l => l.Code == code);
            var position = await db.LoanPositions.SingleAsync(p => p.LoanId == loan.Id);
            var expected = LoanSimulator.Run(terms, ServicingRules.Default, payments, Through).Value!;
            var p = position.ToPosition(loan);

            Assert.Equal(Through, position.ClosedThrough);
            Assert.Equal((expected.DaysPastDue, expected.Category, expected.Stage), (p.DaysPastDue, p.Category, p.Stage));
            Assert.Equal((expected.OutstandingPrincipal, expected.OverduePrincipal, expected.OverdueInterest), (p.PrincipalOutstanding, p.OverduePrincipal, p.OverdueInterest));
            Assert.Equal((expected.PenaltyInterest, expected.CompoundInterest), (p.PenaltyUnpaid, p.CompoundUnpaid));
            Assert.Equal(expected.PayoffAmount, p.PayoffAmount(Through));
        }

        // The bullet loan fell due on 03-31 and was never paid: 25 days past due on 04-25.
        var bullet = await db.LoanPositions.SingleAsync(p => p.LoanId == db.Loans.Single(l => l.Code == "T-BUL").Id);
        Assert.Equal((25, LoanStatus.Overdue), (bullet.DaysPastDue, bullet.Status));
        Assert.Equal(85 * 3, await db.LoanSnapshots.CountAsync());
    }

    [Fact]
    public async Task A_closed_date_is_not_closed_twice_and_dates_close_in_order()
    {
        var clock = LedgerBook.Clock();
        await using var app = await StartAsync(clock);
        await LedgerBook.RunAsync(app, clock, new DateOnly(2026, 2, 10));
        var before = await LedgerBook.SnapshotsAsync(app);

        var again = await app.AsSystemAsync(s => s.GetRequiredService<DailyClose>().RunAsync(new DateOnly(2026, 2, 10)));
        var skipped = await app.AsSystemAsync(s => s.GetRequiredService<DailyClose>().RunAsync(new DateOnly(2026, 2, 12)));

        Assert.True(again.Value!.AlreadyClosed);
        Assert.Equal(before, await LedgerBook.SnapshotsAsync(app));
        Assert.False(skipped.IsSuccess);
        Assert.Contains("2026-02-11", skipped.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reopening_the_last_date_and_closing_it_again_gives_the_same_snapshots_and_is_audited()
    {
        var clock = LedgerBook.Clock();
        await using var app = await StartAsync(clock);
        await LedgerBook.RunAsync(app, clock, new DateOnly(2026, 3, 2));
        var before = await LedgerBook.SnapshotsAsync(app);
        var journalBefore = await JournalTotalsAsync(app);

        var refused = await app.AsSystemAsync(s => s.GetRequiredService<DailyClose>().ReopenAsync(new DateOnly(2026, 3, 1), "wrong date"));
        var reopened = await app.AsSystemAsync(s => s.GetRequiredService<DailyClose>().ReopenAsync(new DateOnly(2026, 3, 2), "payment file corrected"));
        Assert.False(refused.IsSuccess);
        Assert.True(reopened.IsSuccess, reopened.Error?.Message);
        Assert.NotEqual(before, await LedgerBook.SnapshotsAsync(app));

        var closed = await app.AsSystemAsync(s => s.GetRequiredService<DailyClose>().RunAsync(new DateOnly(2026, 3, 2)));

        Assert.True(closed.IsSuccess, closed.Error?.Message);
        Assert.Equal(before, await LedgerBook.SnapshotsAsync(app));
        Assert.Equal(journalBefore, await JournalTotalsAsync(app));
        await using var db = app.SystemDb();
        Assert.True(await db.AuditEntries.AnyAsync(a => a.Entity == nameof(CloseRun) && a.EntityId == "2026-03-02" && a.Detail!.Contains("payment file corrected")));
    }

    private static async Task<(decimal, decimal)> JournalTotalsAsync(TestApp app)
    {
        await using var db = app.SystemDb();
        var entries = await db.JournalEntries.AsNoTracking().ToListAsync();
        return (entries.Where(e => e.DebitAccount == LedgerAccounts.InterestReceivable).Sum(e => e.Amount) - entries.Where(e => e.CreditAccount == LedgerAccounts.InterestReceivable).Sum(e => e.Amount),
            entries.Where(e => e.DebitAccount == LedgerAccounts.LoansReceivable).Sum(e => e.Amount) - entries.Where(e => e.CreditAccount == LedgerAccounts.LoansReceivable).Sum(e => e.Amount));
    }
}

public sealed class SqliteDailyCloseRuns : DailyCloseRuns
{
    protected override Task<TestApp> StartAsync(ManualClock clock) => TestApp.StartAsync(clock: clock);
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresDailyCloseRuns(PostgresCluster cluster) : DailyCloseRuns
{
    protected override async Task<TestApp> StartAsync(ManualClock clock) =>
        await TestApp.StartAsync(DatabaseProvider.Postgres, await cluster.CreateDatabaseAsync(), clock);

    [Fact]
    public async Task The_same_close_on_sqlite_and_postgresql_gives_identical_snapshots()
    {
        var sqliteClock = LedgerBook.Clock();
        await using var sqlite = await TestApp.StartAsync(clock: sqliteClock);
        await LedgerBook.RunAsync(sqlite, sqliteClock, new DateOnly(2026, 4, 5));
        var postgresClock = LedgerBook.Clock();
        await using var postgres = await StartAsync(postgresClock);
        await LedgerBook.RunAsync(postgres, postgresClock, new DateOnly(2026, 4, 5));

        var expected = await LedgerBook.SnapshotsAsync(sqlite);
        var actual = await LedgerBook.SnapshotsAsync(postgres);

        Assert.Equal(65 * 3, expected.Count);
        Assert.Equal(expected, actual);
    }
}

/// <summary>The scheduled close catches up every open date through today, in order, and then stops.</summary>
public sealed class NightlyCloseCatchesUp
{
    [Fact]
    public async Task The_nightly_job_closes_each_open_date_through_today()
    {
        var clock = LedgerBook.Clock();
        await using var app = await TestApp.StartAsync(clock: clock);
        await LedgerBook.RunAsync(app, clock, new DateOnly(2026, 2, 1)); // leaves the clock on 02-02
        clock.Advance(TimeSpan.FromDays(3)); // today is 02-05

        var job = ActivatorUtilities.CreateInstance<NightlyCloseJob>(app.Services);
        var closed = await job.CloseThroughTodayAsync(CancellationToken.None);
        var again = await job.CloseThroughTodayAsync(CancellationToken.None);

        Assert.Equal((4, 0), (closed, again));
        await using var db = app.SystemDb();
        Assert.Equal(new DateOnly(2026, 2, 5), await db.CloseRuns.MaxAsync(r => r.Date));
        Assert.All(await db.LoanPositions.ToListAsync(), p => Assert.Equal(new DateOnly(2026, 2, 5), p.ClosedThrough));
    }
}
