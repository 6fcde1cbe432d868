using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace PostLoan.Infrastructure.Persistence;

/// <summary>
/// A larger SQLite page cache for one batch on a connection (a night's rule run writing a million signals into several
/// indexes), put back to the connection's own size when disposed so a pooled connection does not keep it. SQLite's
/// default of 2 MB makes a bulk insert into six indexes re-read the same pages from the file many times; this VM also
/// evicts file pages untouched for a few seconds (docs/benchmarks.md), so they come from disk. A no-op on PostgreSQL.
/// </summary>
public sealed class BatchCache : IAsyncDisposable
{
    /// <summary>The default size of a batch's cache.</summary>
    public const int DefaultMegabytes = 256;

    private readonly SqliteConnection? _connection;
    private readonly long _previous;

    private BatchCache(SqliteConnection? connection, long previous) => (_connection, _previous) = (connection, previous);

    /// <summary>Sets a <paramref name="megabytes"/> page cache on an open SQLite <paramref name="connection"/>.</summary>
    public static async Task<BatchCache> OpenAsync(DbConnection connection, int megabytes = DefaultMegabytes, CancellationToken cancellationToken = default)
    {
        if (connection is not SqliteConnection sqlite)
        {
            return new BatchCache(null, 0);
        }

        await using var command = sqlite.CreateCommand();
        command.CommandText = "PRAGMA cache_size";
        var previous = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        command.CommandText = $"PRAGMA cache_size = -{megabytes * 1024L}"; // negative: KiB
        await command.ExecuteNonQueryAsync(cancellationToken);
        return new BatchCache(sqlite, previous);
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is { State: System.Data.ConnectionState.Open })
        {
            await using var command = _connection.CreateCommand();
            command.CommandText = "PRAGMA cache_size = " + _previous.ToString(CultureInfo.InvariantCulture);
            await command.ExecuteNonQueryAsync();
        }
    }
}
