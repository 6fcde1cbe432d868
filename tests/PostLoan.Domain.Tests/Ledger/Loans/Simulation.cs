using PostLoan.Domain.Ledger.Loans;
using PostLoan.Domain.Risk;

namespace PostLoan.Domain.Tests.Ledger.Loans;

/// <summary>
/// <see cref="LoanSimulator"/> (the engine of <c>./postloan simulate</c>) against hand-computed values.
/// Base loan: 100,000 at 4.35% over 12 months, 等额本息, disbursed 2026-01-31; r = 0.0435 / 12 = 0.003625.
/// Schedule (domain.md formulas): A = 8,530.99;
///   1: due 02-28, interest 100,000 × r = 362.50, principal 8,168.49, balance 91,831.51;
///   2: due 03-31, interest 91,831.51 × r = 332.889… → 332.89, principal 8,198.10, balance 83,633.41;
///   3: due 04-30, interest 83,633.41 × r = 303.171… → 303.17, principal 8,227.82, balance 75,405.59;
///   4: due 05-31.
/// Penalty / compound daily rate = 0.0435 × (1 + 0.5) / 360 = 0.00018125; interest daily rate = 0.0435 / 360.
/// </summary>
public sealed class Simulation
{
    private static readonly DateOnly Disbursed = new(2026, 1, 31);
    private static readonly LoanTerms Annuity = new(100_000m, 0.0435m, 12, RepaymentMethod.EqualInstallment, Disbursed);

    private static SimulationResult Run(LoanTerms terms, DateOnly asOf, ServicingRules? rules = null, params ScenarioPayment[] payments)
    {
        var result = LoanSimulator.Run(terms, rules ?? ServicingRules.Default, payments, asOf);
        Assert.True(result.IsSuccess, result.Error?.ToString());
        return result.Value!;
    }

    private static ScenarioPayment Paid(int year, int month, int day, decimal amount) => new(new DateOnly(year, month, day), amount);

    private static void AssertAmounts(SimulationResult r, decimal outstanding, decimal overduePrincipal, decimal overdueInterest, decimal penalty, decimal compound, decimal payoff) =>
        Assert.Equal((outstanding, overduePrincipal, overdueInterest, penalty, compound, payoff),
            (r.OutstandingPrincipal, r.OverduePrincipal, r.OverdueInterest, r.PenaltyInterest, r.CompoundInterest, r.PayoffAmount));

    [Fact]
    public void An_on_time_payer_is_current_normal_and_stage_1()
    {
        var r = Run(Annuity, new DateOnly(2026, 5, 15), null,
            Paid(2026, 2, 28, 8530.99m), Paid(2026, 3, 31, 8530.99m), Paid(2026, 4, 30, 8530.99m));

        // Outstanding = balance after period 3 = 75,405.59.
        // Payoff = 75,405.59 + broken interest 75,405.59 × 0.0435 / 360 × 15 days (04-30 → 05-15) = 136.672… → 136.67
        //        = 75,542.26.
        Assert.Equal((0, FiveLevelCategory.Normal, Ifrs9Stage.Stage1), (r.DaysPastDue, r.Category, r.Stage));
        AssertAmounts(r, 75_405.59m, 0m, 0m, 0m, 0m, 75_542.26m);
    }

    [Fact]
    public void A_missed_installment_15_days_late_is_special_mention_stage_1()
    {
        var r = Run(Annuity, new DateOnly(2026, 3, 15));

        // DPD = 03-15 − 02-28 = 15. Penalty 8,168.49 × 0.00018125 × 15 = 22.208… → 22.21;
        // compound 362.50 × 0.00018125 × 15 = 0.9855… → 0.99.
        // Payoff = 100,000 + 362.50 + 22.21 + 0.99 + 91,831.51 × 0.0435 / 360 × 15 (= 166.44) = 100,552.14.
        Assert.Equal((15, FiveLevelCategory.SpecialMention, Ifrs9Stage.Stage1), (r.DaysPastDue, r.Category, r.Stage));
        AssertAmounts(r, 100_000m, 8_168.49m, 362.50m, 22.21m, 0.99m, 100_552.14m);
    }

    [Fact]
    public void A_missed_installment_31_days_late_is_stage_2_and_the_installment_due_that_day_is_not_yet_overdue()
    {
        var r = Run(Annuity, new DateOnly(2026, 3, 31));

        // DPD = 03-31 − 02-28 = 31. Installment 2 falls due on 03-31 itself: not overdue, no penalty yet, but in the payoff.
        // Penalty 8,168.49 × 0.00018125 × 31 = 45.896… → 45.90; compound 362.50 × 0.00018125 × 31 = 2.0367… → 2.04.
        // Payoff = 100,000 + 362.50 + 332.89 + 45.90 + 2.04 + 0 broken days = 100,743.33.
        Assert.Equal((31, FiveLevelCategory.SpecialMention, Ifrs9Stage.Stage2), (r.DaysPastDue, r.Category, r.Stage));
        AssertAmounts(r, 100_000m, 8_168.49m, 362.50m, 45.90m, 2.04m, 100_743.33m);
    }

    [Fact]
    public void Three_missed_installments_91_days_late_are_substandard_stage_3()
    {
        var r = Run(Annuity, new DateOnly(2026, 5, 30));

        // DPD = 05-30 − 02-28 = 91. Overdue: installments 1–3 (due 02-28, 03-31, 04-30, late 91, 60 and 30 days).
        // Overdue principal 8,168.49 + 8,198.10 + 8,227.82 = 24,594.41; interest 362.50 + 332.89 + 303.17 = 998.56.
        // Penalty (8,168.49 × 91 + 8,198.10 × 60 + 8,227.82 × 30) × 0.00018125 = 1,482,053.19 × 0.00018125 = 268.622… → 268.62.
        // Compound (362.50 × 91 + 332.89 × 60 + 303.17 × 30) × 0.00018125 = 62,056.00 × 0.00018125 = 11.2476… → 11.25.
        // Broken interest on the 75,405.59 not yet due: × 0.0435 / 360 × 30 days (04-30 → 05-30) = 273.345… → 273.35.
        // Payoff = 100,000 + 998.56 + 268.62 + 11.25 + 273.35 = 101,551.78.
        Assert.Equal((91, FiveLevelCategory.Substandard, Ifrs9Stage.Stage3), (r.DaysPastDue, r.Category, r.Stage));
        AssertAmounts(r, 100_000m, 24_594.41m, 998.56m, 268.62m, 11.25m, 101_551.78m);
    }

    [Fact]
    public void A_late_payer_who_pays_the_charges_too_is_cured()
    {
        // Paid on 03-10, 10 days late: penalty 8,168.49 × 0.00018125 × 10 = 14.805… → 14.81; compound
        // 362.50 × 0.00018125 × 10 = 0.657… → 0.66; 8,530.99 + 14.81 + 0.66 = 8,546.46 clears everything.
        var r = Run(Annuity, new DateOnly(2026, 3, 20), null, Paid(2026, 3, 10, 8_546.46m));

        // Payoff = 91,831.51 + 91,831.51 × 0.0435 / 360 × 20 days (02-28 → 03-20) = 221.926… → 221.93 = 92,053.44.
        Assert.Equal((0, FiveLevelCategory.Normal, Ifrs9Stage.Stage1), (r.DaysPastDue, r.Category, r.Stage));
        AssertAmounts(r, 91_831.51m, 0m, 0m, 0m, 0m, 92_053.44m);
    }

    [Fact]
    public void A_late_payment_of_the_bare_installment_pays_the_charges_first_and_leaves_principal_overdue()
    {
        var r = Run(Annuity, new DateOnly(2026, 3, 20), null, Paid(2026, 3, 10, 8_530.99m));

        // 8,530.99 − 14.81 − 0.66 = 8,515.52 → interest 362.50, principal 8,153.02; 8,168.49 − 8,153.02 = 15.47 stays overdue.
        // From 03-11 to 03-20 (10 days) penalty on 15.47: 15.47 × 0.00018125 × 10 = 0.0280394 (no overdue interest left).
        // Penalty is charged as the rounded running total: round(14.8053881 + 0.0280394) = round(14.8334275) = 14.83,
        // of which 14.81 is paid: 0.02 unpaid. Compound: round(0.6570313) = 0.66, all paid.
        // Outstanding 100,000 − 8,153.02 = 91,846.98. Payoff = 91,846.98 + 0.02 + 91,831.51 × 0.0435 / 360 × 20 (221.93) = 92,068.93.
        Assert.Equal((20, FiveLevelCategory.SpecialMention, Ifrs9Stage.Stage1), (r.DaysPastDue, r.Category, r.Stage));
        AssertAmounts(r, 91_846.98m, 15.47m, 0m, 0.02m, 0m, 92_068.93m);
    }

    [Fact]
    public void A_bullet_loan_accrues_broken_interest_and_settles_at_maturity()
    {
        var bullet = new LoanTerms(100_000m, 0.0435m, 12, RepaymentMethod.Bullet, Disbursed);

        // Mid-term on 2026-07-31: 181 days (28 + 31 + 30 + 31 + 30 + 31); 100,000 × 0.0435 × 181 / 360 = 2,187.083… → 2,187.08.
        var mid = Run(bullet, new DateOnly(2026, 7, 31));
        Assert.Equal((0, FiveLevelCategory.Normal), (mid.DaysPastDue, mid.Category));
        AssertAmounts(mid, 100_000m, 0m, 0m, 0m, 0m, 102_187.08m);

        // At maturity 2027-01-31 the one installment is 100,000 + 100,000 × 0.0435 × 365 / 360 (4,410.416… → 4,410.42).
        var settled = Run(bullet, new DateOnly(2027, 2, 10), null, Paid(2027, 1, 31, 104_410.42m));
        Assert.Equal((0, FiveLevelCategory.Normal, Ifrs9Stage.Stage1), (settled.DaysPastDue, settled.Category, settled.Stage));
        AssertAmounts(settled, 0m, 0m, 0m, 0m, 0m, 0m);
    }

    [Fact]
    public void An_interest_only_loan_with_unpaid_interest_owes_compound_interest_but_no_penalty()
    {
        var interestOnly = new LoanTerms(100_000m, 0.0435m, 12, RepaymentMethod.InterestOnly, Disbursed);

        // Interest 100,000 × 0.003625 = 362.50 a month; the third (due 04-30) is missed; as of 05-10 DPD = 10.
        var r = Run(interestOnly, new DateOnly(2026, 5, 10), null, Paid(2026, 2, 28, 362.50m), Paid(2026, 3, 31, 362.50m));

        // Compound 362.50 × 0.00018125 × 10 = 0.657… → 0.66; no overdue principal, so no penalty.
        // Payoff = 100,000 + 362.50 + 0.66 + 100,000 × 0.0435 / 360 × 10 (120.833… → 120.83) = 100,483.99.
        Assert.Equal((10, FiveLevelCategory.SpecialMention, Ifrs9Stage.Stage1), (r.DaysPastDue, r.Category, r.Stage));
        AssertAmounts(r, 100_000m, 0m, 362.50m, 0m, 0.66m, 100_483.99m);
    }

    [Fact]
    public void Inside_the_grace_days_no_penalty_is_charged_and_a_payment_within_them_waives_it()
    {
        var grace = ServicingRules.Default with { GraceDays = 5 };

        // Unpaid on 03-05 (DPD 5 ≤ 5 grace days): penalty pending, nothing charged.
        var pending = Run(Annuity, new DateOnly(2026, 3, 5), grace);
        Assert.Equal((5, FiveLevelCategory.SpecialMention), (pending.DaysPastDue, pending.Category));
        // Payoff = 100,000 + 362.50 + 91,831.51 × 0.0435 / 360 × 5 (55.481… → 55.48) = 100,417.98.
        AssertAmounts(pending, 100_000m, 8_168.49m, 362.50m, 0m, 0m, 100_417.98m);

        // Paid with the bare installment on 03-05: waived, DPD back to 0.
        var waived = Run(Annuity, new DateOnly(2026, 3, 10), grace, Paid(2026, 3, 5, 8_530.99m));
        Assert.Equal((0, FiveLevelCategory.Normal), (waived.DaysPastDue, waived.Category));
        // Payoff = 91,831.51 + 91,831.51 × 0.0435 / 360 × 10 (110.963… → 110.96) = 91,942.47.
        AssertAmounts(waived, 91_831.51m, 0m, 0m, 0m, 0m, 91_942.47m);
    }

    [Fact]
    public void Past_the_grace_days_the_penalty_is_charged_from_the_day_after_the_due_date()
    {
        var r = Run(Annuity, new DateOnly(2026, 3, 6), ServicingRules.Default with { GraceDays = 5 });

        // DPD 6 > 5: all six days charged. Penalty 8,168.49 × 0.00018125 × 6 = 8.883… → 8.88;
        // compound 362.50 × 0.00018125 × 6 = 0.3942… → 0.39.
        // Payoff = 100,000 + 362.50 + 8.88 + 0.39 + 91,831.51 × 0.0435 / 360 × 6 (66.577… → 66.58) = 100,438.35.
        Assert.Equal(6, r.DaysPastDue);
        AssertAmounts(r, 100_000m, 8_168.49m, 362.50m, 8.88m, 0.39m, 100_438.35m);
    }

    [Fact]
    public void A_payment_above_the_payoff_amount_is_refused_naming_the_payment()
    {
        // Payoff on 02-15: 100,000 + 100,000 × 0.0435 / 360 × 15 = 100,181.25; one cent more is refused.
        var result = LoanSimulator.Run(Annuity, ServicingRules.Default, [Paid(2026, 2, 15, 100_181.26m)], new DateOnly(2026, 3, 1));

        Assert.False(result.IsSuccess);
        Assert.Equal("payments[0].amount", result.Error!.Code);
        Assert.Contains("100181.25", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Exactly_the_payoff_amount_settles_the_loan()
    {
        var r = Run(Annuity, new DateOnly(2026, 3, 1), null, Paid(2026, 2, 15, 100_181.25m));

        AssertAmounts(r, 0m, 0m, 0m, 0m, 0m, 0m);
        Assert.Equal((0, FiveLevelCategory.Normal), (r.DaysPastDue, r.Category));
    }

    [Theory]
    [InlineData(0, 0.0435, 12, 0.5, 0, "2026-03-01", "2026-02-01", "loan.principal")]
    [InlineData(100_000.001, 0.0435, 12, 0.5, 0, "2026-03-01", "2026-02-01", "loan.principal")]
    [InlineData(100_000, 1.5, 12, 0.5, 0, "2026-03-01", "2026-02-01", "loan.annualRate")]
    [InlineData(100_000, 0.0435, 0, 0.5, 0, "2026-03-01", "2026-02-01", "loan.termMonths")]
    [InlineData(100_000, 0.0435, 12, -0.1, 0, "2026-03-01", "2026-02-01", "loan.penaltyMarkup")]
    [InlineData(100_000, 0.0435, 12, 0.5, -1, "2026-03-01", "2026-02-01", "loan.graceDays")]
    [InlineData(100_000, 0.0435, 12, 0.5, 0, "2026-01-30", "2026-01-31", "asOf")]
    [InlineData(100_000, 0.0435, 12, 0.5, 0, "2026-03-01", "2026-03-02", "payments[0].date")]
    [InlineData(100_000, 0.0435, 12, 0.5, 0, "2026-03-01", "2026-01-30", "payments[0].date")]
    [InlineData(100_000, 0.0435, 12, 0.5, 0, "2026-03-01", "2026-02-01", "payments[0].amount", -5.0)]
    [InlineData(100_000, 0.0435, 12, 0.5, 0, "2026-03-01", "2026-02-01", "payments[0].amount", 10.001)]
    [InlineData(100_000, 0.0435, 12, 0.5, 0, "2200-01-01", "2026-02-01", "asOf")]
    public void Bad_input_is_refused_with_the_field_named(double principal, double rate, int term, double markup, int grace, string asOf, string paymentDate,
        string field, double amount = 100)
    {
        var terms = new LoanTerms((decimal)principal, (decimal)rate, term, RepaymentMethod.EqualInstallment, Disbursed);

        var result = LoanSimulator.Run(terms, new ServicingRules((decimal)markup, grace), [new ScenarioPayment(DateOnly.Parse(paymentDate, System.Globalization.CultureInfo.InvariantCulture), (decimal)amount)],
            DateOnly.Parse(asOf, System.Globalization.CultureInfo.InvariantCulture));

        Assert.False(result.IsSuccess);
        Assert.Equal(field, result.Error!.Code);
    }

    [Fact]
    public void A_payment_after_settlement_is_refused_naming_the_payment()
    {
        var result = LoanSimulator.Run(Annuity, ServicingRules.Default, [Paid(2026, 2, 15, 100_181.25m), Paid(2026, 2, 20, 10m)], new DateOnly(2026, 3, 1));

        Assert.False(result.IsSuccess);
        Assert.Equal("payments[1].loan", result.Error!.Code);
    }
}
