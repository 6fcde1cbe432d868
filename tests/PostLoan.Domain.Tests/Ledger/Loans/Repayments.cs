using PostLoan.Domain.Ledger.Loans;

namespace PostLoan.Domain.Tests.Ledger.Loans;

/// <summary>Posting repayments: allocation order, grace period, prepayment kinds, overpayment (domain.md section 3).</summary>
public sealed class Repayments
{
    private static readonly LoanTerms Annuity = new(100_000m, 0.0435m, 12, RepaymentMethod.EqualInstallment, new DateOnly(2026, 1, 31));
    private static readonly LoanTerms Bullet = new(100_000m, 0.0435m, 1, RepaymentMethod.Bullet, new DateOnly(2026, 1, 31));

    private static LoanAccount OpenThrough(LoanTerms terms, DateOnly lastClosed, ServicingRules? rules = null)
    {
        var account = LoanAccount.Open(7, terms, rules ?? ServicingRules.Default);
        account.CloseThrough(lastClosed);
        return account;
    }

    [Fact]
    public void Penalty_and_compound_interest_accrue_from_the_day_after_the_due_date_at_rate_times_1_5_over_360()
    {
        // Installments 1 (due 02-28) and 2 (due 03-31) unpaid; on 04-01 installment 1 is 32 days late, installment 2 one day.
        var account = OpenThrough(Annuity, new DateOnly(2026, 4, 1));

        // 8,168.49 × 32 × 0.0435 × 1.5 / 360 + 8,198.10 × 1 × … = 48.863… ; compound on 362.50 and 332.89 likewise = 2.162…
        Assert.Equal(48.86m, account.Position.PenaltyUnpaid);
        Assert.Equal(2.16m, account.Position.CompoundUnpaid);
        Assert.Equal(32, account.Position.DaysPastDue);
    }

    [Fact]
    public void By_default_the_oldest_installment_is_paid_first_interest_before_principal()
    {
        var account = OpenThrough(Annuity, new DateOnly(2026, 3, 31));
        var charges = 48.86m + 2.16m;

        var allocation = account.Pay(new DateOnly(2026, 4, 1), charges + 362.50m + 8000m).Value!;

        Assert.Equal((48.86m, 2.16m, 362.50m, 8000m), (allocation.Penalty, allocation.Compound, allocation.Interest, allocation.Principal));
        Assert.Equal(168.49m, account.Installments[0].UnpaidPrincipal);
        Assert.Equal(332.89m, account.Installments[1].UnpaidInterest);
    }

    [Fact]
    public void The_alternative_order_pays_all_interest_before_any_principal()
    {
        var rules = ServicingRules.Default with { AllocationOrder = AllocationOrder.ChargesThenInterestThenPrincipal };
        var account = OpenThrough(Annuity, new DateOnly(2026, 3, 31), rules);

        var allocation = account.Pay(new DateOnly(2026, 4, 1), 48.86m + 2.16m + 362.50m + 8000m).Value!;

        Assert.Equal(362.50m + 332.89m, allocation.Interest);
        Assert.Equal(8000m - 332.89m, allocation.Principal);
        Assert.Equal(0m, account.Installments[1].UnpaidInterest);
        Assert.Equal(8168.49m - 7667.11m, account.Installments[0].UnpaidPrincipal);
        Assert.Equal(8198.10m, account.Installments[1].UnpaidPrincipal);
    }

    [Fact]
    public void Without_grace_three_late_days_cost_penalty_and_compound_interest()
    {
        var account = OpenThrough(Bullet, new DateOnly(2026, 3, 2));

        // 100,000 × 0.00018125 × 3 = 54.375 → 54.38; 338.33 × 0.00018125 × 3 = 0.18… → 0.18
        Assert.Equal(100_000m + 338.33m + 54.38m + 0.18m, account.PayoffAmount(new DateOnly(2026, 3, 3)));
    }

    [Fact]
    public void A_payment_inside_the_grace_period_waives_the_penalty_but_dpd_still_counts()
    {
        var account = OpenThrough(Bullet, new DateOnly(2026, 3, 2), ServicingRules.Default with { GraceDays = 3 });
        Assert.Equal(2, account.Position.DaysPastDue);
        Assert.Equal(0m, account.Position.PenaltyUnpaid);

        var allocation = account.Pay(new DateOnly(2026, 3, 3), 100_338.33m).Value!;
        account.CloseDay(new DateOnly(2026, 3, 3));

        Assert.True(allocation.SettlesLoan);
        Assert.Equal(0m, allocation.Penalty);
        Assert.Equal(LoanStatus.Settled, account.Position.Status);
    }

    [Fact]
    public void Past_the_grace_period_the_penalty_is_charged_from_the_day_after_the_due_date()
    {
        var account = OpenThrough(Bullet, new DateOnly(2026, 3, 4), ServicingRules.Default with { GraceDays = 3 });

        // four days: 100,000 × 0.00018125 × 4 = 72.50; 338.33 × 0.00018125 × 4 = 0.245… → 0.25
        Assert.Equal(72.50m, account.Position.PenaltyUnpaid);
        Assert.Equal(0.25m, account.Position.CompoundUnpaid);
    }

    [Fact]
    public void Paying_more_than_the_payoff_amount_is_refused_and_changes_nothing()
    {
        var account = OpenThrough(Annuity, new DateOnly(2026, 2, 14));

        // payoff on 02-15: 100,000 + 100,000 × 0.0435 / 360 × 15 days = 100,181.25
        var result = account.Pay(new DateOnly(2026, 2, 15), 100_000m + 181.25m + 0.01m);

        Assert.False(result.IsSuccess);
        Assert.Equal("amount", result.Error!.Code);
        Assert.Contains("100181.25", result.Error.Message, StringComparison.Ordinal);
        Assert.Equal(100_000m, account.Position.PrincipalOutstanding);
    }

    [Fact]
    public void A_payoff_pays_broken_period_interest_since_the_last_due_date()
    {
        var onTime = LoanAccount.Open(8, Annuity, ServicingRules.Default);
        onTime.CloseThrough(new DateOnly(2026, 2, 27));
        Assert.True(onTime.Pay(new DateOnly(2026, 2, 28), 8530.99m).IsSuccess);
        onTime.CloseThrough(new DateOnly(2026, 3, 14));

        // 91,831.51 × 0.0435 / 360 × 15 days = 166.44
        Assert.Equal(91_997.95m, onTime.PayoffAmount(new DateOnly(2026, 3, 15)));
        var payoff = onTime.Pay(new DateOnly(2026, 3, 15), 91_997.95m, PaymentKind.Payoff).Value!;
        onTime.CloseDay(new DateOnly(2026, 3, 15));

        Assert.True(payoff.SettlesLoan);
        Assert.Equal(166.44m, payoff.Interest);
        Assert.Equal(LoanStatus.Settled, onTime.Position.Status);
        Assert.Equal(0m, onTime.Position.PrincipalOutstanding);
    }

    [Fact]
    public void A_part_prepayment_charges_broken_interest_on_the_prepaid_principal_and_lowers_the_installment()
    {
        var account = PaidFirstInstallment();

        var allocation = account.Pay(new DateOnly(2026, 3, 15), 20_000m, PaymentKind.PartPrincipal, Reamortisation.ReduceInstallment).Value!;

        // 20,000 / (1 + 0.0435 × 15 / 360) = 19,963.82 principal, 36.18 interest; 71,867.69 over 11 months → 6,676.39
        Assert.Equal((19_963.82m, 36.18m), (allocation.Principal, allocation.Interest));
        Assert.Equal(12, account.Installments.Count);
        Assert.Equal(6_676.39m, account.Installments[1].Principal + account.Installments[1].Interest);
        Assert.Equal(71_867.69m, account.Installments.Skip(1).Sum(i => i.Principal));
    }

    [Fact]
    public void A_part_prepayment_can_keep_the_installment_and_shorten_the_term()
    {
        var account = PaidFirstInstallment();

        account.Pay(new DateOnly(2026, 3, 15), 20_000m, PaymentKind.PartPrincipal, Reamortisation.ReduceTerm);

        Assert.Equal(10, account.Installments.Count);
        Assert.Equal(8_530.99m, account.Installments[1].Principal + account.Installments[1].Interest);
        Assert.Equal((4_858.36m, 17.61m), (account.Installments[^1].Principal, account.Installments[^1].Interest));
        Assert.Equal(new DateOnly(2026, 11, 30), account.Installments[^1].DueDate);
    }

    [Fact]
    public void A_payment_before_the_due_date_pays_the_current_installment()
    {
        var account = OpenThrough(Annuity, new DateOnly(2026, 2, 20));

        var allocation = account.Pay(new DateOnly(2026, 2, 21), 8530.99m).Value!;
        account.CloseThrough(new DateOnly(2026, 3, 5));

        Assert.Equal((362.50m, 8168.49m), (allocation.Interest, allocation.Principal));
        Assert.Equal(0, account.Position.DaysPastDue);
        Assert.Equal(91_831.51m, account.Position.PrincipalOutstanding);
    }

    private static LoanAccount PaidFirstInstallment()
    {
        var account = OpenThrough(Annuity, new DateOnly(2026, 2, 27));
        Assert.True(account.Pay(new DateOnly(2026, 2, 28), 8530.99m).IsSuccess);
        account.CloseThrough(new DateOnly(2026, 3, 14));
        return account;
    }
}
