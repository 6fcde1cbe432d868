using System.Collections.Concurrent;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using PostLoan.Infrastructure.Warning.Push;

namespace PostLoan.Web.Features.Notifications;

/// <summary>
/// The notification hub (<c>/hubs/notifications</c>, authenticated by cookie or API token). The server calls
/// <c>notification(item, unread)</c> on every connection of the user a notification is for; clients only listen.
/// </summary>
[Authorize]
public sealed class NotificationHub : Hub
{
    public const string Path = "/hubs/notifications";

    /// <summary>The client method a notification arrives on.</summary>
    public const string Method = "notification";
}

/// <summary>
/// In-process feed of pushed notifications for the Blazor circuits of this node (the bell subscribes for its user).
/// </summary>
public sealed class NotificationFeed
{
    private readonly ConcurrentDictionary<Guid, (string UserId, Func<NotificationItem, int, Task> Handler)> _subscribers = new();

    /// <summary>Calls <paramref name="handler"/> for each notification of <paramref name="userId"/> until the returned handle is disposed.</summary>
    public IDisposable Subscribe(string userId, Func<NotificationItem, int, Task> handler)
    {
        var id = Guid.NewGuid();
        _subscribers[id] = (userId, handler);
        return new Subscription(() => _subscribers.TryRemove(id, out _));
    }

    public async Task PublishAsync(string userId, NotificationItem item, int unread)
    {
        foreach (var (_, subscriber) in _subscribers)
        {
            if (subscriber.UserId == userId)
            {
                await subscriber.Handler(item, unread);
            }
        }
    }

    private sealed class Subscription(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}

/// <summary>
/// Pushes a notification to the user's hub connections and to this node's Blazor circuits, and through the
/// <see cref="NotificationRelay"/> to the other nodes' (PostgreSQL).
/// </summary>
public sealed class HubNotificationPush(IHubContext<NotificationHub> hub, NotificationFeed feed, NotificationRelay relay, ILogger<HubNotificationPush> logger) : INotificationPush
{
    public async Task PushAsync(string userId, NotificationItem notification, int unread, CancellationToken cancellationToken)
    {
        try
        {
            await ToThisNodeAsync(hub, feed, userId, notification, unread, cancellationToken);
            await relay.PublishAsync(userId, notification, unread, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The notification is stored: a session that missed the push sees it on its next refresh.
            logger.LogWarning(e, "Notification {Id} could not be pushed", notification.Id);
        }
    }

    /// <summary>Pushes to the user's hub connections and Blazor circuits on this node (also what the relay delivers).</summary>
    internal static async Task ToThisNodeAsync(IHubContext<NotificationHub> hub, NotificationFeed feed, string userId, NotificationItem notification, int unread, CancellationToken cancellationToken)
    {
        await hub.Clients.User(userId).SendAsync(NotificationHub.Method, notification, unread, cancellationToken);
        await feed.PublishAsync(userId, notification, unread);
    }
}
