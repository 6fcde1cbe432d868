using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Npgsql;
using NpgsqlTypes;
using SQLitePCL;

namespace PostLoan.Infrastructure.Persistence;

/// <summary>A column of a bulk write: its name in the table and the CLR type of its values.</summary>
public sealed record BulkColumn(string Name, Type Type);

/// <summary>
/// Writes many rows without EF change tracking, inside the caller's transaction: PostgreSQL binary COPY, or one
/// prepared INSERT of several rows re-executed on SQLite. Values are stored exactly as the EF model stores them
/// (enums as integers, SQLite instants as binary ticks, SQLite decimals and dates as invariant text), so EF reads
/// what this writes. Used by imports, the daily close and telemetry ingest.
/// </summary>
public static class BulkWriter
{
    private static readonly DateTimeOffsetToBinaryConverter SqliteInstant = new();

    public static async Task<int> InsertAsync(DbConnection connection, DbTransaction transaction, string table, IReadOnlyList<BulkColumn> columns, IEnumerable<object?[]> rows, CancellationToken cancellationToken = default)
    {
        var columnList = string.Join(", ", columns.Select(c => Quote(c.Name)));
        return connection switch
        {
            NpgsqlConnection npgsql => await CopyAsync(npgsql, table, columnList, columns, rows, cancellationToken),
            // A SQLite transaction belongs to the connection: the prepared statement runs inside the caller's one.
            SqliteConnection sqlite => InsertSqlite(sqlite, table, columns, Checked(rows, table, columns.Count), BindValues),
            _ => throw new NotSupportedException($"bulk writes are not implemented for {connection.GetType().Name}"),
        };
    }

    /// <summary>A command in <paramref name="tx"/> with <c>@name</c> parameters given as name, value pairs (values stored as EF stores them).</summary>
    public static DbCommand Command(DbConnection connection, DbTransaction? tx, string sql, params object?[] namesAndValues)
    {
        var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        var sqlite = connection is SqliteConnection;
        for (var k = 0; k + 1 < namesAndValues.Length; k += 2)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@" + (string)namesAndValues[k]!;
            parameter.Value = sqlite ? SqliteValue(namesAndValues[k + 1]) : PostgresValue(namesAndValues[k + 1]);
            command.Parameters.Add(parameter);
        }

        return command;
    }

    /// <summary>
    /// Executes one prepared statement with <c>@p0…@pN</c> parameters once per row, inside the caller's transaction (the
    /// nightly classification's updates, a few per loan that changed); a row's values after the first
    /// <paramref name="parameterCount"/> are not used. Returns the rows affected.
    /// </summary>
    public static async Task<int> ExecuteEachAsync(DbConnection connection, DbTransaction tx, string sql, int parameterCount, IEnumerable<object?[]> rows, CancellationToken cancellationToken = default)
    {
        if (connection is NpgsqlConnection npgsql)
        {
            return await ExecuteBatchedAsync(npgsql, (NpgsqlTransaction)tx, sql, parameterCount, rows, cancellationToken);
        }

        if (connection is SqliteConnection sqlite)
        {
            // The statement prepared once and stepped per row through SQLite's own API, its @p0…@pN found once.
            return StepEachSqlite(sqlite, sql, rows, (SqliteRow target, in object?[] row) =>
            {
                if (row.Length < parameterCount)
                {
                    throw new ArgumentException($"a row has {row.Length} values for {parameterCount} parameters", nameof(rows));
                }

                BindValues(target, row, parameterCount);
            }, statement => [.. Enumerable.Range(0, parameterCount).Select(i =>
                raw.sqlite3_bind_parameter_index(statement, "@p" + i.ToString(CultureInfo.InvariantCulture)) is var index and > 0
                    ? index
                    : throw new ArgumentException($"the statement has no parameter @p{i}", nameof(sql)))]);
        }

        throw new NotSupportedException($"statements per row are not implemented for {connection.GetType().Name}");
    }

    /// <summary>Statements per round trip to PostgreSQL in <see cref="ExecuteEachAsync"/>.</summary>
    private const int StatementsPerBatch = 500;

    /// <summary>
    /// PostgreSQL: the statements go in batches of <see cref="StatementsPerBatch"/> per round trip (one network wait per batch
    /// instead of per row; the server still runs them one by one, in order, inside the transaction).
    /// </summary>
    private static async Task<int> ExecuteBatchedAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, int parameterCount, IEnumerable<object?[]> rows, CancellationToken cancellationToken)
    {
        // Positional parameters ($1…) let Npgsql send the statement as written, without rewriting each copy.
        var positional = sql;
        for (var i = parameterCount - 1; i >= 0; i--)
        {
            positional = positional.Replace("@p" + i.ToString(CultureInfo.InvariantCulture), "$" + (i + 1).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        }

        var affected = 0;
        foreach (var chunk in rows.Chunk(StatementsPerBatch))
        {
            await using var batch = new NpgsqlBatch(connection, tx);
            foreach (var row in chunk)
            {
                var command = new NpgsqlBatchCommand(positional);
                for (var i = 0; i < parameterCount; i++)
                {
                    command.Parameters.Add(new NpgsqlParameter { Value = PostgresValue(row[i]) });
                }

                batch.BatchCommands.Add(command);
            }

            affected += await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        return affected;
    }

    /// <summary>
    /// After rows were written with explicit ids, moves PostgreSQL's identity sequences of <paramref name="tables"/> past
    /// them (SQLite needs nothing: it continues from the largest id).
    /// </summary>
    public static async Task ResetIdentitiesAsync(DbConnection connection, DbTransaction? tx, CancellationToken cancellationToken, params string[] tables)
    {
        if (connection is not NpgsqlConnection)
        {
            return;
        }

        foreach (var table in tables)
        {
            await using var sequence = Command(connection, tx,
                $"SELECT setval(pg_get_serial_sequence('{table}', 'Id'), (SELECT MAX(\"Id\") FROM {Quote(table)}))");
            await sequence.ExecuteScalarAsync(cancellationToken);
        }
    }

    /// <summary>Quotes an identifier the same way on both providers.</summary>
    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static async Task<int> CopyAsync(NpgsqlConnection connection, string table, string columnList, IReadOnlyList<BulkColumn> columns, IEnumerable<object?[]> rows, CancellationToken cancellationToken)
    {
        var types = columns.Select(c => PostgresType(c.Type)).ToArray();
        var count = 0;
        await using var importer = await connection.BeginBinaryImportAsync($"COPY {Quote(table)} ({columnList}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var row in rows)
        {
            await importer.StartRowAsync(cancellationToken);
            for (var i = 0; i < types.Length; i++)
            {
                var value = row[i];
                if (value is null)
                {
                    await importer.WriteNullAsync(cancellationToken);
                }
                else
                {
                    await importer.WriteAsync(PostgresValue(value), types[i], cancellationToken); // enums as integers
                }
            }

            count++;
        }

        await importer.CompleteAsync(cancellationToken);
        return count;
    }

    /// <summary>
    /// Binary COPY of <paramref name="items"/> into <paramref name="table"/> on PostgreSQL, <paramref name="write"/>
    /// writing each row's values in column order with typed, synchronous writes (no boxing, no converter lookup per
    /// value: a million snapshot rows a night). The connection's open transaction applies.
    /// </summary>
    public static async Task<int> CopyPostgresAsync<T>(NpgsqlConnection connection, string table, IReadOnlyList<BulkColumn> columns, IEnumerable<T> items, PostgresRowWriter<T> write, CancellationToken cancellationToken)
    {
        var count = 0;
        await using var importer = await connection.BeginBinaryImportAsync(
            $"COPY {Quote(table)} ({string.Join(", ", columns.Select(c => Quote(c.Name)))}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var item in items)
        {
            importer.StartRow();
            write(importer, item);
            count++;
        }

        await importer.CompleteAsync(cancellationToken);
        return count;
    }

    /// <summary>
    /// The rows, each checked to have a value per column: in a statement of several rows a missing value would take what
    /// the same place had bound 32 rows before, and an extra one the next row's first column.
    /// </summary>
    private static IEnumerable<object?[]> Checked(IEnumerable<object?[]> rows, string table, int columns)
    {
        var number = 0;
        foreach (var row in rows)
        {
            number++;
            if (row.Length != columns)
            {
                throw new ArgumentException($"row {number} for {table} has {row.Length} values for {columns} columns", nameof(rows));
            }

            yield return row;
        }
    }

    /// <summary>Binds a row's values (what equals the previous row's stays bound: <see cref="SqliteRow"/>).</summary>
    private static void BindValues(SqliteRow target, in object?[] row) => BindValues(target, row, row.Length);

    /// <summary>Binds the first <paramref name="count"/> values of the row.</summary>
    private static void BindValues(SqliteRow target, object?[] row, int count)
    {
        for (var i = 0; i < count; i++)
        {
            target.Value(i, row[i]);
        }
    }

    /// <summary>Rows one INSERT statement takes on SQLite (<see cref="InsertSqlite{T}"/>); fewer when the columns would pass SQLite's limit of parameters.</summary>
    internal const int SqliteRowsPerStatement = 32;

    /// <summary>
    /// Inserts <paramref name="items"/> through SQLite's own API with statements prepared once, <paramref name="bind"/>
    /// setting each row's values in column order (no boxing for typed binders); the ADO.NET layer would allocate a reader
    /// and re-validate every parameter on each execution. The connection's open transaction applies; rows go in the order
    /// given (ids the table assigns follow it).
    /// <para>A statement takes <see cref="SqliteRowsPerStatement"/> rows (<c>VALUES (…), (…), …</c>): SQLite sets a statement
    /// up and opens a cursor on the table and each of its indexes per execution. The rows bound but not stepped at the end
    /// go one by one, their values copied from the bindings (the items may be gone).</para>
    /// <para>Several-row statements are <c>INSERT OR FAIL</c>: a constraint that fails stops the statement with the rows
    /// before it kept — as one-row statements did — and is thrown (a foreign key that fails undoes the whole statement);
    /// the caller's transaction is rolled back. With the
    /// default (ABORT) SQLite would keep a statement journal of every page a several-row statement changes, to undo it
    /// alone: measured on a night of 841,574 signals, their insert took 6.0 s with it and 3.9 s without (one-row
    /// statements: 5.7 s). With foreign keys checked SQLite keeps the journal anyway. A row at a time, as before, for a
    /// table with a trigger (the outer OR FAIL would override the trigger's own OR IGNORE) or with a blob column (several
    /// rows would keep a copy of every blob bound, for the rows copied at the end: the packed series' million blobs).</para>
    /// </summary>
    public static int InsertSqlite<T>(SqliteConnection connection, string table, IReadOnlyList<BulkColumn> columns, IEnumerable<T> items, SqliteRowBinder<T> bind)
    {
        var db = connection.Handle ?? throw new InvalidOperationException("the SQLite connection is not open");
        var width = Math.Max(1, columns.Count);
        var limit = raw.sqlite3_limit(db, raw.SQLITE_LIMIT_VARIABLE_NUMBER, -1);
        var perStatement = columns.Any(c => c.Type == typeof(byte[])) || HasTriggers(db, table) ? 1 : Math.Clamp(limit / width, 1, SqliteRowsPerStatement);
        string Sql(int rows)
        {
            var values = string.Join(", ", Enumerable.Range(0, rows).Select(r =>
                "(" + string.Join(", ", columns.Select((_, i) => "?" + ((r * width) + i + 1).ToString(CultureInfo.InvariantCulture))) + ")"));
            return $"INSERT{(rows > 1 ? " OR FAIL" : "")} INTO {Quote(table)} ({string.Join(", ", columns.Select(c => Quote(c.Name)))}) VALUES {values}";
        }

        if (perStatement == 1)
        {
            return StepEachSqlite(connection, Sql(1), items, bind, null);
        }

        var many = Prepare(db, Sql(perStatement));
        sqlite3_stmt? single = null;
        try
        {
            var row = new SqliteRow(db, many) { KeepsBlobCopies = true };
            var (count, pending) = (0, 0);
            foreach (var item in items)
            {
                row.Base = pending * width;
                bind(row, item);
                if (++pending == perStatement)
                {
                    count += Step(db, many);
                    pending = 0;
                }
            }

            if (pending > 0)
            {
                // The rows bound but not stepped: one by one, copied from the bindings (the items may be gone).
                single = Prepare(db, Sql(1));
                var one = new SqliteRow(db, single);
                for (var r = 0; r < pending; r++)
                {
                    row.CopyTo(one, r * width, width);
                    count += Step(db, single);
                }
            }

            return count;
        }
        finally
        {
            raw.sqlite3_finalize(many);
            if (single is not null)
            {
                raw.sqlite3_finalize(single);
            }
        }
    }

    /// <summary>Whether a trigger fires on <paramref name="table"/>: a statement's OR FAIL would override its own statements' conflict clauses.</summary>
    private static bool HasTriggers(sqlite3 db, string table)
    {
        var query = Prepare(db, "SELECT 1 FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = ?1 COLLATE NOCASE UNION ALL SELECT 1 FROM sqlite_temp_schema WHERE type = 'trigger' AND tbl_name = ?1 COLLATE NOCASE");
        try
        {
            Check(db, raw.sqlite3_bind_text(query, 1, table));
            return raw.sqlite3_step(query) switch
            {
                raw.SQLITE_ROW => true,
                raw.SQLITE_DONE => false,
                var rc => throw Failure(db, rc),
            };
        }
        finally
        {
            raw.sqlite3_finalize(query);
        }
    }

    private static sqlite3_stmt Prepare(sqlite3 db, string sql)
    {
        Check(db, raw.sqlite3_prepare_v2(db, sql, out var statement));
        return statement;
    }

    /// <summary>Executes a prepared insert or update once and resets it; returns the rows it changed.</summary>
    private static int Step(sqlite3 db, sqlite3_stmt statement)
    {
        var rc = raw.sqlite3_step(statement);
        if (rc != raw.SQLITE_DONE)
        {
            var failure = Failure(db, rc); // before the reset, which may clear the message
            raw.sqlite3_reset(statement);
            throw failure;
        }

        raw.sqlite3_reset(statement);
        return raw.sqlite3_changes(db);
    }

    /// <summary>
    /// Prepares one statement (<paramref name="sql"/>, a single statement) and steps it once per item, <paramref name="bind"/>
    /// setting the item's values by column; <paramref name="indexes"/> maps the columns to parameter indexes (default: column
    /// k is ?k+1). Returns the rows changed.
    /// </summary>
    private static int StepEachSqlite<T>(SqliteConnection connection, string sql, IEnumerable<T> items, SqliteRowBinder<T> bind, Func<sqlite3_stmt, int[]>? indexes)
    {
        var db = connection.Handle ?? throw new InvalidOperationException("the SQLite connection is not open");
        Check(db, raw.sqlite3_prepare_v2(db, sql, out var statement, out var tail));
        try
        {
            if (!string.IsNullOrWhiteSpace(tail))
            {
                throw new ArgumentException("only one statement can be stepped per row", nameof(sql));
            }

            var row = new SqliteRow(db, statement, indexes?.Invoke(statement));
            var count = 0;
            foreach (var item in items)
            {
                bind(row, item);
                count += Step(db, statement);
            }

            return count;
        }
        finally
        {
            raw.sqlite3_finalize(statement);
        }
    }

    internal static void Check(sqlite3 db, int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            throw Failure(db, rc);
        }
    }

    /// <summary>The error SQLite reports for <paramref name="rc"/>, as Microsoft.Data.Sqlite words it.</summary>
    private static SqliteException Failure(sqlite3 db, int rc) =>
        new($"SQLite Error {rc}: '{raw.sqlite3_errmsg(db).utf8_to_string()}'.", rc, raw.sqlite3_extended_errcode(db));

    /// <summary>The value as the EF PostgreSQL model stores it (enums as integers).</summary>
    public static object PostgresValue(object? value) => value switch
    {
        null => DBNull.Value,
        Enum e => Convert.ToInt32(e, CultureInfo.InvariantCulture),
        _ => value,
    };

    /// <summary>The value as the EF SQLite model stores it.</summary>
    public static object SqliteValue(object? value) => value switch
    {
        null => DBNull.Value,
        Enum e => Convert.ToInt64(e, CultureInfo.InvariantCulture),
        DateTimeOffset instant => SqliteInstant.ConvertToProvider(instant)!,
        DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        decimal amount => SqliteDecimal(amount),
        bool flag => flag ? 1L : 0L,
        _ => value,
    };

    /// <summary>EF Core's SQLite text for a decimal ("0.0###…": no trailing zeros, at least one decimal), without a custom format string.</summary>
    public static string SqliteDecimal(decimal amount)
    {
        var trimmed = amount / 1.0000000000000000000000000000m; // drops trailing zeros
        return trimmed.Scale == 0 ? trimmed.ToString(CultureInfo.InvariantCulture) + ".0" : trimmed.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The PostgreSQL type EF uses for values of <paramref name="type"/> (enums as integers).</summary>
    internal static NpgsqlDbType PostgresType(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t.IsEnum || t == typeof(int))
        {
            return NpgsqlDbType.Integer;
        }

        return t switch
        {
            _ when t == typeof(long) => NpgsqlDbType.Bigint,
            _ when t == typeof(short) => NpgsqlDbType.Smallint,
            _ when t == typeof(string) => NpgsqlDbType.Text,
            _ when t == typeof(decimal) => NpgsqlDbType.Numeric,
            _ when t == typeof(bool) => NpgsqlDbType.Boolean,
            _ when t == typeof(DateOnly) => NpgsqlDbType.Date,
            _ when t == typeof(DateTimeOffset) => NpgsqlDbType.TimestampTz,
            _ when t == typeof(double) => NpgsqlDbType.Double,
            _ when t == typeof(Guid) => NpgsqlDbType.Uuid,
            _ when t == typeof(byte[]) => NpgsqlDbType.Bytea,
            _ => throw new NotSupportedException($"no PostgreSQL type for {t.Name}"),
        };
    }
}

/// <summary>Sets one row's values of a prepared SQLite insert (column index from 0), stored as the EF model stores them.</summary>
public delegate void SqliteRowBinder<T>(SqliteRow row, in T item);

/// <summary>Writes one item's row to a PostgreSQL binary COPY in column order (see <see cref="BulkWriter.CopyPostgresAsync{T}"/>).</summary>
public delegate void PostgresRowWriter<T>(NpgsqlBinaryImporter importer, in T item);
