using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PostLoan.Infrastructure.Ledger.Close;
using Quartz;

namespace PostLoan.Infrastructure.Warning.Indicators;

/// <summary>Registers the indicator store: catalogue, ledger close step, statements, external events, provider polling.</summary>
public static class IndicatorServices
{
    /// <summary>Default poll schedule of the external data providers: every 15 minutes.</summary>
    public const string DefaultPollCron = "0 0/15 * * * ?";

    /// <summary>
    /// Adds the indicator services. Polling runs only when <c>Warning:ExternalData:Providers</c> names at least one
    /// provider (for example <c>demo</c>); <c>Warning:ExternalData:Cron</c> overrides the schedule.
    /// </summary>
    public static IServiceCollection AddIndicators(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddScoped<IndicatorCatalogueService>();
        services.AddScoped<IndicatorValueStore>();
        services.AddScoped<LedgerIndicators>();
        services.AddScoped<ICloseStep, LedgerIndicatorsCloseStep>();
        services.AddScoped<FinancialStatementService>();
        services.AddScoped<ExternalEventService>();
        services.AddScoped<IExternalDataProvider, DemoExternalDataProvider>();
        services.AddScoped<ExternalDataProviderRegistry>();
        services.AddScoped<ExternalDataPoller>();
        if (ExternalDataProviderRegistry.EnabledNames(configuration).Count == 0)
        {
            return services;
        }

        var cron = configuration["Warning:ExternalData:Cron"] ?? DefaultPollCron;
        services.AddQuartz(q =>
        {
            q.AddJob<ExternalDataPollJob>(ExternalDataPollJob.Key, j => j.StoreDurably());
            q.AddTrigger(t => t.ForJob(ExternalDataPollJob.Key).WithIdentity("external-data-poll-trigger", "warning").WithCronSchedule(cron));
        });
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        return services;
    }
}
