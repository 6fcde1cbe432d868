namespace PostLoan.Domain.Monitoring;

/// <summary>
/// One reading (读数) of a device, identified by (<see cref="DeviceId"/>, <see cref="Sequence"/>): the device's own
/// sequence number, or the reading's time in Unix milliseconds when the device sends none, so a reading sent twice is
/// stored once. <see cref="Value"/> and <see cref="Value2"/> are what the device sent (in/out counts, a meter's
/// register, temperature/humidity, an alarm as 1/0); <see cref="Increment"/> and <see cref="Increment2"/> are what it
/// adds to the day (entries/exits, consumption, intrusion alarms), derived by <see cref="ReadingRules"/>.
/// </summary>
public sealed class DeviceReading
{
    public int DeviceId { get; set; }

    public long Sequence { get; set; }

    public int SiteId { get; set; }

    /// <summary>When the device measured it.</summary>
    public DateTimeOffset At { get; set; }

    /// <summary>The site's business day of <see cref="At"/>.</summary>
    public DateOnly Day { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }

    public double Value { get; set; }

    public double? Value2 { get; set; }

    public double Increment { get; set; }

    public double Increment2 { get; set; }

    public ReadingFlags Flags { get; set; }
}

/// <summary>What the ingest noticed about a reading.</summary>
[Flags]
public enum ReadingFlags
{
    None = 0,

    /// <summary>Older than the latest reading already received (counted, but a cumulative one adds nothing).</summary>
    Late = 1,

    /// <summary>A cumulative value lower than the previous one: the counter was reset and counts from the new value.</summary>
    Reset = 2,

    /// <summary>A meter register wrapped past its maximum.</summary>
    Rollover = 4,
}

/// <summary>
/// A device's totals for one business day of its site (日汇总), kept up to date by the ingest in the same transaction as
/// the readings: entries and exits (a site's headcount is their difference, clamped at 0), consumption, and the
/// minimum, maximum and sum of measured values. Statistics and alarms read these rather than raw readings.
/// </summary>
public sealed class DeviceDailyTotal
{
    public int DeviceId { get; set; }

    public DateOnly Day { get; set; }

    public int SiteId { get; set; }

    public int CustomerId { get; set; }

    public DeviceKind Kind { get; set; }

    public int Readings { get; set; }

    /// <summary>Entries (people counters), consumption (meters), alarms (intrusion detectors).</summary>
    public double Increment { get; set; }

    /// <summary>Exits (people counters).</summary>
    public double Increment2 { get; set; }

    public double ValueSum { get; set; }

    public double ValueMin { get; set; }

    public double ValueMax { get; set; }

    public double Value2Sum { get; set; }

    public double Value2Min { get; set; }

    public double Value2Max { get; set; }

    public DateTimeOffset FirstAt { get; set; }

    public DateTimeOffset LastAt { get; set; }

    public string OrganisationPath { get; set; } = "/";

    public string? AccountManagerId { get; set; }
}

/// <summary>
/// A camera snapshot (现图) stored as a JPEG file under <c>snapshots/{site}/{device}/yyyy/MM/dd/</c>; the row keeps where,
/// when, how large and its SHA-256, which makes a snapshot sent twice one snapshot.
/// </summary>
public sealed class DeviceSnapshot
{
    public long Id { get; set; }

    public int DeviceId { get; set; }

    public int SiteId { get; set; }

    public int CustomerId { get; set; }

    public DateTimeOffset TakenAt { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }

    /// <summary>Path relative to the snapshot root, with forward slashes.</summary>
    public required string Path { get; set; }

    public long SizeBytes { get; set; }

    public int Width { get; set; }

    public int Height { get; set; }

    /// <summary>Lower-case hex SHA-256 of the file.</summary>
    public required string Sha256 { get; set; }

    public string OrganisationPath { get; set; } = "/";

    public string? AccountManagerId { get; set; }
}
