using PostLoan.Domain.Monitoring.Images;
using PostLoan.Infrastructure.Monitoring.Images;

namespace PostLoan.Integration.Tests.Monitoring.Images;

/// <summary>A small shake is compensated; a camera moved further changes the control regions: inconclusive, no alarm.</summary>
public class CameraMovement
{
    [Fact]
    public void A_shake_of_a_few_pixels_is_compensated()
    {
        // The scene appears 4 pixels to the left and 3 down: content moved by (−4, +3).
        var comparison = Warehouse.Compare(new WarehouseShot(Frame: 7, ShiftX: 4, ShiftY: -3));

        Assert.Equal(ComparisonVerdict.Unchanged, comparison.Verdict);
        Assert.Equal((-4, 3), (comparison.AppliedShiftX, comparison.AppliedShiftY));
        Assert.Equal(-4, comparison.MeasuredShiftX, 0.5);
        Assert.Equal(3, comparison.MeasuredShiftY, 0.5);
    }

    [Fact]
    public void A_moved_camera_is_inconclusive_and_does_not_alarm()
    {
        var comparison = Warehouse.Compare(new WarehouseShot(Frame: 8, ShiftX: 40, ShiftY: 10));

        Assert.Equal(ComparisonVerdict.Inconclusive, comparison.Verdict);
        Assert.Equal((0, 0), (comparison.AppliedShiftX, comparison.AppliedShiftY));
        Assert.Equal(-40, comparison.MeasuredShiftX, 0.5);
        Assert.Equal(-10, comparison.MeasuredShiftY, 0.5);
        Assert.Equal(["pillar-sign", "floor-marking"], comparison.Regions.Where(r => r.Role == RegionRole.Control && r.Changed).Select(r => r.Name));
        Assert.Empty(comparison.Evidence);

        var tracker = new PersistenceTracker<string>();
        var steps = Enumerable.Range(0, 3).Select(_ => tracker.Observe("cam-1", comparison.Verdict, Warehouse.Scene.Policy.PersistenceCount)).ToArray();
        Assert.All(steps, s => Assert.False(s.Alarming));
        Assert.Equal(new PersistenceState(0, 3), steps[^1].State);
    }

    [Fact]
    public void Without_alignment_the_same_shake_moves_every_region()
    {
        var policy = Warehouse.Scene.Policy with { MaxAlignmentShift = 0 };
        var result = SnapshotComparer.Compare(Warehouse.Scene.Render(new WarehouseShot()), Warehouse.Scene.Render(new WarehouseShot(Frame: 7, ShiftX: 8)), policy);

        Assert.Equal(ComparisonVerdict.Inconclusive, result.Value!.Verdict);
        Assert.Equal((0, 0, 0, 0), (result.Value.MeasuredShiftX, result.Value.MeasuredShiftY, result.Value.AppliedShiftX, result.Value.AppliedShiftY));
    }
}
