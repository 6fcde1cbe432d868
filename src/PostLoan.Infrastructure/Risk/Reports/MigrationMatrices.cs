using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Common;
using PostLoan.Domain.Ledger.Loans;
using PostLoan.Domain.Risk;
using PostLoan.Infrastructure.Ledger.Close;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Infrastructure.Risk.Reports;

/// <summary>What the states of a migration matrix are: the five-level category (五级分类) or the DPD bucket (逾期档位).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<MigrationKind>))]
public enum MigrationKind
{
    Category,
    Dpd,
}

/// <summary>
/// A migration (transition) matrix (迁徙矩阵) between two month-ends. Row i = the state at <see cref="From"/> of loans
/// open then; column j = their state at <see cref="To"/>, with two extra columns: <c>结清/退出</c> (settled, or no
/// snapshot at <see cref="To"/>) and <c>核销</c> (written off). Counts are loans; balances are the principal
/// outstanding at <see cref="From"/>; percentages are row shares in percent, rounded to 2 decimals (half away from zero):
/// <c>percent[i][j] = round(100 × count[i][j] / Σ_j count[i][j], 2)</c>, likewise for balances; 0 for an empty row.
/// </summary>
public sealed record MigrationMatrix(
    string From, string To, DateOnly FromDate, DateOnly ToDate, MigrationKind Kind,
    IReadOnlyList<string> RowKeys, IReadOnlyList<string> RowLabels, IReadOnlyList<string> ColumnKeys, IReadOnlyList<string> ColumnLabels,
    long[][] Counts, decimal[][] Balances, decimal[][] CountPercentages, decimal[][] BalancePercentages, long[] RowCounts, decimal[] RowBalances)
{
    /// <summary>Index of the 结清/退出 column.</summary>
    public int ExitedColumn => RowKeys.Count;

    /// <summary>Index of the 核销 column.</summary>
    public int WrittenOffColumn => RowKeys.Count + 1;
}

/// <summary>
/// Computes migration matrices from <c>loan_snapshots</c> of two month-ends, within the caller's data scope (the scope
/// is applied in SQL on <c>loans</c>, like the EF query filter), optionally for an organisation subtree, a product or
/// an industry. One grouped query: exact counts and sums (integer cents on SQLite, numeric on PostgreSQL).
/// </summary>
public sealed class MigrationMatrices(PostLoanDbContext db)
{
    /// <summary>Category keys and Chinese labels (正常…损失), in the order of <see cref="FiveLevelCategory"/>.</summary>
    public static readonly IReadOnlyList<string> CategoryKeys = ["Normal", "SpecialMention", "Substandard", "Doubtful", "Loss"];

    public static readonly IReadOnlyList<string> CategoryLabels = ["正常", "关注", "次级", "可疑", "损失"];

    public static readonly IReadOnlyList<string> DpdKeys = ["M0", "M1", "M2", "M3", "M4"];

    public const string ExitedKey = "Exited";

    public const string ExitedLabel = "结清/退出";

    public const string WrittenOffKey = "WrittenOff";

    public const string WrittenOffLabel = "核销";

    /// <summary>Parses a kind: <c>category</c> (default when empty) or <c>dpd</c>.</summary>
    public static Result<MigrationKind> ParseKind(string? kind) => kind?.Trim().ToLowerInvariant() switch
    {
        null or "" or "category" => MigrationKind.Category,
        "dpd" => MigrationKind.Dpd,
        _ => Error.Validation("kind", $"'{kind}' is not a kind (category|dpd)"),
    };

    /// <summary>
    /// The matrix from month-end <paramref name="from"/> to month-end <paramref name="to"/> (yyyy-MM, from &lt; to). Both
    /// month-ends must have snapshots. Loans counted: those with a snapshot at <paramref name="from"/> whose status is
    /// neither settled nor written off, within the scope and the filter.
    /// </summary>
    public async Task<Result<MigrationMatrix>> ComputeAsync(string? from, string? to, MigrationKind kind, ReportFilter? filter = null, CancellationToken cancellationToken = default)
    {
        var fromEnd = ReportSql.MonthEnd(from, "from");
        if (!fromEnd.IsSuccess)
        {
            return fromEnd.Error!;
        }

        var toEnd = ReportSql.MonthEnd(to, "to");
        if (!toEnd.IsSuccess)
        {
            return toEnd.Error!;
        }

        if (toEnd.Value <= fromEnd.Value)
        {
            return Error.Validation("to", $"'to' ({to}) must be a later month than 'from' ({from})");
        }

        var sql = await ReportSql.BuildAsync(db, filter ?? new ReportFilter(), cancellationToken);
        if (!sql.IsSuccess)
        {
            return sql.Error!;
        }

        var (rowKeys, rowLabels) = kind switch
        {
            MigrationKind.Category => (CategoryKeys, CategoryLabels),
            MigrationKind.Dpd => (DpdKeys, DpdBuckets.Labels),
        };
        var states = rowKeys.Count;
        var columns = states + 2;
        var counts = Square<long>(states, columns);
        var balances = Square<decimal>(states, columns);

        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            foreach (var (date, field) in new[] { (fromEnd.Value, "from"), (toEnd.Value, "to") })
            {
                if (!await ReportSql.HasSnapshotsAsync(connection, date, cancellationToken))
                {
                    return Error.Validation(field, $"there are no month-end snapshots on {date:yyyy-MM-dd}");
                }
            }

            var cents = PositionColumns.StoresCents(connection);
            var filterSql = sql.Value!;
            await using var command = BulkWriter.Command(connection, null, $"""
                SELECT {State("a", kind)} AS f,
                       CASE WHEN b."LoanId" IS NULL OR b."Status" = @settled THEN {states}
                            WHEN b."Status" = @writtenOff THEN {states + 1}
                            ELSE {State("b", kind)} END AS t,
                       COUNT(*), SUM(a."PrincipalOutstanding")
                FROM loan_snapshots a
                JOIN loans l ON l."Id" = a."LoanId"
                {filterSql.CustomerJoin}
                LEFT JOIN loan_snapshots b ON b."LoanId" = a."LoanId" AND b."Date" = @to
                WHERE a."Date" = @from AND a."Status" <> @settled AND a."Status" <> @writtenOff{filterSql.Where}
                GROUP BY 1, 2
                """, filterSql.Parameters("from", fromEnd.Value, "to", toEnd.Value, "settled", (int)LoanStatus.Settled, "writtenOff", (int)LoanStatus.WrittenOff));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var (i, j) = (Convert.ToInt32(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture), Convert.ToInt32(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture));
                counts[i][j] += reader.GetInt64(2);
                balances[i][j] += ReportSql.Money(reader, 3, cents);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        var rowCounts = new long[states];
        var rowBalances = new decimal[states];
        var countShares = Square<decimal>(states, columns);
        var balanceShares = Square<decimal>(states, columns);
        for (var i = 0; i < states; i++)
        {
            rowCounts[i] = counts[i].Sum();
            rowBalances[i] = balances[i].Sum();
            for (var j = 0; j < columns; j++)
            {
                countShares[i][j] = Percent(counts[i][j], rowCounts[i]);
                balanceShares[i][j] = Percent(balances[i][j], rowBalances[i]);
            }
        }

        return new MigrationMatrix(from!, to!, fromEnd.Value, toEnd.Value, kind, rowKeys, rowLabels,
            [.. rowKeys, ExitedKey, WrittenOffKey], [.. rowLabels, ExitedLabel, WrittenOffLabel],
            counts, balances, countShares, balanceShares, rowCounts, rowBalances);
    }

    /// <summary>Months (yyyy-MM, newest first) whose month-end has snapshots, among the <paramref name="max"/> months up to the latest snapshot.</summary>
    public static async Task<List<string>> AvailableMonthsAsync(PostLoanDbContext db, int max = 36, CancellationToken cancellationToken = default)
    {
        var months = new List<string>();
        var latest = await db.LoanSnapshots.MaxAsync(s => (DateOnly?)s.Date, cancellationToken);
        if (latest is not { } last)
        {
            return months;
        }

        var end = new DateOnly(last.Year, last.Month, 1).AddMonths(1).AddDays(-1);
        for (var k = 0; k < max; k++, end = new DateOnly(end.Year, end.Month, 1).AddDays(-1))
        {
            var date = end;
            if (date <= last && await db.LoanSnapshots.AnyAsync(s => s.Date == date, cancellationToken))
            {
                months.Add(date.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return months;
    }

    /// <summary>Row share in percent, 2 decimals, half away from zero; 0 when the row is empty.</summary>
    public static decimal Percent(decimal part, decimal whole) =>
        whole == 0m ? 0m : Math.Round(100m * part / whole, 2, MidpointRounding.AwayFromZero);

    /// <summary>State index in SQL: category − 1 (0 = 正常 … 4 = 损失), or the DPD bucket of <see cref="DpdBuckets.Of"/>.</summary>
    private static string State(string alias, MigrationKind kind) => kind switch
    {
        MigrationKind.Category => $"({alias}.\"Category\" - 1)",
        MigrationKind.Dpd => ReportSql.DpdBucket(alias),
    };

    private static T[][] Square<T>(int rows, int columns)
    {
        var m = new T[rows][];
        for (var i = 0; i < rows; i++)
        {
            m[i] = new T[columns];
        }

        return m;
    }
}
