using PostLoan.Domain.Common;
using PostLoan.Domain.Monitoring.Alarms;

namespace PostLoan.Domain.Monitoring.Images;

/// <summary>
/// A warehouse camera's stored policy (质押物监控策略): the approved base image (底图) in use, the regions drawn on it
/// (画框), the thresholds of <see cref="ComparisonPolicy"/>, the alarm's severity, and where the comparison of the
/// camera's snapshots stands (the last snapshot compared and the persistence state after it).
/// </summary>
public sealed class CameraPolicy
{
    /// <summary>The camera (a device of kind <see cref="DeviceKind.WarehouseCamera"/>); one policy per camera.</summary>
    public int DeviceId { get; set; }

    public int SiteId { get; set; }

    public int CustomerId { get; set; }

    /// <summary>The base image in use; null until one is approved.</summary>
    public long? BaseImageId { get; set; }

    public List<ComparisonRegion> Regions { get; set; } = [];

    public double RegionChangeThreshold { get; set; } = 0.30;

    public double WeightedChangeThreshold { get; set; } = 0.10;

    public double ControlChangeThreshold { get; set; } = 0.30;

    public int PersistenceCount { get; set; } = 2;

    public int MaxAlignmentShift { get; set; } = 12;

    public double StructureWeight { get; set; } = 0.6;

    /// <summary>Severity of the goods-change alarm it raises.</summary>
    public AlarmSeverity Severity { get; set; } = AlarmSeverity.Orange;

    /// <summary>Snapshots with a higher id are still to be compared (the comparison's durable cursor).</summary>
    public long LastSnapshotId { get; set; }

    /// <summary>Persistence state after the last compared snapshot: consecutive changed snapshots.</summary>
    public int ConsecutiveChanged { get; set; }

    /// <summary>Persistence state: consecutive inconclusive snapshots.</summary>
    public int ConsecutiveInconclusive { get; set; }

    /// <summary>Bumped when the regions or thresholds change, so prepared base images are reloaded.</summary>
    public int Version { get; set; }

    public string UpdatedBy { get; set; } = "";

    public DateTimeOffset UpdatedAt { get; set; }

    public string OrganisationPath { get; set; } = "/";

    public string? AccountManagerId { get; set; }

    /// <summary>The persistence state the next snapshot continues from.</summary>
    public PersistenceState State => new(ConsecutiveChanged, ConsecutiveInconclusive);

    /// <summary>The comparison policy the image comparison applies.</summary>
    public ComparisonPolicy ToComparisonPolicy() => new()
    {
        Regions = Regions,
        RegionChangeThreshold = RegionChangeThreshold,
        WeightedChangeThreshold = WeightedChangeThreshold,
        ControlChangeThreshold = ControlChangeThreshold,
        PersistenceCount = PersistenceCount,
        MaxAlignmentShift = MaxAlignmentShift,
        StructureWeight = StructureWeight,
    };

    /// <summary>Takes the regions and thresholds of <paramref name="policy"/> and starts a new persistence run.</summary>
    public void Apply(ComparisonPolicy policy, AlarmSeverity severity)
    {
        Regions = [.. policy.Regions];
        RegionChangeThreshold = policy.RegionChangeThreshold;
        WeightedChangeThreshold = policy.WeightedChangeThreshold;
        ControlChangeThreshold = policy.ControlChangeThreshold;
        PersistenceCount = policy.PersistenceCount;
        MaxAlignmentShift = policy.MaxAlignmentShift;
        StructureWeight = policy.StructureWeight;
        Severity = severity;
        Version++;
        ResetPersistence();
    }

    /// <summary>Forgets the run of changed or inconclusive snapshots (new base image, new policy).</summary>
    public void ResetPersistence()
    {
        ConsecutiveChanged = 0;
        ConsecutiveInconclusive = 0;
    }
}

/// <summary>An approved base image (底图) of a camera; the history is kept, the policy points at the one in use.</summary>
public sealed class CameraBaseImage
{
    public long Id { get; set; }

    public int DeviceId { get; set; }

    public int SiteId { get; set; }

    public int CustomerId { get; set; }

    /// <summary>The JPEG, relative to the snapshot root, with forward slashes.</summary>
    public required string Path { get; set; }

    public int Width { get; set; }

    public int Height { get; set; }

    public required string Sha256 { get; set; }

    /// <summary>The snapshot it was approved from; null when uploaded.</summary>
    public long? SnapshotId { get; set; }

    /// <summary>User name of who approved it.</summary>
    public required string ApprovedBy { get; set; }

    public DateTimeOffset ApprovedAt { get; set; }

    /// <summary>Snapshots up to this id existed when it was approved; only later ones are compared with it.</summary>
    public long FollowsSnapshotId { get; set; }

    public string OrganisationPath { get; set; } = "/";

    public string? AccountManagerId { get; set; }
}

/// <summary>The stored comparison of one snapshot (现图) with the camera's base image, and what the persistence rule made of it.</summary>
public sealed class CameraComparison
{
    /// <summary>The snapshot compared (one comparison per snapshot).</summary>
    public long SnapshotId { get; set; }

    public int DeviceId { get; set; }

    public int SiteId { get; set; }

    public int CustomerId { get; set; }

    public long BaseImageId { get; set; }

    /// <summary>The policy version compared with.</summary>
    public int PolicyVersion { get; set; }

    public DateTimeOffset TakenAt { get; set; }

    public DateTimeOffset ComparedAt { get; set; }

    /// <summary>The verdict; null when the snapshot could not be compared (see <see cref="Note"/>).</summary>
    public ComparisonVerdict? Verdict { get; set; }

    public double WeightedChange { get; set; }

    public double ControlChange { get; set; }

    public double ShiftX { get; set; }

    public double ShiftY { get; set; }

    /// <summary>Per-region scores, in the policy's order.</summary>
    public List<RegionScore> Regions { get; set; } = [];

    /// <summary>Persistence state after this snapshot.</summary>
    public int ConsecutiveChanged { get; set; }

    public int ConsecutiveInconclusive { get; set; }

    /// <summary>This snapshot tripped the persistence rule (exactly the N-th consecutive change).</summary>
    public bool RaisesAlarm { get; set; }

    /// <summary>The goods-change alarm raised or refreshed; null until raised.</summary>
    public long? AlarmId { get; set; }

    /// <summary>Evidence when it raises the alarm: the base crops of the changed regions side by side (relative to the snapshot root).</summary>
    public string? EvidenceBasePath { get; set; }

    /// <summary>Evidence: the current crops of the changed regions side by side.</summary>
    public string? EvidenceCurrentPath { get; set; }

    /// <summary>What the result means for staff: why inconclusive, why not comparable, the alarm raised.</summary>
    public string? Note { get; set; }

    public string OrganisationPath { get; set; } = "/";

    public string? AccountManagerId { get; set; }
}

/// <summary>Rules on a camera's policy beyond the ones <see cref="ComparisonPolicy.Validate"/> checks.</summary>
public static class CameraPolicyRules
{
    /// <summary>
    /// Every reason the policy cannot be stored for a base image of the given size, each naming the field: the
    /// comparison's own rules, and a control region (domain.md §6: without one a moved camera or a lighting event
    /// looks like goods leaving).
    /// </summary>
    public static IReadOnlyList<Error> Validate(ComparisonPolicy policy, AlarmSeverity severity, int imageWidth, int imageHeight)
    {
        var errors = policy.Validate(imageWidth, imageHeight).ToList();
        if (!policy.Regions.Any(r => r.Role == RegionRole.Control))
        {
            errors.Add(Error.Validation("regions", "at least one control region is needed (a fixed, textured part of the scene such as a pillar or a sign)"));
        }

        if (!Enum.IsDefined(severity))
        {
            errors.Add(Error.Validation("severity", "must be Yellow, Orange or Red"));
        }

        return errors;
    }
}
