using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Monitoring;
using PostLoan.Domain.Monitoring.Alarms;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Infrastructure.Monitoring.Statistics;

/// <summary>What the live view (实时看板) of a site shows at one instant.</summary>
/// <param name="SiteId">The site.</param>
/// <param name="SiteName">Its name.</param>
/// <param name="Day">The site's business day now (counters restart at its day start).</param>
/// <param name="AsOf">When the view was read.</param>
/// <param name="Headcount">People inside now: the day's entries − exits, never below 0.</param>
/// <param name="Entries">Entries of the day.</param>
/// <param name="Exits">Exits of the day.</param>
/// <param name="Devices">Each device with its status and latest reading.</param>
/// <param name="Cameras">Each camera's latest snapshot.</param>
/// <param name="Alarms">Open and acknowledged alarms, newest first.</param>
public sealed record SiteLiveView(
    int SiteId, string SiteName, DateOnly Day, DateTimeOffset AsOf, int Headcount, int Entries, int Exits,
    IReadOnlyList<LiveDevice> Devices, IReadOnlyList<LiveCamera> Cameras, IReadOnlyList<LiveAlarm> Alarms);

/// <summary>A device on the live view: status and its latest reading (values as sent: in/out, register, °C/%, alarm 1/0).</summary>
public sealed record LiveDevice(
    int Id, string Code, string Name, [property: JsonConverter(typeof(JsonStringEnumConverter<DeviceKind>))] DeviceKind Kind,
    [property: JsonConverter(typeof(JsonStringEnumConverter<DeviceStatus>))] DeviceStatus Status, DateTimeOffset? LastSeenAt, string? FaultReason, LiveReading? Latest);

/// <summary>A device's latest reading.</summary>
public sealed record LiveReading(DateTimeOffset At, double Value, double? Value2);

/// <summary>A camera's latest snapshot; the image is served by the scoped snapshot endpoint.</summary>
public sealed record LiveCamera(int DeviceId, string Name, long? SnapshotId, DateTimeOffset? TakenAt, int Width, int Height);

/// <summary>An active alarm.</summary>
public sealed record LiveAlarm(
    long Id, int DeviceId, [property: JsonConverter(typeof(JsonStringEnumConverter<AlarmKind>))] AlarmKind Kind,
    [property: JsonConverter(typeof(JsonStringEnumConverter<AlarmSeverity>))] AlarmSeverity Severity,
    [property: JsonConverter(typeof(JsonStringEnumConverter<AlarmStatus>))] AlarmStatus Status, string Title, DateTimeOffset FirstSeenAt, DateTimeOffset LastSeenAt, int Occurrences);

/// <summary>
/// Reads a site's live view: a few indexed queries (devices, each device's newest reading by its key, each camera's
/// newest snapshot, the day's people-counter totals, active alarms). The caller has checked the site is in scope.
/// </summary>
public sealed class SiteLive(PostLoanDbContext db, SiteStatisticsService statistics, TimeProvider clock)
{
    public async Task<SiteLiveView> ReadAsync(MonitoringSite site, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var devices = await db.Devices.AsNoTracking().Where(d => d.SiteId == site.Id).OrderBy(d => d.Kind).ThenBy(d => d.Code).ToListAsync(cancellationToken);
        var live = new List<LiveDevice>(devices.Count);
        var cameras = new List<LiveCamera>();
        foreach (var device in devices)
        {
            if (device.Kind == DeviceKind.WarehouseCamera)
            {
                var snapshot = await db.DeviceSnapshots.AsNoTracking().Where(s => s.DeviceId == device.Id).OrderByDescending(s => s.TakenAt).ThenByDescending(s => s.Id)
                    .Select(s => new { s.Id, s.TakenAt, s.Width, s.Height }).FirstOrDefaultAsync(cancellationToken);
                cameras.Add(new LiveCamera(device.Id, device.Name, snapshot?.Id, snapshot?.TakenAt, snapshot?.Width ?? 0, snapshot?.Height ?? 0));
                live.Add(new LiveDevice(device.Id, device.Code, device.Name, device.Kind, device.Status, device.LastSeenAt, device.FaultReason, null));
                continue;
            }

            // The newest reading by the device's key (its sequence, or its time in milliseconds without one).
            var reading = await db.DeviceReadings.AsNoTracking().Where(r => r.DeviceId == device.Id).OrderByDescending(r => r.Sequence)
                .Select(r => new LiveReading(r.At, r.Value, r.Value2)).FirstOrDefaultAsync(cancellationToken);
            live.Add(new LiveDevice(device.Id, device.Code, device.Name, device.Kind, device.Status, device.LastSeenAt, device.FaultReason, reading));
        }

        var (headcount, entries, exits) = await statistics.HeadcountAsync(site, now, cancellationToken);
        var alarms = await db.MonitoringAlarms.AsNoTracking()
            .Where(a => a.SiteId == site.Id && (a.Status == AlarmStatus.Open || a.Status == AlarmStatus.Acknowledged))
            .OrderByDescending(a => a.Id).Take(50)
            .Select(a => new LiveAlarm(a.Id, a.DeviceId, a.Kind, a.Severity, a.Status, a.Title, a.FirstSeenAt, a.LastSeenAt, a.Occurrences))
            .ToListAsync(cancellationToken);
        return new SiteLiveView(site.Id, site.Name, site.DayOf(now), now, headcount, entries, exits, live, cameras, alarms);
    }
}
