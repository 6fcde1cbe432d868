using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;
using PostLoan.Domain.Monitoring;
using PostLoan.Infrastructure;
using PostLoan.Infrastructure.Demo;
using PostLoan.Infrastructure.Identity;
using PostLoan.Infrastructure.Monitoring;
using PostLoan.Infrastructure.Monitoring.Ingest;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Cli;

/// <summary>
/// <c>./postloan bench ingest [--provider sqlite|postgres] [--clients N] [--batch B] [--seconds S]</c>: starts the ingest
/// (embedded MQTT broker on a loopback port, the HTTP endpoints on a loopback Kestrel) over a fresh database, then N device
/// clients each publish messages of B meter readings with QoS 1 for S seconds, waiting for every acknowledgement (sent
/// after the commit); then the same over HTTP. Prints readings per second durably stored through each path, the p99
/// latency from publish to acknowledged-after-commit, and one JSON line.
/// </summary>
public static class IngestBench
{
    public static Command Build()
    {
        var provider = new Option<string>("--provider") { Description = "sqlite | postgres", DefaultValueFactory = _ => "sqlite" };
        var connection = new Option<string?>("--connection") { Description = "PostgreSQL connection string (default: a throwaway local cluster)" };
        var clients = new Option<int>("--clients") { Description = "Publishing devices", DefaultValueFactory = _ => 32 };
        var batch = new Option<int>("--batch") { Description = "Readings per message", DefaultValueFactory = _ => 50 };
        var seconds = new Option<int>("--seconds") { Description = "Duration of each phase", DefaultValueFactory = _ => 10 };
        var command = new Command("ingest", "Benchmark device ingest: MQTT QoS 1 and HTTP readings durably stored per second") { provider, connection, clients, batch, seconds };
        command.SetAction(async (result, cancellationToken) =>
        {
            var name = result.GetValue(provider)?.ToLowerInvariant();
            var n = result.GetValue(clients);
            var b = result.GetValue(batch);
            var s = result.GetValue(seconds);
            if (name is not ("sqlite" or "postgres") || n is < 1 or > 1000 || b is < 1 or > 1000 || s is < 1 or > 600)
            {
                Console.Error.WriteLine("--provider sqlite|postgres, --clients 1..1000, --batch 1..1000, --seconds 1..600");
                return 2;
            }

            return await RunAsync(name, result.GetValue(connection), n, b, TimeSpan.FromSeconds(s), cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(string provider, string? connectionString, int clients, int batch, TimeSpan duration, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(Path.GetTempPath(), "postloan-ingest-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        await using var cluster = provider == "postgres" && connectionString is null ? new ThrowawayPostgres(ThrowawayPostgres.ProductionLike()) : null;
        if (cluster is not null)
        {
            await cluster.StartAsync();
            connectionString = await cluster.CreateDatabaseAsync();
        }

        var mqttPort = FreePort();
        var httpPort = FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = provider == "postgres" ? "Postgres" : "Sqlite",
            ["ConnectionStrings:PostLoan"] = connectionString ?? $"Data Source={Path.Combine(directory, "bench.db")}",
            ["Monitoring:Mqtt:Port"] = mqttPort.ToString(CultureInfo.InvariantCulture),
            ["Monitoring:Mqtt:BindAddress"] = "127.0.0.1",
            ["Monitoring:OfflineCheck:Enabled"] = "false",
            ["Monitoring:SnapshotsPath"] = Path.Combine(directory, "snapshots"),
        });
        builder.Logging.ClearProviders().AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, httpPort));
        builder.Services.AddSingleton<ICurrentUser>(SystemUser.Instance);
        builder.Services.AddPostLoanCore(builder.Configuration);
        builder.Services.AddMonitoringHost(builder.Configuration);
        await using var app = builder.Build();
        app.MapGroup("/api").MapIngestEndpoints();
        try
        {
            await using (var scope = app.Services.CreateAsyncScope())
            {
                await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken);
                await scope.ServiceProvider.GetRequiredService<DemoBankSeeder>().SeedAsync(1, cancellationToken);
            }

            var devices = await CreateDevicesAsync(app.Services, clients * 2, cancellationToken);
            await app.StartAsync(cancellationToken);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Ingest on {provider}: {clients} devices × {batch} readings per message, {duration.TotalSeconds:0} s per path ({Environment.ProcessorCount} cores)."));

            var mqtt = await MeasureAsync(devices[..clients], batch, duration, (device, ct) => MqttPublisherAsync(mqttPort, device, ct), cancellationToken);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"MQTT QoS 1: {mqtt.Readings} readings stored in {mqtt.Seconds:0.0} s = {mqtt.PerSecond:0} readings/s; publish → stored p50 {mqtt.P50:0.0} ms, p99 {mqtt.P99:0.0} ms."));
            var http = await MeasureAsync(devices[clients..], batch, duration, (device, ct) => HttpPublisherAsync(httpPort, device, ct), cancellationToken);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"HTTP: {http.Readings} readings stored in {http.Seconds:0.0} s = {http.PerSecond:0} readings/s; request → stored p50 {http.P50:0.0} ms, p99 {http.P99:0.0} ms."));

            await using var db = app.Services.GetRequiredService<DatabaseOptions>().CreateContext(SystemUser.Instance);
            var stored = await db.DeviceReadings.LongCountAsync(cancellationToken);
            if (stored != mqtt.Readings + http.Readings)
            {
                Console.Error.WriteLine($"acknowledged {mqtt.Readings + http.Readings} readings but {stored} are stored");
                return 1;
            }

            var imagesPerSecond = await ImageBench.MeasureAsync(200, cancellationToken);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Warehouse snapshots: {imagesPerSecond:0.0} images/s (1920×1080, 8 goods + 2 control regions, decode included)."));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{{\"mqttReadingsPerSecond\":{mqtt.PerSecond:0},\"httpReadingsPerSecond\":{http.PerSecond:0},\"p99LatencyMs\":{mqtt.P99:0.0},\"imagesPerSecond\":{imagesPerSecond:0.0}}}"));
            return 0;
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Npgsql.NpgsqlConnection.ClearAllPools();
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // leftovers in /tmp are harmless
            }
        }
    }

    private sealed record BenchDevice(string Code, string Secret);

    private readonly record struct Measurement(long Readings, double Seconds, double PerSecond, double P50, double P99);

    /// <summary>A publisher: sends one message of readings and returns when it is acknowledged (after commit).</summary>
    private delegate Task<Func<string, Task>> PublisherFactory(BenchDevice device, CancellationToken cancellationToken);

    private static async Task<Measurement> MeasureAsync(BenchDevice[] devices, int batch, TimeSpan duration, PublisherFactory factory, CancellationToken cancellationToken)
    {
        var publishers = await Task.WhenAll(devices.Select(d => factory(d, cancellationToken)));
        var latencies = new List<double>[devices.Length];
        var counts = new long[devices.Length];
        var start = DateTimeOffset.UtcNow.AddSeconds(-duration.TotalSeconds - 60);
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(publishers.Select((publish, i) => Task.Run(async () =>
        {
            latencies[i] = [];
            var sequence = 0L;
            var meter = 1000.0;
            var payload = new StringBuilder();
            while (watch.Elapsed < duration)
            {
                payload.Clear().Append("{\"readings\":[");
                for (var k = 0; k < batch; k++)
                {
                    sequence++;
                    meter += 0.25;
                    payload.Append(k == 0 ? "" : ",").Append(CultureInfo.InvariantCulture,
                        $"{{\"seq\":{sequence},\"ts\":{start.AddMilliseconds(sequence).ToUnixTimeMilliseconds()},\"value\":{meter}}}");
                }

                payload.Append("]}");
                var sent = Stopwatch.GetTimestamp();
                await publish(payload.ToString());
                latencies[i].Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                counts[i] += batch;
            }
        }, cancellationToken)));
        var seconds = watch.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        var readings = counts.Sum();
        return new Measurement(readings, seconds, readings / seconds, Percentile(all, 0.50), Percentile(all, 0.99));
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static async Task<Func<string, Task>> MqttPublisherAsync(int port, BenchDevice device, CancellationToken cancellationToken)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId(device.Code)
            .WithCredentials(device.Code, device.Secret).WithTimeout(TimeSpan.FromSeconds(60)).Build(), cancellationToken);
        var topic = IngestGateway.Topic(device.Code, DeviceMessageKind.Readings);
        return async payload =>
        {
            var result = await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), cancellationToken);
            if (!result.IsSuccess)
            {
                throw new InvalidOperationException($"publish refused: {result.ReasonCode} {result.ReasonString}");
            }
        };
    }

    private static Task<Func<string, Task>> HttpPublisherAsync(int port, BenchDevice device, CancellationToken cancellationToken)
    {
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        client.DefaultRequestHeaders.Add(IngestEndpoints.CodeHeader, device.Code);
        client.DefaultRequestHeaders.Add(IngestEndpoints.KeyHeader, device.Secret);
        return Task.FromResult<Func<string, Task>>(async payload =>
        {
            using var response = await client.PostAsync("/api/ingest/readings", new StringContent(payload, Encoding.UTF8, "application/json"), cancellationToken);
            response.EnsureSuccessStatusCode();
        });
    }

    private static async Task<BenchDevice[]> CreateDevicesAsync(IServiceProvider services, int count, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PostLoanDbContext>();
        var customer = await db.Customers.Where(c => c.Kind == Domain.Ledger.Customers.CustomerKind.Enterprise).OrderBy(c => c.Id).FirstAsync(cancellationToken);
        var maintenance = scope.ServiceProvider.GetRequiredService<DeviceService>();
        var site = await maintenance.CreateSiteAsync(new SiteInput(customer.Id, "基准测试厂区", null, new TimeOnly(8, 0), new TimeOnly(18, 0),
            WorkingDays.EveryDay, new TimeOnly(4, 0), 5m), cancellationToken);
        var devices = new BenchDevice[count];
        for (var i = 0; i < count; i++)
        {
            var code = "BENCH-EM-" + i.ToString("D4", CultureInfo.InvariantCulture);
            var issued = await maintenance.CreateDeviceAsync(new DeviceInput(site.Value!.Id, code, code, DeviceKind.ElectricityMeter, null, null, null, null,
                CounterMode.Cumulative, null), cancellationToken);
            devices[i] = new BenchDevice(code, issued.Value!.Secret);
        }

        return devices;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
