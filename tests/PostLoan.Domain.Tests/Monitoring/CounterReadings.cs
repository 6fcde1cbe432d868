using PostLoan.Domain.Monitoring;

namespace PostLoan.Domain.Tests.Monitoring;

/// <summary>People counters and meters: differences, resets, rollovers, late readings (<see cref="ReadingRules"/>).</summary>
public sealed class CounterReadings
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);

    private static DerivedReading Derive(DeviceKind kind, CounterMode mode, ref DeviceCursor cursor, long seq, double value, double? value2 = null, double? rolloverAt = null) =>
        ReadingRules.Derive(kind, mode, rolloverAt, ref cursor, new RawReading(seq, T0.AddMinutes(seq), value, value2));

    [Fact]
    public void A_cumulative_counter_counts_differences_and_restarts_after_a_reset()
    {
        var cursor = default(DeviceCursor);
        Assert.Equal(new DerivedReading(0, 0, ReadingFlags.None), Derive(DeviceKind.PeopleCounter, CounterMode.Cumulative, ref cursor, 1, 100, 40));
        Assert.Equal(new DerivedReading(20, 5, ReadingFlags.None), Derive(DeviceKind.PeopleCounter, CounterMode.Cumulative, ref cursor, 2, 120, 45));
        Assert.Equal(new DerivedReading(7, 2, ReadingFlags.Reset), Derive(DeviceKind.PeopleCounter, CounterMode.Cumulative, ref cursor, 3, 7, 2));
        Assert.Equal(new DerivedReading(3, 6, ReadingFlags.None), Derive(DeviceKind.PeopleCounter, CounterMode.Cumulative, ref cursor, 4, 10, 8));
        // Headcount of the day: 30 in, 13 out.
        Assert.Equal(17, ReadingRules.Headcount(20 + 7 + 3, 5 + 2 + 6));
    }

    [Fact]
    public void A_late_or_repeated_cumulative_reading_adds_nothing_and_keeps_the_cursor()
    {
        var cursor = default(DeviceCursor);
        Derive(DeviceKind.PeopleCounter, CounterMode.Cumulative, ref cursor, 1, 10, 0);
        Derive(DeviceKind.PeopleCounter, CounterMode.Cumulative, ref cursor, 3, 30, 4);
        Assert.Equal(new DerivedReading(0, 0, ReadingFlags.Late), Derive(DeviceKind.PeopleCounter, CounterMode.Cumulative, ref cursor, 2, 18, 1));
        Assert.Equal(new DerivedReading(0, 0, ReadingFlags.Late), Derive(DeviceKind.PeopleCounter, CounterMode.Cumulative, ref cursor, 3, 30, 4));
        Assert.Equal((3L, 30.0, 4.0), (cursor.LastSequence, cursor.LastValue, cursor.LastValue2));
        Assert.Equal(new DerivedReading(5, 1, ReadingFlags.None), Derive(DeviceKind.PeopleCounter, CounterMode.Cumulative, ref cursor, 4, 35, 5));
    }

    [Fact]
    public void A_late_delta_reading_adds_its_interval()
    {
        var cursor = default(DeviceCursor);
        Assert.Equal(new DerivedReading(4, 1, ReadingFlags.None), Derive(DeviceKind.PeopleCounter, CounterMode.Delta, ref cursor, 5, 4, 1));
        Assert.Equal(new DerivedReading(2, 2, ReadingFlags.Late), Derive(DeviceKind.PeopleCounter, CounterMode.Delta, ref cursor, 4, 2, 2));
    }

    [Fact]
    public void A_meter_rolls_over_from_the_top_of_its_register_and_resets_otherwise()
    {
        var cursor = default(DeviceCursor);
        Derive(DeviceKind.ElectricityMeter, CounterMode.Cumulative, ref cursor, 1, 99_990.5, rolloverAt: 100_000);
        Assert.Equal(new DerivedReading(7.5, 0, ReadingFlags.None), Derive(DeviceKind.ElectricityMeter, CounterMode.Cumulative, ref cursor, 2, 99_998, rolloverAt: 100_000));
        Assert.Equal(new DerivedReading(14.5, 0, ReadingFlags.Rollover), Derive(DeviceKind.ElectricityMeter, CounterMode.Cumulative, ref cursor, 3, 12.5, rolloverAt: 100_000));
        Assert.Equal(new DerivedReading(0.2, 0, ReadingFlags.None), Derive(DeviceKind.ElectricityMeter, CounterMode.Cumulative, ref cursor, 4, 12.7, rolloverAt: 100_000));
        // From the middle of the register to a low value: a replaced meter, counted from the new value.
        Derive(DeviceKind.ElectricityMeter, CounterMode.Cumulative, ref cursor, 5, 50_000, rolloverAt: 100_000);
        Assert.Equal(new DerivedReading(3, 0, ReadingFlags.Reset), Derive(DeviceKind.ElectricityMeter, CounterMode.Cumulative, ref cursor, 6, 3, rolloverAt: 100_000));
    }

    [Fact]
    public void Without_a_register_size_every_fall_is_a_reset()
    {
        var cursor = default(DeviceCursor);
        Derive(DeviceKind.WaterMeter, CounterMode.Cumulative, ref cursor, 1, 99_999);
        Assert.Equal(new DerivedReading(1, 0, ReadingFlags.Reset), Derive(DeviceKind.WaterMeter, CounterMode.Cumulative, ref cursor, 2, 1));
    }

    [Fact]
    public void An_intrusion_detector_counts_alarms_and_a_sensor_counts_nothing()
    {
        var cursor = default(DeviceCursor);
        Assert.Equal(1, Derive(DeviceKind.IntrusionDetector, CounterMode.Cumulative, ref cursor, 1, 1).Increment);
        Assert.Equal(0, Derive(DeviceKind.IntrusionDetector, CounterMode.Cumulative, ref cursor, 2, 0).Increment);
        var sensor = default(DeviceCursor);
        Assert.Equal(new DerivedReading(0, 0, ReadingFlags.None), Derive(DeviceKind.TemperatureHumiditySensor, CounterMode.Cumulative, ref sensor, 1, 4.5, 61));
    }
}
