using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Npgsql;
using NpgsqlTypes;

namespace PostLoan.Infrastructure.Persistence;

/// <summary>
/// Bulk-inserts entities with <see cref="BulkWriter"/>, the table, columns and conversions taken from the EF model, so a
/// set-based path (the nightly warning run, a burst of real-time signals) writes exactly the rows EF would, without
/// change tracking. Ids are written when set (see <see cref="ReserveIdsAsync"/>) and left to the database otherwise.
/// </summary>
public static class EntityBulk
{
    private static readonly ConcurrentDictionary<(IModel, Type, bool), object> Mappings = new();

    /// <summary>
    /// Inserts <paramref name="items"/> inside <paramref name="transaction"/> (enumerated once, as they are written);
    /// <paramref name="withIds"/> writes their (reserved) ids. Returns the rows written.
    /// </summary>
    public static Task<int> InsertAsync<T>(DbContext db, DbTransaction transaction, IEnumerable<T> items, bool withIds, CancellationToken cancellationToken)
        where T : class => InsertAsync(db, transaction, items, withIds, buildAhead: false, cancellationToken);

    /// <summary>
    /// Inserts as above; with <paramref name="buildAhead"/>, lazily made <paramref name="items"/> are made on another
    /// thread a block ahead of the writing one (<see cref="RowsAhead.Of{T}"/>) — for large batches made in memory, never
    /// from a query on the connection being written.
    /// </summary>
    public static async Task<int> InsertAsync<T>(DbContext db, DbTransaction transaction, IEnumerable<T> items, bool withIds, bool buildAhead, CancellationToken cancellationToken)
        where T : class
    {
        if (items is IReadOnlyCollection<T> { Count: 0 })
        {
            return 0;
        }

        var mapping = (Mapping<T>)Mappings.GetOrAdd((db.Model, typeof(T), withIds), static key => Map<T>(key.Item1, key.Item3));
        var source = buildAhead && items is not IReadOnlyCollection<T> ? RowsAhead.Of(items) : items;
        return transaction.Connection switch
        {
            // A SQLite transaction belongs to the connection: the prepared statement runs inside the caller's one.
            SqliteConnection sqlite => BulkWriter.InsertSqlite(sqlite, mapping.Table, mapping.Columns, source, mapping.Sqlite.Value),
            NpgsqlConnection npgsql => await BulkWriter.CopyPostgresAsync(npgsql, mapping.Table, mapping.Columns, source, mapping.Postgres.Value, cancellationToken),
            var other => throw new NotSupportedException($"bulk writes are not implemented for {other?.GetType().Name}"),
        };
    }

    /// <summary>
    /// Reserves <paramref name="count"/> ids of <paramref name="table"/>'s identity in the transaction: PostgreSQL takes them from
    /// the sequence (other sessions never get them); SQLite, whose write lock the transaction holds, continues after the largest
    /// id and the AUTOINCREMENT counter, which the insert then moves on.
    /// </summary>
    public static async Task<long[]> ReserveIdsAsync(DbTransaction transaction, string table, int count, CancellationToken cancellationToken)
    {
        var ids = new long[count];
        if (count == 0)
        {
            return ids;
        }

        var connection = transaction.Connection!;
        if (connection is NpgsqlConnection)
        {
            // The sequence is looked up once: in the statement below, pg_get_serial_sequence would be evaluated per id
            // (2.5 s of a first night's 841,574 instead of 0.3 s).
            string sequence;
            await using (var lookup = BulkWriter.Command(connection, transaction, "SELECT pg_get_serial_sequence(@t, 'Id')", "t", table))
            {
                sequence = await lookup.ExecuteScalarAsync(cancellationToken) as string
                    ?? throw new InvalidOperationException($"{table}.Id has no identity sequence");
            }

            await using var command = BulkWriter.Command(connection, transaction,
                "SELECT nextval(@s::regclass) FROM generate_series(1, @n)", "s", sequence, "n", count);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            for (var i = 0; await reader.ReadAsync(cancellationToken); i++)
            {
                ids[i] = reader.GetInt64(0);
            }

            return ids;
        }

        await using (var command = BulkWriter.Command(connection, transaction,
            $"SELECT MAX(COALESCE((SELECT MAX(\"Id\") FROM {BulkWriter.Quote(table)}), 0), COALESCE((SELECT seq FROM sqlite_sequence WHERE name = @t), 0))", "t", table))
        {
            var last = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
            for (var i = 0; i < count; i++)
            {
                ids[i] = last + 1 + i;
            }
        }

        return ids;
    }

    /// <summary>
    /// The entity's columns with a binder for SQLite and a row writer for PostgreSQL compiled from the model: each
    /// property read and bound with its own type (no boxing, no array per row), stored as EF stores it — instants as
    /// SQLite's binary ticks, enums as integers, dates and decimals as SQLite's text; a property with any other value
    /// converter goes through the converter.
    /// </summary>
    private static Mapping<T> Map<T>(IModel model, bool withIds)
    {
        var entity = model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not an entity of the model");
        var table = entity.GetTableName() ?? throw new InvalidOperationException($"{typeof(T).Name} has no table");
        var properties = entity.GetProperties()
            .Where(p => !p.IsShadowProperty() && (withIds || !(p.IsPrimaryKey() && p.ValueGenerated == ValueGenerated.OnAdd)))
            .ToArray();
        var columns = properties.Select(p => new BulkColumn(p.GetColumnName(), ConverterOf(p)?.ProviderClrType ?? Nullable.GetUnderlyingType(p.ClrType) ?? p.ClrType)).ToArray();

        // Compiled for the provider the model belongs to when first used.
        return new Mapping<T>(table, columns,
            new Lazy<SqliteRowBinder<T>>(() => Compile<T, SqliteRowBinder<T>>(properties, columns, typeof(SqliteRow), BindSqlite)),
            new Lazy<PostgresRowWriter<T>>(() => Compile<T, PostgresRowWriter<T>>(properties, columns, typeof(NpgsqlBinaryImporter), WritePostgres)));
    }

    /// <summary>
    /// A delegate <c>(target, in item)</c> that hands each of the item's <paramref name="properties"/> to the target (a
    /// <paramref name="targetType"/>) with <paramref name="typed"/>'s call, or boxed through the model's getter and converter
    /// for the rare columns that have one (lists or enums kept as text, cents).
    /// </summary>
    private static TDelegate Compile<T, TDelegate>(IProperty[] properties, BulkColumn[] columns, Type targetType, Func<ParameterExpression, Expression, Expression, Expression> typed)
        where TDelegate : Delegate
    {
        var target = Expression.Parameter(targetType, "target");
        var item = Expression.Parameter(typeof(T).MakeByRefType(), "item");
        var calls = new List<Expression>();
        for (var i = 0; i < properties.Length; i++)
        {
            var property = properties[i];
            var column = Expression.Constant(i);
            var convert = ConverterOf(property);
            // The member EF itself reads (the backing field unless the model says otherwise).
            var member = property.IsIndexerProperty() ? null : property.GetMemberInfo(forMaterialization: false, forSet: false);
            if (convert is not null || member is null)
            {
                var getter = property.GetGetter();
                Func<object, object?> value = convert is null
                    ? getter.GetClrValueUsingContainingEntity
                    : e => getter.GetClrValueUsingContainingEntity(e) is { } v ? convert.ConvertToProvider(v) : null;
                var boxed = Expression.Invoke(Expression.Constant(value), Expression.Convert(item, typeof(object)));
                calls.Add(targetType == typeof(SqliteRow)
                    ? Expression.Call(target, nameof(SqliteRow.Value), null, column, boxed)
                    : Expression.Call(typeof(EntityBulk), nameof(WriteObject), null, target, boxed, Expression.Constant(BulkWriter.PostgresType(columns[i].Type))));
                continue;
            }

            var read = Expression.MakeMemberAccess(item, member);
            calls.Add(typed(target, column, read));
        }

        Expression body = calls.Count == 0 ? Expression.Empty() : Expression.Block(typeof(void), calls);
        return Expression.Lambda<TDelegate>(body, target, item).Compile();
    }

    /// <summary>
    /// The converter the model applies to <paramref name="property"/> — configured, or implied by its type mapping (an enum
    /// kept as text) — unless the writers store the value that way themselves: instants as SQLite's binary ticks, enums
    /// as their numbers.
    /// </summary>
    private static ValueConverter? ConverterOf(IProperty property)
    {
        var converter = property.GetValueConverter() ?? property.GetTypeMapping().Converter;
        var model = converter is null ? null : Nullable.GetUnderlyingType(converter.ModelClrType) ?? converter.ModelClrType;
        var provider = converter is null ? null : Nullable.GetUnderlyingType(converter.ProviderClrType) ?? converter.ProviderClrType;
        return converter switch
        {
            null or DateTimeOffsetToBinaryConverter => null,
            _ when model!.IsEnum && provider != typeof(string) && provider!.IsPrimitive => null,
            _ => converter,
        };
    }

    /// <summary>The <see cref="SqliteRow"/> call that binds <paramref name="value"/> as EF stores it on SQLite.</summary>
    private static Expression BindSqlite(ParameterExpression row, Expression column, Expression value)
    {
        var type = value.Type;
        var nullable = Nullable.GetUnderlyingType(type) is not null;
        var t = Nullable.GetUnderlyingType(type) ?? type;
        Expression Call(string method, Type argument) =>
            Expression.Call(row, method, null, column, value.Type == argument ? value : Expression.Convert(value, argument));
        Type Maybe(Type valueType) => nullable ? typeof(Nullable<>).MakeGenericType(valueType) : valueType;
        return t switch
        {
            _ when t == typeof(string) => Call(nameof(SqliteRow.Text), typeof(string)),
            _ when t.IsEnum || t == typeof(long) || t == typeof(int) || t == typeof(short) || t == typeof(byte) => Call(nameof(SqliteRow.Integer), Maybe(typeof(long))),
            _ when t == typeof(bool) => Call(nameof(SqliteRow.Flag), Maybe(typeof(bool))),
            _ when t == typeof(double) || t == typeof(float) => Call(nameof(SqliteRow.Real), Maybe(typeof(double))),
            _ when t == typeof(DateTimeOffset) => Call(nameof(SqliteRow.Instant), Maybe(typeof(DateTimeOffset))),
            _ when t == typeof(DateOnly) => Call(nameof(SqliteRow.Date), Maybe(typeof(DateOnly))),
            _ when t == typeof(decimal) => Call(nameof(SqliteRow.Decimal), Maybe(typeof(decimal))),
            _ => Call(nameof(SqliteRow.Value), typeof(object)),
        };
    }

    /// <summary>The typed <see cref="NpgsqlBinaryImporter"/> write of <paramref name="value"/> as EF stores it on PostgreSQL.</summary>
    private static Expression WritePostgres(ParameterExpression importer, Expression column, Expression value)
    {
        var type = value.Type;
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t.IsEnum)
        {
            // Enums as integers.
            (value, t) = (Expression.Convert(value, Nullable.GetUnderlyingType(type) is null ? typeof(int) : typeof(int?)), typeof(int));
        }

        var dbType = Expression.Constant(BulkWriter.PostgresType(t));
        var method = !t.IsValueType ? nameof(WriteReference) : Nullable.GetUnderlyingType(value.Type) is null ? nameof(WriteValue) : nameof(WriteNullable);
        return Expression.Call(typeof(EntityBulk), method, [t], importer, value, dbType);
    }

    private static void WriteValue<TValue>(NpgsqlBinaryImporter importer, TValue value, NpgsqlDbType type)
        where TValue : struct => importer.Write(value, type);

    private static void WriteNullable<TValue>(NpgsqlBinaryImporter importer, TValue? value, NpgsqlDbType type)
        where TValue : struct
    {
        if (value is { } v)
        {
            importer.Write(v, type);
        }
        else
        {
            importer.WriteNull();
        }
    }

    private static void WriteReference<TValue>(NpgsqlBinaryImporter importer, TValue? value, NpgsqlDbType type)
        where TValue : class
    {
        if (value is null)
        {
            importer.WriteNull();
        }
        else
        {
            importer.Write(value, type);
        }
    }

    private static void WriteObject(NpgsqlBinaryImporter importer, object? value, NpgsqlDbType type)
    {
        if (value is null)
        {
            importer.WriteNull();
        }
        else
        {
            importer.Write(BulkWriter.PostgresValue(value), type);
        }
    }

    private sealed record Mapping<T>(string Table, BulkColumn[] Columns, Lazy<SqliteRowBinder<T>> Sqlite, Lazy<PostgresRowWriter<T>> Postgres);
}
