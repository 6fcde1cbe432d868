using PostLoan.Domain.Monitoring.Alarms;
using PostLoan.Domain.Monitoring.Images;

namespace PostLoan.Domain.Tests.Monitoring.Images;

/// <summary>A stored camera policy needs a control region, and storing a new policy starts a new persistence run.</summary>
public class CameraPolicyStorage
{
    private static readonly ComparisonRegion Goods = new("1号货架上层", new PixelRect(100, 100, 400, 300), 1.5);
    private static readonly ComparisonRegion Pillar = new("立柱标牌", new PixelRect(1700, 100, 150, 300), 1, RegionRole.Control);

    [Fact]
    public void A_policy_without_a_control_region_is_refused()
    {
        var error = Assert.Single(CameraPolicyRules.Validate(new ComparisonPolicy { Regions = [Goods] }, AlarmSeverity.Orange, 1920, 1080));
        Assert.Equal("regions", error.Code);
        Assert.Equal("at least one control region is needed (a fixed, textured part of the scene such as a pillar or a sign)", error.Message);
        Assert.Empty(CameraPolicyRules.Validate(new ComparisonPolicy { Regions = [Goods, Pillar] }, AlarmSeverity.Red, 1920, 1080));
    }

    [Fact]
    public void An_unknown_severity_is_refused()
    {
        var error = Assert.Single(CameraPolicyRules.Validate(new ComparisonPolicy { Regions = [Goods, Pillar] }, (AlarmSeverity)7, 1920, 1080));
        Assert.Equal("severity", error.Code);
    }

    [Fact]
    public void A_new_policy_resets_the_run_and_bumps_the_version()
    {
        var policy = new CameraPolicy { ConsecutiveChanged = 3, ConsecutiveInconclusive = 2, Version = 4 };
        policy.Apply(new ComparisonPolicy { Regions = [Goods, Pillar], PersistenceCount = 5, RegionChangeThreshold = 0.4 }, AlarmSeverity.Red);

        Assert.Equal(new PersistenceState(0, 0), policy.State);
        Assert.Equal(5, policy.Version);
        Assert.Equal(AlarmSeverity.Red, policy.Severity);
        var comparison = policy.ToComparisonPolicy();
        Assert.Equal([Goods, Pillar], comparison.Regions);
        Assert.Equal((5, 0.4, 0.10), (comparison.PersistenceCount, comparison.RegionChangeThreshold, comparison.WeightedChangeThreshold));
    }
}
