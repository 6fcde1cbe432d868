using System.Text.RegularExpressions;
using Microsoft.Playwright;
using PostLoan.Browser.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace PostLoan.Browser.Tests.Journeys;

/// <summary>
/// The Beijing risk manager finds the demo's guarantee circle and chain, opens a chain member's relationship graph (the
/// red signal at the chain's end coloured its guarantors), follows a node to the linked customer, and accepts the address
/// link the detection proposed.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class RelatedPartiesJourney(BrowserFixture fixture)
{
    [Fact]
    public async Task A_risk_manager_reads_circles_and_chains_follows_the_graph_and_accepts_a_proposed_link()
    {
        var page = await fixture.NewPageAsync();
        await BrowserFixture.SignInAsync(page, "risk.bj");
        await BrowserFixture.GotoInteractiveAsync(page, "/warning/guarantee-network");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "担保圈与担保链" })).ToBeVisibleAsync();
        var table = page.Locator("[data-testid=network-table]");
        await Expect(table).ToContainTextAsync("担保圈 · 3");
        await Expect(table).ToContainTextAsync("担保链 · 4");
        await BrowserFixture.CaptureAsync(page, "guarantee-network");

        await table.Locator("tr", new() { HasText = "担保链 · 4" }).First.Locator("a").First.ClickAsync();
        await Expect(page).ToHaveURLAsync(CustomerUrl());
        var graph = page.Locator("[data-testid=relations-svg]");
        // The customer page loads its loans, credit support and graph: allow a loaded machine some time.
        await Expect(graph).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(graph.Locator("circle[fill='#d32f2f']").First).ToBeVisibleAsync();
        await Expect(graph).ToContainTextAsync("担保");
        await BrowserFixture.CaptureAsync(page, "relations-graph");

        var centre = page.Url;
        var other = graph.Locator("[data-testid=relations-node]").Nth(1);
        var target = await other.GetAttributeAsync("data-customer");
        await other.Locator("circle").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/customers/{target}$"));
        Assert.NotEqual(centre, page.Url);

        await BrowserFixture.GotoInteractiveAsync(page, "/warning/relations");
        var proposal = page.Locator("[data-testid=relations-table] tr", new() { HasText = "待确认" }).First;
        await Expect(proposal).ToContainTextAsync("同一地址");
        await proposal.Locator("[data-testid=relation-accept]").ClickAsync();
        await Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("已保存");
        await Expect(page.Locator("[data-testid=relations-table] tr", new() { HasText = "待确认" })).ToHaveCountAsync(0);
    }

    [GeneratedRegex(@"/customers/\d+$")]
    private static partial Regex CustomerUrl();
}
