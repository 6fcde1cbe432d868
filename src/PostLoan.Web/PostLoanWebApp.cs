using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.WebEncoders;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using MudBlazor.Services;
using PostLoan.Cli;
using PostLoan.Infrastructure;
using PostLoan.Infrastructure.Demo;
using PostLoan.Infrastructure.Identity;
using PostLoan.Infrastructure.Ledger.Close;
using PostLoan.Infrastructure.Monitoring;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Web.Common;
using PostLoan.Web.Components;
using PostLoan.Web.Features.Account;
using PostLoan.Web.Features.Administration;
using PostLoan.Web.Features.Ledger;
using PostLoan.Web.Features.Monitoring;
using PostLoan.Web.Features.Notifications;
using PostLoan.Web.Features.Risk;
using PostLoan.Web.Identity;

namespace PostLoan.Web;

/// <summary>Builds and runs the PostLoan web application: REST API under <c>/api</c>, Blazor pages, health checks.</summary>
public static class PostLoanWebApp
{
    /// <summary>Cultures the UI offers; the first is the default.</summary>
    public static readonly CultureInfo[] Cultures = [new("zh-CN"), new("en")];

    /// <summary>Builds the application. Tests pass <paramref name="configure"/> to swap configuration or the server.</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
            ApplicationName = typeof(PostLoanWebApp).Assembly.GetName().Name,
        });

        // Build output (not a publish) serves library assets (MudBlazor) through the static web assets manifest.
        if (File.Exists(Path.Combine(AppContext.BaseDirectory, $"{builder.Environment.ApplicationName}.staticwebassets.runtime.json")))
        {
            builder.WebHost.UseStaticWebAssets();
        }

        configure?.Invoke(builder);
        var services = builder.Services;

        services.AddHttpContextAccessor();
        services.AddScoped<ClaimsCurrentUser>();
        services.AddScoped<ICurrentUser>(sp => sp.GetRequiredService<ClaimsCurrentUser>());
        services.AddScoped<CircuitHandler, CurrentUserCircuitHandler>();
        services.AddScoped<UserScopes>();
        services.AddPostLoanCore(builder.Configuration).AddSignInManager();
        services.AddNightlyClose(builder.Configuration);
        services.AddMonitoringHost(builder.Configuration);
        services.AddScoped<SignInService>();
        services.AddWarningSignalsWeb();

        services.AddAuthentication(options =>
            {
                options.DefaultScheme = ApiTokenAuthentication.SmartScheme;
                options.DefaultChallengeScheme = ApiTokenAuthentication.SmartScheme;
                options.DefaultForbidScheme = ApiTokenAuthentication.SmartScheme;
                options.DefaultSignInScheme = IdentityConstants.ApplicationScheme;
            })
            .AddPolicyScheme(ApiTokenAuthentication.SmartScheme, "Cookie or API token", o =>
                o.ForwardDefaultSelector = ctx => ApiTokenAuthentication.HasBearerToken(ctx.Request) ? ApiTokenAuthentication.SchemeName : IdentityConstants.ApplicationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthentication>(ApiTokenAuthentication.SchemeName, null)
            .AddIdentityCookies();
        services.ConfigureApplicationCookie(options =>
        {
            options.LoginPath = "/account/login";
            options.LogoutPath = "/account/logout";
            options.AccessDeniedPath = "/account/access-denied";
            options.Cookie.Name = "PostLoan.Auth";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.SlidingExpiration = true;
            options.ExpireTimeSpan = TimeSpan.FromHours(8);
            options.Events.OnRedirectToLogin = ctx => ApiAwareRedirect(ctx, StatusCodes.Status401Unauthorized);
            options.Events.OnRedirectToAccessDenied = ctx => ApiAwareRedirect(ctx, StatusCodes.Status403Forbidden);
        });
        services.AddAuthorizationBuilder().AddPostLoanPolicies();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, AuditingAuthorizationResultHandler>();
        services.AddCascadingAuthenticationState();

        services.AddLocalization(o => o.ResourcesPath = "Resources");
        services.Configure<RequestLocalizationOptions>(options =>
        {
            options.DefaultRequestCulture = new RequestCulture(Cultures[0]);
            options.SupportedCultures = Cultures;
            options.SupportedUICultures = Cultures;
            // Chinese unless the user chose otherwise: the browser's language does not switch the UI.
            options.RequestCultureProviders = [new QueryStringRequestCultureProvider(), new CookieRequestCultureProvider()];
        });

        // Chinese text stays readable in the HTML instead of numeric character references.
        services.Configure<WebEncoderOptions>(o => o.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        services.AddDataProtection()
            .SetApplicationName("PostLoan")
            .PersistKeysToFileSystem(new DirectoryInfo(builder.Configuration["DataProtection:KeysPath"] ?? Path.Combine("data", "keys")));
        services.AddProblemDetails();
        services.AddOpenApi();
        services.AddHealthChecks().AddDbContextCheck<PostLoanDbContext>("database", tags: ["ready"]);
        services.AddMudServices();
        services.AddRazorComponents().AddInteractiveServerComponents();

        var app = builder.Build();
        Configure(app);
        return app;
    }

    private static void Configure(WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler();
        }

        app.UseStatusCodePages();
        app.UseRequestLocalization();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();

        app.MapStaticAssets();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") }).AllowAnonymous();
        app.MapOpenApi().RequireAuthorization();

        var api = app.MapGroup("/api").RequireAuthorization().WithTags("PostLoan");
        api.MapAccountApi();
        api.MapAdministrationApi();
        api.MapLedgerApi();
        api.MapLoanApi();
        api.MapClassificationApi();
        api.MapCreditSupportApi();
        api.MapEclApi();
        api.MapImportApi();
        api.MapRiskReportApi();
        api.MapNoticeApi();
        Features.Warning.Indicators.IndicatorApi.MapIndicatorApi(api);
        api.MapMonitoringApi();
        api.MapSiteStatisticsApi();
        api.MapCameraApi();
        api.MapAlarmApi();
        PostLoan.Web.Features.Warning.Rules.WarningRulesApi.MapWarningRulesApi(api);
        app.MapWarningSignals(api);
        PostLoan.Web.Features.Warning.Relations.RelationsApi.MapRelationsApi(api);

        app.MapAccountEndpoints();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
    }

    /// <summary>Browsers are redirected to the login page; API callers get a status code with problem details.</summary>
    private static Task ApiAwareRedirect(Microsoft.AspNetCore.Authentication.RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> ctx, int status)
    {
        if (ctx.Request.Path.StartsWithSegments("/api") || ctx.Request.Path.StartsWithSegments("/openapi"))
        {
            ctx.Response.StatusCode = status;
            return Task.CompletedTask;
        }

        ctx.Response.Redirect(ctx.RedirectUri);
        return Task.CompletedTask;
    }

    /// <summary>Implementation of <c>./postloan serve</c>: migrate, optionally seed the demo bank, then serve.</summary>
    public static async Task<int> ServeAsync(ServeOptions options, CancellationToken cancellationToken)
    {
        var args = options.Urls is null ? Array.Empty<string>() : ["--urls", options.Urls];
        await using var app = Build(args);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var migrator = scope.ServiceProvider.GetRequiredService<DatabaseMigrator>();
            await migrator.MigrateAsync(cancellationToken);
        }

        if (options.Demo)
        {
            await using var scope = app.Services.CreateAsyncScope();
            // Seeding acts as the system, not as an anonymous web user.
            scope.ServiceProvider.GetRequiredService<ClaimsCurrentUser>().ActAsSystem();
            var (bank, loans) = await DemoSeeding.SeedAsync(scope.ServiceProvider, DemoBankSeeder.DefaultCustomersPerSubBranch, DemoLoanSeeder.DefaultLoans, cancellationToken);
            if (loans > 0)
            {
                Console.WriteLine($"Demo loans: {loans} with up to 24 months of history.");
            }

            if (bank is not null)
            {
                PostLoanCommandLine.PrintLogins(bank);
            }
            else
            {
                Console.WriteLine($"Demo bank already present. Demo logins (admin, risk, am.bj01, ent.demo …) use the password {DemoBankSeeder.DemoPassword}.");
            }
        }

        await app.StartAsync(cancellationToken);
        foreach (var url in app.Urls)
        {
            Console.WriteLine($"PostLoan is running at {url}  (Ctrl+C to stop)");
        }

        await app.WaitForShutdownAsync(cancellationToken);
        return 0;
    }
}
