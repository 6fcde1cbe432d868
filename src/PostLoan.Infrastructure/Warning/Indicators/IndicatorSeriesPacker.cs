using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;
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
        int count;
        if (connection is NpgsqlConnection npgsql)
        {
            count = await RefreshPostgresAsync(npgsql, (NpgsqlTransaction)tx, cancellationToken);
        }
        else
        {
            count = RefreshSqlite((SqliteConnection)connection);
        }

        await tx.CommitAsync(cancellationToken);
        return count;
    }

    private static int RefreshSqlite(SqliteConnection connection)
    {
        var db = connection.Handle ?? throw new InvalidOperationException("the SQLite connection is not open");
        Execute(db, "CREATE TEMP TABLE IF NOT EXISTS refreshing_series (\"CustomerId\" INTEGER PRIMARY KEY)");
        Execute(db, "DELETE FROM refreshing_series");
        Execute(db, "INSERT INTO refreshing_series SELECT \"CustomerId\" FROM indicator_series_stale");
        Execute(db, "DELETE FROM indicator_series_stale");
        Execute(db, "DELETE FROM indicator_series WHERE \"CustomerId\" IN (SELECT \"CustomerId\" FROM refreshing_series)");
        // CROSS JOIN keeps the stale customers as the outer loop (SQLite's planner would otherwise scan every value), and
        // ordering by r."CustomerId" lets it see that the rows already come in order (no sort).
        const string Values = """
            SELECT v."CustomerId", v."IndicatorId", v."Date", v."Value" FROM refreshing_series r
            CROSS JOIN indicator_values v INDEXED BY ix_indicator_values_series ON v."CustomerId" = r."CustomerId"
            ORDER BY r."CustomerId", v."IndicatorId", v."Date", v."Id"
            """;
        BulkWriter.Check(db, raw.sqlite3_prepare_v2(db, Values, out var read));
        BulkWriter.Check(db, raw.sqlite3_prepare_v2(db, "INSERT INTO indicator_series (\"CustomerId\", \"Data\") VALUES (?1, ?2)", out var write));
        var count = 0;
        try
        {
            var rows = new List<(int, int, double)>();
            var current = -1;
            void Flush()
            {
                if (rows.Count == 0)
                {
                    return;
                }

                BulkWriter.Check(db, raw.sqlite3_bind_int(write, 1, current));
                BulkWriter.Check(db, raw.sqlite3_bind_blob(write, 2, PackedSeries.Pack(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(rows))));
                var rc = raw.sqlite3_step(write);
                raw.sqlite3_reset(write);
                if (rc != raw.SQLITE_DONE)
                {
                    BulkWriter.Check(db, rc);
                }

                rows.Clear();
                count++;
            }

            int step;
            while ((step = raw.sqlite3_step(read)) == raw.SQLITE_ROW)
            {
                var customer = raw.sqlite3_column_int(read, 0);
                if (customer != current)
                {
                    Flush();
                    current = customer;
                }

                rows.Add((raw.sqlite3_column_int(read, 1), DayNumber(raw.sqlite3_column_blob(read, 2)), raw.sqlite3_column_double(read, 3)));
            }

            if (step != raw.SQLITE_DONE)
            {
                BulkWriter.Check(db, step);
            }

            Flush();
        }
        finally
        {
            raw.sqlite3_finalize(read);
            raw.sqlite3_finalize(write);
        }

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

        var packed = new List<(int Customer, byte[] Data)>();
        await using (var command = new NpgsqlCommand(
            "SELECT \"CustomerId\", \"IndicatorId\", \"Date\", \"Value\" FROM indicator_values WHERE \"CustomerId\" = ANY(@ids) ORDER BY \"CustomerId\", \"IndicatorId\", \"Date\", \"Id\"",
            connection, tx))
        {
            command.Parameters.AddWithValue("ids", ids);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var rows = new List<(int, int, double)>();
            var current = -1;
            while (await reader.ReadAsync(cancellationToken))
            {
                var customer = reader.GetInt32(0);
                if (customer != current && rows.Count > 0)
                {
                    packed.Add((current, PackedSeries.Pack(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(rows))));
                    rows.Clear();
                }

                current = customer;
                rows.Add((reader.GetInt32(1), reader.GetFieldValue<DateOnly>(2).DayNumber, reader.GetDouble(3)));
            }

            if (rows.Count > 0)
            {
                packed.Add((current, PackedSeries.Pack(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(rows))));
            }
        }

        await using (var importer = await connection.BeginBinaryImportAsync("COPY indicator_series (\"CustomerId\", \"Data\") FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var (customer, data) in packed)
            {
                await importer.StartRowAsync(cancellationToken);
                await importer.WriteAsync(customer, NpgsqlDbType.Integer, cancellationToken);
                await importer.WriteAsync(data, NpgsqlDbType.Bytea, cancellationToken);
            }

            await importer.CompleteAsync(cancellationToken);
        }

        return packed.Count;
    }

    /// <summary>The day number of a <c>yyyy-MM-dd</c> date as SQLite stores it.</summary>
    internal static int DayNumber(ReadOnlySpan<byte> text) =>
        new DateOnly(Digits(text, 0, 4), Digits(text, 5, 2), Digits(text, 8, 2)).DayNumber;

    private static int Digits(ReadOnlySpan<byte> text, int start, int length)
    {
        var value = 0;
        for (var i = start; i < start + length; i++)
        {
            value = (value * 10) + (text[i] - '0');
        }

        return value;
    }

    private static void Execute(sqlite3 db, string sql) => BulkWriter.Check(db, raw.sqlite3_exec(db, sql));
}
