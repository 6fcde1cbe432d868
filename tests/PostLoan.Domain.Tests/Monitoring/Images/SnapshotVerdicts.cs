using PostLoan.Domain.Monitoring.Images;

namespace PostLoan.Domain.Tests.Monitoring.Images;

/// <summary>Per-region change scores become a verdict: weighted share of changed goods, control regions first.</summary>
public class SnapshotVerdicts
{
    private static readonly ComparisonPolicy Policy = new();

    private static RegionScore Goods(string name, double weight, double change) =>
        new(name, RegionRole.Goods, weight, 0, 0, 0, change, VerdictRules.IsChanged(Policy, RegionRole.Goods, change));

    private static RegionScore Control(double change) =>
        new("pillar", RegionRole.Control, 1, 0, 0, 0, change, VerdictRules.IsChanged(Policy, RegionRole.Control, change));

    [Fact]
    public void The_change_score_combines_one_minus_ssim_and_the_relative_edge_difference()
    {
        // 0.6 · (1 − 0.4) + 0.4 · |0.05 − 0.20| / 0.20 = 0.36 + 0.30
        Assert.Equal(0.66, VerdictRules.ChangeScore(Policy, 0.4, 0.20, 0.05), 12);
        // SSIM below zero counts as 1; no edges on either side count as no edge change.
        Assert.Equal(0.6, VerdictRules.ChangeScore(Policy, -0.2, 0, 0), 12);
        // Edge densities under 1% are compared against 1%: 0.4 · (0.004 / 0.01)
        Assert.Equal(0.16, VerdictRules.ChangeScore(Policy, 1, 0.002, 0.006), 12);
        Assert.Equal(0.5, VerdictRules.ChangeScore(Policy with { StructureWeight = 1 }, 0.5, 0.1, 0.3), 12);
    }

    [Fact]
    public void The_weighted_change_is_the_weighted_share_of_goods_regions_that_changed()
    {
        // Weights 1, 1.5, 2.5 (total 5); the 1.5 region changed: 1.5 / 5 = 0.3.
        var decision = VerdictRules.Decide(Policy, [Goods("near", 1, 0.05), Goods("middle", 1.5, 0.72), Goods("far", 2.5, 0.29), Control(0.02)]);

        Assert.Equal(ComparisonVerdict.Changed, decision.Verdict);
        Assert.Equal(0.3, decision.WeightedChange, 12);
        Assert.Equal(0.02, decision.ControlChange, 12);
    }

    [Fact]
    public void A_region_exactly_at_the_threshold_counts_as_changed()
    {
        var decision = VerdictRules.Decide(Policy, [Goods("a", 1, 0.30), Goods("b", 9, 0)]);

        Assert.Equal(ComparisonVerdict.Changed, decision.Verdict);
        Assert.Equal(0.1, decision.WeightedChange, 12);
    }

    [Fact]
    public void A_change_below_the_weighted_threshold_is_unchanged()
    {
        // One light region of eleven: 1 / 11 = 0.0909 < 0.10.
        var regions = Enumerable.Range(0, 10).Select(i => Goods($"g{i}", 1, 0)).Append(Goods("light", 1, 0.9)).ToArray();

        var decision = VerdictRules.Decide(Policy, regions);

        Assert.Equal(ComparisonVerdict.Unchanged, decision.Verdict);
        Assert.Equal(1 / 11.0, decision.WeightedChange, 12);
    }

    [Fact]
    public void A_changed_control_region_makes_the_snapshot_inconclusive_even_when_goods_changed()
    {
        var decision = VerdictRules.Decide(Policy, [Goods("a", 1, 0.8), Goods("b", 1, 0.7), Control(0.45)]);

        Assert.Equal(ComparisonVerdict.Inconclusive, decision.Verdict);
        Assert.Equal(1.0, decision.WeightedChange, 12);
        Assert.Equal(0.45, decision.ControlChange, 12);
    }

    [Fact]
    public void Nothing_changed_is_unchanged()
    {
        var decision = VerdictRules.Decide(Policy, [Goods("a", 1, 0.01), Control(0.29)]);

        Assert.Equal(new VerdictDecision(ComparisonVerdict.Unchanged, 0, 0.29), decision);
    }
}
