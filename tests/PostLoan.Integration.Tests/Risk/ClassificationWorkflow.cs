using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PostLoan.Domain.Administration;
using PostLoan.Domain.Risk;
using PostLoan.Infrastructure.Ledger.Close;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Integration.Tests.Support;
using PostLoan.Web.Features.Ledger;
using PostLoan.Web.Features.Risk;

namespace PostLoan.Integration.Tests.Risk;

/// <summary>
/// The five-level classification workflow through the API (domain.md section 4): a person's change outside the rule
/// waits for a second person with the risk manager role, never the maker; approved, it changes the loan's category,
/// stage, live position and history; an upgrade above the floor is refused; a rejection needs a note; account managers
/// may ask but not decide; the data scope holds for the loan and the review list; a credit-impaired flag raises the
/// floor to 次级 at the next daily close.
/// </summary>
public abstract class ClassificationWorkflow : IAsyncLifetime
{
    /// <summary>Noon in Beijing on 2026-03-10: the loans are opened that day and the day is closed.</summary>
    private static readonly DateTimeOffset Noon = new(2026, 3, 10, 4, 0, 0, TimeSpan.Zero);

    private static readonly DateOnly Opened = new(2026, 3, 10);

    private readonly ManualClock _clock = new(Noon);
    private TestApp _app = null!;
    private long _beijingLoan;
    private long _shanghaiLoan;
    private int _beijingCustomer;

    protected abstract Task<TestApp> StartAsync(ManualClock clock);

    public async Task InitializeAsync()
    {
        _app = await StartAsync(_clock);
        await using (var db = _app.SystemDb())
        {
            var amId = await db.Users.Where(u => u.UserName == "am.bj01").Select(u => u.Id).SingleAsync();
            _beijingCustomer = await db.Customers.Where(c => c.AccountManagerId == amId).OrderBy(c => c.Id).Select(c => c.Id).FirstAsync();
            var pudong = await db.Organisations.SingleAsync(o => o.Code == "SH01");
            var shanghaiCustomer = await db.Customers.Where(c => c.OrganisationId == pudong.Id).OrderBy(c => c.Id).Select(c => c.Id).FirstAsync();
            _beijingLoan = await OpenLoanAsync("clerk.bj", "L-BJ-K001", _beijingCustomer);
            _shanghaiLoan = await OpenLoanAsync("clerk.sh", "L-SH-K001", shanghaiCustomer);
        }

        await CloseAsync(Opened);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_change_waits_for_a_second_risk_manager_and_then_changes_category_stage_position_and_history()
    {
        using var maker = await _app.WithTokenAsync("risk.bj");
        using var checker = await _app.WithTokenAsync("risk");
        var before = (await maker.GetFromJsonAsync<LoanClassificationView>($"/api/loans/{_beijingLoan}/classification"))!;
        Assert.Equal((FiveLevelCategory.Normal, Ifrs9Stage.Stage1, FiveLevelCategory.Normal, FiveLevelCategory.Normal),
            (before.Row!.Category, before.Row.Stage, before.Row.Floor, before.Row.Proposed));
        Assert.Empty(before.History);

        // 关注 is above the rules' proposal 正常: not a downgrade to the proposal, so it needs approval.
        var requested = await maker.PostAsJsonAsync($"/api/loans/{_beijingLoan}/classification-requests",
            new { category = "SpecialMention", reason = "主营收入同比下降45%", evidence = "2026年一季度财务报表" });

        Assert.Equal(HttpStatusCode.Created, requested.StatusCode);
        var change = (await requested.Content.ReadFromJsonAsync<ClassificationChangeItem>())!;
        Assert.Equal((ChangeState.Pending, ChangeSource.Manual, FiveLevelCategory.Normal, FiveLevelCategory.SpecialMention, "risk.bj", new DateOnly(2026, 3, 11)),
            (change.State, change.Source, change.From, change.To, change.Maker, change.Date));
        var waiting = (await maker.GetFromJsonAsync<LoanClassificationView>($"/api/loans/{_beijingLoan}/classification"))!;
        Assert.Equal(FiveLevelCategory.Normal, waiting.Row!.Category);
        Assert.Equal(change.Id, waiting.Row.PendingChange!.Id);
        var pending = (await checker.GetFromJsonAsync<ClassificationPage>("/api/risk/classifications?view=pending"))!;
        Assert.Equal([_beijingLoan], pending.Items.Select(i => i.LoanId));

        var own = await maker.PostAsJsonAsync($"/api/risk/classification-changes/{change.Id}/approve", new { note = "同意" });

        Assert.Equal(HttpStatusCode.Forbidden, own.StatusCode);
        Assert.Equal("application/problem+json", own.Content.Headers.ContentType?.MediaType);
        Assert.Equal("change.own", (await own.Content.ReadFromJsonAsync<ProblemBody>())!.Title);

        var approved = await checker.PostAsJsonAsync($"/api/risk/classification-changes/{change.Id}/approve", new { note = "同意下调" });

        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        var decided = (await approved.Content.ReadFromJsonAsync<ClassificationChangeItem>())!;
        Assert.Equal((ChangeState.Applied, "risk", "同意下调"), (decided.State, decided.Checker, decided.DecisionNote));
        var after = (await checker.GetFromJsonAsync<LoanClassificationView>($"/api/loans/{_beijingLoan}/classification"))!;
        // 关注 for a reason other than days past due → IFRS 9 stage 2; the person's category is held above the floor 正常.
        Assert.Equal((FiveLevelCategory.SpecialMention, Ifrs9Stage.Stage2, FiveLevelCategory.Normal, FiveLevelCategory.SpecialMention, FiveLevelCategory.SpecialMention),
            (after.Row!.Category, after.Row.Stage, after.Row.Floor, after.Row.Proposed, after.Held!.Value));
        Assert.Null(after.Row.PendingChange);
        Assert.Equal(new DateOnly(2026, 3, 11), after.ChangedOn);
        var entry = Assert.Single(after.History);
        Assert.Equal((change.Id, ChangeState.Applied, "主营收入同比下降45%", "2026年一季度财务报表", "risk.bj", "risk", "同意下调"),
            (entry.Id, entry.State, entry.Reason, entry.Evidence, entry.Maker, entry.Checker, entry.DecisionNote));
        var loan = (await checker.GetFromJsonAsync<LoanOverview>($"/api/loans/{_beijingLoan}"))!;
        Assert.Equal((FiveLevelCategory.SpecialMention, Ifrs9Stage.Stage2), (loan.Position.Category, loan.Position.Stage));
        Assert.Empty((await checker.GetFromJsonAsync<ClassificationPage>("/api/risk/classifications?view=pending"))!.Items);
    }

    [Fact]
    public async Task A_credit_impaired_flag_raises_the_floor_to_substandard_at_the_next_close_and_an_upgrade_above_it_is_refused()
    {
        using var risk = await _app.WithTokenAsync("risk.bj");

        var flagged = await risk.PostAsJsonAsync("/api/risk/flags", new
        {
            customerId = _beijingCustomer, kind = "CreditImpaired", since = "2026-03-11", note = "法院受理破产重整申请", reference = "(2026)京01破1号",
        });

        Assert.Equal(HttpStatusCode.Created, flagged.StatusCode);
        var flag = (await flagged.Content.ReadFromJsonAsync<RiskFlagItem>())!;
        Assert.Equal((RiskFlagKind.CreditImpaired, (long?)null, new DateOnly(2026, 3, 11), "manual", "risk.bj"), (flag.Kind, flag.LoanId, flag.Since, flag.Source, flag.RecordedBy));
        var beforeClose = (await risk.GetFromJsonAsync<LoanClassificationView>($"/api/loans/{_beijingLoan}/classification"))!;
        Assert.Equal((FiveLevelCategory.Normal, FiveLevelCategory.Normal), (beforeClose.Row!.Floor, beforeClose.Row.Category));

        _clock.Advance(TimeSpan.FromDays(1));
        await CloseAsync(Opened.AddDays(1));
        using var nextDay = await _app.WithTokenAsync("risk.bj"); // the first token expired with the day that passed

        var after = (await nextDay.GetFromJsonAsync<LoanClassificationView>($"/api/loans/{_beijingLoan}/classification"))!;
        Assert.Equal((FiveLevelCategory.Substandard, FiveLevelCategory.Substandard, FiveLevelCategory.Substandard, Ifrs9Stage.Stage3, new DateOnly(2026, 3, 11)),
            (after.Row!.Floor, after.Row.Proposed, after.Row.Category, after.Row.Stage, after.Row.AsOf));
        // The debtor is a company whose only claim is now non-performing (100% > 10%): non-retail contagion holds as well.
        Assert.Equal(["Contagion", "CreditImpaired"], after.Row.Reasons);
        var rule = Assert.Single(after.History);
        Assert.Equal((ChangeSource.Rule, ChangeState.Applied, FiveLevelCategory.Normal, FiveLevelCategory.Substandard, new DateOnly(2026, 3, 11)),
            (rule.Source, rule.State, rule.From, rule.To, rule.Date));
        Assert.Equal(flag.Id, Assert.Single(after.Flags).Id);
        var loan = (await nextDay.GetFromJsonAsync<LoanOverview>($"/api/loans/{_beijingLoan}"))!;
        Assert.Equal((FiveLevelCategory.Substandard, Ifrs9Stage.Stage3), (loan.Position.Category, loan.Position.Stage));

        var upgrade = await nextDay.PostAsJsonAsync($"/api/loans/{_beijingLoan}/classification-requests",
            new { category = "SpecialMention", reason = "债务人经营好转", evidence = "现场检查报告" });

        Assert.Equal(HttpStatusCode.BadRequest, upgrade.StatusCode);
        Assert.Equal("application/problem+json", upgrade.Content.Headers.ContentType?.MediaType);
        var problem = (await upgrade.Content.ReadFromJsonAsync<ProblemBody>())!;
        Assert.Equal("category", problem.Title);
        Assert.Contains("above the floor Substandard", problem.Detail, StringComparison.Ordinal);
        await using var db = _app.SystemDb();
        Assert.Equal(1, await db.ClassificationChanges.CountAsync(c => c.LoanId == _beijingLoan));
    }

    [Fact]
    public async Task An_account_manager_may_request_a_change_but_not_approve_it()
    {
        using var manager = await _app.WithTokenAsync("am.bj01");

        var requested = await manager.PostAsJsonAsync($"/api/loans/{_beijingLoan}/classification-requests",
            new { category = "Substandard", reason = "借款人失联", evidence = "走访记录" });

        Assert.Equal(HttpStatusCode.Created, requested.StatusCode);
        var change = (await requested.Content.ReadFromJsonAsync<ClassificationChangeItem>())!;
        Assert.Equal((ChangeState.Pending, FiveLevelCategory.Normal, FiveLevelCategory.Substandard, "am.bj01"), (change.State, change.From, change.To, change.Maker));

        var approve = await manager.PostAsJsonAsync($"/api/risk/classification-changes/{change.Id}/approve", new { note = "同意" });
        var list = await manager.GetAsync("/api/risk/classifications");

        Assert.Equal(HttpStatusCode.Forbidden, approve.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
        await using var db = _app.SystemDb();
        Assert.Equal(ChangeState.Pending, (await db.ClassificationChanges.SingleAsync(c => c.Id == change.Id)).State);
        Assert.Equal(FiveLevelCategory.Normal, (await db.LoanClassifications.SingleAsync(c => c.LoanId == _beijingLoan)).Category);
    }

    [Fact]
    public async Task A_user_outside_the_scope_is_refused_the_loan_and_sees_only_the_rows_of_their_branch()
    {
        using var shanghai = await _app.WithTokenAsync("risk.sh");
        using var beijing = await _app.WithTokenAsync("risk.bj");
        using var headOffice = await _app.WithTokenAsync("risk");
        var change = (await (await beijing.PostAsJsonAsync($"/api/loans/{_beijingLoan}/classification-requests",
            new { category = "SpecialMention", reason = "担保人代偿能力下降", evidence = "担保人财务报表" })).Content.ReadFromJsonAsync<ClassificationChangeItem>())!;

        var loan = await shanghai.GetAsync($"/api/loans/{_beijingLoan}/classification");
        var approve = await shanghai.PostAsJsonAsync($"/api/risk/classification-changes/{change.Id}/approve", new { note = "同意" });

        Assert.Equal(HttpStatusCode.Forbidden, loan.StatusCode);
        Assert.Equal("application/problem+json", loan.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Forbidden, approve.StatusCode);
        Assert.Equal("scope.denied", (await approve.Content.ReadFromJsonAsync<ProblemBody>())!.Title);
        var shanghaiRows = (await shanghai.GetFromJsonAsync<ClassificationPage>("/api/risk/classifications?view=all"))!;
        var beijingRows = (await beijing.GetFromJsonAsync<ClassificationPage>("/api/risk/classifications?view=all"))!;
        var allRows = (await headOffice.GetFromJsonAsync<ClassificationPage>("/api/risk/classifications?view=all"))!;
        Assert.Equal((1, "L-SH-K001"), (shanghaiRows.Total, Assert.Single(shanghaiRows.Items).LoanCode));
        Assert.Equal((1, "L-BJ-K001"), (beijingRows.Total, Assert.Single(beijingRows.Items).LoanCode));
        Assert.Equal([_beijingLoan, _shanghaiLoan], allRows.Items.Select(i => i.LoanId));
        Assert.Empty((await shanghai.GetFromJsonAsync<ClassificationPage>("/api/risk/classifications?view=pending"))!.Items);
        var row = Assert.Single(beijingRows.Items);
        Assert.Equal(("北京海淀支行", 0, 100_000.00m, FiveLevelCategory.Normal, "risk.bj"),
            (row.OrganisationName, row.DaysPastDue, row.PrincipalOutstanding, row.Category, row.PendingChange!.Maker));
        await using var db = _app.SystemDb();
        var id = _beijingLoan.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(await db.AuditEntries.AnyAsync(a => a.Action == AuditAction.AccessDenied && a.Entity == "Loan" && a.EntityId == id && a.UserName == "risk.sh"));
        Assert.Equal(ChangeState.Pending, (await db.ClassificationChanges.SingleAsync(c => c.Id == change.Id)).State);
    }

    [Fact]
    public async Task A_rejection_needs_a_note_and_leaves_the_category_as_it_was()
    {
        using var maker = await _app.WithTokenAsync("risk.bj");
        using var checker = await _app.WithTokenAsync("risk");
        var change = (await (await maker.PostAsJsonAsync($"/api/loans/{_beijingLoan}/classification-requests",
            new { category = "Doubtful", reason = "抵押物被查封", evidence = "查封裁定书" })).Content.ReadFromJsonAsync<ClassificationChangeItem>())!;
        Assert.Equal(ChangeState.Pending, change.State);

        var withoutNote = await checker.PostAsJsonAsync($"/api/risk/classification-changes/{change.Id}/reject", new { note = " " });

        Assert.Equal(HttpStatusCode.BadRequest, withoutNote.StatusCode);
        Assert.Equal("note", (await withoutNote.Content.ReadFromJsonAsync<ProblemBody>())!.Title);

        var rejected = await checker.PostAsJsonAsync($"/api/risk/classification-changes/{change.Id}/reject", new { note = "查封已解除，证据不足" });

        Assert.Equal(HttpStatusCode.OK, rejected.StatusCode);
        var view = (await checker.GetFromJsonAsync<LoanClassificationView>($"/api/loans/{_beijingLoan}/classification"))!;
        Assert.Equal((FiveLevelCategory.Normal, Ifrs9Stage.Stage1), (view.Row!.Category, view.Row.Stage));
        var entry = Assert.Single(view.History);
        Assert.Equal((ChangeState.Rejected, "risk", "查封已解除，证据不足"), (entry.State, entry.Checker, entry.DecisionNote));
    }

    /// <summary>A clerk opens 100,000 at 4.35% over 12 months (等额本息) through the API.</summary>
    private async Task<long> OpenLoanAsync(string clerkName, string code, int customerId)
    {
        using var clerk = await _app.WithTokenAsync(clerkName);
        var response = await clerk.PostAsJsonAsync("/api/loans", new
        {
            code, customerId, productCode = "EQI", principal = 100_000.00m, annualRate = 0.0435m, termMonths = 12, purpose = "流动资金周转", guaranteeMethod = "guarantee",
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<LoanOverview>())!.Id;
    }

    /// <summary>The daily close of <paramref name="date"/>, which runs the nightly classification.</summary>
    private async Task CloseAsync(DateOnly date)
    {
        var closed = await _app.AsSystemAsync(s => s.GetRequiredService<DailyClose>().RunAsync(date));
        Assert.True(closed.IsSuccess, closed.Error?.Message);
    }

    private sealed record ProblemBody(string? Title, int? Status, string? Detail);
}

public sealed class SqliteClassificationWorkflow : ClassificationWorkflow
{
    protected override Task<TestApp> StartAsync(ManualClock clock) => TestApp.StartAsync(clock: clock);
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresClassificationWorkflow(PostgresCluster cluster) : ClassificationWorkflow
{
    protected override async Task<TestApp> StartAsync(ManualClock clock) =>
        await TestApp.StartAsync(DatabaseProvider.Postgres, await cluster.CreateDatabaseAsync(), clock);
}
