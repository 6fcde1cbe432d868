using System.Globalization;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Common;
using PostLoan.Domain.Warning.Push;
using PostLoan.Domain.Warning.Signals;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Infrastructure.Warning.Push;
using PostLoan.Web.Common;

namespace PostLoan.Web.Features.Notifications;

/// <summary>
/// The notification centre API: a user's own notifications (list, unread count, mark read) and subscriptions (severity ×
/// channel); for administrators, webhook endpoints and the outbox with its dead letters and re-drive. The SignalR hub
/// <c>/hubs/notifications</c> pushes new notifications.
/// </summary>
public static class NotificationApi
{
    public static void MapNotificationApi(this RouteGroupBuilder api)
    {
        var mine = api.MapGroup("/notifications").WithTags("Notifications").RequireAuthorization(Policies.Staff);
        mine.MapGet("/", async (bool? unread, int? take, PostLoanDbContext db, CancellationToken ct) =>
            TypedResults.Ok(await NotificationQueries.ListAsync(db, unread ?? false, Math.Clamp(take ?? 50, 1, 500), ct)));
        mine.MapGet("/unread-count", async (PostLoanDbContext db, CancellationToken ct) =>
            TypedResults.Ok(new UnreadCount(await db.Notifications.CountAsync(n => n.ReadAt == null, ct))));
        mine.MapPost("/{id:long}/read", async Task<Results<Ok<NotificationItem>, ProblemHttpResult>> (long id, PostLoanDbContext db, TimeProvider clock, CancellationToken ct) =>
        {
            var access = await db.FindInScopeAsync<Notification>(n => n.Id == id, id.ToString(CultureInfo.InvariantCulture), ct);
            if (access.Outcome != AccessOutcome.Granted)
            {
                return ProblemResults.From(access, $"notification {id}");
            }

            access.Value!.ReadAt ??= clock.GetUtcNow();
            await db.SaveChangesAsync(ct);
            return TypedResults.Ok(NotificationItem.From(access.Value));
        });
        mine.MapPost("/read-all", async (PostLoanDbContext db, TimeProvider clock, CancellationToken ct) =>
            TypedResults.Ok(new UnreadCount(await NotificationQueries.MarkAllReadAsync(db, clock, ct))));
        mine.MapGet("/subscriptions", async (PostLoanDbContext db, CancellationToken ct) => TypedResults.Ok(await NotificationQueries.SubscriptionsAsync(db, ct)));
        mine.MapPut("/subscriptions", async Task<Results<Ok<IReadOnlyList<SubscriptionItem>>, ProblemHttpResult>> (IReadOnlyList<SubscriptionItem> input, PostLoanDbContext db, CancellationToken ct) =>
        {
            var saved = await NotificationQueries.SaveSubscriptionsAsync(db, input, ct);
            return saved.IsSuccess ? TypedResults.Ok(saved.Value!) : ProblemResults.From(saved.Error!);
        });

        var admin = api.MapGroup("/notifications/admin").WithTags("Notifications").RequireAuthorization(Policies.Administration);
        admin.MapGet("/webhooks", async (PostLoanDbContext db, CancellationToken ct) =>
            TypedResults.Ok((await db.WebhookEndpoints.OrderBy(e => e.Id).ToListAsync(ct)).Select(WebhookItem.From).ToList()));
        admin.MapPost("/webhooks", async Task<Results<Created<WebhookItem>, ProblemHttpResult>> (WebhookInput input, PostLoanDbContext db, TimeProvider clock, CancellationToken ct) =>
        {
            var added = await NotificationQueries.AddWebhookAsync(db, clock, input, ct);
            return added.IsSuccess ? TypedResults.Created($"/api/notifications/admin/webhooks/{added.Value!.Id}", WebhookItem.From(added.Value)) : ProblemResults.From(added.Error!);
        });
        admin.MapPost("/webhooks/{id:int}/active", async Task<Results<Ok<WebhookItem>, ProblemHttpResult>> (int id, ActiveInput input, PostLoanDbContext db, CancellationToken ct) =>
        {
            var endpoint = await db.WebhookEndpoints.FirstOrDefaultAsync(e => e.Id == id, ct);
            if (endpoint is null)
            {
                return ProblemResults.From(Error.NotFound("webhook.not_found", $"webhook endpoint {id} was not found"));
            }

            endpoint.IsActive = input.Active;
            await db.SaveChangesAsync(ct);
            return TypedResults.Ok(WebhookItem.From(endpoint));
        });
        admin.MapGet("/outbox", async Task<Results<Ok<IReadOnlyList<OutboxItem>>, ProblemHttpResult>> (string? state, PostLoanDbContext db, CancellationToken ct) =>
        {
            OutboxState? filter = null;
            if (!string.IsNullOrWhiteSpace(state))
            {
                if (!Warning.Signals.SignalTexts.TryParse<OutboxState>(state, out var s))
                {
                    return ProblemResults.From(Error.Validation("state", "must be Pending, Delivered or DeadLetter"));
                }

                filter = s;
            }

            return TypedResults.Ok(await NotificationQueries.OutboxAsync(db, filter, ct));
        });
        admin.MapPost("/outbox/{id:long}/redrive", async Task<Results<Ok<OutboxItem>, ProblemHttpResult>> (long id, OutboxDispatcher dispatcher, OutboxWakeUp wake, CancellationToken ct) =>
        {
            var redriven = await dispatcher.RedriveAsync(id, ct);
            if (!redriven.IsSuccess)
            {
                return ProblemResults.From(redriven.Error!);
            }

            wake.Wake();
            return TypedResults.Ok(OutboxItem.From(redriven.Value!));
        });
    }
}

/// <summary>The number of unread notifications.</summary>
public sealed record UnreadCount(int Unread);

/// <summary>A user's subscription of one channel.</summary>
public sealed record SubscriptionItem([property: JsonConverter(typeof(JsonStringEnumConverter<ChannelKind>))] ChannelKind Channel, bool Red, bool Orange, bool Yellow);

/// <summary>A webhook endpoint as listed (the secret is never shown again after creation).</summary>
public sealed record WebhookItem(int Id, string Name, string Url, [property: JsonConverter(typeof(JsonStringEnumConverter<SignalSeverity>))] SignalSeverity MinSeverity, bool IsActive, DateTimeOffset CreatedAt)
{
    public static WebhookItem From(WebhookEndpoint e) => new(e.Id, e.Name, e.Url, e.MinSeverity, e.IsActive, e.CreatedAt);
}

/// <summary>Body of <c>POST /api/notifications/admin/webhooks</c>.</summary>
public sealed record WebhookInput(string? Name, string? Url, string? Secret, string? MinSeverity);

/// <summary>Body of switching an endpoint on or off.</summary>
public sealed record ActiveInput(bool Active);

/// <summary>An outbox message with its delivery state; recipients are masked.</summary>
public sealed record OutboxItem(
    long Id,
    [property: JsonConverter(typeof(JsonStringEnumConverter<ChannelKind>))] ChannelKind Channel,
    string Recipient,
    string EventType,
    long? SignalId,
    [property: JsonConverter(typeof(JsonStringEnumConverter<OutboxState>))] OutboxState State,
    int Attempts,
    DateTimeOffset CreatedAt,
    DateTimeOffset NextAttemptAt,
    DateTimeOffset? LastAttemptAt,
    string? LastError,
    DateTimeOffset? DeliveredAt)
{
    public static OutboxItem From(OutboxMessage m) => new(m.Id, m.Channel, RecipientMask.Of(m.Channel, m.Recipient), m.EventType, m.SignalId, m.State, m.Attempts,
        m.CreatedAt, m.NextAttemptAt, m.LastAttemptAt, m.LastError, m.DeliveredAt);
}

/// <summary>Reads and writes of the notification centre; the query filters limit notifications and subscriptions to the caller.</summary>
public static class NotificationQueries
{
    public static readonly ChannelKind[] UserChannels = [ChannelKind.InApp, ChannelKind.Email, ChannelKind.Sms];

    public static async Task<IReadOnlyList<NotificationItem>> ListAsync(PostLoanDbContext db, bool unreadOnly, int take, CancellationToken ct) =>
        (await db.Notifications.AsNoTracking().Where(n => !unreadOnly || n.ReadAt == null).OrderByDescending(n => n.Id).Take(take).ToListAsync(ct))
            .Select(NotificationItem.From).ToList();

    /// <summary>Marks every notification of the caller read; returns the unread count (0).</summary>
    public static async Task<int> MarkAllReadAsync(PostLoanDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        foreach (var n in await db.Notifications.Where(n => n.ReadAt == null).ToListAsync(ct))
        {
            n.ReadAt = now;
        }

        await db.SaveChangesAsync(ct);
        return await db.Notifications.CountAsync(n => n.ReadAt == null, ct);
    }

    public static async Task<IReadOnlyList<SubscriptionItem>> SubscriptionsAsync(PostLoanDbContext db, CancellationToken ct)
    {
        var rows = await db.NotificationSubscriptions.AsNoTracking().ToListAsync(ct);
        var me = db.CurrentUser.UserId;
        return UserChannels.Select(c =>
        {
            var (red, orange, yellow) = NotificationCentre.SubscriptionOf(rows, me, c);
            return new SubscriptionItem(c, red, orange, yellow);
        }).ToList();
    }

    public static async Task<Result<IReadOnlyList<SubscriptionItem>>> SaveSubscriptionsAsync(PostLoanDbContext db, IReadOnlyList<SubscriptionItem> input, CancellationToken ct)
    {
        if (input.Any(i => !UserChannels.Contains(i.Channel)) || input.Select(i => i.Channel).Distinct().Count() != input.Count)
        {
            return Error.Validation("channel", "each of InApp, Email and Sms at most once");
        }

        var me = db.CurrentUser.UserId;
        var rows = await db.NotificationSubscriptions.ToListAsync(ct);
        foreach (var item in input)
        {
            var row = rows.FirstOrDefault(r => r.Channel == item.Channel);
            if (row is null)
            {
                row = new NotificationSubscription { UserId = me, Channel = item.Channel };
                db.NotificationSubscriptions.Add(row);
            }

            (row.Red, row.Orange, row.Yellow) = (item.Red, item.Orange, item.Yellow);
        }

        await db.SaveChangesAsync(ct);
        return Result<IReadOnlyList<SubscriptionItem>>.Ok(await SubscriptionsAsync(db, ct));
    }

    public static async Task<Result<WebhookEndpoint>> AddWebhookAsync(PostLoanDbContext db, TimeProvider clock, WebhookInput input, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(input.Name) || input.Name.Length > 100)
        {
            return Error.Validation("name", "is required (at most 100 characters)");
        }

        if (!Uri.TryCreate(input.Url?.Trim(), UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || input.Url!.Length > 500)
        {
            return Error.Validation("url", "must be an absolute http or https URL (at most 500 characters)");
        }

        if (string.IsNullOrWhiteSpace(input.Secret) || input.Secret.Length is < 16 or > 200)
        {
            return Error.Validation("secret", "is required: 16 to 200 characters shared with the receiver");
        }

        var severity = SignalSeverity.Yellow;
        if (!string.IsNullOrWhiteSpace(input.MinSeverity) && !Warning.Signals.SignalTexts.TryParse(input.MinSeverity, out severity))
        {
            return Error.Validation("minSeverity", "must be Red, Orange or Yellow");
        }

        var endpoint = new WebhookEndpoint { Name = input.Name.Trim(), Url = url.ToString(), Secret = input.Secret, MinSeverity = severity, CreatedAt = clock.GetUtcNow() };
        db.WebhookEndpoints.Add(endpoint);
        await db.SaveChangesAsync(ct);
        return endpoint;
    }

    public static async Task<IReadOnlyList<OutboxItem>> OutboxAsync(PostLoanDbContext db, OutboxState? state, CancellationToken ct) =>
        (await db.OutboxMessages.AsNoTracking().Where(m => state == null || m.State == state).OrderByDescending(m => m.Id).Take(200).ToListAsync(ct))
            .Select(OutboxItem.From).ToList();
}
