using System.Data.Common;
using System.Globalization;
using Npgsql;
using NpgsqlTypes;
using PostLoan.Domain.Ledger.Loans;
using PostLoan.Domain.Risk;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Infrastructure.Ledger.Close;

/// <summary>
/// The columns of <c>loan_positions</c> and <c>loan_snapshots</c> in one fixed order, with a reader and a writer for
/// <see cref="LoanPosition"/> that skip EF (the daily close moves a million of them).
/// </summary>
public static class PositionColumns
{
    public static readonly IReadOnlyList<BulkColumn> All =
    [
        new("LoanId", typeof(long)), new("Date", typeof(DateOnly)), new("ClosedThrough", typeof(DateOnly)), new("StartedThrough", typeof(DateOnly)),
        new("Status", typeof(int)), new("AnnualRate", typeof(decimal)), new("PrincipalOutstanding", typeof(decimal)), new("PrincipalNotDue", typeof(decimal)),
        new("DuePrincipal", typeof(decimal)), new("DueInterest", typeof(decimal)), new("DueTodayPrincipal", typeof(decimal)), new("DueTodayInterest", typeof(decimal)),
        new("OldestUnpaidDue", typeof(DateOnly?)), new("LastDueDate", typeof(DateOnly)), new("NextPeriod", typeof(int)), new("NextDueDate", typeof(DateOnly?)),
        new("NextPrincipal", typeof(decimal)), new("NextInterest", typeof(decimal)), new("PenaltyAccrued", typeof(decimal)), new("CompoundAccrued", typeof(decimal)),
        new("PenaltyPending", typeof(decimal)), new("CompoundPending", typeof(decimal)), new("PenaltyPaid", typeof(decimal)), new("CompoundPaid", typeof(decimal)),
        new("InterestAccrued", typeof(decimal)), new("RevolvingInterestExact", typeof(decimal)), new("InterestBooked", typeof(decimal)), new("ChargesBooked", typeof(decimal)),
        new("LastInterestAccrual", typeof(decimal)), new("LastChargesAccrual", typeof(decimal)), new("DaysPastDue", typeof(int)), new("Category", typeof(int)),
        new("Stage", typeof(int)), new("OverduePrincipal", typeof(decimal)), new("OverdueInterest", typeof(decimal)), new("PenaltyUnpaid", typeof(decimal)),
        new("CompoundUnpaid", typeof(decimal)),
    ];

    /// <summary>Columns holding whole cents (integers of cents on SQLite); the others are exact decimals, dates or codes.</summary>
    public static readonly IReadOnlySet<string> CentColumns = new HashSet<string>(StringComparer.Ordinal)
    {
        "PrincipalOutstanding", "PrincipalNotDue", "DuePrincipal", "DueInterest", "DueTodayPrincipal", "DueTodayInterest", "NextPrincipal",
        "NextInterest", "PenaltyPaid", "CompoundPaid", "InterestAccrued", "InterestBooked", "ChargesBooked", "LastInterestAccrual",
        "LastChargesAccrual", "OverduePrincipal", "OverdueInterest", "PenaltyUnpaid", "CompoundUnpaid",
    };

    /// <summary>The column list, each quoted and prefixed with <paramref name="alias"/>.</summary>
    public static string List(string? alias = null) =>
        string.Join(", ", All.Select(c => (alias is null ? "" : alias + ".") + BulkWriter.Quote(c.Name)));

    /// <summary>Reads the position starting at column <paramref name="first"/>; product rules come from the loan.</summary>
    public static LoanPosition Read(DbDataReader r, int first, decimal penaltyMarkup, int graceDays, bool revolving, bool cents)
    {
        decimal M(int ordinal) => cents ? r.GetInt64(ordinal) / 100m : r.GetDecimal(ordinal);

        var i = first + 3; // LoanId, Date (= ClosedThrough), ClosedThrough come first
        return new LoanPosition
        {
            LoanId = r.GetInt64(first),
            PenaltyMarkup = penaltyMarkup,
            GraceDays = graceDays,
            Revolving = revolving,
            ClosedThrough = Date(r, first + 2),
            StartedThrough = Date(r, i++),
            Status = (LoanStatus)r.GetInt32(i++),
            AnnualRate = r.GetDecimal(i++),
            PrincipalOutstanding = M(i++),
            PrincipalNotDue = M(i++),
            DuePrincipal = M(i++),
            DueInterest = M(i++),
            DueTodayPrincipal = M(i++),
            DueTodayInterest = M(i++),
            OldestUnpaidDue = r.IsDBNull(i++) ? DateOnly.MinValue : Date(r, i - 1),
            LastDueDate = Date(r, i++),
            NextPeriod = r.GetInt32(i++),
            NextDueDate = r.IsDBNull(i++) ? DateOnly.MaxValue : Date(r, i - 1),
            NextPrincipal = M(i++),
            NextInterest = M(i++),
            PenaltyAccrued = r.GetDecimal(i++),
            CompoundAccrued = r.GetDecimal(i++),
            PenaltyPending = r.GetDecimal(i++),
            CompoundPending = r.GetDecimal(i++),
            PenaltyPaid = M(i++),
            CompoundPaid = M(i++),
            InterestAccrued = M(i++),
            RevolvingInterestExact = r.GetDecimal(i++),
            InterestBooked = M(i++),
            ChargesBooked = M(i++),
            LastInterestAccrual = M(i++),
            LastChargesAccrual = M(i++),
            DaysPastDue = r.GetInt32(i++),
            Category = (FiveLevelCategory)r.GetInt32(i++),
            Stage = (Ifrs9Stage)r.GetInt32(i),
        };
    }

    /// <summary>Column count of <see cref="All"/>.</summary>
    public static int Count => All.Count;

    /// <summary>The row values of <paramref name="p"/> in column order, for <see cref="BulkWriter"/>.</summary>
    public static object?[] Values(in LoanPosition p, bool cents)
    {
        object M(decimal amount) => cents ? decimal.ToInt64(amount * 100m) : amount;
        return
        [
            p.LoanId, p.ClosedThrough, p.ClosedThrough, p.StartedThrough, (int)p.Status, p.AnnualRate, M(p.PrincipalOutstanding), M(p.PrincipalNotDue),
            M(p.DuePrincipal), M(p.DueInterest), M(p.DueTodayPrincipal), M(p.DueTodayInterest),
            p.OldestUnpaidDue == DateOnly.MinValue ? null : p.OldestUnpaidDue, p.LastDueDate, p.NextPeriod, p.NextDueDate == DateOnly.MaxValue ? null : p.NextDueDate,
            M(p.NextPrincipal), M(p.NextInterest), p.PenaltyAccrued, p.CompoundAccrued, p.PenaltyPending, p.CompoundPending, M(p.PenaltyPaid), M(p.CompoundPaid),
            M(p.InterestAccrued), p.RevolvingInterestExact, M(p.InterestBooked), M(p.ChargesBooked), M(p.LastInterestAccrual), M(p.LastChargesAccrual),
            p.DaysPastDue, (int)p.Category, (int)p.Stage, M(p.OverduePrincipal), M(p.OverdueInterest), M(p.PenaltyUnpaid), M(p.CompoundUnpaid),
        ];
    }

    /// <summary>Binds <paramref name="p"/> to a SQLite insert in the order of <see cref="All"/> (cent columns as whole cents), without boxing.</summary>
    public static void Bind(SqliteRow row, in LoanPosition p)
    {
        var i = 0;
        row.Integer(i++, p.LoanId);
        row.Date(i++, p.ClosedThrough);
        row.Date(i++, p.ClosedThrough);
        row.Date(i++, p.StartedThrough);
        row.Integer(i++, (int)p.Status);
        row.Decimal(i++, p.AnnualRate);
        row.Cents(i++, p.PrincipalOutstanding);
        row.Cents(i++, p.PrincipalNotDue);
        row.Cents(i++, p.DuePrincipal);
        row.Cents(i++, p.DueInterest);
        row.Cents(i++, p.DueTodayPrincipal);
        row.Cents(i++, p.DueTodayInterest);
        row.Date(i++, p.OldestUnpaidDue == DateOnly.MinValue ? null : p.OldestUnpaidDue);
        row.Date(i++, p.LastDueDate);
        row.Integer(i++, p.NextPeriod);
        row.Date(i++, p.NextDueDate == DateOnly.MaxValue ? null : p.NextDueDate);
        row.Cents(i++, p.NextPrincipal);
        row.Cents(i++, p.NextInterest);
        row.Decimal(i++, p.PenaltyAccrued);
        row.Decimal(i++, p.CompoundAccrued);
        row.Decimal(i++, p.PenaltyPending);
        row.Decimal(i++, p.CompoundPending);
        row.Cents(i++, p.PenaltyPaid);
        row.Cents(i++, p.CompoundPaid);
        row.Cents(i++, p.InterestAccrued);
        row.Decimal(i++, p.RevolvingInterestExact);
        row.Cents(i++, p.InterestBooked);
        row.Cents(i++, p.ChargesBooked);
        row.Cents(i++, p.LastInterestAccrual);
        row.Cents(i++, p.LastChargesAccrual);
        row.Integer(i++, p.DaysPastDue);
        row.Integer(i++, (int)p.Category);
        row.Integer(i++, (int)p.Stage);
        row.Cents(i++, p.OverduePrincipal);
        row.Cents(i++, p.OverdueInterest);
        row.Cents(i++, p.PenaltyUnpaid);
        row.Cents(i, p.CompoundUnpaid);
    }

    /// <summary>Writes <paramref name="p"/> to a PostgreSQL binary COPY in the order of <see cref="All"/>, typed (no boxing).</summary>
    public static void Write(NpgsqlBinaryImporter row, in LoanPosition p)
    {
        row.Write(p.LoanId, NpgsqlDbType.Bigint);
        row.Write(p.ClosedThrough, NpgsqlDbType.Date);
        row.Write(p.ClosedThrough, NpgsqlDbType.Date);
        row.Write(p.StartedThrough, NpgsqlDbType.Date);
        row.Write((int)p.Status, NpgsqlDbType.Integer);
        row.Write(p.AnnualRate, NpgsqlDbType.Numeric);
        row.Write(p.PrincipalOutstanding, NpgsqlDbType.Numeric);
        row.Write(p.PrincipalNotDue, NpgsqlDbType.Numeric);
        row.Write(p.DuePrincipal, NpgsqlDbType.Numeric);
        row.Write(p.DueInterest, NpgsqlDbType.Numeric);
        row.Write(p.DueTodayPrincipal, NpgsqlDbType.Numeric);
        row.Write(p.DueTodayInterest, NpgsqlDbType.Numeric);
        WriteDate(row, p.OldestUnpaidDue == DateOnly.MinValue ? null : p.OldestUnpaidDue);
        row.Write(p.LastDueDate, NpgsqlDbType.Date);
        row.Write(p.NextPeriod, NpgsqlDbType.Integer);
        WriteDate(row, p.NextDueDate == DateOnly.MaxValue ? null : p.NextDueDate);
        row.Write(p.NextPrincipal, NpgsqlDbType.Numeric);
        row.Write(p.NextInterest, NpgsqlDbType.Numeric);
        row.Write(p.PenaltyAccrued, NpgsqlDbType.Numeric);
        row.Write(p.CompoundAccrued, NpgsqlDbType.Numeric);
        row.Write(p.PenaltyPending, NpgsqlDbType.Numeric);
        row.Write(p.CompoundPending, NpgsqlDbType.Numeric);
        row.Write(p.PenaltyPaid, NpgsqlDbType.Numeric);
        row.Write(p.CompoundPaid, NpgsqlDbType.Numeric);
        row.Write(p.InterestAccrued, NpgsqlDbType.Numeric);
        row.Write(p.RevolvingInterestExact, NpgsqlDbType.Numeric);
        row.Write(p.InterestBooked, NpgsqlDbType.Numeric);
        row.Write(p.ChargesBooked, NpgsqlDbType.Numeric);
        row.Write(p.LastInterestAccrual, NpgsqlDbType.Numeric);
        row.Write(p.LastChargesAccrual, NpgsqlDbType.Numeric);
        row.Write(p.DaysPastDue, NpgsqlDbType.Integer);
        row.Write((int)p.Category, NpgsqlDbType.Integer);
        row.Write((int)p.Stage, NpgsqlDbType.Integer);
        row.Write(p.OverduePrincipal, NpgsqlDbType.Numeric);
        row.Write(p.OverdueInterest, NpgsqlDbType.Numeric);
        row.Write(p.PenaltyUnpaid, NpgsqlDbType.Numeric);
        row.Write(p.CompoundUnpaid, NpgsqlDbType.Numeric);
    }

    private static void WriteDate(NpgsqlBinaryImporter row, DateOnly? date)
    {
        if (date is { } value)
        {
            row.Write(value, NpgsqlDbType.Date);
        }
        else
        {
            row.WriteNull();
        }
    }

    /// <summary>Whether <paramref name="connection"/> stores cent columns as integers of cents (SQLite).</summary>
    public static bool StoresCents(DbConnection connection) => connection is Microsoft.Data.Sqlite.SqliteConnection;

    /// <summary>
    /// Runs <paramref name="read"/> (a read over the whole book of the date) on PostgreSQL with nested-loop joins off
    /// and room for its hash tables in memory, then puts both settings back. Right after the chunks the planner's
    /// statistics still describe the day before (no position closed through the date, no snapshot of it), so it
    /// estimates a handful of rows and probes an index once per loan; hash joins over the million rows are several
    /// times faster. Analysing the tables first would cost more than the reads. Parallel workers and JIT compilation are
    /// off too: the close's steps run side by side on the same cores, where a parallel plan only adds processes that
    /// each build the same hash table (measured at 1M: 2.0 s with three processes, 1.4 s with one), and compiling
    /// costs ~100 ms a query. SQLite is left alone.
    /// </summary>
    public static async Task<T> WholeBookAsync<T>(DbConnection connection, DbTransaction tx, Func<Task<T>> read, CancellationToken cancellationToken)
    {
        if (connection is not Npgsql.NpgsqlConnection)
        {
            return await read();
        }

        await SetLocalAsync(connection, tx, "SET LOCAL enable_nestloop = off; SET LOCAL work_mem = '256MB'; " + SerialPlans, cancellationToken);
        var result = await read();
        await SetLocalAsync(connection, tx, "SET LOCAL enable_nestloop TO DEFAULT; SET LOCAL work_mem TO DEFAULT; SET LOCAL max_parallel_workers_per_gather TO DEFAULT; SET LOCAL jit TO DEFAULT", cancellationToken);
        return result;
    }

    /// <summary>
    /// For the rest of the transaction on PostgreSQL: no parallel workers and no JIT compilation (see
    /// <see cref="WholeBookAsync"/>). For a close step that runs beside the others. SQLite is left alone.
    /// </summary>
    public static Task SerialPlansAsync(DbConnection connection, DbTransaction tx, CancellationToken cancellationToken) =>
        connection is Npgsql.NpgsqlConnection
            ? SetLocalAsync(connection, tx, SerialPlans, cancellationToken)
            : Task.CompletedTask;

    private const string SerialPlans = "SET LOCAL max_parallel_workers_per_gather = 0; SET LOCAL jit = off";

    private static async Task SetLocalAsync(DbConnection connection, DbTransaction tx, string settings, CancellationToken cancellationToken)
    {
        await using var command = BulkWriter.Command(connection, tx, settings);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Reads a date stored by EF: <c>date</c> on PostgreSQL, ISO text on SQLite.</summary>
    public static DateOnly Date(DbDataReader r, int ordinal)
    {
        if (r is not Microsoft.Data.Sqlite.SqliteDataReader)
        {
            return r.GetFieldValue<DateOnly>(ordinal);
        }

        var text = r.GetString(ordinal);
        if (text.Length == 10 && text[4] == '-' && text[7] == '-')
        {
            return new DateOnly(Digits(text, 0, 4), Digits(text, 5, 2), Digits(text, 8, 2));
        }

        return DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);
    }

    private static int Digits(string text, int start, int count)
    {
        var value = 0;
        for (var i = start; i < start + count; i++)
        {
            value = value * 10 + (text[i] - '0');
        }

        return value;
    }
}
