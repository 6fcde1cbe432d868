using PostLoan.Domain.Ledger.Loans;

namespace PostLoan.Domain.Tests.Ledger.Loans;

/// <summary>Property: whatever is paid when, the journal balances and its accounts equal the loan's balances.</summary>
public sealed class LedgerBalances
{
    [Fact]
    public void The_journal_always_equals_the_loan_balances()
    {
        var random = new Random(42);
        var methods = new[] { RepaymentMethod.EqualInstallment, RepaymentMethod.EqualPrincipal, RepaymentMethod.InterestOnly, RepaymentMethod.Bullet, RepaymentMethod.Revolving };
        for (var loan = 0; loan < 60; loan++)
        {
            var terms = new LoanTerms(random.Next(10, 500) * 1000m, random.Next(300, 1500) / 10_000m, random.Next(2, 19) * 3,
                methods[loan % methods.Length], new DateOnly(2025, 1, 1).AddDays(random.Next(0, 60)));
            var rules = new ServicingRules(0.5m, random.Next(0, 4), loan % 2 == 0 ? AllocationOrder.OldestInstallmentFirst : AllocationOrder.ChargesThenInterestThenPrincipal);
            var account = LoanAccount.Open(loan, terms, rules);
            var end = terms.MaturityDate.AddDays(120);
            for (var day = terms.DisbursementDate; day <= end && !account.Position.IsClosedOut; day = day.AddDays(1))
            {
                if (random.Next(20) == 0)
                {
                    var payoff = account.PayoffAmount(day);
                    var amount = decimal.Round(payoff * random.Next(1, 40) / 100m, 2);
                    var kind = random.Next(10) == 0 ? PaymentKind.PartPrincipal : PaymentKind.Regular;
                    if (amount > 0m)
                    {
                        account.Pay(day, random.Next(15) == 0 ? payoff : amount, kind);
                    }
                }

                account.CloseDay(day);
                AssertLedgerMatches(account);
            }

            Assert.True(account.Position.IsClosedOut || account.Position.DaysPastDue > 0, $"loan {loan} neither settled nor overdue after maturity");
        }
    }

    private static void AssertLedgerMatches(LoanAccount account)
    {
        decimal Balance(string code) =>
            account.Journal.Where(j => j.DebitAccount == code).Sum(j => j.Amount) - account.Journal.Where(j => j.CreditAccount == code).Sum(j => j.Amount);

        var p = account.Position;
        Assert.Equal(p.PrincipalOutstanding, Balance(LedgerAccounts.LoansReceivable));
        Assert.Equal(p.DueInterest + p.InterestAccrued, Balance(LedgerAccounts.InterestReceivable));
        Assert.Equal(p.PenaltyUnpaid + p.CompoundUnpaid, Balance(LedgerAccounts.ChargesReceivable));
        Assert.Equal(p.PrincipalOutstanding, account.Installments.Sum(i => i.UnpaidPrincipal));
    }
}
