using PostLoan.Domain.Ledger.CreditLines;
using PostLoan.Domain.Warning.Push;
using PostLoan.Domain.Warning.Signals;

namespace PostLoan.Domain.Tests.Warning.Signals;

/// <summary>The rules of the signal workflow, the drawdown check and the outbox retry schedule.</summary>
public sealed class SignalWorkflowRuleTests
{
    [Theory]
    [InlineData("maker", "checker", true, true)]
    [InlineData("maker", "maker", true, false)]
    [InlineData("maker", "checker", false, false)]
    public void Only_a_risk_manager_other_than_the_maker_confirms(string maker, string checker, bool isRiskManager, bool allowed) =>
        Assert.Equal(allowed, SignalWorkflowRules.MayConfirm(maker, checker, isRiskManager));

    [Fact]
    public void A_signal_is_released_only_when_verified_and_no_action_is_open()
    {
        Assert.True(SignalWorkflowRules.CanRelease(SignalStatus.Verified, [DisposalState.Done, DisposalState.Cancelled]));
        Assert.True(SignalWorkflowRules.CanRelease(SignalStatus.Verified, []));
        Assert.False(SignalWorkflowRules.CanRelease(SignalStatus.Verified, [DisposalState.Done, DisposalState.Open]));
        Assert.False(SignalWorkflowRules.CanRelease(SignalStatus.PendingVerification, []));
    }

    [Fact]
    public void A_step_is_overdue_after_its_deadline_until_escalated()
    {
        var due = new DateTimeOffset(2026, 3, 13, 4, 0, 0, TimeSpan.Zero);
        Assert.False(SignalWorkflowRules.IsOverdue(due, null, due));
        Assert.True(SignalWorkflowRules.IsOverdue(due, null, due.AddTicks(1)));
        Assert.False(SignalWorkflowRules.IsOverdue(due, due.AddMinutes(15), due.AddMinutes(15)));
        Assert.False(SignalWorkflowRules.IsOverdue(null, null, due));
    }

    [Fact]
    public void The_retry_delay_doubles_from_30_seconds_and_the_sixth_failure_is_a_dead_letter()
    {
        var policy = RetryPolicy.Default;
        Assert.Equal([30, 60, 120, 240, 480], Enumerable.Range(1, 5).Select(n => policy.NextDelay(n)!.Value.TotalSeconds));
        Assert.Null(policy.NextDelay(6));
    }

    [Theory]
    [InlineData(CreditLineStatus.Active, 400_000.00, null)]
    [InlineData(CreditLineStatus.Reduced, 400_000.00, null)]
    [InlineData(CreditLineStatus.Active, 400_000.01, "amount")]
    [InlineData(CreditLineStatus.Frozen, 1.00, "creditLine.frozen")]
    [InlineData(CreditLineStatus.Closed, 1.00, "creditLine.closed")]
    [InlineData(CreditLineStatus.Active, 0.00, "amount")]
    public void A_draw_is_refused_on_a_frozen_or_closed_line_or_above_the_available_amount(CreditLineStatus status, double draw, string? refusal)
    {
        var line = new CreditLine { Code = "CL-1", Amount = 500_000m, Status = status, StartDate = new(2026, 1, 1), ExpiryDate = new(2026, 12, 31), FrozenReason = "预警信号 7" };
        var available = CreditLineRules.Available(line.Amount, 100_000m);

        Assert.Equal(400_000m, available);
        Assert.Equal(refusal, CreditLineRules.RefuseDraw(line, available, (decimal)draw, new DateOnly(2026, 3, 10))?.Code);
    }

    [Fact]
    public void A_draw_outside_the_lines_term_is_refused()
    {
        var line = new CreditLine { Code = "CL-1", Amount = 500_000m, StartDate = new(2026, 1, 1), ExpiryDate = new(2026, 12, 31) };
        Assert.Equal("credit line CL-1 runs from 2026-01-01 to 2026-12-31, not on 2027-01-01",
            CreditLineRules.RefuseDraw(line, 500_000m, 1m, new DateOnly(2027, 1, 1))!.Message);
        Assert.Equal(0m, CreditLineRules.Available(100_000m, 120_000m));
    }

    [Fact]
    public void The_default_subscription_is_in_app_for_all_and_email_for_red_and_orange()
    {
        Assert.Equal((true, true, true), NotificationSubscription.Default(ChannelKind.InApp));
        Assert.Equal((true, true, false), NotificationSubscription.Default(ChannelKind.Email));
        Assert.Equal((false, false, false), NotificationSubscription.Default(ChannelKind.Sms));
        Assert.False(NotificationSubscription.Covers(NotificationSubscription.Default(ChannelKind.Email), SignalSeverity.Yellow));
    }
}
