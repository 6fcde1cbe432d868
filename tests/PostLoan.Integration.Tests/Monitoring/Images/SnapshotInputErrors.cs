using PostLoan.Domain.Monitoring.Images;
using PostLoan.Infrastructure.Monitoring.Images;

namespace PostLoan.Integration.Tests.Monitoring.Images;

/// <summary>Unreadable images, a snapshot of another size and a policy that does not fit the base image are refused
/// with the field and the reason.</summary>
public class SnapshotInputErrors
{
    [Fact]
    public void Bytes_that_are_no_image_are_refused()
    {
        var result = SnapshotComparer.Compare(Warehouse.BaseImage, "not a jpeg"u8.ToArray());

        Assert.Equal(("snapshot", "is not a readable JPEG or PNG image"), (result.Error!.Code, result.Error.Message));
    }

    [Fact]
    public void A_snapshot_of_another_size_is_refused()
    {
        using var small = new OpenCvSharp.Mat(480, 640, OpenCvSharp.MatType.CV_8UC3, OpenCvSharp.Scalar.All(90));

        var result = SnapshotComparer.Compare(Warehouse.BaseImage, small.ImEncode(".jpg"));

        Assert.Equal(("snapshot", "is 640×480 but the base image is 1920×1080"), (result.Error!.Code, result.Error.Message));
    }

    [Fact]
    public void A_policy_with_a_region_outside_the_base_image_is_refused()
    {
        var policy = new ComparisonPolicy { Regions = [new ComparisonRegion("dock", new PixelRect(1800, 1000, 200, 100))] };

        var result = BaseImage.Load(Warehouse.Scene.Render(new WarehouseShot()), policy);

        Assert.Equal(("regions[0].rect", "(1800,1000) 200×100 lies outside the 1920×1080 base image"), (result.Error!.Code, result.Error.Message));
    }

    [Fact]
    public void A_policy_with_a_weight_that_is_not_positive_is_refused()
    {
        var policy = Warehouse.Scene.Policy with { Regions = [.. Warehouse.Scene.Regions.Select((r, i) => i == 2 ? r with { Weight = 0 } : r)] };

        var result = SnapshotComparer.Compare(Warehouse.Scene.Render(new WarehouseShot()), Warehouse.Scene.Render(new WarehouseShot(Frame: 1)), policy);

        Assert.Equal(("regions[2].weight", "must be positive and at most 100, not 0"), (result.Error!.Code, result.Error.Message));
    }

    [Fact]
    public void A_base_image_that_is_no_image_is_refused()
    {
        var result = BaseImage.Load([], Warehouse.Scene.Policy);

        Assert.Equal("baseImage", result.Error!.Code);
    }
}
