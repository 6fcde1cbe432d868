using System.Globalization;
using PostLoan.Domain.Common;

namespace PostLoan.Domain.Monitoring.Images;

/// <summary>What a region (画框) watches: the pledged goods, or a fixed part of the scene that must not change.</summary>
public enum RegionRole
{
    /// <summary>Pledged goods (质押物): a change here counts towards the alarm.</summary>
    Goods,

    /// <summary>A fixed part of the scene (a pillar, a sign, floor markings): a change here means the camera moved or
    /// the lighting changed beyond what the comparison absorbs, so the snapshot says nothing about the goods.</summary>
    Control,
}

/// <summary>A rectangle in base-image pixel coordinates (x to the right, y down, origin at the top-left corner).</summary>
public readonly record struct PixelRect(int X, int Y, int Width, int Height)
{
    /// <summary>Whether the rectangle lies entirely inside an image of the given size.</summary>
    public bool FitsIn(int imageWidth, int imageHeight) =>
        X >= 0 && Y >= 0 && Width > 0 && Height > 0 && X + Width <= imageWidth && Y + Height <= imageHeight;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"({X},{Y}) {Width}×{Height}");
}

/// <summary>A region drawn on the base image (画框) with its distance weight (远近权重) and role.</summary>
/// <param name="Name">Unique within the policy, shown to staff ("1号货架下层").</param>
/// <param name="Rect">Where, in base-image pixels.</param>
/// <param name="Weight">Distance weight (远近权重): how much this region's goods count in the weighted change; far
/// regions look smaller but hold as much, so they usually get a higher weight. Positive.</param>
/// <param name="Role">Goods or control.</param>
public sealed record ComparisonRegion(string Name, PixelRect Rect, double Weight = 1.0, RegionRole Role = RegionRole.Goods);

/// <summary>
/// One warehouse camera's comparison policy (质押物监控策略): the regions and the thresholds that turn per-region
/// change scores into a verdict and, with the persistence rule, into an alarm. docs/warehouse-images.md explains
/// each field and how to tune it.
/// </summary>
public sealed record ComparisonPolicy
{
    public const int MinRegionSide = 32;
    public const int MaxRegions = 32;
    public const int MaxNameLength = 40;

    public IReadOnlyList<ComparisonRegion> Regions { get; init; } = [];

    /// <summary>A region whose change score (0 = identical, 1 = nothing in common) reaches this counts as changed.</summary>
    public double RegionChangeThreshold { get; init; } = 0.30;

    /// <summary>The snapshot is <see cref="ComparisonVerdict.Changed"/> when the weighted share of goods regions that
    /// changed reaches this (0.10 with eight equal regions: any one of them).</summary>
    public double WeightedChangeThreshold { get; init; } = 0.10;

    /// <summary>A control region whose change score reaches this makes the snapshot
    /// <see cref="ComparisonVerdict.Inconclusive"/>.</summary>
    public double ControlChangeThreshold { get; init; } = 0.30;

    /// <summary>N: the alarm is raised after this many consecutive <see cref="ComparisonVerdict.Changed"/> snapshots.</summary>
    public int PersistenceCount { get; init; } = 2;

    /// <summary>Camera shifts up to this many pixels (each axis) are compensated before comparing; 0 turns alignment
    /// off. A larger move is left as it is, so the control regions see it and the snapshot is inconclusive.</summary>
    public int MaxAlignmentShift { get; init; } = 12;

    /// <summary>Share of the structural term (1 − SSIM) in a region's change score; the rest is the edge-density
    /// difference.</summary>
    public double StructureWeight { get; init; } = 0.6;

    /// <summary>Every reason the policy cannot be used on a base image of the given size, each naming the field.</summary>
    public IReadOnlyList<Error> Validate(int imageWidth, int imageHeight)
    {
        var errors = new List<Error>();
        if (Regions.Count == 0 || Regions.All(r => r.Role != RegionRole.Goods))
        {
            errors.Add(Error.Validation("regions", "at least one goods region is needed"));
        }

        if (Regions.Count > MaxRegions)
        {
            errors.Add(Error.Validation("regions", $"at most {MaxRegions} regions per camera"));
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Regions.Count; i++)
        {
            var region = Regions[i];
            var field = string.Create(CultureInfo.InvariantCulture, $"regions[{i}]");
            if (string.IsNullOrWhiteSpace(region.Name) || region.Name.Length > MaxNameLength)
            {
                errors.Add(Error.Validation(field + ".name", $"must be 1 to {MaxNameLength} characters"));
            }
            else if (!names.Add(region.Name))
            {
                errors.Add(Error.Validation(field + ".name", $"'{region.Name}' is used by another region"));
            }

            if (region.Rect.Width < MinRegionSide || region.Rect.Height < MinRegionSide)
            {
                errors.Add(Error.Validation(field + ".rect", $"{region.Rect} is smaller than {MinRegionSide}×{MinRegionSide} pixels"));
            }
            else if (!region.Rect.FitsIn(imageWidth, imageHeight))
            {
                errors.Add(Error.Validation(field + ".rect", string.Create(CultureInfo.InvariantCulture,
                    $"{region.Rect} lies outside the {imageWidth}×{imageHeight} base image")));
            }

            if (!double.IsFinite(region.Weight) || region.Weight <= 0 || region.Weight > 100)
            {
                errors.Add(Error.Validation(field + ".weight", string.Create(CultureInfo.InvariantCulture,
                    $"must be positive and at most 100, not {region.Weight}")));
            }

            if (!Enum.IsDefined(region.Role))
            {
                errors.Add(Error.Validation(field + ".role", "must be goods or control"));
            }
        }

        AddFractionError(errors, "regionChangeThreshold", RegionChangeThreshold, allowZero: false);
        AddFractionError(errors, "weightedChangeThreshold", WeightedChangeThreshold, allowZero: false);
        AddFractionError(errors, "controlChangeThreshold", ControlChangeThreshold, allowZero: false);
        AddFractionError(errors, "structureWeight", StructureWeight, allowZero: true);
        if (PersistenceCount is < 1 or > 100)
        {
            errors.Add(Error.Validation("persistenceCount", "must be between 1 and 100 snapshots"));
        }

        if (MaxAlignmentShift is < 0 or > 200)
        {
            errors.Add(Error.Validation("maxAlignmentShift", "must be between 0 (off) and 200 pixels"));
        }

        return errors;
    }

    private static void AddFractionError(List<Error> errors, string field, double value, bool allowZero)
    {
        if (!double.IsFinite(value) || value > 1 || value < 0 || (!allowZero && value == 0))
        {
            errors.Add(Error.Validation(field, allowZero ? "must be between 0 and 1" : "must be greater than 0 and at most 1"));
        }
    }
}
