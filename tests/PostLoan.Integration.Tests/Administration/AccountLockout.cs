using System.Net;
using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Administration;
using PostLoan.Infrastructure.Demo;
using PostLoan.Integration.Tests.Support;

namespace PostLoan.Integration.Tests.Administration;

/// <summary>Wrong passwords lock the account after the configured number of attempts; an administrator unlocks it.</summary>
public sealed class AccountLockout : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Wrong_passwords_lock_the_account_and_even_the_right_password_is_then_refused()
    {
        using var client = _app.Client();
        for (var attempt = 1; attempt < TestApp.MaxFailedAccessAttempts; attempt++)
        {
            var wrong = await TestApp.PostLoginAsync(client, "collector.gz", "wrong-password");
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
            Assert.Contains("用户名或密码错误", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var last = await TestApp.PostLoginAsync(client, "collector.gz", "wrong-password");
        Assert.Contains("账户已锁定", await last.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var right = await TestApp.PostLoginAsync(client, "collector.gz", DemoBankSeeder.DemoPassword);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Contains("账户已锁定", await right.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        await using var db = _app.SystemDb();
        Assert.Equal(TestApp.MaxFailedAccessAttempts - 1, await db.AuditEntries.CountAsync(a => a.UserName == "collector.gz" && a.Action == AuditAction.SignInFailed));
        Assert.True(await db.AuditEntries.AnyAsync(a => a.UserName == "collector.gz" && a.Action == AuditAction.LockedOut));
    }

    [Fact]
    public async Task An_administrator_unlocks_the_account()
    {
        using var client = _app.Client();
        for (var attempt = 0; attempt < TestApp.MaxFailedAccessAttempts; attempt++)
        {
            await TestApp.PostLoginAsync(client, "clerk.gz", "wrong-password");
        }

        string userId;
        await using (var db = _app.SystemDb())
        {
            userId = await db.Users.Where(u => u.UserName == "clerk.gz").Select(u => u.Id).SingleAsync();
        }

        using var admin = await _app.SignedInAsync("admin");
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync($"/api/users/{userId}/unlock", null)).StatusCode);

        var signIn = await TestApp.PostLoginAsync(_app.Client(), "clerk.gz", DemoBankSeeder.DemoPassword);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
    }

    [Fact]
    public async Task Sign_in_and_sign_out_are_audited()
    {
        using var client = await _app.SignedInAsync("risk.sh");
        var page = await client.GetStringAsync("/");
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;

        var logout = await client.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));

        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/customers")).StatusCode);
        await using var db = _app.SystemDb();
        Assert.True(await db.AuditEntries.AnyAsync(a => a.UserName == "risk.sh" && a.Action == AuditAction.SignedIn));
        Assert.True(await db.AuditEntries.AnyAsync(a => a.UserName == "risk.sh" && a.Action == AuditAction.SignedOut));
    }
}
