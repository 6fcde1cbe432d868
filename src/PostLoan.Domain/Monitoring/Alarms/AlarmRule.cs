using System.Globalization;
using PostLoan.Domain.Common;

namespace PostLoan.Domain.Monitoring.Alarms;

/// <summary>
/// A threshold rule (阈值规则) maintained by administrators and service staff: on the devices in its scope, a metric
/// compared with a threshold, optionally for N consecutive readings or days, raises a <see cref="AlarmKind.Threshold"/>
/// alarm of its severity. The alarm round evaluates new readings and completed days exactly once.
/// </summary>
public sealed class AlarmRule
{
    public int Id { get; set; }

    /// <summary>Unique code (letters, digits, <c>-</c>, <c>_</c>, <c>.</c>); the alarms and the false-alarm report name it.</summary>
    public required string Code { get; set; }

    public required string Name { get; set; }

    public AlarmRuleScope Scope { get; set; }

    /// <summary>For <see cref="AlarmRuleScope.Site"/>.</summary>
    public int? SiteId { get; set; }

    /// <summary>For <see cref="AlarmRuleScope.DeviceKind"/>.</summary>
    public DeviceKind? DeviceKind { get; set; }

    /// <summary>For <see cref="AlarmRuleScope.Device"/>.</summary>
    public int? DeviceId { get; set; }

    public AlarmMetric Metric { get; set; }

    public AlarmComparison Comparison { get; set; }

    public double Threshold { get; set; }

    /// <summary>How many consecutive readings (reading metrics) or days (daily metrics) must breach; 1 = each one.</summary>
    public int Consecutive { get; set; } = 1;

    public AlarmSeverity Severity { get; set; } = AlarmSeverity.Yellow;

    public bool Enabled { get; set; } = true;

    /// <summary>Shipped with the product (默认规则); may be edited or disabled, not deleted.</summary>
    public bool Starter { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public string? UpdatedBy { get; set; }

    /// <summary>The sentence an alarm shows, e.g. "温度 &gt; 8 连续 3 次".</summary>
    public string Describe() => AlarmRules.Describe(Metric, Comparison, Threshold, Consecutive);
}

/// <summary>Which devices a rule watches.</summary>
public enum AlarmRuleScope
{
    /// <summary>全部场所</summary>
    All = 0,

    /// <summary>指定场所</summary>
    Site = 1,

    /// <summary>指定设备类型</summary>
    DeviceKind = 2,

    /// <summary>指定设备</summary>
    Device = 3,
}

/// <summary>What a rule measures (指标).</summary>
public enum AlarmMetric
{
    /// <summary>温度 (°C): each reading of a temperature/humidity sensor.</summary>
    Temperature = 0,

    /// <summary>湿度 (%): each reading of a temperature/humidity sensor.</summary>
    Humidity = 1,

    /// <summary>日进场人次: a people counter's entries of a completed day.</summary>
    DailyEntries = 2,

    /// <summary>日用电量 (kWh): an electricity meter's consumption of a completed day.</summary>
    DailyElectricityKwh = 3,

    /// <summary>日用水量 (m³): a water meter's consumption of a completed day.</summary>
    DailyWaterM3 = 4,

    /// <summary>闭店后在场人数: a people counter's entries − exits of the day, checked once after the site's closing time.</summary>
    HeadcountAfterClosing = 5,
}

/// <summary>How a value is compared with the threshold.</summary>
public enum AlarmComparison
{
    GreaterThan = 0,
    GreaterOrEqual = 1,
    LessThan = 2,
    LessOrEqual = 3,
}

/// <summary>The rules of threshold rules: which device kind a metric reads, validation, comparison and consecutive runs.</summary>
public static class AlarmRules
{
    /// <summary>The device kind a metric is read from.</summary>
    public static DeviceKind KindOf(AlarmMetric metric) => metric switch
    {
        AlarmMetric.Temperature or AlarmMetric.Humidity => Monitoring.DeviceKind.TemperatureHumiditySensor,
        AlarmMetric.DailyEntries or AlarmMetric.HeadcountAfterClosing => Monitoring.DeviceKind.PeopleCounter,
        AlarmMetric.DailyElectricityKwh => Monitoring.DeviceKind.ElectricityMeter,
        AlarmMetric.DailyWaterM3 => Monitoring.DeviceKind.WaterMeter,
        _ => throw new ArgumentOutOfRangeException(nameof(metric)),
    };

    /// <summary>True for metrics evaluated per reading; the others per completed day.</summary>
    public static bool IsPerReading(AlarmMetric metric) => metric is AlarmMetric.Temperature or AlarmMetric.Humidity;

    /// <summary>True when <paramref name="value"/> breaches the threshold.</summary>
    public static bool Breaches(double value, AlarmComparison comparison, double threshold) => comparison switch
    {
        AlarmComparison.GreaterThan => value > threshold,
        AlarmComparison.GreaterOrEqual => value >= threshold,
        AlarmComparison.LessThan => value < threshold,
        AlarmComparison.LessOrEqual => value <= threshold,
        _ => false,
    };

    /// <summary>
    /// Scans <paramref name="values"/> (oldest first); the values before <paramref name="firstNew"/> were evaluated in an
    /// earlier round and only carry a run over. Returns the index of the last new value at which at least
    /// <paramref name="consecutive"/> values in a row breached, with that run's length; null when none did.
    /// </summary>
    public static ThresholdHit? Scan(IReadOnlyList<double> values, int firstNew, AlarmComparison comparison, double threshold, int consecutive)
    {
        ThresholdHit? hit = null;
        var run = 0;
        for (var i = 0; i < values.Count; i++)
        {
            run = Breaches(values[i], comparison, threshold) ? run + 1 : 0;
            if (i >= firstNew && run >= consecutive)
            {
                hit = new ThresholdHit(i, run);
            }
        }

        return hit;
    }

    /// <summary>Checks a rule's fields; the error names the field.</summary>
    public static Error? Validate(AlarmRule rule)
    {
        if (string.IsNullOrWhiteSpace(rule.Code) || rule.Code.Length > 40 || !rule.Code.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            return Error.Validation("code", "code: 1–40 letters, digits, '-', '_' or '.'");
        }

        if (string.IsNullOrWhiteSpace(rule.Name) || rule.Name.Length > 100)
        {
            return Error.Validation("name", "name: required, at most 100 characters");
        }

        if (!Enum.IsDefined(rule.Metric))
        {
            return Error.Validation("metric", "metric: one of " + string.Join(", ", Enum.GetNames<AlarmMetric>()));
        }

        if (!Enum.IsDefined(rule.Comparison))
        {
            return Error.Validation("comparison", "comparison: one of " + string.Join(", ", Enum.GetNames<AlarmComparison>()));
        }

        if (!Enum.IsDefined(rule.Severity))
        {
            return Error.Validation("severity", "severity: Yellow, Orange or Red");
        }

        if (!double.IsFinite(rule.Threshold) || (rule.Metric != AlarmMetric.Temperature && rule.Threshold < 0))
        {
            return Error.Validation("threshold", "threshold: a finite number, ≥ 0 except for temperatures");
        }

        if (rule.Consecutive is < 1 or > 100)
        {
            return Error.Validation("consecutive", "consecutive: 1–100 readings or days in a row");
        }

        return rule.Scope switch
        {
            AlarmRuleScope.All => null,
            AlarmRuleScope.Site => rule.SiteId is null ? Error.Validation("siteId", "siteId: required for a site rule") : null,
            AlarmRuleScope.DeviceKind => rule.DeviceKind != KindOf(rule.Metric)
                ? Error.Validation("deviceKind", $"deviceKind: {Describe(rule.Metric)} is read from {KindOf(rule.Metric)} devices")
                : null,
            AlarmRuleScope.Device => rule.DeviceId is null ? Error.Validation("deviceId", "deviceId: required for a device rule") : null,
            _ => Error.Validation("scope", "scope: All, Site, DeviceKind or Device"),
        };
    }

    /// <summary>"温度 &gt; 8 连续 3 次" / "日用电量 &lt; 50 连续 3 天".</summary>
    public static string Describe(AlarmMetric metric, AlarmComparison comparison, double threshold, int consecutive)
    {
        var op = comparison switch
        {
            AlarmComparison.GreaterThan => ">",
            AlarmComparison.GreaterOrEqual => "≥",
            AlarmComparison.LessThan => "<",
            _ => "≤",
        };
        var text = string.Create(CultureInfo.InvariantCulture, $"{Describe(metric)} {op} {threshold:0.###}");
        return consecutive <= 1 ? text : string.Create(CultureInfo.InvariantCulture, $"{text} 连续 {consecutive} {(IsPerReading(metric) ? "次" : "天")}");
    }

    /// <summary>The Chinese name of a metric.</summary>
    public static string Describe(AlarmMetric metric) => metric switch
    {
        AlarmMetric.Temperature => "温度",
        AlarmMetric.Humidity => "湿度",
        AlarmMetric.DailyEntries => "日进场人次",
        AlarmMetric.DailyElectricityKwh => "日用电量",
        AlarmMetric.DailyWaterM3 => "日用水量",
        AlarmMetric.HeadcountAfterClosing => "闭店后在场人数",
        _ => metric.ToString(),
    };
}

/// <summary>Where a consecutive run completed: the index of the value and the run's length.</summary>
public readonly record struct ThresholdHit(int Index, int Run);

/// <summary>
/// A durable position of the alarm round (告警轮次水位): the last device event processed, the newest reading or the last
/// completed day evaluated by a rule on a device, the last day the anomaly check ran for a site. Written in the same
/// transaction as the alarms it led to, so a restart neither repeats nor skips; <see cref="Version"/> keeps two nodes
/// from processing the same input.
/// </summary>
public sealed class AlarmCursor
{
    /// <summary><c>events</c>, <c>rule:{id}:device:{id}</c>, <c>anomaly:site:{id}</c>.</summary>
    public required string Key { get; set; }

    /// <summary>Last device event id processed.</summary>
    public long Position { get; set; }

    /// <summary>Time of the newest reading evaluated.</summary>
    public DateTimeOffset? At { get; set; }

    /// <summary>Last (site-local) day evaluated.</summary>
    public DateOnly? Day { get; set; }

    /// <summary>Concurrency token, bumped on every write.</summary>
    public int Version { get; set; }
}
