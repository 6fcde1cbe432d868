using OpenCvSharp;
using PostLoan.Infrastructure.Monitoring.Images;

namespace PostLoan.Integration.Tests.Monitoring.Images;

/// <summary>The generated snapshots are 1920×1080 JPEGs, the same bytes for the same seed and shot.</summary>
public class SyntheticWarehouseImages
{
    [Fact]
    public void The_same_seed_and_shot_give_the_same_bytes()
    {
        var shot = new WarehouseShot(Frame: 3, RemovedBays: [1], PersonAtX: 500);

        Assert.Equal(new SyntheticWarehouse(11).Render(shot), new SyntheticWarehouse(11).Render(shot));
    }

    [Fact]
    public void Frames_differ_by_their_noise_and_seeds_by_their_goods()
    {
        var warehouse = new SyntheticWarehouse(11);
        using var frame1 = warehouse.RenderImage(new WarehouseShot(Frame: 1));
        using var frame2 = warehouse.RenderImage(new WarehouseShot(Frame: 2));
        using var otherSeed = new SyntheticWarehouse(12).RenderImage(new WarehouseShot(Frame: 1));

        Assert.Equal((1920, 1080, MatType.CV_8UC3), (frame1.Width, frame1.Height, frame1.Type()));
        var noise = Cv2.Norm(frame1, frame2, NormTypes.L1) / (1920.0 * 1080 * 3);
        var layout = Cv2.Norm(frame1, otherSeed, NormTypes.L1) / (1920.0 * 1080 * 3);
        Assert.InRange(noise, 1, 4); // sensor noise of σ = 3 on each pixel: mean |difference| ≈ 3.4
        Assert.True(layout > 3 * noise, $"layout {layout} noise {noise}");
    }

    [Fact]
    public void Its_policy_has_eight_goods_regions_weighted_by_distance_and_two_control_regions()
    {
        var policy = new SyntheticWarehouse(11).Policy;

        Assert.Empty(policy.Validate(1920, 1080));
        Assert.Equal([1.0, 1.0, 1.13, 1.13, 1.26, 1.26, 1.43, 1.43, 1.0, 1.0], policy.Regions.Select(r => r.Weight));
        Assert.Equal(8, policy.Regions.Count(r => r.Role == Domain.Monitoring.Images.RegionRole.Goods));
    }
}
