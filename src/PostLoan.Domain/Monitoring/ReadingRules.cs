namespace PostLoan.Domain.Monitoring;

/// <summary>A reading as the device sent it, validated.</summary>
public readonly record struct RawReading(long Sequence, DateTimeOffset At, double Value, double? Value2);

/// <summary>What the ingest remembers of a device between readings: its latest reading.</summary>
public struct DeviceCursor
{
    public bool HasReading;
    public long LastSequence;
    public DateTimeOffset LastAt;
    public double LastValue;
    public double LastValue2;
}

/// <summary>What a reading adds to its day, and what was noticed.</summary>
public readonly record struct DerivedReading(double Increment, double Increment2, ReadingFlags Flags);

/// <summary>
/// How readings turn into counts (计数规则), per kind of device:
/// <list type="bullet">
/// <item>People counters send entries and exits, per interval (<see cref="CounterMode.Delta"/>) or since the device's last
/// reset (<see cref="CounterMode.Cumulative"/>): the increment is the difference with the latest reading; a value lower
/// than the latest means the counter was reset, and counting restarts from the new value.</item>
/// <item>Meters send their register: consumption is the difference; a fall from the top of the register to its bottom is
/// a rollover (the register's size is added), any other fall a reset (consumption counts from the new value).</item>
/// <item>The first cumulative reading of a device sets the baseline and adds nothing.</item>
/// <item>A reading older than the latest (late) is stored; a cumulative one adds nothing since the latest already
/// includes it, a delta one adds its counts. A reading already stored is ignored by its identity.</item>
/// <item>Sensors add nothing; an intrusion detector adds one alarm per reading with the alarm on.</item>
/// </list>
/// </summary>
public static class ReadingRules
{
    /// <summary>A meter fall counts as a rollover when it comes from the top tenth of the register and lands in the bottom tenth.</summary>
    public const double RolloverBand = 0.1;

    /// <summary>Derives what <paramref name="raw"/> adds and moves <paramref name="cursor"/> when it is the newest reading.</summary>
    public static DerivedReading Derive(DeviceKind kind, CounterMode mode, double? rolloverAt, ref DeviceCursor cursor, in RawReading raw)
    {
        var late = cursor.HasReading && raw.Sequence <= cursor.LastSequence;
        var derived = kind switch
        {
            DeviceKind.PeopleCounter => Counter(mode, cursor, raw, late),
            DeviceKind.ElectricityMeter or DeviceKind.WaterMeter => Meter(mode, rolloverAt, cursor, raw, late),
            DeviceKind.IntrusionDetector => new DerivedReading(raw.Value > 0 ? 1 : 0, 0, ReadingFlags.None),
            DeviceKind.TemperatureHumiditySensor or DeviceKind.WarehouseCamera => new DerivedReading(0, 0, ReadingFlags.None),
        };
        if (late)
        {
            return derived with { Flags = derived.Flags | ReadingFlags.Late };
        }

        cursor.HasReading = true;
        cursor.LastSequence = raw.Sequence;
        cursor.LastAt = raw.At;
        cursor.LastValue = raw.Value;
        cursor.LastValue2 = raw.Value2 ?? 0;
        return derived;
    }

    /// <summary>Headcount (在场人数): entries minus exits of the day, never below zero.</summary>
    public static double Headcount(double entries, double exits) => Math.Max(0, entries - exits);

    private static DerivedReading Counter(CounterMode mode, in DeviceCursor cursor, in RawReading raw, bool late)
    {
        var exits = raw.Value2 ?? 0;
        if (mode == CounterMode.Delta)
        {
            return new DerivedReading(raw.Value, exits, ReadingFlags.None);
        }

        if (late || !cursor.HasReading)
        {
            return new DerivedReading(0, 0, ReadingFlags.None);
        }

        return raw.Value < cursor.LastValue || exits < cursor.LastValue2
            ? new DerivedReading(raw.Value, exits, ReadingFlags.Reset)
            : new DerivedReading(raw.Value - cursor.LastValue, exits - cursor.LastValue2, ReadingFlags.None);
    }

    private static DerivedReading Meter(CounterMode mode, double? rolloverAt, in DeviceCursor cursor, in RawReading raw, bool late)
    {
        if (mode == CounterMode.Delta)
        {
            return new DerivedReading(raw.Value, 0, ReadingFlags.None);
        }

        if (late || !cursor.HasReading)
        {
            return new DerivedReading(0, 0, ReadingFlags.None);
        }

        if (raw.Value >= cursor.LastValue)
        {
            return new DerivedReading(Round(raw.Value - cursor.LastValue), 0, ReadingFlags.None);
        }

        return rolloverAt is { } top && cursor.LastValue >= top * (1 - RolloverBand) && raw.Value <= top * RolloverBand
            ? new DerivedReading(Round(top - cursor.LastValue + raw.Value), 0, ReadingFlags.Rollover)
            : new DerivedReading(raw.Value, 0, ReadingFlags.Reset);
    }

    /// <summary>Meter differences to six decimals, so 100.3 − 100.1 is 0.2 and not 0.19999999999998863.</summary>
    private static double Round(double value) => Math.Round(value, 6, MidpointRounding.AwayFromZero);
}
