namespace PostLoan.Domain.Monitoring.Images;

/// <summary>What one snapshot (现图) says about the goods compared with the base image (底图).</summary>
public enum ComparisonVerdict
{
    /// <summary>The goods look as on the base image.</summary>
    Unchanged,

    /// <summary>The weighted change of the goods regions reached the policy's threshold.</summary>
    Changed,

    /// <summary>A control region changed too (camera moved, lighting event, something in front of the lens): the
    /// snapshot says nothing about the goods and raises no alarm.</summary>
    Inconclusive,
}

/// <summary>How one region compares: the two measures and the change score combined from them.</summary>
/// <param name="Name">The region's name in the policy.</param>
/// <param name="Role">Goods or control.</param>
/// <param name="Weight">The region's distance weight.</param>
/// <param name="Ssim">Mean structural similarity of the normalised regions (1 = identical).</param>
/// <param name="EdgeDensityBase">Share of edge pixels in the base region.</param>
/// <param name="EdgeDensityCurrent">Share of edge pixels in the current region.</param>
/// <param name="Change">The combined change score, 0 (identical) to 1.</param>
/// <param name="Changed">Whether <paramref name="Change"/> reached the threshold for the region's role.</param>
public sealed record RegionScore(
    string Name, RegionRole Role, double Weight, double Ssim, double EdgeDensityBase, double EdgeDensityCurrent, double Change, bool Changed);

/// <summary>The verdict on one snapshot and the weighted change that decided it.</summary>
/// <param name="Verdict">Unchanged, changed or inconclusive.</param>
/// <param name="WeightedChange">Weighted share of goods regions that changed, 0 to 1.</param>
/// <param name="ControlChange">The highest change score among control regions (0 without control regions).</param>
public readonly record struct VerdictDecision(ComparisonVerdict Verdict, double WeightedChange, double ControlChange);

/// <summary>The named rules that turn per-region change scores into a verdict (pure; the image measures are computed
/// in the infrastructure).</summary>
public static class VerdictRules
{
    /// <summary>A region counts as changed when its score reaches the threshold of its role.</summary>
    public static bool IsChanged(ComparisonPolicy policy, RegionRole role, double change) =>
        change >= (role == RegionRole.Control ? policy.ControlChangeThreshold : policy.RegionChangeThreshold);

    /// <summary>
    /// Combines the structural and the edge measure of a region: <c>w·(1 − SSIM) + (1 − w)·|e₁ − e₀| / max(e₀, e₁, 0.01)</c>,
    /// clamped to [0, 1], where w is the policy's structure weight and e the edge densities.
    /// </summary>
    public static double ChangeScore(ComparisonPolicy policy, double ssim, double edgeDensityBase, double edgeDensityCurrent)
    {
        var structural = Math.Clamp(1 - ssim, 0, 1);
        var edges = Math.Abs(edgeDensityCurrent - edgeDensityBase) / Math.Max(0.01, Math.Max(edgeDensityBase, edgeDensityCurrent));
        return Math.Clamp(policy.StructureWeight * structural + (1 - policy.StructureWeight) * edges, 0, 1);
    }

    /// <summary>
    /// The verdict: inconclusive when any control region changed; otherwise changed when the weighted share of goods
    /// regions that changed (Σ weight of changed goods regions / Σ weight of all goods regions) reaches the policy's
    /// weighted-change threshold.
    /// </summary>
    public static VerdictDecision Decide(ComparisonPolicy policy, IReadOnlyList<RegionScore> scores)
    {
        double changedWeight = 0, totalWeight = 0, control = 0;
        var controlChanged = false;
        foreach (var score in scores)
        {
            if (score.Role == RegionRole.Control)
            {
                control = Math.Max(control, score.Change);
                controlChanged |= IsChanged(policy, RegionRole.Control, score.Change);
                continue;
            }

            totalWeight += score.Weight;
            if (IsChanged(policy, RegionRole.Goods, score.Change))
            {
                changedWeight += score.Weight;
            }
        }

        var weighted = totalWeight > 0 ? changedWeight / totalWeight : 0;
        var verdict = controlChanged ? ComparisonVerdict.Inconclusive
            : weighted > 0 && weighted >= policy.WeightedChangeThreshold ? ComparisonVerdict.Changed
            : ComparisonVerdict.Unchanged;
        return new VerdictDecision(verdict, weighted, control);
    }
}
