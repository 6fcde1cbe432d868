using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PostLoan.Domain.Ledger.Customers;
using PostLoan.Domain.Warning.Indicators;
using PostLoan.Domain.Warning.Rules;
using PostLoan.Domain.Warning.Signals;
using PostLoan.Infrastructure.Demo;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Infrastructure.Warning.Indicators;
using PostLoan.Infrastructure.Warning.Rules;
using RulesEngine.Models;

namespace PostLoan.Cli;

/// <summary>
/// <c>./postloan bench warning --customers N --rules R</c>: generates N customers with 24 months of indicator history
/// (persons: credit-report multi-lending, some DPD; enterprises: quarterly statements, half of them electricity and
/// operating-rate readings; some inventory readings and external events) and R published rules (the 17 starter rules plus
/// variants), then times the nightly run end to end — read the values, evaluate, write the signals. The baseline is
/// Microsoft RulesEngine on the same rules, translated to its lambda expressions over the same precomputed feature
/// vectors (on a sample of customers, extrapolated). Then a real-time loop: 1,000 indicator arrivals per second, each
/// stored and evaluated through the real-time path, with the latency from arrival to stored signal.
/// </summary>
internal static class WarningBench
{
    private static readonly DateOnly Today = new(2026, 6, 30);

    /// <summary>Customers of the warm-up's own book: thousands of calls of every per-row method, a few seconds.</summary>
    private const int WarmUpCustomers = 5_000;

    /// <summary>
    /// Warm-up rounds. Measured on the 1M book: the timed night compiled 1,800 methods in 1.0 s after one round, 970 in
    /// 0.6–0.9 s after three, 830 in 0.5 s after eight (what is left is code a small book never reaches often enough: the
    /// batches, the rule parser, the first queries on a new database); every round still compiled hundreds, so no count
    /// tells when to stop.
    /// </summary>
    private const int WarmUpRounds = 3;

    /// <summary>
    /// The warm-up's nights write in parts of this many signals instead of a night's 32,768: the small book's few thousand
    /// signals then make dozens of parts, so the code called once per part is optimised too (with one part per night it
    /// was compiled in the timed night).
    /// </summary>
    private const int WarmUpPartSize = 64;

    public static Command Build(Option<string> provider, Option<string?> connection, Option<bool> keep)
    {
        var customers = new Option<int>("--customers") { Description = "Customers to generate", DefaultValueFactory = _ => 100_000 };
        var rules = new Option<int>("--rules") { Description = "Published rules", DefaultValueFactory = _ => 50 };
        var sample = new Option<int>("--baseline-sample") { Description = "Customers RulesEngine evaluates (extrapolated)", DefaultValueFactory = _ => 20_000 };
        var realtime = new Option<int>("--realtime-seconds") { Description = "Seconds of the real-time loop (0: skip)", DefaultValueFactory = _ => 30 };
        var reuse = new Option<string?>("--reuse")
        {
            Description = "Time the nights again on a database an earlier run kept (a SQLite file or, with --provider postgres, a connection string): what its nights did is undone first",
        };
        var cold = new Option<bool>("--cold") { Description = "Time the first night in a fresh process, without the warm-up on a small book of its own" };
        var command = new Command("warning", "Benchmark the nightly warning rules against Microsoft RulesEngine, and the real-time path")
        {
            customers, rules, sample, realtime, provider, connection, keep, reuse, cold,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var n = result.GetValue(customers);
            var r = result.GetValue(rules);
            var name = result.GetValue(provider)?.ToLowerInvariant();
            if (n is < 1 or > 10_000_000 || r is < 1 or > 500 || name is not ("sqlite" or "postgres"))
            {
                Console.Error.WriteLine(n is < 1 or > 10_000_000 ? "--customers: must be between 1 and 10000000"
                    : r is < 1 or > 500 ? "--rules: must be between 1 and 500" : "--provider: must be sqlite or postgres");
                return 2;
            }

            var reused = result.GetValue(reuse);
            if (reused is not null && name == "sqlite" && !File.Exists(reused))
            {
                Console.Error.WriteLine($"--reuse: {reused} is not a file (give the bench.db an earlier run kept with --keep)");
                return 2;
            }

            var target = reused is null ? result.GetValue(connection) : name == "postgres" ? reused : $"Data Source={reused}";
            var options = new RunOptions(Math.Max(1, result.GetValue(sample)), result.GetValue(realtime), result.GetValue(keep) || reused is not null, reused is not null, !result.GetValue(cold));
            return await RunAsync(n, r, name, target, options, cancellationToken);
        });
        return command;
    }

    /// <summary>How a run goes: the RulesEngine sample, the real-time seconds, whether the database is kept or reused, and
    /// whether the process is warmed up first.</summary>
    private sealed record RunOptions(int SampleSize, int RealtimeSeconds, bool Keep, bool Reuse, bool WarmUp);

    private static async Task<int> RunAsync(int count, int ruleCount, string provider, string? connectionString, RunOptions options, CancellationToken cancellationToken)
    {
        var (sampleSize, realtimeSeconds, keep, reuse, warmUp) = options;
        var directory = reuse ? null : Path.Combine(Path.GetTempPath(), "postloan-bench-" + Guid.NewGuid().ToString("N")[..8]);
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        await using var cluster = provider == "postgres" && connectionString is null ? new ThrowawayPostgres(ThrowawayPostgres.ProductionLike()) : null;
        if (cluster is not null)
        {
            await cluster.StartAsync();
            connectionString = await cluster.CreateDatabaseAsync();
        }

        var configuration = BookConfiguration(provider, connectionString ?? $"Data Source={Path.Combine(directory!, "bench.db")}");
        try
        {
            if (warmUp)
            {
                await WarmUpAsync(provider == "postgres" ? cluster : null, ruleCount, cancellationToken);
            }

            await using var services = CliServices.Build(configuration);
            var setup = Stopwatch.StartNew();
            if (reuse)
            {
                (count, var reused) = await UndoNightsAsync(services, cancellationToken);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Reused {count} customers and {reused} indicator values; the earlier nights undone in {setup.Elapsed.TotalSeconds:0.0} s."));
            }
            else
            {
                await CreateBookAsync(services, count, ruleCount, provider, quiet: false, cancellationToken);
            }

            await BenchSettle.RunAsync(services, cancellationToken);
            if (warmUp)
            {
                // What opening the book compiled in the background finishes before the clock starts.
                await CompilerQuietAsync(cancellationToken);
            }

            GC.Collect();
            var memory = NightMemory.Start();
            var watch = Stopwatch.StartNew();
            var summary = await NightAsync(services, Today, cancellationToken);
            var seconds = watch.Elapsed.TotalSeconds;
            var evaluations = (double)count * ruleCount;
            var rate = evaluations / seconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"PostLoan: {summary.Customers} customers × {summary.Versions} rules, {summary.Values} values read, {summary.NewSignals} signals written in {seconds:0.00} s (read and evaluate {summary.Evaluating.TotalSeconds:0.00} s, write {summary.Writing.TotalSeconds:0.00} s) = {rate:0} evaluations/s end to end; {memory.Describe()}."));
            var checkpoint = await CheckpointAsync(services, "The night's write-ahead log checkpointed afterwards on its own connection");

            var baseline = await BaselineAsync(services, sampleSize, cancellationToken);
            // The conservative baseline: whichever way RulesEngine was faster.
            var baselineRate = Math.Max(baseline.OnSeries, baseline.OnFeatures);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"PostLoan on the same sample, one thread: the compiled rules alone on the precomputed vectors {baseline.OwnRate:0} evaluations/s; from the series (each vector filled, then every rule) {baseline.OwnSeriesRate:0} evaluations/s."));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"RulesEngine: {baseline.Sampled} customers × {ruleCount} rules on their series (each rule computes its window functions) = {baseline.OnSeries:0} evaluations/s, hits {baseline.SeriesHits}; on PostLoan's precomputed feature vectors (evaluation only) = {baseline.OnFeatures:0} evaluations/s, hits {baseline.FeatureHits}; PostLoan's hits on the same sample {baseline.OwnHits}; extrapolated to the whole book: {evaluations / baseline.OnSeries:0.0} s / {evaluations / baseline.OnFeatures:0.0} s."));
            var ratio = rate / baselineRate;
            var engineRatio = baseline.OwnRate / baseline.OnFeatures;
            var seriesRatio = baseline.OwnSeriesRate / baseline.OnSeries;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Ratio: {ratio:0.0}× (PostLoan end to end vs RulesEngine's faster evaluation alone: {rate / baseline.OnSeries:0.0}× on the series, {rate / baseline.OnFeatures:0.0}× on precomputed features)."));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Engine against engine (one thread each, same sample and input): {engineRatio:0.0}× on the precomputed vectors, {seriesRatio:0.0}× from the series."));

            // The next night, steady state: a day brings new values for a few customers (DPD moves, an event), the signals
            // of the first night are still active, so most hits are repeats.
            var next = Today.AddDays(1);
            var changed = await NextDayAsync(services, count, next, cancellationToken);
            var steadyMemory = NightMemory.Start();
            var second = Stopwatch.StartNew();
            var steady = await NightAsync(services, next, cancellationToken);

            var steadySeconds = second.Elapsed.TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Next night ({changed} new values for {changed} customers): {steady.Customers} customers × {steady.Versions} rules, {steady.NewSignals} new and {steady.Refreshed} repeated signals in {steadySeconds:0.00} s (read and evaluate {steady.Evaluating.TotalSeconds:0.00} s, write {steady.Writing.TotalSeconds:0.00} s) = {evaluations / steadySeconds:0} evaluations/s end to end; {steadyMemory.Describe()}."));
            var steadyCheckpoint = await CheckpointAsync(services, "The night's write-ahead log checkpointed afterwards on its own connection");

            if (realtimeSeconds > 0)
            {
                // As before the nights: the loop starts on a collected heap, not paying for the baseline's garbage.
                GC.Collect();
                await RealTimeAsync(services, count, realtimeSeconds, next, cancellationToken);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{{\"customers\":{count},\"rules\":{ruleCount},\"seconds\":{seconds:0.00},\"evaluationsPerSecond\":{rate:0},\"rulesEngineEvaluationsPerSecond\":{baselineRate:0},\"ratio\":{ratio:0.0},\"nextNightSeconds\":{steadySeconds:0.00},\"nextNightEvaluationsPerSecond\":{evaluations / steadySeconds:0},\"nextNightRatio\":{evaluations / steadySeconds / baselineRate:0.0},\"rulesEngineOnFeaturesEvaluationsPerSecond\":{baseline.OnFeatures:0},\"engineEvaluationsPerSecond\":{baseline.OwnRate:0},\"engineRatio\":{engineRatio:0.0},\"seriesEvaluationsPerSecond\":{baseline.OwnSeriesRate:0},\"seriesRatio\":{seriesRatio:0.0},\"checkpointSeconds\":{checkpoint:0.00},\"nextNightCheckpointSeconds\":{steadyCheckpoint:0.00}}}"));
            return 0;
        }
        finally
        {
            if (directory is null)
            {
                // --reuse: the database stays where it was.
                CloseConnections();
            }
            else if (keep)
            {
                CloseConnections();
                Console.WriteLine($"Kept {directory}");
            }
            else
            {
                DeleteScratch(directory);
            }
        }
    }

    private static void CloseConnections()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Npgsql.NpgsqlConnection.ClearAllPools();
    }

    /// <summary>Closes the pooled connections, then deletes a scratch directory of the run.</summary>
    private static void DeleteScratch(string directory)
    {
        CloseConnections();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // leftovers in /tmp are harmless
        }
    }

    private static IConfiguration BookConfiguration(string provider, string connectionString) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = provider == "postgres" ? "Postgres" : "Sqlite",
            ["ConnectionStrings:PostLoan"] = connectionString,
        }).Build();

    /// <summary>
    /// Runs the nights on a small book of its own before anything is timed, so that the timed nights find the night's code
    /// compiled by the runtime's optimising tier — as in a server, which has run nights before and raises real-time signals
    /// through the same intake all day — instead of timing its first compilation (what BenchmarkDotNet's warm-up does for a
    /// micro-benchmark). On PostgreSQL the book is a database of the throwaway cluster; with a given server, a SQLite file
    /// (the evaluation and the intake are warmed, not Npgsql's writer). <c>--cold</c> skips it.
    /// </summary>
    private static async Task WarmUpAsync(ThrowawayPostgres? cluster, int ruleCount, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var directory = Path.Combine(Path.GetTempPath(), "postloan-warmup-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        var provider = cluster is null ? "sqlite" : "postgres";
        var compiled = 0L;
        try
        {
            var connectionString = cluster is null ? $"Data Source={Path.Combine(directory, "warmup.db")}" : await cluster.CreateDatabaseAsync();
            await using var services = CliServices.Build(BookConfiguration(provider, connectionString), quiet: true);
            await CreateBookAsync(services, WarmUpCustomers, ruleCount, provider, quiet: true, cancellationToken);
            // Rounds of the first night (new signals) and the next (repeats), each after the last is undone, with a pause
            // after each round: the runtime starts counting calls only once no new method has been compiled for a moment
            // (while a night runs, new ones keep coming), and a method is optimised in steps (counted, instrumented,
            // optimised), each a few dozen calls after the last.
            for (var round = 0; round < WarmUpRounds; round++)
            {
                if (round > 0)
                {
                    await UndoNightsAsync(services, cancellationToken);
                }

                var before = JitInfo.GetCompiledMethodCount();
                await NightAsync(services, Today, cancellationToken, WarmUpPartSize);
                await NextDayAsync(services, WarmUpCustomers, Today.AddDays(1), cancellationToken);
                await NightAsync(services, Today.AddDays(1), cancellationToken, WarmUpPartSize);
                await CompilerQuietAsync(cancellationToken);
                compiled = JitInfo.GetCompiledMethodCount() - before;
            }
        }
        finally
        {
            DeleteScratch(directory);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Warmed up on a {WarmUpCustomers}-customer book of its own ({provider}) in {watch.Elapsed.TotalSeconds:0.0} s, {WarmUpRounds} rounds of a first and a next night (the last compiled {compiled} methods): the timed nights run on code the runtime has optimised, as a server's do (--cold: without)."));
    }

    /// <summary>
    /// Waits until the runtime has compiled nothing for a while (at most a few seconds): its background compilations of
    /// the methods just counted are done and the timed night does not share the cores with them.
    /// </summary>
    private static async Task CompilerQuietAsync(CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var (last, since) = (JitInfo.GetCompiledMethodCount(), TimeSpan.Zero);
        while (watch.Elapsed - since < TimeSpan.FromMilliseconds(300) && watch.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(50, cancellationToken);
            var now = JitInfo.GetCompiledMethodCount();
            if (now != last)
            {
                (last, since) = (now, watch.Elapsed);
            }
        }
    }

    private static async Task<RuleRunSummary> NightAsync(ServiceProvider services, DateOnly day, CancellationToken cancellationToken, int? partSize = null)
    {
        await using var scope = services.CreateAsyncScope();
        var run = scope.ServiceProvider.GetRequiredService<NightlyRuleRun>();
        if (partSize is { } size)
        {
            run.PartSize = size;
        }

        return await run.RunAsync(day, cancellationToken);
    }

    /// <summary>
    /// A fresh book: the demo bank, the rules and <paramref name="count"/> customers with their histories, then every
    /// customer's series packed once — what an import of a book pays after its commit (the night refreshes only customers
    /// whose values changed since).
    /// </summary>
    private static async Task CreateBookAsync(ServiceProvider services, int count, int ruleCount, string provider, bool quiet, CancellationToken cancellationToken)
    {
        var setup = Stopwatch.StartNew();
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken);
        await scope.ServiceProvider.GetRequiredService<DemoBankSeeder>().SeedAsync(1, cancellationToken);
        var db = scope.ServiceProvider.GetRequiredService<PostLoanDbContext>();
        await EnsureIndicatorsAsync(db, cancellationToken);
        await CreateRulesAsync(db, ruleCount, cancellationToken);
        var values = await GenerateAsync(db, count, cancellationToken);
        var generated = setup.Elapsed;
        var packing = Stopwatch.StartNew();
        await db.Database.OpenConnectionAsync(cancellationToken);
        var packed = await IndicatorSeriesPacker.RefreshAsync(db.Database.GetDbConnection(), cancellationToken);
        await db.Database.CloseConnectionAsync();
        if (quiet)
        {
            return;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Generated {count} customers, {values} indicator values (24 months) and {ruleCount} published rules on {provider} in {generated.TotalSeconds:0.0} s."));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Packed the series of {packed} customers in {packing.Elapsed.TotalSeconds:0.0} s (once, after the import)."));
    }

    /// <summary>
    /// Waits for the checkpoint a benchmarked run asked for (SQLite: its log copied into the database file on a connection
    /// of its own, as the close goes on) and prints it after <paramref name="label"/>: not part of the run, but nothing
    /// measured after it may run beside it. Returns its seconds. The daily close's benchmark uses it too.
    /// </summary>
    internal static async Task<double> CheckpointAsync(IServiceProvider services, string label)
    {
        var waited = Stopwatch.StartNew();
        var checkpoint = await services.GetRequiredService<SqliteCheckpointer>().IdleAsync();
        if (checkpoint.Frames != 0)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{label}: {checkpoint.Describe()} ({waited.Elapsed.TotalSeconds:0.00} s waited for it here)."));
        }

        return checkpoint.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// Puts a kept benchmark database back to before its first night: the next day's values go, and both nights are
    /// undone the way a reopened date is (<see cref="NightlyRuleRun.UndoAsync"/>), latest first; real-time signals go too.
    /// </summary>
    private static async Task<(int Customers, long Values)> UndoNightsAsync(ServiceProvider services, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PostLoanDbContext>();
        var run = scope.ServiceProvider.GetRequiredService<NightlyRuleRun>();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        await using (var tx = await connection.BeginTransactionAsync(cancellationToken))
        {
            await using (var drop = BulkWriter.Command(connection, tx, "DELETE FROM indicator_values WHERE \"Reference\" = 'bench:next' OR (\"Reference\" LIKE 'rt%' AND \"RecordedBy\" = 'bench')"))
            {
                await drop.ExecuteNonQueryAsync(cancellationToken);
            }

            foreach (var date in new[] { Today.AddDays(1), Today })
            {
                await run.UndoAsync(connection, tx, date, cancellationToken);
            }

            await tx.CommitAsync(cancellationToken);
        }

        // Repacked now, as a fresh run's import did, so the timed night does not pay for the values just removed.
        await IndicatorSeriesPacker.RefreshAsync(connection, cancellationToken);
        var customers = await db.Customers.IgnoreQueryFilters().CountAsync(c => c.Code.StartsWith("B"), cancellationToken);
        var values = await db.IndicatorValues.IgnoreQueryFilters().LongCountAsync(cancellationToken);
        await db.Database.CloseConnectionAsync();
        return (customers, values);
    }

    private static async Task EnsureIndicatorsAsync(PostLoanDbContext db, CancellationToken cancellationToken)
    {
        var existing = await db.Indicators.Select(i => i.Code).ToListAsync(cancellationToken);
        foreach (var s in StandardIndicators.All.Where(s => !existing.Contains(s.Code)))
        {
            db.Indicators.Add(new Indicator { Code = s.Code, NameZh = s.NameZh, NameEn = s.NameEn, Unit = s.Unit, Source = s.Source, Frequency = s.Frequency, Kind = s.Kind });
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The starter rules, then variants of them with other thresholds and windows, up to <paramref name="count"/> published.</summary>
    private static async Task CreateRulesAsync(PostLoanDbContext db, int count, CancellationToken cancellationToken)
    {
        var starters = await db.WarningRuleVersions.OrderBy(v => v.RuleId).ToListAsync(cancellationToken);
        foreach (var extra in starters.Skip(count))
        {
            extra.State = RuleVersionState.Retired;
        }

        string[] templates =
        [
            "now(dpd) >= {0}", "change_yoy(revenue) <= -0.{1}", "avg(electricity_kwh, 3) < 0.{1} * avg(electricity_kwh, 12)",
            "min(operating_rate, 3) < {0}", "sum(net_profit, 12) < 0 and now(debt_ratio) > {2}", "count(litigation_defendant, 6) >= 1 or now(multi_lending) >= {3}",
            "change(operating_cash_flow) < -0.{1} and now(operating_cash_flow) < 0", "max(inventory_change, 3) < -{0}", "now(debt_ratio) > industry_median(debt_ratio) * 1.{1}",
            "count(enforcement, 12) + count(credit_new_overdue, 12) >= 1 and now(dpd) > {3}", "avg(operating_rate, 6) < {2} - 20",
        ];
        var now = DateTimeOffset.UtcNow;
        for (var i = starters.Count; i < count; i++)
        {
            var template = templates[i % templates.Length];
            var k = i / templates.Length;
            var expression = string.Format(CultureInfo.InvariantCulture, template, 20 + (k * 7 % 60), 3 + (k % 6), 70 + (k % 20), 3 + (k % 5));
            var rule = new WarningRule { Code = $"BENCH{i:000}", NameZh = $"压测规则{i}", NameEn = $"Bench rule {i}", Category = RuleCategory.Operations, CreatedAt = now };
            db.WarningRules.Add(rule);
            await db.SaveChangesAsync(cancellationToken);
            db.WarningRuleVersions.Add(new WarningRuleVersion
            {
                RuleId = rule.Id, Number = 1, Expression = expression, Severity = (SignalSeverity)(1 + (i % 3)), State = RuleVersionState.Published,
                AuthorId = "bench", ApprovedById = "bench", CreatedAt = now, PublishedAt = now,
            });
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    private static readonly string[] Industries = ["制造业", "批发和零售业", "建筑业", "交通运输业", "住宿和餐饮业", "农业", "信息技术服务业"];

    /// <summary>Writes customers and their indicator histories with the bulk writer, customers and values in id order.</summary>
    private static async Task<long> GenerateAsync(PostLoanDbContext db, int count, CancellationToken cancellationToken)
    {
        var organisation = await db.Organisations.OrderByDescending(o => o.Path.Length).ThenBy(o => o.Id).FirstAsync(cancellationToken);
        var firstId = 1 + (await db.Customers.MaxAsync(c => (int?)c.Id, cancellationToken) ?? 0);
        var codes = await db.Indicators.ToDictionaryAsync(i => i.Code, i => i.Id, cancellationToken);

        // Each customer has an account manager of its branch, as in a real book: a new signal is raised and assigned
        // (two steps) and the manager told (one digest a night, NotificationCentre.DigestAbove).
        var managers = await (from u in db.Users
                              join ur in db.UserRoles on u.Id equals ur.UserId
                              join r in db.Roles on ur.RoleId equals r.Id
                              where r.Name == PostLoan.Domain.Administration.Roles.AccountManager && u.IsActive && u.OrganisationId == organisation.Id
                              orderby u.UserName
                              select u.Id).ToListAsync(cancellationToken);
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        var created = DateTimeOffset.UtcNow;
        BulkColumn[] customerColumns =
        [
            new("Id", typeof(int)), new("Code", typeof(string)), new("Name", typeof(string)), new("Kind", typeof(int)), new("IdNumber", typeof(string)),
            new("Industry", typeof(string)), new("OrganisationId", typeof(int)), new("OrganisationPath", typeof(string)), new("CreatedAt", typeof(DateTimeOffset)),
            new("AccountManagerId", typeof(string)),
        ];
        long values = 0;
        const int Chunk = 50_000;
        for (var start = 0; start < count; start += Chunk)
        {
            var end = Math.Min(count, start + Chunk);
            await using var tx = await connection.BeginTransactionAsync(cancellationToken);
            await BulkWriter.InsertAsync(connection, tx, "customers", customerColumns, Enumerable.Range(start, end - start).Select(i => new object?[]
            {
                firstId + i, string.Create(CultureInfo.InvariantCulture, $"B{i:00000000}"), string.Create(CultureInfo.InvariantCulture, $"压测客户{i}"),
                IsEnterprise(i) ? (int)CustomerKind.Enterprise : (int)CustomerKind.Person, string.Create(CultureInfo.InvariantCulture, $"BENCH{i:0000000000000}"),
                IsEnterprise(i) ? Industries[i % Industries.Length] : null, organisation.Id, organisation.Path, created,
                managers.Count == 0 ? null : managers[i % managers.Count],
            }), cancellationToken);
            var rows = Enumerable.Range(start, end - start).SelectMany(i => History(i, codes)).Select(v => new object?[]
            {
                v.Indicator, firstId + v.Customer, v.Date, v.Value, "bench", "bench", created, organisation.Path,
            });
            values += await BulkWriter.InsertAsync(connection, tx, "indicator_values", ValueColumns, rows, cancellationToken);
            await tx.CommitAsync(cancellationToken);
        }

        await BulkWriter.ResetIdentitiesAsync(connection, null, cancellationToken, "customers");
        await db.Database.CloseConnectionAsync();
        return values;
    }

    /// <summary>A day's new values: one customer in fifty gets a DPD value (a payment or a missed one), one in five hundred a lawsuit.</summary>
    private static async Task<int> NextDayAsync(ServiceProvider services, int count, DateOnly day, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PostLoanDbContext>();
        var firstId = await db.Customers.Where(c => c.Code.StartsWith("B")).MinAsync(c => c.Id, cancellationToken);
        var path = await db.Customers.Where(c => c.Id == firstId).Select(c => c.OrganisationPath).SingleAsync(cancellationToken);
        var dpd = await db.Indicators.Where(i => i.Code == StandardIndicators.DaysPastDue).Select(i => i.Id).SingleAsync(cancellationToken);
        var lawsuit = await db.Indicators.Where(i => i.Code == StandardIndicators.LitigationDefendant).Select(i => i.Id).SingleAsync(cancellationToken);
        var random = new Random(11);
        var rows = Enumerable.Range(0, count).Where(i => i % 50 == 7 || i % 500 == 3).Select(i => new object?[]
        {
            i % 50 == 7 ? dpd : lawsuit, firstId + i, day, i % 50 == 7 ? (double)random.Next(0, 95) : 1.0, "bench:next", "bench", DateTimeOffset.UtcNow, path,
        }).ToList();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        await BulkWriter.InsertAsync(connection, tx, "indicator_values", ValueColumns, rows, cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return rows.Count;
    }

    private static readonly BulkColumn[] ValueColumns =
    [
        new("IndicatorId", typeof(int)), new("CustomerId", typeof(int)), new("Date", typeof(DateOnly)), new("Value", typeof(double)),
        new("Reference", typeof(string)), new("RecordedBy", typeof(string)), new("RecordedAt", typeof(DateTimeOffset)), new("OrganisationPath", typeof(string)),
    ];

    private static bool IsEnterprise(int i) => i % 10 < 3;

    /// <summary>One customer's 24 months, deterministic in its number: trends, a few shocks, sparse events.</summary>
    private static IEnumerable<(int Customer, int Indicator, DateOnly Date, double Value)> History(int i, Dictionary<string, int> codes)
    {
        var random = new Random(i);
        var list = new List<(int, int, DateOnly, double)>();
        DateOnly MonthEnd(int back) => new DateOnly(Today.Year, Today.Month, 1).AddMonths(-back + 1).AddDays(-1);
        void Monthly(string code, Func<int, double> value, int step = 1)
        {
            var id = codes[code];
            for (var back = 23; back >= 0; back -= step)
            {
                list.Add((i, id, MonthEnd(back), Math.Round(value(back), 2)));
            }
        }

        var shock = random.NextDouble() < 0.08; // a customer in trouble over the last months
        if (i % 10 == 9 || shock)
        {
            var late = shock ? random.Next(10, 120) : 0;
            Monthly(StandardIndicators.DaysPastDue, back => back < 4 ? Math.Max(0, late - (back * 30)) : 0);
        }

        if (!IsEnterprise(i))
        {
            var lenders = random.Next(1, 5);
            Monthly(StandardIndicators.MultiLending, back => lenders + (shock && back < 6 ? 3 : 0), 3);
        }
        else
        {
            var revenue = random.Next(5_000, 200_000) * 1000.0;
            var margin = (random.NextDouble() * 0.15) - 0.02;
            var debt = 40 + (random.NextDouble() * 45);
            double Trend(int back) => revenue * (1 + (0.01 * (24 - back))) * (shock && back < 6 ? 0.55 : 1);
            Monthly(StandardIndicators.Revenue, Trend, 3);
            Monthly(StandardIndicators.NetProfit, back => Trend(back) * (shock && back < 6 ? -0.05 : margin), 3);
            Monthly(StandardIndicators.OperatingCashFlow, back => Trend(back) * (margin + (random.NextDouble() * 0.04) - 0.02), 3);
            Monthly(StandardIndicators.DebtRatio, back => debt + (shock && back < 6 ? 15 : 0), 3);
            if (i % 2 == 0)
            {
                var power = random.Next(20_000, 900_000);
                Monthly(StandardIndicators.Electricity, back => power * (0.9 + (random.NextDouble() * 0.2)) * (shock && back < 3 ? 0.5 : 1));
                Monthly(StandardIndicators.OperatingRate, back => shock && back < 3 ? random.Next(10, 40) : random.Next(55, 98));
            }
        }

        if (i % 20 == 1)
        {
            Monthly(StandardIndicators.InventoryChange, back => shock && back < 2 ? -60 : random.Next(-30, 30));
        }

        foreach (var (code, probability) in new[] { (StandardIndicators.LitigationDefendant, 0.03), (StandardIndicators.Enforcement, 0.005), (StandardIndicators.CreditNewOverdue, 0.02), (StandardIndicators.ShareholderChange, 0.01) })
        {
            if (random.NextDouble() < probability * (shock ? 5 : 1))
            {
                list.Add((i, codes[code], Today.AddDays(-random.Next(0, 700)), 1));
            }
        }

        list.Sort((a, b) => a.Item2 != b.Item2 ? a.Item2.CompareTo(b.Item2) : a.Item3.CompareTo(b.Item3));
        return list;
    }

    /// <summary>RulesEngine on precomputed feature vectors of a sample; returns evaluations per second and both engines' hits.</summary>
    private static async Task<Baseline> BaselineAsync(ServiceProvider services, int sampleSize, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PostLoanDbContext>();
        var set = await scope.ServiceProvider.GetRequiredService<RuleSetCache>().LoadAsync(db, Today, includeShadow: false, cancellationToken);
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        var customers = (await RuleCustomers.LoadAsync(connection, null, cancellationToken)).Take(sampleSize).ToList();
        var ids = customers.Select(c => c.Id).ToHashSet();
        var industries = set.UsesIndustryMedian ? await IndustryStatistics.LoadAsync(connection, set, Today, cancellationToken) : null;

        // The same feature vectors PostLoan computes, filled once per customer from its series.
        var series = new Dictionary<(int Customer, int Slot), List<IndicatorObservation>>();
        var slots = set.IndicatorIds.Select((id, slot) => (id, slot)).Where(p => p.id >= 0).ToDictionary(p => p.id, p => p.slot);
        await using (var command = BulkWriter.Command(connection, null, RuleRunner.ValuesSql(set, customers, "@from", "@to"), "from", set.FirstDate(Today), "to", Today))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var key = (reader.GetInt32(0), slots[reader.GetInt32(1)]);
                if (!series.TryGetValue(key, out var list))
                {
                    series[key] = list = [];
                }

                list.Add(new IndicatorObservation(reader.GetFieldValue<DateOnly>(2), reader.GetDouble(3)));
            }
        }

        await db.Database.CloseConnectionAsync();
        var rows = customers.Select(c => new SeriesRow
        {
            S = Enumerable.Range(0, set.IndicatorIds.Length).Select(s => series.TryGetValue((c.Id, s), out var list) ? new IndicatorSeries(list) : null).ToArray(),
            D = Today,
            M = c.Industry is { } name && industries is not null && industries.TryGetValue(name, out var stats) ? stats : null,
        }).ToList();
        var inputs = rows.Select(row =>
        {
            var vector = new double[set.Layout.Count];
            set.Layout.Fill(Today, row.S, row.M, vector);
            return new FeatureRow { F = vector };
        }).ToList();
        // PostLoan on the same two inputs, one thread as RulesEngine runs: the compiled rules alone on the vectors, and the
        // whole evaluation from the series (each customer's vector filled, then every rule), as RulesEngine does on them.
        var ownHits = 0;
        var ownRate = EvaluationRate(inputs.Count * set.Entries.Length, () =>
        {
            var fired = 0;
            foreach (var input in inputs)
            {
                foreach (var entry in set.Entries)
                {
                    fired += entry.Compiled.Fires(input.F) ? 1 : 0;
                }
            }

            ownHits = fired;
        });
        var vector = new double[set.Layout.Count];
        var ownSeriesHits = 0;
        var ownSeriesRate = EvaluationRate(rows.Count * set.Entries.Length, () =>
        {
            var fired = 0;
            foreach (var row in rows)
            {
                set.Layout.Fill(Today, row.S, row.M, vector);
                foreach (var entry in set.Entries)
                {
                    fired += entry.Compiled.Fires(vector) ? 1 : 0;
                }
            }

            ownSeriesHits = fired;
        });

        var (onFeatures, hits) = await TimeRulesEngineAsync(set, node => Lambda(node, set.Layout), new ReSettings(), inputs);

        // The same rules on the same data as PostLoan reads it: each rule computes its window functions from the customer's
        // series through methods registered with RulesEngine (its documented extension point), as a rule set written for
        // RulesEngine would.
        var (onSeries, rawHits) = await TimeRulesEngineAsync(set, node => RawLambda(node, set.Layout), new ReSettings { CustomTypes = [typeof(W)] }, rows);
        return ownSeriesHits == ownHits
            ? new Baseline(onSeries, rawHits, onFeatures, hits, ownHits, inputs.Count, ownRate, ownSeriesRate)
            : throw new InvalidOperationException($"PostLoan's hits differ between the vectors ({ownHits}) and the series ({ownSeriesHits}).");
    }

    /// <summary>Runs <paramref name="pass"/> (<paramref name="evaluations"/> evaluations) for at least a second: evaluations per second.</summary>
    private static double EvaluationRate(int evaluations, Action pass)
    {
        pass(); // compiled and warmed before timing
        var watch = Stopwatch.StartNew();
        var rounds = 0;
        do
        {
            pass();
            rounds++;
        }
        while (watch.Elapsed.TotalSeconds < 1);
        return rounds * (double)evaluations / watch.Elapsed.TotalSeconds;
    }

    /// <summary>RulesEngine over <paramref name="inputs"/> with the rules as <paramref name="lambda"/> writes them: evaluations per second and hits.</summary>
    private static async Task<(double Rate, int Hits)> TimeRulesEngineAsync<T>(CompiledRuleSet set, Func<RuleNode, string> lambda, ReSettings settings, IReadOnlyList<T> inputs)
        where T : class
    {
        var workflow = new Workflow
        {
            WorkflowName = "warning",
            Rules = set.Entries.Select((e, i) => new Rule
            {
                RuleName = "r" + i.ToString(CultureInfo.InvariantCulture),
                RuleExpressionType = RuleExpressionType.LambdaExpression,
                Expression = lambda(e.Compiled.Rule.Root),
            }).ToList(),
        };
        var engine = new RulesEngine.RulesEngine([workflow], settings);
        await engine.ExecuteAllRulesAsync("warning", inputs[0]); // compile once before timing
        var hits = 0;
        var watch = Stopwatch.StartNew();
        foreach (var input in inputs)
        {
            var results = await engine.ExecuteAllRulesAsync("warning", input);
            hits += results.Count(r => r.IsSuccess);
        }

        return (inputs.Count * (double)set.Entries.Length / watch.Elapsed.TotalSeconds, hits);
    }

    /// <summary>What the RulesEngine baseline measured on a sample, and PostLoan on the same (evaluations per second, hits).</summary>
    /// <param name="OnSeries">RulesEngine on the series, each rule computing its window functions.</param>
    /// <param name="SeriesHits">RulesEngine's hits on the series.</param>
    /// <param name="OnFeatures">RulesEngine on PostLoan's precomputed vectors.</param>
    /// <param name="FeatureHits">RulesEngine's hits on the vectors.</param>
    /// <param name="OwnHits">PostLoan's hits (the same on the vectors and from the series).</param>
    /// <param name="Sampled">Customers in the sample.</param>
    /// <param name="OwnRate">PostLoan's compiled rules alone on the precomputed vectors.</param>
    /// <param name="OwnSeriesRate">PostLoan from the series: each vector filled, then every rule.</param>
    private sealed record Baseline(double OnSeries, int SeriesHits, double OnFeatures, int FeatureHits, int OwnHits, int Sampled, double OwnRate, double OwnSeriesRate);

    /// <summary>The rule as a RulesEngine lambda over the raw series: <c>W.Avg(input1.S[3], 0, 3, input1.D)</c> and so on.</summary>
    private static string RawLambda(RuleNode node, FeatureLayout layout) => node switch
    {
        FeatureNode { Feature.Function: RuleFunction.IndustryMedian } f => $"W.Median(input1.M, \"{f.Feature.Indicator}\")",
        FeatureNode f => string.Create(CultureInfo.InvariantCulture,
            $"W.{f.Feature.Function}(input1.S[{IndexOf(layout, f.Feature)}], {(int)f.Feature.Kind}, {f.Feature.Months}, input1.D)"),
        UnaryNode { Operator: UnaryOperator.Not } u => $"!({RawLambda(u.Operand, layout)})",
        UnaryNode u => $"-({RawLambda(u.Operand, layout)})",
        BinaryNode b => $"({RawLambda(b.Left, layout)} {b.Operator switch { BinaryOperator.And => "&&", BinaryOperator.Or => "||", _ => RuleOperators.Text(b.Operator) }} {RawLambda(b.Right, layout)})",
        _ => Lambda(node, layout),
    };

    private static int IndexOf(FeatureLayout layout, RuleFeature feature)
    {
        for (var i = 0; i < layout.Indicators.Count; i++)
        {
            if (layout.Indicators[i] == (feature.Indicator, feature.Kind))
            {
                return i;
            }
        }

        throw new InvalidOperationException($"no series for {feature.Indicator}");
    }

    /// <summary>RulesEngine's input on raw data: the customer's series per indicator, the evaluation date, its industry's medians.</summary>
    public sealed class SeriesRow
    {
        public IndicatorSeries?[] S { get; init; } = [];

        public DateOnly D { get; init; }

        public IIndustryStatistics? M { get; init; }
    }

    /// <summary>The rule language's functions for RulesEngine: each call computes one feature from a raw series (domain semantics).</summary>
    public static class W
    {
        public static double Now(IndicatorSeries? s, int kind, int months, DateOnly d) => F(RuleFunction.Now, s, kind, months, d);

        public static double Prev(IndicatorSeries? s, int kind, int months, DateOnly d) => F(RuleFunction.Prev, s, kind, months, d);

        public static double Change(IndicatorSeries? s, int kind, int months, DateOnly d) => F(RuleFunction.Change, s, kind, months, d);

        public static double ChangeYoy(IndicatorSeries? s, int kind, int months, DateOnly d) => F(RuleFunction.ChangeYoy, s, kind, months, d);

        public static double Avg(IndicatorSeries? s, int kind, int months, DateOnly d) => F(RuleFunction.Avg, s, kind, months, d);

        public static double Min(IndicatorSeries? s, int kind, int months, DateOnly d) => F(RuleFunction.Min, s, kind, months, d);

        public static double Max(IndicatorSeries? s, int kind, int months, DateOnly d) => F(RuleFunction.Max, s, kind, months, d);

        public static double Sum(IndicatorSeries? s, int kind, int months, DateOnly d) => F(RuleFunction.Sum, s, kind, months, d);

        public static double Count(IndicatorSeries? s, int kind, int months, DateOnly d) => F(RuleFunction.Count, s, kind, months, d);

        public static double Median(IIndustryStatistics? m, string code) => m?.LatestMedian(code) ?? double.NaN;

        private static double F(RuleFunction function, IndicatorSeries? s, int kind, int months, DateOnly d) =>
            IndicatorWindows.Compute(new RuleFeature(function, "", months, (IndicatorKind)kind), s, null, d);
    }

    /// <summary>The rule as a RulesEngine lambda over <c>input1.F</c>, the feature vector (conditions are C# booleans).</summary>
    private static string Lambda(RuleNode node, FeatureLayout layout) => node switch
    {
        NumberNode n => n.Value.ToString("0.0###########", CultureInfo.InvariantCulture),
        BooleanNode b => b.Value ? "true" : "false",
        FeatureNode f => string.Create(CultureInfo.InvariantCulture, $"input1.F[{layout.SlotOf(f.Feature)}]"),
        UnaryNode { Operator: UnaryOperator.Not } u => $"!({Lambda(u.Operand, layout)})",
        UnaryNode u => $"-({Lambda(u.Operand, layout)})",
        BinaryNode b => $"({Lambda(b.Left, layout)} {b.Operator switch { BinaryOperator.And => "&&", BinaryOperator.Or => "||", _ => RuleOperators.Text(b.Operator) }} {Lambda(b.Right, layout)})",
        _ => throw new InvalidOperationException($"a checked rule has no {node.GetType().Name}"),
    };

    /// <summary>RulesEngine's input: the precomputed feature vector.</summary>
    public sealed class FeatureRow
    {
        public double[] F { get; init; } = [];
    }

    /// <summary>
    /// 1,000 arrivals per second for <paramref name="seconds"/>: each a litigation event of a random customer. A worker takes
    /// what has arrived, stores the values and evaluates those customers through the real-time path (which raises through
    /// SignalRaiser); the latency of an arrival is from its arrival to the stored signal.
    /// </summary>
    private static async Task RealTimeAsync(ServiceProvider services, int count, int seconds, DateOnly day, CancellationToken cancellationToken)
    {
        int firstId, indicator;
        string path;
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PostLoanDbContext>();
            firstId = await db.Customers.Where(c => c.Code.StartsWith("B")).MinAsync(c => c.Id, cancellationToken);
            indicator = await db.Indicators.Where(i => i.Code == StandardIndicators.LitigationDefendant).Select(i => i.Id).SingleAsync(cancellationToken);
            path = await db.Customers.Where(c => c.Id == firstId).Select(c => c.OrganisationPath).SingleAsync(cancellationToken);
        }

        var queue = new ConcurrentQueue<(int Customer, long Arrived)>();
        var latencies = new List<double>();
        var total = seconds * 1000;
        var random = new Random(7);
        var clock = Stopwatch.StartNew();
        var producer = Task.Run(async () =>
        {
            for (var k = 0; k < total; k++)
            {
                var due = k; // one arrival per millisecond
                var wait = due - clock.ElapsedMilliseconds;
                if (wait > 0)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(wait), cancellationToken);
                }

                queue.Enqueue((firstId + random.Next(count), clock.ElapsedTicks));
            }
        }, cancellationToken);

        var sequence = 0;
        var (batches, storing, evaluating) = (0, new Stopwatch(), new Stopwatch());
        var (longestStore, longestEvaluate, gen2) = (0.0, 0.0, GC.CollectionCount(2));
        while (!producer.IsCompleted || !queue.IsEmpty)
        {
            var batch = new List<(int Customer, long Arrived)>();
            while (batch.Count < 2000 && queue.TryDequeue(out var item))
            {
                batch.Add(item);
            }

            if (batch.Count == 0)
            {
                await Task.Delay(1, cancellationToken);
                continue;
            }

            batches++;
            await using (var scope = services.CreateAsyncScope())
            {
                var before = (storing.Elapsed, evaluating.Elapsed);
                storing.Start();
                var db = scope.ServiceProvider.GetRequiredService<PostLoanDbContext>();
                var connection = db.Database.GetDbConnection();
                await db.Database.OpenConnectionAsync(cancellationToken);
                await using (var tx = await connection.BeginTransactionAsync(cancellationToken))
                {
                    await BulkWriter.InsertAsync(connection, tx, "indicator_values", ValueColumns, batch.Select(b => new object?[]
                    {
                        indicator, b.Customer, day, 1.0, "rt" + (++sequence).ToString(CultureInfo.InvariantCulture), "bench", DateTimeOffset.UtcNow, path,
                    }), cancellationToken);
                    await tx.CommitAsync(cancellationToken);
                }

                storing.Stop();
                evaluating.Start();
                await scope.ServiceProvider.GetRequiredService<RealTimeRules>().OnIndicatorsChangedAsync(batch.Select(b => b.Customer).Distinct().ToList(), day, cancellationToken);
                evaluating.Stop();
                longestStore = Math.Max(longestStore, (storing.Elapsed - before.Item1).TotalMilliseconds);
                longestEvaluate = Math.Max(longestEvaluate, (evaluating.Elapsed - before.Item2).TotalMilliseconds);
            }

            var done = clock.ElapsedTicks;
            latencies.AddRange(batch.Select(b => (done - b.Arrived) * 1000.0 / Stopwatch.Frequency));
        }

        await producer;
        latencies.Sort();
        var p50 = latencies[latencies.Count / 2];
        var p99 = latencies[(int)(latencies.Count * 0.99)];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Real time: {latencies.Count} arrivals in {clock.Elapsed.TotalSeconds:0.0} s ({latencies.Count / clock.Elapsed.TotalSeconds:0}/s), arrival to stored signal p50 {p50:0} ms, p99 {p99:0} ms, max {latencies[^1]:0} ms; {batches} batches of {latencies.Count / (double)Math.Max(1, batches):0} on average, per batch storing the values {storing.Elapsed.TotalMilliseconds / Math.Max(1, batches):0} ms, evaluating and raising {evaluating.Elapsed.TotalMilliseconds / Math.Max(1, batches):0} ms; longest batch storing {longestStore:0} ms, evaluating and raising {longestEvaluate:0} ms; {GC.CollectionCount(2) - gen2} full collections."));
    }
}
