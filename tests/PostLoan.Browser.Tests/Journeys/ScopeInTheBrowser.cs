using System.Text.Json;
using Microsoft.Playwright;
using PostLoan.Browser.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace PostLoan.Browser.Tests.Journeys;

/// <summary>What each role sees in the browser is limited to its data scope.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ScopeInTheBrowser(BrowserFixture fixture)
{
    [Fact]
    public async Task A_branch_user_is_refused_a_customer_of_another_branch()
    {
        var shanghai = await fixture.NewPageAsync();
        await BrowserFixture.SignInAsync(shanghai, "risk.sh");
        var shanghaiCustomer = await FirstCustomerIdAsync(shanghai);

        var beijing = await fixture.NewPageAsync();
        await BrowserFixture.SignInAsync(beijing, "risk.bj");
        var response = await beijing.GotoAsync($"/customers/{shanghaiCustomer}");

        Assert.Equal(403, response!.Status);
        await Expect(beijing.Locator("[data-testid=forbidden]")).ToContainTextAsync("不在您的数据权限范围内");
    }

    [Fact]
    public async Task An_enterprise_user_sees_only_their_company()
    {
        var page = await fixture.NewPageAsync();
        await BrowserFixture.SignInAsync(page, "ent.demo");

        await page.GotoAsync("/customers");

        var rows = page.Locator("[data-testid=customer-table] tbody tr");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToContainTextAsync("有限公司");
    }

    [Fact]
    public async Task Customer_lists_mask_identity_and_phone_numbers()
    {
        var page = await fixture.NewPageAsync();
        await BrowserFixture.SignInAsync(page, "am.bj01");

        await page.GotoAsync("/customers");

        var firstRow = page.Locator("[data-testid=customer-table] tbody tr").First;
        await Expect(firstRow).ToContainTextAsync("****");
        await Expect(page.Locator("[data-testid=customer-table] tbody tr")).ToHaveCountAsync(8);
    }

    [Fact]
    public async Task The_dashboard_works_on_a_phone()
    {
        var page = await fixture.NewPageAsync(width: 390, height: 844);
        await BrowserFixture.SignInAsync(page, "am.sh02");

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "工作台" })).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=stat-customers]")).ToHaveTextAsync("8");
    }

    private static async Task<int> FirstCustomerIdAsync(IPage page)
    {
        var json = await page.EvaluateAsync<JsonElement>("() => fetch('/api/customers?pageSize=1').then(r => r.json())");
        return json.GetProperty("items")[0].GetProperty("id").GetInt32();
    }
}
