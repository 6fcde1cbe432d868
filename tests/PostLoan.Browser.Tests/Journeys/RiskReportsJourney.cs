using Microsoft.Playwright;
using PostLoan.Browser.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace PostLoan.Browser.Tests.Journeys;

/// <summary>
/// The head-office risk manager runs the month-end ECL of the last complete month, reads its breakdown and calibrated
/// matrices, then the migration matrix heat map and the provisioning report of the demo bank.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class RiskReportsJourney(BrowserFixture fixture)
{
    [Fact]
    public async Task A_risk_manager_runs_the_month_end_and_reads_the_matrix_and_the_provisioning_report()
    {
        var page = await fixture.NewPageAsync();
        await BrowserFixture.SignInAsync(page, "risk");
        await BrowserFixture.GotoInteractiveAsync(page, "/risk/ecl");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "减值计提 (IFRS 9)" })).ToBeVisibleAsync();

        await page.ClickAsync("[data-testid=ecl-run]");
        await Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("计提完成");
        var breakdown = page.Locator("[data-testid=ecl-breakdown]");
        await Expect(breakdown).ToContainTextAsync("第一阶段");
        await Expect(breakdown).ToContainTextAsync("违约概率矩阵");
        await Expect(page.Locator("[data-testid=ecl-runs] tbody tr").First.Locator("[data-testid=ecl-run-total]")).Not.ToHaveTextAsync("0.00");
        await BrowserFixture.CaptureAsync(page, "ecl");

        await BrowserFixture.GotoInteractiveAsync(page, "/risk/migration");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "迁徙矩阵" })).ToBeVisibleAsync();
        var matrix = page.Locator("[data-testid=migration-table]");
        await Expect(matrix).ToContainTextAsync("正常");
        await Expect(matrix).ToContainTextAsync("结清");
        await BrowserFixture.CaptureAsync(page, "migration");

        await BrowserFixture.GotoInteractiveAsync(page, "/risk/provisioning");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "拨备报表" })).ToBeVisibleAsync();
        var report = page.Locator("[data-testid=provisioning-table]");
        await Expect(report).ToContainTextAsync("合计");
        await Expect(page.Locator("[data-testid=provisioning-ecl-missing]")).ToHaveCountAsync(0);
        await BrowserFixture.CaptureAsync(page, "provisioning");
    }
}
