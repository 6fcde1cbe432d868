using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using PostLoan.Domain.Monitoring.Images;
using PostLoan.Infrastructure.Monitoring.Images;

namespace PostLoan.Cli;

/// <summary>
/// <c>./postloan bench images [--images N]</c>: compares N synthetic 1920×1080 warehouse snapshots with their base
/// image on every core and prints images per second, ending with <c>{"imagesPerSecond":..}</c>. Each comparison
/// decodes the snapshot's JPEG bytes (from memory), measures the camera shift, scores the eight goods and two control
/// regions and decides the verdict; a changed snapshot also gets its evidence crops cut and encoded. The base image is
/// prepared once, as the ingest keeps it per camera. <see cref="MeasureAsync"/> is the same measurement for
/// <c>bench ingest</c>.
/// </summary>
public static class ImageBench
{
    public static Command Build()
    {
        var images = new Option<int>("--images") { Description = "Snapshots to compare", DefaultValueFactory = _ => 400 };
        var command = new Command("images", "Benchmark the warehouse snapshot comparison (1920×1080, 8 goods + 2 control regions)") { images };
        command.SetAction(async (result, cancellationToken) =>
        {
            var count = result.GetValue(images);
            if (count is < 1 or > 100_000)
            {
                Console.Error.WriteLine("--images: must be between 1 and 100000");
                return 2;
            }

            var run = await RunAsync(count, cancellationToken);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Compared {count} snapshots of 1920×1080 ({run.Changed} changed with evidence, {run.Inconclusive} inconclusive) on {Environment.ProcessorCount} cores in {run.Seconds:0.00} s: {run.ImagesPerSecond:0.0} images/s (JPEG decode included; base image prepared once)."));
            // On a shared machine the wall clock measures the neighbours too; the process's CPU time per image does not.
            var cpuPerImage = run.CpuSeconds * 1000 / count;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"CPU time {cpuPerImage:0.0} ms per image: {1000 / cpuPerImage * Environment.ProcessorCount:0.0} images/s on {Environment.ProcessorCount} idle cores; load average at the end {LoadAverage()}."));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{{\"imagesPerSecond\":{run.ImagesPerSecond:0.0},\"cpuMsPerImage\":{cpuPerImage:0.0}}}"));
            return 0;
        });
        return command;
    }

    /// <summary>Snapshots compared per second over <paramref name="images"/> comparisons on every core.</summary>
    public static async Task<double> MeasureAsync(int images = 400, CancellationToken cancellationToken = default) =>
        (await RunAsync(images, cancellationToken)).ImagesPerSecond;

    private static async Task<BenchRun> RunAsync(int images, CancellationToken cancellationToken)
    {
        var warehouse = new SyntheticWarehouse(seed: 7);
        // A realistic mix: mostly quiet snapshots with sensor noise and lighting changes, some with goods gone, a person
        // walking through, a small camera shake and a moved camera.
        WarehouseShot[] shots =
        [
            new(Frame: 1),
            new(Frame: 2, Lighting: new WarehouseLighting(1.25, 1, 0, 0.5)),
            new(Frame: 3, Lighting: new WarehouseLighting(0.7, 1.2, 0.4, 0.2)),
            new(Frame: 4, ShiftX: 5, ShiftY: -3),
            new(Frame: 5, RemovedBays: [2]),
            new(Frame: 6, PersonAtX: 900),
            new(Frame: 7, RemovedBays: [0, 5], Lighting: new WarehouseLighting(1.1, 0.9, 0.3, 0.7)),
            new(Frame: 8, ShiftX: 40, ShiftY: 12),
        ];
        var snapshots = await Task.Run(() => shots.AsParallel().AsOrdered().Select(warehouse.Render).ToArray(), cancellationToken);
        using var baseImage = BaseImage.Load(warehouse.Render(new WarehouseShot()), warehouse.Policy).Value!;

        foreach (var snapshot in snapshots)
        {
            SnapshotComparer.Compare(baseImage, snapshot); // warm-up: JIT and OpenCV's first calls
        }

        var next = -1;
        int changed = 0, inconclusive = 0;
        using var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Environment.ProcessorCount).Select(_ => Task.Run(() =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < images && !cancellationToken.IsCancellationRequested)
            {
                var verdict = SnapshotComparer.Compare(baseImage, snapshots[index % snapshots.Length]).Value!.Verdict;
                if (verdict == ComparisonVerdict.Changed)
                {
                    Interlocked.Increment(ref changed);
                }
                else if (verdict == ComparisonVerdict.Inconclusive)
                {
                    Interlocked.Increment(ref inconclusive);
                }
            }
        }, cancellationToken)));
        var seconds = watch.Elapsed.TotalSeconds;
        process.Refresh();
        var cpuSeconds = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        cancellationToken.ThrowIfCancellationRequested();
        return new BenchRun(images / seconds, seconds, cpuSeconds, changed, inconclusive);
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private sealed record BenchRun(double ImagesPerSecond, double Seconds, double CpuSeconds, int Changed, int Inconclusive);
}
