using PostLoan.Domain.Monitoring.Images;

namespace PostLoan.Domain.Tests.Monitoring.Images;

/// <summary>A camera policy is refused, naming the field and the reason, when it cannot be used on its base image.</summary>
public class ComparisonPolicyValidation
{
    private static ComparisonPolicy Policy(params ComparisonRegion[] regions) => new() { Regions = regions };

    private static readonly ComparisonRegion Goods = new("bay1", new PixelRect(100, 100, 400, 300), 1.5);
    private static readonly ComparisonRegion Pillar = new("pillar", new PixelRect(1700, 100, 150, 300), 1, RegionRole.Control);

    [Fact]
    public void A_policy_that_fits_the_image_has_no_errors()
    {
        Assert.Empty(Policy(Goods, Pillar).Validate(1920, 1080));
    }

    [Fact]
    public void A_region_reaching_outside_the_image_is_refused()
    {
        var errors = Policy(Goods, new ComparisonRegion("bay2", new PixelRect(1800, 900, 200, 200))).Validate(1920, 1080);

        var error = Assert.Single(errors);
        Assert.Equal("regions[1].rect", error.Code);
        Assert.Equal("(1800,900) 200×200 lies outside the 1920×1080 base image", error.Message);
    }

    [Fact]
    public void A_region_with_a_negative_origin_is_refused()
    {
        var error = Assert.Single(Policy(new ComparisonRegion("bay1", new PixelRect(-5, 10, 100, 100))).Validate(1920, 1080));

        Assert.Equal("regions[0].rect", error.Code);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(101.0)]
    public void Weights_must_be_positive_and_at_most_100(double weight)
    {
        var error = Assert.Single(Policy(Goods with { Weight = weight }, Pillar).Validate(1920, 1080));

        Assert.Equal("regions[0].weight", error.Code);
        Assert.StartsWith("must be positive and at most 100, not ", error.Message);
    }

    [Fact]
    public void Every_error_is_reported_at_once()
    {
        var policy = Policy(Pillar, Pillar with { Rect = new PixelRect(0, 0, 20, 400) }) with { PersistenceCount = 0, RegionChangeThreshold = 1.5 };

        var codes = policy.Validate(1920, 1080).Select(e => (e.Code, e.Message)).ToArray();

        Assert.Equal(
        [
            ("regions", "at least one goods region is needed"),
            ("regions[1].name", "'pillar' is used by another region"),
            ("regions[1].rect", "(0,0) 20×400 is smaller than 32×32 pixels"),
            ("regionChangeThreshold", "must be greater than 0 and at most 1"),
            ("persistenceCount", "must be between 1 and 100 snapshots"),
        ], codes);
    }

    [Fact]
    public void Thresholds_and_alignment_must_lie_in_their_ranges()
    {
        var policy = Policy(Goods) with { WeightedChangeThreshold = 0, ControlChangeThreshold = -0.1, StructureWeight = 1.1, MaxAlignmentShift = 500 };

        Assert.Equal(["weightedChangeThreshold", "controlChangeThreshold", "structureWeight", "maxAlignmentShift"],
            policy.Validate(1920, 1080).Select(e => e.Code));
    }

    [Fact]
    public void The_defaults_are_the_documented_ones()
    {
        var policy = new ComparisonPolicy();

        Assert.Equal((0.30, 0.10, 0.30, 2, 12, 0.6),
            (policy.RegionChangeThreshold, policy.WeightedChangeThreshold, policy.ControlChangeThreshold, policy.PersistenceCount, policy.MaxAlignmentShift, policy.StructureWeight));
    }
}
