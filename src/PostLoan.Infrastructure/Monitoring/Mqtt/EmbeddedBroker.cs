using System.Buffers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MQTTnet.Protocol;
using MQTTnet.Server;
using PostLoan.Infrastructure.Monitoring.Ingest;

namespace PostLoan.Infrastructure.Monitoring.Mqtt;

/// <summary>
/// The MQTT broker hosted in the app (MQTTnet): devices connect with user name = device code and password = device
/// secret (checked when they connect), and publish to their own topics. A QoS 1 message is acknowledged only after
/// its readings are committed: MQTTnet sends the PUBACK after the publish interceptor returns, and the interceptor
/// waits for the ingest. A message that cannot be stored closes the connection unacknowledged, so the device sends it again.
/// </summary>
public sealed class EmbeddedBroker(MonitoringOptions options, DeviceDirectory directory, IngestGateway gateway, ILogger<EmbeddedBroker> logger) : IHostedService, IAsyncDisposable
{
    private const string DeviceItem = "postloan.device";

    private MqttServer? _server;

    /// <summary>The running server (for tests and the benchmark).</summary>
    public MqttServer? Server => _server;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var serverOptions = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(options.MqttBindAddress)
            .WithDefaultEndpointPort(options.MqttPort)
            .WithConnectionBacklog(1000)
            .Build();
        _server = new MqttServerFactory().CreateMqttServer(serverOptions);
        _server.ValidatingConnectionAsync += ValidateAsync;
        _server.InterceptingPublishAsync += InterceptAsync;
        _server.InterceptingSubscriptionAsync += e =>
        {
            // Devices publish; nobody reads other devices' data through this broker.
            e.ProcessSubscription = false;
            e.Response.ReasonCode = MqttSubscribeReasonCode.NotAuthorized;
            return Task.CompletedTask;
        };
        await _server.StartAsync();
        logger.LogInformation("Embedded MQTT broker listening on {Address}:{Port}", options.MqttBindAddress, options.MqttPort);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is not null)
        {
            await _server.StopAsync();
        }
    }

    public ValueTask DisposeAsync()
    {
        _server?.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task ValidateAsync(ValidatingConnectionEventArgs e)
    {
        var (device, refusal) = await directory.AuthenticateAsync(e.UserName, e.Password, "mqtt", e.RemoteEndPoint?.ToString(), e.CancellationToken);
        if (device is null)
        {
            e.ReasonCode = refusal == DeviceRefusal.UnknownDevice ? MqttConnectReasonCode.ClientIdentifierNotValid : MqttConnectReasonCode.BadUserNameOrPassword;
            return;
        }

        e.SessionItems[DeviceItem] = device;
    }

    private async Task InterceptAsync(InterceptingPublishEventArgs e)
    {
        // Consumed here: messages are not routed to subscribers.
        e.ProcessPublish = false;
        var device = e.SessionItems[DeviceItem] as DeviceInfo;
        var payload = e.ApplicationMessage.Payload;
        var bytes = payload.IsSingleSegment ? payload.First : payload.ToArray();
        try
        {
            var result = await gateway.FromTopicAsync(e.ApplicationMessage.Topic, bytes, device, "mqtt", null, e.CancellationToken);
            e.Response.ReasonCode = result.Status switch
            {
                IngestStatus.Stored => MqttPubAckReasonCode.Success,
                IngestStatus.Refused => MqttPubAckReasonCode.NotAuthorized,
                IngestStatus.Malformed => MqttPubAckReasonCode.PayloadFormatInvalid,
            };
            if (result.Error is { } error)
            {
                e.Response.ReasonString = error.Message.Length > 200 ? error.Message[..200] : error.Message;
            }
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Message on {Topic} not stored; closing the connection without acknowledging it", e.ApplicationMessage.Topic);
            e.CloseConnection = true;
        }
    }
}
