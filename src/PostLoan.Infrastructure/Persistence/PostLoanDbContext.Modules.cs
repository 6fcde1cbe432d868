using Microsoft.EntityFrameworkCore;

namespace PostLoan.Infrastructure.Persistence;

/// <summary>
/// Hooks for the modules that keep their part of the model in their own partial file of <see cref="PostLoanDbContext"/>
/// (one hook per file: a partial method has one implementation).
/// </summary>
public abstract partial class PostLoanDbContext
{
    /// <summary>Operations monitoring (domain.md §6): sites, devices, readings, snapshots, alarms.</summary>
    partial void ConfigureMonitoring(ModelBuilder builder);

    /// <summary>Indicator inputs: external events, financial statements, provider adapters.</summary>
    partial void ConfigureIndicatorInputs(ModelBuilder builder);

    /// <summary>Warning rules, versions, shadow results and backtests.</summary>
    partial void ConfigureWarningRules(ModelBuilder builder);

    /// <summary>The signal workflow (steps, disposal actions) and push (notifications, subscriptions, webhooks).</summary>
    partial void ConfigureSignalWorkflow(ModelBuilder builder);

    /// <summary>Related parties: the relationship graph.</summary>
    partial void ConfigureRelations(ModelBuilder builder);

    /// <summary>Credit lines (授信额度) and draws.</summary>
    partial void ConfigureCreditLines(ModelBuilder builder);

    /// <summary>Reminders and notices to borrowers and guarantors (还款提醒).</summary>
    partial void ConfigureReminders(ModelBuilder builder);

    /// <summary>Warehouse cameras: policies, base images, snapshot comparisons.</summary>
    partial void ConfigureCameras(ModelBuilder builder);
}
