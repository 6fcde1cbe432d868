using Microsoft.Playwright;
using PostLoan.Browser.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace PostLoan.Browser.Tests.Journeys;

/// <summary>A clerk enters a customer by hand and imports a file; bad input is explained, not half-written.</summary>
[Collection(BrowserCollection.Name)]
public sealed class CustomerDataEntry(BrowserFixture fixture)
{
    [Fact]
    public async Task A_clerk_creates_a_customer_and_a_bad_id_number_is_explained_first()
    {
        var page = await fixture.NewPageAsync();
        await BrowserFixture.SignInAsync(page, "clerk.gz");
        await BrowserFixture.GotoInteractiveAsync(page, "/customers/new");

        await Input(page, "customer-code").FillAsync("E2E0001");
        await Input(page, "customer-name-input").FillAsync("广州浏览器测试有限公司");
        await Input(page, "customer-id-number").FillAsync("91440106MA5CXXXX00");
        await page.ClickAsync("[data-testid=customer-save]");
        await Expect(page.Locator("[data-testid=customer-errors]")).ToContainTextAsync("idNumber");

        await Input(page, "customer-id-number").FillAsync("91110108MA01ABCD0B");
        await page.ClickAsync("[data-testid=customer-save]");
        await Expect(page.Locator("[data-testid=customer-name]")).ToHaveTextAsync("广州浏览器测试有限公司");
    }

    [Fact]
    public async Task An_import_with_a_bad_row_lists_the_row_and_writes_nothing()
    {
        var file = Path.Combine(Path.GetTempPath(), $"bad-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file,
            "code,name,kind,idNumber,organisationCode\n" +
            "E2E1001,广州导入一有限公司,enterprise,91110108MA01ABCD0B,GZ01\n" +
            "E2E1002,广州导入二有限公司,enterprise,not-a-code,GZ01\n");
        var page = await fixture.NewPageAsync();
        await BrowserFixture.SignInAsync(page, "clerk.gz");
        await BrowserFixture.GotoInteractiveAsync(page, "/ledger/import");

        await page.Locator("input[type=file]").SetInputFilesAsync(file);

        await Expect(page.Locator("[data-testid=import-result]")).ToContainTextAsync("未写入任何数据");
        var issues = page.Locator("[data-testid=import-issues] tbody tr");
        await Expect(issues).ToHaveCountAsync(1);
        await Expect(issues.First).ToContainTextAsync("3");
        await Expect(issues.First).ToContainTextAsync("idNumber");
        var found = await page.EvaluateAsync<int>("() => fetch('/api/customers?search=E2E100').then(r => r.json()).then(p => p.total)");
        Assert.Equal(0, found);
    }

    /// <summary>MudTextField puts user attributes on the input element itself.</summary>
    private static ILocator Input(IPage page, string testId) => page.Locator($"input[data-testid={testId}], [data-testid={testId}] input").First;
}
