using System.Globalization;
using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Common;
using PostLoan.Domain.Monitoring;
using PostLoan.Domain.Monitoring.Alarms;
using PostLoan.Domain.Monitoring.Images;
using PostLoan.Infrastructure.Identity;
using PostLoan.Infrastructure.Monitoring.Ingest;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Infrastructure.Monitoring.Cameras;

/// <summary>A camera with its stored policy and base image, and why the policy cannot compare yet (empty when it can).</summary>
public sealed record CameraSetup(Device Device, CameraPolicy? Policy, CameraBaseImage? BaseImage, IReadOnlyList<Error> Problems)
{
    /// <summary>Whether arriving snapshots are compared.</summary>
    public bool Comparing => Policy is not null && BaseImage is not null && Problems.Count == 0;
}

/// <summary>
/// Maintains warehouse cameras' policies in the caller's scope (docs/warehouse-images.md): approving a base image (底图)
/// from a snapshot or an upload (the history is kept; a new one resets the persistence run), and the regions (画框) and
/// thresholds, validated against the base image with every error naming its field. Changes are audited by the context.
/// </summary>
public sealed class CameraPolicyService(PostLoanDbContext db, ICurrentUser user, CameraFiles files, SnapshotSignal signal, TimeProvider clock)
{
    /// <summary>The camera's setup; refused outside the scope, not found for other devices.</summary>
    public async Task<Result<CameraSetup>> GetAsync(int deviceId, CancellationToken cancellationToken = default)
    {
        var camera = await CameraAsync(deviceId, cancellationToken);
        if (!camera.IsSuccess)
        {
            return camera.Error!;
        }

        var policy = await db.CameraPolicies.AsNoTracking().FirstOrDefaultAsync(p => p.DeviceId == deviceId, cancellationToken);
        var image = policy?.BaseImageId is { } id ? await db.CameraBaseImages.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, cancellationToken) : null;
        IReadOnlyList<Error> problems = policy is null || image is null
            ? [Error.Validation("baseImage", "no base image (底图) approved yet")]
            : CameraPolicyRules.Validate(policy.ToComparisonPolicy(), policy.Severity, image.Width, image.Height);
        return new CameraSetup(camera.Value!, policy, image, problems);
    }

    /// <summary>Stores the regions and thresholds; they must fit the approved base image. Starts a new persistence run.</summary>
    public async Task<Result<CameraPolicy>> SavePolicyAsync(int deviceId, ComparisonPolicy input, AlarmSeverity severity, CancellationToken cancellationToken = default)
    {
        var camera = await CameraAsync(deviceId, cancellationToken);
        if (!camera.IsSuccess)
        {
            return camera.Error!;
        }

        var policy = await db.CameraPolicies.FirstOrDefaultAsync(p => p.DeviceId == deviceId, cancellationToken);
        var image = policy?.BaseImageId is { } id ? await db.CameraBaseImages.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, cancellationToken) : null;
        if (policy is null || image is null)
        {
            return Error.Validation("baseImage", "baseImage: approve a base image (底图) before drawing regions");
        }

        var errors = CameraPolicyRules.Validate(input, severity, image.Width, image.Height);
        if (errors.Count > 0)
        {
            return Combine(errors);
        }

        policy.Apply(input, severity);
        Touch(policy);
        await db.SaveChangesAsync(cancellationToken);
        signal.Notify();
        return policy;
    }

    /// <summary>Approves one of the camera's snapshots (the latest when <paramref name="snapshotId"/> is null) as the new base image.</summary>
    public async Task<Result<CameraBaseImage>> ApproveSnapshotAsync(int deviceId, long? snapshotId, CancellationToken cancellationToken = default)
    {
        var camera = await CameraAsync(deviceId, cancellationToken);
        if (!camera.IsSuccess)
        {
            return camera.Error!;
        }

        var snapshots = db.DeviceSnapshots.AsNoTracking().Where(s => s.DeviceId == deviceId);
        var snapshot = snapshotId is { } sid
            ? await snapshots.FirstOrDefaultAsync(s => s.Id == sid, cancellationToken)
            : await snapshots.OrderByDescending(s => s.Id).FirstOrDefaultAsync(cancellationToken);
        if (snapshot is null)
        {
            return Error.Validation("snapshotId", snapshotId is null
                ? "snapshotId: the camera has sent no snapshot yet"
                : string.Create(CultureInfo.InvariantCulture, $"snapshotId: snapshot {snapshotId} is not one of this camera's"));
        }

        var jpeg = await files.ReadAsync(snapshot.Path, cancellationToken);
        if (jpeg is null)
        {
            return Error.Validation("snapshotId", "snapshotId: the snapshot's file is missing");
        }

        return await ApproveAsync(camera.Value!, jpeg, snapshot.Width, snapshot.Height, snapshot.Id, cancellationToken);
    }

    /// <summary>Approves an uploaded JPEG as the new base image.</summary>
    public async Task<Result<CameraBaseImage>> UploadBaseImageAsync(int deviceId, byte[] jpeg, CancellationToken cancellationToken = default)
    {
        var camera = await CameraAsync(deviceId, cancellationToken);
        if (!camera.IsSuccess)
        {
            return camera.Error!;
        }

        var size = SnapshotStore.JpegSize(jpeg);
        if (size is null)
        {
            return Error.Validation("image", $"image: not a JPEG (or larger than {SnapshotStore.MaxBytes / (1024 * 1024)} MB)");
        }

        return await ApproveAsync(camera.Value!, jpeg, size.Value.Width, size.Value.Height, null, cancellationToken);
    }

    private async Task<Result<CameraBaseImage>> ApproveAsync(Device device, byte[] jpeg, int width, int height, long? snapshotId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var (path, sha) = await files.WriteBaseImageAsync(device.SiteId, device.Id, jpeg, now, cancellationToken);
        var follows = await db.DeviceSnapshots.Where(s => s.DeviceId == device.Id).MaxAsync(s => (long?)s.Id, cancellationToken) ?? 0;
        var image = new CameraBaseImage
        {
            DeviceId = device.Id, SiteId = device.SiteId, CustomerId = device.CustomerId, Path = path, Width = width, Height = height, Sha256 = sha,
            SnapshotId = snapshotId, ApprovedBy = UserName, ApprovedAt = now, FollowsSnapshotId = follows,
            OrganisationPath = device.OrganisationPath, AccountManagerId = device.AccountManagerId,
        };
        var policy = await db.CameraPolicies.FirstOrDefaultAsync(p => p.DeviceId == device.Id, cancellationToken);
        if (policy is null)
        {
            policy = new CameraPolicy
            {
                DeviceId = device.Id, SiteId = device.SiteId, CustomerId = device.CustomerId,
                OrganisationPath = device.OrganisationPath, AccountManagerId = device.AccountManagerId,
            };
            db.CameraPolicies.Add(policy);
        }

        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        db.CameraBaseImages.Add(image);
        await db.SaveChangesAsync(cancellationToken);
        policy.BaseImageId = image.Id;
        policy.LastSnapshotId = Math.Max(policy.LastSnapshotId, follows);
        policy.Version++;
        policy.ResetPersistence();
        Touch(policy);
        await db.SaveChangesAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
        signal.Notify();
        return image;
    }

    private async Task<Result<Device>> CameraAsync(int deviceId, CancellationToken cancellationToken)
    {
        var access = await db.FindInScopeAsync<Device>(d => d.Id == deviceId, deviceId.ToString(CultureInfo.InvariantCulture), cancellationToken);
        return access.Outcome switch
        {
            AccessOutcome.Granted when access.Value!.Kind != DeviceKind.WarehouseCamera =>
                Error.Validation("deviceId", string.Create(CultureInfo.InvariantCulture, $"deviceId: device {deviceId} is not a warehouse camera")),
            AccessOutcome.Granted => access.Value!,
            AccessOutcome.Denied => Error.Forbidden("scope.denied", string.Create(CultureInfo.InvariantCulture, $"device {deviceId} is outside your data scope")),
            _ => Error.NotFound("not_found", string.Create(CultureInfo.InvariantCulture, $"device {deviceId} does not exist")),
        };
    }

    private void Touch(CameraPolicy policy)
    {
        policy.UpdatedBy = UserName;
        policy.UpdatedAt = clock.GetUtcNow();
    }

    private string UserName => user.UserName ?? user.UserId;

    /// <summary>All errors in one: the first field as the code, every "field: reason" in the message.</summary>
    public static Error Combine(IReadOnlyList<Error> errors) =>
        Error.Validation(errors[0].Code, string.Join("; ", errors.Select(e => e.Message.StartsWith(e.Code + ":", StringComparison.Ordinal) ? e.Message : e.Code + ": " + e.Message)));
}
