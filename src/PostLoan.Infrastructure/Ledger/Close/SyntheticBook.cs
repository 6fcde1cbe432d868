using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using PostLoan.Domain.Ledger.Loans;
using PostLoan.Domain.Risk;
using PostLoan.Infrastructure.Demo;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Infrastructure.Ledger.Close;

/// <summary>
/// Generates a large synthetic loan book fast, for the close benchmark and the kill-and-rerun test: loans of the
/// demo customers with their schedules and the position they would have at the end of the day before
/// <c>closeDate</c> — on-time payers with everything due paid, and one loan in twenty in arrears since its last due
/// date. Positions are derived from the schedule, not simulated, so a million loans are written in seconds per 100k.
/// </summary>
public sealed class SyntheticBook(PostLoanDbContext db, TimeProvider clock)
{
    public async Task<int> GenerateAsync(int count, DateOnly closeDate, int seed = 7, int batch = 50_000, CancellationToken cancellationToken = default)
    {
        var customers = await db.Customers.IgnoreQueryFilters().AsNoTracking().OrderBy(c => c.Id).ToListAsync(cancellationToken);
        var product = await db.LoanProducts.AsNoTracking().FirstAsync(p => p.Code == "EQI", cancellationToken);
        var firstId = (await db.Loans.IgnoreQueryFilters().MaxAsync(l => (long?)l.Id, cancellationToken) ?? 0) + 1;
        var random = new Random(seed);
        var before = closeDate.AddDays(-1);
        var connection = db.Database.GetDbConnection();
        var cents = PositionColumns.StoresCents(connection);
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            for (var start = 0; start < count; start += batch)
            {
                var size = Math.Min(batch, count - start);
                var loans = new List<Loan>(size);
                var installments = new List<object?[]>(size * 12);
                var positions = new List<object?[]>(size);
                for (var k = 0; k < size; k++)
                {
                    var id = firstId + start + k;
                    var customer = customers[(int)(id % customers.Count)];
                    var term = 12;
                    var disbursed = before.AddDays(-random.Next(0, 360));
                    var loan = new Loan
                    {
                        Id = id, Code = "SB" + id.ToString("D8", CultureInfo.InvariantCulture), CustomerId = customer.Id, ProductId = product.Id,
                        OrganisationId = customer.OrganisationId, OrganisationPath = customer.OrganisationPath, AccountManagerId = customer.AccountManagerId,
                        Principal = random.Next(10, 300) * 1000m, AnnualRate = random.Next(300, 1200) / 10_000m, TermMonths = term,
                        Method = RepaymentMethod.EqualInstallment, DisbursementDate = disbursed, MaturityDate = DueDates.After(disbursed, term),
                        PenaltyMarkup = 0.5m, CreatedAt = clock.GetUtcNow(),
                    };
                    var schedule = ScheduleGenerator.Generate(loan.Terms);
                    var arrears = random.Next(20) == 0;
                    var position = Position(loan, schedule, before, arrears, installments);
                    loans.Add(loan);
                    positions.Add(PositionColumns.Values(position, cents));
                }

                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                var tx = transaction.GetDbTransaction();
                await DemoLoanSeeder.InsertLoansAsync(connection, tx, loans, cancellationToken);
                await BulkWriter.InsertAsync(connection, tx, "installments", LedgerTables.InstallmentColumns, installments, cancellationToken);
                await BulkWriter.InsertAsync(connection, tx, "loan_positions", PositionColumns.All, positions, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }

            // Steady state: the book was classified last night, so the close's classification writes only what changes.
            await using (var classified = BulkWriter.Command(connection, null, """
                INSERT INTO loan_classifications ("LoanId", "CustomerId", "OrganisationId", "OrganisationPath", "AccountManagerId", "AsOf", "Category",
                  "Stage", "Floor", "Reasons", "Proposed", "Held", "ChangedOn", "RestructureEventId", "RestructuredOn", "RestructureFloor", "ObservationEnds")
                SELECT p."LoanId", l."CustomerId", l."OrganisationId", l."OrganisationPath", l."AccountManagerId", @before, p."Category", p."Stage",
                  p."Category", CASE WHEN p."DaysPastDue" > 0 THEN 1 ELSE 0 END, p."Category", NULL, NULL, 0, NULL, NULL, NULL
                FROM loan_positions p JOIN loans l ON l."Id" = p."LoanId"
                WHERE l."Id" >= @first
                """, "before", before, "first", firstId))
            {
                classified.CommandTimeout = 0;
                await classified.ExecuteNonQueryAsync(cancellationToken);
            }

            await BulkWriter.ResetIdentitiesAsync(connection, null, cancellationToken, "loans");
            if (connection is NpgsqlConnection)
            {
                await using var sequence = connection.CreateCommand();
                sequence.CommandText = "ANALYZE loans; ANALYZE loan_positions; ANALYZE installments";
                await sequence.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        return count;
    }

    /// <summary>The loan's position at the end of <paramref name="asOf"/>; installments rows are appended with their paid amounts.</summary>
    private static LoanPosition Position(Loan loan, IReadOnlyList<ScheduledInstallment> schedule, DateOnly asOf, bool arrears, List<object?[]> installments)
    {
        var lastDue = schedule.LastOrDefault(s => s.DueDate <= asOf);
        var unpaidPeriod = arrears && lastDue.Period > 0 ? lastDue.Period : 0;
        decimal outstanding = 0m, notDue = 0m, duePrincipal = 0m, dueInterest = 0m;
        foreach (var s in schedule)
        {
            var paid = s.DueDate <= asOf && s.Period != unpaidPeriod;
            installments.Add([loan.Id, s.Period, s.DueDate, s.Principal, s.Interest, paid ? s.Principal : 0m, paid ? s.Interest : 0m]);
            if (!paid)
            {
                outstanding += s.Principal;
                if (s.DueDate > asOf)
                {
                    notDue += s.Principal;
                }
                else
                {
                    duePrincipal += s.Principal;
                    dueInterest += s.Interest;
                }
            }
        }

        var next = schedule.FirstOrDefault(s => s.DueDate > asOf);
        var last = lastDue.Period > 0 ? lastDue.DueDate : loan.DisbursementDate;
        var dpd = unpaidPeriod > 0 ? asOf.DayNumber - lastDue.DueDate.DayNumber : 0;
        var p = new LoanPosition
        {
            LoanId = loan.Id, AnnualRate = loan.AnnualRate, PenaltyMarkup = loan.PenaltyMarkup, ClosedThrough = asOf, StartedThrough = asOf,
            Status = dpd > 0 ? LoanStatus.Overdue : LoanStatus.Normal, PrincipalOutstanding = outstanding, PrincipalNotDue = notDue,
            DuePrincipal = duePrincipal, DueInterest = dueInterest, OldestUnpaidDue = unpaidPeriod > 0 ? lastDue.DueDate : DateOnly.MinValue,
            LastDueDate = last, NextPeriod = next.Period, NextDueDate = next.Period > 0 ? next.DueDate : DateOnly.MaxValue,
            NextPrincipal = next.Principal, NextInterest = next.Interest, DaysPastDue = dpd,
        };
        p.PenaltyAccrued = duePrincipal * loan.AnnualRate * 1.5m / 360m * dpd;
        p.CompoundAccrued = dueInterest * loan.AnnualRate * 1.5m / 360m * dpd;
        p.InterestAccrued = p.BrokenPeriodInterest(asOf);
        p.InterestBooked = p.DueInterest + p.InterestAccrued;
        p.ChargesBooked = p.PenaltyUnpaid + p.CompoundUnpaid;
        p.Category = DelinquencyRules.CategoryFloor(dpd);
        p.Stage = DelinquencyRules.Stage(dpd, p.Category);
        return p;
    }
}
