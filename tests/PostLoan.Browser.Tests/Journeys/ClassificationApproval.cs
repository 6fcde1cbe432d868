using Microsoft.Playwright;
using PostLoan.Browser.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace PostLoan.Browser.Tests.Journeys;

/// <summary>
/// The head-office risk manager opens the five-level classification review, shows the changes waiting for approval,
/// approves one made by a branch risk manager (two-person rule) and sees it leave the pending list.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ClassificationApproval(BrowserFixture fixture)
{
    [Fact]
    public async Task A_risk_manager_approves_a_pending_change_of_another_risk_manager()
    {
        var page = await fixture.NewPageAsync();
        await BrowserFixture.SignInAsync(page, "risk");
        await BrowserFixture.GotoInteractiveAsync(page, "/risk/classification");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "五级分类审核" })).ToBeVisibleAsync();

        await page.Locator("div.mud-select").Filter(new() { Has = page.Locator("[data-testid=classification-view]") }).Last.ClickAsync();
        await page.Locator(".mud-popover-open").GetByText("待审批", new() { Exact = true }).ClickAsync();
        await page.ClickAsync("[data-testid=classification-apply]");

        // The demo bank has two requests of 北京分行风控经理 (risk.bj) waiting: 正常 → 关注.
        var rows = page.Locator("[data-testid=classification-table] tbody tr");
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(rows.First.Locator("[data-testid=classification-pending]")).ToContainTextAsync("正常 → 关注");
        await Expect(rows.First.Locator("[data-testid=classification-pending]")).ToContainTextAsync("北京分行风控经理");
        var code = (await rows.First.Locator("[data-testid=classification-loan-link]").InnerTextAsync()).Trim();

        var note = page.Locator("textarea[data-testid=classification-note], [data-testid=classification-note] textarea").First;
        await OpenAsync(rows.First.Locator("[data-testid=classification-approve]"), note);
        await note.FillAsync("同意，已核对财务报表");
        await page.ClickAsync("[data-testid=classification-dialog-confirm]");

        await Expect(rows).ToHaveCountAsync(1);
        await Expect(page.Locator("[data-testid=classification-table]")).Not.ToContainTextAsync(code);
        await BrowserFixture.CaptureAsync(page, "classification-review");

        // The loan's 五级分类 tab shows the new category and the approved change with maker and checker.
        await page.Locator("[data-testid=classification-view] >> xpath=ancestor::div[contains(@class,'mud-select')][1]").ClickAsync();
        await page.Locator(".mud-popover-open").GetByText("全部", new() { Exact = true }).ClickAsync();
        await page.Locator("input[data-testid=classification-search], [data-testid=classification-search] input").First.FillAsync(code);
        await page.ClickAsync("[data-testid=classification-apply]");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First.Locator("[data-testid=classification-loan-link]")).ToHaveTextAsync(code);
        await rows.First.Locator("[data-testid=classification-loan-link]").ClickAsync();
        await Expect(page.Locator("[data-testid=loan-code]")).ToHaveTextAsync(code);
        await Expect(page.Locator("[data-testid=classification-current]")).ToHaveTextAsync("关注");
        var history = page.Locator("[data-testid=classification-history] tbody tr").First;
        await Expect(history).ToContainTextAsync("已生效");
        await Expect(history).ToContainTextAsync("北京分行风控经理");
        await Expect(history).ToContainTextAsync("同意，已核对财务报表");
        await Expect(page.Locator("[data-testid=classification-reasons]")).ToContainTextAsync("人工认定");
    }

    /// <summary>
    /// Clicks <paramref name="button"/> until <paramref name="opened"/> shows: a click that lands while the table is
    /// still re-rendering after a search reaches a handler Blazor has already replaced.
    /// </summary>
    private static async Task OpenAsync(ILocator button, ILocator opened)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            await button.ClickAsync();
            try
            {
                await opened.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible, Timeout = 5_000 });
                return;
            }
            catch (TimeoutException)
            {
                // Try again.
            }
        }

        await Expect(opened).ToBeVisibleAsync();
    }
}
