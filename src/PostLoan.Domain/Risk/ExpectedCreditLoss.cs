using PostLoan.Domain.Common;
using PostLoan.Domain.Ledger.Loans;

namespace PostLoan.Domain.Risk;

/// <summary>A macro-economic scenario (情景) of the ECL: its probability weight and the multiplier it applies to PD.</summary>
public sealed class EclScenario
{
    /// <summary>base, upside or downside (or any code an analyst adds).</summary>
    public required string Code { get; set; }

    public required string Name { get; set; }

    /// <summary>Probability weight; the weights of all scenarios sum to 1.</summary>
    public decimal Weight { get; set; }

    /// <summary>Multiplier on cumulative PD (capped at 1).</summary>
    public decimal PdMultiplier { get; set; } = 1m;

    public int Order { get; set; }
}

/// <summary>
/// One row of the LGD table (违约损失率): for loans whose security is <see cref="Security"/> (<c>Credit</c>,
/// <c>Guarantee</c>, or a collateral type such as <c>RealEstate</c>) and whose collateral coverage is at least
/// <see cref="MinCoverage"/>, LGD is <see cref="Lgd"/>. The row with the highest MinCoverage not above the coverage wins.
/// </summary>
public sealed class LgdRule
{
    public int Id { get; set; }

    public required string Security { get; set; }

    public decimal MinCoverage { get; set; }

    public decimal Lgd { get; set; }
}

/// <summary>An analyst's 12-month PD for a segment (PD 覆盖): wins over the measured matrix. Null product: every product.</summary>
public sealed class PdOverride
{
    public int Id { get; set; }

    public int? ProductId { get; set; }

    public DpdBucket Bucket { get; set; }

    public decimal Pd12Month { get; set; }

    public string? Note { get; set; }
}

/// <summary>Where a loan's PD came from.</summary>
public enum PdSource
{
    /// <summary>The product's own migration matrix.</summary>
    ProductMatrix = 1,
    /// <summary>The whole book's matrix (the product's row had too few observations).</summary>
    BookMatrix = 2,
    /// <summary>The override table.</summary>
    Override = 3,
    /// <summary>The configured fallback PD (no history yet).</summary>
    Fallback = 4,
    /// <summary>Stage 3: PD = 1.</summary>
    Defaulted = 5,
}

/// <summary>Why a loan is in its IFRS 9 stage (a bit set, stored as an integer).</summary>
[Flags]
public enum StageReasons
{
    None = 0,
    DpdOver90 = 1,
    NonPerforming = 2,
    DpdOver30 = 4,
    /// <summary>关注 for a reason other than days past due (restructuring, a person's downgrade, contagion…).</summary>
    SpecialMentionBeyondDpd = 8,
    /// <summary>A verified red warning signal or a rating 3+ notches down.</summary>
    SignificantIncrease = 16,
}

/// <summary>A cumulative PD curve: element t is the probability of default within t months (element 0 is 0).</summary>
public readonly record struct PdCurve(double[] Cumulative, PdSource Source)
{
    /// <summary>From a matrix whose last state is an absorbing default, starting in state <paramref name="from"/>.</summary>
    public static PdCurve FromMatrix(TransitionMatrix matrix, int from, int months, PdSource source) =>
        new(matrix.Path(from, matrix.Size - 1, months), source);

    /// <summary>From a 12-month PD with a constant monthly hazard h = 1 − (1 − PD12)^(1/12): PD(t) = 1 − (1 − h)^t.</summary>
    public static PdCurve FromTwelveMonth(double pd12, int months, PdSource source)
    {
        var survival = Math.Pow(1d - Math.Clamp(pd12, 0d, 1d), 1d / 12d);
        var curve = new double[months + 1];
        for (var t = 1; t <= months; t++)
        {
            curve[t] = 1d - Math.Pow(survival, t);
        }

        return new PdCurve(curve, source);
    }

    /// <summary>PD within <paramref name="months"/> months (the curve's end when it is shorter).</summary>
    public double Within(int months) => Cumulative[Math.Min(months, Cumulative.Length - 1)];
}

/// <summary>What the month-end ECL of one loan is computed from.</summary>
/// <param name="Stage">IFRS 9 stage.</param>
/// <param name="Method">Repayment method (drives the projected amortisation).</param>
/// <param name="Principal">Outstanding principal (drawn balance).</param>
/// <param name="OverduePrincipal">Principal already due and unpaid (stays outstanding in the projection).</param>
/// <param name="AccruedInterest">Interest receivable: due unpaid plus accrued on principal not yet due.</param>
/// <param name="Undrawn">Undrawn limit of a revolving line (0 otherwise).</param>
/// <param name="AnnualRate">Contract rate, also the discount rate (effective rate of a loan without fees).</param>
/// <param name="RemainingMonths">Months to maturity, at least 1.</param>
/// <param name="Lgd">Loss given default.</param>
public readonly record struct EclInput(
    Ifrs9Stage Stage, RepaymentMethod Method, decimal Principal, decimal OverduePrincipal, decimal AccruedInterest, decimal Undrawn,
    decimal AnnualRate, int RemainingMonths, decimal Lgd);

/// <summary>The ECL of one loan: exposure, the PDs used, and the amount per scenario and weighted.</summary>
public readonly record struct EclOutcome(decimal Ead, double Pd12Month, double PdLifetime, int Horizon, decimal[] ByScenario, decimal Ecl);

/// <summary>
/// IFRS 9 expected credit loss (预期信用损失), domain.md section 4 and docs/risk.md:
/// <code>
/// EAD₁ = principal + accrued interest + CCF × undrawn;  EADₜ (t ≥ 2) = projected principal at the start of month t (+ CCF × undrawn)
/// ECLₛ = LGD × Σₜ₌₁..H (PDₛ(t) − PDₛ(t−1)) × EADₜ × (1 + r/12)^(−t),   PDₛ(t) = min(1, mₛ × PD(t))
/// ECL  = Σₛ wₛ × ECLₛ, rounded to the cent; H = min(12, remaining months) in stage 1, the remaining months in stage 2
/// stage 3: ECL = LGD × EAD₁ (PD = 1, already defaulted, not discounted)
/// </code>
/// Arithmetic is in double (a model estimate, not a posting); only the results are rounded to cents.
/// </summary>
public static class EclCalculator
{
    /// <summary>Months of the stage-1 horizon.</summary>
    public const int TwelveMonths = 12;

    /// <summary>Computes the ECL of one loan; <paramref name="exposure"/> is scratch space of at least RemainingMonths.</summary>
    public static EclOutcome Compute(in EclInput input, PdCurve curve, ReadOnlySpan<EclScenario> scenarios, decimal ccf, Span<double> exposure)
    {
        var undrawn = (double)(ccf * input.Undrawn);
        var ead1 = input.Principal + input.AccruedInterest + Money.RoundCents(ccf * input.Undrawn);
        var lgd = (double)input.Lgd;
        var byScenario = new decimal[scenarios.Length];
        if (input.Stage == Ifrs9Stage.Stage3)
        {
            var loss = Money.RoundCents(input.Lgd * ead1);
            Array.Fill(byScenario, loss);
            return new EclOutcome(ead1, 1d, 1d, 0, byScenario, loss);
        }

        var remaining = Math.Max(1, input.RemainingMonths);
        var horizon = input.Stage == Ifrs9Stage.Stage1 ? Math.Min(TwelveMonths, remaining) : remaining;
        var ead = exposure[..horizon];
        ProjectPrincipal(input.Method, (double)(input.Principal - input.OverduePrincipal), (double)input.AnnualRate, remaining, ead);
        var overdue = (double)input.OverduePrincipal;
        for (var t = 1; t < horizon; t++)
        {
            ead[t] += overdue + undrawn;
        }

        ead[0] = (double)ead1;
        var monthly = 1d + (double)input.AnnualRate / 12d;
        var weighted = 0m;
        for (var s = 0; s < scenarios.Length; s++)
        {
            var m = (double)scenarios[s].PdMultiplier;
            var previous = 0d;
            var discount = 1d;
            var sum = 0d;
            for (var t = 1; t <= horizon; t++)
            {
                discount /= monthly;
                var cumulative = Math.Min(1d, m * curve.Within(t));
                sum += (cumulative - previous) * ead[t - 1] * discount;
                previous = cumulative;
            }

            var amount = (decimal)(lgd * sum);
            byScenario[s] = Money.RoundCents(amount);
            weighted += scenarios[s].Weight * amount;
        }

        return new EclOutcome(ead1, curve.Within(TwelveMonths), curve.Within(remaining), horizon, byScenario, Money.RoundCents(weighted));
    }

    /// <summary>
    /// Principal not yet due at the start of each month 1…n of the remaining schedule (element t−1 for month t), after
    /// t−1 installments: equal installments amortise as an annuity at r/12, equal principal linearly, the others
    /// (interest-only, bullet, revolving) repay at maturity.
    /// </summary>
    public static void ProjectPrincipal(RepaymentMethod method, double principalNotDue, double annualRate, int remaining, Span<double> startOfMonth)
    {
        var i = annualRate / 12d;
        var growth = 1d + i;
        var total = method == RepaymentMethod.EqualInstallment && i > 0d ? Math.Pow(growth, remaining) : 0d;
        var compounded = 1d;
        for (var t = 0; t < startOfMonth.Length; t++)
        {
            startOfMonth[t] = method switch
            {
                RepaymentMethod.EqualInstallment when i > 0d => principalNotDue * (total - compounded) / (total - 1d),
                RepaymentMethod.EqualInstallment or RepaymentMethod.EqualPrincipal => principalNotDue * (1d - (double)t / remaining),
                _ => principalNotDue,
            };
            compounded *= growth;
        }
    }

    /// <summary>Whole months from <paramref name="asOf"/> to <paramref name="maturity"/>, a started month counting as one; at least 1.</summary>
    public static int RemainingMonths(DateOnly asOf, DateOnly maturity)
    {
        var months = (maturity.Year - asOf.Year) * 12 + maturity.Month - asOf.Month;
        if (maturity.Day > asOf.Day)
        {
            months++;
        }

        return Math.Max(1, months);
    }

    /// <summary>Why the loan is in its stage (domain.md section 4).</summary>
    public static StageReasons Reasons(int daysPastDue, FiveLevelCategory category, bool significantIncrease)
    {
        var reasons = StageReasons.None;
        if (daysPastDue > 90)
        {
            reasons |= StageReasons.DpdOver90;
        }

        if (DelinquencyRules.IsNonPerforming(category))
        {
            reasons |= StageReasons.NonPerforming;
        }

        if (daysPastDue > 30)
        {
            reasons |= StageReasons.DpdOver30;
        }

        if (category == FiveLevelCategory.SpecialMention && category > DelinquencyRules.CategoryFloor(daysPastDue))
        {
            reasons |= StageReasons.SpecialMentionBeyondDpd;
        }

        if (significantIncrease)
        {
            reasons |= StageReasons.SignificantIncrease;
        }

        return reasons;
    }

    /// <summary>LGD from the table: the rule for the security with the highest minimum coverage not above the coverage; Credit rules when none match.</summary>
    public static decimal Lgd(IReadOnlyList<LgdRule> rules, string security, decimal coverage)
    {
        LgdRule? best = null;
        foreach (var rule in rules)
        {
            if (string.Equals(rule.Security, security, StringComparison.Ordinal) && rule.MinCoverage <= coverage && (best is null || rule.MinCoverage > best.MinCoverage))
            {
                best = rule;
            }
        }

        return best?.Lgd ?? (security == CreditSecurity ? DefaultUnsecuredLgd : Lgd(rules, CreditSecurity, 0m));
    }

    /// <summary>Security key of an unsecured loan.</summary>
    public const string CreditSecurity = "Credit";

    /// <summary>Security key of a loan backed by guarantees only.</summary>
    public const string GuaranteeSecurity = "Guarantee";

    /// <summary>LGD of a senior unsecured claim when the table has no Credit row (Basel foundation IRB 45%).</summary>
    public const decimal DefaultUnsecuredLgd = 0.45m;

    /// <summary>Checks that weights are non-negative, sum to 1 and multipliers are positive; null when they do.</summary>
    public static Error? Validate(IReadOnlyCollection<EclScenario> scenarios)
    {
        if (scenarios.Count == 0)
        {
            return Error.Validation("scenarios", "at least one scenario is required");
        }

        if (scenarios.FirstOrDefault(s => s.Weight < 0m || s.PdMultiplier <= 0m) is { } bad)
        {
            return Error.Validation("scenarios", $"scenario {bad.Code}: weight must be ≥ 0 and PD multiplier > 0");
        }

        var sum = scenarios.Sum(s => s.Weight);
        return sum == 1m ? null : Error.Validation("scenarios", $"weights must sum to 1 (they sum to {sum})");
    }
}

/// <summary>State of a month-end ECL run.</summary>
public enum EclRunState
{
    Running = 1,
    Completed = 2,
}

/// <summary>A month-end ECL run (减值计提批次): the as-of date, its parameters and totals. Rerunning a month replaces it.</summary>
public sealed class EclRun
{
    /// <summary>Month as yyyy-MM.</summary>
    public required string Month { get; set; }

    /// <summary>The closed business date the run read (the month's last day).</summary>
    public DateOnly AsOf { get; set; }

    public EclRunState State { get; set; }

    public long Loans { get; set; }

    public decimal Exposure { get; set; }

    public decimal Ecl { get; set; }

    public decimal EclStage1 { get; set; }

    public decimal EclStage2 { get; set; }

    public decimal EclStage3 { get; set; }

    /// <summary>Parameters and calibrated matrices used, as JSON, so the run can be explained later.</summary>
    public string? Parameters { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    public string? StartedBy { get; set; }

    public double Seconds { get; set; }
}

/// <summary>One loan's month-end ECL (<c>ecl_results</c>) with everything needed to explain it.</summary>
public sealed class EclResult
{
    public required string Month { get; set; }

    public long LoanId { get; set; }

    public int CustomerId { get; set; }

    public int OrganisationId { get; set; }

    public string OrganisationPath { get; set; } = "/";

    public string? AccountManagerId { get; set; }

    public int ProductId { get; set; }

    public FiveLevelCategory Category { get; set; }

    public Ifrs9Stage Stage { get; set; }

    public StageReasons StageReasons { get; set; }

    public int DaysPastDue { get; set; }

    public DpdBucket Bucket { get; set; }

    public PdSource PdSource { get; set; }

    public double Pd12Month { get; set; }

    public double PdLifetime { get; set; }

    public string Security { get; set; } = EclCalculator.CreditSecurity;

    public decimal Coverage { get; set; }

    public decimal Lgd { get; set; }

    public decimal Principal { get; set; }

    public decimal Ead { get; set; }

    public int RemainingMonths { get; set; }

    public int Horizon { get; set; }

    public decimal DiscountRate { get; set; }

    public decimal EclBase { get; set; }

    public decimal EclUpside { get; set; }

    public decimal EclDownside { get; set; }

    public decimal Ecl { get; set; }
}
