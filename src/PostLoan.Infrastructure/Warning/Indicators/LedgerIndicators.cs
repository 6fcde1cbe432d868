using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using PostLoan.Domain.Ledger.Loans;
using PostLoan.Domain.Warning.Indicators;
using PostLoan.Infrastructure.Ledger.Close;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Infrastructure.Warning.Indicators;

/// <summary>What one night's ledger indicators wrote.</summary>
public sealed record LedgerIndicatorSummary(DateOnly Date, int Customers, int Written, TimeSpan Elapsed);

/// <summary>
/// The indicators derived from the ledger each night (domain.md §5), per customer with open loans, from the date's
/// snapshots: <c>dpd</c> (the worst loan), <c>overdue_amount</c> (overdue principal and interest, unpaid penalty and
/// compound interest of all its loans), <c>days_since_payment</c> and <c>partial_payments</c> (repayments of the day
/// that left something due unpaid, an event count). Set-based SQL and bulk inserts, no change tracking.
/// </summary>
/// <remarks>
/// <para><b>Only changes are written.</b> <c>dpd</c> and <c>overdue_amount</c> are written when they differ from the
/// customer's latest stored value (a customer without one counts as 0), and to 0 once when the customer's last loan
/// closes. <c>days_since_payment</c> grows by one a day by definition, so it is written when it differs from the latest
/// stored value carried forward by the days since that value's date (a payment, a new customer). On the last day of each
/// month every customer with a non-zero value gets a row, so the rules' monthly windows see every month.</para>
/// <para><b>Reading the latest value cheaply.</b> Because of the month-end rows, a customer's latest value is either
/// in the rows since the previous month end or it is 0: the step reads only that window.</para>
/// <para><b>Idempotent.</b> A run first deletes the date's rows (reference <c>close</c>) and computes from earlier
/// rows only, so a rerun writes the same rows; <see cref="UndoAsync"/> deletes them for a reopened date.</para>
/// </remarks>
public sealed class LedgerIndicators(PostLoanDbContext db, TimeProvider clock, ILogger<LedgerIndicators> logger)
{
    /// <summary>The reference (and recorder) of the rows the close writes.</summary>
    public const string Reference = "close";

    /// <summary>Indicator codes this step writes.</summary>
    public static readonly IReadOnlyList<string> Codes =
        [StandardIndicators.DaysPastDue, StandardIndicators.OverdueAmount, StandardIndicators.DaysSinceLastPayment, StandardIndicators.PartialPayments];

    /// <summary>Above this many customers without a stored value, their last payments are read in one grouped pass.</summary>
    private const int LookupOneByOne = 500;

    /// <summary>Payments that count as a payment by the customer.</summary>
    private static readonly string PaymentKinds = string.Join(", ", new[] { LoanTransactionKind.Repayment, LoanTransactionKind.Payoff, LoanTransactionKind.PartPrepayment }.Select(k => ((int)k).ToString(CultureInfo.InvariantCulture)));

    /// <summary>
    /// Per customer with an open loan on the date: worst DPD, overdue amount, first disbursement. The customers' scope
    /// columns are read afterwards for the few customers written (joining customers here doubled the query's time).
    /// </summary>
    private const string CurrentSql = """
        SELECT l."CustomerId", MAX(s."DaysPastDue"), SUM(s."OverduePrincipal" + s."OverdueInterest" + s."PenaltyUnpaid" + s."CompoundUnpaid"),
               MIN(l."DisbursementDate")
        FROM loan_snapshots s
        JOIN loans l ON l."Id" = s."LoanId"
        WHERE s."Date" = @d AND s."Status" <> @settled AND s."Status" <> @off
        GROUP BY l."CustomerId"
        """;

    /// <summary>Customers' scope columns are looked up in lists of this many ids.</summary>
    private const int ScopeBatch = 500;

    public async Task<LedgerIndicatorSummary> RunAsync(DateOnly date, CancellationToken cancellationToken = default)
    {
        var watch = Stopwatch.StartNew();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var tx = await connection.BeginTransactionAsync(cancellationToken);
            var ids = await IdsAsync(connection, tx, cancellationToken);
            if (ids.Count < Codes.Count)
            {
                logger.LogWarning("Ledger indicators of {Date} skipped: the catalogue lacks {Codes}", Text(date), string.Join(", ", Codes.Where(c => !ids.ContainsKey(c))));
                return new LedgerIndicatorSummary(date, 0, 0, watch.Elapsed);
            }

            await DeleteAsync(connection, tx, date, ids.Values, cancellationToken);
            var current = await PositionColumns.WholeBookAsync(connection, tx, () => CurrentAsync(connection, tx, date, cancellationToken), cancellationToken);
            var windowStart = new DateOnly(date.Year, date.Month, 1).AddDays(-1);
            var latest = await LatestAsync(connection, tx, ids, windowStart, date, cancellationToken);
            var since = latest.Count == 0 ? windowStart : latest.Values.Max(v => v.Date);
            var lastPayments = await LastPaymentsAsync(connection, tx, since, date, null, cancellationToken);
            var partial = await PartialPaymentsAsync(connection, tx, date, cancellationToken);
            var monthEnd = date.AddDays(1).Day == 1;
            var now = clock.GetUtcNow();
            var rows = new List<object?[]>();
            void Write(int indicator, int customer, double value) => rows.Add([indicator, customer, null, date, value, Reference, Reference, now, null, null]);

            // A measured value is written when it differs from the latest stored one (none counts as 0), and at a month end when not 0.
            void WriteIfChanged(int indicator, int customer, double value)
            {
                var stored = latest.TryGetValue((indicator, customer), out var l) ? l.Value : 0d;
                if (value != stored || (monthEnd && value != 0d))
                {
                    Write(indicator, customer, value);
                }
            }

            int dpd = ids[StandardIndicators.DaysPastDue], overdue = ids[StandardIndicators.OverdueAmount];
            int daysSince = ids[StandardIndicators.DaysSinceLastPayment], partialId = ids[StandardIndicators.PartialPayments];
            var unknown = new List<int>();
            foreach (var (customer, c) in current)
            {
                WriteIfChanged(dpd, customer, c.Dpd);
                WriteIfChanged(overdue, customer, (double)c.Overdue);

                if (partial.TryGetValue(customer, out var count))
                {
                    Write(partialId, customer, count);
                }

                if (lastPayments.TryGetValue(customer, out var paid))
                {
                    var value = date.DayNumber - paid.DayNumber;
                    var carried = latest.TryGetValue((daysSince, customer), out var l) ? l.Value + (date.DayNumber - l.Date.DayNumber) : double.NaN;
                    if (value != carried || (monthEnd && value != 0))
                    {
                        Write(daysSince, customer, value);
                    }
                }
                else if (latest.TryGetValue((daysSince, customer), out var l))
                {
                    if (monthEnd)
                    {
                        Write(daysSince, customer, l.Value + (date.DayNumber - l.Date.DayNumber));
                    }
                }
                else
                {
                    unknown.Add(customer);
                }
            }

            // Customers without a stored days-since-payment (new, or the step's first night): their last payment ever.
            if (unknown.Count > 0)
            {
                var payments = await LastPaymentsAsync(connection, tx, DateOnly.MinValue, date, unknown.Count <= LookupOneByOne ? unknown : null, cancellationToken);
                foreach (var customer in unknown)
                {
                    var c = current[customer];
                    var from = payments.TryGetValue(customer, out var paid) && paid > c.FirstDisbursed ? paid : c.FirstDisbursed;
                    Write(daysSince, customer, Math.Max(0, date.DayNumber - from.DayNumber));
                }
            }

            // A customer whose last loan closed: a last 0 for DPD and overdue amount.
            foreach (var ((indicator, customer), l) in latest)
            {
                if ((indicator == dpd || indicator == overdue) && l.Value != 0d && !current.ContainsKey(customer))
                {
                    Write(indicator, customer, 0d);
                }
            }

            var scope = await ScopesAsync(connection, tx, [.. rows.Select(r => (int)r[1]!).Distinct()], cancellationToken);
            foreach (var row in rows)
            {
                (row[8], row[9]) = scope[(int)row[1]!];
            }

            await BulkWriter.InsertAsync(connection, tx, "indicator_values", IndicatorRows.Columns, rows, cancellationToken);
            await tx.CommitAsync(cancellationToken);
            logger.LogInformation("Ledger indicators of {Date}: {Customers} customers, {Rows} values written, {Ms} ms", Text(date), current.Count, rows.Count, watch.ElapsedMilliseconds);
            return new LedgerIndicatorSummary(date, current.Count, rows.Count, watch.Elapsed);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>Deletes the rows the step wrote for <paramref name="date"/>, inside the caller's transaction (a reopened date).</summary>
    public static async Task UndoAsync(DbConnection connection, DbTransaction tx, DateOnly date, CancellationToken cancellationToken)
    {
        var ids = await IdsAsync(connection, tx, cancellationToken);
        await DeleteAsync(connection, tx, date, ids.Values, cancellationToken);
    }

    private static Task DeleteAsync(DbConnection connection, DbTransaction tx, DateOnly date, IEnumerable<int> indicatorIds, CancellationToken cancellationToken) =>
        IndicatorRows.DeleteAsync(connection, tx, date, indicatorIds, Reference, cancellationToken);

    private static async Task<Dictionary<string, int>> IdsAsync(DbConnection connection, DbTransaction tx, CancellationToken cancellationToken)
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        await using var command = BulkWriter.Command(connection, tx,
            "SELECT \"Code\", \"Id\" FROM indicators WHERE \"Code\" IN (@a, @b, @c, @e)", "a", Codes[0], "b", Codes[1], "c", Codes[2], "e", Codes[3]);
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
        {
            ids[r.GetString(0)] = r.GetInt32(1);
        }

        return ids;
    }

    private static async Task<Dictionary<int, Current>> CurrentAsync(DbConnection connection, DbTransaction tx, DateOnly date, CancellationToken cancellationToken)
    {
        var cents = PositionColumns.StoresCents(connection);
        var current = new Dictionary<int, Current>();
        await using var command = BulkWriter.Command(connection, tx, CurrentSql, "d", date, "settled", (int)LoanStatus.Settled, "off", (int)LoanStatus.WrittenOff);
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
        {
            current[r.GetInt32(0)] = new Current(r.GetInt32(1), cents ? r.GetInt64(2) / 100m : r.GetDecimal(2), PositionColumns.Date(r, 3));
        }

        return current;
    }

    /// <summary>Each customer's latest ledger value per indicator from <paramref name="from"/> (a month end) up to the day before <paramref name="date"/>.</summary>
    private static async Task<Dictionary<(int Indicator, int Customer), Latest>> LatestAsync(DbConnection connection, DbTransaction tx, Dictionary<string, int> ids, DateOnly from, DateOnly date, CancellationToken cancellationToken)
    {
        var latest = new Dictionary<(int, int), Latest>();
        await using var command = BulkWriter.Command(connection, tx, """
            SELECT "IndicatorId", "CustomerId", "Date", "Value" FROM indicator_values
            WHERE "Date" >= @from AND "Date" < @d AND "IndicatorId" IN (@dpd, @overdue, @since) AND "Reference" = @r
            ORDER BY "Date"
            """, "from", from, "d", date, "dpd", ids[StandardIndicators.DaysPastDue], "overdue", ids[StandardIndicators.OverdueAmount],
            "since", ids[StandardIndicators.DaysSinceLastPayment], "r", Reference);
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
        {
            latest[(r.GetInt32(0), r.GetInt32(1))] = new Latest(PositionColumns.Date(r, 2), r.GetDouble(3));
        }

        return latest;
    }

    /// <summary>Each customer's latest payment date after <paramref name="after"/> up to <paramref name="date"/>, optionally for some customers only.</summary>
    private static async Task<Dictionary<int, DateOnly>> LastPaymentsAsync(DbConnection connection, DbTransaction tx, DateOnly after, DateOnly date, List<int>? customers, CancellationToken cancellationToken)
    {
        var result = new Dictionary<int, DateOnly>();
        var filter = customers is null ? "" : $" AND l.\"CustomerId\" IN ({string.Join(", ", customers.Select(c => c.ToString(CultureInfo.InvariantCulture)))})";
        var range = after == DateOnly.MinValue ? "" : " AND t.\"ValueDate\" > @after";
        await using var command = BulkWriter.Command(connection, tx, $"""
            SELECT l."CustomerId", MAX(t."ValueDate") FROM loan_transactions t JOIN loans l ON l."Id" = t."LoanId"
            WHERE t."ValueDate" <= @d AND t."Kind" IN ({PaymentKinds}){range}{filter}
            GROUP BY l."CustomerId"
            """, "d", date, "after", after);
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
        {
            result[r.GetInt32(0)] = PositionColumns.Date(r, 1);
        }

        return result;
    }

    /// <summary>Repayments of the day after which the loan still had something due unpaid, counted per customer.</summary>
    private static async Task<Dictionary<int, int>> PartialPaymentsAsync(DbConnection connection, DbTransaction tx, DateOnly date, CancellationToken cancellationToken)
    {
        var result = new Dictionary<int, int>();
        await using var command = BulkWriter.Command(connection, tx, """
            SELECT l."CustomerId", COUNT(*) FROM loan_transactions t
            JOIN loans l ON l."Id" = t."LoanId"
            JOIN loan_snapshots s ON s."LoanId" = t."LoanId" AND s."Date" = @d
            WHERE t."ValueDate" = @d AND t."Kind" = @repayment AND s."DuePrincipal" + s."DueInterest" > 0
            GROUP BY l."CustomerId"
            """, "d", date, "repayment", (int)LoanTransactionKind.Repayment);
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
        {
            result[r.GetInt32(0)] = Convert.ToInt32(r.GetValue(1), CultureInfo.InvariantCulture);
        }

        return result;
    }

    /// <summary>The organisation path and account manager of each customer (copied onto its values for the data scope).</summary>
    private static async Task<Dictionary<int, (string Path, string? Manager)>> ScopesAsync(DbConnection connection, DbTransaction tx, List<int> customers, CancellationToken cancellationToken)
    {
        var scopes = new Dictionary<int, (string, string?)>(customers.Count);
        var paths = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var batch in customers.Chunk(ScopeBatch))
        {
            await using var command = BulkWriter.Command(connection, tx,
                $"SELECT \"Id\", \"OrganisationPath\", \"AccountManagerId\" FROM customers WHERE \"Id\" IN ({string.Join(", ", batch.Select(c => c.ToString(CultureInfo.InvariantCulture)))})");
            await using var r = await command.ExecuteReaderAsync(cancellationToken);
            while (await r.ReadAsync(cancellationToken))
            {
                var path = r.GetString(1);
                if (!paths.TryGetValue(path, out var shared))
                {
                    paths[path] = shared = path;
                }

                scopes[r.GetInt32(0)] = (shared, r.IsDBNull(2) ? null : r.GetString(2));
            }
        }

        return scopes;
    }

    private static string Text(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private readonly record struct Current(int Dpd, decimal Overdue, DateOnly FirstDisbursed);

    private readonly record struct Latest(DateOnly Date, double Value);
}

/// <summary>The ledger indicators as a step of the daily close, after classification and before the warning rules.</summary>
public sealed class LedgerIndicatorsCloseStep(LedgerIndicators indicators) : ICloseStep
{
    /// <inheritdoc />
    public int Order => CloseStepOrder.LedgerIndicators;

    /// <inheritdoc />
    public string Name => "ledger-indicators";

    /// <inheritdoc />
    public Task RunAsync(DateOnly date, CancellationToken cancellationToken) => indicators.RunAsync(date, cancellationToken);

    /// <inheritdoc />
    public Task UndoAsync(DbConnection connection, DbTransaction transaction, DateOnly date, CancellationToken cancellationToken) =>
        LedgerIndicators.UndoAsync(connection, transaction, date, cancellationToken);
}
