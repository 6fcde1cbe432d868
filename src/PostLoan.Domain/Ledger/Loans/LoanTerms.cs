using PostLoan.Domain.Common;

namespace PostLoan.Domain.Ledger.Loans;

/// <summary>
/// The contractual terms a schedule is generated from (借款合同要素): principal in yuan, annual rate as a fraction
/// (0.0435 = 4.35%), term in months, method and disbursement date.
/// </summary>
public sealed record LoanTerms(
    decimal Principal,
    decimal AnnualRate,
    int TermMonths,
    RepaymentMethod Method,
    DateOnly DisbursementDate,
    InterestFrequency InterestFrequency = InterestFrequency.Monthly)
{
    /// <summary>The final due date: the term's months after disbursement, on the disbursement day (or month end).</summary>
    public DateOnly MaturityDate => DueDates.After(DisbursementDate, TermMonths);

    /// <summary>Checks the terms; the error names the field and the reason.</summary>
    public Error? Validate()
    {
        if (Principal <= 0 || Principal != Money.RoundCents(Principal))
        {
            return Error.Validation("principal", "must be a positive amount with at most 2 decimals");
        }

        if (AnnualRate < 0 || AnnualRate > 1)
        {
            return Error.Validation("annualRate", "must be a fraction between 0 and 1 (0.0435 for 4.35%)");
        }

        if (TermMonths is < 1 or > 600)
        {
            return Error.Validation("termMonths", "must be between 1 and 600 months");
        }

        if (Method == RepaymentMethod.InterestOnly && InterestFrequency == InterestFrequency.Quarterly && TermMonths % 3 != 0)
        {
            return Error.Validation("termMonths", "must be a multiple of 3 for quarterly interest");
        }

        return null;
    }
}

/// <summary>Due-date arithmetic of domain.md: period k falls k months after disbursement, on its day or the month end.</summary>
public static class DueDates
{
    /// <summary>The date <paramref name="months"/> months after <paramref name="start"/>, clamped to the month's last day.</summary>
    public static DateOnly After(DateOnly start, int months)
    {
        var first = new DateOnly(start.Year, start.Month, 1).AddMonths(months);
        var day = Math.Min(start.Day, DateTime.DaysInMonth(first.Year, first.Month));
        return new DateOnly(first.Year, first.Month, day);
    }
}
