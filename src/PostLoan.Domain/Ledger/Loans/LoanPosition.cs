using PostLoan.Domain.Common;
using PostLoan.Domain.Risk;

namespace PostLoan.Domain.Ledger.Loans;

/// <summary>Servicing status of a loan (贷款状态).</summary>
public enum LoanStatus
{
    Normal = 1,
    Overdue = 2,
    /// <summary>展期</summary>
    Extended = 3,
    /// <summary>重组</summary>
    Restructured = 4,
    /// <summary>结清</summary>
    Settled = 5,
    /// <summary>核销</summary>
    WrittenOff = 6,
}

/// <summary>
/// The position of one loan at the end of a closed business date: what the nightly close (日终) reads and writes.
/// A flat mutable struct so the close runs over arrays of them without allocation. Amounts in yuan; penalty and
/// compound interest accrue at full precision and are charged rounded to cents.
/// </summary>
public struct LoanPosition
{
    public long LoanId;
    public decimal AnnualRate;
    /// <summary>Penalty markup over the contract rate (罚息上浮), 0.5 = 50%.</summary>
    public decimal PenaltyMarkup;
    /// <summary>Grace days (宽限期): penalty is waived when arrears are cleared within them; DPD still counts.</summary>
    public int GraceDays;
    public bool Revolving;
    /// <summary>The last business date this position has been closed for.</summary>
    public DateOnly ClosedThrough;
    /// <summary>The business date whose start (penalty accrual, installment falling due) has been applied.</summary>
    public DateOnly StartedThrough;
    public LoanStatus Status;

    /// <summary>All unpaid principal (贷款余额).</summary>
    public decimal PrincipalOutstanding;
    /// <summary>Unpaid principal of installments not yet due.</summary>
    public decimal PrincipalNotDue;
    /// <summary>Unpaid principal of installments due on or before the business date.</summary>
    public decimal DuePrincipal;
    /// <summary>Unpaid interest of installments due on or before the business date.</summary>
    public decimal DueInterest;
    /// <summary>The part of <see cref="DuePrincipal"/> and <see cref="DueInterest"/> falling due on the business date itself.</summary>
    public decimal DueTodayPrincipal;
    public decimal DueTodayInterest;
    /// <summary>Due date of the oldest installment with unpaid principal or interest; <see cref="DateOnly.MinValue"/> when none.</summary>
    public DateOnly OldestUnpaidDue;
    /// <summary>The last due date on or before the business date, or the disbursement date: broken-period interest runs from it.</summary>
    public DateOnly LastDueDate;

    /// <summary>The next installment not yet due; period 0 when none is left.</summary>
    public int NextPeriod;
    public DateOnly NextDueDate;
    public decimal NextPrincipal;
    public decimal NextInterest;

    /// <summary>Penalty interest (罚息) charged, full precision.</summary>
    public decimal PenaltyAccrued;
    /// <summary>Compound interest (复利) charged, full precision.</summary>
    public decimal CompoundAccrued;
    /// <summary>Penalty accrued inside the grace period, waived if the arrears are cleared within it.</summary>
    public decimal PenaltyPending;
    public decimal CompoundPending;
    public decimal PenaltyPaid;
    public decimal CompoundPaid;
    /// <summary>Interest accrued on principal not yet due since <see cref="LastDueDate"/>, in cents (应计利息).</summary>
    public decimal InterestAccrued;
    /// <summary>Revolving lines: interest accrued day by day at full precision since the last interest date.</summary>
    public decimal RevolvingInterestExact;
    /// <summary>Interest receivable as booked in the journal (due interest plus accrued interest).</summary>
    public decimal InterestBooked;
    /// <summary>Penalty and compound interest receivable as booked in the journal.</summary>
    public decimal ChargesBooked;
    /// <summary>What the last daily close booked (kept so an administrator can reopen the date).</summary>
    public decimal LastInterestAccrual;
    public decimal LastChargesAccrual;

    public int DaysPastDue;
    public FiveLevelCategory Category;
    public Ifrs9Stage Stage;

    /// <summary>Penalty interest charged and unpaid, in cents.</summary>
    public readonly decimal PenaltyUnpaid => Money.RoundCents(PenaltyAccrued) - PenaltyPaid;
    /// <summary>Compound interest charged and unpaid, in cents.</summary>
    public readonly decimal CompoundUnpaid => Money.RoundCents(CompoundAccrued) - CompoundPaid;
    /// <summary>Principal of installments due strictly before the business date and still unpaid (逾期本金).</summary>
    public readonly decimal OverduePrincipal => DuePrincipal - DueTodayPrincipal;
    /// <summary>Interest of installments due strictly before the business date and still unpaid (欠息).</summary>
    public readonly decimal OverdueInterest => DueInterest - DueTodayInterest;
    public readonly bool IsClosedOut => Status is LoanStatus.Settled or LoanStatus.WrittenOff;

    /// <summary>Broken-period interest on the principal not yet due, from <see cref="LastDueDate"/> to <paramref name="date"/>.</summary>
    public readonly decimal BrokenPeriodInterest(DateOnly date) => Revolving
        ? Money.RoundCents(RevolvingInterestExact)
        : Money.RoundCents(PrincipalNotDue * AnnualRate / 360m * (date.DayNumber - LastDueDate.DayNumber));

    /// <summary>
    /// What settles the loan on <paramref name="date"/> (the open business date): all unpaid principal, unpaid interest of
    /// installments due on or before it, unpaid penalty and compound interest, and broken-period interest.
    /// </summary>
    public readonly decimal PayoffAmount(DateOnly date) =>
        PrincipalOutstanding + DueInterest + PenaltyUnpaid + CompoundUnpaid + BrokenPeriodInterest(date);
}

/// <summary>The following installment handed to the close when the next one falls due (period 0: none left).</summary>
public readonly record struct UpcomingInstallment(int Period, DateOnly DueDate, decimal Principal, decimal Interest)
{
    public static readonly UpcomingInstallment None = new(0, DateOnly.MaxValue, 0m, 0m);
}

/// <summary>What one loan's close of one day booked: interest accrued and penalty plus compound interest charged (negative: reversed).</summary>
public readonly record struct CloseEffects(decimal InterestAccrual, decimal ChargesAccrual);

/// <summary>
/// The daily close of one loan (日终处理), split in the two halves around the day's payments:
/// <see cref="StartDay"/> accrues the day's penalty and compound interest on amounts already overdue and lets the
/// installment due that day fall due; payments of the day are posted next; <see cref="EndDay"/> accrues interest,
/// settles the grace period, and derives days past due, the category floor and the IFRS 9 stage.
/// </summary>
public static class DailyCloseKernel
{
    /// <summary>Applies the start of <paramref name="date"/>; <paramref name="following"/> is read only when an installment falls due.</summary>
    public static void StartDay(ref LoanPosition p, DateOnly date, in UpcomingInstallment following)
    {
        if (p.StartedThrough >= date)
        {
            return;
        }

        if (date.DayNumber != p.ClosedThrough.DayNumber + 1)
        {
            throw new InvalidOperationException($"loan {p.LoanId}: {date:yyyy-MM-dd} cannot start after {p.ClosedThrough:yyyy-MM-dd}");
        }

        p.StartedThrough = date;
        p.DueTodayPrincipal = 0m;
        p.DueTodayInterest = 0m;
        if (p.IsClosedOut)
        {
            return;
        }

        if (p.Revolving && date > p.LastDueDate)
        {
            // Interest of the previous day on that day's closing principal (随借随还: daily on the outstanding balance).
            p.RevolvingInterestExact += p.PrincipalNotDue * p.AnnualRate / 360m;
        }

        if (p.DuePrincipal > 0m || p.DueInterest > 0m)
        {
            var dailyRate = p.AnnualRate * (1m + p.PenaltyMarkup) / 360m;
            var penalty = p.DuePrincipal * dailyRate;
            var compound = p.DueInterest * dailyRate;
            if (date.DayNumber - p.OldestUnpaidDue.DayNumber <= p.GraceDays)
            {
                p.PenaltyPending += penalty;
                p.CompoundPending += compound;
            }
            else
            {
                p.PenaltyAccrued += p.PenaltyPending + penalty;
                p.CompoundAccrued += p.CompoundPending + compound;
                p.PenaltyPending = 0m;
                p.CompoundPending = 0m;
            }
        }

        if (p.NextPeriod != 0 && p.NextDueDate == date)
        {
            if (p.Revolving)
            {
                p.NextInterest = Money.RoundCents(p.RevolvingInterestExact);
                p.RevolvingInterestExact = 0m;
                if (following.Period == 0)
                {
                    p.NextPrincipal = p.PrincipalNotDue;
                }
            }

            p.DuePrincipal += p.NextPrincipal;
            p.DueInterest += p.NextInterest;
            p.DueTodayPrincipal = p.NextPrincipal;
            p.DueTodayInterest = p.NextInterest;
            p.PrincipalNotDue -= p.NextPrincipal;
            if (p.NextPrincipal + p.NextInterest > 0m && p.OldestUnpaidDue == DateOnly.MinValue)
            {
                p.OldestUnpaidDue = date;
            }

            p.LastDueDate = date;
            p.InterestAccrued = 0m;
            p.NextPeriod = following.Period;
            p.NextDueDate = following.DueDate;
            p.NextPrincipal = following.Principal;
            p.NextInterest = following.Interest;
        }
    }

    /// <summary>Closes <paramref name="date"/> after its payments; returns what it booked for the journal.</summary>
    public static CloseEffects EndDay(ref LoanPosition p, DateOnly date)
    {
        if (p.StartedThrough != date || p.ClosedThrough >= date)
        {
            throw new InvalidOperationException($"loan {p.LoanId}: {date:yyyy-MM-dd} is not the open business date");
        }

        p.ClosedThrough = date;
        p.LastInterestAccrual = 0m;
        p.LastChargesAccrual = 0m;
        if (p.IsClosedOut)
        {
            return default;
        }

        if (p.DuePrincipal == 0m && p.DueInterest == 0m)
        {
            // Arrears cleared inside the grace period: the pending penalty is waived (宽限期内免罚息).
            p.PenaltyPending = 0m;
            p.CompoundPending = 0m;
            p.OldestUnpaidDue = DateOnly.MinValue;
        }

        p.InterestAccrued = p.BrokenPeriodInterest(date);
        p.DaysPastDue = p.OldestUnpaidDue == DateOnly.MinValue ? 0 : date.DayNumber - p.OldestUnpaidDue.DayNumber;
        var floor = DelinquencyRules.CategoryFloor(p.DaysPastDue);
        if (p.Status == LoanStatus.Restructured && floor < FiveLevelCategory.SpecialMention)
        {
            // domain.md section 4: a restructured loan is at least 关注 (and so IFRS 9 stage 2, 关注 not by DPD).
            floor = FiveLevelCategory.SpecialMention;
        }

        p.Category = floor;
        p.Stage = DelinquencyRules.Stage(p.DaysPastDue, floor);
        if (p.PrincipalOutstanding == 0m && p.DueInterest == 0m && p.PenaltyUnpaid <= 0m && p.CompoundUnpaid <= 0m)
        {
            p.Status = LoanStatus.Settled;
            p.InterestAccrued = 0m;
        }
        else if (p.Status is LoanStatus.Normal or LoanStatus.Overdue)
        {
            p.Status = p.DaysPastDue > 0 ? LoanStatus.Overdue : LoanStatus.Normal;
        }

        // Journal by difference: what is receivable now less what is booked (借 应收利息 / 贷 利息收入, 罚息 likewise).
        var interestReceivable = p.DueInterest + p.InterestAccrued;
        var chargesReceivable = p.PenaltyUnpaid + p.CompoundUnpaid;
        var effects = new CloseEffects(interestReceivable - p.InterestBooked, chargesReceivable - p.ChargesBooked);
        p.InterestBooked = interestReceivable;
        p.ChargesBooked = chargesReceivable;
        p.LastInterestAccrual = effects.InterestAccrual;
        p.LastChargesAccrual = effects.ChargesAccrual;
        return effects;
    }

    /// <summary>Starts and ends <paramref name="date"/> with no payment in between.</summary>
    public static CloseEffects CloseDay(ref LoanPosition p, DateOnly date, in UpcomingInstallment following)
    {
        StartDay(ref p, date, following);
        return EndDay(ref p, date);
    }
}
