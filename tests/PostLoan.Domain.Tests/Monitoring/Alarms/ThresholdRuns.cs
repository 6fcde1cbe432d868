using PostLoan.Domain.Monitoring;
using PostLoan.Domain.Monitoring.Alarms;

namespace PostLoan.Domain.Tests.Monitoring.Alarms;

/// <summary>Threshold rules: comparisons, "N consecutive" runs carried over from earlier rounds, validation naming the field.</summary>
public class ThresholdRuns
{
    [Fact]
    public void A_run_of_three_completes_on_the_third_breach_and_old_values_only_carry_it()
    {
        double[] values = [9, 10, 7, 8.5, 9, 11];

        // 9, 10 breach, 7 breaks the run, 8.5, 9, 11 complete three in a row at the sixth value.
        Assert.Equal(new ThresholdHit(5, 3), AlarmRules.Scan(values, 0, AlarmComparison.GreaterThan, 8, 3));
        Assert.Null(AlarmRules.Scan(values[..5], 0, AlarmComparison.GreaterThan, 8, 3));
        // Evaluated before up to index 4: only the new sixth value can complete a run.
        Assert.Equal(new ThresholdHit(5, 3), AlarmRules.Scan(values, 5, AlarmComparison.GreaterThan, 8, 3));
        Assert.Null(AlarmRules.Scan(values, 5, AlarmComparison.GreaterThan, 9, 3));
        Assert.Null(AlarmRules.Scan(values, 5, AlarmComparison.GreaterThan, 8, 4));
        // A missing value (NaN) breaks a run whatever the comparison.
        Assert.Null(AlarmRules.Scan([1, double.NaN, 1], 0, AlarmComparison.LessThan, 5, 2));
        Assert.Equal(new ThresholdHit(3, 2), AlarmRules.Scan([1, double.NaN, 1, 1], 0, AlarmComparison.LessThan, 5, 2));
    }

    [Theory]
    [InlineData(AlarmComparison.GreaterThan, 8, false)]
    [InlineData(AlarmComparison.GreaterOrEqual, 8, true)]
    [InlineData(AlarmComparison.LessThan, 8, false)]
    [InlineData(AlarmComparison.LessOrEqual, 8, true)]
    [InlineData(AlarmComparison.LessThan, 8.01, true)]
    public void Comparisons_at_the_threshold(AlarmComparison comparison, double threshold, bool breaches) =>
        Assert.Equal(breaches, AlarmRules.Breaches(8, comparison, threshold));

    [Fact]
    public void Invalid_fields_are_named()
    {
        static AlarmRule Valid() => new()
        {
            Code = "cold-1", Name = "冷库温度", Metric = AlarmMetric.Temperature, Comparison = AlarmComparison.GreaterThan, Threshold = 8, Consecutive = 3,
        };

        Assert.Null(AlarmRules.Validate(Valid()));
        Assert.Equal("code", AlarmRules.Validate(Valid().With(r => r.Code = "冷库 1"))!.Code);
        Assert.Equal("name", AlarmRules.Validate(Valid().With(r => r.Name = " "))!.Code);
        Assert.Equal("consecutive", AlarmRules.Validate(Valid().With(r => r.Consecutive = 0))!.Code);
        Assert.Equal("threshold", AlarmRules.Validate(Valid().With(r => { r.Metric = AlarmMetric.DailyWaterM3; r.Threshold = -1; }))!.Code);
        Assert.Null(AlarmRules.Validate(Valid().With(r => r.Threshold = -18)));
        Assert.Equal("siteId", AlarmRules.Validate(Valid().With(r => r.Scope = AlarmRuleScope.Site))!.Code);
        Assert.Equal("deviceId", AlarmRules.Validate(Valid().With(r => r.Scope = AlarmRuleScope.Device))!.Code);
        Assert.Equal("deviceKind", AlarmRules.Validate(Valid().With(r => { r.Scope = AlarmRuleScope.DeviceKind; r.DeviceKind = DeviceKind.WaterMeter; }))!.Code);
        Assert.Null(AlarmRules.Validate(Valid().With(r => { r.Scope = AlarmRuleScope.DeviceKind; r.DeviceKind = DeviceKind.TemperatureHumiditySensor; })));
    }

    [Fact]
    public void Rules_describe_themselves()
    {
        Assert.Equal("温度 > 8 连续 3 次", AlarmRules.Describe(AlarmMetric.Temperature, AlarmComparison.GreaterThan, 8, 3));
        Assert.Equal("日用电量 < 5.5 连续 3 天", AlarmRules.Describe(AlarmMetric.DailyElectricityKwh, AlarmComparison.LessThan, 5.5, 3));
        Assert.Equal("闭店后在场人数 ≥ 20", AlarmRules.Describe(AlarmMetric.HeadcountAfterClosing, AlarmComparison.GreaterOrEqual, 20, 1));
    }
}

/// <summary>Test helper: changes a rule in place.</summary>
internal static class AlarmRuleTestExtensions
{
    public static AlarmRule With(this AlarmRule rule, Action<AlarmRule> change)
    {
        change(rule);
        return rule;
    }
}
