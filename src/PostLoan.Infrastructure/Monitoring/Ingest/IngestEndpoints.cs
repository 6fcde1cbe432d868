using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PostLoan.Domain.Common;

namespace PostLoan.Infrastructure.Monitoring.Ingest;

/// <summary>
/// HTTP ingest for devices (docs/monitoring.md): <c>POST /api/ingest/readings</c> (the MQTT reading payload as the body),
/// <c>POST /api/ingest/heartbeat</c> and <c>POST /api/ingest/snapshots</c> (multipart, field <c>image</c>, optional
/// <c>ts</c>). The device authenticates with the headers <c>X-Device-Code</c> and <c>X-Device-Key</c>. Answers come after
/// the commit; refusals are 401 and malformed payloads 400, both as problem details.
/// </summary>
public static class IngestEndpoints
{
    public const string CodeHeader = "X-Device-Code";

    public const string KeyHeader = "X-Device-Key";

    /// <summary>Maps the endpoints under <paramref name="routes"/> (the web app's <c>/api</c> group, or the benchmark's host), open to devices.</summary>
    public static RouteGroupBuilder MapIngestEndpoints(this IEndpointRouteBuilder routes)
    {
        var ingest = routes.MapGroup("/ingest").AllowAnonymous().DisableAntiforgery().WithTags("Device ingest");
        ingest.MapPost("/readings", (HttpContext http, IngestGateway gateway, CancellationToken ct) =>
            HandleAsync(http, gateway, ct, async (device, body) => await gateway.ReadingsAsync(device, body, false, "http", Remote(http), ct)));
        ingest.MapPost("/heartbeat", (HttpContext http, IngestGateway gateway, CancellationToken ct) =>
            HandleAsync(http, gateway, ct, async (device, body) => await gateway.HeartbeatAsync(device, body, false, "http", Remote(http), ct)));
        ingest.MapPost("/snapshots", async (HttpContext http, IngestGateway gateway, TimeProvider clock, CancellationToken ct) =>
        {
            var (device, refused) = await AuthenticateAsync(http, gateway, ct);
            if (device is null)
            {
                return refused!;
            }

            if (!http.Request.HasFormContentType)
            {
                return Problem(Error.Validation("image", "image: send multipart/form-data with the JPEG in the field 'image'"));
            }

            var form = await http.Request.ReadFormAsync(ct);
            var file = form.Files.GetFile("image");
            if (file is null || file.Length == 0 || file.Length > SnapshotStore.MaxBytes)
            {
                return Problem(Error.Validation("image", "image: required, a JPEG of at most 10 MB"));
            }

            var takenAt = clock.GetUtcNow();
            if (form.TryGetValue("ts", out var ts) && !DateTimeOffset.TryParse(ts.ToString(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out takenAt))
            {
                return Problem(Error.Validation("ts", "ts: ISO 8601 with an offset"));
            }

            using var buffer = new MemoryStream((int)file.Length);
            await file.CopyToAsync(buffer, ct);
            var result = await gateway.SnapshotAsync(device, buffer.ToArray(), takenAt.ToUniversalTime(), "http", ct);
            return result.Status == IngestStatus.Stored
                ? Results.Ok(new { id = result.Snapshot!.Value.Id, duplicate = result.Snapshot.Value.Duplicate, path = result.Snapshot.Value.Path })
                : Problem(result.Error!);
        });
        return ingest;
    }

    private static async Task<IResult> HandleAsync(HttpContext http, IngestGateway gateway, CancellationToken ct, Func<DeviceInfo, ReadOnlyMemory<byte>, Task<IngestResult>> handle)
    {
        var (device, refused) = await AuthenticateAsync(http, gateway, ct);
        if (device is null)
        {
            return refused!;
        }

        if (http.Request.ContentLength is > 4 * 1024 * 1024)
        {
            return Problem(Error.Validation("payload", "payload: at most 4 MB"));
        }

        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, ct);
        var result = await handle(device, buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
        return result.Status switch
        {
            IngestStatus.Stored => Results.Ok(new { received = result.Readings.Received, stored = result.Readings.Stored, duplicates = result.Readings.Duplicates }),
            IngestStatus.Malformed => Problem(result.Error!),
            IngestStatus.Refused => Unauthorized(),
        };
    }

    private static async Task<(DeviceInfo? Device, IResult? Refused)> AuthenticateAsync(HttpContext http, IngestGateway gateway, CancellationToken ct)
    {
        var directory = http.RequestServices.GetService(typeof(DeviceDirectory)) as DeviceDirectory ?? throw new InvalidOperationException("monitoring services are not registered");
        var (device, _) = await directory.AuthenticateAsync(http.Request.Headers[CodeHeader].ToString(), http.Request.Headers[KeyHeader].ToString(), "http", Remote(http), ct);
        return device is null ? (null, Unauthorized()) : (device, null);
    }

    private static IResult Unauthorized() => Results.Problem(
        statusCode: StatusCodes.Status401Unauthorized, title: "device.refused", type: "https://postloan.local/problems/device.refused",
        detail: $"{CodeHeader}/{KeyHeader}: unknown device or wrong key");

    private static IResult Problem(Error error) => Results.Problem(
        statusCode: StatusCodes.Status400BadRequest, title: error.Code, type: "https://postloan.local/problems/" + error.Code, detail: error.Message);

    private static string? Remote(HttpContext http) => http.Connection.RemoteIpAddress?.ToString();
}
