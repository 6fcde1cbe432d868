using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace PostLoan.Infrastructure.Persistence;

/// <summary>
/// Reads large results through SQLite's own API, without an ADO.NET reader or a string per column: the whole-book reads of
/// the nightly rule run (customers, packed series, active signals, industry medians) and the series packer.
/// </summary>
public static class SqliteRows
{
    /// <summary>
    /// Prepares <paramref name="sql"/> on the open connection (inside its transaction, if any), binds it with
    /// <paramref name="bind"/> and yields the statement positioned on each row in turn; finalized when the enumeration ends.
    /// </summary>
    public static IEnumerable<sqlite3_stmt> Each(SqliteConnection connection, string sql, Action<sqlite3, sqlite3_stmt>? bind = null)
    {
        var db = connection.Handle ?? throw new InvalidOperationException("the SQLite connection is not open");
        BulkWriter.Check(db, raw.sqlite3_prepare_v2(db, sql, out var statement));
        try
        {
            bind?.Invoke(db, statement);
            int rc;
            while ((rc = raw.sqlite3_step(statement)) == raw.SQLITE_ROW)
            {
                yield return statement;
            }

            if (rc != raw.SQLITE_DONE)
            {
                BulkWriter.Check(db, rc);
            }
        }
        finally
        {
            raw.sqlite3_finalize(statement);
        }
    }

    /// <summary>A date column as EF stores it on SQLite (<c>yyyy-MM-dd</c> text), without making a string.</summary>
    public static DateOnly Date(sqlite3_stmt statement, int column)
    {
        var text = raw.sqlite3_column_blob(statement, column);
        return new DateOnly(Digits(text, 0, 4), Digits(text, 5, 2), Digits(text, 8, 2));
    }

    private static int Digits(ReadOnlySpan<byte> text, int start, int length)
    {
        var value = 0;
        for (var i = start; i < start + length; i++)
        {
            value = (value * 10) + (text[i] - '0');
        }

        return value;
    }
}
