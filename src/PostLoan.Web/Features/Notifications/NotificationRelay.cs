using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Npgsql;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Infrastructure.Warning.Push;

namespace PostLoan.Web.Features.Notifications;

/// <summary>
/// Carries in-app pushes between app nodes that share one PostgreSQL database, so a notification raised on one node
/// reaches the user's hub connections and Blazor circuits on every node: each push is published with PostgreSQL's own
/// <c>NOTIFY</c> on <see cref="Channel"/>, and every node <c>LISTEN</c>s on a dedicated connection and pushes what other
/// nodes published to its own sessions. Nothing is stored here (the notification row is): a session on a node that was
/// reconnecting sees it on its next refresh. Off on SQLite (one node).
/// </summary>
public sealed class NotificationRelay(DatabaseOptions database, IHubContext<NotificationHub> hub, NotificationFeed feed, ILogger<NotificationRelay> logger) : BackgroundService
{
    /// <summary>The PostgreSQL notification channel.</summary>
    public const string Channel = "postloan_notifications";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly string _node = Guid.NewGuid().ToString("N");
    private readonly ConcurrentQueue<string> _received = new();
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Whether pushes are relayed (PostgreSQL).</summary>
    public bool Enabled => database.Provider == DatabaseProvider.Postgres;

    /// <summary>Completes once this node listens (at once when the relay is off).</summary>
    public Task Listening => Enabled ? _listening.Task : Task.CompletedTask;

    /// <summary>Publishes a push made on this node to the other nodes.</summary>
    public async Task PublishAsync(string userId, NotificationItem notification, int unread, CancellationToken cancellationToken)
    {
        if (!Enabled)
        {
            return;
        }

        var payload = JsonSerializer.Serialize(new Relayed(_node, userId, notification, unread), Json);
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT pg_notify(@channel, @payload)", connection);
        command.Parameters.AddWithValue("channel", Channel);
        command.Parameters.AddWithValue("payload", payload);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
        {
            return;
        }

        // A listening connection is never pooled: returned to a pool it would be reset and stop listening.
        var connectionString = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Pooling = false, KeepAlive = 30 }.ConnectionString;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(stoppingToken);
                connection.Notification += (_, e) => _received.Enqueue(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                _listening.TrySetResult();
                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(stoppingToken);
                    while (_received.TryDequeue(out var payload))
                    {
                        await DeliverAsync(payload, stoppingToken);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Whatever broke the connection (the server restarted, the network), a node keeps serving and listens again.
                logger.LogWarning(e, "Notification relay lost its PostgreSQL connection; listening again in 5 s");
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(5), stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task DeliverAsync(string payload, CancellationToken cancellationToken)
    {
        Relayed? relayed;
        try
        {
            relayed = JsonSerializer.Deserialize<Relayed>(payload, Json);
        }
        catch (JsonException e)
        {
            logger.LogWarning(e, "Notification relay ignored a message it cannot read");
            return;
        }

        if (relayed is null || relayed.Node == _node)
        {
            return; // this node pushed it already
        }

        try
        {
            await HubNotificationPush.ToThisNodeAsync(hub, feed, relayed.UserId, relayed.Notification, relayed.Unread, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Relayed notification {Id} could not be pushed", relayed.Notification.Id);
        }
    }

    private sealed record Relayed(string Node, string UserId, NotificationItem Notification, int Unread);
}
