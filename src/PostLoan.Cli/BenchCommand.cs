using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PostLoan.Domain.Ledger.Loans;
using PostLoan.Infrastructure.Demo;
using PostLoan.Infrastructure.Ledger.Close;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Cli;

/// <summary>
/// <c>./postloan bench eod --loans N [--provider sqlite|postgres]</c>: generates N loans in a fresh database, runs one
/// daily close, and prints loans per second for the computation alone and end-to-end, and the peak memory, ending
/// with one JSON line. PostgreSQL runs on a throwaway local cluster unless <c>--connection</c> names a server.
/// </summary>
public static class BenchCommand
{
    public static Command Build()
    {
        var loans = new Option<int>("--loans") { Description = "Loans to generate", DefaultValueFactory = _ => 100_000 };
        var provider = new Option<string>("--provider") { Description = "sqlite | postgres", DefaultValueFactory = _ => "sqlite" };
        var connection = new Option<string?>("--connection") { Description = "PostgreSQL connection string (default: a throwaway local cluster)" };
        var chunk = new Option<int>("--chunk-size") { Description = "Loans per close transaction", DefaultValueFactory = _ => DailyClose.DefaultChunkSize };
        var keep = new Option<bool>("--keep") { Description = "Keep the SQLite benchmark database and print its path" };
        var eod = new Command("eod", "Benchmark the daily close") { loans, provider, connection, chunk, keep };
        eod.SetAction(async (result, cancellationToken) =>
        {
            var count = result.GetValue(loans);
            if (count is < 1 or > 10_000_000)
            {
                Console.Error.WriteLine("--loans: must be between 1 and 10000000");
                return 2;
            }

            var name = result.GetValue(provider)?.ToLowerInvariant();
            if (name is not ("sqlite" or "postgres"))
            {
                Console.Error.WriteLine("--provider: must be sqlite or postgres");
                return 2;
            }

            return await RunAsync(count, name, result.GetValue(connection), result.GetValue(chunk), result.GetValue(keep), ecl: false, cancellationToken);
        });
        var ecl = new Command("ecl", "Benchmark the month-end ECL (PD calibration, lifetime cash-flow projection, results written)") { loans, provider, connection, keep };
        ecl.SetAction(async (result, cancellationToken) =>
        {
            var count = result.GetValue(loans);
            var name = result.GetValue(provider)?.ToLowerInvariant();
            if (count is < 1 or > 10_000_000 || name is not ("sqlite" or "postgres"))
            {
                Console.Error.WriteLine(count is < 1 or > 10_000_000 ? "--loans: must be between 1 and 10000000" : "--provider: must be sqlite or postgres");
                return 2;
            }

            return await RunAsync(count, name, result.GetValue(connection), DailyClose.DefaultChunkSize, result.GetValue(keep), ecl: true, cancellationToken);
        });
        var command = new Command("bench", "Whole-process benchmarks (results go to docs/benchmarks.md)");
        command.Subcommands.Add(eod);
        command.Subcommands.Add(ecl);
        command.Subcommands.Add(ImageBench.Build());
        command.Subcommands.Add(IngestBench.Build());
        command.Subcommands.Add(WarningBench.Build(provider, connection, keep));
        return command;
    }

    private static async Task<int> RunAsync(int count, string provider, string? connectionString, int chunkSize, bool keep, bool ecl, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(Path.GetTempPath(), "postloan-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        await using var cluster = provider == "postgres" && connectionString is null ? new ThrowawayPostgres(ThrowawayPostgres.ProductionLike()) : null;
        if (cluster is not null)
        {
            await cluster.StartAsync();
            connectionString = await cluster.CreateDatabaseAsync();
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = provider == "postgres" ? "Postgres" : "Sqlite",
            ["ConnectionStrings:PostLoan"] = connectionString ?? $"Data Source={Path.Combine(directory, "bench.db")}",
        }).Build();
        try
        {
            await using var services = CliServices.Build(configuration);
            var closeDate = new DateOnly(2026, 6, 30);
            var setup = Stopwatch.StartNew();
            await using (var scope = services.CreateAsyncScope())
            {
                await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken);
                await scope.ServiceProvider.GetRequiredService<DemoBankSeeder>().SeedAsync(8, cancellationToken);
                await scope.ServiceProvider.GetRequiredService<SyntheticBook>().GenerateAsync(count, closeDate, cancellationToken: cancellationToken);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Generated {count} loans on {provider} in {setup.Elapsed.TotalSeconds:0.0} s."));
            if (ecl)
            {
                return await EclBench.RunAsync(services, count, closeDate, cancellationToken);
            }

            var sample = await SampleAsync(services, Math.Min(count, 100_000), cancellationToken);
            var compute = MeasureCompute(sample, count, closeDate);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Computation alone: {compute:0} loans/s ({Environment.ProcessorCount} cores)."));

            await BenchSettle.RunAsync(services, cancellationToken);
            GC.Collect();
            var watch = Stopwatch.StartNew();
            CloseSummary summary;
            await using (var scope = services.CreateAsyncScope())
            {
                var outcome = await scope.ServiceProvider.GetRequiredService<DailyClose>().RunAsync(closeDate, chunkSize, cancellationToken);
                if (!outcome.IsSuccess)
                {
                    Console.Error.WriteLine(outcome.Error!.Message);
                    return 1;
                }

                summary = outcome.Value!;
            }

            var endToEnd = summary.LoansClosed / watch.Elapsed.TotalSeconds;
            var peakMb = Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"End to end: {summary.LoansClosed} loans closed in {watch.Elapsed.TotalSeconds:0.00} s = {endToEnd:0} loans/s; peak memory {peakMb:0} MB."));
            // The warning step leaves its log's checkpoint to a connection of its own: waited for here, not counted above.
            await WarningBench.CheckpointAsync(services, "Checkpoint after the close (own connection)");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{{\"loans\":{count},\"provider\":\"{provider}\",\"computeLoansPerSecond\":{compute:0},\"endToEndLoansPerSecond\":{endToEnd:0},\"peakMemoryMB\":{peakMb:0}}}"));
            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Npgsql.NpgsqlConnection.ClearAllPools();
            if (keep)
            {
                Console.WriteLine($"Kept {directory}");
            }

            try
            {
                if (!keep)
                {
                    Directory.Delete(directory, recursive: true);
                }
            }
            catch (IOException)
            {
                // leftovers in /tmp are harmless
            }
        }
    }

    /// <summary>Reads a sample of positions the way the close does (the computation is timed on copies of it).</summary>
    private static async Task<LoanPosition[]> SampleAsync(IServiceProvider services, int size, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PostLoanDbContext>();
        var rows = await db.LoanPositions.AsNoTracking().OrderBy(p => p.LoanId).Take(size).ToListAsync(cancellationToken);
        var loan = new Loan { Code = "x", PenaltyMarkup = 0.5m };
        return rows.Select(r => r.ToPosition(loan)).ToArray();
    }

    /// <summary>Closes copies of the sample until <paramref name="count"/> loans have been computed, on every core.</summary>
    private static double MeasureCompute(LoanPosition[] sample, int count, DateOnly date)
    {
        var work = new LoanPosition[sample.Length];
        var done = 0L;
        var watch = new Stopwatch();
        while (done < count)
        {
            Array.Copy(sample, work, sample.Length);
            var n = (int)Math.Min(work.Length, count - done);
            watch.Start();
            Parallel.For(0, Environment.ProcessorCount, part =>
            {
                var from = n * part / Environment.ProcessorCount;
                var to = n * (part + 1) / Environment.ProcessorCount;
                var span = work.AsSpan(from, to - from);
                for (var i = 0; i < span.Length; i++)
                {
                    DailyCloseKernel.CloseDay(ref span[i], date, UpcomingInstallment.None);
                }
            });
            watch.Stop();
            done += n;
        }

        return done / watch.Elapsed.TotalSeconds;
    }
}
