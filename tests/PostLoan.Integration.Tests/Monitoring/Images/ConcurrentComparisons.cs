using PostLoan.Infrastructure.Monitoring.Images;

namespace PostLoan.Integration.Tests.Monitoring.Images;

/// <summary>One prepared base image serves several ingest threads: comparing in parallel gives exactly the sequential
/// results, and comparing again gives them again (the base image is never altered).</summary>
public class ConcurrentComparisons
{
    [Fact]
    public void Parallel_comparisons_equal_the_sequential_ones()
    {
        byte[][] snapshots =
        [
            Warehouse.Scene.Render(new WarehouseShot(Frame: 40, ShiftX: 5, ShiftY: -3)),
            Warehouse.Scene.Render(new WarehouseShot(Frame: 41, RemovedBays: [2])),
            Warehouse.Scene.Render(new WarehouseShot(Frame: 42, PersonAtX: 900)),
            Warehouse.Scene.Render(new WarehouseShot(Frame: 43, Lighting: new WarehouseLighting(0.8, 1.1, 0.3, 0.3))),
        ];
        var sequential = snapshots.Select(Fingerprint).ToArray();

        var parallel = new string[snapshots.Length * 6];
        Parallel.For(0, parallel.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => parallel[i] = Fingerprint(snapshots[i % snapshots.Length]));

        Assert.All(parallel.Select((f, i) => (f, i)), p => Assert.Equal(sequential[p.i % snapshots.Length], p.f));
        Assert.Equal(sequential, snapshots.Select(Fingerprint));
    }

    private static string Fingerprint(byte[] snapshot) => SnapshotComparer.Compare(Warehouse.BaseImage, snapshot, includeEvidence: false).Value!.ToString();
}
