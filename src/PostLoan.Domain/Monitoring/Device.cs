namespace PostLoan.Domain.Monitoring;

/// <summary>
/// A device (监控设备) installed at a <see cref="MonitoringSite"/>: a people counter, a warehouse camera, a meter or a
/// sensor. It authenticates with its <see cref="Code"/> and a secret of its own; only the secret's SHA-256 hash is
/// stored. Its status follows its heartbeats and readings.
/// </summary>
public sealed class Device
{
    public int Id { get; set; }

    public int SiteId { get; set; }

    /// <summary>Copied from the site: the customer the device watches.</summary>
    public int CustomerId { get; set; }

    /// <summary>Device code (设备编号), unique: the MQTT user name and the <c>{deviceCode}</c> of its topics.</summary>
    public required string Code { get; set; }

    public required string Name { get; set; }

    public DeviceKind Kind { get; set; }

    public string? Vendor { get; set; }

    public string? Model { get; set; }

    public string? SerialNumber { get; set; }

    public DateOnly? InstalledOn { get; set; }

    /// <summary>How a people counter or meter reports its counts.</summary>
    public CounterMode CounterMode { get; set; } = CounterMode.Cumulative;

    /// <summary>
    /// For a cumulative meter: the value at which its register wraps to zero (e.g. 100000 for a five-digit kWh register);
    /// a fall from near it to near zero is a rollover, any other fall a reset. Null: every fall is a reset.
    /// </summary>
    public double? RolloverAt { get; set; }

    public DeviceStatus Status { get; set; } = DeviceStatus.Offline;

    /// <summary>Last heartbeat or reading received.</summary>
    public DateTimeOffset? LastSeenAt { get; set; }

    /// <summary>What the device said about its fault, when <see cref="Status"/> is <see cref="DeviceStatus.Fault"/>.</summary>
    public string? FaultReason { get; set; }

    /// <summary>Lower-case hex SHA-256 of the device secret.</summary>
    public required string SecretHash { get; set; }

    /// <summary>First characters of the secret, to recognise it on the device's configuration page.</summary>
    public required string SecretPrefix { get; set; }

    public DateTimeOffset CredentialIssuedAt { get; set; }

    /// <summary>Copied from the site for scope filtering.</summary>
    public string OrganisationPath { get; set; } = "/";

    /// <summary>Copied from the site for scope filtering.</summary>
    public string? AccountManagerId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>Kinds of device (设备类型).</summary>
public enum DeviceKind
{
    /// <summary>客流计数器: counts people entering and leaving.</summary>
    PeopleCounter = 0,

    /// <summary>仓库摄像头: snapshots of pledged goods (质押物).</summary>
    WarehouseCamera = 1,

    /// <summary>电表: cumulative kWh.</summary>
    ElectricityMeter = 2,

    /// <summary>水表: cumulative m³.</summary>
    WaterMeter = 3,

    /// <summary>温湿度传感器: °C and % relative humidity.</summary>
    TemperatureHumiditySensor = 4,

    /// <summary>入侵探测器: alarm on or off.</summary>
    IntrusionDetector = 5,
}

/// <summary>Device status (设备状态), from heartbeats and silence.</summary>
public enum DeviceStatus
{
    /// <summary>在线</summary>
    Online = 0,

    /// <summary>离线: silent longer than the offline threshold, or never seen.</summary>
    Offline = 1,

    /// <summary>故障: the device reported a fault.</summary>
    Fault = 2,
}

/// <summary>How a counter or meter reports.</summary>
public enum CounterMode
{
    /// <summary>Totals since the device's last reset (a lower value than before means a reset or a rollover).</summary>
    Cumulative = 0,

    /// <summary>Counts of the interval since the previous report.</summary>
    Delta = 1,
}

/// <summary>What a device has reported that the alarm round reads: offline, online again, fault, counter reset, rollover.</summary>
public sealed class DeviceEvent
{
    public long Id { get; set; }

    public int DeviceId { get; set; }

    public int SiteId { get; set; }

    public int CustomerId { get; set; }

    public DateTimeOffset At { get; set; }

    public DeviceEventKind Kind { get; set; }

    public string? Detail { get; set; }

    public string OrganisationPath { get; set; } = "/";

    public string? AccountManagerId { get; set; }
}

/// <summary>Kinds of <see cref="DeviceEvent"/>.</summary>
public enum DeviceEventKind
{
    /// <summary>设备离线: silent longer than the threshold.</summary>
    WentOffline = 0,

    /// <summary>恢复在线</summary>
    CameOnline = 1,

    /// <summary>设备故障</summary>
    Fault = 2,

    /// <summary>计数器清零: a cumulative value lower than the previous one.</summary>
    CounterReset = 3,

    /// <summary>表计翻转: a meter register wrapped past its maximum.</summary>
    MeterRollover = 4,

    /// <summary>入侵报警</summary>
    Intrusion = 5,
}
