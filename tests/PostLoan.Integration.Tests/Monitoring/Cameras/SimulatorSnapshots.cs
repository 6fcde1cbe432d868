using PostLoan.Domain.Monitoring.Images;
using PostLoan.Infrastructure.Monitoring.Images;
using PostLoan.Infrastructure.Monitoring.Simulation;

namespace PostLoan.Integration.Tests.Monitoring.Cameras;

/// <summary>
/// The device simulator's 1280×720 warehouse snapshots against a policy drawn as docs/warehouse-images.md advises: one
/// goods region per row of box places, a control region on the empty places of the bottom row, region threshold 0.20. Frames with new sensor
/// noise stay unchanged; the scripted goods leaving (20 boxes down to 9) is a change of two rows of three.
/// </summary>
public sealed class SimulatorSnapshots
{
    // The simulator's boxes are plain (no tape, labels or barcodes): an emptied row scores 0.26–0.28, an unchanged one
    // about 0.02, so the region threshold is lowered to 0.20.
    private static readonly ComparisonPolicy Policy = new()
    {
        RegionChangeThreshold = 0.20,
        Regions =
        [
            new ComparisonRegion("row1", new PixelRect(36, 140, 1188, 132)),
            new ComparisonRegion("row2", new PixelRect(36, 284, 1188, 132)),
            new ComparisonRegion("row3", new PixelRect(36, 428, 588, 132)),
            new ComparisonRegion("empty-places", new PixelRect(636, 428, 588, 132), 1, RegionRole.Control),
        ],
    };

    [Fact]
    public void New_frames_stay_unchanged_and_goods_leaving_is_a_change()
    {
        var baseImage = WarehouseImage.Jpeg(seed: 3, boxes: 20, noiseSeed: 0);
        for (var frame = 1; frame <= 3; frame++)
        {
            var quiet = SnapshotComparer.Compare(baseImage, WarehouseImage.Jpeg(seed: 3, boxes: 20, noiseSeed: frame), Policy).Value!;
            Assert.Equal(ComparisonVerdict.Unchanged, quiet.Verdict);
        }

        var leaving = SnapshotComparer.Compare(baseImage, WarehouseImage.Jpeg(seed: 3, boxes: 9, noiseSeed: 4), Policy).Value!;
        Assert.Equal(ComparisonVerdict.Changed, leaving.Verdict);
        Assert.Equal(["row2", "row3"], leaving.Regions.Where(r => r.Changed).Select(r => r.Name));
        Assert.Equal(2 / 3.0, leaving.WeightedChange, 6);
    }
}
