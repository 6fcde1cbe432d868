using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using MQTTnet.Protocol;
using PostLoan.Domain.Ledger.Customers;
using PostLoan.Domain.Monitoring;
using PostLoan.Infrastructure.Monitoring;
using PostLoan.Infrastructure.Monitoring.Ingest;
using PostLoan.Infrastructure.Monitoring.Simulation;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Cli;

/// <summary>
/// <c>./postloan devices simulate --sites N --rate R [--duration S] [--broker host:port] [--http url]</c>: a fleet of
/// simulated devices on real MQTT or HTTP (docs/monitoring.md). Sites are registered for the first N enterprise customers
/// of the database (secrets rotated, since they are never stored); readings follow <see cref="ActivityPattern"/>, with
/// scripted incidents on sites 1–3.
/// </summary>
public static class DevicesCommand
{
    public static Command Build()
    {
        var sites = new Option<int>("--sites") { Description = "Simulated sites", DefaultValueFactory = _ => 3 };
        var rate = new Option<double>("--rate") { Description = "Readings per second, all devices together", DefaultValueFactory = _ => 20 };
        var duration = new Option<int>("--duration") { Description = "Seconds to run (0: until Ctrl+C)", DefaultValueFactory = _ => 0 };
        var broker = new Option<string>("--broker") { Description = "MQTT broker host:port", DefaultValueFactory = _ => "localhost:1883" };
        var http = new Option<string?>("--http") { Description = "Send over HTTP to this base URL instead of MQTT (e.g. http://localhost:5000)" };
        var simulate = new Command("simulate", "Run simulated devices against the ingest") { sites, rate, duration, broker, http };
        simulate.SetAction(async (result, cancellationToken) =>
        {
            var n = result.GetValue(sites);
            var r = result.GetValue(rate);
            if (n is < 1 or > 500 || r is <= 0 or > 1_000_000)
            {
                Console.Error.WriteLine("--sites 1..500, --rate > 0");
                return 2;
            }

            var seconds = result.GetValue(duration);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (seconds > 0)
            {
                stop.CancelAfter(TimeSpan.FromSeconds(seconds));
            }

            return await RunAsync(n, r, TimeSpan.FromSeconds(seconds > 0 ? seconds : 3600), result.GetValue(broker)!, result.GetValue(http), stop.Token);
        });
        var command = new Command("devices", "Monitoring devices: simulation");
        command.Subcommands.Add(simulate);
        return command;
    }

    private sealed record SimDevice(string Code, string Secret, DeviceKind Kind, int Site, SiteProfile Profile)
    {
        public Func<string, byte[], Task> Send { get; set; } = (_, _) => Task.CompletedTask;

        public double In { get; set; }

        public double Out { get; set; }

        public double Register { get; set; } = 1000;

        public long Sequence { get; set; }
    }

    private static async Task<int> RunAsync(int siteCount, double rate, TimeSpan duration, string broker, string? http, CancellationToken cancellationToken)
    {
        await using var services = CliServices.Build();
        var start = DateTimeOffset.UtcNow;
        var devices = await RegisterAsync(services, siteCount, start, duration, cancellationToken);
        foreach (var device in devices)
        {
            device.Send = http is null ? await MqttSenderAsync(broker, device, cancellationToken) : HttpSender(http, device);
        }

        var readers = devices.Where(d => d.Kind != DeviceKind.WarehouseCamera).ToArray();
        var round = TimeSpan.FromSeconds(readers.Length / rate);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Simulating {siteCount} sites ({devices.Count} devices) at {rate:0.#} readings/s over {(http ?? "mqtt://" + broker)}; a round every {round.TotalMilliseconds:0} ms."));
        var sent = 0L;
        var nextSnapshot = TimeSpan.Zero;
        var watch = Stopwatch.StartNew();
        var previous = DateTimeOffset.UtcNow;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var now = DateTimeOffset.UtcNow;
                var interval = now - previous;
                previous = now;
                await Task.WhenAll(readers.Select(d => d.Send("readings", System.Text.Encoding.UTF8.GetBytes(Reading(d, now, interval)))));
                sent += readers.Length;
                if (watch.Elapsed >= nextSnapshot)
                {
                    nextSnapshot = watch.Elapsed + TimeSpan.FromSeconds(10);
                    foreach (var camera in devices.Where(d => d.Kind == DeviceKind.WarehouseCamera))
                    {
                        var boxes = camera.Profile.InIncident(Incident.GoodsLeaving, now) ? 9 : 20;
                        await camera.Send("snapshot", WarehouseImage.Jpeg(camera.Profile.Seed, boxes, noiseSeed: (int)(watch.Elapsed.TotalSeconds / 10)));
                    }
                }

                var wait = round - (DateTimeOffset.UtcNow - now);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, cancellationToken);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // the duration elapsed or Ctrl+C
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Sent {sent} readings in {watch.Elapsed.TotalSeconds:0.0} s."));
        return 0;
    }

    /// <summary>One reading in the device's payload format, its counters moved by the pattern over <paramref name="interval"/>.</summary>
    private static string Reading(SimDevice d, DateTimeOffset now, TimeSpan interval)
    {
        d.Sequence++;
        var ts = now.ToUnixTimeMilliseconds();
        switch (d.Kind)
        {
            case DeviceKind.PeopleCounter:
                // Compressed time: every real second is a simulated minute of the site's day.
                var (enter, leave) = ActivityPattern.Flow(d.Profile, now, interval * 60);
                d.In += enter;
                d.Out += leave;
                if (d.Profile.InIncident(Incident.CounterReset, now) && d.Profile.IncidentFrom is { } reset && now - interval < reset)
                {
                    d.In = 0;
                    d.Out = 0;
                }

                return string.Create(CultureInfo.InvariantCulture, $$"""{"seq":{{d.Sequence}},"ts":{{ts}},"in":{{d.In:0}},"out":{{d.Out:0}}}""");
            case DeviceKind.ElectricityMeter:
                d.Register += ActivityPattern.LoadKw(d.Profile, now) * interval.TotalHours * 60;
                return string.Create(CultureInfo.InvariantCulture, $$"""{"seq":{{d.Sequence}},"ts":{{ts}},"value":{{Math.Round(d.Register, 2)}}}""");
            case DeviceKind.WaterMeter:
                d.Register += ActivityPattern.WaterPerHour(d.Profile, now) * interval.TotalHours * 60;
                return string.Create(CultureInfo.InvariantCulture, $$"""{"seq":{{d.Sequence}},"ts":{{ts}},"value":{{Math.Round(d.Register, 3)}}}""");
            default:
                var (temperature, humidity) = ActivityPattern.Climate(d.Profile, now);
                return string.Create(CultureInfo.InvariantCulture, $$"""{"seq":{{d.Sequence}},"ts":{{ts}},"temperature":{{temperature}},"humidity":{{humidity}}}""");
        }
    }

    private static async Task<List<SimDevice>> RegisterAsync(IServiceProvider services, int siteCount, DateTimeOffset start, TimeSpan duration, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PostLoanDbContext>();
        var maintenance = scope.ServiceProvider.GetRequiredService<DeviceService>();
        var customers = await db.Customers.Where(c => c.Kind == CustomerKind.Enterprise).OrderBy(c => c.Id).Take(siteCount).ToListAsync(cancellationToken);
        if (customers.Count == 0)
        {
            throw new InvalidOperationException("no enterprise customers: run ./postloan seed-demo first");
        }

        var devices = new List<SimDevice>();
        for (var k = 1; k <= siteCount; k++)
        {
            var customer = customers[(k - 1) % customers.Count];
            var name = "模拟厂区 " + k.ToString("D3", CultureInfo.InvariantCulture);
            var site = await db.MonitoringSites.FirstOrDefaultAsync(s => s.Name == name, cancellationToken)
                       ?? (await maintenance.CreateSiteAsync(new SiteInput(customer.Id, name, customer.Address, new TimeOnly(8, 0), new TimeOnly(17, 30),
                           WorkingDays.MondayToFriday, new TimeOnly(4, 0), 20m), cancellationToken)).Value!;
            var (incident, at) = k switch
            {
                1 => (Incident.FactoryStop, start + duration / 2),
                2 => (Incident.CounterReset, start + duration / 3),
                3 => (Incident.GoodsLeaving, start + duration / 2),
                _ => (Incident.None, start),
            };
            var profile = new SiteProfile(k, 60 + 20 * (k % 5), 30, 250, incident, at);
            foreach (var kind in ActivityPattern.SiteDevices)
            {
                var code = string.Create(CultureInfo.InvariantCulture, $"SIM{k:D3}-{kind}");
                var existing = await db.Devices.FirstOrDefaultAsync(d => d.Code == code, cancellationToken);
                var secret = existing is null
                    ? (await maintenance.CreateDeviceAsync(new DeviceInput(site.Id, code, kind.ToString(), kind, "PostLoan", "Simulator", code, DateOnly.FromDateTime(start.Date),
                        CounterMode.Cumulative, kind is DeviceKind.ElectricityMeter or DeviceKind.WaterMeter ? 1_000_000 : null), cancellationToken)).Value!.Secret
                    : (await maintenance.RotateCredentialAsync(existing, cancellationToken)).Secret;
                devices.Add(new SimDevice(code, secret, kind, k, profile));
            }
        }

        return devices;
    }

    private static async Task<Func<string, byte[], Task>> MqttSenderAsync(string broker, SimDevice device, CancellationToken cancellationToken)
    {
        var parts = broker.Split(':');
        var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder()
            .WithTcpServer(parts[0], parts.Length > 1 ? int.Parse(parts[1], CultureInfo.InvariantCulture) : 1883)
            .WithClientId(device.Code).WithCredentials(device.Code, device.Secret).Build(), cancellationToken);
        return async (kind, payload) =>
        {
            var topic = IngestGateway.TopicPrefix + device.Code + "/" + kind;
            await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), cancellationToken);
        };
    }

    private static Func<string, byte[], Task> HttpSender(string baseUrl, SimDevice device)
    {
        var client = new HttpClient { BaseAddress = new Uri(baseUrl) };
        client.DefaultRequestHeaders.Add(IngestEndpoints.CodeHeader, device.Code);
        client.DefaultRequestHeaders.Add(IngestEndpoints.KeyHeader, device.Secret);
        return async (kind, payload) =>
        {
            if (kind == "snapshot")
            {
                using var form = new MultipartFormDataContent();
                var image = new ByteArrayContent(payload);
                image.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
                form.Add(image, "image", "snapshot.jpg");
                using var _ = await client.PostAsync("/api/ingest/snapshots", form);
                return;
            }

            using var response = await client.PostAsync("/api/ingest/readings", new ByteArrayContent(payload));
        };
    }
}
