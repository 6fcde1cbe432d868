using OpenCvSharp;
using PostLoan.Domain.Monitoring.Images;
using PostLoan.Infrastructure.Monitoring.Images;

namespace PostLoan.Integration.Tests.Monitoring.Images;

/// <summary>Boxes taken away from a bay change the snapshot, the emptied regions score highest, and the evidence holds
/// their base and current crops.</summary>
public class RemovedGoodsAreDetected
{
    [Fact]
    public void One_emptied_bay_changes_the_snapshot_by_its_weight_share()
    {
        var comparison = Warehouse.Compare(new WarehouseShot(Frame: 2, RemovedBays: [3]));

        Assert.Equal(ComparisonVerdict.Changed, comparison.Verdict);
        Assert.Equal(["bay2-lower"], Warehouse.ChangedRegions(comparison));
        Assert.Equal("bay2-lower", Warehouse.RegionsByChange(comparison)[0]);
        Assert.Equal(1.13 / Warehouse.TotalGoodsWeight, comparison.WeightedChange, 12);
        Assert.True(comparison.Regions.Single(r => r.Name == "bay2-lower").Change > 0.6, comparison.ToString());
        Assert.True(comparison.Regions.Where(r => r.Name != "bay2-lower").All(r => r.Change < 0.05), comparison.ToString());
    }

    [Fact]
    public void Two_emptied_bays_are_the_two_highest_scores()
    {
        var comparison = Warehouse.Compare(new WarehouseShot(Frame: 3, RemovedBays: [0, 6]));

        Assert.Equal(ComparisonVerdict.Changed, comparison.Verdict);
        Assert.Equal(["bay1-upper", "bay4-upper"], Warehouse.RegionsByChange(comparison)[..2].Order());
        Assert.Equal(["bay1-upper", "bay4-upper"], Warehouse.ChangedRegions(comparison));
        Assert.Equal((1.0 + 1.43) / Warehouse.TotalGoodsWeight, comparison.WeightedChange, 12);
    }

    [Fact]
    public void Goods_taken_away_under_a_different_light_are_still_detected()
    {
        var comparison = Warehouse.Compare(new WarehouseShot(Frame: 4, RemovedBays: [5], Lighting: new WarehouseLighting(0.75, 1.2, 0.4, 0.8)));

        Assert.Equal(ComparisonVerdict.Changed, comparison.Verdict);
        Assert.Equal(["bay3-lower"], Warehouse.ChangedRegions(comparison));
        Assert.Equal(1.26 / Warehouse.TotalGoodsWeight, comparison.WeightedChange, 12);
    }

    [Fact]
    public void The_evidence_is_the_base_and_current_crop_of_each_changed_region()
    {
        var comparison = Warehouse.Compare(new WarehouseShot(Frame: 2, RemovedBays: [3]));

        var evidence = Assert.Single(comparison.Evidence);
        Assert.Equal("bay2-lower", evidence.Region);
        // Bay 2 starts after the first upright (60 + 24), bay 1 (430) and the second upright (24), inset 4 pixels;
        // the lower level lies between the middle beam (610 + 26) and the floor beam (975), inset 4 pixels.
        Assert.Equal(new PixelRect(542, 640, 372, 331), evidence.BaseRect);
        Assert.Equal(evidence.BaseRect, evidence.CurrentRect);
        using var baseCrop = Cv2.ImDecode(evidence.BaseJpeg, ImreadModes.Color);
        using var currentCrop = Cv2.ImDecode(evidence.CurrentJpeg, ImreadModes.Color);
        Assert.Equal((372, 331), (baseCrop.Width, baseCrop.Height));
        Assert.Equal((372, 331), (currentCrop.Width, currentCrop.Height));
        // The boxes are cardboard-brown (red above blue); the empty bay shows the grey mesh behind them.
        Assert.True(baseCrop.Mean().Val2 - baseCrop.Mean().Val0 > 40, "base crop holds boxes");
        Assert.True(Math.Abs(currentCrop.Mean().Val2 - currentCrop.Mean().Val0) < 15, "current crop is the empty bay");
    }

    [Fact]
    public void Without_evidence_requested_none_is_cut()
    {
        var result = SnapshotComparer.Compare(Warehouse.BaseImage, Warehouse.Scene.Render(new WarehouseShot(Frame: 2, RemovedBays: [3])), includeEvidence: false);

        Assert.Equal(ComparisonVerdict.Changed, result.Value!.Verdict);
        Assert.Empty(result.Value.Evidence);
    }
}
