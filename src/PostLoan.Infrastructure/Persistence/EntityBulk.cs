using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Npgsql;

namespace PostLoan.Infrastructure.Persistence;

/// <summary>
/// Bulk-inserts entities with <see cref="BulkWriter"/>, the table, columns and conversions taken from the EF model, so a
/// set-based path (the nightly warning run, a burst of real-time signals) writes exactly the rows EF would, without
/// change tracking. Ids are written when set (see <see cref="ReserveIdsAsync"/>) and left to the database otherwise.
/// </summary>
public static class EntityBulk
{
    private static readonly ConcurrentDictionary<(IModel, Type, bool), Mapping> Mappings = new();

    /// <summary>
    /// Inserts <paramref name="items"/> inside <paramref name="transaction"/> (enumerated once, as they are written);
    /// <paramref name="withIds"/> writes their (reserved) ids. Returns the rows written.
    /// </summary>
    public static Task<int> InsertAsync<T>(DbContext db, DbTransaction transaction, IEnumerable<T> items, bool withIds, CancellationToken cancellationToken)
        where T : class => InsertAsync(db, transaction, items, withIds, buildAhead: false, cancellationToken);

    /// <summary>
    /// Inserts as above; with <paramref name="buildAhead"/>, the rows (and lazily made <paramref name="items"/>) are built on
    /// another thread a block ahead of the writing one (<see cref="RowsAhead.Of{T}"/>) — for large batches of items made
    /// in memory, never from a query on the connection being written.
    /// </summary>
    public static async Task<int> InsertAsync<T>(DbContext db, DbTransaction transaction, IEnumerable<T> items, bool withIds, bool buildAhead, CancellationToken cancellationToken)
        where T : class
    {
        if (items is IReadOnlyCollection<T> { Count: 0 })
        {
            return 0;
        }

        var mapping = Mappings.GetOrAdd((db.Model, typeof(T), withIds), key => Map(key.Item1, key.Item2, key.Item3));
        var rows = items.Select(mapping.Row);
        return await BulkWriter.InsertAsync(transaction.Connection!, transaction, mapping.Table, mapping.Columns, buildAhead ? RowsAhead.Of(rows) : rows, cancellationToken);
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
            await using var command = BulkWriter.Command(connection, transaction,
                $"SELECT nextval(pg_get_serial_sequence('{table}', 'Id')) FROM generate_series(1, @n)", "n", count);
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

    private static Mapping Map(IModel model, Type type, bool withIds)
    {
        var entity = model.FindEntityType(type) ?? throw new InvalidOperationException($"{type.Name} is not an entity of the model");
        var table = entity.GetTableName() ?? throw new InvalidOperationException($"{type.Name} has no table");
        var properties = entity.GetProperties()
            .Where(p => !p.IsShadowProperty() && (withIds || !(p.IsPrimaryKey() && p.ValueGenerated == ValueGenerated.OnAdd)))
            .ToArray();
        // BulkWriter stores instants, enums, dates and decimals as the model does; any other converter is applied here.
        static ValueConverter? ConverterOf(IProperty p) => p.GetValueConverter() is { } c and not DateTimeOffsetToBinaryConverter ? c : null;
        var columns = properties.Select(p => new BulkColumn(p.GetColumnName(), ConverterOf(p)?.ProviderClrType ?? Nullable.GetUnderlyingType(p.ClrType) ?? p.ClrType)).ToArray();
        var getters = properties.Select(p =>
        {
            var getter = p.GetGetter();
            var converter = ConverterOf(p);
            return converter is null
                ? (Func<object, object?>)getter.GetClrValueUsingContainingEntity
                : entity => getter.GetClrValueUsingContainingEntity(entity) is { } value ? converter.ConvertToProvider(value) : null;
        }).ToArray();
        return new Mapping(table, columns, item =>
        {
            var row = new object?[getters.Length];
            for (var i = 0; i < getters.Length; i++)
            {
                row[i] = getters[i](item);
            }

            return row;
        });
    }

    private sealed record Mapping(string Table, BulkColumn[] Columns, Func<object, object?[]> Row);
}
