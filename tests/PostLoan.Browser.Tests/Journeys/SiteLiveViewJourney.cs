using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;
using PostLoan.Browser.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace PostLoan.Browser.Tests.Journeys;

/// <summary>
/// The live view (实时看板) on a phone: service staff register a site with a people counter, open its live view, and
/// when the counter posts a reading through the HTTP ingest the headcount changes on the open page without a reload.
/// The site's day starts twelve hours from now, so the day cannot turn during the test whatever the time.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SiteLiveViewJourney(BrowserFixture fixture)
{
    [Fact]
    public async Task A_reading_posted_through_the_ingest_changes_the_headcount_without_reloading()
    {
        var page = await fixture.NewPageAsync(390, 844);
        await BrowserFixture.SignInAsync(page, "service");
        var dayStart = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).AddHours(12).ToString("HH:00", CultureInfo.InvariantCulture);
        var code = "BT-PC-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var created = await page.EvaluateAsync<JsonElement>("""
            async ([dayStart, code]) => {
                const sites = await fetch('/api/monitoring/sites').then(r => r.json());
                const post = (url, body) => fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }).then(r => r.json());
                const site = await post('/api/monitoring/sites', { customerId: sites[0].customerId, name: '浏览器测试厂区 ' + code, dayStart, operatingThreshold: 5 });
                const device = await post('/api/monitoring/devices', { siteId: site.id, code, name: '东门客流计数器', kind: 'PeopleCounter', counterMode: 'Delta' });
                return { siteId: site.id, secret: device.secret };
            }
            """, new[] { dayStart, code });
        var siteId = created.GetProperty("siteId").GetInt32();
        var secret = created.GetProperty("secret").GetString()!;

        await BrowserFixture.GotoInteractiveAsync(page, $"/monitoring/sites/{siteId}/live");
        var headcount = page.Locator("[data-testid=live-headcount]");
        await Expect(headcount).ToHaveTextAsync("0");
        await Expect(page.Locator("[data-testid=live-device]")).ToContainTextAsync("东门客流计数器");
        await page.EvaluateAsync("() => window.__sameDocument = true");

        var stored = await page.EvaluateAsync<int>("""
            ([code, key]) => fetch('/api/ingest/readings', {
                method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Device-Code': code, 'X-Device-Key': key },
                body: JSON.stringify({ readings: [{ seq: 1, ts: Date.now() - 60000, in: 9, out: 2 }] })
            }).then(r => r.json()).then(a => a.stored)
            """, new[] { code, secret });
        Assert.Equal(1, stored);

        // 9 in − 2 out: the open page shows 7 by its own refresh.
        await Expect(headcount).ToHaveTextAsync("7");
        await Expect(page.Locator("[data-testid=live-device]")).ToContainTextAsync("↑9 ↓2");
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"));
        await BrowserFixture.CaptureAsync(page, "site-live");
    }

    /// <summary>
    /// From the site list to a demo site's statistics: by month this year with last year beside it (the demo has a year of
    /// daily totals before its readings), a chart, and the Excel export of the same table.
    /// </summary>
    [Fact]
    public async Task The_site_page_compares_this_year_with_last_year_and_exports_it()
    {
        var page = await fixture.NewPageAsync();
        await BrowserFixture.SignInAsync(page, "service");
        await BrowserFixture.GotoInteractiveAsync(page, "/monitoring/sites");
        await page.Locator("[data-testid=monitoring-sites] [data-testid=site-statistics-link]").First.ClickAsync();
        await Expect(page.Locator("[data-testid=stats-table]")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=stats-chart]")).ToBeVisibleAsync();
        var rows = page.Locator("[data-testid=stats-table] tbody tr");
        Assert.True(await rows.CountAsync() >= 1);
        // The latest month has last year's value and the change beside it (the demo's daily totals reach 460 days back).
        await Expect(rows.Last).ToContainTextAsync("去年同期");
        await Expect(rows.Last).ToContainTextAsync("同比");
        await BrowserFixture.CaptureAsync(page, "site-statistics");

        // The export button links to the export of the period and range shown, with the signed-in user's cookie.
        var href = await page.Locator("[data-testid=stats-export]").GetAttributeAsync("href");
        Assert.Contains("statistics.xlsx?period=month", href, StringComparison.Ordinal);
        var export = await page.Context.APIRequest.GetAsync(href!.StartsWith('/') ? href : "/" + href);
        Assert.Equal(200, export.Status);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", export.Headers["content-type"]);
    }
}
