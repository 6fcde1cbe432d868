using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace PostLoan.Infrastructure.Persistence;

/// <summary>
/// Copies SQLite's write-ahead log into the database file after a large batch, on a connection and a thread of its own —
/// what SQLite advises for applications that control their checkpoints. A batch turns its connection's automatic
/// checkpoint off (<see cref="BatchPragmas"/>) and asks for one here after its commit: a first night's half a gigabyte of
/// log is then copied and synced while the close goes on, not inside the batch's commit (where it was 3–5 s of a 1M book's
/// night). While a checkpoint runs, another writer's automatic checkpoint gives way (both are passive); a request made while
/// one is waiting to start shares it. A failed checkpoint is logged, never thrown: the next writer's automatic checkpoint
/// does the work. A no-op on PostgreSQL, whose own checkpointer does this.
/// </summary>
public sealed class SqliteCheckpointer(DatabaseOptions database, ILogger<SqliteCheckpointer> logger) : IAsyncDisposable, IDisposable
{
    private readonly Lock _gate = new();
    private Task<TimeSpan> _last = Task.FromResult(TimeSpan.Zero);
    private bool _waiting;

    /// <summary>
    /// Starts a checkpoint after the one running, if any; the task ends when it is done, with its duration (zero on
    /// PostgreSQL or when it failed).
    /// </summary>
    public Task<TimeSpan> RequestAsync()
    {
        if (database.Provider != DatabaseProvider.Sqlite)
        {
            return Task.FromResult(TimeSpan.Zero);
        }

        lock (_gate)
        {
            if (!_waiting)
            {
                _waiting = true;
                _last = _last.ContinueWith(_ => CheckpointAsync(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
            }

            return _last;
        }
    }

    /// <summary>Waits for the checkpoints asked for so far; the task's result is the last one's duration.</summary>
    public Task<TimeSpan> IdleAsync()
    {
        lock (_gate)
        {
            return _last;
        }
    }

    /// <summary>Waits for the checkpoints asked for (a host stopping lets them finish; cut short, SQLite recovers the log at the next open).</summary>
    public async ValueTask DisposeAsync() => await IdleAsync();

    /// <inheritdoc cref="DisposeAsync"/>
    public void Dispose() => IdleAsync().GetAwaiter().GetResult();

    private async Task<TimeSpan> CheckpointAsync()
    {
        lock (_gate)
        {
            _waiting = false;
        }

        var watch = Stopwatch.StartNew();
        try
        {
            await using var connection = new SqliteConnection(database.ConnectionString);
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
            await using var reader = await command.ExecuteReaderAsync();
            if (await reader.ReadAsync())
            {
                // (busy, frames in the log, frames copied): frames left behind are copied by a later checkpoint.
                logger.LogDebug("SQLite checkpoint: {Copied} of {Frames} log frames copied in {Elapsed:0.00} s", reader.GetInt64(2), reader.GetInt64(1), watch.Elapsed.TotalSeconds);
            }

            return watch.Elapsed;
        }
        catch (Exception failure) when (failure is SqliteException or IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            logger.LogWarning(failure, "SQLite checkpoint failed after {Elapsed:0.00} s; the next writer's automatic checkpoint copies the log", watch.Elapsed.TotalSeconds);
            return TimeSpan.Zero;
        }
    }
}
