using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Administration;
using PostLoan.Integration.Tests.Support;
using PostLoan.Web.Features.Ledger;

namespace PostLoan.Integration.Tests.Ledger;

/// <summary>Customers are created and changed through the API with the import's field rules, within scope, audited.</summary>
public sealed class CustomerMaintenance : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task An_account_manager_creates_a_customer_in_their_sub_branch()
    {
        using var manager = await _app.WithTokenAsync("am.bj01");

        var response = await manager.PostAsJsonAsync("/api/customers", Input("K900001", "BJ01", "am.bj01"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = (await response.Content.ReadFromJsonAsync<CustomerDetail>())!;
        Assert.Equal("北京新创机电有限公司", created.Name);
        await using var db = _app.SystemDb();
        Assert.True(await db.AuditEntries.AnyAsync(a => a.Entity == "Customer" && a.Action == AuditAction.Created && a.UserName == "am.bj01"));
    }

    [Fact]
    public async Task Every_bad_field_is_named_and_nothing_is_created()
    {
        using var clerk = await _app.WithTokenAsync("clerk.bj");
        var before = await CountAsync();

        var response = await clerk.PostAsJsonAsync("/api/customers", new
        {
            code = "K900002", name = "", kind = "enterprise", idNumber = "91110108MA01ABCD0C", contactPhone = "12345", organisationCode = "BJ01",
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("name: required", body, StringComparison.Ordinal);
        Assert.Contains("idNumber:", body, StringComparison.Ordinal);
        Assert.Contains("contactPhone:", body, StringComparison.Ordinal);
        Assert.Equal(before, await CountAsync());
    }

    [Fact]
    public async Task A_customer_of_another_branch_cannot_be_changed()
    {
        await using var db = _app.SystemDb();
        var shanghai = await db.Organisations.SingleAsync(o => o.Code == "SH01");
        var customer = await db.Customers.FirstAsync(c => c.OrganisationId == shanghai.Id);
        using var clerk = await _app.WithTokenAsync("clerk.bj");

        var response = await clerk.PutAsJsonAsync($"/api/customers/{customer.Id}", Input(customer.Code, "BJ01", null));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        await using var after = _app.SystemDb();
        Assert.Equal(customer.Name, (await after.Customers.SingleAsync(c => c.Id == customer.Id)).Name);
    }

    [Fact]
    public async Task A_customer_is_renamed_and_the_audit_keeps_both_names()
    {
        await using var db = _app.SystemDb();
        var beijing = await db.Organisations.SingleAsync(o => o.Code == "BJ02");
        var customer = await db.Customers.FirstAsync(c => c.OrganisationId == beijing.Id && c.Kind == PostLoan.Domain.Ledger.Customers.CustomerKind.Enterprise);
        using var clerk = await _app.WithTokenAsync("clerk.bj");
        var input = new
        {
            code = customer.Code, name = "北京更名后有限公司", kind = "enterprise", idNumber = customer.IdNumber, industry = customer.Industry,
            region = customer.Region, contactName = customer.ContactName, contactPhone = customer.ContactPhone, address = customer.Address,
            rating = customer.Rating, organisationCode = "BJ02", accountManager = "am.bj02",
        };

        var response = await clerk.PutAsJsonAsync($"/api/customers/{customer.Id}", input);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var after = _app.SystemDb();
        var id = customer.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var entry = await after.AuditEntries.SingleAsync(a => a.Entity == "Customer" && a.EntityId == id && a.Action == AuditAction.Updated);
        Assert.Contains(customer.Name, entry.Before, StringComparison.Ordinal);
        Assert.Contains("北京更名后有限公司", entry.After, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_collector_may_read_but_not_create_customers()
    {
        using var collector = await _app.WithTokenAsync("collector.bj");
        Assert.Equal(HttpStatusCode.OK, (await collector.GetAsync("/api/customers")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await collector.PostAsJsonAsync("/api/customers", Input("K900003", "BJ01", null))).StatusCode);
    }

    private static object Input(string code, string organisationCode, string? manager) => new
    {
        code, name = "北京新创机电有限公司", kind = "enterprise", idNumber = "91110108MA01ABCD0B", industry = "制造业", region = "北京市海淀区",
        contactName = "孙强", contactPhone = "13911112222", address = "北京市海淀区上地十街10号", rating = "A", organisationCode, accountManager = manager,
    };

    private async Task<int> CountAsync()
    {
        await using var db = _app.SystemDb();
        return await db.Customers.CountAsync();
    }
}
