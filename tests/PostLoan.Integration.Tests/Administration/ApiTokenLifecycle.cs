using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using PostLoan.Integration.Tests.Support;
using PostLoan.Web.Features.Account;

namespace PostLoan.Integration.Tests.Administration;

/// <summary>Personal API tokens: created by a signed-in user, used as bearer tokens, revoked, and expired.</summary>
public sealed class ApiTokenLifecycle : IAsyncLifetime
{
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 11, 2, 1, 0, 0, TimeSpan.Zero));
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(clock: _clock);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_token_is_created_used_and_revoked()
    {
        using var browser = await _app.SignedInAsync("risk.bj");
        var created = await browser.PostAsJsonAsync("/api/tokens", new { name = "核心系统对接", expiresInDays = 30 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var token = (await created.Content.ReadFromJsonAsync<CreatedTokenResponse>())!;
        Assert.StartsWith("plt_", token.Token, StringComparison.Ordinal);
        Assert.Equal(_clock.Now.AddDays(30), token.ExpiresAt);

        using var integration = Bearer(token.Token);
        var me = await integration.GetFromJsonAsync<MeResponse>("/api/me");
        Assert.Equal("risk.bj", me!.UserName);

        var revoked = await browser.DeleteAsync($"/api/tokens/{token.Id}");
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await integration.GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task A_token_stops_working_when_it_expires()
    {
        using var browser = await _app.SignedInAsync("clerk.sh");
        var token = (await (await browser.PostAsJsonAsync("/api/tokens", new { name = "导入", expiresInDays = 1 })).Content.ReadFromJsonAsync<CreatedTokenResponse>())!;
        using var integration = Bearer(token.Token);
        Assert.Equal(HttpStatusCode.OK, (await integration.GetAsync("/api/me")).StatusCode);

        _clock.Advance(TimeSpan.FromDays(1));

        Assert.Equal(HttpStatusCode.Unauthorized, (await integration.GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task Only_a_hash_of_the_secret_is_stored_and_listings_never_show_it()
    {
        using var browser = await _app.SignedInAsync("admin");
        var token = (await (await browser.PostAsJsonAsync("/api/tokens", new { name = "报表", expiresInDays = 7 })).Content.ReadFromJsonAsync<CreatedTokenResponse>())!;

        var listing = await browser.GetStringAsync("/api/tokens");
        await using var db = _app.SystemDb();
        var stored = await db.ApiTokens.SingleAsync(t => t.Id == token.Id);

        Assert.DoesNotContain(token.Token, listing, StringComparison.Ordinal);
        Assert.NotEqual(token.Token, stored.SecretHash);
        Assert.Equal(64, stored.SecretHash.Length);
        Assert.Equal(token.Token[..10], stored.Prefix);
    }

    [Fact]
    public async Task A_lifetime_beyond_a_year_is_refused_with_problem_details()
    {
        using var browser = await _app.SignedInAsync("admin");

        var response = await browser.PostAsJsonAsync("/api/tokens", new { name = "太久", expiresInDays = 400 });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("expiresInDays", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_token_is_refused()
    {
        using var integration = Bearer("plt_not-a-real-token");
        Assert.Equal(HttpStatusCode.Unauthorized, (await integration.GetAsync("/api/me")).StatusCode);
    }

    private HttpClient Bearer(string secret)
    {
        var client = _app.Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return client;
    }
}
