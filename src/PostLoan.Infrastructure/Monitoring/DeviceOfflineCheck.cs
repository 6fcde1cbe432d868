using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using PostLoan.Domain.Monitoring;
using PostLoan.Infrastructure.Administration;
using PostLoan.Infrastructure.Identity;
using PostLoan.Infrastructure.Persistence;
using Quartz;

namespace PostLoan.Infrastructure.Monitoring;

/// <summary>
/// Marks devices offline (设备离线) when nothing was heard from them for the parameter
/// <c>monitoring.offlineAfterMinutes</c> (15 by default), and records a <see cref="DeviceEventKind.WentOffline"/> event
/// for each, which the alarm round turns into an alarm. Devices never heard from stay offline without an event.
/// </summary>
public sealed class DeviceOfflineCheck(DatabaseOptions database, TimeProvider clock, ILogger<DeviceOfflineCheck> logger)
{
    public const string SilenceParameter = "monitoring.offlineAfterMinutes";

    public const int DefaultSilenceMinutes = 15;

    /// <summary>Runs the check once; returns the devices marked offline.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken = default)
    {
        await using var db = database.CreateContext(SystemUser.Instance, clock);
        var minutes = await new ParameterService(db).DecimalAsync(SilenceParameter, DefaultSilenceMinutes, cancellationToken);
        var now = clock.GetUtcNow();
        var cutoff = now - TimeSpan.FromMinutes((double)minutes);
        var silent = await db.Devices
            .Where(d => d.Status != DeviceStatus.Offline && d.LastSeenAt != null && d.LastSeenAt < cutoff)
            .ToListAsync(cancellationToken);
        foreach (var device in silent)
        {
            device.Status = DeviceStatus.Offline;
            db.DeviceEvents.Add(new DeviceEvent
            {
                DeviceId = device.Id, SiteId = device.SiteId, CustomerId = device.CustomerId, At = now, Kind = DeviceEventKind.WentOffline,
                Detail = string.Create(CultureInfo.InvariantCulture, $"silent since {device.LastSeenAt:O} (threshold {minutes} min)"),
                OrganisationPath = device.OrganisationPath, AccountManagerId = device.AccountManagerId,
            });
        }

        if (silent.Count > 0)
        {
            await db.SaveChangesAsync(cancellationToken);
            logger.LogInformation("{Count} devices went offline", silent.Count);
        }

        return silent.Count;
    }
}

/// <summary>The offline check on a Quartz schedule (<c>Monitoring:OfflineCheck:Cron</c>, every minute by default).</summary>
[DisallowConcurrentExecution]
public sealed class DeviceOfflineJob(DeviceOfflineCheck check) : IJob
{
    public static readonly JobKey Key = new("device-offline", "monitoring");

    public Task Execute(IJobExecutionContext context) => check.RunAsync(context.CancellationToken);
}
