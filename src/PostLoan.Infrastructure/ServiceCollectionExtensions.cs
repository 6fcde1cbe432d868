using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PostLoan.Infrastructure.Administration;
using PostLoan.Infrastructure.Demo;
using PostLoan.Infrastructure.Identity;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Infrastructure;

/// <summary>Registers persistence, identity stores and the application services shared by the web host and the CLI.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Adds PostLoan's core services. The host registers its own <see cref="ICurrentUser"/> (claims in the web app,
    /// <see cref="SystemUser"/> in the CLI).
    /// </summary>
    public static IdentityBuilder AddPostLoanCore(this IServiceCollection services, IConfiguration configuration)
    {
        var database = DatabaseOptions.FromConfiguration(configuration);
        services.AddSingleton(database);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<SqliteCheckpointer>();
        services.AddScoped<IDbContextFactory<PostLoanDbContext>, PostLoanDbContextFactory>();
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<PostLoanDbContext>>().CreateDbContext());
        services.AddScoped<DatabaseMigrator>();
        services.AddScoped<ApiTokenService>();
        services.AddScoped<OrganisationService>();
        services.AddScoped<UserAdministration>();
        services.AddScoped<ParameterService>();
        services.AddScoped<Ledger.Customers.CustomerService>();
        services.AddScoped<Ledger.Import.CustomerImporter>();
        services.AddScoped<Ledger.Import.LoanImporter>();
        services.AddScoped<Ledger.Import.RepaymentImporter>();
        services.AddScoped<Ledger.Import.CalendarImporter>();
        services.AddScoped<DemoBankSeeder>();
        services.AddScoped<DemoLoanSeeder>();
        services.AddScoped<Ledger.Loans.LoanServicing>();
        services.AddScoped<Ledger.CreditSupport.CreditSupportService>();
        services.AddScoped<Ledger.Close.DailyClose>();
        services.AddScoped<Ledger.Close.SyntheticBook>();
        services.AddScoped<Risk.Classification.ClassificationEngine>();
        services.AddScoped<Ledger.Close.ICloseStep, Risk.Classification.ClassificationCloseStep>();
        services.AddScoped<Ledger.Close.ICloseStep, Ledger.Reminders.ReminderCloseStep>();
        services.AddScoped<Ledger.Reminders.NoticeService>();
        services.AddScoped<Risk.Classification.ClassificationService>();
        services.AddScoped<Risk.Ecl.EclEngine>();
        services.AddScoped<Risk.Reports.MigrationMatrices>();
        services.AddScoped<Risk.Reports.ProvisioningReport>();
        services.AddScoped<Warning.Signals.SignalRaiser>();
        Warning.Indicators.IndicatorServices.AddIndicators(services, configuration);
        Monitoring.MonitoringServices.AddMonitoring(services, configuration);
        Warning.Rules.WarningRuleServices.AddWarningRules(services);
        Warning.Signals.SignalWorkflowServices.AddSignalWorkflow(services, configuration);
        Warning.Relations.RelationServices.AddRelations(services);

        var security = configuration.GetSection("Security");
        return services
            .AddIdentityCore<ApplicationUser>(options =>
            {
                options.User.RequireUniqueEmail = false;
                options.Password.RequiredLength = 8;
                options.Password.RequireNonAlphanumeric = false;
                options.Lockout.AllowedForNewUsers = true;
                options.Lockout.MaxFailedAccessAttempts = security.GetValue("MaxFailedAccessAttempts", 5);
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(security.GetValue("LockoutMinutes", 15));
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<PostLoanDbContext>()
            .AddClaimsPrincipalFactory<PostLoanClaimsPrincipalFactory>();
    }
}
