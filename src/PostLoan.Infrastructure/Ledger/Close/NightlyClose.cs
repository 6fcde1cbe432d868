using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PostLoan.Infrastructure.Identity;
using PostLoan.Infrastructure.Ledger.Loans;
using Quartz;

namespace PostLoan.Infrastructure.Ledger.Close;

/// <summary>
/// The scheduled daily close (Quartz.NET): every night it closes each open business date up to today, in order. The
/// close itself is resumable and claims chunks with <c>FOR UPDATE SKIP LOCKED</c> on PostgreSQL, so several app
/// nodes may run this job at once without closing anything twice.
/// </summary>
[DisallowConcurrentExecution]
public sealed class NightlyCloseJob(IServiceScopeFactory scopes, TimeProvider clock, ILogger<NightlyCloseJob> logger) : IJob
{
    public static readonly JobKey Key = new("nightly-close", "ledger");

    public Task Execute(IJobExecutionContext context) => CloseThroughTodayAsync(context.CancellationToken);

    /// <summary>Closes every open business date up to today, in order; returns how many dates were closed.</summary>
    public async Task<int> CloseThroughTodayAsync(CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(clock.GetLocalNow().Date);
        var closed = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            await using var scope = scopes.CreateAsyncScope();
            if (scope.ServiceProvider.GetService<ICurrentUser>() is IActAsSystem system)
            {
                system.ActAsSystem();
            }

            var open = await scope.ServiceProvider.GetRequiredService<LoanServicing>().OpenBusinessDateAsync(cancellationToken);
            if (open > today)
            {
                break;
            }

            var result = await scope.ServiceProvider.GetRequiredService<DailyClose>().RunAsync(open, cancellationToken: cancellationToken);
            if (!result.IsSuccess)
            {
                logger.LogError("Nightly close of {Date} failed: {Error}", open.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), result.Error!.Message);
                break;
            }

            closed++;
        }

        return closed;
    }
}

/// <summary>Registers the nightly close schedule: <c>Ledger:NightlyClose:Cron</c> (default 23:30 every day), <c>Ledger:NightlyClose:Enabled</c>.</summary>
public static class NightlyCloseSchedule
{
    public const string DefaultCron = "0 30 23 * * ?";

    public static IServiceCollection AddNightlyClose(this IServiceCollection services, IConfiguration configuration)
    {
        if (!configuration.GetValue("Ledger:NightlyClose:Enabled", true))
        {
            return services;
        }

        var cron = configuration["Ledger:NightlyClose:Cron"] ?? DefaultCron;
        services.AddQuartz(q =>
        {
            q.AddJob<NightlyCloseJob>(NightlyCloseJob.Key, j => j.StoreDurably());
            q.AddTrigger(t => t.ForJob(NightlyCloseJob.Key).WithIdentity("nightly-close-trigger", "ledger").WithCronSchedule(cron));
        });
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        return services;
    }
}
