using System.Text;
using PostLoan.Domain.Monitoring;

namespace PostLoan.Domain.Tests.Monitoring;

/// <summary>What devices send, accepted or refused whole with the field and reason (<see cref="DevicePayloads"/>).</summary>
public sealed class DevicePayloadParsing
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 2, 0, 0, TimeSpan.Zero);

    private static ReadingMessage Parse(string json, DeviceKind kind = DeviceKind.PeopleCounter)
    {
        var result = DevicePayloads.ParseReadings(Encoding.UTF8.GetBytes(json), kind, Now, IngestLimits.Default);
        Assert.True(result.IsSuccess, result.Error?.Message);
        return result.Value!;
    }

    private static string Refusal(string json, DeviceKind kind = DeviceKind.PeopleCounter) =>
        DevicePayloads.ParseReadings(Encoding.UTF8.GetBytes(json), kind, Now, IngestLimits.Default).Error!.Message;

    [Fact]
    public void One_reading_or_a_batch_with_the_key()
    {
        var single = Parse("""{"seq":7,"ts":"2026-11-23T09:15:00+08:00","in":12,"out":3}""");
        Assert.Equal([new RawReading(7, new DateTimeOffset(2026, 11, 23, 1, 15, 0, TimeSpan.Zero), 12, 3)], single.Readings);
        Assert.Equal(TimeSpan.Zero, single.Readings[0].At.Offset);

        var batch = Parse("""{"key":"pld_x","readings":[{"ts":1795392000000,"value":53817.4}]}""", DeviceKind.ElectricityMeter);
        Assert.Equal("pld_x", batch.Key);
        // Without seq the identity is the time in Unix milliseconds.
        Assert.Equal(new RawReading(1795392000000, DateTimeOffset.FromUnixTimeMilliseconds(1795392000000), 53817.4, null), batch.Readings[0]);
    }

    [Theory]
    [InlineData("""{"readings":[{"ts":"2026-11-23T09:00:00+08:00","in":1,"out":0},{"ts":"2026-11-23T09:05:00+08:00","in":"2","out":0}]}""", "readings[1].in: must be a number ≥ 0")]
    [InlineData("""{"ts":"2026-11-23T09:00:00","in":1,"out":0}""", "ts: must be ISO 8601 with an offset (2026-11-23T09:15:00+08:00) or Unix milliseconds")]
    [InlineData("""{"in":1,"out":0}""", "ts: required")]
    [InlineData("""{"ts":"2026-11-23T10:06:00+08:00","in":1,"out":0}""", "ts: 2026-11-23T10:06:00.0000000+08:00 is 360 s ahead of the server clock (tolerance 300 s)")]
    [InlineData("""{"ts":"2026-10-01T10:00:00+08:00","in":1,"out":0}""", "ts: 2026-10-01T10:00:00.0000000+08:00 is older than 35 days")]
    [InlineData("""{"seq":-1,"ts":"2026-11-23T09:00:00+08:00","in":1,"out":0}""", "seq: must be a whole number ≥ 0")]
    [InlineData("""{"readings":[]}""", "readings: must be a non-empty array")]
    [InlineData("""[1,2]""", "payload: must be a JSON object")]
    public void Malformed_people_counter_messages_are_refused_naming_the_field(string json, string reason) =>
        Assert.Equal(reason, Refusal(json));

    [Fact]
    public void Sensors_stay_within_their_range_and_cameras_send_no_readings()
    {
        Assert.Equal("temperature/humidity: outside the sensor's range (−60…100 °C, 0…100 %)",
            Refusal("""{"ts":"2026-11-23T09:00:00+08:00","temperature":4.5,"humidity":140}""", DeviceKind.TemperatureHumiditySensor));
        Assert.Equal("alarm: must be true or false", Refusal("""{"ts":"2026-11-23T09:00:00+08:00","alarm":"yes"}""", DeviceKind.IntrusionDetector));
        Assert.Equal("readings: a warehouse camera sends snapshots, not readings", Refusal("""{"ts":"2026-11-23T09:00:00+08:00"}""", DeviceKind.WarehouseCamera));
    }

    [Fact]
    public void The_day_of_a_reading_starts_at_the_site_day_start()
    {
        // 03:59 Beijing time still belongs to the previous day when the day starts at 04:00.
        Assert.Equal(new DateOnly(2026, 11, 22), SiteClock.DayOf(new DateTimeOffset(2026, 11, 22, 19, 59, 0, TimeSpan.Zero), 480, new TimeOnly(4, 0)));
        Assert.Equal(new DateOnly(2026, 11, 23), SiteClock.DayOf(new DateTimeOffset(2026, 11, 22, 20, 0, 0, TimeSpan.Zero), 480, new TimeOnly(4, 0)));
    }
}
