using System.CommandLine;
using PostLoan.Cli;

namespace PostLoan.Integration.Tests.Ledger;

/// <summary>
/// The <c>./postloan simulate</c> contract of issue 3 section 7: one JSON object with asOf, daysPastDue, category, stage and
/// the amounts to the cent; bad input is an error naming the field, and the command exits non-zero.
/// Loan: 100,000 at 4.35% over 12 months, 等额本息, disbursed 2026-01-31; r = 0.003625, A = 8,530.99; installment 1 due
/// 02-28 (interest 362.50, principal 8,168.49, balance 91,831.51), installment 2 due 03-31 (332.89, 8,198.10, 83,633.41),
/// installment 3 due 04-30 (303.17, 8,227.82, 75,405.59). Penalty/compound daily rate 0.0435 × 1.5 / 360 = 0.00018125.
/// </summary>
public sealed class CommandLineContracts
{
    private const string Loan = """
        "loan":{"principal":100000,"annualRate":0.0435,"termMonths":12,"method":"equal-installment","disbursementDate":"2026-01-31"}
        """;

    private static string Scenario(string payments, string asOf, string loan = Loan) => $$"""{{{loan}},"payments":[{{payments}}],"asOf":"{{asOf}}"}""";

    private static string Output(string json)
    {
        var result = LoanToolsCommand.RunScenario(json);
        Assert.True(result.IsSuccess, result.Error?.ToString());
        return result.Value!;
    }

    private static string ErrorField(string json)
    {
        var result = LoanToolsCommand.RunScenario(json);
        Assert.False(result.IsSuccess, result.Value);
        Assert.False(string.IsNullOrWhiteSpace(result.Error!.Message));
        return result.Error.Code;
    }

    [Fact]
    public void An_on_time_payer_prints_a_current_loan()
    {
        var json = Output(Scenario("""{"date":"2026-02-28","amount":8530.99},{"date":"2026-03-31","amount":8530.99},{"date":"2026-04-30","amount":8530.99}""", "2026-05-15"));

        // Outstanding 75,405.59; payoff 75,405.59 + 75,405.59 × 0.0435 / 360 × 15 days (136.672… → 136.67) = 75,542.26.
        Assert.Equal(
            """{"asOf":"2026-05-15","daysPastDue":0,"category":"Normal","stage":1,"outstandingPrincipal":75405.59,"overduePrincipal":0.00,"overdueInterest":0.00,"penaltyInterest":0.00,"compoundInterest":0.00,"payoffAmount":75542.26}""",
            json);
    }

    [Fact]
    public void A_missed_installment_15_days_late_prints_the_charges_and_the_payoff()
    {
        var json = Output(Scenario("", "2026-03-15"));

        // DPD 03-15 − 02-28 = 15 → 关注, stage 1. Penalty 8,168.49 × 0.00018125 × 15 = 22.208… → 22.21; compound
        // 362.50 × 0.00018125 × 15 = 0.9855… → 0.99; broken 91,831.51 × 0.0435 / 360 × 15 = 166.444… → 166.44;
        // payoff 100,000 + 362.50 + 22.21 + 0.99 + 166.44 = 100,552.14.
        Assert.Equal(
            """{"asOf":"2026-03-15","daysPastDue":15,"category":"SpecialMention","stage":1,"outstandingPrincipal":100000.00,"overduePrincipal":8168.49,"overdueInterest":362.50,"penaltyInterest":22.21,"compoundInterest":0.99,"payoffAmount":100552.14}""",
            json);
    }

    [Fact]
    public void Ninety_one_days_late_prints_substandard_stage_3()
    {
        var json = Output(Scenario("", "2026-05-30"));

        // DPD 91 → 次级, stage 3. Overdue principal 8,168.49 + 8,198.10 + 8,227.82 = 24,594.41, interest 362.50 + 332.89 + 303.17
        // = 998.56. Penalty (8,168.49 × 91 + 8,198.10 × 60 + 8,227.82 × 30) × 0.00018125 = 1,482,053.19 × 0.00018125 = 268.622… → 268.62;
        // compound (362.50 × 91 + 332.89 × 60 + 303.17 × 30) × 0.00018125 = 62,056.00 × 0.00018125 = 11.2476… → 11.25;
        // broken 75,405.59 × 0.0435 / 360 × 30 = 273.345… → 273.35; payoff 100,000 + 998.56 + 268.62 + 11.25 + 273.35 = 101,551.78.
        Assert.Equal(
            """{"asOf":"2026-05-30","daysPastDue":91,"category":"Substandard","stage":3,"outstandingPrincipal":100000.00,"overduePrincipal":24594.41,"overdueInterest":998.56,"penaltyInterest":268.62,"compoundInterest":11.25,"payoffAmount":101551.78}""",
            json);
    }

    [Fact]
    public void Optional_loan_fields_are_read_grace_days_and_penalty_markup()
    {
        const string loan = """
            "loan":{"principal":100000,"annualRate":0.0435,"termMonths":12,"method":"equal-installment","disbursementDate":"2026-01-31","penaltyMarkup":0.3,"graceDays":3,"interestFrequency":"monthly"}
            """;

        // 5 days late (> 3 grace days): all five days charged at 0.0435 × 1.3 / 360 = 0.000157083…:
        // penalty 8,168.49 × 0.000157083 × 5 = 6.4157… → 6.42; compound 362.50 × 0.000157083 × 5 = 0.2847… → 0.28;
        // broken 91,831.51 × 0.0435 / 360 × 5 = 55.481… → 55.48; payoff 100,000 + 362.50 + 6.42 + 0.28 + 55.48 = 100,424.68.
        Assert.Equal(
            """{"asOf":"2026-03-05","daysPastDue":5,"category":"SpecialMention","stage":1,"outstandingPrincipal":100000.00,"overduePrincipal":8168.49,"overdueInterest":362.50,"penaltyInterest":6.42,"compoundInterest":0.28,"payoffAmount":100424.68}""",
            Output(Scenario("", "2026-03-05", loan)));
    }

    [Fact]
    public void A_bullet_loan_paid_at_maturity_prints_a_settled_loan()
    {
        const string loan = """
            "loan":{"principal":100000,"annualRate":0.0435,"termMonths":12,"method":"bullet","disbursementDate":"2026-01-31"}
            """;

        // One installment on 2027-01-31: 100,000 + 100,000 × 0.0435 × 365 / 360 (4,410.416… → 4,410.42) = 104,410.42.
        Assert.Equal(
            """{"asOf":"2027-02-01","daysPastDue":0,"category":"Normal","stage":1,"outstandingPrincipal":0.00,"overduePrincipal":0.00,"overdueInterest":0.00,"penaltyInterest":0.00,"compoundInterest":0.00,"payoffAmount":0.00}""",
            Output(Scenario("""{"date":"2027-01-31","amount":104410.42}""", "2027-02-01", loan)));
    }

    [Theory]
    [InlineData("not json", "scenario")]
    [InlineData("{}", "loan")]
    [InlineData("""{"loan":{"annualRate":0.0435,"termMonths":12,"method":"bullet","disbursementDate":"2026-01-31"},"asOf":"2026-03-01"}""", "loan.principal")]
    [InlineData("""{"loan":{"principal":-1,"annualRate":0.0435,"termMonths":12,"method":"bullet","disbursementDate":"2026-01-31"},"asOf":"2026-03-01"}""", "loan.principal")]
    [InlineData("""{"loan":{"principal":"lots","annualRate":0.0435,"termMonths":12,"method":"bullet","disbursementDate":"2026-01-31"},"asOf":"2026-03-01"}""", "loan.principal")]
    [InlineData("""{"loan":{"principal":100000,"annualRate":4.35,"termMonths":12,"method":"bullet","disbursementDate":"2026-01-31"},"asOf":"2026-03-01"}""", "loan.annualRate")]
    [InlineData("""{"loan":{"principal":100000,"annualRate":0.0435,"termMonths":12.5,"method":"bullet","disbursementDate":"2026-01-31"},"asOf":"2026-03-01"}""", "loan.termMonths")]
    [InlineData("""{"loan":{"principal":100000,"annualRate":0.0435,"termMonths":1e12,"method":"bullet","disbursementDate":"2026-01-31"},"asOf":"2026-03-01"}""", "loan.termMonths")]
    [InlineData("""{"loan":{"principal":100000,"annualRate":0.0435,"termMonths":12,"method":"annuity","disbursementDate":"2026-01-31"},"asOf":"2026-03-01"}""", "loan.method")]
    [InlineData("""{"loan":{"principal":100000,"annualRate":0.0435,"termMonths":12,"method":"bullet","disbursementDate":"2026/01/31"},"asOf":"2026-03-01"}""", "loan.disbursementDate")]
    [InlineData("""{"loan":{"principal":100000,"annualRate":0.0435,"termMonths":600,"method":"bullet","disbursementDate":"9999-01-31"},"asOf":"9999-12-31"}""", "loan.disbursementDate")]
    [InlineData("""{"loan":{"principal":100000,"annualRate":0.0435,"termMonths":12,"method":"interest-only","interestFrequency":"weekly","disbursementDate":"2026-01-31"},"asOf":"2026-03-01"}""", "loan.interestFrequency")]
    [InlineData("""{"loan":{"principal":100000,"annualRate":0.0435,"termMonths":12,"method":"interest-only","interestFrequency":3,"disbursementDate":"2026-01-31"},"asOf":"2026-03-01"}""", "loan.interestFrequency")]
    [InlineData("""{"loan":{"principal":100000,"annualRate":0.0435,"termMonths":12,"method":"bullet","disbursementDate":"2026-01-31","graceDays":1.5},"asOf":"2026-03-01"}""", "loan.graceDays")]
    [InlineData("""{"loan":{"principal":100000,"annualRate":0.0435,"termMonths":12,"method":"bullet","disbursementDate":"2026-01-31","penaltyMarkup":"half"},"asOf":"2026-03-01"}""", "loan.penaltyMarkup")]
    [InlineData("""{"loan":{"principal":100000,"annualRate":0.0435,"termMonths":12,"method":"bullet","disbursementDate":"2026-01-31"}}""", "asOf")]
    [InlineData("""{"loan":{"principal":100000,"annualRate":0.0435,"termMonths":12,"method":"bullet","disbursementDate":"2026-01-31"},"asOf":"2026-01-30"}""", "asOf")]
    [InlineData("""{"loan":{"principal":100000,"annualRate":0.0435,"termMonths":12,"method":"bullet","disbursementDate":"2026-01-31"},"payments":{},"asOf":"2026-03-01"}""", "payments")]
    [InlineData("""{"loan":{"principal":100000,"annualRate":0.0435,"termMonths":12,"method":"bullet","disbursementDate":"2026-01-31"},"payments":[5],"asOf":"2026-03-01"}""", "payments[0]")]
    [InlineData("""{"loan":{"principal":100000,"annualRate":0.0435,"termMonths":12,"method":"bullet","disbursementDate":"2026-01-31"},"payments":[{"date":"2026-02-01"}],"asOf":"2026-03-01"}""", "payments[0].amount")]
    [InlineData("""{"loan":{"principal":100000,"annualRate":0.0435,"termMonths":12,"method":"bullet","disbursementDate":"2026-01-31"},"payments":[{"date":"2026-02-01","amount":"x"}],"asOf":"2026-03-01"}""", "payments[0].amount")]
    [InlineData("""{"loan":{"principal":100000,"annualRate":0.0435,"termMonths":12,"method":"bullet","disbursementDate":"2026-01-31"},"payments":[{"date":"2026-02-30","amount":1}],"asOf":"2026-03-01"}""", "payments[0].date")]
    [InlineData("""{"loan":{"principal":100000,"annualRate":0.0435,"termMonths":12,"method":"bullet","disbursementDate":"2026-01-31"},"payments":[{"date":"2026-02-01","amount":1},{"date":"2026-03-02","amount":1}],"asOf":"2026-03-01"}""", "payments[1].date")]
    public void Bad_input_is_an_error_naming_the_field(string json, string field) => Assert.Equal(field, ErrorField(json));

    [Fact]
    public void Overpaying_is_refused_naming_the_payment_and_the_payoff()
    {
        // Payoff on 02-15: 100,000 + 100,000 × 0.0435 / 360 × 15 = 100,181.25; 100,181.26 is one cent too much.
        var result = LoanToolsCommand.RunScenario(Scenario("""{"date":"2026-02-15","amount":100181.26}""", "2026-03-01"));

        Assert.False(result.IsSuccess);
        Assert.Equal("payments[0].amount", result.Error!.Code);
        Assert.Contains("100181.25", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_command_exits_0_with_a_good_scenario_and_non_zero_with_a_bad_one()
    {
        var good = Path.Combine(Path.GetTempPath(), $"scenario-{Guid.NewGuid():N}.json");
        var bad = Path.Combine(Path.GetTempPath(), $"scenario-{Guid.NewGuid():N}.json");
        File.WriteAllText(good, Scenario("", "2026-03-15"));
        File.WriteAllText(bad, Scenario("", "2026-13-01"));
        try
        {
            Assert.Equal(0, Invoke("simulate", "--scenario", good));
            Assert.NotEqual(0, Invoke("simulate", "--scenario", bad));
            Assert.NotEqual(0, Invoke("simulate", "--scenario", bad + ".missing"));
        }
        finally
        {
            File.Delete(good);
            File.Delete(bad);
        }
    }

    private static int Invoke(params string[] args) => new RootCommand { LoanToolsCommand.Simulate() }.Parse(args).Invoke();
}
