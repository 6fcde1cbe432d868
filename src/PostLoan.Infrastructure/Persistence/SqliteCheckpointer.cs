using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace PostLoan.Infrastructure.Persistence;

/// <summary>
/// Copies SQLite's write-ahead log into the database file after a large batch, on a connection and a thread of its own —
/// what SQLite advises for applications that control their checkpoints. A batch turns its connection's automatic
/// checkpoint off and asks for one here when it ends (<see cref="BatchPragmas"/>): a first night's half a gigabyte of
/// log is then copied and synced while the close goes on, not inside the batch's commit (where it was 3–5 s of a 1M book's
/// night). While a checkpoint runs, another writer's automatic checkpoint gives way (both are passive); a writer on another
/// connection that commits before it starts copies the log itself, as every commit did before (the result then says
/// <see cref="SqliteCheckpoint.Busy"/>). A request made while one is waiting to start shares it. A failed checkpoint is
/// logged, never thrown: the next writer's automatic checkpoint does the work. A no-op on PostgreSQL, whose own
/// checkpointer does this.
/// </summary>
public sealed class SqliteCheckpointer(DatabaseOptions database, ILogger<SqliteCheckpointer> logger) : IAsyncDisposable, IDisposable
{
    private readonly Lock _gate = new();
    private Task<SqliteCheckpoint> _last = Task.FromResult(SqliteCheckpoint.None);
    private bool _waiting;

    /// <summary>Starts a checkpoint after the one running, if any; the task ends when it is done, with what it did (<see cref="SqliteCheckpoint.None"/> on PostgreSQL or when it failed).</summary>
    public Task<SqliteCheckpoint> RequestAsync()
    {
        if (database.Provider != DatabaseProvider.Sqlite)
        {
            return Task.FromResult(SqliteCheckpoint.None);
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

    /// <summary>Waits for the checkpoints asked for so far; the task's result is what the last one did.</summary>
    public Task<SqliteCheckpoint> IdleAsync()
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

    private async Task<SqliteCheckpoint> CheckpointAsync()
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
            // (busy, frames in the log, frames copied): busy when another connection was checkpointing; -1 frames when the
            // database is not in WAL mode; frames a reader still needs are left for a later checkpoint.
            var done = await reader.ReadAsync()
                ? new SqliteCheckpoint(watch.Elapsed, reader.GetInt64(0) != 0, reader.GetInt64(1), reader.GetInt64(2))
                : SqliteCheckpoint.None with { Elapsed = watch.Elapsed };
            if (done.Busy || done.Copied < done.Frames)
            {
                logger.LogWarning("SQLite checkpoint: {Copied} of {Frames} log frames copied in {Elapsed:0.00} s{Busy}", done.Copied, done.Frames, done.Elapsed.TotalSeconds,
                    done.Busy ? "; another connection was checkpointing" : "");
            }
            else
            {
                logger.LogDebug("SQLite checkpoint: {Copied} of {Frames} log frames copied in {Elapsed:0.00} s", done.Copied, done.Frames, done.Elapsed.TotalSeconds);
            }

            return done;
        }
        catch (Exception failure) when (failure is not OutOfMemoryException)
        {
            // Whatever it was (a file gone, a connection string SQLite refuses), the log stays and the next writer copies it.
            logger.LogWarning(failure, "SQLite checkpoint failed after {Elapsed:0.00} s; the next writer's automatic checkpoint copies the log", watch.Elapsed.TotalSeconds);
            return SqliteCheckpoint.None;
        }
    }
}

/// <summary>What one <see cref="SqliteCheckpointer"/> checkpoint did.</summary>
/// <param name="Elapsed">How long it took.</param>
/// <param name="Busy">Another connection was checkpointing at the time (its writer's commit copied the log).</param>
/// <param name="Frames">Frames in the write-ahead log (-1: the database is not in WAL mode).</param>
/// <param name="Copied">Frames copied into the database file.</param>
public sealed record SqliteCheckpoint(TimeSpan Elapsed, bool Busy, long Frames, long Copied)
{
    /// <summary>No checkpoint: PostgreSQL, or one that failed.</summary>
    public static SqliteCheckpoint None { get; } = new(TimeSpan.Zero, false, 0, 0);

    /// <summary>"<c>copied of frames frames in s</c>", and whether another connection was checkpointing.</summary>
    public string Describe() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{Copied} of {Frames} frames in {Elapsed.TotalSeconds:0.00} s{(Busy ? "; another connection was checkpointing (its commit copied the log)" : "")}");
}
