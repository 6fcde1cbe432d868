using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Administration;
using PostLoan.Domain.Ledger.Loans;
using PostLoan.Integration.Tests.Support;
using PostLoan.Web.Features.Ledger;

namespace PostLoan.Integration.Tests.Ledger;

/// <summary>
/// Loans through the REST API: only users whose data scope holds the loan may read or post to it (403 and nothing
/// written otherwise); a clerk's repayment is allocated to the cent; an overpayment and an event without an approver
/// are refused with problem details naming the field.
/// </summary>
public sealed class LoanApiAccess : IAsyncLifetime
{
    /// <summary>Noon in Beijing on 2026-03-10: before any daily close this is the open business date.</summary>
    private static readonly DateTimeOffset Noon = new(2026, 3, 10, 4, 0, 0, TimeSpan.Zero);

    private readonly ManualClock _clock = new(Noon);
    private TestApp _app = null!;
    private long _loanId;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(clock: _clock);
        _loanId = await OpenLoanAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_user_of_another_branch_is_refused_the_loan_and_it_is_audited()
    {
        using var shanghai = await _app.WithTokenAsync("risk.sh");

        foreach (var path in new[] { "", "/schedule", "/transactions", "/events", "/journal", "/snapshots", "/payoff" })
        {
            var response = await shanghai.GetAsync($"/api/loans/{_loanId}{path}");

            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        var page = await shanghai.GetFromJsonAsync<LoanPage>("/api/loans?search=L-BJ-0001");
        Assert.Empty(page!.Items);
        await using var db = _app.SystemDb();
        var id = _loanId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(await db.AuditEntries.AnyAsync(a => a.Action == AuditAction.AccessDenied && a.Entity == "Loan" && a.EntityId == id && a.UserName == "risk.sh"));
    }

    [Fact]
    public async Task A_clerk_of_another_branch_cannot_post_a_repayment_and_nothing_is_written()
    {
        using var shanghai = await _app.WithTokenAsync("clerk.sh");

        var response = await shanghai.PostAsJsonAsync($"/api/loans/{_loanId}/repayments", new { amount = 1000.00m });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(1, await TransactionCountAsync());
        await using var db = _app.SystemDb();
        Assert.Equal(0m, await db.Installments.Where(i => i.LoanId == _loanId).SumAsync(i => i.PrincipalPaid + i.InterestPaid));
    }

    [Fact]
    public async Task An_in_scope_clerk_posts_a_repayment_and_sees_its_allocation_in_the_transactions()
    {
        using var clerk = await _app.WithTokenAsync("clerk.bj");

        // 100,000 at 4.35% over 12 months, 等额本息: 8,530.99 a month; period 1 is interest
        // round(100,000 × 0.0435 / 12, 2) = 362.50 and principal 8,530.99 − 362.50 = 8,168.49. On the disbursement day
        // nothing is due, so a regular 1,000.00 pays the current installment: interest 362.50 first, then principal 637.50.
        var response = await clerk.PostAsJsonAsync($"/api/loans/{_loanId}/repayments", new { amount = 1000.00m, kind = "regular" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var transactions = (await clerk.GetFromJsonAsync<List<TransactionItem>>($"/api/loans/{_loanId}/transactions"))!;
        Assert.Equal(2, transactions.Count);
        Assert.Equal(LoanTransactionKind.Disbursement, transactions[0].Kind);
        var repayment = transactions[1];
        Assert.Equal(LoanTransactionKind.Repayment, repayment.Kind);
        Assert.Equal(new DateOnly(2026, 3, 10), repayment.ValueDate);
        Assert.Equal(1000.00m, repayment.Amount);
        Assert.Equal(0.00m, repayment.Penalty);
        Assert.Equal(0.00m, repayment.Compound);
        Assert.Equal(362.50m, repayment.Interest);
        Assert.Equal(637.50m, repayment.Principal);
        Assert.Equal("clerk.bj", repayment.PostedBy);

        var schedule = (await clerk.GetFromJsonAsync<List<InstallmentItem>>($"/api/loans/{_loanId}/schedule"))!;
        Assert.Equal(12, schedule.Count);
        Assert.Equal((362.50m, 637.50m, InstallmentPaymentState.PartlyPaid), (schedule[0].InterestPaid, schedule[0].PrincipalPaid, schedule[0].State));
        Assert.Equal(InstallmentPaymentState.Unpaid, schedule[1].State);
        var loan = (await clerk.GetFromJsonAsync<LoanOverview>($"/api/loans/{_loanId}"))!;
        Assert.Equal(100_000.00m - 637.50m, loan.Position.PrincipalOutstanding);
        Assert.Equal(99_362.50m, loan.PayoffToday);
    }

    [Fact]
    public async Task An_overpayment_is_refused_with_problem_details_naming_the_amount()
    {
        using var clerk = await _app.WithTokenAsync("clerk.bj");
        // On the disbursement day the payoff is the principal: no interest has run yet.
        var quote = (await clerk.GetFromJsonAsync<PayoffQuote>($"/api/loans/{_loanId}/payoff"))!;
        Assert.Equal(100_000.00m, quote.Amount);

        var response = await clerk.PostAsJsonAsync($"/api/loans/{_loanId}/repayments", new { amount = 100_000.01m });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = (await response.Content.ReadFromJsonAsync<ProblemBody>())!;
        Assert.Equal("amount", problem.Title);
        Assert.Contains("100000.00", problem.Detail, StringComparison.Ordinal);
        Assert.Equal(1, await TransactionCountAsync());
    }

    [Fact]
    public async Task An_event_without_an_approver_is_refused()
    {
        using var risk = await _app.WithTokenAsync("risk.bj");

        var response = await risk.PostAsJsonAsync($"/api/loans/{_loanId}/events", new { kind = "extension", extraMonths = 6, reason = "经营周转困难，申请展期" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = (await response.Content.ReadFromJsonAsync<ProblemBody>())!;
        Assert.Equal("approver", problem.Title);
        await using var db = _app.SystemDb();
        Assert.Equal([LedgerEventKind.Disbursement], await db.LedgerEvents.Where(e => e.LoanId == _loanId).Select(e => e.Kind).ToListAsync());
        Assert.Equal(12, (await db.Loans.SingleAsync(l => l.Id == _loanId)).TermMonths);
    }

    [Fact]
    public async Task The_loan_list_of_an_in_scope_user_finds_the_loan_by_code_and_by_customer_name()
    {
        using var risk = await _app.WithTokenAsync("risk.bj");
        await using var db = _app.SystemDb();
        var customerName = await db.Loans.Where(l => l.Id == _loanId).Join(db.Customers, l => l.CustomerId, c => c.Id, (_, c) => c.Name).SingleAsync();

        var byCode = (await risk.GetFromJsonAsync<LoanPage>("/api/loans?search=L-BJ-0001"))!;
        var byName = (await risk.GetFromJsonAsync<LoanPage>($"/api/loans?search={Uri.EscapeDataString(customerName)}&pageSize=10"))!;
        var overdue = (await risk.GetFromJsonAsync<LoanPage>("/api/loans?overdueOnly=true"))!;

        Assert.Equal(_loanId, Assert.Single(byCode.Items).Id);
        Assert.Equal(1, byCode.Total);
        Assert.Contains(byName.Items, i => i.Id == _loanId && i.CustomerName == customerName);
        Assert.Equal(0, overdue.Total);
    }

    /// <summary>A clerk of the Beijing branch opens 100,000 at 4.35% over 12 months (等额本息) for a Haidian customer.</summary>
    private async Task<long> OpenLoanAsync()
    {
        await using var db = _app.SystemDb();
        var haidian = await db.Organisations.SingleAsync(o => o.Code == "BJ01");
        var customer = await db.Customers.Where(c => c.OrganisationId == haidian.Id).OrderBy(c => c.Id).FirstAsync();
        using var clerk = await _app.WithTokenAsync("clerk.bj");
        var response = await clerk.PostAsJsonAsync("/api/loans", new
        {
            code = "L-BJ-0001", customerId = customer.Id, productCode = "EQI", principal = 100_000.00m, annualRate = 0.0435m, termMonths = 12,
            purpose = "流动资金周转", guaranteeMethod = "guarantee",
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var loan = (await response.Content.ReadFromJsonAsync<LoanOverview>())!;
        Assert.Equal(new DateOnly(2026, 3, 10), loan.DisbursementDate);
        Assert.Equal(100_000.00m, loan.Position.PrincipalOutstanding);
        return loan.Id;
    }

    private async Task<int> TransactionCountAsync()
    {
        await using var db = _app.SystemDb();
        return await db.LoanTransactions.CountAsync(t => t.LoanId == _loanId);
    }

    private sealed record ProblemBody(string? Title, int? Status, string? Detail);
}
