using PostLoan.Domain.Monitoring.Images;
using PostLoan.Infrastructure.Monitoring.Images;

namespace PostLoan.Integration.Tests.Monitoring.Images;

/// <summary>The synthetic warehouse of seed 7 with its base image prepared once for the default policy.</summary>
internal static class Warehouse
{
    public static SyntheticWarehouse Scene { get; } = new(seed: 7);

    private static readonly Lazy<BaseImage> Prepared = new(() => BaseImage.Load(Scene.Render(new WarehouseShot()), Scene.Policy).Value!);

    /// <summary>Σ of the goods weights: 2 × (1 + 430/380 + 430/340 + 430/300) rounded to cents = 2 × (1 + 1.13 + 1.26 + 1.43).</summary>
    public const double TotalGoodsWeight = 9.64;

    public static BaseImage BaseImage => Prepared.Value;

    public static SnapshotComparison Compare(WarehouseShot shot)
    {
        var result = SnapshotComparer.Compare(BaseImage, Scene.Render(shot));
        Assert.True(result.IsSuccess, result.Error?.Message);
        return result.Value!;
    }

    public static string[] RegionsByChange(SnapshotComparison comparison) =>
        comparison.Regions.OrderByDescending(r => r.Change).Select(r => r.Name).ToArray();

    public static string[] ChangedRegions(SnapshotComparison comparison) =>
        comparison.Regions.Where(r => r.Changed).Select(r => r.Name).ToArray();

    public static ComparisonRegion Region(string name) => Scene.Regions.Single(r => r.Name == name);
}
