using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PostLoan.Cli;
using PostLoan.Infrastructure.Demo;
using PostLoan.Infrastructure.Ledger.Close;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Integration.Tests.Support;

namespace PostLoan.Integration.Tests.Ledger;

/// <summary>
/// The daily close is killed for real (a child <c>postloan eod</c> process, SIGKILL) after some chunks committed;
/// rerunning it ends with exactly the snapshots, positions and journal of an uninterrupted run on a copy of the book.
/// </summary>
public sealed class KilledDailyClose : IDisposable
{
    private static readonly DateOnly CloseDate = new(2026, 6, 30);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "postloan-kill-" + Guid.NewGuid().ToString("N")[..8]);

    [Fact]
    public async Task A_killed_close_rerun_gives_the_same_result_as_an_uninterrupted_one()
    {
        Directory.CreateDirectory(_directory);
        var killed = Path.Combine(_directory, "killed.db");
        var uninterrupted = Path.Combine(_directory, "uninterrupted.db");
        // 100 chunks of 300: enough that the kill lands among them even when the machine is busy (40 once all finished first).
        await GenerateBookAsync(killed, loans: 30_000);
        File.Copy(killed, uninterrupted);

        using (var child = StartClose(killed))
        {
            // Wait until some chunks are committed, then kill the process without warning.
            var watch = Stopwatch.StartNew();
            while (CompletedChunks(killed) < 3 && !child.HasExited && watch.Elapsed < TimeSpan.FromMinutes(2))
            {
                await Task.Delay(5);
            }

            Assert.False(child.HasExited, "the close finished before it could be killed");
            child.Kill(entireProcessTree: true);
            await child.WaitForExitAsync();
        }

        var done = CompletedChunks(killed);
        Assert.InRange(done, 3, 99);
        Assert.Equal("1", Scalar(killed, "SELECT \"State\" FROM close_runs")); // still running

        Assert.Equal(0, await RunToEndAsync(killed));
        Assert.Equal(0, await RunToEndAsync(uninterrupted));

        foreach (var query in new[]
                 {
                     "SELECT * FROM loan_snapshots ORDER BY \"Date\", \"LoanId\"",
                     "SELECT * FROM loan_positions ORDER BY \"LoanId\"",
                     "SELECT \"Date\", \"OrganisationId\", \"Kind\", \"DebitAccount\", \"CreditAccount\", SUM(CAST(\"Amount\" AS REAL)) FROM journal_entries GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5",
                     "SELECT \"Date\", \"State\", \"ChunkCount\", \"LoansClosed\" FROM close_runs",
                 })
        {
            Assert.Equal(Dump(uninterrupted, query), Dump(killed, query));
        }

        Assert.Equal("30000", Scalar(killed, "SELECT COUNT(*) FROM loan_snapshots"));
    }

    private static async Task GenerateBookAsync(string file, int loans)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Sqlite",
            ["ConnectionStrings:PostLoan"] = $"Data Source={file}",
        }).Build();
        await using var services = CliServices.Build(configuration);
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync();
        await scope.ServiceProvider.GetRequiredService<DemoBankSeeder>().SeedAsync(2);
        await scope.ServiceProvider.GetRequiredService<SyntheticBook>().GenerateAsync(loans, CloseDate);
        SqliteConnection.ClearAllPools();
    }

    private static Process StartClose(string file)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(file)! };
        info.ArgumentList.Add(Path.Combine(TestPaths.Root, "src", "PostLoan.Web", "bin", "Release", "net10.0", "PostLoan.Web.dll"));
        foreach (var argument in new[] { "eod", "--date", "2026-06-30", "--chunk-size", "300" })
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["Database__Provider"] = "Sqlite";
        info.Environment["ConnectionStrings__PostLoan"] = $"Data Source={file};Default Timeout=30";
        var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start the close");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<int> RunToEndAsync(string file)
    {
        using var child = StartClose(file);
        await child.WaitForExitAsync();
        return child.ExitCode;
    }

    private static int CompletedChunks(string file)
    {
        try
        {
            return int.Parse(Scalar(file, "SELECT COUNT(*) FROM close_chunks WHERE \"CompletedAt\" IS NOT NULL"), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (SqliteException)
        {
            return 0; // busy or not yet created
        }
    }

    private static string Scalar(string file, string sql) => Dump(file, sql).Single();

    private static List<string> Dump(string file, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={file};Mode=ReadOnly;Pooling=False;Default Timeout=30");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(string.Join("|", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "null" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
        }

        return rows;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // leftovers in /tmp are harmless
        }
    }
}
