using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using PostLoan.Domain.Ledger.Calendar;
using PostLoan.Domain.Ledger.Loans;
using PostLoan.Domain.Ledger.Reminders;
using PostLoan.Infrastructure.Administration;
using PostLoan.Infrastructure.Ledger.Close;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Infrastructure.Ledger.Reminders;

/// <summary>
/// The nightly reminders and notices of domain.md §3 as a step of the daily close: due reminders, maturity notices and
/// interest reminders before a due date, and after a missed installment the overdue notice to the borrower and the
/// guarantee-performance notice to each active guarantor. Reads only the installments due on the few dates a reminder
/// is issued for and the installments of loans that are past due, so it costs little at a million loans. Idempotent:
/// a notice already issued (for the same loan, installment, kind and guarantee) is not issued again.
/// </summary>
public sealed class ReminderCloseStep(PostLoanDbContext db, ParameterService parameters, ILogger<ReminderCloseStep> logger) : ICloseStep
{
    private static readonly IReadOnlyList<BulkColumn> NoticeColumns =
    [
        new("LoanId", typeof(long)), new("CustomerId", typeof(int)), new("Kind", typeof(int)), new("Recipient", typeof(int)),
        new("GuaranteeId", typeof(long?)), new("RecipientName", typeof(string)), new("Period", typeof(int)), new("DueDate", typeof(DateOnly)),
        new("Amount", typeof(decimal)), new("IssuedOn", typeof(DateOnly)), new("Deadline", typeof(DateOnly)), new("State", typeof(int)),
        new("OrganisationPath", typeof(string)), new("AccountManagerId", typeof(string)),
    ];

    private const string InstallmentSelect = """
        SELECT i."LoanId", i."Period", i."DueDate", i."Principal", i."Interest", i."PrincipalPaid", i."InterestPaid",
               l."MaturityDate", l."CustomerId", c."Name", l."OrganisationPath", l."AccountManagerId"
        FROM installments i
        JOIN loan_positions p ON p."LoanId" = i."LoanId"
        JOIN loans l ON l."Id" = i."LoanId"
        JOIN customers c ON c."Id" = l."CustomerId"
        """;

    /// <inheritdoc />
    public int Order => CloseStepOrder.Reminders;

    /// <inheritdoc />
    public string Name => "reminders";

    /// <inheritdoc />
    /// <remarks>Reads installments, the status and DPD of positions, loans, customers, guarantees and notices (no other step
    /// writes them); writes only notices.</remarks>
    public bool Independent => true;

    /// <inheritdoc />
    public async Task RunAsync(DateOnly date, CancellationToken cancellationToken)
    {
        var planner = new ReminderPlanner(await SettingsAsync(parameters, cancellationToken), new WorkingDays(await db.CalendarDays.AsNoTracking().ToListAsync(cancellationToken)));
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var tx = await connection.BeginTransactionAsync(cancellationToken);
            await PositionColumns.SerialPlansAsync(connection, tx, cancellationToken);
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var dueDates = planner.ReminderDueDates(date);
            var upcoming = dueDates.Count == 0 ? [] : await ReadAsync(connection, tx,
                InstallmentSelect + $" WHERE i.\"DueDate\" IN ({string.Join(", ", dueDates.Select((_, k) => "@d" + k))}) AND p.\"Status\" NOT IN (@settled, @off)",
                [.. dueDates.SelectMany((d, k) => new object?[] { "d" + k, d }), "settled", (int)LoanStatus.Settled, "off", (int)LoanStatus.WrittenOff], cancellationToken);
            var missed = await ReadAsync(connection, tx,
                InstallmentSelect + """ WHERE p."Status" IN (@normal, @overdue, @extended, @restructured) AND p."DaysPastDue" > 0 AND i."DueDate" < @d AND i."DueDate" >= @from""",
                ["d", date, "from", date.AddDays(-ReminderPlanner.MissedLookBackDays), "normal", (int)LoanStatus.Normal, "overdue", (int)LoanStatus.Overdue,
                 "extended", (int)LoanStatus.Extended, "restructured", (int)LoanStatus.Restructured], cancellationToken); // the open statuses: the (status, DPD) index finds the few past due
            var read = watch.Elapsed;
            var guarantors = await GuarantorsAsync(connection, tx, missed.Select(m => m.LoanId).Distinct().ToList(), date, cancellationToken);
            var issued = await IssuedAsync(connection, tx, date, cancellationToken);

            var lookups = watch.Elapsed - read;
            var notices = new List<object?[]>();
            void Add(Row row, PlannedNotice notice, long? guaranteeId, string recipientName)
            {
                if (issued.Add((row.LoanId, row.Period, (int)notice.Kind, guaranteeId ?? 0)))
                {
                    notices.Add([row.LoanId, row.CustomerId, (int)notice.Kind, (int)notice.Recipient, guaranteeId, recipientName, row.Period, row.Installment.DueDate,
                        notice.Kind is NoticeKind.OverdueNotice or NoticeKind.GuaranteeNotice ? row.Installment.Unpaid : row.Installment.Principal + row.Installment.Interest,
                        date, notice.Deadline, (int)NoticeState.Pending, row.OrganisationPath, row.AccountManagerId]);
                }
            }

            foreach (var row in upcoming)
            {
                foreach (var notice in planner.BeforeDue(date, row.Installment))
                {
                    Add(row, notice, null, row.CustomerName);
                }
            }

            foreach (var row in missed)
            {
                var loanGuarantors = guarantors.TryGetValue(row.LoanId, out var list) ? list : [];
                foreach (var notice in planner.AfterMissed(date, row.Installment, loanGuarantors.Count > 0))
                {
                    if (notice.Recipient == NoticeRecipient.Borrower)
                    {
                        Add(row, notice, null, row.CustomerName);
                        continue;
                    }

                    foreach (var (guaranteeId, name) in loanGuarantors)
                    {
                        Add(row, notice, guaranteeId, name);
                    }
                }
            }

            var planned = watch.Elapsed;
            await BulkWriter.InsertAsync(connection, tx, "borrower_notices", NoticeColumns, notices, cancellationToken);
            await tx.CommitAsync(cancellationToken);
            logger.LogDebug("Reminders: installments read {Read} ms ({Upcoming} upcoming, {Missed} missed), guarantors and issued notices {Lookups} ms, notices written {Write} ms",
                (int)read.TotalMilliseconds, upcoming.Count, missed.Count, (int)lookups.TotalMilliseconds, (int)(watch.Elapsed - planned).TotalMilliseconds);
            logger.LogInformation("Reminders of {Date}: {Notices} notices issued", date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), notices.Count);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <inheritdoc />
    public async Task UndoAsync(DbConnection connection, DbTransaction transaction, DateOnly date, CancellationToken cancellationToken)
    {
        // A notice already delivered stays on record; the pending ones of the date are issued again by the rerun.
        await using var command = BulkWriter.Command(connection, transaction,
            """DELETE FROM borrower_notices WHERE "IssuedOn" = @d AND "State" = @pending""", "d", date, "pending", (int)NoticeState.Pending);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The reminder settings from the system parameters.</summary>
    public static async Task<ReminderSettings> SettingsAsync(ParameterService parameters, CancellationToken cancellationToken)
    {
        async Task<int> Int(string key, int fallback) => (int)await parameters.DecimalAsync(key, fallback, cancellationToken);
        var defaults = new ReminderSettings();
        return new ReminderSettings(
            await Int("ledger.reminder.dueDaysBefore", defaults.DueReminderDays),
            await Int("ledger.reminder.maturityMonthsBefore", defaults.MaturityNoticeMonths),
            await Int("ledger.reminder.interestWorkingDaysBefore", defaults.InterestReminderWorkingDays),
            await Int("ledger.notice.missedMaturityWorkingDays", defaults.MissedMaturityWorkingDays),
            await Int("ledger.notice.missedInterestWorkingDays", defaults.MissedInterestWorkingDays));
    }

    private static async Task<List<Row>> ReadAsync(DbConnection connection, DbTransaction tx, string sql, object?[] namesAndValues, CancellationToken cancellationToken)
    {
        var rows = new List<Row>();
        await using var command = BulkWriter.Command(connection, tx, sql, namesAndValues);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var due = PositionColumns.Date(reader, 2);
            var principal = reader.GetDecimal(3);
            var interest = reader.GetDecimal(4);
            var unpaid = principal + interest - reader.GetDecimal(5) - reader.GetDecimal(6);
            rows.Add(new Row(reader.GetInt64(0), reader.GetInt32(1), reader.GetInt32(8), reader.GetString(9), reader.GetString(10), reader.IsDBNull(11) ? null : reader.GetString(11),
                new ReminderInstallment(due, due == PositionColumns.Date(reader, 7), principal, interest, unpaid)));
        }

        return rows;
    }

    private static async Task<Dictionary<long, List<(long Id, string Name)>>> GuarantorsAsync(DbConnection connection, DbTransaction tx, List<long> loanIds, DateOnly date, CancellationToken cancellationToken)
    {
        var result = new Dictionary<long, List<(long, string)>>();
        foreach (var batch in loanIds.Chunk(500))
        {
            await using var command = BulkWriter.Command(connection, tx,
                $"""SELECT g."LoanId", g."Id", g."GuarantorName" FROM guarantees g WHERE g."Status" = @active AND g."EndDate" >= @d AND g."LoanId" IN ({string.Join(", ", batch)}) ORDER BY g."Id" """,
                "active", (int)Domain.Ledger.CreditSupport.GuaranteeStatus.Active, "d", date);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var loanId = reader.GetInt64(0);
                if (!result.TryGetValue(loanId, out var list))
                {
                    result[loanId] = list = [];
                }

                list.Add((reader.GetInt64(1), reader.GetString(2)));
            }
        }

        return result;
    }

    /// <summary>The notices already issued that tonight could repeat: those of the date, and the missed-installment ones of the look-back window.</summary>
    private static async Task<HashSet<(long, int, int, long)>> IssuedAsync(DbConnection connection, DbTransaction tx, DateOnly date, CancellationToken cancellationToken)
    {
        var issued = new HashSet<(long, int, int, long)>();
        await using var command = BulkWriter.Command(connection, tx, """
            SELECT "LoanId", "Period", "Kind", "GuaranteeId" FROM borrower_notices
            WHERE "IssuedOn" = @d OR ("Kind" IN (@overdue, @guarantee) AND "DueDate" >= @from)
            """, "d", date, "overdue", (int)NoticeKind.OverdueNotice, "guarantee", (int)NoticeKind.GuaranteeNotice, "from", date.AddDays(-ReminderPlanner.MissedLookBackDays - 1));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            issued.Add((reader.GetInt64(0), reader.GetInt32(1), reader.GetInt32(2), reader.IsDBNull(3) ? 0 : reader.GetInt64(3)));
        }

        return issued;
    }

    private sealed record Row(long LoanId, int Period, int CustomerId, string CustomerName, string OrganisationPath, string? AccountManagerId, ReminderInstallment Installment);
}
