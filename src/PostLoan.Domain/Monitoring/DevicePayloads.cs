using System.Globalization;
using System.Text.Json;
using PostLoan.Domain.Common;

namespace PostLoan.Domain.Monitoring;

/// <summary>Limits the ingest applies to what devices send.</summary>
/// <param name="ClockSkew">How far in the future a reading's time may be (the device's clock runs ahead).</param>
/// <param name="MaxAge">How old a reading may be (a device that buffered while offline).</param>
/// <param name="MaxReadingsPerMessage">Readings in one message or request.</param>
public sealed record IngestLimits(TimeSpan ClockSkew, TimeSpan MaxAge, int MaxReadingsPerMessage)
{
    public static readonly IngestLimits Default = new(TimeSpan.FromMinutes(5), TimeSpan.FromDays(35), 1000);
}

/// <summary>Readings of one message, with the device secret when the message carries it (external broker).</summary>
public sealed record ReadingMessage(string? Key, RawReading[] Readings);

/// <summary>A heartbeat (心跳): the device is alive, and says whether it works.</summary>
public sealed record HeartbeatMessage(string? Key, DateTimeOffset At, bool Fault, string? Reason);

/// <summary>
/// Parses what devices send (docs/monitoring.md). A reading message is one reading object or
/// <c>{"key": "...", "readings": [ ... ]}</c>; each reading has <c>ts</c> (ISO 8601 with offset, or Unix milliseconds),
/// an optional <c>seq</c>, and the fields of its kind: <c>in</c>/<c>out</c> (people counter), <c>value</c> (meters),
/// <c>temperature</c>/<c>humidity</c> (sensor), <c>alarm</c> (intrusion detector). A malformed message is refused
/// whole, naming the field and the reason.
/// </summary>
public static class DevicePayloads
{
    public static Result<ReadingMessage> ParseReadings(ReadOnlySpan<byte> json, DeviceKind kind, DateTimeOffset now, IngestLimits limits)
    {
        if (kind == DeviceKind.WarehouseCamera)
        {
            return Error.Validation("payload.kind", "readings: a warehouse camera sends snapshots, not readings");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.ToArray());
        }
        catch (JsonException e)
        {
            return Error.Validation("payload.json", "payload: not valid JSON (" + e.Message + ")");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Error.Validation("payload.json", "payload: must be a JSON object");
            }

            var key = OptionalString(root, "key");
            if (!root.TryGetProperty("readings", out var list))
            {
                var single = ParseReading(root, "", kind, now, limits);
                return single.IsSuccess ? new ReadingMessage(key, [single.Value]) : single.Error!;
            }

            if (list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
            {
                return Error.Validation("payload.readings", "readings: must be a non-empty array");
            }

            if (list.GetArrayLength() > limits.MaxReadingsPerMessage)
            {
                return Error.Validation("payload.readings", $"readings: at most {limits.MaxReadingsPerMessage} per message");
            }

            var readings = new RawReading[list.GetArrayLength()];
            var i = 0;
            foreach (var item in list.EnumerateArray())
            {
                var reading = ParseReading(item, $"readings[{i}].", kind, now, limits);
                if (!reading.IsSuccess)
                {
                    return reading.Error!;
                }

                readings[i++] = reading.Value;
            }

            return new ReadingMessage(key, readings);
        }
    }

    public static Result<HeartbeatMessage> ParseHeartbeat(ReadOnlySpan<byte> json, DateTimeOffset now, IngestLimits limits)
    {
        if (json.IsEmpty)
        {
            return new HeartbeatMessage(null, now, false, null);
        }

        try
        {
            using var document = JsonDocument.Parse(json.ToArray());
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Error.Validation("payload.json", "payload: must be a JSON object");
            }

            var at = root.TryGetProperty("ts", out _) ? Timestamp(root, "", now, limits) : now;
            if (!at.IsSuccess)
            {
                return at.Error!;
            }

            var status = OptionalString(root, "status") ?? "ok";
            if (status is not ("ok" or "fault"))
            {
                return Error.Validation("payload.status", "status: must be \"ok\" or \"fault\"");
            }

            var reason = OptionalString(root, "reason");
            return new HeartbeatMessage(OptionalString(root, "key"), at.Value, status == "fault", reason is { Length: > 200 } ? reason[..200] : reason);
        }
        catch (JsonException e)
        {
            return Error.Validation("payload.json", "payload: not valid JSON (" + e.Message + ")");
        }
        catch (InvalidOperationException e)
        {
            return Error.Validation("payload.json", "payload: " + e.Message);
        }
    }

    /// <summary>The time of a message: <c>ts</c> as ISO 8601 with an offset or Unix milliseconds, within the clock-skew and age limits.</summary>
    public static Result<DateTimeOffset> Timestamp(JsonElement element, string prefix, DateTimeOffset now, IngestLimits limits)
    {
        if (!element.TryGetProperty("ts", out var ts))
        {
            return Error.Validation("payload.ts", prefix + "ts: required");
        }

        DateTimeOffset at;
        if (ts.ValueKind == JsonValueKind.Number && ts.TryGetInt64(out var ms) && ms is > 0 and < 32503680000000)
        {
            at = DateTimeOffset.FromUnixTimeMilliseconds(ms);
        }
        else if (ts.ValueKind != JsonValueKind.String
                 || !DateTimeOffset.TryParse(ts.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.None, out at)
                 || !HasOffset(ts.GetString()!))
        {
            return Error.Validation("payload.ts", prefix + "ts: must be ISO 8601 with an offset (2026-11-23T09:15:00+08:00) or Unix milliseconds");
        }

        if (at > now + limits.ClockSkew)
        {
            return Error.Validation("payload.clock_skew", string.Create(CultureInfo.InvariantCulture,
                $"{prefix}ts: {at:O} is {(at - now).TotalSeconds:0} s ahead of the server clock (tolerance {limits.ClockSkew.TotalSeconds:0} s)"));
        }

        if (at < now - limits.MaxAge)
        {
            return Error.Validation("payload.too_old", string.Create(CultureInfo.InvariantCulture,
                $"{prefix}ts: {at:O} is older than {limits.MaxAge.TotalDays:0} days"));
        }

        return at.ToUniversalTime();
    }

    private static Result<RawReading> ParseReading(JsonElement element, string prefix, DeviceKind kind, DateTimeOffset now, IngestLimits limits)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return Error.Validation("payload.reading", prefix.TrimEnd('.') + ": must be an object");
        }

        var at = Timestamp(element, prefix, now, limits);
        if (!at.IsSuccess)
        {
            return at.Error!;
        }

        var sequence = at.Value.ToUnixTimeMilliseconds();
        if (element.TryGetProperty("seq", out var seq))
        {
            if (seq.ValueKind != JsonValueKind.Number || !seq.TryGetInt64(out sequence) || sequence < 0)
            {
                return Error.Validation("payload.seq", prefix + "seq: must be a whole number ≥ 0");
            }
        }

        return kind switch
        {
            DeviceKind.PeopleCounter => Pair(element, prefix, "in", "out", nonNegative: true, sequence, at.Value),
            DeviceKind.ElectricityMeter or DeviceKind.WaterMeter => Single(element, prefix, "value", sequence, at.Value),
            DeviceKind.TemperatureHumiditySensor => Pair(element, prefix, "temperature", "humidity", nonNegative: false, sequence, at.Value),
            DeviceKind.IntrusionDetector => Alarm(element, prefix, sequence, at.Value),
            DeviceKind.WarehouseCamera => Error.Validation("payload.kind", "readings: a warehouse camera sends snapshots, not readings"),
        };
    }

    private static Result<RawReading> Pair(JsonElement element, string prefix, string first, string second, bool nonNegative, long sequence, DateTimeOffset at)
    {
        var a = Number(element, prefix, first, nonNegative);
        if (!a.IsSuccess)
        {
            return a.Error!;
        }

        var b = Number(element, prefix, second, nonNegative);
        if (!b.IsSuccess)
        {
            return b.Error!;
        }

        if (!nonNegative && (a.Value is < -60 or > 100 || b.Value is < 0 or > 100))
        {
            return Error.Validation("payload.range", $"{prefix}{first}/{second}: outside the sensor's range (−60…100 °C, 0…100 %)");
        }

        return new RawReading(sequence, at, a.Value, b.Value);
    }

    private static Result<RawReading> Single(JsonElement element, string prefix, string name, long sequence, DateTimeOffset at)
    {
        var value = Number(element, prefix, name, nonNegative: true);
        return value.IsSuccess ? new RawReading(sequence, at, value.Value, null) : value.Error!;
    }

    private static Result<RawReading> Alarm(JsonElement element, string prefix, long sequence, DateTimeOffset at)
    {
        if (!element.TryGetProperty("alarm", out var alarm))
        {
            return Error.Validation("payload.alarm", prefix + "alarm: required");
        }

        return alarm.ValueKind switch
        {
            JsonValueKind.True => new RawReading(sequence, at, 1, null),
            JsonValueKind.False => new RawReading(sequence, at, 0, null),
            _ => Error.Validation("payload.alarm", prefix + "alarm: must be true or false"),
        };
    }

    private static Result<double> Number(JsonElement element, string prefix, string name, bool nonNegative)
    {
        if (!element.TryGetProperty(name, out var property))
        {
            return Error.Validation("payload." + name, prefix + name + ": required");
        }

        if (property.ValueKind != JsonValueKind.Number || !property.TryGetDouble(out var value) || !double.IsFinite(value) || (nonNegative && value < 0))
        {
            return Error.Validation("payload." + name, prefix + name + (nonNegative ? ": must be a number ≥ 0" : ": must be a number"));
        }

        return value;
    }

    private static string? OptionalString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>True when an ISO 8601 text ends with Z or ±hh:mm: a time without an offset is ambiguous.</summary>
    private static bool HasOffset(string text) =>
        text.EndsWith('Z') || text.EndsWith('z') || (text.Length > 6 && text[^6] is '+' or '-' && text[^3] == ':');
}
