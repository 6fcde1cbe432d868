using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PostLoan.Domain.Administration;
using PostLoan.Domain.Ledger.CreditSupport;
using PostLoan.Domain.Ledger.Loans;
using PostLoan.Infrastructure.Ledger.CreditSupport;
using PostLoan.Infrastructure.Ledger.Loans;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Integration.Tests.Support;

namespace PostLoan.Integration.Tests.Ledger;

/// <summary>
/// Guarantees, collateral and loan products (担保, 抵质押物, 贷款产品) through the real app: a user outside the customer's
/// scope is refused its collateral and guarantees (403, audited, nothing written); a new valuation moves the loan-to-value
/// to the exact ratio; only administrators change a product; settling a loan releases its collateral (清户撤押) unless
/// the collateral still secures another open loan.
/// </summary>
public sealed class CreditSupport : IAsyncLifetime
{
    /// <summary>Noon in Beijing on 2026-03-10: before any daily close this is the open business date.</summary>
    private static readonly DateTimeOffset Noon = new(2026, 3, 10, 4, 0, 0, TimeSpan.Zero);

    private static readonly DateOnly Today = new(2026, 3, 10);

    private readonly ManualClock _clock = new(Noon);
    private TestApp _app = null!;
    private int _customerId;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(clock: _clock);
        await using var db = _app.SystemDb();
        var haidian = await db.Organisations.SingleAsync(o => o.Code == "BJ01");
        _customerId = await db.Customers.Where(c => c.OrganisationId == haidian.Id && c.Kind == Domain.Ledger.Customers.CustomerKind.Enterprise)
            .OrderBy(c => c.Id).Select(c => c.Id).FirstAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_user_outside_the_customers_scope_is_refused_its_collateral_and_guarantees()
    {
        var loanId = await OpenLoanAsync("CS-0001", 100_000.00m);
        var collateralId = await RegisterAsync("YP-0001", loanId, 200_000.00m, 100_000.00m);
        await GuaranteeAsync(loanId);
        using var shanghai = await _app.WithTokenAsync("clerk.sh");

        foreach (var path in new[]
                 {
                     $"/api/customers/{_customerId}/collateral", $"/api/customers/{_customerId}/guarantees", $"/api/customers/{_customerId}/group",
                     $"/api/loans/{loanId}/collateral", $"/api/loans/{loanId}/guarantees", $"/api/collateral/{collateralId}", $"/api/collateral/{collateralId}/valuations",
                 })
        {
            var response = await shanghai.GetAsync(path);

            Assert.True(HttpStatusCode.Forbidden == response.StatusCode, $"{path}: {response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        var valuation = await shanghai.PostAsJsonAsync($"/api/collateral/{collateralId}/valuations", new { value = 1.00m, valuer = "某评估公司" });
        var guarantee = await shanghai.PostAsJsonAsync($"/api/loans/{loanId}/guarantees", new { guarantorKind = "person", guarantorName = "张三", guarantorIdNumber = "11010519491231002X", amount = 1000m });

        Assert.Equal(HttpStatusCode.Forbidden, valuation.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, guarantee.StatusCode);
        await using var db = _app.SystemDb();
        Assert.Equal(1, await db.CollateralValuations.CountAsync(v => v.CollateralId == collateralId));
        Assert.Equal(1, await db.Guarantees.CountAsync(g => g.LoanId == loanId));
        var customer = _customerId.ToString(CultureInfo.InvariantCulture);
        Assert.True(await db.AuditEntries.AnyAsync(a => a.Action == AuditAction.AccessDenied && a.Entity == "Customer" && a.EntityId == customer && a.UserName == "clerk.sh"));

        // The same lists are there for a user of the customer's branch.
        using var beijing = await _app.WithTokenAsync("risk.bj");
        var collateral = (await beijing.GetFromJsonAsync<List<CollateralItem>>($"/api/customers/{_customerId}/collateral"))!;
        var guarantees = (await beijing.GetFromJsonAsync<CustomerGuarantees>($"/api/customers/{_customerId}/guarantees"))!;
        Assert.Equal("YP-0001", Assert.Single(collateral).Code);
        var received = Assert.Single(guarantees.Received);
        Assert.Equal(("王建国", "110***********002X", GuaranteeStatus.Active), (received.GuarantorName, received.GuarantorIdNumberMasked, received.Status));
        Assert.Empty(guarantees.Given);
    }

    [Fact]
    public async Task Adding_a_valuation_updates_the_loan_to_value_exactly()
    {
        var loanId = await OpenLoanAsync("CS-0002", 100_000.00m);
        using var clerk = await _app.WithTokenAsync("clerk.bj");

        // 100,000.00 outstanding, secured up to 120,000.00 by a house valued 200,000.00: exposure 100,000.00, LTV 0.5.
        var registered = await clerk.PostAsJsonAsync($"/api/customers/{_customerId}/collateral", new
        {
            code = "YP-0002", kind = "mortgage", type = "房产", description = "北京市海淀区中关村大街1号 厂房 800㎡", certificateNumber = "京(2026)海淀区不动产证明第0000001号",
            loanId, securedAmount = 120_000.00m, valuation = new { value = 200_000.00m, valuationDate = "2026-03-01", valuer = "中联资产评估集团有限公司" },
        });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var before = (await registered.Content.ReadFromJsonAsync<CollateralItem>())!;
        Assert.Equal((100_000.00m, 200_000.00m, 0.5m), (before.Exposure, before.LatestValue!.Value, before.LoanToValue!.Value));

        // Revalued at 150,000.00: 100,000 / 150,000 = 0.666666… → 0.6667.
        var revalued = await clerk.PostAsJsonAsync($"/api/collateral/{before.Id}/valuations", new { value = 150_000.00m, valuationDate = "2026-03-09", valuer = "内部评估" });
        Assert.Equal(HttpStatusCode.Created, revalued.StatusCode);
        var after = (await revalued.Content.ReadFromJsonAsync<CollateralItem>())!;
        Assert.Equal(150_000.00m, after.LatestValue);
        Assert.Equal(new DateOnly(2026, 3, 9), after.LatestValuationDate);
        Assert.Equal(0.6667m, after.LoanToValue);

        // A valuation dated before the latest one is history, not the value in force.
        var older = await clerk.PostAsJsonAsync($"/api/collateral/{before.Id}/valuations", new { value = 400_000.00m, valuationDate = "2026-02-01", valuer = "内部评估" });
        Assert.Equal(HttpStatusCode.Created, older.StatusCode);
        var onLoan = Assert.Single((await clerk.GetFromJsonAsync<List<CollateralItem>>($"/api/loans/{loanId}/collateral"))!);
        Assert.Equal((150_000.00m, 0.6667m, 3), (onLoan.LatestValue!.Value, onLoan.LoanToValue!.Value, onLoan.Valuations.Count));

        var refused = await clerk.PostAsJsonAsync($"/api/collateral/{before.Id}/valuations", new { value = 150_000.001m, valuer = "内部评估" });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("value", (await refused.Content.ReadFromJsonAsync<ProblemBody>())!.Title);
    }

    [Fact]
    public async Task A_product_edit_by_a_non_administrator_is_refused()
    {
        using var risk = await _app.WithTokenAsync("risk.bj");
        using var admin = await _app.WithTokenAsync("admin");

        var refused = await risk.PutAsJsonAsync("/api/products/EQI", new { graceDays = 3, penaltyMarkup = 0.3m });
        var created = await risk.PostAsJsonAsync("/api/products", new { code = "EQI2", name = "新产品", method = "equal-installment" });

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, created.StatusCode);
        var products = (await risk.GetFromJsonAsync<List<ProductItem>>("/api/products"))!;
        var eqi = products.Single(p => p.Code == "EQI");
        Assert.Equal((0, 0.5m), (eqi.GraceDays, eqi.PenaltyMarkup));
        Assert.DoesNotContain(products, p => p.Code == "EQI2");

        var outOfRange = await admin.PutAsJsonAsync("/api/products/EQI", new { penaltyMarkup = 0.6m });
        Assert.Equal(HttpStatusCode.BadRequest, outOfRange.StatusCode);
        Assert.Equal("penaltyMarkup", (await outOfRange.Content.ReadFromJsonAsync<ProblemBody>())!.Title);

        var edited = await admin.PutAsJsonAsync("/api/products/EQI", new { graceDays = 3, penaltyMarkup = 0.3m, allocationOrder = "charges-first", shiftHolidays = true });
        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        await using var db = _app.SystemDb();
        var stored = await db.LoanProducts.SingleAsync(p => p.Code == "EQI");
        Assert.Equal((3, 0.3m, AllocationOrder.ChargesThenInterestThenPrincipal, true), (stored.GraceDays, stored.PenaltyMarkup, stored.AllocationOrder, stored.ShiftHolidays));
    }

    [Fact]
    public async Task Settling_a_loan_releases_its_collateral_and_guarantees()
    {
        var loanId = await OpenLoanAsync("CS-0003", 100_000.00m);
        var collateralId = await RegisterAsync("YP-0003", loanId, 300_000.00m, 100_000.00m);
        await GuaranteeAsync(loanId);

        await SettleAsync(loanId, 100_000.00m);

        await using var db = _app.SystemDb();
        var collateral = await db.Collaterals.SingleAsync(c => c.Id == collateralId);
        Assert.Equal((CollateralStatus.Released, Today), (collateral.Status, collateral.ReleasedOn));
        Assert.Equal(Today, (await db.CollateralAssignments.SingleAsync(a => a.LoanId == loanId)).ReleasedOn);
        var guarantee = await db.Guarantees.SingleAsync(g => g.LoanId == loanId);
        Assert.Equal((GuaranteeStatus.Released, Today), (guarantee.Status, guarantee.ReleasedOn));
        Assert.True(await db.LedgerEvents.AnyAsync(e => e.LoanId == loanId && e.Kind == LedgerEventKind.Settlement && e.EffectiveDate == Today));
    }

    [Fact]
    public async Task Collateral_securing_another_open_loan_stays_registered()
    {
        var settled = await OpenLoanAsync("CS-0004", 100_000.00m);
        var open = await OpenLoanAsync("CS-0005", 50_000.00m);
        var shared = await RegisterAsync("YP-0004", settled, 400_000.00m, 100_000.00m);
        await AsSystemAsync(s => s.AssignAsync(open, new AssignmentInput(shared, 50_000.00m)));

        await SettleAsync(settled, 100_000.00m);

        await using var db = _app.SystemDb();
        var collateral = await db.Collaterals.SingleAsync(c => c.Id == shared);
        Assert.Equal((CollateralStatus.Registered, (DateOnly?)null), (collateral.Status, collateral.ReleasedOn));
        var assignments = await db.CollateralAssignments.Where(a => a.CollateralId == shared).OrderBy(a => a.LoanId).ToListAsync();
        Assert.Equal(new List<(long, DateOnly?)> { (settled, Today), (open, null) }, assignments.Select(a => (a.LoanId, a.ReleasedOn)).ToList());

        // Only the open loan counts now: 50,000 / 400,000 = 0.125.
        using var risk = await _app.WithTokenAsync("risk.bj");
        var item = (await risk.GetFromJsonAsync<CollateralItem>($"/api/collateral/{shared}"))!;
        Assert.Equal((50_000.00m, 0.125m), (item.Exposure, item.LoanToValue!.Value));
    }

    /// <summary>Opens a 12-month 等额本息 loan at 4.35% for the Haidian enterprise on the open business date.</summary>
    private async Task<long> OpenLoanAsync(string code, decimal principal)
    {
        var opened = await _app.AsSystemAsync(s => s.GetRequiredService<LoanServicing>().OpenAsync(
            new NewLoan(code, _customerId, "EQI", principal, 0.0435m, 12, Today, GuaranteeMethod: GuaranteeMethod.Mortgage)));
        Assert.True(opened.IsSuccess, opened.Error?.Message);
        return opened.Value!.Id;
    }

    private async Task<long> RegisterAsync(string code, long loanId, decimal value, decimal securedAmount)
    {
        var registered = await AsSystemAsync(s => s.RegisterCollateralAsync(_customerId, new CollateralInput(
            code, "抵押", "real-estate", "北京市海淀区某路1号 厂房", LoanId: loanId, SecuredAmount: securedAmount,
            Valuation: new ValuationInput(value, new DateOnly(2026, 3, 1), "中联资产评估集团有限公司"))));
        return registered.Id;
    }

    private Task GuaranteeAsync(long loanId) =>
        AsSystemAsync(s => s.AddGuaranteeAsync(loanId, new GuaranteeInput(null, "个人", "王建国", "11010519491231002X", 100_000.00m, "BZ-0001")));

    /// <summary>Pays the whole loan off on the open business date (提前结清): on the disbursement day that is the principal.</summary>
    private async Task SettleAsync(long loanId, decimal principal)
    {
        var paid = await _app.AsSystemAsync(s => s.GetRequiredService<LoanServicing>().PayAsync(loanId, new PaymentRequest(Today, principal, PaymentKind.Payoff)));
        Assert.True(paid.IsSuccess, paid.Error?.Message);
        Assert.Equal(LoanTransactionKind.Payoff, paid.Value!.Kind);
    }

    private async Task<T> AsSystemAsync<T>(Func<CreditSupportService, Task<Domain.Common.Result<T>>> work)
    {
        var result = await _app.AsSystemAsync(s => work(s.GetRequiredService<CreditSupportService>()));
        Assert.True(result.IsSuccess, result.Error?.Message);
        return result.Value!;
    }

    private sealed record ProblemBody(string? Title, int? Status, string? Detail);
}

/// <summary>
/// The demo bank's credit support on PostgreSQL (bulk COPY with explicit ids): three groups of enterprises, a guarantor on
/// every guaranteed loan, a collateral with two or three valuations on every mortgage or pledge loan, released with the
/// loan's settlement; identity sequences continue after the bulk rows.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class CreditSupportDemoOnPostgres(PostgresCluster cluster)
{
    [Fact]
    public async Task Demo_credit_support_is_seeded_and_reads_back()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 3, 10, 4, 0, 0, TimeSpan.Zero));
        await using var app = await TestApp.StartAsync(DatabaseProvider.Postgres, await cluster.CreateDatabaseAsync(), clock);
        var written = await app.AsSystemAsync(async s =>
        {
            await s.GetRequiredService<Infrastructure.Demo.DemoLoanSeeder>().SeedAsync(80);
            return await ActivatorUtilities.CreateInstance<Infrastructure.Demo.DemoCreditSupportSeeder>(s).SeedAsync();
        });
        var again = await app.AsSystemAsync(s => ActivatorUtilities.CreateInstance<Infrastructure.Demo.DemoCreditSupportSeeder>(s).SeedAsync());

        await using var db = app.SystemDb();
        var secured = await db.Loans.Where(l => l.GuaranteeMethod == GuaranteeMethod.Mortgage || l.GuaranteeMethod == GuaranteeMethod.Pledge).Select(l => l.Id).ToListAsync();
        var guaranteed = await db.Loans.CountAsync(l => l.GuaranteeMethod == GuaranteeMethod.Guarantee);
        Assert.Equal(0, again);
        Assert.Equal(guaranteed + secured.Count, written);
        Assert.Equal(3, await db.CustomerGroups.CountAsync());
        Assert.Equal(3, await db.GroupMemberships.CountAsync(m => m.Role == GroupRole.Parent));
        Assert.Equal(guaranteed, await db.Guarantees.CountAsync());
        Assert.Equal(secured.Order(), (await db.CollateralAssignments.Select(a => a.LoanId).ToListAsync()).Order());
        Assert.All(await db.CollateralValuations.GroupBy(v => v.CollateralId).Select(g => g.Count()).ToListAsync(), n => Assert.InRange(n, 2, 3));
        var settled = await db.LoanPositions.Where(p => p.Status == LoanStatus.Settled && secured.Contains(p.LoanId)).Select(p => p.LoanId).ToListAsync();
        Assert.Equal(settled.Order(), (await db.CollateralAssignments.Where(a => a.ReleasedOn != null).Select(a => a.LoanId).ToListAsync()).Order());
        Assert.Equal(settled.Count, await db.Collaterals.CountAsync(c => c.Status == CollateralStatus.Released));

        // Read through the service (EF) and add a row after the bulk ones.
        var customerId = await db.CollateralAssignments.Where(a => a.ReleasedOn == null).Select(a => a.CustomerId).FirstAsync();
        var items = await app.AsSystemAsync(s => s.GetRequiredService<CreditSupportService>().CollateralOfCustomerAsync(customerId));
        Assert.Contains(items, i => i.Status == CollateralStatus.Registered && i.LoanToValue > 0m && i.Valuations.Count >= 2);
        var valuation = await app.AsSystemAsync(s => s.GetRequiredService<CreditSupportService>().AddValuationAsync(items.First(i => i.Status == CollateralStatus.Registered).Id,
            new ValuationInput(1_000_000.00m, new DateOnly(2026, 3, 10), "内部评估")));
        Assert.True(valuation.IsSuccess, valuation.Error?.Message);
    }
}
