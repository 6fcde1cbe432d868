using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using MQTTnet;
using MQTTnet.Protocol;
using PostLoan.Domain.Administration;
using PostLoan.Domain.Monitoring;
using PostLoan.Infrastructure.Monitoring.Ingest;
using PostLoan.Integration.Tests.Support;
using static PostLoan.Integration.Tests.Monitoring.MonitoringFixture;

namespace PostLoan.Integration.Tests.Monitoring;

/// <summary>Readings over real MQTT: the embedded broker (acknowledged after commit, credentials at connection) and a real Mosquitto.</summary>
public sealed class MqttIngest
{
    [Fact]
    public async Task The_embedded_broker_acknowledges_after_commit_and_refuses_bad_credentials()
    {
        var port = FreePort();
        await using var app = await TestApp.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Monitoring:Mqtt:Enabled"] = "true",
            ["Monitoring:Mqtt:Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["Monitoring:Mqtt:BindAddress"] = "127.0.0.1",
        });
        var site = await SiteAsync(app);
        var issued = await DeviceAsync(app, site.Id, "PC-MQTT-1", DeviceKind.PeopleCounter, CounterMode.Delta);

        using var intruder = new MqttClientFactory().CreateMqttClient();
        var refused = await intruder.ConnectAsync(Options(port, "PC-MQTT-1", "pld_wrong"));
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, refused.ResultCode);

        using var client = new MqttClientFactory().CreateMqttClient();
        Assert.Equal(MqttClientConnectResultCode.Success, (await client.ConnectAsync(Options(port, "PC-MQTT-1", issued.Secret))).ResultCode);
        var now = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        var ack = await client.PublishAsync(Message("PC-MQTT-1", $$"""{"readings":[{"seq":1,"ts":"{{now}}","in":7,"out":2},{"seq":2,"ts":"{{now}}","in":3,"out":1}]}"""));
        Assert.True(ack.IsSuccess);
        // Acknowledged means committed: the readings are there without waiting.
        await using (var db = app.SystemDb())
        {
            Assert.Equal(2, await db.DeviceReadings.CountAsync(r => r.DeviceId == issued.Device.Id));
            var total = await db.DeviceDailyTotals.SingleAsync(t => t.DeviceId == issued.Device.Id);
            Assert.Equal((10, 3), (total.Increment, total.Increment2));
        }

        var malformed = await client.PublishAsync(Message("PC-MQTT-1", """{"seq":3,"in":1,"out":0}"""));
        Assert.Equal(MqttClientPublishReasonCode.PayloadFormatInvalid, malformed.ReasonCode);
        var foreign = await client.PublishAsync(Message("OTHER-DEVICE", $$"""{"seq":4,"ts":"{{now}}","in":1,"out":0}"""));
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, foreign.ReasonCode);

        await using var check = app.SystemDb();
        Assert.Equal(2, await check.DeviceReadings.CountAsync());
        var refusals = await check.AuditEntries.Where(a => a.Entity == "Device" && a.Action == AuditAction.AccessDenied).Select(a => a.Detail).ToListAsync();
        Assert.Equal(["bad device credential (mqtt from 127.0.0.1", "topic of another device (mqtt)"], refusals.Select(r => r!.Split(':')[0]).ToList());
    }

    [Fact]
    public async Task Readings_arrive_through_a_real_Mosquitto_broker()
    {
        var port = FreePort();
        using var mosquitto = StartMosquitto(port);
        await using var app = await TestApp.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Monitoring:External:Host"] = "127.0.0.1",
            ["Monitoring:External:Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["Monitoring:External:ReconnectSeconds"] = "1",
        });
        var site = await SiteAsync(app);
        var meter = await DeviceAsync(app, site.Id, "WM-MOSQ-1", DeviceKind.WaterMeter);

        using var device = new MqttClientFactory().CreateMqttClient();
        await device.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId("WM-MOSQ-1").Build());
        // Yesterday from 10:00 Beijing time: all readings fall on one local day whenever the test runs.
        var at = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(-1).AddHours(2), TimeSpan.Zero);
        string Reading(int seq, double value, string key) => string.Create(CultureInfo.InvariantCulture,
            $$"""{"key":"{{key}}","seq":{{seq}},"ts":{{at.AddMinutes(seq * 10).ToUnixTimeMilliseconds()}},"value":{{value}}}""");

        // The ingest may still be subscribing: publish until the first reading is in, then the rest.
        var deadline = Stopwatch.StartNew();
        while (!await StoredAsync(app, meter.Device.Id, 1))
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(60), "the ingest never received the reading through Mosquitto");
            await device.PublishAsync(Message("WM-MOSQ-1", Reading(1, 120.5, meter.Secret)));
            await Task.Delay(500);
        }

        deadline.Restart();
        await device.PublishAsync(Message("WM-MOSQ-1", Reading(2, 121.75, meter.Secret)));
        await device.PublishAsync(Message("WM-MOSQ-1", Reading(3, 999, "pld_not-the-key")));
        await device.PublishAsync(Message("WM-MOSQ-1", Reading(4, 123, meter.Secret)));
        while (!await StoredAsync(app, meter.Device.Id, 3))
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(60), "later readings never arrived");
            await Task.Delay(200);
        }

        var total = await TotalAsync(app, meter.Device.Id);
        Assert.Equal(2.5, total.Increment);   // 120.5 → 121.75 → 123; the reading with a wrong key was refused
        await using var db = app.SystemDb();
        Assert.Equal([1L, 2L, 4L], await db.DeviceReadings.Where(r => r.DeviceId == meter.Device.Id).OrderBy(r => r.Sequence).Select(r => r.Sequence).ToListAsync());
        Assert.True(await db.AuditEntries.AnyAsync(a => a.EntityId == "WM-MOSQ-1" && a.Detail!.StartsWith("bad device credential (mqtt-external")));
    }

    private static async Task<bool> StoredAsync(TestApp app, int deviceId, int count)
    {
        await using var db = app.SystemDb();
        return await db.DeviceReadings.CountAsync(r => r.DeviceId == deviceId) >= count;
    }

    private static MqttClientOptions Options(int port, string user, string password) =>
        new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId(user).WithCredentials(user, password).Build();

    private static MqttApplicationMessage Message(string code, string payload) => new MqttApplicationMessageBuilder()
        .WithTopic(IngestGateway.Topic(code, DeviceMessageKind.Readings)).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();

    /// <summary>Mosquitto on a loopback port with a generated configuration (scripts/test.sh installs it).</summary>
    private static MosquittoProcess StartMosquitto(int port)
    {
        var binary = new[] { "/usr/sbin/mosquitto", "/usr/bin/mosquitto" }.FirstOrDefault(File.Exists)
                     ?? throw new InvalidOperationException("mosquitto is not installed: apt-get install -y mosquitto (scripts/test.sh does)");
        var config = Path.Combine(Path.GetTempPath(), $"mosquitto-{port}.conf");
        // As root, Mosquitto drops to an unprivileged user (mosquitto, else nobody): the file is world-readable (umask 022).
        File.WriteAllText(config, $"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n");
        var process = Process.Start(new ProcessStartInfo(binary, ["-c", config]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var ready = Stopwatch.StartNew();
        while (ready.Elapsed < TimeSpan.FromSeconds(10))
        {
            try
            {
                using var probe = new TcpClient();
                probe.Connect(IPAddress.Loopback, port);
                return new MosquittoProcess(process, config);
            }
            catch (SocketException)
            {
                Thread.Sleep(100);
            }
        }

        process.Kill();
        throw new InvalidOperationException("mosquitto did not start: " + process.StandardError.ReadToEnd());
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class MosquittoProcess(Process process, string config) : IDisposable
    {
        public void Dispose()
        {
            process.Kill();
            process.WaitForExit();
            process.Dispose();
            File.Delete(config);
        }
    }
}
