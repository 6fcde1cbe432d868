using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using PostLoan.Domain.Ledger.Customers;
using PostLoan.Domain.Ledger.Loans;
using PostLoan.Infrastructure.Ledger.Close;
using PostLoan.Infrastructure.Ledger;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Infrastructure.Demo;

/// <summary>
/// Adds demo loans with 24 months of history (<c>seed-demo --loans N</c>): each loan is run through every daily close
/// from its disbursement to yesterday with a behaviour drawn from a seeded generator — most pay on time, some pay late
/// and cure, some stop paying and default, some prepay — so every screen has real content. Deterministic for a given N.
/// Writes with bulk inserts; month-end snapshots and yesterday's close are stored, so today is the open business date.
/// </summary>
public sealed class DemoLoanSeeder(PostLoanDbContext db, TimeProvider clock)
{
    /// <summary>Loans <c>serve --demo</c> and <c>seed-demo</c> create unless told otherwise.</summary>
    public const int DefaultLoans = 600;

    private enum Behaviour { OnTime, LateThenCure, Defaults, Prepays }

    /// <summary>Creates <paramref name="count"/> loans; returns how many were written (0 when demo loans exist).</summary>
    public async Task<int> SeedAsync(int count, CancellationToken cancellationToken = default)
    {
        if (count <= 0 || await db.Loans.IgnoreQueryFilters().AnyAsync(l => l.Code.StartsWith("DL"), cancellationToken))
        {
            return 0;
        }

        var customers = await db.Customers.IgnoreQueryFilters().AsNoTracking().OrderBy(c => c.Id).ToListAsync(cancellationToken);
        var products = await db.LoanProducts.AsNoTracking().ToDictionaryAsync(p => p.Code, cancellationToken);
        if (customers.Count == 0)
        {
            throw new InvalidOperationException("seed the demo bank (customers) before demo loans");
        }

        var today = DateOnly.FromDateTime(clock.GetLocalNow().Date);
        var yesterday = today.AddDays(-1);
        var random = new Random(20261123);
        var firstId = (await db.Loans.IgnoreQueryFilters().MaxAsync(l => (long?)l.Id, cancellationToken) ?? 0) + 1;
        var rows = new DemoRows { Cents = PositionColumns.StoresCents(db.Database.GetDbConnection()) };
        for (var n = 0; n < count; n++)
        {
            var customer = customers[n % customers.Count];
            var product = products[PickProduct(random, customer.Kind)];
            var term = product.Method switch
            {
                RepaymentMethod.Bullet => random.Next(3, 13),
                RepaymentMethod.InterestOnly when product.InterestFrequency == InterestFrequency.Quarterly => 3 * random.Next(4, 13),
                _ => new[] { 12, 24, 36, 36, 60 }[random.Next(5)],
            };
            var disbursed = today.AddDays(-random.Next(30, 760));
            var principal = customer.Kind == CustomerKind.Person ? random.Next(5, 100) * 10_000m : random.Next(20, 500) * 50_000m;
            var loan = new Loan
            {
                Id = firstId + n,
                Code = "DL" + (firstId + n).ToString("D7", CultureInfo.InvariantCulture),
                ContractNumber = "HT" + disbursed.ToString("yyyyMM", CultureInfo.InvariantCulture) + (firstId + n).ToString("D6", CultureInfo.InvariantCulture),
                CustomerId = customer.Id, ProductId = product.Id, OrganisationId = customer.OrganisationId,
                OrganisationPath = customer.OrganisationPath, AccountManagerId = customer.AccountManagerId,
                Principal = principal, AnnualRate = random.Next(300, 1200) / 10_000m, TermMonths = term,
                Method = product.Method, InterestFrequency = product.InterestFrequency, DisbursementDate = disbursed,
                MaturityDate = DueDates.After(disbursed, term), PenaltyMarkup = product.PenaltyMarkup, GraceDays = product.GraceDays,
                AllocationOrder = product.AllocationOrder, Purpose = customer.Kind == CustomerKind.Person ? "个人消费" : Purposes[random.Next(Purposes.Length)],
                GuaranteeMethod = (GuaranteeMethod)random.Next(1, 5), CreatedAt = clock.GetUtcNow(),
            };
            var behaviour = random.Next(100) switch { < 78 => Behaviour.OnTime, < 90 => Behaviour.LateThenCure, < 96 => Behaviour.Defaults, _ => Behaviour.Prepays };
            Simulate(loan, behaviour, yesterday, random, rows);
        }

        await WriteAsync(rows, yesterday, cancellationToken);
        return count;
    }

    private static readonly string[] Purposes = ["流动资金周转", "采购原材料", "设备购置", "支付货款", "经营场所装修"];

    private static string PickProduct(Random random, CustomerKind kind) => kind == CustomerKind.Person
        ? (random.Next(2) == 0 ? "EQI" : "EQP")
        : new[] { "EQI", "EQI", "IOM", "IOQ", "BUL", "REV" }[random.Next(6)];

    private static void Simulate(Loan loan, Behaviour behaviour, DateOnly through, Random random, DemoRows rows)
    {
        var account = LoanAccount.Open(loan.Id, loan.Terms, loan.Rules);
        var stopAfter = loan.DisbursementDate.AddDays(random.Next(60, 500));
        var prepayOn = loan.DisbursementDate.AddDays(random.Next(90, 600));
        var cureAfter = 0;
        rows.Loans.Add(loan);
        rows.Transactions.Add([loan.Id, loan.DisbursementDate, (int)LoanTransactionKind.Disbursement, loan.Principal, 0m, 0m, 0m, loan.Principal, "core", null]);
        rows.Events.Add([loan.Id, loan.DisbursementDate, (int)LedgerEventKind.Disbursement, null, null, null]);
        for (var day = loan.DisbursementDate; day <= through; day = day.AddDays(1))
        {
            if (!account.Position.IsClosedOut)
            {
                var payoff = account.PayoffAmount(day); // starts the day: today's installment is due, today's penalty accrued
                var p = account.Position;
                var arrears = p.DuePrincipal + p.DueInterest + p.PenaltyUnpaid + p.CompoundUnpaid;
                decimal amount = 0m;
                if (behaviour == Behaviour.Prepays && day == prepayOn)
                {
                    amount = payoff;
                }
                else if (behaviour == Behaviour.Defaults && day > stopAfter)
                {
                    amount = 0m;
                }
                else if (p.DaysPastDue > 0 || p.OldestUnpaidDue != DateOnly.MinValue && p.OldestUnpaidDue < day)
                {
                    // In arrears: late payers cure after a few weeks; the others pay straight away.
                    cureAfter = cureAfter == 0 ? random.Next(3, 75) : cureAfter;
                    amount = behaviour != Behaviour.LateThenCure || day.DayNumber - p.OldestUnpaidDue.DayNumber >= cureAfter ? arrears : 0m;
                }
                else if (p.LastDueDate == day && arrears > 0m && (behaviour != Behaviour.LateThenCure || random.Next(3) != 0))
                {
                    amount = arrears;
                }

                if (amount > 0m && account.Pay(day, Math.Min(amount, payoff)) is { IsSuccess: true } paid)
                {
                    var a = paid.Value!;
                    var kind = a.SettlesLoan ? LoanTransactionKind.Payoff : LoanTransactionKind.Repayment;
                    rows.Transactions.Add([loan.Id, day, (int)kind, a.Amount, a.Penalty, a.Compound, a.Interest, a.Principal, "auto-debit", null]);
                    rows.Events.Add([loan.Id, day, (int)(a.SettlesLoan ? LedgerEventKind.Settlement : LedgerEventKind.Repayment), null, null,
                        string.Create(CultureInfo.InvariantCulture, $"{{\"amount\":{a.Amount},\"principal\":{a.Principal},\"interest\":{a.Interest}}}")]);
                    cureAfter = 0;
                }
            }

            account.CloseDay(day);
            var closed = account.Position;
            if (day == through || day.AddDays(1).Day == 1)
            {
                if (!closed.IsClosedOut || day == through)
                {
                    rows.Snapshots.Add(PositionColumns.Values(closed, rows.Cents));
                }
            }
        }

        rows.Positions.Add(PositionColumns.Values(account.Position, rows.Cents));
        foreach (var installment in account.Installments)
        {
            rows.Installments.Add([loan.Id, installment.Period, installment.DueDate, installment.Principal, installment.Interest, installment.PrincipalPaid, installment.InterestPaid]);
        }

        // The journal keeps every posting except the daily accruals, which are summed per month (as the nightly close sums them per organisation).
        foreach (var group in account.Journal.GroupBy(j => j.Kind.StartsWith("interest accrual", StringComparison.Ordinal) || j.Kind.StartsWith("penalty charge", StringComparison.Ordinal)
                     ? (new DateOnly(j.Date.Year, j.Date.Month, 1).AddMonths(1).AddDays(-1), j.Kind, j.DebitAccount, j.CreditAccount)
                     : (j.Date, j.Kind, j.DebitAccount, j.CreditAccount)))
        {
            var date = group.Key.Item1 > through ? through : group.Key.Item1;
            foreach (var amount in group.Key.Kind.Contains("accrual", StringComparison.Ordinal) || group.Key.Kind.Contains("charge", StringComparison.Ordinal)
                         ? [group.Sum(j => j.Amount)]
                         : group.Select(j => j.Amount))
            {
                rows.Journal.Add([date, loan.Id, loan.OrganisationId, group.Key.Kind, group.Key.DebitAccount, group.Key.CreditAccount, amount]);
            }
        }
    }

    private async Task WriteAsync(DemoRows rows, DateOnly closedThrough, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var tx = transaction.GetDbTransaction();
            await BulkWriter.InsertAsync(connection, tx, "loans", LoanColumns, rows.Loans.Select(LoanValues), cancellationToken);
            await BulkWriter.InsertAsync(connection, tx, "installments", LedgerTables.InstallmentColumns, rows.Installments, cancellationToken);
            await BulkWriter.InsertAsync(connection, tx, "loan_positions", PositionColumns.All, rows.Positions, cancellationToken);
            await BulkWriter.InsertAsync(connection, tx, "loan_snapshots", PositionColumns.All, rows.Snapshots, cancellationToken);
            await BulkWriter.InsertAsync(connection, tx, "loan_transactions", LedgerTables.TransactionColumns, rows.Transactions.Select(t => t.Concat(new object?[] { "demo", clock.GetUtcNow() }).ToArray()), cancellationToken);
            await BulkWriter.InsertAsync(connection, tx, "ledger_events", LedgerTables.EventColumns, rows.Events.Select(e => e.Concat(new object?[] { "demo", clock.GetUtcNow() }).ToArray()), cancellationToken);
            await BulkWriter.InsertAsync(connection, tx, "journal_entries", LedgerTables.JournalColumns, rows.Journal, cancellationToken);
            await BulkWriter.ResetIdentitiesAsync(connection, tx, cancellationToken, "loans");

            if (!await db.CloseRuns.AnyAsync(r => r.Date >= closedThrough, cancellationToken))
            {
                db.CloseRuns.Add(new CloseRun
                {
                    Date = closedThrough, State = CloseRunState.Completed, ChunkCount = 0, LoansClosed = rows.Positions.Count,
                    StartedAt = clock.GetUtcNow(), CompletedAt = clock.GetUtcNow(), StartedBy = "demo",
                });
                await db.SaveChangesAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static readonly IReadOnlyList<BulkColumn> LoanColumns =
    [
        new("Id", typeof(long)), new("Code", typeof(string)), new("ContractNumber", typeof(string)), new("CustomerId", typeof(int)), new("ProductId", typeof(int)),
        new("OrganisationId", typeof(int)), new("OrganisationPath", typeof(string)), new("AccountManagerId", typeof(string)), new("Currency", typeof(string)),
        new("Principal", typeof(decimal)), new("AnnualRate", typeof(decimal)), new("TermMonths", typeof(int)), new("Method", typeof(int)),
        new("InterestFrequency", typeof(int)), new("DisbursementDate", typeof(DateOnly)), new("MaturityDate", typeof(DateOnly)), new("PenaltyMarkup", typeof(decimal)),
        new("GraceDays", typeof(int)), new("AllocationOrder", typeof(int)), new("Purpose", typeof(string)), new("GuaranteeMethod", typeof(int)), new("CreatedAt", typeof(DateTimeOffset)),
    ];

    /// <summary>The row of <paramref name="l"/> in <see cref="LoanColumns"/> order (used by the benchmark generator too).</summary>
    public static object?[] LoanValues(Loan l) =>
    [
        l.Id, l.Code, l.ContractNumber, l.CustomerId, l.ProductId, l.OrganisationId, l.OrganisationPath, l.AccountManagerId, l.Currency,
        l.Principal, l.AnnualRate, l.TermMonths, (int)l.Method, (int)l.InterestFrequency, l.DisbursementDate, l.MaturityDate, l.PenaltyMarkup,
        l.GraceDays, (int)l.AllocationOrder, l.Purpose, (int)l.GuaranteeMethod, l.CreatedAt,
    ];

    /// <summary>Bulk-inserts loans (explicit ids) with <see cref="LoanValues"/> rows.</summary>
    public static Task<int> InsertLoansAsync(DbConnection connection, DbTransaction tx, IEnumerable<Loan> loans, CancellationToken cancellationToken) =>
        BulkWriter.InsertAsync(connection, tx, "loans", LoanColumns, loans.Select(LoanValues), cancellationToken);

    private sealed class DemoRows
    {
        public bool Cents { get; init; }
        public List<Loan> Loans { get; } = [];
        public List<object?[]> Installments { get; } = [];
        public List<object?[]> Positions { get; } = [];
        public List<object?[]> Snapshots { get; } = [];
        public List<object?[]> Transactions { get; } = [];
        public List<object?[]> Events { get; } = [];
        public List<object?[]> Journal { get; } = [];
    }
}
