using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PostLoan.Infrastructure.Monitoring.Alarms;
using PostLoan.Infrastructure.Monitoring.Cameras;
using PostLoan.Infrastructure.Monitoring.Ingest;
using PostLoan.Infrastructure.Monitoring.Mqtt;
using Quartz;

namespace PostLoan.Infrastructure.Monitoring;

/// <summary>Registers operations monitoring: device maintenance, the ingest and, in a host, its brokers and the offline check.</summary>
public static class MonitoringServices
{
    /// <summary>Services shared by the web app and the CLI (maintenance, ingest pipeline, snapshot store).</summary>
    public static IServiceCollection AddMonitoring(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(MonitoringOptions.FromConfiguration(configuration));
        services.AddSingleton<DeviceDirectory>();
        services.AddSingleton<ReadingWriter>();
        services.AddSingleton<IngestPipeline>();
        services.AddSingleton<SnapshotStore>();
        services.AddSingleton<IngestGateway>();
        services.AddSingleton<DeviceOfflineCheck>();
        services.AddSingleton<AlarmStore>();
        services.AddSingleton<SnapshotSignal>();
        services.AddSingleton<CameraFiles>();
        services.AddSingleton<CameraComparisonWorker>();
        services.AddScoped<CameraPolicyService>();
        services.AddSingleton<AlarmRound>();
        services.AddScoped<AlarmReviewService>();
        services.AddScoped<AlarmRuleService>();
        services.AddScoped<AlarmReports>();
        services.AddScoped<DeviceService>();
        services.AddScoped<Statistics.SiteStatisticsService>();
        services.AddScoped<Statistics.SiteLive>();
        services.AddScoped<Statistics.DeviceIndicators>();
        services.AddScoped<Ledger.Close.ICloseStep, Statistics.DeviceIndicatorsCloseStep>();
        return services;
    }

    /// <summary>
    /// What runs in a host: the ingest writer, the embedded broker (<c>Monitoring:Mqtt:Enabled</c>), the external broker
    /// client (<c>Monitoring:External:Host</c>) and the offline check (<c>Monitoring:OfflineCheck:Enabled</c>).
    /// </summary>
    public static IServiceCollection AddMonitoringHost(this IServiceCollection services, IConfiguration configuration)
    {
        var options = MonitoringOptions.FromConfiguration(configuration);
        services.AddHostedService(sp => sp.GetRequiredService<IngestPipeline>());
        if (options.EmbeddedBroker)
        {
            services.AddSingleton<EmbeddedBroker>();
            services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<EmbeddedBroker>());
        }

        if (!string.IsNullOrWhiteSpace(options.ExternalHost))
        {
            services.AddSingleton<ExternalBrokerClient>();
            services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<ExternalBrokerClient>());
        }

        if (options.CompareSnapshots)
        {
            services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<CameraComparisonWorker>());
        }

        if (options.OfflineCheck)
        {
            services.AddQuartz(q =>
            {
                q.AddJob<DeviceOfflineJob>(DeviceOfflineJob.Key, j => j.StoreDurably());
                q.AddTrigger(t => t.ForJob(DeviceOfflineJob.Key).WithIdentity("device-offline-trigger", "monitoring").WithCronSchedule(options.OfflineCheckCron));
            });
            services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        }

        if (options.AlarmRound)
        {
            services.AddQuartz(q =>
            {
                q.AddJob<AlarmRoundJob>(AlarmRoundJob.Key, j => j.StoreDurably());
                q.AddTrigger(t => t.ForJob(AlarmRoundJob.Key).WithIdentity("alarm-round-trigger", "monitoring").WithCronSchedule(options.AlarmRoundCron));
            });
            services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        }

        return services;
    }
}
