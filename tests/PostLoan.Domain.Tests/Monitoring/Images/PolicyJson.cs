using System.Text.Json;
using System.Text.Json.Serialization;
using PostLoan.Domain.Monitoring.Images;

namespace PostLoan.Domain.Tests.Monitoring.Images;

/// <summary>A camera policy travels as the JSON of docs/warehouse-images.md (web defaults, roles as text) and back.</summary>
public class PolicyJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    [Fact]
    public void A_policy_round_trips_through_json()
    {
        var policy = new ComparisonPolicy
        {
            Regions = [new ComparisonRegion("bay1-upper", new PixelRect(88, 280, 422, 322)), new ComparisonRegion("立柱标牌", new PixelRect(1690, 140, 150, 300), 1, RegionRole.Control)],
            PersistenceCount = 3,
        };

        var json = JsonSerializer.Serialize(policy, Options);
        var back = JsonSerializer.Deserialize<ComparisonPolicy>(json, Options)!;

        Assert.StartsWith("""{"regions":[{"name":"bay1-upper","rect":{"x":88,"y":280,"width":422,"height":322},"weight":1,"role":"goods"},""", json, StringComparison.Ordinal);
        Assert.Equal(policy.Regions, back.Regions);
        Assert.Equal(policy with { Regions = back.Regions }, back);
    }

    [Fact]
    public void Fields_left_out_take_their_defaults()
    {
        var back = JsonSerializer.Deserialize<ComparisonPolicy>("""{"regions":[{"name":"bay","rect":{"x":0,"y":0,"width":64,"height":64}}]}""", Options)!;

        Assert.Equal(new ComparisonRegion("bay", new PixelRect(0, 0, 64, 64), 1.0, RegionRole.Goods), Assert.Single(back.Regions));
        Assert.Equal((0.30, 0.10, 0.30, 2, 12, 0.6),
            (back.RegionChangeThreshold, back.WeightedChangeThreshold, back.ControlChangeThreshold, back.PersistenceCount, back.MaxAlignmentShift, back.StructureWeight));
    }
}
