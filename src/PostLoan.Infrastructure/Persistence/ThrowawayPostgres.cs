using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace PostLoan.Infrastructure.Persistence;

/// <summary>
/// A throwaway PostgreSQL cluster on a free loopback port, from the server binaries on the machine (initdb, pg_ctl),
/// for tests and benchmarks. PostgreSQL refuses to run as root, so as root the cluster runs as the <c>postgres</c>
/// (or <c>nobody</c>) user. Durability is off (fsync, synchronous commit): never use it for real data.
/// </summary>
public sealed class ThrowawayPostgres(IReadOnlyDictionary<string, string>? settings = null) : IAsyncDisposable
{
    /// <summary>
    /// Server settings for benchmarks: sized like a production server on this machine (shared buffers a quarter of
    /// memory, up to 8 GB; checkpoints spaced for batch writes) instead of PostgreSQL's minimal defaults (128 MB of
    /// buffers, a checkpoint every 1 GB of WAL). The tests keep the defaults.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ProductionLike()
    {
        var memoryMb = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024 * 1024);
        var buffersMb = Math.Clamp(memoryMb / 4, 128, 8192);
        return new Dictionary<string, string>
        {
            ["shared_buffers"] = $"{buffersMb}MB",
            ["effective_cache_size"] = $"{Math.Max(buffersMb, memoryMb / 2)}MB",
            ["maintenance_work_mem"] = "512MB",
            ["work_mem"] = "32MB",
            ["wal_buffers"] = "64MB",
            ["max_wal_size"] = "16GB",
            ["checkpoint_timeout"] = "30min",
        };
    }

    private string _directory = string.Empty;
    private string? _runAs;
    private string _binaries = string.Empty;

    public int Port { get; private set; }

    /// <summary>Initialises and starts the cluster.</summary>
    public async Task StartAsync()
    {
        _binaries = FindBinaries();
        _directory = Path.Combine(Path.GetTempPath(), "postloan-pg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_directory);
        if (Environment.UserName == "root")
        {
            _runAs = Run("id", "-u postgres", throwOnError: false).ExitCode == 0 ? "postgres" : "nobody";
            Run("chown", $"-R {_runAs} {_directory}");
        }

        Port = FreePort();
        var data = Path.Combine(_directory, "data");
        RunPg("initdb", $"-D {data} -U postloan --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync");
        RunPg("pg_ctl", $"-D {data} -l {Path.Combine(_directory, "server.log")} -w -t 60 " +
            $"-o \"-p {Port} -k {_directory} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200{Settings()}\" start");
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
    }

    private string Settings() =>
        string.Concat((settings ?? new Dictionary<string, string>()).Select(s => $" -c {s.Key}={s.Value}"));

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "postloan_" + Guid.NewGuid().ToString("N")[..12];
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postloan;Database={database};Pooling=true;Include Error Detail=true";

    public ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (Directory.Exists(Path.Combine(_directory, "data")))
        {
            RunPg("pg_ctl", $"-D {Path.Combine(_directory, "data")} -m immediate -w stop", throwOnError: false);
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A cluster directory left in /tmp is harmless.
        }

        return ValueTask.CompletedTask;
    }

    private (int ExitCode, string Output) RunPg(string tool, string arguments, bool throwOnError = true)
    {
        var executable = Path.Combine(_binaries, tool);
        return _runAs is null
            ? Run(executable, arguments, throwOnError)
            : Run("runuser", $"-u {_runAs} -- {executable} {arguments}", throwOnError);
    }

    private static (int ExitCode, string Output) Run(string file, string arguments, bool throwOnError = true)
    {
        var info = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = "/" };
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        var output = stdout.Result + stderr.Result;
        if (throwOnError && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {arguments} failed ({process.ExitCode}): {output}");
        }

        return (process.ExitCode, output);
    }

    private static string FindBinaries()
    {
        var candidates = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':')
            .Concat(Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql").OrderDescending().Select(d => Path.Combine(d, "bin")) : []);
        return candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")))
            ?? throw new InvalidOperationException("PostgreSQL server binaries (initdb, pg_ctl) were not found on PATH or under /usr/lib/postgresql; install postgresql.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
