using PostLoan.Domain.Risk;

namespace PostLoan.Domain.Tests.Risk;

/// <summary>The floors, the nightly proposal and the two-person rule of domain.md section 4.</summary>
public class ClassificationRuleTests
{
    [Fact]
    public void Every_rule_can_raise_the_floor_and_the_highest_wins()
    {
        Assert.Equal((FiveLevelCategory.Normal, ClassificationReasons.None), ClassificationRules.LoanFloor(new ClassificationFacts(0, null, false, false)));
        Assert.Equal((FiveLevelCategory.SpecialMention, ClassificationReasons.Restructured),
            ClassificationRules.LoanFloor(new ClassificationFacts(0, FiveLevelCategory.SpecialMention, false, false)));
        Assert.Equal((FiveLevelCategory.Substandard, ClassificationReasons.DaysPastDue | ClassificationReasons.RedSignal),
            ClassificationRules.LoanFloor(new ClassificationFacts(100, null, false, true)));
        Assert.Equal((FiveLevelCategory.Substandard, ClassificationReasons.CreditImpaired | ClassificationReasons.DaysPastDue),
            ClassificationRules.LoanFloor(new ClassificationFacts(5, null, true, false)));
        Assert.Equal((FiveLevelCategory.Loss, ClassificationReasons.DaysPastDue | ClassificationReasons.Restructured),
            ClassificationRules.LoanFloor(new ClassificationFacts(361, FiveLevelCategory.Substandard, false, false)));
    }

    [Theory]
    [InlineData("10", "100", false)]
    [InlineData("10.01", "100", true)]
    [InlineData("0", "0", false)]
    public void Contagion_needs_more_than_ten_percent_of_the_debtors_claims_non_performing(string npl, string total, bool expected) =>
        Assert.Equal(expected, ClassificationRules.Contagion(decimal.Parse(npl, System.Globalization.CultureInfo.InvariantCulture), decimal.Parse(total, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void A_restructured_loan_is_observed_for_at_least_a_year_and_two_repayment_periods()
    {
        var restructured = new DateOnly(2026, 3, 15);

        Assert.Equal(new DateOnly(2027, 3, 15), ClassificationRules.ObservationEnd(restructured, new DateOnly(2026, 5, 15)));
        Assert.Equal(new DateOnly(2027, 6, 15), ClassificationRules.ObservationEnd(restructured, new DateOnly(2027, 6, 15)));
        Assert.Equal(FiveLevelCategory.SpecialMention, ClassificationRules.RestructureFloor(FiveLevelCategory.SpecialMention));
        Assert.Equal(FiveLevelCategory.Substandard, ClassificationRules.RestructureFloor(FiveLevelCategory.Doubtful));
    }

    [Theory]
    [InlineData(FiveLevelCategory.Normal, FiveLevelCategory.Substandard, NightlyAction.Apply)]
    [InlineData(FiveLevelCategory.SpecialMention, FiveLevelCategory.Normal, NightlyAction.Apply)]
    [InlineData(FiveLevelCategory.Substandard, FiveLevelCategory.Normal, NightlyAction.AwaitApproval)]
    [InlineData(FiveLevelCategory.Loss, FiveLevelCategory.Doubtful, NightlyAction.AwaitApproval)]
    [InlineData(FiveLevelCategory.Doubtful, FiveLevelCategory.Doubtful, NightlyAction.None)]
    public void The_rules_apply_downgrades_at_once_but_an_upgrade_out_of_non_performing_waits(FiveLevelCategory current, FiveLevelCategory proposal, NightlyAction action) =>
        Assert.Equal(action, ClassificationRules.Nightly(current, proposal));

    [Theory]
    // current, floor, proposal, requested → decision
    [InlineData(FiveLevelCategory.Normal, FiveLevelCategory.Normal, FiveLevelCategory.Normal, FiveLevelCategory.SpecialMention, RequestDecision.NeedsApproval)]
    [InlineData(FiveLevelCategory.SpecialMention, FiveLevelCategory.SpecialMention, FiveLevelCategory.SpecialMention, FiveLevelCategory.Normal, RequestDecision.Refused)]
    [InlineData(FiveLevelCategory.Normal, FiveLevelCategory.Substandard, FiveLevelCategory.Substandard, FiveLevelCategory.Substandard, RequestDecision.AppliesDirectly)]
    [InlineData(FiveLevelCategory.Substandard, FiveLevelCategory.SpecialMention, FiveLevelCategory.Substandard, FiveLevelCategory.SpecialMention, RequestDecision.NeedsApproval)]
    [InlineData(FiveLevelCategory.Doubtful, FiveLevelCategory.Normal, FiveLevelCategory.Doubtful, FiveLevelCategory.Doubtful, RequestDecision.Refused)]
    public void A_person_may_not_upgrade_above_the_floor_and_only_the_rules_own_downgrade_skips_the_checker(
        FiveLevelCategory current, FiveLevelCategory floor, FiveLevelCategory proposal, FiveLevelCategory requested, RequestDecision decision) =>
        Assert.Equal(decision, ClassificationRules.Decide(current, floor, proposal, requested));

    [Fact]
    public void The_maker_never_approves_their_own_change_and_the_checker_must_be_a_risk_manager()
    {
        Assert.False(ClassificationRules.MayApprove("u1", "u1", approverIsRiskManager: true));
        Assert.False(ClassificationRules.MayApprove("u1", "u2", approverIsRiskManager: false));
        Assert.True(ClassificationRules.MayApprove("u1", "u2", approverIsRiskManager: true));
        Assert.True(ClassificationRules.MayApprove("system", "u2", approverIsRiskManager: true));
    }

    [Fact]
    public void A_held_category_outlives_a_lower_floor_and_a_higher_floor_outranks_it()
    {
        Assert.Equal(FiveLevelCategory.SpecialMention, ClassificationRules.Proposal(FiveLevelCategory.Normal, FiveLevelCategory.SpecialMention));
        Assert.Equal(FiveLevelCategory.Doubtful, ClassificationRules.Proposal(FiveLevelCategory.Doubtful, FiveLevelCategory.SpecialMention));
        Assert.Null(ClassificationRules.HeldAfter(FiveLevelCategory.Substandard, FiveLevelCategory.Substandard));
        Assert.Equal(FiveLevelCategory.Substandard, ClassificationRules.HeldAfter(FiveLevelCategory.Substandard, FiveLevelCategory.Normal));
    }
}
