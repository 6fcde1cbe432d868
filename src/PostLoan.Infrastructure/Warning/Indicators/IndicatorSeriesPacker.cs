using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;
using PostLoan.Infrastructure.Persistence;
using SQLitePCL;

namespace PostLoan.Infrastructure.Warning.Indicators;

/// <summary>
/// Keeps <c>indicator_series</c> (one packed row per customer, <see cref="PackedSeries"/>) in step with
/// <c>indicator_values</c>. Triggers on <c>indicator_values</c> note every customer whose values were inserted, changed or
/// deleted in <c>indicator_series_stale</c>, whoever wrote them (the close, imports, events, an undo); a refresh repacks
/// exactly those customers from their values, in one transaction. Whole-book readers (the nightly rule run, backtests)
/// refresh first, so they always read what <c>indicator_values</c> holds; writers of large batches (imports) may refresh
/// right after their commit so the night does not pay for them.
/// </summary>
/// <remarks>
/// Concurrency: the stale marks are taken (deleted) before the values are read, so a value committed meanwhile marks its
/// customer again for the next refresh; on PostgreSQL refreshes are serialised by a transaction-scoped advisory lock.
/// </remarks>
public static class IndicatorSeriesPacker
{
    /// <summary>The advisory lock key of the refresh on PostgreSQL.</summary>
    private const long LockKey = 0x5053_4552_4945_53; // "PSERIES"

    /// <summary>Repacks every stale customer; returns how many. Opens its own transaction on <paramref name="connection"/>.</summary>
    public static async Task<int> RefreshAsync(DbConnection connection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using (var any = BulkWriter.Command(connection, null, "SELECT EXISTS (SELECT 1 FROM indicator_series_stale)"))
        {
            if (!Convert.ToBoolean(await any.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture))
            {
                return 0;
            }
        }

        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        var count = connection is NpgsqlConnection npgsql
            ? await RefreshPostgresAsync(npgsql, (NpgsqlTransaction)tx, cancellationToken)
            : await RefreshSqliteAsync((SqliteConnection)connection, tx, cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return count;
    }

    private static readonly BulkColumn[] Columns = [new("CustomerId", typeof(int)), new("Data", typeof(byte[]))];

    private static async Task<int> RefreshSqliteAsync(SqliteConnection connection, DbTransaction tx, CancellationToken cancellationToken)
    {
        var db = connection.Handle ?? throw new InvalidOperationException("the SQLite connection is not open");
        Execute(db, "CREATE TEMP TABLE IF NOT EXISTS refreshing_series (\"CustomerId\" INTEGER PRIMARY KEY)");
        Execute(db, "DELETE FROM refreshing_series");
        Execute(db, "INSERT INTO refreshing_series SELECT \"CustomerId\" FROM indicator_series_stale");
        Execute(db, "DELETE FROM indicator_series_stale");
        Execute(db, "DELETE FROM indicator_series WHERE \"CustomerId\" IN (SELECT \"CustomerId\" FROM refreshing_series)");
        // CROSS JOIN keeps the stale customers as the outer loop (SQLite's planner would otherwise scan every value), and
        // ordering by r."CustomerId" lets it see that the rows already come in order (no sort). The packed rows are written
        // while the values are read (one connection, two statements).
        var values = SqliteRows.Each(connection, $"""
            SELECT v."CustomerId", v."IndicatorId", v."Date", v."Value" FROM refreshing_series r
            CROSS JOIN indicator_values v INDEXED BY {PostLoanDbContext.IndicatorSeriesIndex} ON v."CustomerId" = r."CustomerId"
            ORDER BY r."CustomerId", v."IndicatorId", v."Date", v."Id"
            """).Select(row => (raw.sqlite3_column_int(row, 0), raw.sqlite3_column_int(row, 1), SqliteRows.Date(row, 2).DayNumber, raw.sqlite3_column_double(row, 3)));
        var count = await BulkWriter.InsertAsync(connection, tx, "indicator_series", Columns, Packed(values), cancellationToken);
        Execute(db, "DELETE FROM refreshing_series");
        return count;
    }

    private static async Task<int> RefreshPostgresAsync(NpgsqlConnection connection, NpgsqlTransaction tx, CancellationToken cancellationToken)
    {
        await using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@k)", connection, tx))
        {
            command.Parameters.AddWithValue("k", LockKey);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        var stale = new List<int>();
        await using (var command = new NpgsqlCommand("DELETE FROM indicator_series_stale RETURNING \"CustomerId\"", connection, tx))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                stale.Add(reader.GetInt32(0));
            }
        }

        if (stale.Count == 0)
        {
            return 0;
        }

        var ids = stale.ToArray();
        await using (var command = new NpgsqlCommand("DELETE FROM indicator_series WHERE \"CustomerId\" = ANY(@ids)", connection, tx))
        {
            command.Parameters.AddWithValue("ids", ids);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        // One command at a time on a connection: the values are read in full before the packed rows are copied in.
        var values = new List<(int, int, int, double)>();
        await using (var command = new NpgsqlCommand(
            "SELECT \"CustomerId\", \"IndicatorId\", \"Date\", \"Value\" FROM indicator_values WHERE \"CustomerId\" = ANY(@ids) ORDER BY \"CustomerId\", \"IndicatorId\", \"Date\", \"Id\"",
            connection, tx))
        {
            command.Parameters.AddWithValue("ids", ids);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                values.Add((reader.GetInt32(0), reader.GetInt32(1), reader.GetFieldValue<DateOnly>(2).DayNumber, reader.GetDouble(3)));
            }
        }

        return await BulkWriter.InsertAsync(connection, tx, "indicator_series", Columns, Packed(values), cancellationToken);
    }

    /// <summary>One (customer, packed data) row per customer of <paramref name="values"/> (ordered by customer, indicator, date, id).</summary>
    private static IEnumerable<object?[]> Packed(IEnumerable<(int Customer, int Indicator, int Day, double Value)> values)
    {
        var rows = new List<(int, int, double)>();
        var current = -1;
        foreach (var (customer, indicator, day, value) in values)
        {
            if (customer != current && rows.Count > 0)
            {
                yield return [current, PackedSeries.Pack(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(rows))];
                rows.Clear();
            }

            current = customer;
            rows.Add((indicator, day, value));
        }

        if (rows.Count > 0)
        {
            yield return [current, PackedSeries.Pack(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(rows))];
        }
    }

    private static void Execute(sqlite3 db, string sql) => BulkWriter.Check(db, raw.sqlite3_exec(db, sql));
}
