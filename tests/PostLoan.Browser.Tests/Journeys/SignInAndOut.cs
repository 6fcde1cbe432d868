using Microsoft.Playwright;
using PostLoan.Browser.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace PostLoan.Browser.Tests.Journeys;

/// <summary>A user signs in through the real login page, lands on the dashboard in Chinese, and signs out.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SignInAndOut(BrowserFixture fixture)
{
    [Fact]
    public async Task A_user_signs_in_sees_the_dashboard_and_signs_out()
    {
        var page = await fixture.NewPageAsync();

        await page.GotoAsync("/");
        await page.WaitForURLAsync("**/account/login**");
        await Expect(page.Locator("h1")).ToHaveTextAsync("PostLoan 贷后风控平台");

        await BrowserFixture.SignInAsync(page, "risk.bj");
        await Expect(page.Locator("[data-testid=current-user]")).ToHaveTextAsync("北京分行风控经理");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "工作台" })).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=stat-customers]")).ToHaveTextAsync("24");

        await page.ClickAsync("[data-testid=logout]");
        await page.WaitForURLAsync("**/account/login**");
        await page.GotoAsync("/customers");
        await page.WaitForURLAsync("**/account/login**");
    }

    [Fact]
    public async Task A_wrong_password_shows_an_error_and_stays_on_the_login_page()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/account/login");
        await page.FillAsync("#username", "auditor");
        await page.FillAsync("#password", "not-the-password");
        await page.ClickAsync("[data-testid=login-submit]");

        await Expect(page.Locator("[data-testid=login-error]")).ToHaveTextAsync("用户名或密码错误。");
    }

    [Fact]
    public async Task The_interface_switches_to_english()
    {
        var page = await fixture.NewPageAsync();
        await BrowserFixture.SignInAsync(page, "admin");

        await page.GotoAsync("/culture?culture=en&redirectUri=%2F");

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard" })).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=logout]")).ToContainTextAsync("Sign out");
    }
}
