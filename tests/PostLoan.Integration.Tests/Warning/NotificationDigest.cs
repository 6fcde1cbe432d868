using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PostLoan.Domain.Warning.Push;
using PostLoan.Domain.Warning.Signals;
using PostLoan.Infrastructure.Warning.Push;
using PostLoan.Integration.Tests.Support;

namespace PostLoan.Integration.Tests.Warning;

/// <summary>
/// A batch that tells one user of more than <see cref="NotificationCentre.DigestAbove"/> events of one kind (a night's
/// rule run) gives that user one summary per channel, counted by the severities the user subscribed to; up to the
/// threshold each event is its own notification — also when the batch comes in parts (a night's signals as they are written).
/// </summary>
public sealed class NotificationDigest : IAsyncLifetime
{
    private TestApp _app = null!;
    private string _manager = "";

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync();
        await using var db = _app.SystemDb();
        var user = await db.Users.SingleAsync(u => u.UserName == "am.bj01");
        user.Email = "am.bj01@bank.example";
        user.PhoneNumber = null;
        await db.SaveChangesAsync();
        _manager = user.Id;
    }

    public Task DisposeAsync() => _app.DisposeAsync().AsTask();

    [Fact]
    public async Task Twenty_five_new_signals_for_one_user_are_one_summary_per_channel_with_counts_by_severity()
    {
        // 3 red, 10 orange, 12 yellow; e-mail by default covers red and orange, text messages nothing.
        var composed = await ComposeAsync(Severities(3, 10, 12));

        var inApp = Assert.Single(composed.Notifications);
        Assert.Equal((_manager, NotificationKind.SignalNew, (long?)null, SignalSeverity.Red), (inApp.UserId, inApp.Kind, inApp.SignalId, inApp.Severity));
        Assert.Equal("[红色预警·新信号] 本批共 25 条", inApp.Title);
        Assert.Equal("红色预警 3 条，橙色预警 10 条，黄色预警 12 条。请在“预警信号”中查看。", inApp.Body);

        var email = Assert.Single(composed.Outbox);
        Assert.Equal((ChannelKind.Email, "am.bj01@bank.example", (long?)null, "signal.new"), (email.Channel, email.Recipient, email.SignalId, email.EventType));
        Assert.Contains("本批共 13 条", email.Payload, StringComparison.Ordinal);
        Assert.Contains("红色预警 3 条，橙色预警 10 条。", email.Payload, StringComparison.Ordinal);
        Assert.DoesNotContain("黄色预警", email.Payload, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Up_to_the_threshold_each_signal_is_its_own_notification()
    {
        var composed = await ComposeAsync(Severities(1, 0, NotificationCentre.DigestAbove - 1));

        Assert.Equal(NotificationCentre.DigestAbove, composed.Notifications.Count);
        Assert.All(composed.Notifications, n => Assert.NotNull(n.SignalId));
        Assert.Equal([1L], composed.Outbox.Select(m => m.SignalId!.Value).ToArray()); // the red one by e-mail
    }

    [Fact]
    public async Task Given_in_parts_a_batch_composes_as_one_the_digest_counting_every_part_and_single_notifications_in_order()
    {
        var other = await _app.AsSystemAsync(services => services.GetRequiredService<Infrastructure.Persistence.PostLoanDbContext>().Users
            .Where(u => u.UserName == "am.sh01").Select(u => u.Id).SingleAsync());
        SignalNotice Notice(string user, int id, SignalSeverity severity) =>
            new([user], NotificationKind.SignalNew, new WarningSignal { Id = id, CustomerId = 1, Severity = severity, DedupKey = "rule:1:" + id, Title = "逾期30天以上" }, null);

        // The manager: 8 + 8 + 9 = 25 events over three parts (the first 20 of them would each be a notification on their
        // own); the other user: signals 100, 101 and 102 in the first and last parts.
        var composed = await _app.AsSystemAsync(async services =>
        {
            var composition = services.GetRequiredService<NotificationCentre>().BeginComposition();
            await composition.AddAsync([.. Enumerable.Range(1, 8).Select(i => Notice(_manager, i, SignalSeverity.Yellow)), Notice(other, 100, SignalSeverity.Yellow), Notice(other, 101, SignalSeverity.Red)]);
            await composition.AddAsync([.. Enumerable.Range(9, 8).Select(i => Notice(_manager, i, i == 9 ? SignalSeverity.Red : SignalSeverity.Orange))]);
            await composition.AddAsync([.. Enumerable.Range(17, 9).Select(i => Notice(_manager, i, SignalSeverity.Yellow)), Notice(other, 102, SignalSeverity.Orange)]);
            return composition.Finish();
        });

        Assert.Equal([(other, (long?)100), (other, 101), (other, 102), (_manager, null)], composed.Notifications.Select(n => (n.UserId, n.SignalId)).ToArray());
        var digest = composed.Notifications[^1];
        Assert.Equal("[红色预警·新信号] 本批共 25 条", digest.Title);
        Assert.Equal("红色预警 1 条，橙色预警 7 条，黄色预警 17 条。请在“预警信号”中查看。", digest.Body);
    }

    private static IEnumerable<SignalSeverity> Severities(int red, int orange, int yellow) =>
        Enumerable.Repeat(SignalSeverity.Red, red).Concat(Enumerable.Repeat(SignalSeverity.Orange, orange)).Concat(Enumerable.Repeat(SignalSeverity.Yellow, yellow));

    private Task<ComposedNotifications> ComposeAsync(IEnumerable<SignalSeverity> severities) =>
        _app.AsSystemAsync(services => services.GetRequiredService<NotificationCentre>().ComposeAsync(
            [.. severities.Select((severity, i) => new SignalNotice([_manager], NotificationKind.SignalNew,
                new WarningSignal { Id = i + 1, CustomerId = 1, Severity = severity, DedupKey = "rule:1:" + i, Title = "逾期30天以上" }, null))]));
}
