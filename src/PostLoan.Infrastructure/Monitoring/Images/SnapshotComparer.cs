using System.Globalization;
using OpenCvSharp;
using PostLoan.Domain.Common;
using PostLoan.Domain.Monitoring.Images;

namespace PostLoan.Infrastructure.Monitoring.Images;

/// <summary>The base and current crops of a goods region that changed, as JPEG bytes: the alarm's evidence.</summary>
/// <param name="Region">The region's name.</param>
/// <param name="BaseRect">Where the crop was taken on the base image.</param>
/// <param name="CurrentRect">Where it was taken on the snapshot (the base rectangle moved by the compensated shift).</param>
/// <param name="BaseJpeg">The base image's crop.</param>
/// <param name="CurrentJpeg">The snapshot's crop.</param>
public sealed record RegionEvidence(string Region, PixelRect BaseRect, PixelRect CurrentRect, byte[] BaseJpeg, byte[] CurrentJpeg);

/// <summary>The comparison of one snapshot (现图) with the base image (底图).</summary>
/// <param name="Verdict">Unchanged, changed or inconclusive.</param>
/// <param name="WeightedChange">Weighted share of the goods regions that changed, 0 to 1.</param>
/// <param name="ControlChange">The highest change score of a control region.</param>
/// <param name="MeasuredShiftX">Horizontal camera shift measured by phase correlation, pixels (0 when alignment is off).</param>
/// <param name="MeasuredShiftY">Vertical camera shift measured, pixels.</param>
/// <param name="AppliedShiftX">The horizontal shift compensated (0 when larger than the policy allows).</param>
/// <param name="AppliedShiftY">The vertical shift compensated.</param>
/// <param name="Regions">Per-region scores, in the policy's order.</param>
/// <param name="Evidence">Crops of the changed goods regions when the verdict is <see cref="ComparisonVerdict.Changed"/>.</param>
public sealed record SnapshotComparison(
    ComparisonVerdict Verdict,
    double WeightedChange,
    double ControlChange,
    double MeasuredShiftX,
    double MeasuredShiftY,
    int AppliedShiftX,
    int AppliedShiftY,
    IReadOnlyList<RegionScore> Regions,
    IReadOnlyList<RegionEvidence> Evidence)
{
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Verdict} weighted {WeightedChange:0.000} control {ControlChange:0.000} shift ({MeasuredShiftX:0.0},{MeasuredShiftY:0.0}) ") +
        string.Join(' ', Regions.Select(r => string.Create(CultureInfo.InvariantCulture,
            $"{r.Name}={r.Change:0.000}[ssim {r.Ssim:0.000} edges {r.EdgeDensityBase:0.000}→{r.EdgeDensityCurrent:0.000}]")));
}

/// <summary>
/// Compares warehouse snapshots with the camera's base image region by region (质押物监控): grayscale, half
/// resolution, each region normalised to a fixed mean and contrast, SSIM and Canny edge density per region combined
/// into a change score, an optional compensation of small camera shifts by phase correlation, then the verdict of
/// <see cref="VerdictRules"/>. The persistence rule is applied afterwards by <see cref="PersistenceTracker{TCamera}"/>.
/// Thread-safe; docs/warehouse-images.md describes the method.
/// </summary>
public static class SnapshotComparer
{
    /// <summary>Compares a snapshot with a prepared base image.</summary>
    /// <param name="baseImage">The camera's base image, prepared for its policy.</param>
    /// <param name="snapshot">The snapshot as JPEG (or PNG) bytes, the same size as the base image.</param>
    /// <param name="includeEvidence">Whether to crop evidence when the verdict is changed.</param>
    public static Result<SnapshotComparison> Compare(BaseImage baseImage, byte[] snapshot, bool includeEvidence = true)
    {
        ArgumentNullException.ThrowIfNull(baseImage);
        ArgumentNullException.ThrowIfNull(snapshot);
        using var gray = ImageCodec.DecodeGray(snapshot);
        if (gray is null)
        {
            return Error.Validation("snapshot", "is not a readable JPEG or PNG image");
        }

        if (gray.Width != baseImage.Width || gray.Height != baseImage.Height)
        {
            return Error.Validation("snapshot", string.Create(CultureInfo.InvariantCulture,
                $"is {gray.Width}×{gray.Height} but the base image is {baseImage.Width}×{baseImage.Height}"));
        }

        var policy = baseImage.Policy;
        double shiftX = 0, shiftY = 0;
        int dx = 0, dy = 0;
        if (policy.MaxAlignmentShift > 0)
        {
            (shiftX, shiftY) = RegionMeasures.Shift(baseImage.Alignment, baseImage.AlignmentWindow, gray);
            if (Math.Abs(shiftX) <= policy.MaxAlignmentShift && Math.Abs(shiftY) <= policy.MaxAlignmentShift)
            {
                (dx, dy) = ((int)Math.Round(shiftX), (int)Math.Round(shiftY));
            }
        }

        var scores = new RegionScore[baseImage.Regions.Length];
        for (var i = 0; i < scores.Length; i++)
        {
            var prepared = baseImage.Regions[i];
            var region = prepared.Region;
            using var current = RegionMeasures.Normalise(gray, RegionMeasures.Shifted(region.Rect, dx, dy, gray.Width, gray.Height), out var edgeDensity);
            var ssim = RegionMeasures.Ssim(prepared, current);
            var change = VerdictRules.ChangeScore(policy, ssim, prepared.EdgeDensity, edgeDensity);
            scores[i] = new RegionScore(region.Name, region.Role, region.Weight, ssim, prepared.EdgeDensity, edgeDensity, change,
                VerdictRules.IsChanged(policy, region.Role, change));
        }

        var decision = VerdictRules.Decide(policy, scores);
        var evidence = includeEvidence && decision.Verdict == ComparisonVerdict.Changed
            ? CropEvidence(baseImage, snapshot, scores, dx, dy)
            : [];
        return new SnapshotComparison(decision.Verdict, decision.WeightedChange, decision.ControlChange, shiftX, shiftY, dx, dy, scores, evidence);
    }

    /// <summary>Compares a snapshot with a base image under a policy (prepares the base image for this one call; keep a
    /// <see cref="BaseImage"/> per camera when comparing many snapshots).</summary>
    public static Result<SnapshotComparison> Compare(byte[] baseImage, byte[] snapshot, ComparisonPolicy policy, bool includeEvidence = true)
    {
        var prepared = BaseImage.Load(baseImage, policy);
        if (!prepared.IsSuccess)
        {
            return prepared.Error!;
        }

        using var loaded = prepared.Value!;
        return Compare(loaded, snapshot, includeEvidence);
    }

    private static RegionEvidence[] CropEvidence(BaseImage baseImage, byte[] snapshot, RegionScore[] scores, int dx, int dy)
    {
        using var baseColour = baseImage.DecodeColour();
        using var currentColour = Cv2.ImDecode(snapshot, ImreadModes.Color);
        var evidence = new List<RegionEvidence>();
        for (var i = 0; i < scores.Length; i++)
        {
            if (scores[i].Role != RegionRole.Goods || !scores[i].Changed)
            {
                continue;
            }

            var rect = baseImage.Regions[i].Region.Rect;
            var moved = RegionMeasures.Shifted(rect, dx, dy, currentColour.Width, currentColour.Height);
            using var baseCrop = new Mat(baseColour, RegionMeasures.ToRect(rect));
            using var currentCrop = new Mat(currentColour, moved);
            evidence.Add(new RegionEvidence(scores[i].Name, rect, new PixelRect(moved.X, moved.Y, moved.Width, moved.Height),
                ImageCodec.EncodeJpeg(baseCrop), ImageCodec.EncodeJpeg(currentCrop)));
        }

        return [.. evidence];
    }
}
