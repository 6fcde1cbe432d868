using PostLoan.Domain.Monitoring.Images;
using PostLoan.Infrastructure.Monitoring.Images;

namespace PostLoan.Integration.Tests.Monitoring.Images;

/// <summary>Brightness, gamma and a lamp's gradient change every pixel but not the goods: unchanged, no alarm.</summary>
public class LightingChangesDoNotAlarm
{
    [Theory]
    [InlineData(1.0, 1.0, 0.0, 0.5)] // sensor noise only
    [InlineData(1.3, 1.0, 0.0, 0.5)] // brighter (lights on, sun through a skylight)
    [InlineData(0.6, 1.3, 0.0, 0.5)] // darker with deeper shadows
    [InlineData(1.0, 1.0, 0.6, 0.2)] // a lamp on the left
    [InlineData(1.1, 0.8, 0.5, 0.8)] // a lamp on the right, flatter gamma
    public void A_lighting_change_is_unchanged(double gain, double gamma, double lamp, double lampX)
    {
        var comparison = Warehouse.Compare(new WarehouseShot(Frame: 5, Lighting: new WarehouseLighting(gain, gamma, lamp, lampX)));

        Assert.Equal(ComparisonVerdict.Unchanged, comparison.Verdict);
        Assert.Equal(0, comparison.WeightedChange);
        Assert.Empty(Warehouse.ChangedRegions(comparison));
        Assert.Empty(comparison.Evidence);
        Assert.True(comparison.Regions.All(r => r.Change < 0.2), comparison.ToString());
    }
}
