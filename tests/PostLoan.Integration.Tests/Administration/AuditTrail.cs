using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Administration;
using PostLoan.Integration.Tests.Support;

namespace PostLoan.Integration.Tests.Administration;

/// <summary>Every change is in the audit log with who, when, what, before and after; secrets never are; bad input changes nothing.</summary>
public sealed class AuditTrail : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_parameter_change_is_recorded_with_before_and_after()
    {
        using var admin = await _app.WithTokenAsync("admin");

        var response = await admin.PutAsJsonAsync("/api/parameters/ledger.penaltyMarkup", new { value = "0.3" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var db = _app.SystemDb();
        var entry = await db.AuditEntries.SingleAsync(a => a.Entity == "SystemParameter" && a.EntityId == "ledger.penaltyMarkup" && a.Action == AuditAction.Updated);
        Assert.Equal(AuditAction.Updated, entry.Action);
        Assert.Equal("admin", entry.UserName);
        Assert.Equal("""{"Value":"0.5"}""", entry.Before);
        Assert.Equal("""{"Value":"0.3"}""", entry.After);
    }

    [Fact]
    public async Task An_invalid_parameter_value_is_refused_and_nothing_changes()
    {
        using var admin = await _app.WithTokenAsync("admin");

        var response = await admin.PutAsJsonAsync("/api/parameters/ledger.graceDays", new { value = "three" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("value: 'three' is not a valid integer", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await using var db = _app.SystemDb();
        Assert.Equal("0", (await db.SystemParameters.SingleAsync(p => p.Key == "ledger.graceDays")).Value);
    }

    [Fact]
    public async Task A_new_user_is_audited_without_the_password_hash()
    {
        using var admin = await _app.WithTokenAsync("admin");

        var response = await admin.PostAsJsonAsync("/api/users", new
        {
            userName = "am.bj01.b",
            displayName = "海淀支行客户经理 李娜",
            organisationCode = "BJ01",
            roles = new[] { Roles.AccountManager },
            password = "Haidian2026x",
        });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        await using var db = _app.SystemDb();
        var created = await db.AuditEntries.FirstAsync(a => a.Entity == "ApplicationUser" && a.Action == AuditAction.Created && a.After!.Contains("am.bj01.b"));
        Assert.Contains("\"PasswordHash\":\"***\"", created.After, StringComparison.Ordinal);
        Assert.DoesNotContain("AQAAAA", created.After, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_branch_administrator_cannot_create_users_outside_their_branch()
    {
        using var headOffice = await _app.WithTokenAsync("admin");
        var branchAdmin = await headOffice.PostAsJsonAsync("/api/users", new
        {
            userName = "admin.gz", displayName = "广州分行管理员", organisationCode = "GZ", roles = new[] { Roles.Administrator }, password = "Guangzhou2026x",
        });
        Assert.Equal(HttpStatusCode.Created, branchAdmin.StatusCode);

        var client = _app.Client();
        Assert.Equal(HttpStatusCode.Redirect, (await TestApp.PostLoginAsync(client, "admin.gz", "Guangzhou2026x")).StatusCode);
        var outside = await client.PostAsJsonAsync("/api/users", new
        {
            userName = "intruder", displayName = "越权", organisationCode = "BJ01", roles = new[] { Roles.AccountManager }, password = "Intruder2026x",
        });

        Assert.Equal(HttpStatusCode.BadRequest, outside.StatusCode);
        Assert.Contains("outside your scope", await outside.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var users = await client.GetFromJsonAsync<List<PostLoan.Infrastructure.Administration.UserSummary>>("/api/users");
        Assert.All(users!, u => Assert.StartsWith("广州", u.OrganisationName, StringComparison.Ordinal));
    }
}
