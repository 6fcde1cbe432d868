using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Cli;

/// <summary>
/// Settles a benchmark's book on disk before its timed run: SQLite's write-ahead log copied into the database file, then
/// both files synced; PostgreSQL's night tables vacuumed and the cluster checkpointed. A generator writes gigabytes in minutes and the operating
/// system writes them back afterwards: without this, that write-back (and its kernel time on two cores) ran inside the
/// timed night, 1.5–3 s of a 1M first night on this machine (docs/benchmarks.md). The file's pages stay in memory; only
/// the dirty ones are written.
/// </summary>
internal static class BenchSettle
{
    /// <summary>Settles the database of <paramref name="services"/> and prints how long it took (not part of any timing).</summary>
    public static async Task RunAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PostLoanDbContext>();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        string done;
        try
        {
            if (connection is SqliteConnection sqlite)
            {
                // RESTART, not TRUNCATE: the log file stays as long as the generator made it, as a server's does (SQLite
                // writes the next transaction from its start), so the timed run is not charged for growing it again.
                await ExecuteAsync(sqlite, "PRAGMA wal_checkpoint(RESTART)", cancellationToken);
                foreach (var path in new[] { sqlite.DataSource, sqlite.DataSource + "-wal" }.Where(File.Exists))
                {
                    // fsync writes every dirty page of the file, whichever descriptor wrote it.
                    await using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
                    file.Flush(flushToDisk: true);
                }

                done = "log checkpointed, database and log files synced";
            }
            else
            {
                done = await SettlePostgresAsync(connection, cancellationToken);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Settled the book on disk before the timed run ({done}) in {watch.Elapsed.TotalSeconds:0.0} s."));
    }

    private static async Task<string> SettlePostgresAsync(System.Data.Common.DbConnection connection, CancellationToken cancellationToken)
    {
        // What autovacuum would have done by the night on a server: the rows a --reuse undid (or the generator's updates)
        // are dead tuples and index entries the timed night's inserts would otherwise step over.
        await ExecuteAsync(connection, "VACUUM (ANALYZE) warning_signals, signal_steps, notifications, notification_outbox, warning_rule_refreshes, indicator_series", cancellationToken);
        try
        {
            await ExecuteAsync(connection, "CHECKPOINT", cancellationToken);
            return "vacuumed, checkpointed";
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            // A given server's user may lack pg_checkpoint: the run is then timed as it finds the server.
            return "no checkpoint: the user lacks the pg_checkpoint role";
        }
    }

    private static async Task ExecuteAsync(System.Data.Common.DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
