using System.Buffers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;
using PostLoan.Infrastructure.Monitoring.Ingest;

namespace PostLoan.Infrastructure.Monitoring.Mqtt;

/// <summary>
/// Ingest from an external broker (Mosquitto, EMQX…; <c>Monitoring:External:Host</c>): subscribes to every device
/// topic with QoS 1 on a persistent session, so messages wait at the broker while PostLoan is down, and reconnects by
/// itself. The broker authenticates nobody for PostLoan, so each payload carries its device's <c>key</c>. Messages are
/// acknowledged by hand, after their commit (<c>AutoAcknowledge = false</c>); a refused or malformed message is
/// acknowledged too, since sending it again would not change it. At most <see cref="MaxInFlight"/> messages are in work.
/// </summary>
public sealed class ExternalBrokerClient(MonitoringOptions options, IngestGateway gateway, ILogger<ExternalBrokerClient> logger) : BackgroundService
{
    public const int MaxInFlight = 512;

    private readonly SemaphoreSlim _inFlight = new(MaxInFlight);
    private IMqttClient? _client;

    /// <summary>True while connected and subscribed.</summary>
    public bool IsConnected => _client?.IsConnected == true;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        _client = client;
        client.ApplicationMessageReceivedAsync += e => ReceiveAsync(e, stoppingToken);
        var clientOptions = new MqttClientOptionsBuilder()
            .WithTcpServer(options.ExternalHost, options.ExternalPort)
            .WithClientId(options.ExternalClientId)
            .WithCleanSession(false)
            .WithSessionExpiryInterval(uint.MaxValue)
            .WithCredentials(options.ExternalUserName, options.ExternalPassword)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(30))
            .Build();
        while (!stoppingToken.IsCancellationRequested)
        {
            if (!client.IsConnected)
            {
                try
                {
                    await client.ConnectAsync(clientOptions, stoppingToken);
                    await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
                        .WithTopicFilter(IngestGateway.TopicFilter, MqttQualityOfServiceLevel.AtLeastOnce).Build(), stoppingToken);
                    logger.LogInformation("Subscribed to {Filter} on {Host}:{Port}", IngestGateway.TopicFilter, options.ExternalHost, options.ExternalPort);
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    logger.LogWarning("External MQTT broker {Host}:{Port} unavailable ({Message}); retrying in {Delay}", options.ExternalHost, options.ExternalPort, e.Message, options.ReconnectDelay);
                }
            }

            try
            {
                await Task.Delay(options.ReconnectDelay, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        if (client.IsConnected)
        {
            await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), CancellationToken.None);
        }
    }

    private async Task ReceiveAsync(MqttApplicationMessageReceivedEventArgs e, CancellationToken stoppingToken)
    {
        e.AutoAcknowledge = false;
        await _inFlight.WaitAsync(stoppingToken);
        _ = Task.Run(async () =>
        {
            try
            {
                var payload = e.ApplicationMessage.Payload.ToArray();
                await gateway.FromTopicAsync(e.ApplicationMessage.Topic, payload, null, "mqtt-external", null, stoppingToken);
                await e.AcknowledgeAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Not acknowledged: reconnecting makes the broker deliver it again.
                logger.LogWarning(ex, "Message on {Topic} not stored; reconnecting so the broker delivers it again", e.ApplicationMessage.Topic);
                if (_client is { IsConnected: true } client)
                {
                    await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), CancellationToken.None);
                }
            }
            finally
            {
                _inFlight.Release();
            }
        }, CancellationToken.None);
    }
}
