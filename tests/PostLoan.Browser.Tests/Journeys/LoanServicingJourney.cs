using System.Text.Json;
using Microsoft.Playwright;
using PostLoan.Browser.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace PostLoan.Browser.Tests.Journeys;

/// <summary>A clerk finds a loan in the list, opens it, posts a repayment and sees it allocated in the transactions.</summary>
[Collection(BrowserCollection.Name)]
public sealed class LoanServicingJourney(BrowserFixture fixture)
{
    [Fact]
    public async Task A_clerk_posts_a_repayment_and_sees_it_in_the_transactions()
    {
        var page = await fixture.NewPageAsync();
        await BrowserFixture.SignInAsync(page, "clerk.bj");
        var code = "E2E-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var loanId = await OpenLoanAsync(page, code);

        await BrowserFixture.GotoInteractiveAsync(page, "/loans");
        await Input(page, "loan-search").FillAsync(code);
        await page.ClickAsync("[data-testid=loan-apply]");
        var rows = page.Locator("[data-testid=loan-table] tbody tr");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToContainTextAsync("100,000.00");
        await rows.First.Locator("[data-testid=loan-link]").ClickAsync();

        await page.WaitForURLAsync(url => url.EndsWith($"/loans/{loanId}", StringComparison.Ordinal));
        await Expect(page.Locator("[data-testid=loan-code]")).ToHaveTextAsync(code);
        await Expect(page.Locator("[data-testid=loan-outstanding]")).ToHaveTextAsync("100,000.00");
        await Expect(page.Locator("[data-testid=loan-schedule] tbody tr")).ToHaveCountAsync(12);
        await page.ClickAsync("[data-testid=loan-repay]");

        await page.WaitForURLAsync(url => url.EndsWith($"/loans/{loanId}/repay", StringComparison.Ordinal));
        await Expect(page.Locator("[data-testid=payoff-amount]")).ToHaveTextAsync("100,000.00");
        await Input(page, "repay-amount").FillAsync("1000.00");
        await page.ClickAsync("[data-testid=repay-submit]");

        // 等额本息 100,000 at 4.35% over 12 months: on the disbursement day a regular payment pays the current
        // installment's interest 362.50 first, the rest (637.50) its principal.
        var transactions = page.Locator("[data-testid=loan-transactions] tbody tr");
        await Expect(transactions).ToHaveCountAsync(2);
        await Expect(transactions.Nth(1)).ToContainTextAsync("1,000.00");
        await Expect(transactions.Nth(1)).ToContainTextAsync("362.50");
        await Expect(transactions.Nth(1)).ToContainTextAsync("637.50");
        await Expect(page.Locator("[data-testid=loan-outstanding]")).ToHaveTextAsync("99,362.50");
        await BrowserFixture.CaptureAsync(page, "loan-detail");
    }

    [Fact]
    public async Task A_refused_repayment_shows_why()
    {
        var page = await fixture.NewPageAsync();
        await BrowserFixture.SignInAsync(page, "clerk.bj");
        var loanId = await OpenLoanAsync(page, "E2E-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant());

        await BrowserFixture.GotoInteractiveAsync(page, $"/loans/{loanId}/repay");
        await Input(page, "repay-amount").FillAsync("100000.01");
        await page.ClickAsync("[data-testid=repay-submit]");

        await Expect(page.Locator("[data-testid=repayment-error]")).ToContainTextAsync("exceeds the payoff amount");
        await Expect(page.Locator("[data-testid=repayment-error]")).ToContainTextAsync("还款未入账");
    }

    /// <summary>Opens 100,000 at 4.35% over 12 months (等额本息) for the clerk's first customer, through the API as the clerk.</summary>
    private static async Task<long> OpenLoanAsync(IPage page, string code)
    {
        var body = JsonSerializer.Serialize(new { code, productCode = "EQI", principal = 100_000.00m, annualRate = 0.0435m, termMonths = 12, purpose = "流动资金周转" });
        var result = await page.EvaluateAsync<JsonElement>("""
            async body => {
              const customers = await fetch('/api/customers?pageSize=1').then(r => r.json());
              const loan = { ...JSON.parse(body), customerId: customers.items[0].id };
              const response = await fetch('/api/loans', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(loan) });
              return { status: response.status, body: await response.text() };
            }
            """, body);
        Assert.True(result.GetProperty("status").GetInt32() == 201, result.GetProperty("body").GetString());
        using var created = JsonDocument.Parse(result.GetProperty("body").GetString()!);
        return created.RootElement.GetProperty("id").GetInt64();
    }

    /// <summary>MudBlazor fields put user attributes on the input element itself.</summary>
    private static ILocator Input(IPage page, string testId) => page.Locator($"input[data-testid={testId}], [data-testid={testId}] input").First;
}
