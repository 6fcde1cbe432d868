using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PostLoan.Infrastructure.Demo;
using PostLoan.Infrastructure.Identity;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Web;

namespace PostLoan.Integration.Tests.Support;

/// <summary>
/// The real web application on an in-memory server, on a real database (SQLite file or PostgreSQL), migrated and
/// seeded with the demo bank. Clients keep cookies, so they sign in through the real login form.
/// </summary>
public sealed partial class TestApp : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _directory;

    private TestApp(WebApplication app, string directory, DatabaseOptions database)
    {
        _app = app;
        _directory = directory;
        Database = database;
    }

    public DatabaseOptions Database { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Lockout threshold configured for tests.</summary>
    public const int MaxFailedAccessAttempts = 3;

    public static async Task<TestApp> StartAsync(DatabaseProvider provider = DatabaseProvider.Sqlite, string? connectionString = null, TimeProvider? clock = null, bool seed = true, Action<IServiceCollection>? services = null, IDictionary<string, string?>? settings = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "postloan-test-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        connectionString ??= $"Data Source={Path.Combine(directory, "postloan.db")}";
        var app = PostLoanWebApp.Build([], builder =>
        {
            builder.WebHost.UseTestServer();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Database:Provider"] = provider.ToString(),
                ["ConnectionStrings:PostLoan"] = connectionString,
                ["DataProtection:KeysPath"] = Path.Combine(directory, "keys"),
                ["Security:MaxFailedAccessAttempts"] = MaxFailedAccessAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
                // Quartz keeps a process-wide logger: many apps in one test process must not each start a scheduler.
                // The nightly job's logic is tested directly (NightlyCloseCatchesUp).
                ["Ledger:NightlyClose:Enabled"] = "false",
                // Device ingest: no broker on a fixed port and no scheduler unless a test asks (Monitoring/ tests).
                ["Monitoring:Mqtt:Enabled"] = "false",
                ["Monitoring:OfflineCheck:Enabled"] = "false",
                ["Monitoring:SnapshotsPath"] = Path.Combine(directory, "snapshots"),
            });
            builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
            if (clock is not null)
            {
                builder.Services.AddSingleton(clock);
            }

            services?.Invoke(builder.Services);
        });
        await app.StartAsync();
        var testApp = new TestApp(app, directory, app.Services.GetRequiredService<DatabaseOptions>());
        await testApp.AsSystemAsync(async services =>
        {
            await services.GetRequiredService<DatabaseMigrator>().MigrateAsync();
            if (seed)
            {
                await services.GetRequiredService<DemoBankSeeder>().SeedAsync(customersPerSubBranch: 4);
            }

            return 0;
        });
        return testApp;
    }

    /// <summary>Runs <paramref name="work"/> in a service scope acting as the system (no data scope limits).</summary>
    public async Task<T> AsSystemAsync<T>(Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<PostLoan.Web.Identity.ClaimsCurrentUser>().ActAsSystem();
        return await work(scope.ServiceProvider);
    }

    /// <summary>A context that sees everything, for arranging and asserting.</summary>
    public PostLoanDbContext SystemDb() => Database.CreateContext(SystemUser.Instance);

    /// <summary>A client that keeps cookies and does not follow redirects.</summary>
    public HttpClient Client()
    {
        var server = _app.GetTestServer();
        return new HttpClient(new CookieContainerHandler { InnerHandler = server.CreateHandler() }) { BaseAddress = server.BaseAddress };
    }

    /// <summary>Posts the login form as a browser would; returns the response (302 on success).</summary>
    public static async Task<HttpResponseMessage> PostLoginAsync(HttpClient client, string userName, string password)
    {
        var page = await client.GetStringAsync("/account/login");
        var token = AntiforgeryToken().Match(page).Groups[1].Value;
        return await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = token,
            ["Input.UserName"] = userName,
            ["Input.Password"] = password,
        }));
    }

    /// <summary>A client signed in as <paramref name="userName"/> with the demo password.</summary>
    public async Task<HttpClient> SignedInAsync(string userName)
    {
        var client = Client();
        var response = await PostLoginAsync(client, userName, DemoBankSeeder.DemoPassword);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }

    /// <summary>A client authenticated by a fresh API token of <paramref name="userName"/>.</summary>
    public async Task<HttpClient> WithTokenAsync(string userName)
    {
        var secret = await AsSystemAsync(async services =>
        {
            var db = services.GetRequiredService<PostLoanDbContext>();
            var user = await db.Users.SingleAsync(u => u.UserName == userName);
            var issued = await services.GetRequiredService<ApiTokenService>().CreateAsync(user.Id, "test", TimeSpan.FromDays(1));
            return issued.Value!.Secret;
        });
        var client = Client();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", secret);
        return client;
    }

    public static Task<T?> GetJsonAsync<T>(HttpClient client, string url) => client.GetFromJsonAsync<T>(url);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Database.Provider == DatabaseProvider.Postgres)
        {
            // The test cluster allows 200 connections: a finished app's idle ones are closed rather than kept for 5 minutes.
            using var connection = new Npgsql.NpgsqlConnection(Database.ConnectionString);
            Npgsql.NpgsqlConnection.ClearPool(connection);
        }
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Temporary files left behind are harmless.
        }
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
