using PostLoan.Domain.Ledger.Loans;
using PostLoan.Domain.Risk;

namespace PostLoan.Domain.Tests.Ledger.Loans;

/// <summary>
/// 随借随还 (domain.md section 3): interest accrues daily on the outstanding principal at annual/360, the accrued
/// interest is due on each monthly repayment day, the principal at maturity; a part repayment lowers the interest.
/// Line: 100,000 at 3.6% over 3 months from 2026-01-31; daily interest 100,000 × 0.036 / 360 = 10.00 (5.00 on 50,000).
/// Interest dates 02-28, 03-31, 04-30 (maturity).
/// </summary>
public sealed class Revolving
{
    private static readonly LoanTerms Line = new(100_000m, 0.036m, 3, RepaymentMethod.Revolving, new DateOnly(2026, 1, 31));

    private static DateOnly D(int month, int day) => new(2026, month, day);

    [Fact]
    public void Interest_accrues_day_by_day_on_the_outstanding_principal()
    {
        var account = LoanAccount.Open(1, Line, ServicingRules.Default);

        account.CloseThrough(D(2, 10));

        // Days 01-31 … 02-09 = 10 days × 10.00 = 100.00 accrued, nothing due yet.
        Assert.Equal(100.00m, account.Position.InterestAccrued);
        Assert.Equal(0m, account.Position.DueInterest);
        // Payoff on 02-11 = 100,000 + 11 days × 10.00 = 100,110.00
        Assert.Equal(100_110.00m, account.PayoffAmount(D(2, 11)));
    }

    [Fact]
    public void The_accrued_interest_falls_due_on_the_monthly_date_and_the_principal_at_maturity()
    {
        var account = LoanAccount.Open(1, Line, ServicingRules.Default);

        account.CloseThrough(D(2, 27));
        account.PayoffAmount(D(2, 28)); // starts 02-28: the interest falls due

        // 01-31 … 02-27 = 28 days × 10.00 = 280.00 due on 02-28; principal not due before maturity.
        Assert.Equal((280.00m, 0m), (account.Position.DueInterest, account.Position.DuePrincipal));
        Assert.Equal((280.00m, 0m), (account.Installments[0].Interest, account.Installments[0].Principal));
        Assert.True(account.Pay(D(2, 28), 280.00m).IsSuccess);
        account.CloseDay(D(2, 28));
        Assert.Equal(0, account.Position.DaysPastDue);

        account.CloseThrough(D(3, 30));
        account.PayoffAmount(D(3, 31));
        // 02-28 … 03-30 = 31 days × 10.00 = 310.00
        Assert.Equal(310.00m, account.Position.DueInterest);
        Assert.True(account.Pay(D(3, 31), 310.00m).IsSuccess);

        account.CloseThrough(D(4, 29));
        Assert.Equal(100_000m, account.Position.PrincipalNotDue);
        account.CloseThrough(D(4, 30));
        // 03-31 … 04-29 = 30 days × 10.00 = 300.00 and the whole principal on the maturity date.
        Assert.Equal((300.00m, 100_000m), (account.Position.DueInterest, account.Position.DuePrincipal));
        Assert.Equal((300.00m, 100_000m), (account.Installments[2].Interest, account.Installments[2].Principal));

        // One day late (05-01): penalty 100,000 × 0.036 × 1.5 / 360 = 15.00, compound 300 × 0.00015 = 0.045 → 0.05;
        // 100,300.00 + 15.00 + 0.05 = 100,315.05 settles.
        var last = account.Pay(D(5, 1), 100_315.05m);
        Assert.True(last.IsSuccess, last.Error?.ToString());
        Assert.True(last.Value!.SettlesLoan);
        Assert.Equal((15.00m, 0.05m), (last.Value.Penalty, last.Value.Compound));
    }

    [Fact]
    public void A_part_repayment_lowers_the_interest_from_the_day_it_is_paid()
    {
        var account = LoanAccount.Open(1, Line, ServicingRules.Default);
        account.CloseThrough(D(2, 27));
        Assert.True(account.Pay(D(2, 28), 280.00m).IsSuccess);
        account.CloseThrough(D(3, 9));

        // Repaying 50,000 on 03-10 is all principal: a revolving line's interest is due on its dates, not with the repayment.
        var part = account.Pay(D(3, 10), 50_000m).Value!;
        Assert.Equal((0m, 50_000m), (part.Interest, part.Principal));
        Assert.Equal(50_000m, account.Position.PrincipalOutstanding);

        account.CloseThrough(D(3, 30));
        account.PayoffAmount(D(3, 31));
        // 02-28 … 03-09 = 10 days × 10.00 = 100.00; 03-10 … 03-30 = 21 days × 5.00 = 105.00; due 205.00 (not 310.00).
        Assert.Equal(205.00m, account.Position.DueInterest);
        Assert.Equal(205.00m, account.Installments[1].Interest);
        Assert.True(account.Pay(D(3, 31), 205.00m).IsSuccess);

        account.CloseThrough(D(4, 29));
        // Payoff on 04-30 = 50,000 + 03-31 … 04-29 = 30 days × 5.00 = 150.00 → 50,150.00
        Assert.Equal(50_150.00m, account.PayoffAmount(D(4, 30)));
        Assert.True(account.Pay(D(4, 30), 50_150.00m).Value!.SettlesLoan);
        account.CloseDay(D(4, 30));
        Assert.Equal(LoanStatus.Settled, account.Position.Status);
        Assert.Equal((150.00m, 50_000m), (account.Installments[2].InterestPaid, account.Installments[2].PrincipalPaid));
    }

    [Fact]
    public void Unpaid_revolving_interest_is_overdue_and_bears_compound_interest()
    {
        var account = LoanAccount.Open(1, Line, ServicingRules.Default);

        account.CloseThrough(D(3, 5));

        // 280.00 due 02-28 unpaid: DPD 5; compound 280 × 0.036 × 1.5 / 360 × 5 = 280 × 0.00015 × 5 = 0.21.
        Assert.Equal((5, FiveLevelCategory.SpecialMention), (account.Position.DaysPastDue, account.Position.Category));
        Assert.Equal((280.00m, 0m, 0.21m), (account.Position.OverdueInterest, account.Position.PenaltyUnpaid, account.Position.CompoundUnpaid));
        // Payoff on 03-06 = 100,000 + 280.00 + compound 6 days (0.252 → 0.25) + interest 02-28 … 03-05 (6 days × 10.00 = 60.00) = 100,340.25
        Assert.Equal(100_340.25m, account.PayoffAmount(D(3, 6)));
    }

    [Fact]
    public void Daily_interest_is_kept_at_full_precision_and_rounded_once_when_due()
    {
        var account = LoanAccount.Open(1, Line with { Principal = 123_456.78m, AnnualRate = 0.0435m }, ServicingRules.Default);

        account.CloseThrough(D(2, 28));

        // 123,456.78 × 0.0435 / 360 = 14.917694… a day; × 28 days = 417.695439 → 417.70 (28 rounded days would be 14.92 × 28 = 417.76).
        Assert.Equal(417.70m, account.Position.DueInterest);
    }

    [Fact]
    public void Repaying_all_the_principal_while_interest_is_accruing_is_refused_and_changes_nothing()
    {
        var account = LoanAccount.Open(1, Line, ServicingRules.Default);
        account.CloseThrough(D(3, 9));
        var before = account.Position;

        // On 03-10: compound 280 × 0.00015 × 10 days = 0.42, accrued interest 02-28 … 03-09 = 10 × 10.00 = 100.00,
        // payoff 100,000 + 280 + 0.42 + 100.00 = 100,380.42. Paying 0.42 + 280 + 100,000 = 100,280.42 would repay all the
        // principal and leave the accrued 100.00 without a loan to carry it: refused, and nothing of it is posted.
        var result = account.Pay(D(3, 10), 100_280.42m);

        Assert.False(result.IsSuccess);
        Assert.Equal("amount", result.Error!.Code);
        Assert.Equal((before.DueInterest, before.PrincipalOutstanding, before.CompoundPaid), (account.Position.DueInterest, account.Position.PrincipalOutstanding, account.Position.CompoundPaid));
        Assert.Equal(0m, account.Installments[0].InterestPaid);
        account.CloseDay(D(3, 10));
        Assert.Equal(10, account.Position.DaysPastDue);
    }
}
