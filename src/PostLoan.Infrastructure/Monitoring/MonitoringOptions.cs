using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;
using PostLoan.Domain.Monitoring;

namespace PostLoan.Infrastructure.Monitoring;

/// <summary>
/// Configuration of device ingest (section <c>Monitoring</c>, docs/monitoring.md): the embedded MQTT broker
/// (<c>Mqtt:Enabled</c>, <c>Mqtt:Port</c> 1883, <c>Mqtt:BindAddress</c>), an external broker (<c>External:Host</c>,
/// <c>Port</c>, <c>UserName</c>, <c>Password</c>, <c>ClientId</c>), the ingest queue (<c>Ingest:QueueCapacity</c> messages,
/// <c>Ingest:MaxBatchReadings</c>), the reading limits (<c>Ingest:ClockSkewSeconds</c>, <c>Ingest:MaxAgeDays</c>), where
/// snapshots are kept (<c>SnapshotsPath</c>) the offline check (<c>OfflineCheck:Enabled</c>, <c>OfflineCheck:Cron</c>) and the camera comparison
/// (<c>Cameras:Compare</c>, <c>Cameras:PollSeconds</c>).
/// </summary>
public sealed record MonitoringOptions
{
    public bool EmbeddedBroker { get; init; } = true;

    public int MqttPort { get; init; } = 1883;

    public IPAddress MqttBindAddress { get; init; } = IPAddress.Any;

    public string? ExternalHost { get; init; }

    public int ExternalPort { get; init; } = 1883;

    public string? ExternalUserName { get; init; }

    public string? ExternalPassword { get; init; }

    public string ExternalClientId { get; init; } = "postloan-ingest";

    public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromSeconds(5);

    public int QueueCapacity { get; init; } = 1000;

    public int MaxBatchReadings { get; init; } = 10_000;

    public IngestLimits Limits { get; init; } = IngestLimits.Default;

    public string SnapshotsPath { get; init; } = Path.Combine("data", "snapshots");

    public bool OfflineCheck { get; init; } = true;

    /// <summary>Every minute by default.</summary>
    public string OfflineCheckCron { get; init; } = "0 * * * * ?";

    /// <summary>Whether the host compares arriving camera snapshots with their base images (<c>Cameras:Compare</c>).</summary>
    public bool CompareSnapshots { get; init; } = true;

    /// <summary>How often the camera comparison looks for snapshots without a signal (<c>Cameras:PollSeconds</c>).</summary>
    public TimeSpan ComparePollInterval { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>The alarm round on a schedule (<c>AlarmRound:Enabled</c>, by default as the offline check).</summary>
    public bool AlarmRound { get; init; } = true;

    /// <summary>Every minute by default, half a minute after the offline check (<c>AlarmRound:Cron</c>).</summary>
    public string AlarmRoundCron { get; init; } = "30 * * * * ?";

    public static MonitoringOptions FromConfiguration(IConfiguration configuration)
    {
        var section = configuration.GetSection("Monitoring");
        var defaults = new MonitoringOptions();
        var bind = section["Mqtt:BindAddress"];
        return new MonitoringOptions
        {
            EmbeddedBroker = section.GetValue("Mqtt:Enabled", defaults.EmbeddedBroker),
            MqttPort = section.GetValue("Mqtt:Port", defaults.MqttPort),
            MqttBindAddress = string.IsNullOrWhiteSpace(bind) ? defaults.MqttBindAddress : IPAddress.Parse(bind),
            ExternalHost = section["External:Host"],
            ExternalPort = section.GetValue("External:Port", defaults.ExternalPort),
            ExternalUserName = section["External:UserName"],
            ExternalPassword = section["External:Password"],
            ExternalClientId = section["External:ClientId"] ?? defaults.ExternalClientId,
            ReconnectDelay = TimeSpan.FromSeconds(section.GetValue("External:ReconnectSeconds", 5)),
            QueueCapacity = section.GetValue("Ingest:QueueCapacity", defaults.QueueCapacity),
            MaxBatchReadings = section.GetValue("Ingest:MaxBatchReadings", defaults.MaxBatchReadings),
            Limits = new IngestLimits(
                TimeSpan.FromSeconds(section.GetValue("Ingest:ClockSkewSeconds", IngestLimits.Default.ClockSkew.TotalSeconds)),
                TimeSpan.FromDays(section.GetValue("Ingest:MaxAgeDays", IngestLimits.Default.MaxAge.TotalDays)),
                section.GetValue("Ingest:MaxReadingsPerMessage", IngestLimits.Default.MaxReadingsPerMessage)),
            SnapshotsPath = section["SnapshotsPath"] ?? defaults.SnapshotsPath,
            OfflineCheck = section.GetValue("OfflineCheck:Enabled", defaults.OfflineCheck),
            OfflineCheckCron = section["OfflineCheck:Cron"] ?? defaults.OfflineCheckCron,
            CompareSnapshots = section.GetValue("Cameras:Compare", defaults.CompareSnapshots),
            ComparePollInterval = TimeSpan.FromSeconds(section.GetValue("Cameras:PollSeconds", defaults.ComparePollInterval.TotalSeconds)),
            AlarmRound = section.GetValue("AlarmRound:Enabled", section.GetValue("OfflineCheck:Enabled", defaults.OfflineCheck)),
            AlarmRoundCron = section["AlarmRound:Cron"] ?? defaults.AlarmRoundCron,
        };
    }

    /// <summary>Text of a port for logs.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"MQTT {(EmbeddedBroker ? $"{MqttBindAddress}:{MqttPort}" : "off")}, external {ExternalHost ?? "none"}");
}
