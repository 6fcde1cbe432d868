using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Common;
using PostLoan.Domain.Monitoring;
using PostLoan.Domain.Monitoring.Alarms;
using PostLoan.Domain.Monitoring.Images;
using PostLoan.Infrastructure.Monitoring.Cameras;
using PostLoan.Infrastructure.Monitoring.Ingest;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Web.Common;

namespace PostLoan.Web.Features.Monitoring;

/// <summary>
/// Warehouse cameras API (<c>/api/monitoring/cameras/{deviceId}</c>, docs/warehouse-images.md): the policy (base image,
/// regions, thresholds), approving a base image from a snapshot or an upload, the comparisons of snapshots, and the
/// images themselves (snapshots, thumbnails, base images, evidence), all within the caller's data scope.
/// </summary>
public static class CameraApi
{
    public static void MapCameraApi(this RouteGroupBuilder api)
    {
        var cameras = api.MapGroup("/monitoring/cameras/{deviceId:int}").WithTags("Monitoring").RequireAuthorization(p => p.RequireRole(MonitoringRoles.Read));
        var maintain = cameras.MapGroup("").RequireAuthorization(p => p.RequireRole(MonitoringRoles.Maintain));

        cameras.MapGet("", async Task<Results<Ok<CameraView>, ProblemHttpResult>> (int deviceId, CameraPolicyService service, CancellationToken ct) =>
        {
            var setup = await service.GetAsync(deviceId, ct);
            return setup.IsSuccess ? TypedResults.Ok(CameraView.From(setup.Value!)) : ProblemResults.From(setup.Error!);
        });

        maintain.MapPut("/policy", async Task<Results<Ok<CameraPolicyView>, ProblemHttpResult>> (int deviceId, CameraPolicyRequest input, CameraPolicyService service, CancellationToken ct) =>
        {
            var parsed = input.ToPolicy();
            if (!parsed.IsSuccess)
            {
                return ProblemResults.From(parsed.Error!);
            }

            var saved = await service.SavePolicyAsync(deviceId, parsed.Value.Policy, parsed.Value.Severity, ct);
            return saved.IsSuccess ? TypedResults.Ok(CameraPolicyView.From(saved.Value!)) : ProblemResults.From(saved.Error!);
        });

        maintain.MapPost("/base-image/from-snapshot", async Task<Results<Ok<BaseImageView>, ProblemHttpResult>> (int deviceId, ApproveSnapshotRequest? input, CameraPolicyService service, CancellationToken ct) =>
        {
            var approved = await service.ApproveSnapshotAsync(deviceId, input?.SnapshotId, ct);
            return approved.IsSuccess ? TypedResults.Ok(BaseImageView.From(approved.Value!)) : ProblemResults.From(approved.Error!);
        });

        maintain.MapPost("/base-image", async Task<Results<Ok<BaseImageView>, ProblemHttpResult>> (int deviceId, IFormFile? image, CameraPolicyService service, CancellationToken ct) =>
        {
            if (image is null || image.Length == 0 || image.Length > SnapshotStore.MaxBytes)
            {
                return ProblemResults.From(Error.Validation("image", $"image: a JPEG file of at most {SnapshotStore.MaxBytes / (1024 * 1024)} MB in the form field 'image'"));
            }

            using var buffer = new MemoryStream();
            await image.CopyToAsync(buffer, ct);
            var approved = await service.UploadBaseImageAsync(deviceId, buffer.ToArray(), ct);
            return approved.IsSuccess ? TypedResults.Ok(BaseImageView.From(approved.Value!)) : ProblemResults.From(approved.Error!);
        }).DisableAntiforgery();

        cameras.MapGet("/base-images", async Task<Results<Ok<List<BaseImageView>>, ProblemHttpResult>> (int deviceId, PostLoanDbContext db, CancellationToken ct) =>
        {
            var access = await CameraReads.FindAsync(db, deviceId, ct);
            if (access.Outcome != AccessOutcome.Granted)
            {
                return ProblemResults.From(access, $"device {deviceId}");
            }

            var images = await db.CameraBaseImages.AsNoTracking().Where(i => i.DeviceId == deviceId).OrderByDescending(i => i.Id).ToListAsync(ct);
            return TypedResults.Ok(images.Select(BaseImageView.From).ToList());
        });

        cameras.MapGet("/snapshots", async Task<Results<Ok<List<ComparisonView>>, ProblemHttpResult>> (int deviceId, int? take, PostLoanDbContext db, CancellationToken ct) =>
        {
            var access = await CameraReads.FindAsync(db, deviceId, ct);
            return access.Outcome == AccessOutcome.Granted
                ? TypedResults.Ok(await CameraReads.LatestAsync(db, deviceId, Math.Clamp(take ?? 20, 1, 200), comparedOnly: false, ct))
                : ProblemResults.From(access, $"device {deviceId}");
        });

        cameras.MapGet("/comparisons", async Task<Results<Ok<List<ComparisonView>>, ProblemHttpResult>> (int deviceId, int? take, PostLoanDbContext db, CancellationToken ct) =>
        {
            var access = await CameraReads.FindAsync(db, deviceId, ct);
            return access.Outcome == AccessOutcome.Granted
                ? TypedResults.Ok(await CameraReads.LatestAsync(db, deviceId, Math.Clamp(take ?? 50, 1, 500), comparedOnly: true, ct))
                : ProblemResults.From(access, $"device {deviceId}");
        });

        cameras.MapGet("/snapshots/{snapshotId:long}/image", async Task<Results<FileContentHttpResult, ProblemHttpResult>> (
            int deviceId, long snapshotId, bool? thumbnail, PostLoanDbContext db, CameraFiles files, CancellationToken ct) =>
        {
            var access = await CameraReads.FindAsync(db, deviceId, ct);
            if (access.Outcome != AccessOutcome.Granted)
            {
                return ProblemResults.From(access, $"device {deviceId}");
            }

            var path = await db.DeviceSnapshots.Where(s => s.DeviceId == deviceId && s.Id == snapshotId).Select(s => s.Path).FirstOrDefaultAsync(ct);
            return await ImageAsync(files, path, thumbnail == true, $"snapshot {snapshotId}", ct);
        });

        cameras.MapGet("/base-images/{id:long}/image", async Task<Results<FileContentHttpResult, ProblemHttpResult>> (
            int deviceId, long id, bool? thumbnail, PostLoanDbContext db, CameraFiles files, CancellationToken ct) =>
        {
            var access = await CameraReads.FindAsync(db, deviceId, ct);
            if (access.Outcome != AccessOutcome.Granted)
            {
                return ProblemResults.From(access, $"device {deviceId}");
            }

            var path = await db.CameraBaseImages.Where(i => i.DeviceId == deviceId && i.Id == id).Select(i => i.Path).FirstOrDefaultAsync(ct);
            return await ImageAsync(files, path, thumbnail == true, $"base image {id}", ct);
        });

        cameras.MapGet("/comparisons/{snapshotId:long}/evidence/{side}", async Task<Results<FileContentHttpResult, ProblemHttpResult>> (
            int deviceId, long snapshotId, string side, PostLoanDbContext db, CameraFiles files, CancellationToken ct) =>
        {
            if (side is not ("base" or "current"))
            {
                return ProblemResults.From(Error.Validation("side", "side: base or current"));
            }

            var access = await CameraReads.FindAsync(db, deviceId, ct);
            if (access.Outcome != AccessOutcome.Granted)
            {
                return ProblemResults.From(access, $"device {deviceId}");
            }

            var paths = await db.CameraComparisons.Where(c => c.DeviceId == deviceId && c.SnapshotId == snapshotId)
                .Select(c => new { c.EvidenceBasePath, c.EvidenceCurrentPath }).FirstOrDefaultAsync(ct);
            return await ImageAsync(files, side == "base" ? paths?.EvidenceBasePath : paths?.EvidenceCurrentPath, false, $"evidence of snapshot {snapshotId}", ct);
        });
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> ImageAsync(CameraFiles files, string? path, bool thumbnail, string what, CancellationToken ct)
    {
        var bytes = path is null ? null : await files.ReadAsync(path, ct);
        if (bytes is null)
        {
            return ProblemResults.From(Error.NotFound("not_found", $"{what} does not exist"));
        }

        return TypedResults.File(thumbnail ? CameraFiles.Thumbnail(bytes) : bytes, "image/jpeg");
    }
}

/// <summary>Reads shared by the camera API and the camera page.</summary>
public static class CameraReads
{
    public static Task<Access<Device>> FindAsync(PostLoanDbContext db, int deviceId, CancellationToken ct) =>
        db.FindInScopeAsync<Device>(d => d.Id == deviceId, deviceId.ToString(CultureInfo.InvariantCulture), ct);

    /// <summary>The camera's latest snapshots with their comparisons (only compared ones when <paramref name="comparedOnly"/>), newest first.</summary>
    public static async Task<List<ComparisonView>> LatestAsync(PostLoanDbContext db, int deviceId, int take, bool comparedOnly, CancellationToken ct)
    {
        var rows = comparedOnly
            ? await (from c in db.CameraComparisons.AsNoTracking()
                     join s in db.DeviceSnapshots.AsNoTracking() on c.SnapshotId equals s.Id
                     where c.DeviceId == deviceId
                     orderby c.SnapshotId descending
                     select new { Snapshot = s, Comparison = (CameraComparison?)c }).Take(take).ToListAsync(ct)
            : await (from s in db.DeviceSnapshots.AsNoTracking()
                     where s.DeviceId == deviceId
                     orderby s.Id descending
                     select new { Snapshot = s, Comparison = db.CameraComparisons.FirstOrDefault(c => c.SnapshotId == s.Id) }).Take(take).ToListAsync(ct);
        return rows.Select(r => ComparisonView.From(r.Snapshot, r.Comparison)).ToList();
    }
}

/// <summary>A camera with its policy, base image and whether it compares.</summary>
public sealed record CameraView(int DeviceId, int SiteId, string Code, string Name, bool Comparing, List<string> Problems, CameraPolicyView? Policy, BaseImageView? BaseImage)
{
    public static CameraView From(CameraSetup setup) => new(
        setup.Device.Id, setup.Device.SiteId, setup.Device.Code, setup.Device.Name, setup.Comparing, setup.Problems.Select(Describe).ToList(),
        setup.Policy is null ? null : CameraPolicyView.From(setup.Policy), setup.BaseImage is null ? null : BaseImageView.From(setup.BaseImage));

    private static string Describe(Error e) => e.Message.StartsWith(e.Code + ":", StringComparison.Ordinal) ? e.Message : e.Code + ": " + e.Message;
}

/// <summary>A stored policy as the API shows it (the request's shape plus the persistence state).</summary>
public sealed record CameraPolicyView(
    List<RegionRequest> Regions, double RegionChangeThreshold, double WeightedChangeThreshold, double ControlChangeThreshold, int PersistenceCount,
    int MaxAlignmentShift, double StructureWeight, string Severity, long? BaseImageId, int ConsecutiveChanged, int ConsecutiveInconclusive,
    string UpdatedBy, DateTimeOffset UpdatedAt)
{
    public static CameraPolicyView From(CameraPolicy p) => new(
        p.Regions.Select(RegionRequest.From).ToList(), p.RegionChangeThreshold, p.WeightedChangeThreshold, p.ControlChangeThreshold, p.PersistenceCount,
        p.MaxAlignmentShift, p.StructureWeight, p.Severity.ToString(), p.BaseImageId, p.ConsecutiveChanged, p.ConsecutiveInconclusive, p.UpdatedBy, p.UpdatedAt);
}

/// <summary>An approved base image.</summary>
public sealed record BaseImageView(long Id, int DeviceId, int Width, int Height, long? SnapshotId, string ApprovedBy, DateTimeOffset ApprovedAt, string ImageUrl)
{
    public static BaseImageView From(CameraBaseImage i) => new(i.Id, i.DeviceId, i.Width, i.Height, i.SnapshotId, i.ApprovedBy, i.ApprovedAt,
        string.Create(CultureInfo.InvariantCulture, $"/api/monitoring/cameras/{i.DeviceId}/base-images/{i.Id}/image"));
}

/// <summary>A snapshot and its comparison (verdict null: not compared yet, or not comparable — see the note).</summary>
public sealed record ComparisonView(
    long SnapshotId, DateTimeOffset TakenAt, DateTimeOffset? ComparedAt, string? Verdict, double? WeightedChange, double? ControlChange,
    List<RegionScoreView> Regions, int? ConsecutiveChanged, bool RaisesAlarm, long? AlarmId, string? Note, string ImageUrl, string ThumbnailUrl,
    string? EvidenceBaseUrl, string? EvidenceCurrentUrl)
{
    public static ComparisonView From(DeviceSnapshot s, CameraComparison? c)
    {
        var image = string.Create(CultureInfo.InvariantCulture, $"/api/monitoring/cameras/{s.DeviceId}/snapshots/{s.Id}/image");
        var evidence = string.Create(CultureInfo.InvariantCulture, $"/api/monitoring/cameras/{s.DeviceId}/comparisons/{s.Id}/evidence/");
        return new ComparisonView(s.Id, s.TakenAt, c?.ComparedAt, c?.Verdict is { } v ? JsonName(v) : null, c?.WeightedChange, c?.ControlChange,
            c?.Regions.Select(RegionScoreView.From).ToList() ?? [], c?.ConsecutiveChanged, c?.RaisesAlarm ?? false, c?.AlarmId, c?.Note, image, image + "?thumbnail=true",
            c?.EvidenceBasePath is null ? null : evidence + "base", c?.EvidenceCurrentPath is null ? null : evidence + "current");
    }

    public static string JsonName(ComparisonVerdict verdict) => verdict switch
    {
        ComparisonVerdict.Unchanged => "unchanged",
        ComparisonVerdict.Changed => "changed",
        ComparisonVerdict.Inconclusive => "inconclusive",
    };
}

/// <summary>One region's scores in a comparison.</summary>
public sealed record RegionScoreView(string Name, string Role, double Weight, double Ssim, double EdgeDensityBase, double EdgeDensityCurrent, double Change, bool Changed)
{
    public static RegionScoreView From(RegionScore r) => new(r.Name, RegionRequest.RoleName(r.Role), r.Weight, r.Ssim, r.EdgeDensityBase, r.EdgeDensityCurrent, r.Change, r.Changed);
}

/// <summary>Which snapshot to approve as the base image; the latest when absent.</summary>
public sealed record ApproveSnapshotRequest(long? SnapshotId);

/// <summary>A rectangle in base-image pixels.</summary>
public sealed record RectRequest(int X, int Y, int Width, int Height);

/// <summary>A region (画框): name, rectangle, distance weight (远近权重), role <c>goods</c> or <c>control</c>.</summary>
public sealed record RegionRequest(string? Name, RectRequest? Rect, double? Weight, string? Role)
{
    public static RegionRequest From(ComparisonRegion r) => new(r.Name, new RectRequest(r.Rect.X, r.Rect.Y, r.Rect.Width, r.Rect.Height), r.Weight, RoleName(r.Role));

    public static string RoleName(RegionRole role) => role switch
    {
        RegionRole.Goods => "goods",
        RegionRole.Control => "control",
    };
}

/// <summary>A camera policy to store: regions and thresholds (defaults as <see cref="ComparisonPolicy"/>), alarm severity.</summary>
public sealed record CameraPolicyRequest(
    List<RegionRequest>? Regions, double? RegionChangeThreshold, double? WeightedChangeThreshold, double? ControlChangeThreshold, int? PersistenceCount,
    int? MaxAlignmentShift, double? StructureWeight, string? Severity)
{
    public Result<(ComparisonPolicy Policy, AlarmSeverity Severity)> ToPolicy()
    {
        var errors = new List<Error>();
        var regions = new List<ComparisonRegion>();
        for (var i = 0; i < (Regions?.Count ?? 0); i++)
        {
            var region = Regions![i];
            var field = string.Create(CultureInfo.InvariantCulture, $"regions[{i}]");
            var role = RegionRole.Goods;
            if (region.Role is not null && (!Enum.TryParse(region.Role, ignoreCase: true, out role) || !Enum.IsDefined(role)))
            {
                errors.Add(Error.Validation(field + ".role", field + ".role: goods or control"));
            }

            if (region.Rect is null)
            {
                errors.Add(Error.Validation(field + ".rect", field + ".rect: {x, y, width, height} in base-image pixels is required"));
                continue;
            }

            regions.Add(new ComparisonRegion(region.Name ?? "", new PixelRect(region.Rect.X, region.Rect.Y, region.Rect.Width, region.Rect.Height), region.Weight ?? 1.0, role));
        }

        var severity = AlarmSeverity.Orange;
        if (Severity is not null && (!Enum.TryParse(Severity, ignoreCase: true, out severity) || !Enum.IsDefined(severity)))
        {
            errors.Add(Error.Validation("severity", "severity: Yellow, Orange or Red"));
        }

        if (errors.Count > 0)
        {
            return CameraPolicyService.Combine(errors);
        }

        var defaults = new ComparisonPolicy();
        return (new ComparisonPolicy
        {
            Regions = regions,
            RegionChangeThreshold = RegionChangeThreshold ?? defaults.RegionChangeThreshold,
            WeightedChangeThreshold = WeightedChangeThreshold ?? defaults.WeightedChangeThreshold,
            ControlChangeThreshold = ControlChangeThreshold ?? defaults.ControlChangeThreshold,
            PersistenceCount = PersistenceCount ?? defaults.PersistenceCount,
            MaxAlignmentShift = MaxAlignmentShift ?? defaults.MaxAlignmentShift,
            StructureWeight = StructureWeight ?? defaults.StructureWeight,
        }, severity);
    }
}
