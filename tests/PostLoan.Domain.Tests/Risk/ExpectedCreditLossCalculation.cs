using PostLoan.Domain.Ledger.Loans;
using PostLoan.Domain.Risk;

namespace PostLoan.Domain.Tests.Risk;

/// <summary>
/// ECL of hand-computed loans in each stage (docs/risk.md): EAD₁ = principal + accrued interest, later months the
/// projected principal; marginal PD × LGD × EAD discounted monthly at the contract rate; scenarios base 60% (PD × 1),
/// upside 20% (× 0.8), downside 20% (× 1.3). Expected amounts were computed by hand (spreadsheet) from those formulas.
/// </summary>
public class ExpectedCreditLossCalculation
{
    private static readonly EclScenario[] Scenarios =
    [
        new() { Code = "base", Name = "base", Weight = 0.6m, PdMultiplier = 1m },
        new() { Code = "upside", Name = "upside", Weight = 0.2m, PdMultiplier = 0.8m },
        new() { Code = "downside", Name = "downside", Weight = 0.2m, PdMultiplier = 1.3m },
    ];

    private static PdCurve Linear(double perMonth, int months) =>
        new(Enumerable.Range(0, months + 1).Select(t => Math.Min(1d, perMonth * t)).ToArray(), PdSource.Override);

    [Fact]
    public void Stage_1_takes_twelve_months_of_marginal_pd_discounted_at_the_contract_rate_and_weights_the_scenarios()
    {
        // Interest-only 100,000 at 12% (1% a month), 500.00 accrued, 24 months left, LGD 45%, PD 1% a month.
        // Base: 0.45 × Σₜ₌₁..₁₂ 0.01 × EADₜ × 1.01⁻ᵗ with EAD₁ = 100,500 and EADₜ = 100,000 → 5,067.01.
        var input = new EclInput(Ifrs9Stage.Stage1, RepaymentMethod.InterestOnly, 100_000m, 0m, 500m, 0m, 0.12m, 24, 0.45m);

        var outcome = EclCalculator.Compute(input, Linear(0.01, 24), Scenarios, 0.5m, new double[24]);

        Assert.Equal(100_500m, outcome.Ead);
        Assert.Equal(12, outcome.Horizon);
        Assert.Equal([5067.01m, 4053.61m, 6587.12m], outcome.ByScenario);
        Assert.Equal(5168.35m, outcome.Ecl); // 0.6 × 5067.0086… + 0.2 × 4053.6069… + 0.2 × 6587.1112…
        Assert.Equal(0.12, outcome.Pd12Month, 12);
        Assert.Equal(0.24, outcome.PdLifetime, 12);
    }

    [Fact]
    public void Stage_2_runs_the_same_loan_over_its_lifetime_with_the_annuity_amortising_the_exposure()
    {
        // 等额本息 120,000 at 12% with 24 installments left, LGD 25%, PD 2% a month; principal at the start of month t is
        // 120,000 × (1.01²⁴ − 1.01ᵗ⁻¹) / (1.01²⁴ − 1): 115,551.18 in month 2, 5,592.89 in month 24.
        var stage1 = new EclInput(Ifrs9Stage.Stage1, RepaymentMethod.EqualInstallment, 120_000m, 0m, 0m, 0m, 0.12m, 24, 0.25m);
        var stage2 = stage1 with { Stage = Ifrs9Stage.Stage2 };

        var twelveMonths = EclCalculator.Compute(stage1, Linear(0.02, 24), Scenarios, 0.5m, new double[24]);
        var lifetime = EclCalculator.Compute(stage2, Linear(0.02, 24), Scenarios, 0.5m, new double[24]);

        Assert.Equal([5360.32m, 4288.26m, 6968.42m], twelveMonths.ByScenario);
        Assert.Equal(5467.53m, twelveMonths.Ecl);
        Assert.Equal(24, lifetime.Horizon);
        Assert.Equal([7142.77m, 5714.22m, 9285.60m], lifetime.ByScenario);
        Assert.Equal(7285.63m, lifetime.Ecl);
    }

    [Fact]
    public void Stage_3_is_lgd_times_the_exposure_with_pd_one_and_no_discounting()
    {
        var input = new EclInput(Ifrs9Stage.Stage3, RepaymentMethod.EqualPrincipal, 50_000m, 20_000m, 1_234.56m, 0m, 0.08m, 3, 0.45m);

        var outcome = EclCalculator.Compute(input, default, Scenarios, 0.5m, new double[3]);

        Assert.Equal(51_234.56m, outcome.Ead);
        Assert.Equal(23_055.55m, outcome.Ecl); // 0.45 × 51,234.56 = 23,055.552
        Assert.Equal([23_055.55m, 23_055.55m, 23_055.55m], outcome.ByScenario);
        Assert.Equal(1d, outcome.Pd12Month);
    }

    [Fact]
    public void A_scenario_multiplier_cannot_push_cumulative_pd_above_one()
    {
        // No discounting (rate 0), LGD 100%, 10,000 bullet, PD 5% a month capped at 1 from month 20: the base loses the
        // whole exposure, the downside (× 1.3) is capped at 1 from month 16 and loses it too, the upside (× 0.8) ends at
        // 0.8 → 0.6 × 10,000 + 0.2 × 8,000 + 0.2 × 10,000 = 9,600.
        var input = new EclInput(Ifrs9Stage.Stage2, RepaymentMethod.Bullet, 10_000m, 0m, 0m, 0m, 0m, 24, 1m);

        var outcome = EclCalculator.Compute(input, Linear(0.05, 24), Scenarios, 0.5m, new double[24]);

        Assert.Equal([10_000m, 8_000m, 10_000m], outcome.ByScenario);
        Assert.Equal(9_600m, outcome.Ecl);
    }

    [Fact]
    public void A_revolving_line_adds_the_credit_conversion_factor_times_the_undrawn_limit()
    {
        // Stage 3 keeps the arithmetic visible: EAD = 30,000 drawn + 150 interest + 50% × 20,000 undrawn = 40,150.
        var input = new EclInput(Ifrs9Stage.Stage3, RepaymentMethod.Revolving, 30_000m, 0m, 150m, 20_000m, 0.06m, 10, 0.4m);

        var outcome = EclCalculator.Compute(input, default, Scenarios, 0.5m, new double[10]);

        Assert.Equal(40_150m, outcome.Ead);
        Assert.Equal(16_060m, outcome.Ecl);
    }

    [Fact]
    public void Equal_principal_amortises_linearly_and_interest_only_keeps_the_principal_until_maturity()
    {
        var linear = new double[4];
        var flat = new double[4];

        EclCalculator.ProjectPrincipal(RepaymentMethod.EqualPrincipal, 1200d, 0.06, 4, linear);
        EclCalculator.ProjectPrincipal(RepaymentMethod.InterestOnly, 1200d, 0.06, 4, flat);

        Assert.Equal([1200d, 900d, 600d, 300d], linear);
        Assert.Equal([1200d, 1200d, 1200d, 1200d], flat);
    }

    [Theory]
    [InlineData("2026-10-31", "2027-10-31", 12)]
    [InlineData("2026-10-31", "2027-11-15", 13)]
    [InlineData("2026-10-15", "2026-11-20", 2)]
    [InlineData("2026-10-31", "2026-09-30", 1)]
    public void Remaining_months_count_a_started_month_as_one(string asOf, string maturity, int expected) =>
        Assert.Equal(expected, EclCalculator.RemainingMonths(DateOnly.Parse(asOf, System.Globalization.CultureInfo.InvariantCulture), DateOnly.Parse(maturity, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void Lgd_takes_the_row_with_the_highest_coverage_reached_and_falls_back_to_unsecured()
    {
        LgdRule[] rules =
        [
            new() { Security = "Credit", MinCoverage = 0m, Lgd = 0.45m },
            new() { Security = "RealEstate", MinCoverage = 0m, Lgd = 0.45m },
            new() { Security = "RealEstate", MinCoverage = 0.5m, Lgd = 0.35m },
            new() { Security = "RealEstate", MinCoverage = 1m, Lgd = 0.25m },
        ];

        Assert.Equal(0.35m, EclCalculator.Lgd(rules, "RealEstate", 0.9999m));
        Assert.Equal(0.25m, EclCalculator.Lgd(rules, "RealEstate", 1m));
        Assert.Equal(0.45m, EclCalculator.Lgd(rules, "Vehicle", 2m));
    }

    [Fact]
    public void Scenario_weights_must_sum_to_one()
    {
        Assert.Null(EclCalculator.Validate(Scenarios));
        var error = EclCalculator.Validate([new EclScenario { Code = "base", Name = "b", Weight = 0.7m }, new EclScenario { Code = "down", Name = "d", Weight = 0.2m }]);
        Assert.Equal("weights must sum to 1 (they sum to 0.9)", error!.Message);
    }

    [Theory]
    [InlineData(0, FiveLevelCategory.Normal, false, Ifrs9Stage.Stage1, StageReasons.None)]
    [InlineData(25, FiveLevelCategory.SpecialMention, false, Ifrs9Stage.Stage1, StageReasons.None)]
    [InlineData(31, FiveLevelCategory.SpecialMention, false, Ifrs9Stage.Stage2, StageReasons.DpdOver30)]
    [InlineData(0, FiveLevelCategory.SpecialMention, false, Ifrs9Stage.Stage2, StageReasons.SpecialMentionBeyondDpd)]
    [InlineData(0, FiveLevelCategory.Normal, true, Ifrs9Stage.Stage2, StageReasons.SignificantIncrease)]
    [InlineData(10, FiveLevelCategory.Substandard, false, Ifrs9Stage.Stage3, StageReasons.NonPerforming)]
    [InlineData(91, FiveLevelCategory.Substandard, false, Ifrs9Stage.Stage3, StageReasons.DpdOver90 | StageReasons.NonPerforming | StageReasons.DpdOver30)]
    public void The_stage_and_its_reasons_follow_domain_section_4(int dpd, FiveLevelCategory category, bool significant, Ifrs9Stage stage, StageReasons reasons)
    {
        Assert.Equal(stage, DelinquencyRules.Stage(dpd, category, significant));
        Assert.Equal(reasons, EclCalculator.Reasons(dpd, category, significant));
    }
}
