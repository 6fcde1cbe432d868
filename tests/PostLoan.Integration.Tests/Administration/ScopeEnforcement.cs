using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Administration;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Integration.Tests.Support;
using PostLoan.Web.Features.Ledger;

namespace PostLoan.Integration.Tests.Administration;

/// <summary>
/// Data scope is enforced centrally: a branch user sees only their subtree, an account manager only their own
/// customers, an enterprise user only their company; refusals are 403 and audited. Runs on SQLite and PostgreSQL.
/// </summary>
public abstract class ScopeEnforcement : IAsyncLifetime
{
    private TestApp _app = null!;

    protected abstract Task<TestApp> StartAppAsync();

    public async Task InitializeAsync() => _app = await StartAppAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Branch_user_lists_only_customers_of_their_branch()
    {
        using var client = await _app.WithTokenAsync("risk.bj");

        var page = await client.GetFromJsonAsync<CustomerPage>("/api/customers?pageSize=200");

        await using var db = _app.SystemDb();
        var beijing = await db.Organisations.SingleAsync(o => o.Code == "BJ");
        var beijingCustomerIds = await db.Customers.Where(c => c.OrganisationPath.StartsWith(beijing.Path)).Select(c => c.Id).OrderBy(i => i).ToListAsync();
        Assert.Equal(12, page!.Total);
        Assert.Equal(beijingCustomerIds, page.Items.Select(i => i.Id).Order().ToList());
    }

    [Fact]
    public async Task Branch_user_is_refused_another_branch_customer_through_the_api_and_it_is_audited()
    {
        var shanghaiCustomer = await CustomerOfAsync("SH01");
        using var client = await _app.WithTokenAsync("risk.bj");

        var response = await client.GetAsync($"/api/customers/{shanghaiCustomer}");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<ProblemBody>();
        Assert.Equal("scope.denied", problem!.Title);
        await AssertDeniedAuditedAsync("risk.bj", shanghaiCustomer);
    }

    [Fact]
    public async Task Branch_user_is_refused_another_branch_customer_through_the_ui_and_it_is_audited()
    {
        var shanghaiCustomer = await CustomerOfAsync("SH01");
        using var client = await _app.SignedInAsync("risk.bj");

        var response = await client.GetAsync($"/customers/{shanghaiCustomer}");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("不在您的数据权限范围内", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await AssertDeniedAuditedAsync("risk.bj", shanghaiCustomer);
    }

    [Fact]
    public async Task Branch_user_opens_a_customer_of_their_own_branch()
    {
        var beijingCustomer = await CustomerOfAsync("BJ02");
        using var client = await _app.SignedInAsync("risk.bj");

        var response = await client.GetAsync($"/customers/{beijingCustomer}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Account_manager_sees_only_the_customers_they_manage()
    {
        using var client = await _app.WithTokenAsync("am.bj01");

        var page = await client.GetFromJsonAsync<CustomerPage>("/api/customers?pageSize=200");

        await using var db = _app.SystemDb();
        var managerId = await db.Users.Where(u => u.UserName == "am.bj01").Select(u => u.Id).SingleAsync();
        var managed = await db.Customers.Where(c => c.AccountManagerId == managerId).Select(c => c.Id).OrderBy(i => i).ToListAsync();
        Assert.Equal(4, page!.Total);
        Assert.Equal(managed, page.Items.Select(i => i.Id).Order().ToList());
    }

    [Fact]
    public async Task Enterprise_user_sees_only_their_own_company()
    {
        await using var db = _app.SystemDb();
        var user = await db.Users.SingleAsync(u => u.UserName == "ent.demo");
        var neighbour = await db.Customers.Where(c => c.Id != user.CustomerId && c.OrganisationId == user.OrganisationId).Select(c => c.Id).FirstAsync();
        using var client = await _app.WithTokenAsync("ent.demo");

        var page = await client.GetFromJsonAsync<CustomerPage>("/api/customers");
        var own = await client.GetAsync($"/api/customers/{user.CustomerId}");
        var other = await client.GetAsync($"/api/customers/{neighbour}");

        Assert.Equal(user.CustomerId, Assert.Single(page!.Items).Id);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        await AssertDeniedAuditedAsync("ent.demo", neighbour);
    }

    [Fact]
    public async Task A_role_without_permission_is_refused_and_audited()
    {
        using var client = await _app.WithTokenAsync("clerk.bj");

        var response = await client.GetAsync("/api/users");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        await using var db = _app.SystemDb();
        Assert.True(await db.AuditEntries.AnyAsync(a => a.Action == AuditAction.AccessDenied && a.UserName == "clerk.bj" && a.EntityId == "GET /api/users"));
    }

    [Fact]
    public async Task The_auditor_reads_but_cannot_change()
    {
        using var client = await _app.WithTokenAsync("auditor");

        var audit = await client.GetAsync("/api/audit");
        var create = await client.PostAsJsonAsync("/api/organisations", new { code = "X1", name = "稽核新建", parentId = 1 });

        Assert.Equal(HttpStatusCode.OK, audit.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
    }

    [Fact]
    public async Task Anonymous_callers_get_401_from_the_api_and_the_login_page_from_the_ui()
    {
        using var client = _app.Client();

        var api = await client.GetAsync("/api/customers");
        var page = await client.GetAsync("/customers");

        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/account/login", page.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    private async Task<int> CustomerOfAsync(string organisationCode)
    {
        await using var db = _app.SystemDb();
        var organisation = await db.Organisations.SingleAsync(o => o.Code == organisationCode);
        return await db.Customers.Where(c => c.OrganisationId == organisation.Id).OrderBy(c => c.Id).Select(c => c.Id).FirstAsync();
    }

    private async Task AssertDeniedAuditedAsync(string userName, int customerId)
    {
        await using var db = _app.SystemDb();
        var id = customerId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(await db.AuditEntries.AnyAsync(a => a.Action == AuditAction.AccessDenied && a.UserName == userName && a.Entity == "Customer" && a.EntityId == id));
    }

    private sealed record ProblemBody(string? Title, int? Status, string? Detail);
}

public sealed class SqliteScopeEnforcement : ScopeEnforcement
{
    protected override Task<TestApp> StartAppAsync() => TestApp.StartAsync();
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresScopeEnforcement(PostgresCluster cluster) : ScopeEnforcement
{
    protected override async Task<TestApp> StartAppAsync() =>
        await TestApp.StartAsync(DatabaseProvider.Postgres, await cluster.CreateDatabaseAsync());
}
