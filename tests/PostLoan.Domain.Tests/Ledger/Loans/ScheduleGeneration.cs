using PostLoan.Domain.Ledger.Loans;

namespace PostLoan.Domain.Tests.Ledger.Loans;

/// <summary>Schedules of every method against hand-checked values (domain.md section 3).</summary>
public sealed class ScheduleGeneration
{
    private static readonly DateOnly January31 = new(2026, 1, 31);

    [Fact]
    public void Equal_installment_pays_8530_99_a_month_and_8531_01_last()
    {
        var rows = ScheduleGenerator.Generate(new LoanTerms(100_000m, 0.0435m, 12, RepaymentMethod.EqualInstallment, January31));

        Assert.Equal(12, rows.Count);
        Assert.Equal("1,2026-02-28,8168.49,362.50,8530.99,91831.51", ScheduleCsv.Row(rows[0]));
        Assert.Equal("2,2026-03-31,8198.10,332.89,8530.99,83633.41", ScheduleCsv.Row(rows[1]));
        Assert.All(rows.Take(11), r => Assert.Equal(8530.99m, r.Total));
        Assert.Equal("12,2027-01-31,8500.20,30.81,8531.01,0.00", ScheduleCsv.Row(rows[11]));
    }

    [Fact]
    public void Equal_principal_takes_a_twelfth_and_interest_on_the_remaining_balance()
    {
        var rows = ScheduleGenerator.Generate(new LoanTerms(100_000m, 0.0435m, 12, RepaymentMethod.EqualPrincipal, January31));

        Assert.Equal("1,2026-02-28,8333.33,362.50,8695.83,91666.67", ScheduleCsv.Row(rows[0]));
        Assert.Equal("2,2026-03-31,8333.33,332.29,8665.62,83333.34", ScheduleCsv.Row(rows[1]));
        // 100,000 − 11 × 8,333.33 = 8,333.37; interest round(8,333.37 × 0.003625) = 30.21
        Assert.Equal("12,2027-01-31,8333.37,30.21,8363.58,0.00", ScheduleCsv.Row(rows[11]));
    }

    [Fact]
    public void Interest_only_pays_monthly_interest_and_the_principal_at_maturity()
    {
        var rows = ScheduleGenerator.Generate(new LoanTerms(100_000m, 0.0435m, 12, RepaymentMethod.InterestOnly, January31));

        Assert.All(rows, r => Assert.Equal(362.50m, r.Interest));
        Assert.Equal("11,2026-12-31,0.00,362.50,362.50,100000.00", ScheduleCsv.Row(rows[10]));
        Assert.Equal("12,2027-01-31,100000.00,362.50,100362.50,0.00", ScheduleCsv.Row(rows[11]));
    }

    [Fact]
    public void Quarterly_interest_is_a_quarter_of_the_annual_rate_every_three_months()
    {
        var rows = ScheduleGenerator.Generate(new LoanTerms(100_000m, 0.0435m, 12, RepaymentMethod.InterestOnly, January31, InterestFrequency.Quarterly));

        Assert.Equal(4, rows.Count);
        Assert.Equal("1,2026-04-30,0.00,1087.50,1087.50,100000.00", ScheduleCsv.Row(rows[0]));
        Assert.Equal("4,2027-01-31,100000.00,1087.50,101087.50,0.00", ScheduleCsv.Row(rows[3]));
    }

    [Fact]
    public void Bullet_pays_interest_for_the_actual_days_over_360()
    {
        var rows = ScheduleGenerator.Generate(new LoanTerms(100_000m, 0.0435m, 12, RepaymentMethod.Bullet, January31));

        // 365 days: 100,000 × 0.0435 × 365 / 360 = 4,410.416… → 4,410.42
        Assert.Equal("1,2027-01-31,100000.00,4410.42,104410.42,0.00", Assert.Single(rows) is var row ? ScheduleCsv.Row(row) : "");
    }

    [Theory]
    [InlineData(2026, 1, 31, 1, 2026, 2, 28)]
    [InlineData(2028, 1, 31, 1, 2028, 2, 29)]
    [InlineData(2026, 1, 30, 2, 2026, 3, 30)]
    [InlineData(2026, 8, 31, 1, 2026, 9, 30)]
    [InlineData(2026, 12, 15, 1, 2027, 1, 15)]
    public void Due_dates_fall_on_the_disbursement_day_or_the_month_end(int y, int m, int d, int months, int ey, int em, int ed) =>
        Assert.Equal(new DateOnly(ey, em, ed), DueDates.After(new DateOnly(y, m, d), months));

    [Fact]
    public void Every_schedule_repays_exactly_the_principal()
    {
        var random = new Random(20261123);
        foreach (var method in new[] { RepaymentMethod.EqualInstallment, RepaymentMethod.EqualPrincipal, RepaymentMethod.InterestOnly, RepaymentMethod.Bullet })
        {
            for (var i = 0; i < 500; i++)
            {
                var principal = random.Next(1_000, 5_000_000) + random.Next(0, 100) / 100m;
                var term = method == RepaymentMethod.InterestOnly ? 3 * random.Next(1, 40) : random.Next(1, 361);
                var terms = new LoanTerms(principal, random.Next(0, 2400) / 10_000m, term, method,
                    new DateOnly(2020, 1, 1).AddDays(random.Next(0, 3000)), random.Next(2) == 0 ? InterestFrequency.Monthly : InterestFrequency.Quarterly);

                var rows = ScheduleGenerator.Generate(terms);

                Assert.Equal(principal, rows.Sum(r => r.Principal));
                Assert.Equal(0m, rows[^1].Balance);
                Assert.All(rows, r => Assert.True(r.Principal >= 0m && r.Interest >= 0m && decimal.Round(r.Interest, 2) == r.Interest, $"{terms}: {r}"));
                Assert.Equal(terms.MaturityDate, rows[^1].DueDate);
            }
        }
    }
}
