using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PostLoan.Domain.Warning.Push;
using PostLoan.Domain.Warning.Signals;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Infrastructure.Warning.Push;
using PostLoan.Integration.Tests.Support;
using PostLoan.Web.Features.Notifications;

namespace PostLoan.Integration.Tests.Warning;

/// <summary>
/// Two app nodes on one PostgreSQL database: a notification pushed on node A reaches the user's session on node B
/// (LISTEN/NOTIFY), and node A's own session gets it once, not again through the relay.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class NotificationRelayAcrossNodes(PostgresCluster cluster) : IAsyncLifetime
{
    private TestApp _a = null!;
    private TestApp _b = null!;

    public async Task InitializeAsync()
    {
        var database = await cluster.CreateDatabaseAsync();
        _a = await TestApp.StartAsync(DatabaseProvider.Postgres, database);
        _b = await TestApp.StartAsync(DatabaseProvider.Postgres, database, seed: false);
    }

    public async Task DisposeAsync()
    {
        await _b.DisposeAsync();
        await _a.DisposeAsync();
    }

    [Fact]
    public async Task A_push_on_one_node_reaches_the_users_session_on_the_other_once()
    {
        string manager;
        await using (var db = _a.SystemDb())
        {
            manager = (await db.Users.SingleAsync(u => u.UserName == "am.bj01")).Id;
        }

        await _b.Services.GetRequiredService<NotificationRelay>().Listening.WaitAsync(TimeSpan.FromSeconds(30));
        await _a.Services.GetRequiredService<NotificationRelay>().Listening.WaitAsync(TimeSpan.FromSeconds(30));
        var onB = new TaskCompletionSource<(NotificationItem Item, int Unread)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var onA = new List<NotificationItem>();
        using var sessionB = _b.Services.GetRequiredService<NotificationFeed>().Subscribe(manager, (item, unread) =>
        {
            onB.TrySetResult((item, unread));
            return Task.CompletedTask;
        });
        using var sessionA = _a.Services.GetRequiredService<NotificationFeed>().Subscribe(manager, (item, _) =>
        {
            lock (onA)
            {
                onA.Add(item);
            }

            return Task.CompletedTask;
        });
        using var otherUser = _b.Services.GetRequiredService<NotificationFeed>().Subscribe("someone-else", (_, _) => throw new InvalidOperationException("pushed to the wrong user"));

        var item = new NotificationItem(42, NotificationKind.SignalNew, 7, SignalSeverity.Red, "[红色预警·新信号] 被执行人", "请在期限内完成排查",
            new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero), null);
        await _a.AsSystemAsync(async services =>
        {
            await services.GetRequiredService<INotificationPush>().PushAsync(manager, item, 3, CancellationToken.None);
            return 0;
        });

        var (received, unread) = await onB.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(item, received);
        Assert.Equal(3, unread);
        await Task.Delay(500); // an echo through the relay would arrive by now
        lock (onA)
        {
            Assert.Equal([item], onA);
        }
    }
}
