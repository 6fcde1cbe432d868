using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PostLoan.Domain.Warning.Push;
using PostLoan.Infrastructure.Ledger.CreditLines;
using PostLoan.Infrastructure.Warning.Push;
using Quartz;

namespace PostLoan.Infrastructure.Warning.Signals;

/// <summary>Registers the signal workflow, credit lines, the notification centre with its channels and outbox worker, and the escalation job.</summary>
public static class SignalWorkflowServices
{
    /// <summary>
    /// Configuration: <c>Warning:Escalation:Enabled</c> (default: as the nightly close) and <c>Warning:Escalation:Cron</c>;
    /// <c>Notifications:Outbox:Enabled</c>, <c>PollSeconds</c>, <c>BaseDelaySeconds</c> (30), <c>MaxAttempts</c> (6),
    /// <c>Notifications:OutboxDirectory</c> (data/outbox), <c>Notifications:Webhook:TimeoutSeconds</c> (10).
    /// </summary>
    public static IServiceCollection AddSignalWorkflow(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddScoped<CreditLineService>();
        services.AddScoped<SignalWorkflow>();
        services.AddScoped<SignalIntake>();
        services.AddScoped<SignalSupervisors>();
        services.AddScoped<SignalEscalation>();
        services.AddScoped<ISignalObserver, SignalAssignmentObserver>();
        services.AddScoped<NotificationCentre>();
        services.AddScoped<OutboxDispatcher>();
        services.AddScoped<INotificationChannel, WebhookChannel>();
        services.AddScoped<INotificationChannel, SmsFileChannel>();
        services.AddScoped<INotificationChannel, EmailFileChannel>();
        services.TryAddSingleton<OutboxWakeUp>();
        var outbox = configuration.GetSection("Notifications:Outbox");
        services.AddSingleton(new RetryPolicy(TimeSpan.FromSeconds(outbox.GetValue("BaseDelaySeconds", 30.0)), outbox.GetValue("MaxAttempts", 6)));
        services.AddHttpClient(WebhookChannel.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(configuration.GetValue("Notifications:Webhook:TimeoutSeconds", 10.0)));
        if (outbox.GetValue("Enabled", true))
        {
            services.AddHostedService<OutboxWorker>();
        }

        if (configuration.GetValue("Warning:Escalation:Enabled", configuration.GetValue("Ledger:NightlyClose:Enabled", true)))
        {
            var cron = configuration["Warning:Escalation:Cron"] ?? SignalEscalationJob.DefaultCron;
            services.AddQuartz(q =>
            {
                q.AddJob<SignalEscalationJob>(SignalEscalationJob.Key, j => j.StoreDurably());
                q.AddTrigger(t => t.ForJob(SignalEscalationJob.Key).WithIdentity("signal-escalation-trigger", "warning").WithCronSchedule(cron));
            });
            services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        }

        return services;
    }
}
