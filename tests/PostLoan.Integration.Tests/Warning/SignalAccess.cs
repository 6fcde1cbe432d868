using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PostLoan.Integration.Tests.Support;
using PostLoan.Web.Features.Ledger.CreditLines;
using PostLoan.Web.Features.Warning.Signals;

namespace PostLoan.Integration.Tests.Warning;

/// <summary>
/// Roles and data scope on every signal, notification and credit line endpoint: a user of another branch gets 403
/// (scope.denied, audited) on a Beijing signal or line and does not see it listed; roles without a part in the workflow
/// are refused; a user cannot read another user's notification.
/// </summary>
public sealed class SignalAccess : IAsyncLifetime
{
    private TestApp _app = null!;
    private long _signal;
    private long _line;
    private int _customer;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync();
        await using (var db = _app.SystemDb())
        {
            var am = await db.Users.Where(u => u.UserName == "am.bj01").Select(u => u.Id).SingleAsync();
            _customer = await db.Customers.Where(c => c.AccountManagerId == am).OrderBy(c => c.Id).Select(c => c.Id).FirstAsync();
        }

        using var risk = await _app.WithTokenAsync("risk.bj");
        var raised = await risk.PostAsJsonAsync("/api/warning/signals", new { customerId = _customer, severity = "Orange", title = "应收账款周转天数上升50%" });
        Assert.Equal(HttpStatusCode.Created, raised.StatusCode);
        _signal = (await raised.Content.ReadFromJsonAsync<SignalDetail>())!.Signal.Id;
        var line = await risk.PostAsJsonAsync("/api/credit-lines", new { code = "CL-ACC-001", customerId = _customer, amount = 300_000m, startDate = "2026-01-01", expiryDate = "2027-01-01" });
        Assert.Equal(HttpStatusCode.Created, line.StatusCode);
        _line = (await line.Content.ReadFromJsonAsync<CreditLineDetail>())!.Line.Id;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_signal_can_be_reassigned_only_to_a_manager_who_can_see_it()
    {
        var candidates = await _app.AsSystemAsync(async services =>
        {
            var db = services.GetRequiredService<PostLoan.Infrastructure.Persistence.PostLoanDbContext>();
            var signal = await db.WarningSignals.SingleAsync(s => s.Id == _signal);
            var found = await services.GetRequiredService<PostLoan.Infrastructure.Warning.Signals.SignalWorkflow>().AssigneeCandidatesAsync(signal);
            var names = await db.Users.Where(u => found.Select(f => f.Id).Contains(u.Id)).Select(u => u.UserName!).ToListAsync();
            return names.Order(StringComparer.Ordinal).ToList();
        });
        Assert.Contains("am.bj01", candidates);
        Assert.Contains("risk.bj", candidates);
        Assert.DoesNotContain("am.bj02", candidates);   // another account manager's customer
        Assert.DoesNotContain("risk.sh", candidates);   // another branch
        Assert.DoesNotContain("am.sh01", candidates);

        using var risk = await _app.WithTokenAsync("risk.bj");
        await using var db = _app.SystemDb();
        var outsider = await db.Users.Where(u => u.UserName == "risk.sh").Select(u => u.Id).SingleAsync();
        var refused = await risk.PostAsJsonAsync($"/api/warning/signals/{_signal}/assign", new { userId = outsider });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var riskBj = await db.Users.Where(u => u.UserName == "risk.bj").Select(u => u.Id).SingleAsync();
        var assigned = await risk.PostAsJsonAsync($"/api/warning/signals/{_signal}/assign", new { userId = riskBj, note = "风险经理亲自排查" });
        Assert.Equal(HttpStatusCode.OK, assigned.StatusCode);
        Assert.Equal(riskBj, (await assigned.Content.ReadFromJsonAsync<SignalDetail>())!.Signal.AssignedToId);
    }

    [Theory]
    [InlineData("risk.sh")]
    [InlineData("am.sh01")]
    [InlineData("am.bj02")]
    public async Task A_user_outside_the_scope_is_refused_on_every_signal_endpoint(string userName)
    {
        using var outsider = await _app.WithTokenAsync(userName);
        var calls = new (string Method, string Url, object? Body)[]
        {
            ("GET", $"/api/warning/signals/{_signal}", null),
            ("POST", $"/api/warning/signals/{_signal}/check", new { note = "x" }),
            ("POST", $"/api/warning/signals/{_signal}/propose", new { outcome = "Dismissed", reason = "x" }),
            ("POST", $"/api/warning/signals/{_signal}/actions/1/done", new { note = "x" }),
            ("POST", $"/api/warning/signals/{_signal}/actions/1/cancel", new { note = "x" }),
        };
        var managerCalls = new (string Method, string Url, object? Body)[]
        {
            ("POST", "/api/warning/signals", new { customerId = _customer, severity = "Red", title = "x" }),
            ("POST", $"/api/warning/signals/{_signal}/assign", new { userId = "x" }),
            ("POST", $"/api/warning/signals/{_signal}/confirm", new { note = "x" }),
            ("POST", $"/api/warning/signals/{_signal}/return", new { note = "x" }),
            ("POST", $"/api/warning/signals/{_signal}/actions", new { kind = "AddCollateral", dueDate = "2030-01-01" }),
            ("POST", $"/api/warning/signals/{_signal}/release", new { realRisk = false, outcome = "x" }),
            ("GET", $"/api/credit-lines/{_line}", null),
            ("POST", $"/api/credit-lines/{_line}/freeze", new { reason = "x" }),
            ("POST", $"/api/credit-lines/{_line}/unfreeze", new { reason = "x" }),
            ("POST", $"/api/credit-lines/{_line}/reduce", new { reason = "x", amount = 1m }),
            ("POST", $"/api/credit-lines/{_line}/close", new { reason = "x" }),
            ("POST", "/api/credit-lines", new { code = "CL-X", customerId = _customer, amount = 1m, startDate = "2026-01-01", expiryDate = "2027-01-01" }),
        };
        foreach (var (method, url, body) in calls.Concat(managerCalls))
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), url) { Content = body is null ? null : JsonContent.Create(body) };
            var response = await outsider.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{userName} {method} {url}: {(int)response.StatusCode}");
            if (userName == "risk.sh" || calls.Any(c => c.Url == url && c.Method == method) || (method == "GET" && url.StartsWith("/api/credit-lines/", StringComparison.Ordinal)))
            {
                // Past the role check, the scope refuses: problem details naming the record (an account manager is refused by role first where only risk managers act).
                var problem = (await response.Content.ReadFromJsonAsync<SignalWorkflowJourney.ProblemBody>())!;
                Assert.Equal("scope.denied", problem.Title);
            }
        }

        Assert.DoesNotContain((await outsider.GetFromJsonAsync<SignalPage>("/api/warning/signals"))!.Items, i => i.Id == _signal);
        Assert.DoesNotContain((await outsider.GetFromJsonAsync<List<CreditLineItem>>("/api/credit-lines"))!, l => l.Id == _line);
    }

    [Theory]
    [InlineData("collector.bj")]
    [InlineData("clerk.bj")]
    [InlineData("ent.demo")]
    public async Task Roles_without_a_part_in_the_workflow_are_refused(string userName)
    {
        using var client = await _app.WithTokenAsync(userName);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/warning/signals")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync($"/api/warning/signals/{_signal}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync($"/api/warning/signals/{_signal}/check", new { note = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/notifications/admin/outbox")).StatusCode);
    }

    [Fact]
    public async Task The_customer_page_lists_the_customers_signals_to_signal_readers_and_the_centre_opens_on_one_customer()
    {
        int other;
        string name, code;
        await using (var db = _app.SystemDb())
        {
            var manager = await db.Users.Where(u => u.UserName == "am.bj01").Select(u => u.Id).SingleAsync();
            other = await db.Customers.Where(c => c.AccountManagerId == manager && c.Id != _customer).OrderBy(c => c.Id).Select(c => c.Id).FirstAsync();
            (name, code) = await db.Customers.Where(c => c.Id == _customer).Select(c => ValueTuple.Create(c.Name, c.Code)).SingleAsync();
        }

        using (var risk = await _app.WithTokenAsync("risk.bj"))
        {
            Assert.Equal(HttpStatusCode.Created, (await risk.PostAsJsonAsync("/api/warning/signals", new { customerId = _customer, severity = "Red", title = "实际控制人被列为失信被执行人" })).StatusCode);
            Assert.Equal(HttpStatusCode.Created, (await risk.PostAsJsonAsync("/api/warning/signals", new { customerId = other, severity = "Yellow", title = "水电费连续三个月下降" })).StatusCode);
        }

        // The account manager's customer page: open signals counted by severity, the customer's signals most severe first
        // (both assigned to them), a link to all of them; nothing of their other customer.
        using var am = await _app.SignedInAsync("am.bj01");
        var page = await am.GetStringAsync($"/customers/{_customer}");
        Assert.Equal(["红色 1", "橙色 1"], Texts(page, "data-testid=\"customer-signals-open\"[^>]*>(.*?)</div>"));
        Assert.Equal(["红色 | 实际控制人被列为失信被执行人 | 人工录入 | 排查中", "橙色 | 应收账款周转天数上升50% | 人工录入 | 排查中"],
            Matches(page, "<tr data-testid=\"customer-signal-row\">(.*?)</tr>").Select(row => string.Join(" | ", Texts(row, "<td[^>]*>(.*?)</td>").Take(4))));
        Assert.Equal(["该客户全部信号（2）"], Texts(page, "data-testid=\"customer-signals-all\"[^>]*>(.*?)</a>"));
        Assert.Contains($"href=\"warning/signals?customerId={_customer}&amp;status=all\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("水电费连续三个月下降", page, StringComparison.Ordinal);

        // The link opens the signal centre on that customer, whatever the status.
        var centre = await am.GetStringAsync($"/warning/signals?customerId={_customer}&status=all");
        Assert.Equal([$"客户：{name} ({code})"], Texts(centre, "data-testid=\"signal-customer-filter\"[^>]*>(.*?)</div>"));
        Assert.Equal(["实际控制人被列为失信被执行人", "应收账款周转天数上升50%"], Texts(centre, SignalLinks));
        // A status in the link is applied whatever its case: both signals are being checked, neither is verified.
        Assert.Equal(2, Texts(await am.GetStringAsync($"/warning/signals?customerId={_customer}&status=assigned"), SignalLinks).Count);
        Assert.Empty(Texts(await am.GetStringAsync($"/warning/signals?customerId={_customer}&status=verified"), SignalLinks));
        // A link whose customer is not a number gets a message and no list, not a failed page.
        using var bad = await am.GetAsync("/warning/signals?customerId=abc&status=all");
        Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
        var badPage = await bad.Content.ReadAsStringAsync();
        Assert.Contains("链接中的客户编号“abc”不是数字，未列出信号。", badPage, StringComparison.Ordinal);
        Assert.Empty(Texts(badPage, SignalLinks));
        var api = (await am.GetFromJsonAsync<SignalPage>($"/api/warning/signals?customerId={_customer}&status=all"))!;
        Assert.Equal(2, api.Total);
        Assert.Equal([_customer, _customer], api.Items.Select(i => i.CustomerId));

        // A user who does not read signals sees the customer without the panel; another branch's risk manager, sent the
        // link, gets an empty list that does not even name the customer.
        using var clerk = await _app.SignedInAsync("clerk.bj");
        var clerkPage = await clerk.GetStringAsync($"/customers/{_customer}");
        Assert.Contains(name, clerkPage, StringComparison.Ordinal);
        Assert.DoesNotContain("customer-signals", clerkPage, StringComparison.Ordinal);
        using var shanghai = await _app.SignedInAsync("risk.sh");
        var outside = await shanghai.GetStringAsync($"/warning/signals?customerId={_customer}&status=all");
        Assert.Equal([$"客户：#{_customer}"], Texts(outside, "data-testid=\"signal-customer-filter\"[^>]*>(.*?)</div>"));
        Assert.Empty(Texts(outside, SignalLinks));
        Assert.DoesNotContain(name, outside, StringComparison.Ordinal);
    }

    /// <summary>The signal centre's title links, one per listed signal.</summary>
    private const string SignalLinks = "data-testid=\"signal-link\"[^>]*>(.*?)</a>";

    /// <summary>Each match's first group, as HTML.</summary>
    private static List<string> Matches(string html, string pattern) =>
        Regex.Matches(html, pattern, RegexOptions.Singleline).Select(m => m.Groups[1].Value).ToList();

    /// <summary>The text of each match's first group: tags removed, entities decoded, white space collapsed.</summary>
    private static List<string> Texts(string html, string pattern) =>
        Matches(html, pattern).Select(h => Regex.Replace(System.Net.WebUtility.HtmlDecode(Regex.Replace(h, "<[^>]+>", " ")), @"\s+", " ").Trim()).ToList();

    [Fact]
    public async Task An_auditor_reads_but_changes_nothing_and_nobody_reads_another_users_notification()
    {
        using var auditor = await _app.WithTokenAsync("auditor");
        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync($"/api/warning/signals/{_signal}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await auditor.PostAsJsonAsync($"/api/warning/signals/{_signal}/check", new { note = "x" })).StatusCode);

        using var am = await _app.WithTokenAsync("am.bj01");
        var own = Assert.Single((await am.GetFromJsonAsync<List<PostLoan.Infrastructure.Warning.Push.NotificationItem>>("/api/notifications"))!);
        using var other = await _app.WithTokenAsync("risk.bj");
        var refused = await other.PostAsync($"/api/notifications/{own.Id}/read", null);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(1, (await am.GetFromJsonAsync<PostLoan.Web.Features.Notifications.UnreadCount>("/api/notifications/unread-count"))!.Unread);
        // The hub takes signed-in users only: an anonymous negotiation is sent to the login page.
        var anonymous = await _app.Client().PostAsync("/hubs/notifications/negotiate?negotiateVersion=1", null);
        Assert.Equal(HttpStatusCode.Found, anonymous.StatusCode);
        Assert.Contains("/account/login", anonymous.Headers.Location!.ToString(), StringComparison.Ordinal);
    }
}
