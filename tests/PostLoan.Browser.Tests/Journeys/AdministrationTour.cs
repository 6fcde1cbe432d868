using Microsoft.Playwright;
using PostLoan.Browser.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace PostLoan.Browser.Tests.Journeys;

/// <summary>An administrator walks through the administration pages; each shows the demo bank's real data.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AdministrationTour(BrowserFixture fixture)
{
    [Fact]
    public async Task The_administration_pages_show_the_demo_bank()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/account/login");
        await BrowserFixture.CaptureAsync(page, "login");
        await BrowserFixture.SignInAsync(page, "admin");
        // The demo bank has 72 customers; other journeys in this run may have added their own (codes E2E…).
        var added = await page.EvaluateAsync<int>("() => fetch('/api/customers?search=E2E').then(r => r.json()).then(p => p.total)");
        await Expect(page.Locator("[data-testid=stat-customers]")).ToHaveTextAsync((72 + added).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await BrowserFixture.CaptureAsync(page, "dashboard");

        await page.GotoAsync("/admin/organisations");
        await Expect(page.Locator("[data-testid=organisation-tree] tbody tr")).ToHaveCountAsync(13);
        await Expect(page.Locator("[data-testid=organisation-tree]")).ToContainTextAsync("广州海珠支行");
        await BrowserFixture.CaptureAsync(page, "organisations");

        await page.GotoAsync("/admin/users");
        await Expect(page.Locator("[data-testid=user-table]")).ToContainTextAsync("am.gz03");
        await BrowserFixture.CaptureAsync(page, "users");

        await page.GotoAsync("/admin/roles");
        await Expect(page.Locator("[data-testid=role-table] tbody tr")).ToHaveCountAsync(8);

        await page.GotoAsync("/admin/parameters");
        await Expect(page.Locator("[data-testid=parameter-table]")).ToContainTextAsync("ledger.penaltyMarkup");

        await page.GotoAsync("/customers");
        await Expect(page.Locator("[data-testid=customer-table] tbody tr")).ToHaveCountAsync(10);
        await BrowserFixture.CaptureAsync(page, "customers");

        await page.GotoAsync("/admin/audit");
        await Expect(page.Locator("[data-testid=audit-table]")).ToContainTextAsync("登录");
        await BrowserFixture.CaptureAsync(page, "audit");
    }

    [Fact]
    public async Task An_account_manager_cannot_open_administration()
    {
        var page = await fixture.NewPageAsync();
        await BrowserFixture.SignInAsync(page, "am.gz01");

        await page.GotoAsync("/admin/users");

        await Expect(page.Locator("[data-testid=forbidden]")).ToBeVisibleAsync();
        await Expect(page.GetByText("用户管理")).ToHaveCountAsync(0);
    }
}
