using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using PostLoan.Domain.Common;
using PostLoan.Domain.Warning.Push;

namespace PostLoan.Infrastructure.Warning.Push;

/// <summary>The outcome of one delivery attempt: null on success, else the error to record.</summary>
public readonly record struct DeliveryResult(string? Error)
{
    public static readonly DeliveryResult Delivered = new(null);

    public bool Succeeded => Error is null;
}

/// <summary>An external delivery channel of the outbox (webhook, SMS gateway, e-mail).</summary>
public interface INotificationChannel
{
    ChannelKind Kind { get; }

    /// <summary>Delivers one message; a failure is returned (and retried by the outbox), not thrown.</summary>
    Task<DeliveryResult> DeliverAsync(OutboxMessage message, CancellationToken cancellationToken);
}

/// <summary>Masks recipients for logs: phone numbers keep 3 + 4 digits, e-mail addresses their first letter and domain.</summary>
public static class RecipientMask
{
    public static string Of(ChannelKind channel, string recipient) => channel switch
    {
        ChannelKind.Sms => Masking.Phone(recipient),
        ChannelKind.Email => Email(recipient),
        ChannelKind.Webhook => recipient,
        ChannelKind.InApp => recipient,
    };

    public static string Email(string address)
    {
        var at = address.IndexOf('@', StringComparison.Ordinal);
        return at <= 0 ? "***" : address[0] + "***" + address[at..];
    }
}

/// <summary>
/// Signed webhook calls: POST of the JSON payload with <c>X-PostLoan-Signature: t=…,v1=…</c> (HMAC-SHA256 of
/// <c>"{t}.{body}"</c> with the endpoint's secret), <c>X-PostLoan-Event</c> and <c>X-PostLoan-Delivery</c> (the outbox id,
/// for the receiver's idempotency). Any status other than 2xx is a failure.
/// </summary>
public sealed class WebhookChannel(IHttpClientFactory httpClients, Persistence.PostLoanDbContext db, TimeProvider clock) : INotificationChannel
{
    public const string HttpClientName = "postloan-webhooks";

    public ChannelKind Kind => ChannelKind.Webhook;

    public async Task<DeliveryResult> DeliverAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        var endpoint = message.WebhookEndpointId is { } id ? await db.WebhookEndpoints.FindAsync([id], cancellationToken) : null;
        if (endpoint is null)
        {
            return new DeliveryResult("the webhook endpoint was deleted");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url)
        {
            Content = new StringContent(message.Payload, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        request.Headers.Add(WebhookSignature.Header, WebhookSignature.Sign(endpoint.Secret, clock.GetUtcNow().ToUnixTimeSeconds(), message.Payload));
        request.Headers.Add("X-PostLoan-Event", message.EventType);
        request.Headers.Add("X-PostLoan-Delivery", message.Id.ToString(CultureInfo.InvariantCulture));
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
            return response.IsSuccessStatusCode
                ? DeliveryResult.Delivered
                : new DeliveryResult(string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}"));
        }
        catch (HttpRequestException e)
        {
            return new DeliveryResult(e.Message);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new DeliveryResult("timed out");
        }
    }
}

/// <summary>
/// The SMS and e-mail gateways of the demo and of installations without one: a file sink that writes one JSON line per
/// message to <c>{Notifications:OutboxDirectory}/{sms|email}.jsonl</c> (default <c>data/outbox</c>). Logs mask the recipient.
/// </summary>
public abstract class FileSinkChannel(IConfiguration configuration, TimeProvider clock, ILogger logger) : INotificationChannel
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    public abstract ChannelKind Kind { get; }

    public async Task<DeliveryResult> DeliverAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        var directory = configuration["Notifications:OutboxDirectory"] ?? Path.Combine("data", "outbox");
        var file = Path.Combine(directory, Kind == ChannelKind.Sms ? "sms.jsonl" : "email.jsonl");
        var line = JsonSerializer.Serialize(new
        {
            id = message.Id,
            channel = Kind.ToString().ToLowerInvariant(),
            @event = message.EventType,
            signalId = message.SignalId,
            sentAt = clock.GetUtcNow(),
            message = JsonDocument.Parse(message.Payload).RootElement,
        }, new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All) });
        await Gate.WaitAsync(cancellationToken);
        try
        {
            Directory.CreateDirectory(directory);
            await File.AppendAllTextAsync(file, line + "\n", cancellationToken);
        }
        catch (IOException e)
        {
            return new DeliveryResult(e.Message);
        }
        finally
        {
            Gate.Release();
        }

        logger.LogInformation("{Channel} message {Id} to {Recipient} written to {File}", Kind, message.Id, RecipientMask.Of(Kind, message.Recipient), file);
        return DeliveryResult.Delivered;
    }
}

/// <summary>The SMS gateway's file sink.</summary>
public sealed class SmsFileChannel(IConfiguration configuration, TimeProvider clock, ILogger<SmsFileChannel> logger) : FileSinkChannel(configuration, clock, logger)
{
    public override ChannelKind Kind => ChannelKind.Sms;
}

/// <summary>The e-mail gateway's file sink.</summary>
public sealed class EmailFileChannel(IConfiguration configuration, TimeProvider clock, ILogger<EmailFileChannel> logger) : FileSinkChannel(configuration, clock, logger)
{
    public override ChannelKind Kind => ChannelKind.Email;
}
