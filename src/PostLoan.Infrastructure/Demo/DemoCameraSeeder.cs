using System.Globalization;
using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Monitoring;
using PostLoan.Domain.Monitoring.Alarms;
using PostLoan.Domain.Monitoring.Images;
using PostLoan.Infrastructure.Monitoring.Cameras;
using PostLoan.Infrastructure.Monitoring.Images;
using PostLoan.Infrastructure.Monitoring.Ingest;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Infrastructure.Demo;

/// <summary>
/// Sets up the demo bank's warehouse cameras (质押物监控): each gets a synthetic warehouse as its approved base image,
/// the eight goods bays and two control regions (立柱标牌, 地面标线) with distance weights, and five snapshots of the last
/// hour through the snapshot store, which the comparison worker compares as it compares any stored snapshot (at the
/// start of <c>serve</c>, so seeding stays quick). The third site's goods leave (two bays emptied in the
/// last three snapshots: a GoodsChange alarm), the others see lighting changes and a person walking through (quiet), and
/// the fourth camera is knocked in its last snapshot (inconclusive). Deterministic and run once.
/// </summary>
public sealed class DemoCameraSeeder(PostLoanDbContext db, CameraPolicyService policies, SnapshotStore snapshots, DeviceDirectory directory, TimeProvider clock)
{
    /// <summary>Sets up the cameras; returns the number of snapshots stored (0 when done before).</summary>
    public async Task<int> SeedAsync(CancellationToken cancellationToken = default)
    {
        if (await db.CameraPolicies.IgnoreQueryFilters().AnyAsync(cancellationToken))
        {
            return 0;
        }

        var cameras = await db.Devices.IgnoreQueryFilters().Where(d => d.Kind == DeviceKind.WarehouseCamera && d.Code.StartsWith("DEMO"))
            .OrderBy(d => d.Code).Select(d => new { d.Id, d.Code }).ToListAsync(cancellationToken);
        var stored = 0;
        var end = DateTimeOffset.FromUnixTimeSeconds(clock.GetUtcNow().ToUnixTimeSeconds() / 600 * 600);
        for (var k = 0; k < cameras.Count; k++)
        {
            var scene = new SyntheticWarehouse(seed: 11 + k);
            var approved = await policies.UploadBaseImageAsync(cameras[k].Id, scene.Render(new WarehouseShot()), cancellationToken);
            Check(approved.Error);
            var policy = scene.Policy with { Regions = [.. scene.Regions.Select(r => r with { Name = ChineseName(r.Name) })] };
            Check((await policies.SavePolicyAsync(cameras[k].Id, policy, k == 2 ? AlarmSeverity.Red : AlarmSeverity.Orange, cancellationToken)).Error);

            var device = (await directory.FindAsync(cameras[k].Code, cancellationToken))!;
            var shots = Shots(k);
            var images = new byte[shots.Length][];
            Parallel.For(0, shots.Length, i => images[i] = scene.Render(shots[i]));
            for (var i = 0; i < shots.Length; i++)
            {
                var takenAt = end - TimeSpan.FromMinutes(10 * (shots.Length - i));
                Check((await snapshots.SaveAsync(device, images[i], takenAt, cancellationToken)).Error);
                stored++;
            }
        }

        return stored;
    }

    /// <summary>The last hour of a camera: the third site's goods leave; the fourth camera is knocked at the end.</summary>
    private static WarehouseShot[] Shots(int camera) => camera switch
    {
        2 =>
        [
            new(Frame: 1), new(Frame: 2, Lighting: new WarehouseLighting(Gain: 1.2)), new(Frame: 3, RemovedBays: [2, 3]),
            new(Frame: 4, RemovedBays: [2, 3]), new(Frame: 5, RemovedBays: [2, 3]),
        ],
        3 =>
        [
            new(Frame: 1), new(Frame: 2, Lighting: new WarehouseLighting(Gain: 0.7, Gamma: 1.2)), new(Frame: 3),
            new(Frame: 4, PersonAtX: 700), new(Frame: 5, ShiftX: 40, ShiftY: 10),
        ],
        _ =>
        [
            new(Frame: 1), new(Frame: 2, Lighting: new WarehouseLighting(Gamma: 0.8, LampStrength: 0.6, LampX: 0.2)), new(Frame: 3, PersonAtX: 900),
            new(Frame: 4), new(Frame: 5, Lighting: new WarehouseLighting(Gain: 1.3)),
        ],
    };

    /// <summary>bay2-lower → 2号货架下层; the control regions by what they are.</summary>
    private static string ChineseName(string name) => name switch
    {
        "pillar-sign" => "立柱标牌",
        "floor-marking" => "地面标线",
        _ => string.Create(CultureInfo.InvariantCulture, $"{name[3]}号货架{(name.EndsWith("upper", StringComparison.Ordinal) ? "上层" : "下层")}"),
    };

    private static void Check(Domain.Common.Error? error)
    {
        if (error is not null)
        {
            throw new InvalidOperationException("demo camera: " + error.Message);
        }
    }
}
