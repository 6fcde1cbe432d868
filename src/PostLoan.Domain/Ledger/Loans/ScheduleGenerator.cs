using System.Globalization;
using System.Text;
using PostLoan.Domain.Common;

namespace PostLoan.Domain.Ledger.Loans;

/// <summary>One scheduled installment (还款计划期次): amounts due on a date and the principal still owed after it.</summary>
public readonly record struct ScheduledInstallment(int Period, DateOnly DueDate, decimal Principal, decimal Interest, decimal Balance)
{
    public decimal Total => Principal + Interest;
}

/// <summary>
/// Generates repayment schedules (还款计划) exactly as domain.md section 3 states: rounding half away from zero on
/// each installment's interest and principal, never on rates.
/// </summary>
public static class ScheduleGenerator
{
    /// <summary>The schedule of <paramref name="terms"/>; an optional <paramref name="shift"/> moves due dates off holidays.</summary>
    public static IReadOnlyList<ScheduledInstallment> Generate(LoanTerms terms, Func<DateOnly, DateOnly>? shift = null)
    {
        if (terms.Validate() is { } error)
        {
            throw new ArgumentException($"{error.Code}: {error.Message}", nameof(terms));
        }

        var rows = terms.Method switch
        {
            RepaymentMethod.EqualInstallment => EqualInstallment(terms),
            RepaymentMethod.EqualPrincipal => EqualPrincipal(terms),
            RepaymentMethod.InterestOnly => InterestOnly(terms),
            RepaymentMethod.Bullet => Bullet(terms),
            RepaymentMethod.Revolving => Revolving(terms),
        };
        if (shift is not null)
        {
            for (var i = 0; i < rows.Count; i++)
            {
                rows[i] = rows[i] with { DueDate = shift(rows[i].DueDate) };
            }
        }

        return rows;
    }

    /// <summary>等额本息 installment A = round(P·r·(1+r)^n / ((1+r)^n − 1), 2); with a zero rate, P/n.</summary>
    public static decimal AnnuityPayment(decimal principal, decimal monthlyRate, int periods)
    {
        if (monthlyRate == 0)
        {
            return Money.RoundCents(principal / periods);
        }

        var growth = 1m;
        for (var i = 0; i < periods; i++)
        {
            growth *= 1 + monthlyRate;
        }

        return Money.RoundCents(principal * monthlyRate * growth / (growth - 1));
    }

    private static List<ScheduledInstallment> EqualInstallment(LoanTerms terms)
    {
        var r = terms.AnnualRate / 12m;
        var n = terms.TermMonths;
        var payment = AnnuityPayment(terms.Principal, r, n);
        return Amortise(terms.Principal, r, n, 1, terms.DisbursementDate, 0, (_, interest, _) => payment - interest);
    }

    /// <summary>
    /// Amortises <paramref name="balance"/> over <paramref name="periods"/> installments starting at period
    /// <paramref name="firstPeriod"/>; the last period takes the whole remainder. Used by re-amortisation too.
    /// </summary>
    internal static List<ScheduledInstallment> Amortise(
        decimal balance, decimal monthlyRate, int periods, int firstPeriod, DateOnly anchor, int monthsBeforeFirst,
        Func<int, decimal, decimal, decimal> principalOf)
    {
        var rows = new List<ScheduledInstallment>(periods);
        for (var k = 1; k <= periods; k++)
        {
            var interest = Money.RoundCents(balance * monthlyRate);
            var principal = k == periods ? balance : Math.Min(balance, principalOf(k, interest, balance));
            balance -= principal;
            rows.Add(new ScheduledInstallment(firstPeriod + k - 1, DueDates.After(anchor, monthsBeforeFirst + k), principal, interest, balance));
        }

        return rows;
    }

    private static List<ScheduledInstallment> EqualPrincipal(LoanTerms terms)
    {
        var share = Money.RoundCents(terms.Principal / terms.TermMonths);
        return Amortise(terms.Principal, terms.AnnualRate / 12m, terms.TermMonths, 1, terms.DisbursementDate, 0, (_, _, _) => share);
    }

    private static List<ScheduledInstallment> InterestOnly(LoanTerms terms)
    {
        var step = (int)terms.InterestFrequency;
        var periods = terms.TermMonths / step;
        var rate = terms.InterestFrequency == InterestFrequency.Quarterly ? terms.AnnualRate / 4m : terms.AnnualRate / 12m;
        var interest = Money.RoundCents(terms.Principal * rate);
        var rows = new List<ScheduledInstallment>(periods);
        for (var k = 1; k <= periods; k++)
        {
            var principal = k == periods ? terms.Principal : 0m;
            rows.Add(new ScheduledInstallment(k, DueDates.After(terms.DisbursementDate, k * step), principal, interest, terms.Principal - (k == periods ? principal : 0m)));
        }

        return rows;
    }

    private static List<ScheduledInstallment> Bullet(LoanTerms terms)
    {
        var maturity = terms.MaturityDate;
        var days = maturity.DayNumber - terms.DisbursementDate.DayNumber;
        var interest = Money.RoundCents(terms.Principal * terms.AnnualRate * days / 360m);
        return [new ScheduledInstallment(1, maturity, terms.Principal, interest, 0m)];
    }

    /// <summary>
    /// 随借随还 has no fixed interest amounts: the plan lists the monthly interest dates with interest estimated on the
    /// full principal (actual days/360); the servicing account replaces each estimate with the daily accrual.
    /// </summary>
    private static List<ScheduledInstallment> Revolving(LoanTerms terms)
    {
        var rows = new List<ScheduledInstallment>(terms.TermMonths);
        var previous = terms.DisbursementDate;
        for (var k = 1; k <= terms.TermMonths; k++)
        {
            var due = DueDates.After(terms.DisbursementDate, k);
            var interest = Money.RoundCents(terms.Principal * terms.AnnualRate * (due.DayNumber - previous.DayNumber) / 360m);
            var principal = k == terms.TermMonths ? terms.Principal : 0m;
            rows.Add(new ScheduledInstallment(k, due, principal, interest, terms.Principal - (k == terms.TermMonths ? principal : 0m)));
            previous = due;
        }

        return rows;
    }
}

/// <summary>The CSV contract of <c>./postloan schedule</c>: <c>period,due_date,principal,interest,total,balance</c>.</summary>
public static class ScheduleCsv
{
    public const string Header = "period,due_date,principal,interest,total,balance";

    public static string Row(ScheduledInstallment row) => string.Create(CultureInfo.InvariantCulture,
        $"{row.Period},{row.DueDate:yyyy-MM-dd},{row.Principal:0.00},{row.Interest:0.00},{row.Total:0.00},{row.Balance:0.00}");

    public static string Write(IEnumerable<ScheduledInstallment> rows)
    {
        var text = new StringBuilder(Header).Append('\n');
        foreach (var row in rows)
        {
            text.Append(Row(row)).Append('\n');
        }

        return text.ToString();
    }
}
