using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PostLoan.Infrastructure;
using PostLoan.Infrastructure.Identity;

namespace PostLoan.Cli;

/// <summary>Configuration and services for commands that run without the web host, acting as the system user.</summary>
public static class CliServices
{
    /// <summary>appsettings.json beside the binaries, then environment variables (e.g. <c>Database__Provider</c>).</summary>
    public static IConfiguration Configuration() => new ConfigurationBuilder()
        .SetBasePath(AppContext.BaseDirectory)
        .AddJsonFile("appsettings.json", optional: true)
        .AddEnvironmentVariables()
        .Build();

    /// <summary>
    /// Builds a service provider for batch work; dispose it when the command ends. <paramref name="quiet"/>: warnings and
    /// errors only, whatever the environment asks (a benchmark's warm-up).
    /// </summary>
    public static ServiceProvider Build(IConfiguration? configuration = null, bool quiet = false)
    {
        configuration ??= Configuration();
        var services = new ServiceCollection();
        // Logging__LogLevel__<category> in the environment overrides these (e.g. =Debug for the close's chunk timings).
        services.AddLogging(b =>
        {
            b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
            if (!quiet)
            {
                b.AddFilter("PostLoan", LogLevel.Information).AddConfiguration(Configuration().GetSection("Logging"));
            }
        });
        services.AddSingleton(configuration);
        services.AddSingleton<ICurrentUser>(SystemUser.Instance);
        services.AddPostLoanCore(configuration);
        return services.BuildServiceProvider(validateScopes: true);
    }
}
