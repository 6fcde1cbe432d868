using PostLoan.Domain.Monitoring.Images;
using PostLoan.Infrastructure.Monitoring.Images;

namespace PostLoan.Integration.Tests.Monitoring.Images;

/// <summary>The persistence rule over a camera's stream of generated snapshots (N = 2, the default).</summary>
public class PersistenceOnSnapshots
{
    private static PersistenceStep[] Stream(params WarehouseShot[] shots)
    {
        var tracker = new PersistenceTracker<string>();
        return shots.Select(shot => tracker.Observe("warehouse-cam", Warehouse.Compare(shot).Verdict, Warehouse.Scene.Policy.PersistenceCount)).ToArray();
    }

    [Fact]
    public void A_person_walking_through_once_does_not_alarm()
    {
        var person = Warehouse.Compare(new WarehouseShot(Frame: 11, PersonAtX: 700));
        Assert.Equal(ComparisonVerdict.Changed, person.Verdict);
        Assert.Equal("bay2-upper", Warehouse.RegionsByChange(person)[0]);

        var steps = Stream(new WarehouseShot(Frame: 10), new WarehouseShot(Frame: 11, PersonAtX: 700), new WarehouseShot(Frame: 12), new WarehouseShot(Frame: 13));

        Assert.All(steps, s => Assert.False(s.Alarming));
        Assert.Equal([0, 1, 0, 0], steps.Select(s => s.State.ConsecutiveChanged));
    }

    [Fact]
    public void Goods_gone_in_two_consecutive_snapshots_raise_the_alarm_on_the_second()
    {
        var steps = Stream(
            new WarehouseShot(Frame: 20),
            new WarehouseShot(Frame: 21, RemovedBays: [4]),
            new WarehouseShot(Frame: 22, RemovedBays: [4], Lighting: new WarehouseLighting(1.2, 1, 0, 0.5)),
            new WarehouseShot(Frame: 23, RemovedBays: [4]));

        Assert.Equal([(false, false), (false, false), (true, true), (true, false)], steps.Select(s => (s.Alarming, s.Raised)));
    }

    [Fact]
    public void A_moved_camera_between_two_changed_snapshots_does_not_clear_the_run()
    {
        var steps = Stream(
            new WarehouseShot(Frame: 30, RemovedBays: [7]),
            new WarehouseShot(Frame: 31, RemovedBays: [7], ShiftX: 40),
            new WarehouseShot(Frame: 32, RemovedBays: [7]));

        Assert.Equal([1, 1, 2], steps.Select(s => s.State.ConsecutiveChanged));
        Assert.True(steps[^1].Raised);
    }
}
