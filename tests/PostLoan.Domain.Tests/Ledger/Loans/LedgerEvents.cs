using PostLoan.Domain.Ledger.Loans;
using PostLoan.Domain.Risk;

namespace PostLoan.Domain.Tests.Ledger.Loans;

/// <summary>
/// Ledger events on a loan account (domain.md section 3): 展期, 利率调整, 重组, 核销. They change the schedule from the
/// effective date, never delete the paid history, and the journal keeps equalling the balances.
/// Base loan: 100,000 at 4.35% over 12 months, 等额本息, from 2026-01-31 (A = 8,530.99); installment 1 (due 02-28,
/// interest 362.50, principal 8,168.49) is paid on time, leaving 91,831.51; events take effect on 03-15.
/// </summary>
public sealed class LedgerEvents
{
    private static readonly LoanTerms Annuity = new(100_000m, 0.0435m, 12, RepaymentMethod.EqualInstallment, new DateOnly(2026, 1, 31));
    private static readonly DateOnly March15 = new(2026, 3, 15);

    private static LoanAccount FirstInstallmentPaid()
    {
        var account = LoanAccount.Open(3, Annuity, ServicingRules.Default);
        account.CloseThrough(new DateOnly(2026, 2, 27));
        Assert.True(account.Pay(new DateOnly(2026, 2, 28), 8_530.99m).IsSuccess);
        account.CloseThrough(new DateOnly(2026, 3, 14));
        return account;
    }

    private static void AssertFirstInstallmentKept(LoanAccount account)
    {
        var first = account.Installments[0];
        Assert.Equal((1, new DateOnly(2026, 2, 28), 8_168.49m, 362.50m, 8_168.49m, 362.50m),
            (first.Period, first.DueDate, first.Principal, first.Interest, first.PrincipalPaid, first.InterestPaid));
    }

    /// <summary>Journal = balances; the installments carry all the principal but what a part prepayment took outside them.</summary>
    private static void AssertLedgerMatches(LoanAccount account, decimal prepaidPrincipal = 0m)
    {
        decimal Balance(string code) =>
            account.Journal.Where(j => j.DebitAccount == code).Sum(j => j.Amount) - account.Journal.Where(j => j.CreditAccount == code).Sum(j => j.Amount);

        var p = account.Position;
        Assert.Equal(p.PrincipalOutstanding, Balance(LedgerAccounts.LoansReceivable));
        Assert.Equal(p.DueInterest + p.InterestAccrued, Balance(LedgerAccounts.InterestReceivable));
        Assert.Equal(p.PenaltyUnpaid + p.CompoundUnpaid, Balance(LedgerAccounts.ChargesReceivable));
        Assert.Equal(p.PrincipalOutstanding, account.Installments.Sum(i => i.UnpaidPrincipal));
        Assert.Equal(Annuity.Principal - prepaidPrincipal, account.Installments.Sum(i => i.Principal));
    }

    [Fact]
    public void An_extension_re_amortises_the_principal_not_yet_due_over_the_longer_term()
    {
        var account = FirstInstallmentPaid();

        var periods = account.Extend(March15, 12);
        account.CloseDay(March15);

        // 12 + 12 = 24 months; periods 2 … 24 = 23 installments on 91,831.51 at r = 0.003625:
        // (1.003625)^23 = 1.0867855; A = 91,831.51 × 0.003625 × 1.0867855 / 0.0867855 = 4,168.6598 → 4,168.66.
        // Period 2 (03-31): interest 91,831.51 × 0.003625 = 332.89, principal 4,168.66 − 332.89 = 3,835.77.
        // Iterating to period 23 leaves B = 4,153.59; period 24 (2028-01-31) pays 4,153.59 + 4,153.59 × 0.003625 (15.057 → 15.06).
        Assert.Equal(23, periods.Value);
        Assert.Equal(LoanStatus.Extended, account.Position.Status);
        Assert.Equal((24, new DateOnly(2028, 1, 31)), (account.Terms.TermMonths, account.Terms.MaturityDate));
        Assert.Equal(24, account.Installments.Count);
        AssertFirstInstallmentKept(account);
        var second = account.Installments[1];
        Assert.Equal((new DateOnly(2026, 3, 31), 3_835.77m, 332.89m), (second.DueDate, second.Principal, second.Interest));
        Assert.All(account.Installments.Skip(1).SkipLast(1), i => Assert.Equal(4_168.66m, i.Principal + i.Interest));
        var last = account.Installments[^1];
        Assert.Equal((24, new DateOnly(2028, 1, 31), 4_153.59m, 15.06m), (last.Period, last.DueDate, last.Principal, last.Interest));
        // Accrued since 02-28: 91,831.51 × 0.0435 / 360 × 15 = 166.444… → 166.44 (the extension does not change the accrual).
        Assert.Equal(166.44m, account.Position.InterestAccrued);
        AssertLedgerMatches(account);

        account.CloseThrough(new DateOnly(2026, 3, 30));
        Assert.True(account.Pay(new DateOnly(2026, 3, 31), 4_168.66m).IsSuccess);
        account.CloseDay(new DateOnly(2026, 3, 31));
        Assert.Equal((0, LoanStatus.Extended), (account.Position.DaysPastDue, account.Position.Status));
        // 91,831.51 − 3,835.77 = 87,995.74
        Assert.Equal(87_995.74m, account.Position.PrincipalOutstanding);
        AssertLedgerMatches(account);
    }

    [Fact]
    public void A_rate_change_applies_to_the_installments_not_yet_due()
    {
        var account = FirstInstallmentPaid();

        var periods = account.ChangeRate(March15, 0.0395m);
        account.CloseDay(March15);

        // 11 installments on 91,831.51 at r = 0.0395 / 12 = 0.00329167: (1 + r)^11 = 1.0368102;
        // A = 91,831.51 × 0.00329167 × 1.0368102 / 0.0368102 = 8,514.1014 → 8,514.10.
        // Period 2: interest 91,831.51 × 0.0395 / 12 = 302.2837 → 302.28, principal 8,514.10 − 302.28 = 8,211.82.
        // Period 12 (2027-01-31): 8,486.19 + 8,486.19 × 0.00329167 (27.934 → 27.93).
        Assert.Equal(11, periods.Value);
        Assert.Equal(LoanStatus.Normal, account.Position.Status);
        Assert.Equal(0.0395m, account.Position.AnnualRate);
        Assert.Equal(12, account.Installments.Count);
        AssertFirstInstallmentKept(account);
        Assert.Equal((8_211.82m, 302.28m), (account.Installments[1].Principal, account.Installments[1].Interest));
        Assert.Equal((new DateOnly(2027, 1, 31), 8_486.19m, 27.93m), (account.Installments[^1].DueDate, account.Installments[^1].Principal, account.Installments[^1].Interest));
        // The accrual since 02-28 now runs at the new rate: 91,831.51 × 0.0395 / 360 × 15 = 151.139… → 151.14.
        Assert.Equal(151.14m, account.Position.InterestAccrued);
        AssertLedgerMatches(account);
    }

    [Fact]
    public void An_extension_after_a_reduce_term_prepayment_extends_from_the_shortened_maturity()
    {
        var account = FirstInstallmentPaid();

        // 20,000 on 03-15 prepays 20,000 / (1 + 0.0435 × 15 / 360) = 19,963.8156 → 19,963.82 of principal; keeping the
        // 8,530.99 installment, the 71,867.69 left (91,831.51 − 19,963.82) ends with period 10 on 2026-11-30.
        Assert.True(account.Pay(March15, 20_000m, PaymentKind.PartPrincipal, Reamortisation.ReduceTerm).IsSuccess);
        Assert.Equal((10, new DateOnly(2026, 11, 30)), (account.Terms.TermMonths, account.Terms.MaturityDate));

        // Two more months: term 12, maturity 2027-01-31, periods 2 … 12 = 11 on 71,867.69 at r = 0.003625:
        // (1.003625)^11 = 1.0406057; A = 71,867.69 × 0.003625 × 1.0406057 / 0.0406057 = 6,676.385 → 6,676.39.
        Assert.Equal(11, account.Extend(March15, 2).Value);
        account.CloseDay(March15);

        Assert.Equal((12, new DateOnly(2027, 1, 31)), (account.Terms.TermMonths, account.Terms.MaturityDate));
        Assert.Equal(12, account.Installments.Count);
        Assert.Equal(6_676.39m, account.Installments[1].Principal + account.Installments[1].Interest);
        Assert.Equal(new DateOnly(2027, 1, 31), account.Installments[^1].DueDate);
        Assert.Equal(LoanStatus.Extended, account.Position.Status);
        AssertLedgerMatches(account, prepaidPrincipal: 19_963.82m);
    }

    [Fact]
    public void A_rate_outside_0_to_1_is_refused()
    {
        var account = FirstInstallmentPaid();

        Assert.Equal("annualRate", account.ChangeRate(March15, 1.2m).Error!.Code);
        Assert.Equal("annualRate", account.Restructure(March15, -0.01m, 24).Error!.Code);
        Assert.Equal("extraMonths", account.Extend(March15, 0).Error!.Code);
        Assert.Equal("effectiveDate", account.Extend(new DateOnly(2026, 3, 16), 6).Error!.Code);
        Assert.Equal(12, account.Installments.Count);
        Assert.Equal(0.0435m, account.Terms.AnnualRate);
    }

    [Fact]
    public void A_restructuring_re_amortises_and_keeps_the_loan_at_least_special_mention()
    {
        var account = FirstInstallmentPaid();

        var periods = account.Restructure(March15, 0.03m, 36);
        account.CloseDay(March15);

        // 35 installments on 91,831.51 at r = 0.0025: (1.0025)^35 = 1.0913231; A = 91,831.51 × 0.0025 × 1.0913231 / 0.0913231
        // = 2,743.4969 → 2,743.50. Period 2: interest 91,831.51 × 0.0025 = 229.578… → 229.58, principal 2,513.92.
        // Period 36 (2029-01-31): 2,736.54 + 2,736.54 × 0.0025 (6.841 → 6.84).
        Assert.Equal(35, periods.Value);
        Assert.Equal(36, account.Installments.Count);
        AssertFirstInstallmentKept(account);
        Assert.Equal((2_513.92m, 229.58m), (account.Installments[1].Principal, account.Installments[1].Interest));
        Assert.Equal((new DateOnly(2029, 1, 31), 2_736.54m, 6.84m), (account.Installments[^1].DueDate, account.Installments[^1].Principal, account.Installments[^1].Interest));
        // domain.md section 4: restructured → at least 关注; 关注 not by days past due → IFRS 9 stage 2.
        Assert.Equal((LoanStatus.Restructured, 0, FiveLevelCategory.SpecialMention, Ifrs9Stage.Stage2),
            (account.Position.Status, account.Position.DaysPastDue, account.Position.Category, account.Position.Stage));
        AssertLedgerMatches(account);
    }

    [Fact]
    public void Restructuring_an_overdue_loan_keeps_the_overdue_installment_and_its_days_past_due()
    {
        var account = LoanAccount.Open(4, Annuity, ServicingRules.Default);
        account.CloseThrough(new DateOnly(2026, 3, 9));

        Assert.Equal(35, account.Restructure(new DateOnly(2026, 3, 10), 0.03m, 36).Value);
        account.CloseDay(new DateOnly(2026, 3, 10));

        // Installment 1 (due 02-28) stays unpaid: DPD 10. Penalty accrues at the start of each day, so all ten days
        // 03-01 … 03-10 ran at the old rate before the restructuring took effect: 8,168.49 × 0.00018125 × 10 = 14.805… → 14.81.
        // Installments 2 … 36 (35 of them): 91,831.51 over 35 periods at 0.0025 as in the performing case.
        Assert.Equal(36, account.Installments.Count);
        Assert.Equal((8_168.49m, 362.50m, 0m), (account.Installments[0].Principal, account.Installments[0].Interest, account.Installments[0].PrincipalPaid));
        Assert.Equal((LoanStatus.Restructured, 10, FiveLevelCategory.SpecialMention), (account.Position.Status, account.Position.DaysPastDue, account.Position.Category));
        Assert.Equal(8_168.49m, account.Position.OverduePrincipal);
        Assert.Equal(14.81m, account.Position.PenaltyUnpaid);
        AssertLedgerMatches(account);
    }

    [Fact]
    public void A_write_off_takes_the_loan_off_the_books_but_keeps_the_claim_and_its_history()
    {
        var account = FirstInstallmentPaid();
        account.CloseThrough(new DateOnly(2026, 6, 30));
        var dpd = account.Position.DaysPastDue;

        var written = account.WriteOff(new DateOnly(2026, 7, 1));

        // Unpaid principal 100,000 − 8,168.49 = 91,831.51 goes against the loss reserve (借 贷款损失准备 / 贷 贷款).
        Assert.Equal(91_831.51m, written.Value);
        Assert.Equal(LoanStatus.WrittenOff, account.Position.Status);
        decimal Balance(string code) =>
            account.Journal.Where(j => j.DebitAccount == code).Sum(j => j.Amount) - account.Journal.Where(j => j.CreditAccount == code).Sum(j => j.Amount);
        Assert.Equal((0m, 0m, 0m), (Balance(LedgerAccounts.LoansReceivable), Balance(LedgerAccounts.InterestReceivable), Balance(LedgerAccounts.ChargesReceivable)));
        Assert.Equal(91_831.51m, Balance(LedgerAccounts.LoanLossReserve));
        // Every journal line is one debit and one credit of the same positive amount.
        Assert.All(account.Journal, j => Assert.True(j.Amount > 0m && j.DebitAccount != j.CreditAccount));

        // Nothing deleted: the schedule, what was paid, and the claim (账销案存) stay; the loan takes no more closes' accruals.
        Assert.Equal(12, account.Installments.Count);
        AssertFirstInstallmentKept(account);
        Assert.Equal(91_831.51m, account.Installments.Sum(i => i.UnpaidPrincipal));
        var journalLines = account.Journal.Count;
        account.CloseThrough(new DateOnly(2026, 7, 31));
        Assert.Equal(journalLines, account.Journal.Count);
        Assert.Equal((LoanStatus.WrittenOff, dpd), (account.Position.Status, account.Position.DaysPastDue));
        Assert.Equal("loan", account.WriteOff(new DateOnly(2026, 8, 1)).Error!.Code);
        Assert.Equal("loan", account.Pay(new DateOnly(2026, 8, 1), 100m).Error!.Code);
        Assert.Equal("loan", account.Extend(new DateOnly(2026, 8, 1), 3).Error!.Code);
    }
}
