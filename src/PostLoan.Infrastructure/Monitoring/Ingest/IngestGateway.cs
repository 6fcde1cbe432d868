using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using PostLoan.Domain.Common;
using PostLoan.Domain.Monitoring;

namespace PostLoan.Infrastructure.Monitoring.Ingest;

/// <summary>How a message ended.</summary>
public enum IngestStatus
{
    /// <summary>Committed (readings stored or recognised as duplicates, heartbeat or snapshot recorded).</summary>
    Stored,

    /// <summary>Unknown device, bad credential or another device's topic: refused and audited.</summary>
    Refused,

    /// <summary>Malformed payload: refused whole with a reason, nothing stored.</summary>
    Malformed,
}

/// <summary>The outcome of one message.</summary>
public sealed record IngestResult(IngestStatus Status, StoredReadings Readings = default, Error? Error = null, DeviceRefusal Refusal = DeviceRefusal.None, StoredSnapshot? Snapshot = null)
{
    public static IngestResult Refused(DeviceRefusal refusal) => new(IngestStatus.Refused, Refusal: refusal);
}

/// <summary>What a message is about, from the last level of its topic.</summary>
public enum DeviceMessageKind
{
    Readings,
    Heartbeat,
    Snapshot,
}

/// <summary>
/// The one way into the ingest for MQTT (embedded or external broker) and HTTP: authenticates the device (or takes the
/// device the broker authenticated at connection), parses and validates the payload, and hands it to the
/// <see cref="IngestPipeline"/> or the <see cref="SnapshotStore"/>, returning once it is committed. Malformed messages
/// are counted per device and logged.
/// </summary>
public sealed class IngestGateway(DeviceDirectory directory, IngestPipeline pipeline, SnapshotStore snapshots, MonitoringOptions options, TimeProvider clock, ILogger<IngestGateway> logger)
{
    /// <summary>Topic prefix of device messages: <c>postloan/devices/{deviceCode}/{readings|heartbeat|snapshot}</c>.</summary>
    public const string TopicPrefix = "postloan/devices/";

    /// <summary>Subscription covering every device topic.</summary>
    public const string TopicFilter = "postloan/devices/+/+";

    private readonly ConcurrentDictionary<string, long> _malformed = new(StringComparer.Ordinal);

    /// <summary>Malformed messages counted per device code since the start.</summary>
    public IReadOnlyDictionary<string, long> MalformedByDevice => _malformed;

    /// <summary>The topic of a device's messages.</summary>
    public static string Topic(string deviceCode, DeviceMessageKind kind) => TopicPrefix + deviceCode + "/" + kind.ToString().ToLowerInvariant();

    /// <summary>Splits a device topic; null when it is not one.</summary>
    public static (string Code, DeviceMessageKind Kind)? ParseTopic(string topic)
    {
        if (!topic.StartsWith(TopicPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = topic.AsSpan(TopicPrefix.Length);
        var slash = rest.IndexOf('/');
        if (slash <= 0)
        {
            return null;
        }

        DeviceMessageKind? kind = rest[(slash + 1)..] switch
        {
            "readings" => DeviceMessageKind.Readings,
            "heartbeat" => DeviceMessageKind.Heartbeat,
            "snapshot" => DeviceMessageKind.Snapshot,
            _ => null,
        };
        return kind is { } k ? (rest[..slash].ToString(), k) : null;
    }

    /// <summary>
    /// A message from a broker. <paramref name="connected"/> is the device the embedded broker authenticated at connection
    /// (its topic must be its own); from an external broker it is null and the payload must carry the device's <c>key</c>.
    /// </summary>
    public async Task<IngestResult> FromTopicAsync(string topic, ReadOnlyMemory<byte> payload, DeviceInfo? connected, string transport, string? remote, CancellationToken cancellationToken)
    {
        if (ParseTopic(topic) is not var (code, kind))
        {
            return Malformed(connected?.Code ?? "?", transport, Error.Validation("topic", $"topic: '{topic}' is not postloan/devices/{{deviceCode}}/readings|heartbeat|snapshot"));
        }

        if (connected is not null && connected.Code != code)
        {
            await directory.RefuseAsync(connected.Code, DeviceRefusal.WrongTopic, transport, remote, cancellationToken);
            return IngestResult.Refused(DeviceRefusal.WrongTopic);
        }

        var device = connected ?? await directory.FindAsync(code, cancellationToken);
        if (device is null)
        {
            await directory.RefuseAsync(code, DeviceRefusal.UnknownDevice, transport, remote, cancellationToken);
            return IngestResult.Refused(DeviceRefusal.UnknownDevice);
        }

        var keyRequired = connected is null;
        return kind switch
        {
            DeviceMessageKind.Readings => await ReadingsAsync(device, payload, keyRequired, transport, remote, cancellationToken),
            DeviceMessageKind.Heartbeat => await HeartbeatAsync(device, payload, keyRequired, transport, remote, cancellationToken),
            DeviceMessageKind.Snapshot => await SnapshotMessageAsync(device, payload, keyRequired, transport, remote, cancellationToken),
        };
    }

    /// <summary>Readings of an authenticated device (HTTP, embedded broker) or of one whose key is in the payload (<paramref name="keyRequired"/>).</summary>
    public async Task<IngestResult> ReadingsAsync(DeviceInfo device, ReadOnlyMemory<byte> payload, bool keyRequired, string transport, string? remote, CancellationToken cancellationToken)
    {
        var message = DevicePayloads.ParseReadings(payload.Span, device.Kind, clock.GetUtcNow(), options.Limits);
        if (!message.IsSuccess)
        {
            return Malformed(device.Code, transport, message.Error!);
        }

        if (keyRequired && !await KeyMatchesAsync(device, message.Value!.Key, transport, remote, cancellationToken))
        {
            return IngestResult.Refused(DeviceRefusal.BadCredential);
        }

        var stored = await pipeline.SubmitAsync(device, message.Value!.Readings, cancellationToken);
        return new IngestResult(IngestStatus.Stored, stored);
    }

    public async Task<IngestResult> HeartbeatAsync(DeviceInfo device, ReadOnlyMemory<byte> payload, bool keyRequired, string transport, string? remote, CancellationToken cancellationToken)
    {
        var message = DevicePayloads.ParseHeartbeat(payload.Span, clock.GetUtcNow(), options.Limits);
        if (!message.IsSuccess)
        {
            return Malformed(device.Code, transport, message.Error!);
        }

        if (keyRequired && !await KeyMatchesAsync(device, message.Value!.Key, transport, remote, cancellationToken))
        {
            return IngestResult.Refused(DeviceRefusal.BadCredential);
        }

        await pipeline.HeartbeatAsync(device, message.Value!, cancellationToken);
        return new IngestResult(IngestStatus.Stored);
    }

    /// <summary>A snapshot: the JPEG itself (embedded broker, HTTP) or JSON <c>{"ts","key","image": base64}</c>.</summary>
    public async Task<IngestResult> SnapshotMessageAsync(DeviceInfo device, ReadOnlyMemory<byte> payload, bool keyRequired, string transport, string? remote, CancellationToken cancellationToken)
    {
        var span = payload.Span;
        if (!keyRequired && span.Length > 2 && span[0] == 0xFF && span[1] == 0xD8)
        {
            return await SnapshotAsync(device, payload.ToArray(), clock.GetUtcNow(), transport, cancellationToken);
        }

        try
        {
            using var document = JsonDocument.Parse(payload);
            var root = document.RootElement;
            var at = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("ts", out _)
                ? DevicePayloads.Timestamp(root, "", clock.GetUtcNow(), options.Limits)
                : Result<DateTimeOffset>.Ok(clock.GetUtcNow());
            if (!at.IsSuccess)
            {
                return Malformed(device.Code, transport, at.Error!);
            }

            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("image", out var image) || image.ValueKind != JsonValueKind.String
                || !image.TryGetBytesFromBase64(out var jpeg))
            {
                return Malformed(device.Code, transport, Error.Validation("payload.image", "image: required, the JPEG in base64"));
            }

            var key = root.TryGetProperty("key", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString() : null;
            if (keyRequired && !await KeyMatchesAsync(device, key, transport, remote, cancellationToken))
            {
                return IngestResult.Refused(DeviceRefusal.BadCredential);
            }

            return await SnapshotAsync(device, jpeg, at.Value, transport, cancellationToken);
        }
        catch (JsonException e)
        {
            return Malformed(device.Code, transport, Error.Validation("payload.json", "payload: neither a JPEG nor valid JSON (" + e.Message + ")"));
        }
    }

    /// <summary>Stores a JPEG of an authenticated camera.</summary>
    public async Task<IngestResult> SnapshotAsync(DeviceInfo device, byte[] jpeg, DateTimeOffset takenAt, string transport, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (takenAt > now + options.Limits.ClockSkew)
        {
            return Malformed(device.Code, transport, Error.Validation("payload.clock_skew", "ts: ahead of the server clock beyond the tolerance"));
        }

        var stored = await snapshots.SaveAsync(device, jpeg, takenAt, cancellationToken);
        return stored.IsSuccess ? new IngestResult(IngestStatus.Stored, Snapshot: stored.Value) : Malformed(device.Code, transport, stored.Error!);
    }

    private async Task<bool> KeyMatchesAsync(DeviceInfo device, string? key, string transport, string? remote, CancellationToken cancellationToken)
    {
        if (DeviceCredentials.Matches(key, device.SecretHash))
        {
            return true;
        }

        await directory.RefuseAsync(device.Code, DeviceRefusal.BadCredential, transport, remote, cancellationToken);
        return false;
    }

    private IngestResult Malformed(string code, string transport, Error error)
    {
        var count = _malformed.AddOrUpdate(code, 1, (_, n) => n + 1);
        logger.LogWarning("Malformed message from device {Code} over {Transport} (#{Count}): {Reason}", code, transport, count, error.Message);
        return new IngestResult(IngestStatus.Malformed, Error: error);
    }
}
