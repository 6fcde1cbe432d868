using System.Security.Cryptography;
using System.Text;
using PostLoan.Domain.Warning.Signals;

namespace PostLoan.Domain.Warning.Push;

/// <summary>Why a user is told (告警推送).</summary>
public enum NotificationKind
{
    /// <summary>A new signal on a customer the user is responsible for.</summary>
    SignalNew = 1,

    /// <summary>A signal's severity rose, or a step passed its deadline and was escalated to the user as supervisor.</summary>
    SignalEscalated = 2,

    /// <summary>A signal (or a disposal action) was assigned to the user.</summary>
    SignalAssigned = 3,

    /// <summary>A step the user owns is due (a proposal to confirm, an action).</summary>
    StepDue = 4,
}

/// <summary>A delivery channel (推送渠道).</summary>
public enum ChannelKind
{
    /// <summary>The notification centre of the web application (bell, list), pushed at once.</summary>
    InApp = 1,

    Email = 2,

    Sms = 3,

    /// <summary>A signed HTTP POST to a lender's system, per configured endpoint (not per user).</summary>
    Webhook = 4,
}

/// <summary>An in-app notification of one user (<c>notifications</c>).</summary>
public sealed class Notification
{
    public long Id { get; set; }

    public required string UserId { get; set; }

    public NotificationKind Kind { get; set; }

    public long? SignalId { get; set; }

    public SignalSeverity Severity { get; set; }

    public required string Title { get; set; }

    public string? Body { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? ReadAt { get; set; }
}

/// <summary>
/// Which severities a user receives through a channel (订阅). A user without a row for a channel gets the default:
/// in-app for every severity, e-mail for red and orange, no SMS.
/// </summary>
public sealed class NotificationSubscription
{
    public long Id { get; set; }

    public required string UserId { get; set; }

    public ChannelKind Channel { get; set; }

    public bool Red { get; set; }

    public bool Orange { get; set; }

    public bool Yellow { get; set; }

    /// <summary>The default subscription of a channel.</summary>
    public static (bool Red, bool Orange, bool Yellow) Default(ChannelKind channel) => channel switch
    {
        ChannelKind.InApp => (true, true, true),
        ChannelKind.Email => (true, true, false),
        ChannelKind.Sms => (false, false, false),
        ChannelKind.Webhook => (false, false, false),
    };

    /// <summary>Whether a signal of <paramref name="severity"/> goes out through this subscription.</summary>
    public static bool Covers((bool Red, bool Orange, bool Yellow) subscription, SignalSeverity severity) => severity switch
    {
        SignalSeverity.Red => subscription.Red,
        SignalSeverity.Orange => subscription.Orange,
        SignalSeverity.Yellow => subscription.Yellow,
    };
}

/// <summary>State of an outgoing message.</summary>
public enum OutboxState
{
    /// <summary>Waiting for its next attempt.</summary>
    Pending = 1,

    Delivered = 2,

    /// <summary>死信: given up after the last attempt; an administrator can re-drive it.</summary>
    DeadLetter = 3,
}

/// <summary>
/// A message for an external channel (webhook, SMS, e-mail) in the durable outbox (<c>notification_outbox</c>): written in
/// the same transaction as the notification, delivered by a background worker, retried with exponential back-off and
/// dead-lettered with the last error after the last attempt.
/// </summary>
public sealed class OutboxMessage
{
    public long Id { get; set; }

    public ChannelKind Channel { get; set; }

    /// <summary>The e-mail address or phone number (masked in logs), or the webhook endpoint's URL.</summary>
    public required string Recipient { get; set; }

    public int? WebhookEndpointId { get; set; }

    public string? UserId { get; set; }

    public long? SignalId { get; set; }

    /// <summary>What happened (<c>signal.new</c>, <c>signal.escalated</c>, …).</summary>
    public required string EventType { get; set; }

    /// <summary>The JSON body sent.</summary>
    public required string Payload { get; set; }

    public OutboxState State { get; set; } = OutboxState.Pending;

    public int Attempts { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }

    /// <summary>A worker that claimed the message holds it until then (several app nodes share the outbox).</summary>
    public DateTimeOffset? LockedUntil { get; set; }

    public DateTimeOffset? LastAttemptAt { get; set; }

    public string? LastError { get; set; }

    public DateTimeOffset? DeliveredAt { get; set; }
}

/// <summary>A lender's system that receives signed webhook calls for signals of a minimum severity.</summary>
public sealed class WebhookEndpoint
{
    public int Id { get; set; }

    public required string Name { get; set; }

    public required string Url { get; set; }

    /// <summary>The shared secret of the HMAC-SHA256 signature.</summary>
    public required string Secret { get; set; }

    public SignalSeverity MinSeverity { get; set; } = SignalSeverity.Yellow;

    public bool IsActive { get; set; } = true;

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>Retry schedule of the outbox: exponential back-off, dead letter after the last attempt.</summary>
/// <param name="BaseDelay">Delay after the first failed attempt; doubled after each further failure.</param>
/// <param name="MaxAttempts">Attempts before the message is dead-lettered.</param>
public sealed record RetryPolicy(TimeSpan BaseDelay, int MaxAttempts)
{
    public static readonly RetryPolicy Default = new(TimeSpan.FromSeconds(30), 6);

    /// <summary>The delay before the next attempt after <paramref name="failedAttempts"/> failures, or null to dead-letter.</summary>
    public TimeSpan? NextDelay(int failedAttempts) =>
        failedAttempts >= MaxAttempts ? null : BaseDelay * Math.Pow(2, failedAttempts - 1);
}

/// <summary>
/// The webhook signature: <c>X-PostLoan-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256 of "t.body"&gt;</c>. The
/// receiver recomputes it with the shared secret and refuses timestamps older than its tolerance (replays).
/// </summary>
public static class WebhookSignature
{
    public const string Header = "X-PostLoan-Signature";

    /// <summary>The header value for <paramref name="body"/> sent at <paramref name="timestamp"/>.</summary>
    public static string Sign(string secret, long timestamp, string body)
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{timestamp}.{body}")));
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"t={timestamp},v1={Convert.ToHexStringLower(mac)}");
    }

    /// <summary>Whether <paramref name="header"/> signs <paramref name="body"/> with <paramref name="secret"/> within <paramref name="tolerance"/> of <paramref name="now"/>.</summary>
    public static bool Verify(string secret, string header, string body, DateTimeOffset now, TimeSpan tolerance)
    {
        var parts = header.Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0].Trim(), p => p[1].Trim());
        if (!parts.TryGetValue("t", out var t) || !parts.TryGetValue("v1", out var v1)
            || !long.TryParse(t, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var timestamp))
        {
            return false;
        }

        if (Math.Abs(now.ToUnixTimeSeconds() - timestamp) > tolerance.TotalSeconds)
        {
            return false;
        }

        var expected = Sign(secret, timestamp, body);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes($"t={t},v1={v1}"));
    }
}
