using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace PostLoan.Infrastructure.Persistence;

/// <summary>
/// SQLite settings for one large batch on a connection (a night's rule run writing a million signals), put back to the
/// connection's own when disposed so a pooled connection does not keep them; foreign keys are turned off before the
/// batch's transaction begins and on again after it ends (SQLite ignores <c>foreign_keys</c> inside one). A no-op on PostgreSQL.
/// <list type="bullet">
/// <item>A larger page cache: SQLite's default of 2 MB makes a bulk insert into six indexes re-read the same pages from
/// the file many times; this VM also evicts file pages untouched for a few seconds (docs/benchmarks.md), so they come from disk.</item>
/// <item>Optionally no per-row foreign-key checks, for a batch whose every reference is to a row it has read or an id it
/// has reserved (a night's new signal points at its customer and organisation, its step at the signal): the checks were
/// a quarter of SQLite's work storing them. PostgreSQL checks them as always, and the tests check the batch's references.</item>
/// <item>Optionally the write-ahead log synced at checkpoints only and temporary storage in memory, for a batch of many
/// commits (the daily close's chunks).</item>
/// <item>Optionally no automatic checkpoint at the batch's commit: the given <see cref="SqliteCheckpointer"/> is asked
/// for one when the batch ends (a night's half a gigabyte of log copied off its path).</item>
/// </list>
/// </summary>
public sealed class BatchPragmas : IAsyncDisposable
{
    /// <summary>The default size of a batch's cache.</summary>
    public const int DefaultMegabytes = 256;

    private readonly SqliteConnection? _connection;
    private readonly SqliteCheckpointer? _checkpointAfter;

    /// <summary>The connection's own settings, to put back.</summary>
    private readonly List<(string Pragma, string Value)> _restore;

    private BatchPragmas(SqliteConnection? connection, List<(string Pragma, string Value)> restore, SqliteCheckpointer? checkpointAfter) =>
        (_connection, _restore, _checkpointAfter) = (connection, restore, checkpointAfter);

    /// <summary>
    /// Sets a <paramref name="megabytes"/> page cache (null: unchanged) on an open SQLite <paramref name="connection"/>;
    /// with <paramref name="checkForeignKeys"/> false turns its foreign-key checks off, with
    /// <paramref name="syncAtCheckpoint"/> syncs the write-ahead log only at checkpoints (<c>synchronous = NORMAL</c>: a
    /// commit no longer waits for the disk; after a power loss or an operating-system crash the commits since the last sync
    /// can roll back, the database stays consistent) and with <paramref name="tempInMemory"/> keeps temporary
    /// tables and sorts in memory, with <paramref name="checkpointAfter"/> commits without SQLite's automatic checkpoint and
    /// asks that checkpointer for one when disposed — each until disposed.
    /// </summary>
    public static async Task<BatchPragmas> OpenAsync(DbConnection connection, int? megabytes = DefaultMegabytes, bool checkForeignKeys = true,
        bool syncAtCheckpoint = false, bool tempInMemory = false, SqliteCheckpointer? checkpointAfter = null, CancellationToken cancellationToken = default)
    {
        if (connection is not SqliteConnection sqlite)
        {
            return new BatchPragmas(null, [], null);
        }

        var restore = new List<(string Pragma, string Value)>();
        async Task SetAsync(string pragma, long value)
        {
            var before = await ScalarAsync(sqlite, $"PRAGMA {pragma}", cancellationToken);
            await ScalarAsync(sqlite, string.Create(CultureInfo.InvariantCulture, $"PRAGMA {pragma} = {value}"), cancellationToken);
            restore.Add((pragma, before));
        }

        try
        {
            if (megabytes is { } size)
            {
                await SetAsync("cache_size", -size * 1024L); // negative: KiB
            }

            if (!checkForeignKeys)
            {
                await SetAsync("foreign_keys", 0);
            }

            if (syncAtCheckpoint)
            {
                await SetAsync("synchronous", 1); // NORMAL
            }

            if (checkpointAfter is not null)
            {
                await SetAsync("wal_autocheckpoint", 0);
            }

            if (tempInMemory)
            {
                // Changing it again when disposed drops the connection's temporary tables: a batch's own, none kept across.
                await SetAsync("temp_store", 2); // MEMORY
            }
        }
        catch
        {
            // Whatever was set before the failure is put back at once: nobody disposes a batch that never opened.
            await new BatchPragmas(sqlite, restore, checkpointAfter).DisposeAsync();
            throw;
        }

        return new BatchPragmas(sqlite, restore, checkpointAfter);
    }

    /// <summary>
    /// Puts each setting back on its own and reads it again, so one that cannot be (inside a transaction SQLite refuses
    /// <c>synchronous</c> and ignores <c>foreign_keys</c>) does not keep the others from it; a connection that did not get
    /// all of them back — or is closed already — is dropped from the pool rather than handed to the next user with a
    /// batch's settings. Then asks for the checkpoint the batch's commits went without, if it was given a checkpointer.
    /// Never throws: it runs when a batch ends, often while its own failure is on the way out.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (_connection is null || _restore.Count == 0)
        {
            return;
        }

        var restored = _connection.State == System.Data.ConnectionState.Open;
        foreach (var (pragma, value) in restored ? _restore : [])
        {
            try
            {
                await ScalarAsync(_connection, $"PRAGMA {pragma} = {value}", default);
                restored &= await ScalarAsync(_connection, $"PRAGMA {pragma}", default) == value;
            }
            catch (SqliteException)
            {
                restored = false;
            }
        }

        if (!restored)
        {
            SqliteConnection.ClearPool(_connection);
        }

        _ = _checkpointAfter?.RequestAsync(); // on its own connection, while the caller goes on; never faults
    }

    private static async Task<string> ScalarAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken) ?? 0L, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
    }
}
