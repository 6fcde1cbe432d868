using System.Text.Json;
using Microsoft.Playwright;
using PostLoan.Browser.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace PostLoan.Browser.Tests.Journeys;

/// <summary>
/// Push to the web application: the account manager has the signal centre open; a branch risk manager raises a manual
/// red signal on one of the account manager's customers through the API; without reloading, the signal appears in the
/// account manager's list (assigned to them) and the bell's unread count goes up by one.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SignalPushJourney(BrowserFixture fixture)
{
    [Fact]
    public async Task A_signal_raised_by_a_risk_manager_appears_in_the_account_managers_bell_and_list_without_reloading()
    {
        var am = await fixture.NewPageAsync();
        await BrowserFixture.SignInAsync(am, "am.bj01");
        await BrowserFixture.GotoInteractiveAsync(am, "/warning/signals");
        await Expect(am.GetByRole(AriaRole.Heading, new() { Name = "信号中心" })).ToBeVisibleAsync();
        var rows = am.Locator("[data-testid=signal-table] tbody tr");
        // The demo raised signals on am.bj01's customers (the seeded ones and the starter rules'), each told to them.
        await Expect(rows.First).ToBeVisibleAsync();
        var badge = am.Locator("[data-testid=notification-unread] .mud-badge");
        await Expect(badge).ToBeVisibleAsync();
        var unread = int.Parse(await badge.InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture);

        var risk = await fixture.NewPageAsync();
        await BrowserFixture.SignInAsync(risk, "risk.bj");
        // One of the account manager's own customers (their session sees only those).
        var customerId = await am.EvaluateAsync<int>("() => fetch('/api/warning/signals?pageSize=1').then(r => r.json()).then(p => p.items[0].customerId)");
        var created = await risk.EvaluateAsync<JsonElement>("""
            id => fetch('/api/warning/signals', {
                method: 'POST', headers: { 'Content-Type': 'application/json' },
                body: JSON.stringify({ customerId: id, severity: 'Red', title: '主要股东股权被司法冻结', detail: '国家企业信用信息公示系统' })
            }).then(r => r.status)
            """, customerId);
        Assert.Equal(201, created.GetInt32());

        // The red signal appears at once (the list shows a page: with the demo's many signals its length stays the same);
        // when the customer has related parties of this account manager, their derived signals arrive with it, so the bell
        // grows by at least one.
        await Expect(am.Locator("[data-testid=signal-table]")).ToContainTextAsync("主要股东股权被司法冻结");
        await Expect(badge).Not.ToHaveTextAsync(unread.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(int.Parse(await badge.InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture) > unread);
        await BrowserFixture.CaptureAsync(am, "signal-centre");

        await am.Locator("[data-testid=notification-open]").ClickAsync();
        await Expect(am.Locator(".mud-popover-open [data-testid=notification-item]", new() { HasText = "[红色预警·新信号] 主要股东股权被司法冻结" })).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task The_customer_page_shows_the_customers_signals_and_opens_all_of_them_in_the_signal_centre()
    {
        var am = await fixture.NewPageAsync();
        await BrowserFixture.SignInAsync(am, "am.bj01");
        var first = await am.EvaluateAsync<JsonElement>("() => fetch('/api/warning/signals?pageSize=1').then(r => r.json()).then(p => p.items[0])");
        var customerId = first.GetProperty("customerId").GetInt32();
        var name = first.GetProperty("customerName").GetString()!;
        var all = await am.EvaluateAsync<JsonElement>($"() => fetch('/api/warning/signals?customerId={customerId}&status=all&pageSize=1').then(r => r.json())");
        var total = all.GetProperty("total").GetInt32();

        await BrowserFixture.GotoInteractiveAsync(am, $"/customers/{customerId}");
        var panel = am.Locator("[data-testid=customer-signals]");
        await Expect(panel).ToContainTextAsync(first.GetProperty("title").GetString()!);
        await Expect(panel.Locator("[data-testid=customer-signal-row]")).ToHaveCountAsync(Math.Min(total, 10));
        await panel.ScrollIntoViewIfNeededAsync();
        await BrowserFixture.CaptureAsync(am, "customer-signals");

        await am.Locator("[data-testid=customer-signals-all]").ClickAsync();
        await am.WaitForURLAsync($"**/warning/signals?customerId={customerId}&status=all");
        await Expect(am.Locator("[data-testid=signal-customer-filter]")).ToContainTextAsync(name);
        var rows = am.Locator("[data-testid=signal-table] tbody tr");
        await Expect(rows).ToHaveCountAsync(Math.Min(total, 50));
        // Every row is the customer's: the customer column (the third) names them.
        Assert.All(await am.Locator("[data-testid=signal-table] tbody tr td:nth-child(3)").AllInnerTextsAsync(), text => Assert.Equal(name, text.Trim()));

        // Clearing the customer lists the account manager's other customers' signals again.
        await am.Locator("[data-testid=signal-customer-filter] .mud-chip-close-button").ClickAsync();
        await Expect(am.Locator("[data-testid=signal-customer-filter]")).ToHaveCountAsync(0);
        await Expect(am.Locator("[data-testid=signal-table] tbody tr td:nth-child(3)", new() { HasNotText = name }).First).ToBeVisibleAsync();
    }
}
