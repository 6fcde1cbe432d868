using Microsoft.Playwright;
using PostLoan.Browser.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace PostLoan.Browser.Tests.Journeys;

/// <summary>
/// Alarm review in the browser: the demo service manager finds the demo's open alarm in the queue, is told a dismissal
/// needs a reason, confirms it instead (the page then links the warning signal), and reads the false-alarm report with
/// the demo's confirmed and dismissed alarms. The enterprise user has no alarm pages.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AlarmReviewJourney(BrowserFixture fixture)
{
    [Fact]
    public async Task Service_staff_confirm_an_alarm_and_read_the_false_alarm_rates()
    {
        var page = await fixture.NewPageAsync();
        await BrowserFixture.SignInAsync(page, "service");
        await BrowserFixture.GotoInteractiveAsync(page, "/monitoring/alarms");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "告警复核" })).ToBeVisibleAsync();
        var row = page.Locator("[data-testid=alarm-table] tbody tr", new() { HasText = "重点监控：厂区日进场人次过低" });
        await Expect(row).ToHaveCountAsync(1);
        await BrowserFixture.CaptureAsync(page, "alarm-queue");

        await row.GetByRole(AriaRole.Link).ClickAsync();
        await Expect(page.Locator("[data-testid=alarm-state]")).ToHaveTextAsync("待复核");
        await page.Locator("[data-testid=alarm-dismiss]").ClickAsync();
        await Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("误报原因必填");
        await Expect(page.Locator("[data-testid=alarm-state]")).ToHaveTextAsync("待复核");

        await page.Locator("input[data-testid=alarm-note-input], [data-testid=alarm-note-input] input").First.FillAsync("客户经理电话核实：厂区已停产");
        await page.Locator("[data-testid=alarm-confirm]").ClickAsync();
        await Expect(page.Locator("[data-testid=alarm-state]")).ToHaveTextAsync("已确认");
        await Expect(page.Locator("[data-testid=alarm-note]")).ToHaveTextAsync("客户经理电话核实：厂区已停产");
        await Expect(page.Locator("[data-testid=alarm-signal]")).ToBeVisibleAsync();

        await BrowserFixture.GotoInteractiveAsync(page, "/monitoring/alarm-report");
        await Expect(page.Locator("[data-testid=report-rules]")).ToContainTextAsync("counter-reset");
        await Expect(page.Locator("[data-testid=report-rules] tbody tr", new() { HasText = "counter-reset" })).ToContainTextAsync("100.0%");
        await Expect(page.Locator("[data-testid=report-rules] tbody tr", new() { HasText = "anomaly-seasonal" })).ToContainTextAsync("0.0%");
        await BrowserFixture.CaptureAsync(page, "alarm-report");

        var enterprise = await fixture.NewPageAsync();
        await BrowserFixture.SignInAsync(enterprise, "ent.demo");
        await BrowserFixture.GotoInteractiveAsync(enterprise, "/monitoring/sites");
        await Expect(enterprise.Locator("[data-testid=nav-monitoring-alarms]")).ToHaveCountAsync(0);
    }
}
