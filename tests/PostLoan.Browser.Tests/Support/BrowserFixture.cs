using Microsoft.Playwright;

namespace PostLoan.Browser.Tests.Support;

/// <summary>
/// One product server with the demo bank and one headless Debian Chromium for all browser tests. Playwright
/// drives the system browser at /usr/bin/chromium; no browser is downloaded.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string DemoPassword = "PostLoan@2026";

    private IPlaywright? _playwright;

    public ProductServer Server { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await ProductServer.StartAsync();
        await WarmUpAsync();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("POSTLOAN_CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    /// <summary>A fresh browser context (own cookies) with a page, at a desktop or phone viewport.</summary>
    public async Task<IPage> NewPageAsync(int width = 1366, int height = 900)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Server.BaseUrl, ViewportSize = new ViewportSize { Width = width, Height = height } });
        // Generous: CI shares two cores between the product, the browser and the test runner.
        context.SetDefaultTimeout(60_000);
        return await context.NewPageAsync();
    }

    /// <summary>Signs in through the login form and waits for the dashboard.</summary>
    public static async Task SignInAsync(IPage page, string userName)
    {
        await page.GotoAsync("/account/login");
        await page.FillAsync("#username", userName);
        await page.FillAsync("#password", DemoPassword);
        await page.ClickAsync("[data-testid=login-submit]");
        await page.WaitForURLAsync(url => !url.Contains("/account/login", StringComparison.Ordinal), new PageWaitForURLOptions { WaitUntil = WaitUntilState.Commit });
    }

    /// <summary>Opens a page and waits until its Blazor circuit is interactive, so typed input is not lost.</summary>
    public static async Task GotoInteractiveAsync(IPage page, string url)
    {
        await page.GotoAsync(url);
        await page.Locator("[data-testid=interactive]").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
    }

    /// <summary>First requests compile pages and load the model; do that before the first timed browser step.</summary>
    private async Task WarmUpAsync()
    {
        using var http = new HttpClient { BaseAddress = new Uri(Server.BaseUrl), Timeout = TimeSpan.FromMinutes(2) };
        foreach (var path in new[] { "/account/login", "/_framework/blazor.web.js", "/_content/MudBlazor/MudBlazor.min.css" })
        {
            (await http.GetAsync(path)).EnsureSuccessStatusCode();
        }
    }

    /// <summary>Saves a full-page screenshot when POSTLOAN_SCREENSHOTS names a folder (used for the README).</summary>
    public static async Task CaptureAsync(IPage page, string name)
    {
        var folder = Environment.GetEnvironmentVariable("POSTLOAN_SCREENSHOTS");
        if (string.IsNullOrEmpty(folder))
        {
            return;
        }

        Directory.CreateDirectory(folder);
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name + ".png"), FullPage = false });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Browser";
}
