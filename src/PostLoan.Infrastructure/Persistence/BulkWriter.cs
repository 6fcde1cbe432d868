using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Npgsql;
using NpgsqlTypes;

namespace PostLoan.Infrastructure.Persistence;

/// <summary>A column of a bulk write: its name in the table and the CLR type of its values.</summary>
public sealed record BulkColumn(string Name, Type Type);

/// <summary>
/// Writes many rows without EF change tracking, inside the caller's transaction: PostgreSQL binary COPY, or one
/// prepared INSERT re-executed per row on SQLite. Values are stored exactly as the EF model stores them
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
            SqliteConnection sqlite => InsertPrepared(sqlite, (SqliteTransaction)transaction, table, columnList, columns, rows),
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
    /// nightly classification's updates, a few per loan that changed). Returns the rows affected.
    /// </summary>
    public static async Task<int> ExecuteEachAsync(DbConnection connection, DbTransaction tx, string sql, int parameterCount, IEnumerable<object?[]> rows, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        var sqlite = connection is SqliteConnection;
        var parameters = new DbParameter[parameterCount];
        var affected = 0;
        var prepared = false;
        foreach (var row in rows)
        {
            for (var i = 0; i < parameterCount; i++)
            {
                if (parameters[i] is null)
                {
                    parameters[i] = command.CreateParameter();
                    parameters[i].ParameterName = "@p" + i.ToString(CultureInfo.InvariantCulture);
                    command.Parameters.Add(parameters[i]);
                }

                parameters[i].Value = sqlite ? SqliteValue(row[i]) : PostgresValue(row[i]);
            }

            if (!prepared)
            {
                await command.PrepareAsync(cancellationToken);
                prepared = true;
            }

            affected += await command.ExecuteNonQueryAsync(cancellationToken);
        }

        return affected;
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
                    await importer.WriteAsync(value is Enum e ? Convert.ToInt32(e, CultureInfo.InvariantCulture) : value, types[i], cancellationToken);
                }
            }

            count++;
        }

        await importer.CompleteAsync(cancellationToken);
        return count;
    }

    private static int InsertPrepared(SqliteConnection connection, SqliteTransaction transaction, string table, string columnList, IReadOnlyList<BulkColumn> columns, IEnumerable<object?[]> rows)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"INSERT INTO {Quote(table)} ({columnList}) VALUES ({string.Join(", ", columns.Select((_, i) => "$p" + i.ToString(CultureInfo.InvariantCulture)))})";
        var parameters = columns.Select((_, i) => command.Parameters.Add(new SqliteParameter("$p" + i.ToString(CultureInfo.InvariantCulture), null))).ToArray();
        command.Prepare();
        var count = 0;
        foreach (var row in rows)
        {
            for (var i = 0; i < parameters.Length; i++)
            {
                parameters[i].Value = SqliteValue(row[i]);
            }

            command.ExecuteNonQuery();
            count++;
        }

        return count;
    }

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

    private static NpgsqlDbType PostgresType(Type type)
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
            _ => throw new NotSupportedException($"no PostgreSQL type for {t.Name}"),
        };
    }
}
