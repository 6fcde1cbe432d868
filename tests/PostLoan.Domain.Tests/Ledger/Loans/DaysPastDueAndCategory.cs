using PostLoan.Domain.Ledger.Loans;
using PostLoan.Domain.Risk;

namespace PostLoan.Domain.Tests.Ledger.Loans;

/// <summary>DPD counting, the category floor and the IFRS 9 stage at their boundaries (domain.md sections 3 and 4).</summary>
public sealed class DaysPastDueAndCategory
{
    // A bullet loan due 2026-02-28 that is never paid: DPD on date D is D − 2026-02-28.
    private static LoanAccount Unpaid(out DateOnly due)
    {
        var account = LoanAccount.Open(1, new LoanTerms(100_000m, 0.0435m, 1, RepaymentMethod.Bullet, new DateOnly(2026, 1, 31)), ServicingRules.Default);
        due = new DateOnly(2026, 2, 28);
        return account;
    }

    [Theory]
    [InlineData(0, FiveLevelCategory.Normal, Ifrs9Stage.Stage1)]
    [InlineData(1, FiveLevelCategory.SpecialMention, Ifrs9Stage.Stage1)]
    [InlineData(30, FiveLevelCategory.SpecialMention, Ifrs9Stage.Stage1)]
    [InlineData(31, FiveLevelCategory.SpecialMention, Ifrs9Stage.Stage2)]
    [InlineData(90, FiveLevelCategory.SpecialMention, Ifrs9Stage.Stage2)]
    [InlineData(91, FiveLevelCategory.Substandard, Ifrs9Stage.Stage3)]
    [InlineData(270, FiveLevelCategory.Substandard, Ifrs9Stage.Stage3)]
    [InlineData(271, FiveLevelCategory.Doubtful, Ifrs9Stage.Stage3)]
    [InlineData(360, FiveLevelCategory.Doubtful, Ifrs9Stage.Stage3)]
    [InlineData(361, FiveLevelCategory.Loss, Ifrs9Stage.Stage3)]
    public void The_close_derives_category_and_stage_from_days_past_due(int dpd, FiveLevelCategory category, Ifrs9Stage stage)
    {
        var account = Unpaid(out var due);

        account.CloseThrough(due.AddDays(dpd));

        Assert.Equal(dpd, account.Position.DaysPastDue);
        Assert.Equal(category, account.Position.Category);
        Assert.Equal(stage, account.Position.Stage);
        Assert.Equal(dpd == 0 ? LoanStatus.Normal : LoanStatus.Overdue, account.Position.Status);
    }

    [Fact]
    public void On_the_due_date_nothing_is_overdue_yet()
    {
        var account = Unpaid(out var due);

        account.CloseThrough(due);

        Assert.Equal(0, account.Position.DaysPastDue);
        Assert.Equal(0m, account.Position.OverduePrincipal);
        Assert.Equal(100_000m, account.Position.DuePrincipal);
        Assert.Equal(0m, account.Position.PenaltyUnpaid);
    }

    [Fact]
    public void A_manual_special_mention_without_arrears_is_stage_2_but_arrears_of_30_days_alone_are_not()
    {
        Assert.Equal(Ifrs9Stage.Stage2, DelinquencyRules.Stage(0, FiveLevelCategory.SpecialMention));
        Assert.Equal(Ifrs9Stage.Stage1, DelinquencyRules.Stage(30, FiveLevelCategory.SpecialMention));
        Assert.Equal(Ifrs9Stage.Stage3, DelinquencyRules.Stage(0, FiveLevelCategory.Substandard));
        Assert.Equal(Ifrs9Stage.Stage2, DelinquencyRules.Stage(0, FiveLevelCategory.Normal, significantIncreaseInCreditRisk: true));
    }
}
