using PostLoan.Domain.Common;
using PostLoan.Domain.Risk;

namespace PostLoan.Domain.Ledger.Loans;

/// <summary>A payment in a simulation scenario.</summary>
public readonly record struct ScenarioPayment(DateOnly Date, decimal Amount);

/// <summary>The state of a simulated loan on its as-of date, as <c>./postloan simulate</c> prints it.</summary>
public sealed record SimulationResult(
    DateOnly AsOf,
    int DaysPastDue,
    FiveLevelCategory Category,
    Ifrs9Stage Stage,
    decimal OutstandingPrincipal,
    decimal OverduePrincipal,
    decimal OverdueInterest,
    decimal PenaltyInterest,
    decimal CompoundInterest,
    decimal PayoffAmount);

/// <summary>Runs one loan through every daily close from disbursement to an as-of date, with payments on their dates.</summary>
public static class LoanSimulator
{
    public static Result<SimulationResult> Run(LoanTerms terms, ServicingRules rules, IEnumerable<ScenarioPayment> payments, DateOnly asOf)
    {
        if (terms.Validate() is { } invalid)
        {
            return Error.Validation("loan." + invalid.Code, invalid.Message);
        }

        if (rules.PenaltyMarkup is < 0m or > 10m)
        {
            return Error.Validation("loan.penaltyMarkup", "must be a fraction such as 0.5 for 50%");
        }

        if (rules.GraceDays is < 0 or > 365)
        {
            return Error.Validation("loan.graceDays", "must be between 0 and 365");
        }

        if (terms.DisbursementDate.Year is < 1900 or > 2999)
        {
            return Error.Validation("loan.disbursementDate", "must be a date between 1900 and 2999");
        }

        if (asOf.DayNumber - terms.MaturityDate.DayNumber > 100 * 366)
        {
            return Error.Validation("asOf", $"{asOf:yyyy-MM-dd} is more than 100 years after the maturity date {terms.MaturityDate:yyyy-MM-dd}");
        }

        if (asOf < terms.DisbursementDate)
        {
            return Error.Validation("asOf", $"{asOf:yyyy-MM-dd} is before the disbursement date {terms.DisbursementDate:yyyy-MM-dd}");
        }

        var ordered = payments.Select((p, index) => (p, index)).OrderBy(x => x.p.Date).ThenBy(x => x.index).ToList();
        foreach (var (payment, index) in ordered)
        {
            if (payment.Date < terms.DisbursementDate || payment.Date > asOf)
            {
                return Error.Validation($"payments[{index}].date", $"{payment.Date:yyyy-MM-dd} is outside {terms.DisbursementDate:yyyy-MM-dd}..{asOf:yyyy-MM-dd}");
            }
        }

        var account = LoanAccount.Open(1, terms, rules);
        var next = 0;
        for (var day = terms.DisbursementDate; day <= asOf; day = day.AddDays(1))
        {
            for (; next < ordered.Count && ordered[next].p.Date == day; next++)
            {
                var paid = account.Pay(day, ordered[next].p.Amount);
                if (!paid.IsSuccess)
                {
                    return Error.Validation($"payments[{ordered[next].index}].{paid.Error!.Code}", paid.Error.Message);
                }
            }

            account.CloseDay(day);
        }

        var p = account.Position;
        return new SimulationResult(asOf, p.DaysPastDue, p.Category, p.Stage, p.PrincipalOutstanding, p.OverduePrincipal,
            p.OverdueInterest, p.PenaltyUnpaid, p.CompoundUnpaid, p.PayoffAmount(asOf));
    }
}
