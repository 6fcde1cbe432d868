using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Warning.Push;
using PostLoan.Domain.Warning.Signals;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Infrastructure.Warning.Push;

/// <summary>A notification as the bell, the list and the hub show it.</summary>
public sealed record NotificationItem(
    long Id,
    [property: JsonConverter(typeof(JsonStringEnumConverter<NotificationKind>))] NotificationKind Kind,
    long? SignalId,
    [property: JsonConverter(typeof(JsonStringEnumConverter<SignalSeverity>))] SignalSeverity Severity,
    string Title, string? Body, DateTimeOffset CreatedAt, DateTimeOffset? ReadAt)
{
    public static NotificationItem From(Notification n) => new(n.Id, n.Kind, n.SignalId, n.Severity, n.Title, n.Body, n.CreatedAt, n.ReadAt);
}

/// <summary>One signal event to tell: who, what kind, which signal, and a line of text.</summary>
public sealed record SignalNotice(IReadOnlyList<string> UserIds, NotificationKind Kind, WarningSignal Signal, string? Body);

/// <summary>The rows that tell of signal events, composed before they are stored (<see cref="NotificationCentre.ComposeAsync"/>).</summary>
public sealed record ComposedNotifications(List<Notification> Notifications, List<OutboxMessage> Outbox)
{
    /// <summary>Nothing to store or push.</summary>
    public bool IsEmpty => Notifications.Count == 0 && Outbox.Count == 0;
}

/// <summary>Pushes stored notifications to the users' open sessions at once (the SignalR hub and the Blazor circuits).</summary>
public interface INotificationPush
{
    /// <summary>Tells <paramref name="userId"/> of a new notification and their unread count.</summary>
    Task PushAsync(string userId, NotificationItem notification, int unread, CancellationToken cancellationToken);
}

/// <summary>Wakes the outbox worker when messages were enqueued, so they go out without waiting for the next poll.</summary>
public sealed class OutboxWakeUp
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Wake()
    {
        if (_signal.CurrentCount == 0)
        {
            try
            {
                _signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already awake.
            }
        }
    }

    /// <summary>Waits until woken or <paramref name="timeout"/> passes.</summary>
    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);
}

/// <summary>
/// The notification centre (告警推送): for each user told of a signal event it stores an in-app notification and queues
/// e-mail and SMS messages per the user's subscriptions (severity × channel), queues one signed webhook call per active
/// endpoint for new and escalated signals, then pushes the in-app notification to the user's open sessions.
/// </summary>
public sealed class NotificationCentre(PostLoanDbContext db, IEnumerable<INotificationPush> pushes, OutboxWakeUp outbox, TimeProvider clock)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All) };

    /// <summary>Tells <paramref name="userIds"/> of <paramref name="kind"/> on <paramref name="signal"/>.</summary>
    public Task NotifyAsync(IEnumerable<string> userIds, NotificationKind kind, WarningSignal signal, string? body, CancellationToken cancellationToken = default) =>
        NotifyAsync([new SignalNotice([.. userIds], kind, signal, body)], cancellationToken);

    /// <summary>Tells of many signal events at once: one read of users, subscriptions and endpoints, one save, then the pushes.</summary>
    public async Task NotifyAsync(IReadOnlyList<SignalNotice> notices, CancellationToken cancellationToken = default)
    {
        var composed = await ComposeAsync(notices, cancellationToken);
        if (composed.IsEmpty)
        {
            return;
        }

        db.Notifications.AddRange(composed.Notifications);
        db.OutboxMessages.AddRange(composed.Outbox);
        await db.SaveChangesAsync(cancellationToken);
        await AfterCommitAsync(composed, cancellationToken);
    }

    /// <summary>
    /// The rows telling of <paramref name="notices"/>, not yet stored: an in-app notification per subscribed user, e-mail and
    /// SMS messages per the users' subscriptions, a webhook call per active endpoint for new and escalated signals. A
    /// set-based writer stores them with its signals and calls <see cref="AfterCommitAsync"/> after its commit.
    /// </summary>
    public async Task<ComposedNotifications> ComposeAsync(IReadOnlyList<SignalNotice> notices, CancellationToken cancellationToken = default)
    {
        var composition = BeginComposition();
        await composition.AddAsync(notices, cancellationToken);
        return composition.Finish();
    }

    /// <summary>
    /// Composes the rows of a batch given in parts (a night's signals as they are written): the same rows as
    /// <see cref="ComposeAsync"/> over all the parts together, without keeping every notice until the end — a user's
    /// notices of one kind are kept only until they are more than <see cref="DigestAbove"/>, then counted in the digest.
    /// </summary>
    public Composition BeginComposition() => new(db, clock);

    /// <summary>One batch's notifications, composed part by part (<see cref="BeginComposition"/>).</summary>
    public sealed class Composition
    {
        private readonly PostLoanDbContext _db;
        private readonly TimeProvider _clock;
        private readonly ComposedNotifications _composed = new([], []);
        private readonly Dictionary<string, (string Id, string? Email, string? PhoneNumber)?> _users = [];
        private readonly Subscriptions _subscriptions = new();
        private readonly Dictionary<(string UserId, NotificationKind Kind), Tally> _tallies = [];
        /// <summary>The notices that call the webhooks (only while an endpoint is active), in order, with their customers' codes.</summary>
        private readonly List<(long Order, SignalNotice Notice, string? CustomerCode)> _webhooks = [];
        private List<WebhookEndpoint>? _endpoints;
        private long _sequence;
        private bool _finished;

        internal Composition(PostLoanDbContext db, TimeProvider clock) => (_db, _clock) = (db, clock);

        /// <summary>Takes a part's notices: reads their new recipients, counts them per user and kind, composes their webhook calls.</summary>
        public async Task AddAsync(IReadOnlyList<SignalNotice> notices, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(notices);
            if (_finished)
            {
                throw new InvalidOperationException("The composition is finished.");
            }

            if (notices.Count == 0)
            {
                return;
            }

            var db = _db;
            // Indexed, not enumerated: a night's 841,574 notices boxed an enumerator each here and again below.
            var recipients = new List<string>();
            var seen = new HashSet<string>();
            for (var n = 0; n < notices.Count; n++)
            {
                var userIds = notices[n].UserIds;
                for (var i = 0; i < userIds.Count; i++)
                {
                    var u = userIds[i];
                    if (!string.IsNullOrEmpty(u) && u != "system" && !_users.ContainsKey(u) && seen.Add(u))
                    {
                        recipients.Add(u);
                    }
                }
            }

            if (recipients.Count > 0)
            {
                var users = await db.Users.Where(u => recipients.Contains(u.Id) && u.IsActive)
                    .Select(u => new { u.Id, u.Email, u.PhoneNumber }).ToDictionaryAsync(u => u.Id, cancellationToken);
                var subscriptions = await db.NotificationSubscriptions.IgnoreQueryFilters().Where(s => recipients.Contains(s.UserId)).ToListAsync(cancellationToken);
                // Both read before either is kept: an interrupted part leaves its recipients to be read again.
                _subscriptions.Add(subscriptions);
                foreach (var id in recipients)
                {
                    _users[id] = users.TryGetValue(id, out var user) ? (user.Id, user.Email, user.PhoneNumber) : null;
                }
            }

            if (_endpoints is null && notices.Any(n => n.Kind is NotificationKind.SignalNew or NotificationKind.SignalEscalated))
            {
                _endpoints = await db.WebhookEndpoints.Where(e => e.IsActive).ToListAsync(cancellationToken);
            }

            var customerIds = _endpoints is not { Count: > 0 } ? [] : notices.Select(n => n.Signal.CustomerId).Distinct().ToList();
            var customerCodes = customerIds.Count == 0 ? [] : await db.Customers.IgnoreQueryFilters().Where(c => customerIds.Contains(c.Id))
                .ToDictionaryAsync(c => c.Id, c => c.Code, cancellationToken);
            foreach (var notice in notices)
            {
                var order = _sequence++;
                var position = 0;
                var once = Once(notice.UserIds);
                for (var i = 0; i < once.Count; i++)
                {
                    var id = once[i];
                    if (_users.GetValueOrDefault(id) is not null)
                    {
                        var key = (id, notice.Kind);
                        if (!_tallies.TryGetValue(key, out var tally))
                        {
                            _tallies[key] = tally = new Tally(new Digest(id, notice.Kind));
                        }

                        tally.Add(order, position, notice);
                    }

                    position++;
                }

                if (notice.Kind is NotificationKind.SignalNew or NotificationKind.SignalEscalated && _endpoints is { Count: > 0 })
                {
                    _webhooks.Add((order, notice, customerCodes.GetValueOrDefault(notice.Signal.CustomerId)));
                }
            }
        }

        /// <summary>
        /// The rows, made now: event by event in the order they came, a notification and messages for each recipient with at
        /// most <see cref="DigestAbove"/> events of the kind, then the event's webhook calls; after them one summary per
        /// channel for each recipient with more.
        /// </summary>
        public ComposedNotifications Finish()
        {
            if (_finished)
            {
                throw new InvalidOperationException("The composition is finished.");
            }

            _finished = true;
            var now = _clock.GetUtcNow();
            var single = _tallies.Values.Where(t => !t.IsDigest).SelectMany(t => t.Kept).OrderBy(k => k.Order).ThenBy(k => k.Position).ToList();
            var titles = new Dictionary<long, string>();
            var hooks = 0;
            void WebhooksBefore(long order)
            {
                for (; hooks < _webhooks.Count && _webhooks[hooks].Order < order; hooks++)
                {
                    var (_, notice, customerCode) = _webhooks[hooks];
                    _composed.Outbox.AddRange(WebhookMessages(_endpoints!, notice.Kind, notice.Signal, customerCode, now));
                }
            }

            foreach (var (order, _, userId, (_, kind, signal, body)) in single)
            {
                WebhooksBefore(order);
                var user = _users[userId]!.Value;
                if (!titles.TryGetValue(order, out var title))
                {
                    titles[order] = title = TitleOf(kind, signal);
                }

                if (_subscriptions.Covers(user.Id, ChannelKind.InApp, signal.Severity))
                {
                    _composed.Notifications.Add(new Notification
                    {
                        UserId = user.Id, Kind = kind, SignalId = signal.Id, Severity = signal.Severity, Title = title, Body = Trim(body ?? signal.Detail, 1000), CreatedAt = now,
                    });
                }

                var text = $"【PostLoan】{title}{(string.IsNullOrEmpty(body) ? "" : "：" + body)}";
                if (!string.IsNullOrWhiteSpace(user.Email) && _subscriptions.Covers(user.Id, ChannelKind.Email, signal.Severity))
                {
                    _composed.Outbox.Add(Message(ChannelKind.Email, user.Email, user.Id, signal, kind, JsonSerializer.Serialize(new { to = user.Email, subject = title, text }, Json), now));
                }

                if (!string.IsNullOrWhiteSpace(user.PhoneNumber) && _subscriptions.Covers(user.Id, ChannelKind.Sms, signal.Severity))
                {
                    _composed.Outbox.Add(Message(ChannelKind.Sms, user.PhoneNumber, user.Id, signal, kind, JsonSerializer.Serialize(new { to = user.PhoneNumber, text = Trim(text, 140) }, Json), now));
                }
            }

            WebhooksBefore(long.MaxValue);
            foreach (var ((userId, kind), tally) in _tallies.Where(t => t.Value.IsDigest))
            {
                var user = _users[userId]!.Value;
                var digest = tally.Digest;
                if (digest.Summary(ChannelKind.InApp, _subscriptions) is { } inApp)
                {
                    _composed.Notifications.Add(new Notification { UserId = userId, Kind = kind, Severity = inApp.Severity, Title = inApp.Title, Body = inApp.Body, CreatedAt = now });
                }

                if (!string.IsNullOrWhiteSpace(user.Email) && digest.Summary(ChannelKind.Email, _subscriptions) is { } email)
                {
                    _composed.Outbox.Add(Message(ChannelKind.Email, user.Email, userId, null, kind,
                        JsonSerializer.Serialize(new { to = user.Email, subject = email.Title, text = $"【PostLoan】{email.Title}：{email.Body}" }, Json), now));
                }

                if (!string.IsNullOrWhiteSpace(user.PhoneNumber) && digest.Summary(ChannelKind.Sms, _subscriptions) is { } sms)
                {
                    _composed.Outbox.Add(Message(ChannelKind.Sms, user.PhoneNumber, userId, null, kind,
                        JsonSerializer.Serialize(new { to = user.PhoneNumber, text = Trim($"【PostLoan】{sms.Title}：{sms.Body}", 140) }, Json), now));
                }
            }

            return _composed;
        }
    }

    /// <summary>A user's events of one kind in a batch: kept one by one up to <see cref="DigestAbove"/>, then only counted.</summary>
    private sealed class Tally(Digest digest)
    {
        private List<(long Order, int Position, string UserId, SignalNotice Notice)>? _kept = [];

        public Digest Digest { get; } = digest;

        public bool IsDigest => _kept is null;

        public IEnumerable<(long Order, int Position, string UserId, SignalNotice Notice)> Kept => _kept ?? [];

        public void Add(long order, int position, SignalNotice notice)
        {
            Digest.Add(notice.Signal.Severity);
            if (_kept is null)
            {
                return;
            }

            if (_kept.Count < DigestAbove)
            {
                _kept.Add((order, position, Digest.UserId, notice));
            }
            else
            {
                _kept = null; // more than DigestAbove: one summary instead
            }
        }
    }

    /// <summary>
    /// A user told of more than this many events of one kind in one batch (a night's rule run) gets one summary per
    /// channel instead — counts by severity, pointing to the signal list — rather than hundreds of notifications,
    /// e-mails or text messages. Webhooks still carry every signal (their receivers are systems).
    /// </summary>
    public const int DigestAbove = 20;

    /// <summary>A notice's recipients, each once (most notices have one: a night's 841,574 made as many sets for nothing).</summary>
    private static IReadOnlyList<string> Once(IReadOnlyList<string> userIds) => userIds.Count <= 1 ? userIds : [.. userIds.Distinct()];

    /// <summary>The events of one kind for one user in a batch, counted per severity; each channel's summary counts the severities the user subscribed to on it.</summary>
    private sealed class Digest(string userId, NotificationKind kind)
    {
        private readonly int[] _counts = new int[4];

        public string UserId => userId;

        public void Add(SignalSeverity severity) => _counts[(int)severity]++;

        /// <summary>Title and body of the channel's summary, or null when the user subscribed to none of the events on it.</summary>
        public (SignalSeverity Severity, string Title, string Body)? Summary(ChannelKind channel, Subscriptions subscriptions)
        {
            var bySeverity = new[] { SignalSeverity.Red, SignalSeverity.Orange, SignalSeverity.Yellow }
                .Where(s => subscriptions.Covers(userId, channel, s))
                .Select(s => (Severity: s, Count: _counts[(int)s])).Where(c => c.Count > 0).ToList();
            if (bySeverity.Count == 0)
            {
                return null;
            }

            var total = bySeverity.Sum(c => c.Count);
            var parts = string.Join("，", bySeverity.Select(c => $"{SeverityName(c.Severity)} {c.Count} 条"));
            return (bySeverity[0].Severity, $"[{SeverityName(bySeverity[0].Severity)}·{KindName(kind)}] 本批共 {total} 条", $"{parts}。请在“预警信号”中查看。");
        }
    }

    /// <summary>The recipients' subscriptions of a batch by user and channel, each channel's default where a user set none.</summary>
    private sealed class Subscriptions
    {
        private readonly Dictionary<(string, ChannelKind), (bool Red, bool Orange, bool Yellow)> _set = [];

        /// <summary>Adds the rows of users not seen before (each user's first row per channel counts).</summary>
        public void Add(List<NotificationSubscription> rows)
        {
            foreach (var row in rows)
            {
                _set.TryAdd((row.UserId, row.Channel), (row.Red, row.Orange, row.Yellow));
            }
        }

        /// <summary>The user's first row for the channel, or the channel's default.</summary>
        public (bool Red, bool Orange, bool Yellow) Of(string userId, ChannelKind channel) =>
            _set.TryGetValue((userId, channel), out var set) ? set : NotificationSubscription.Default(channel);

        public bool Covers(string userId, ChannelKind channel, SignalSeverity severity) => NotificationSubscription.Covers(Of(userId, channel), severity);
    }

    /// <summary>After the rows of <see cref="ComposeAsync"/> are committed: wakes the outbox worker and pushes the in-app notifications.</summary>
    public async Task AfterCommitAsync(ComposedNotifications composed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(composed);
        if (composed.Outbox.Count > 0)
        {
            outbox.Wake();
        }

        await PushAsync(composed.Notifications, cancellationToken);
    }

    /// <summary>A user told of more than this many events at once gets one push, the latest, with the unread count.</summary>
    private const int PushesPerUser = 5;

    /// <summary>Pushes the stored notifications, each with its user's unread count as it was when that one arrived.</summary>
    private async Task PushAsync(List<Notification> added, CancellationToken cancellationToken)
    {
        if (added.Count == 0 || !pushes.Any())
        {
            return;
        }

        var userIds = added.Select(n => n.UserId).Distinct().ToList();
        var unread = await db.Notifications.IgnoreQueryFilters().Where(n => userIds.Contains(n.UserId) && n.ReadAt == null)
            .GroupBy(n => n.UserId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
        var later = added.GroupBy(n => n.UserId).ToDictionary(g => g.Key, g => g.Count());
        var many = later.Where(p => p.Value > PushesPerUser).Select(p => p.Key).ToHashSet();
        foreach (var notification in added)
        {
            // The i-th of a user's k new notifications saw the unread count less the ones still to come; a night's hundreds
            // for one supervisor are one push (the bell shows the count, the list reloads).
            var remaining = later[notification.UserId] -= 1;
            if (remaining > 0 && many.Contains(notification.UserId))
            {
                continue;
            }

            var count = unread.GetValueOrDefault(notification.UserId) - remaining;
            foreach (var push in pushes)
            {
                await push.PushAsync(notification.UserId, NotificationItem.From(notification), count, cancellationToken);
            }
        }
    }

    /// <summary>The webhook event name of a notification kind.</summary>
    public static string EventType(NotificationKind kind) => kind switch
    {
        NotificationKind.SignalNew => "signal.new",
        NotificationKind.SignalEscalated => "signal.escalated",
        NotificationKind.SignalAssigned => "signal.assigned",
        NotificationKind.StepDue => "signal.step_due",
    };

    /// <summary>The subscription of a user for a channel, or the channel's default.</summary>
    public static (bool Red, bool Orange, bool Yellow) SubscriptionOf(IEnumerable<NotificationSubscription> subscriptions, string userId, ChannelKind channel)
    {
        var set = new Subscriptions();
        set.Add([.. subscriptions]);
        return set.Of(userId, channel);
    }

    private static IEnumerable<OutboxMessage> WebhookMessages(List<WebhookEndpoint> endpoints, NotificationKind kind, WarningSignal signal, string? customerCode, DateTimeOffset now)
    {
        var targets = endpoints.Where(e => e.MinSeverity <= signal.Severity).ToList();
        if (targets.Count == 0)
        {
            yield break;
        }

        var payload = JsonSerializer.Serialize(new
        {
            type = EventType(kind),
            occurredAt = now,
            signal = new
            {
                id = signal.Id, customerId = signal.CustomerId, customerCode, loanId = signal.LoanId, source = signal.Source.ToString(), severity = signal.Severity.ToString(),
                status = signal.Status.ToString(), title = signal.Title, raisedOn = signal.RaisedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                organisationId = signal.OrganisationId, assignedToId = signal.AssignedToId, dueAt = signal.DueAt, escalatedAt = signal.EscalatedAt,
            },
        }, Json);
        foreach (var endpoint in targets)
        {
            var message = Message(ChannelKind.Webhook, endpoint.Url, null, signal, kind, payload, now);
            message.WebhookEndpointId = endpoint.Id;
            yield return message;
        }
    }

    private static OutboxMessage Message(ChannelKind channel, string recipient, string? userId, WarningSignal? signal, NotificationKind kind, string payload, DateTimeOffset now) => new()
    {
        Channel = channel, Recipient = recipient, UserId = userId, SignalId = signal?.Id, EventType = EventType(kind), Payload = payload,
        CreatedAt = now, NextAttemptAt = now,
    };

    private static string TitleOf(NotificationKind kind, WarningSignal signal) => Trim($"[{SeverityName(signal.Severity)}·{KindName(kind)}] {signal.Title}", 200)!;

    private static string SeverityName(SignalSeverity severity) => severity switch
    {
        SignalSeverity.Red => "红色预警",
        SignalSeverity.Orange => "橙色预警",
        SignalSeverity.Yellow => "黄色预警",
    };

    private static string KindName(NotificationKind kind) => kind switch
    {
        NotificationKind.SignalNew => "新信号",
        NotificationKind.SignalEscalated => "升级",
        NotificationKind.SignalAssigned => "已分派给您",
        NotificationKind.StepDue => "待处理",
    };

    private static string? Trim(string? text, int length) => text is null || text.Length <= length ? text : text[..(length - 1)] + "…";
}
