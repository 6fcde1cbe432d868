using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PostLoan.Domain.Ledger.CreditLines;
using PostLoan.Domain.Risk;
using PostLoan.Domain.Warning.Push;
using PostLoan.Domain.Warning.Signals;
using PostLoan.Infrastructure.Ledger.Close;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Infrastructure.Warning.Push;
using PostLoan.Infrastructure.Warning.Signals;
using PostLoan.Integration.Tests.Support;
using PostLoan.Web.Features.Ledger.CreditLines;
using PostLoan.Web.Features.Notifications;
using PostLoan.Web.Features.Risk;
using PostLoan.Web.Features.Warning.Signals;

namespace PostLoan.Integration.Tests.Warning;

/// <summary>
/// The signal workflow through the API (domain.md §5): a new signal is assigned to the customer's account manager with a
/// deadline of 3 working days and told in the notification centre; the check and the proposal are the maker's, the
/// confirmation a second risk manager's; a verified red signal is a RedSignal risk flag (floor 关注, stage 2 at the next
/// close) until released; a freeze disposal refuses draws on the credit line until the release unfreezes it; an overdue
/// step escalates once to the branch's risk managers.
/// </summary>
public abstract class SignalWorkflowJourney : IAsyncLifetime
{
    /// <summary>Noon in Beijing on Tuesday 2026-03-10: the loan is opened that day and the day is closed.</summary>
    private static readonly DateTimeOffset Noon = new(2026, 3, 10, 4, 0, 0, TimeSpan.Zero);

    private readonly ManualClock _clock = new(Noon);
    private TestApp _app = null!;
    private int _customer;
    private long _loan;
    private string _amId = "";

    protected abstract Task<TestApp> StartAsync(ManualClock clock);

    public async Task InitializeAsync()
    {
        _app = await StartAsync(_clock);
        await using (var db = _app.SystemDb())
        {
            _amId = await db.Users.Where(u => u.UserName == "am.bj01").Select(u => u.Id).SingleAsync();
            _customer = await db.Customers.Where(c => c.AccountManagerId == _amId).OrderBy(c => c.Id).Select(c => c.Id).FirstAsync();
        }

        using var clerk = await _app.WithTokenAsync("clerk.bj");
        var opened = await clerk.PostAsJsonAsync("/api/loans", new
        {
            code = "L-SIG-001", customerId = _customer, productCode = "EQI", principal = 100_000.00m, annualRate = 0.0435m, termMonths = 12, purpose = "流动资金周转",
        });
        Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
        _loan = (await opened.Content.ReadFromJsonAsync<IdOnly>())!.Id;
        await CloseAsync(new DateOnly(2026, 3, 10));
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_new_signal_is_assigned_to_the_account_manager_with_a_deadline_of_three_working_days_and_told_at_once()
    {
        using var risk = await _app.WithTokenAsync("risk.bj");
        using var am = await _app.WithTokenAsync("am.bj01");

        var signal = await RaiseAsync(risk, "Red", "实际控制人被列为失信被执行人");

        Assert.Equal((SignalStatus.Assigned, SignalSource.Manual, SignalSeverity.Red, _amId), (signal.Signal.Status, signal.Signal.Source, signal.Signal.Severity, signal.Signal.AssignedToId));
        // Raised on Tuesday 03-10 at 04:00 UTC: Wednesday, Thursday and Friday are the three working days.
        Assert.Equal(new DateTimeOffset(2026, 3, 13, 4, 0, 0, TimeSpan.Zero), signal.Signal.DueAt);
        // Raised and assigned in one step: who raised it, and whom it went to.
        Assert.Equal([(SignalStepKind.Raised, SignalStatus.Raised, SignalStatus.Assigned, "risk.bj", _amId)],
            signal.Steps.Select(s => (s.Kind, s.From, s.To, s.ActorName, s.AssigneeId)));
        // The timeline names the manager it went to, as the signal's assignee.
        Assert.NotNull(signal.Signal.AssignedToName);
        Assert.Equal(signal.Signal.AssignedToName, signal.Steps[0].AssigneeName);

        Assert.Equal(1, (await am.GetFromJsonAsync<UnreadCount>("/api/notifications/unread-count"))!.Unread);
        var told = Assert.Single((await am.GetFromJsonAsync<List<NotificationItem>>("/api/notifications"))!);
        Assert.Equal((NotificationKind.SignalNew, signal.Signal.Id, "[红色预警·新信号] 实际控制人被列为失信被执行人"), (told.Kind, told.SignalId, told.Title));
        var mine = (await am.GetFromJsonAsync<SignalPage>("/api/warning/signals?mine=true&status=open"))!;
        Assert.Equal([signal.Signal.Id], mine.Items.Select(i => i.Id));
        Assert.Empty((await risk.GetFromJsonAsync<SignalPage>("/api/warning/signals?mine=true"))!.Items);

        var read = await am.PostAsync($"/api/notifications/{told.Id}/read", null);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(0, (await am.GetFromJsonAsync<UnreadCount>("/api/notifications/unread-count"))!.Unread);
    }

    [Fact]
    public async Task The_maker_cannot_confirm_their_own_proposal_and_a_verified_red_signal_is_a_risk_flag_until_released()
    {
        using var maker = await _app.WithTokenAsync("risk.bj");
        using var checker = await _app.WithTokenAsync("risk");
        using var am = await _app.WithTokenAsync("am.bj01");
        var id = (await RaiseAsync(maker, "Red", "连续两月用电量下降超过60%")).Signal.Id;

        var early = await maker.PostAsJsonAsync($"/api/warning/signals/{id}/propose", new { outcome = "Verified", reason = "停产" });
        await AssertProblemAsync(early, HttpStatusCode.BadRequest, "check", "record the check (排查) before proposing an outcome");
        Assert.Equal(HttpStatusCode.OK, (await maker.PostAsJsonAsync($"/api/warning/signals/{id}/check", new { note = "现场走访：车间停工，仅留守2人" })).StatusCode);
        var proposed = await maker.PostAsJsonAsync($"/api/warning/signals/{id}/propose", new { outcome = "Verified", reason = "现场核实停产", evidence = "走访照片3张；电费单" });
        Assert.Equal(HttpStatusCode.OK, proposed.StatusCode);
        Assert.Equal(SignalStatus.PendingVerification, (await proposed.Content.ReadFromJsonAsync<SignalDetail>())!.Signal.Status);

        var own = await maker.PostAsJsonAsync($"/api/warning/signals/{id}/confirm", new { note = "同意" });
        await AssertProblemAsync(own, HttpStatusCode.Forbidden, "signal.own", "the maker of a proposal cannot confirm it: a second risk manager must");
        Assert.Equal(HttpStatusCode.Forbidden, (await am.PostAsJsonAsync($"/api/warning/signals/{id}/confirm", new { note = "同意" })).StatusCode);

        var confirmed = await checker.PostAsJsonAsync($"/api/warning/signals/{id}/confirm", new { note = "同意认定" });
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        var verified = (await confirmed.Content.ReadFromJsonAsync<SignalDetail>())!;
        Assert.Equal((SignalStatus.Verified, (DateTimeOffset?)null), (verified.Signal.Status, verified.Signal.DueAt));
        var proposal = verified.Steps.Single(s => s.Kind == SignalStepKind.Proposed);
        Assert.Equal((SignalStatus.Verified, "现场核实停产", "走访照片3张；电费单", "risk.bj"), (proposal.Outcome!.Value, proposal.Note, proposal.Evidence, proposal.ActorName));
        Assert.Equal(("risk", "同意认定"), (verified.Steps[^1].ActorName, verified.Steps[^1].Note));
        Assert.Equal((RiskFlagKind.RedSignal, new DateOnly(2026, 3, 11), (DateOnly?)null, "warning", $"signal:{id}"),
            (verified.RedFlag!.Kind, verified.RedFlag.Since, verified.RedFlag.Until, verified.RedFlag.Source, verified.RedFlag.Reference));

        // The next close reads the flag: floor 关注 for the red signal, IFRS 9 stage 2.
        _clock.Advance(TimeSpan.FromDays(1));
        await CloseAsync(new DateOnly(2026, 3, 11));
        using var nextDay = await _app.WithTokenAsync("risk");
        var flagged = (await nextDay.GetFromJsonAsync<LoanClassificationView>($"/api/loans/{_loan}/classification"))!;
        Assert.Equal((FiveLevelCategory.SpecialMention, FiveLevelCategory.SpecialMention, Ifrs9Stage.Stage2),
            (flagged.Row!.Floor, flagged.Row.Category, flagged.Row.Stage));
        Assert.Equal(["RedSignal"], flagged.Row.Reasons);

        var released = await nextDay.PostAsJsonAsync($"/api/warning/signals/{id}/release", new { realRisk = true, outcome = "企业已复工，追加房产抵押" });
        Assert.Equal(HttpStatusCode.OK, released.StatusCode);
        var done = (await released.Content.ReadFromJsonAsync<SignalDetail>())!;
        Assert.Equal((SignalStatus.Released, true, "企业已复工，追加房产抵押"), (done.Signal.Status, done.Steps[^1].RealRisk!.Value, done.Steps[^1].Note));
        Assert.Equal(new DateOnly(2026, 3, 12), done.RedFlag!.Until);

        _clock.Advance(TimeSpan.FromDays(1));
        await CloseAsync(new DateOnly(2026, 3, 12));
        using var dayAfter = await _app.WithTokenAsync("risk");
        var after = (await dayAfter.GetFromJsonAsync<LoanClassificationView>($"/api/loans/{_loan}/classification"))!;
        Assert.Equal((FiveLevelCategory.Normal, FiveLevelCategory.Normal, Ifrs9Stage.Stage1), (after.Row!.Floor, after.Row.Category, after.Row.Stage));
    }

    [Fact]
    public async Task A_freeze_disposal_refuses_draws_on_the_credit_line_until_the_release_unfreezes_it()
    {
        using var risk = await _app.WithTokenAsync("risk.bj");
        using var checker = await _app.WithTokenAsync("risk");
        using var clerk = await _app.WithTokenAsync("clerk.bj");
        var created = await risk.PostAsJsonAsync("/api/credit-lines", new
        {
            code = "CL-SIG-001", customerId = _customer, productCode = "EQI", amount = 500_000.00m, startDate = "2026-01-01", expiryDate = "2027-12-31",
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var line = (await created.Content.ReadFromJsonAsync<CreditLineDetail>())!.Line;
        // 500,000 granted, the 100,000 loan opened on 03-10 is under it (no repayment due yet).
        Assert.Equal((500_000.00m, 100_000.00m, 400_000.00m, CreditLineStatus.Active), (line.Amount, line.Outstanding, line.Available, line.Status));

        var id = await VerifiedAsync(risk, checker, "Orange", "涉诉：被诉买卖合同纠纷");
        var action = await risk.PostAsJsonAsync($"/api/warning/signals/{id}/actions", new { kind = "FreezeLimit", dueDate = "2026-03-12", note = "暂停用信" });
        Assert.Equal(HttpStatusCode.Created, action.StatusCode);
        var freeze = (await action.Content.ReadFromJsonAsync<SignalDetail>())!.Actions.Single();
        Assert.Equal((DisposalKind.FreezeLimit, DisposalState.Done, "已冻结额度 CL-SIG-001", line.Id), (freeze.Kind, freeze.State, freeze.Outcome, freeze.CreditLineId!.Value));

        var refused = await clerk.PostAsJsonAsync($"/api/credit-lines/{line.Id}/draws", new { loanCode = "L-SIG-002", amount = 50_000.00m, annualRate = 0.0435m, termMonths = 12 });
        await AssertProblemAsync(refused, HttpStatusCode.Conflict, "creditLine.frozen",
            $"credit line CL-SIG-001 is frozen (预警信号 {id}：涉诉：被诉买卖合同纠纷): no draws until it is unfrozen");

        var released = await checker.PostAsJsonAsync($"/api/warning/signals/{id}/release", new { realRisk = false, outcome = "诉讼已和解撤诉", unfreeze = true });
        Assert.Equal(HttpStatusCode.OK, released.StatusCode);

        var above = await clerk.PostAsJsonAsync($"/api/credit-lines/{line.Id}/draws", new { loanCode = "L-SIG-002", amount = 400_000.01m, annualRate = 0.0435m, termMonths = 12 });
        await AssertProblemAsync(above, HttpStatusCode.BadRequest, "amount", "400,000.01 is above the available 400,000.00 of credit line CL-SIG-001");
        var drawn = await clerk.PostAsJsonAsync($"/api/credit-lines/{line.Id}/draws", new { loanCode = "L-SIG-002", amount = 50_000.00m, annualRate = 0.0435m, termMonths = 12, purpose = "备货" });
        Assert.Equal(HttpStatusCode.Created, drawn.StatusCode);
        var draw = (await drawn.Content.ReadFromJsonAsync<DrawResult>())!;
        Assert.Equal(("L-SIG-002", CreditLineStatus.Active, 150_000.00m, 350_000.00m), (draw.LoanCode, draw.Line.Status, draw.Line.Outstanding, draw.Line.Available));
        var history = (await risk.GetFromJsonAsync<CreditLineDetail>($"/api/credit-lines/{line.Id}"))!.History;
        Assert.Equal([CreditLineChangeKind.Drawn, CreditLineChangeKind.Unfrozen, CreditLineChangeKind.Frozen, CreditLineChangeKind.Opened], history.Select(h => h.Kind));
        Assert.Equal((id, (long?)id, draw.LoanId), (history[2].SignalId!.Value, history[1].SignalId, history[0].LoanId!.Value));
    }

    [Fact]
    public async Task An_overdue_check_escalates_once_to_the_branch_risk_managers()
    {
        using var risk = await _app.WithTokenAsync("risk.bj");
        var id = (await RaiseAsync(risk, "Yellow", "纳税额同比下降35%")).Signal.Id;
        var escalation = () => _app.AsSystemAsync(s => s.GetRequiredService<SignalEscalation>().EscalateOverdueAsync());

        _clock.Advance(TimeSpan.FromDays(3));
        Assert.Equal(0, await escalation());
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await escalation());
        Assert.Equal(0, await escalation());

        // API tokens last a day: the supervisor signs in again three days later.
        risk.Dispose();
        using var supervisorClient = await _app.WithTokenAsync("risk.bj");
        var detail = (await supervisorClient.GetFromJsonAsync<SignalDetail>($"/api/warning/signals/{id}"))!;
        var escalated = Noon.AddDays(3).AddSeconds(1);
        Assert.Equal(escalated, detail.Signal.EscalatedAt);
        var step = detail.Steps[^1];
        await using var db = _app.SystemDb();
        var supervisor = await db.Users.Where(u => u.UserName == "risk.bj").Select(u => u.Id).SingleAsync();
        Assert.Equal((SignalStepKind.Escalated, "system", supervisor, "排查超过期限 2026-03-13 04:00"), (step.Kind, step.ActorId, step.AssigneeId, step.Note));
        var told = (await supervisorClient.GetFromJsonAsync<List<NotificationItem>>("/api/notifications"))!;
        Assert.Equal((NotificationKind.SignalEscalated, id, "[黄色预警·升级] 纳税额同比下降35%"), (told[0].Kind, told[0].SignalId, told[0].Title));
        Assert.Contains((await supervisorClient.GetFromJsonAsync<SignalPage>("/api/warning/signals?overdue=true"))!.Items, i => i.Id == id);
    }

    private async Task<long> VerifiedAsync(HttpClient maker, HttpClient checker, string severity, string title)
    {
        var id = (await RaiseAsync(maker, severity, title)).Signal.Id;
        Assert.Equal(HttpStatusCode.OK, (await maker.PostAsJsonAsync($"/api/warning/signals/{id}/check", new { note = "查询裁判文书网" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await maker.PostAsJsonAsync($"/api/warning/signals/{id}/propose", new { outcome = "Verified", reason = "诉讼属实" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await checker.PostAsJsonAsync($"/api/warning/signals/{id}/confirm", new { note = "同意" })).StatusCode);
        return id;
    }

    private async Task<SignalDetail> RaiseAsync(HttpClient risk, string severity, string title)
    {
        var response = await risk.PostAsJsonAsync("/api/warning/signals", new { customerId = _customer, severity, title, detail = "人工录入" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<SignalDetail>())!;
    }

    private async Task CloseAsync(DateOnly date)
    {
        var closed = await _app.AsSystemAsync(s => s.GetRequiredService<DailyClose>().RunAsync(date));
        Assert.True(closed.IsSuccess, closed.Error?.Message);
    }

    internal static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string title, string detail)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = (await response.Content.ReadFromJsonAsync<ProblemBody>())!;
        Assert.Equal((title, (int)status, detail), (problem.Title, problem.Status!.Value, problem.Detail));
    }

    internal sealed record ProblemBody(string? Title, int? Status, string? Detail);

    private sealed record IdOnly(long Id);
}

public sealed class SqliteSignalWorkflowJourney : SignalWorkflowJourney
{
    protected override Task<TestApp> StartAsync(ManualClock clock) => TestApp.StartAsync(clock: clock);
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresSignalWorkflowJourney(PostgresCluster cluster) : SignalWorkflowJourney
{
    protected override async Task<TestApp> StartAsync(ManualClock clock) =>
        await TestApp.StartAsync(DatabaseProvider.Postgres, await cluster.CreateDatabaseAsync(), clock);
}
