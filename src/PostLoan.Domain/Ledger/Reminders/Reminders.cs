using PostLoan.Domain.Ledger.Calendar;

namespace PostLoan.Domain.Ledger.Reminders;

/// <summary>The notices of domain.md §3 (还款提醒).</summary>
public enum NoticeKind
{
    /// <summary>还款提醒: an installment falls due in <see cref="ReminderSettings.DueReminderDays"/> days.</summary>
    DueReminder = 1,

    /// <summary>到期通知: the loan matures in <see cref="ReminderSettings.MaturityNoticeMonths"/> month(s).</summary>
    MaturityNotice = 2,

    /// <summary>付息提醒: an interest-only installment falls due in <see cref="ReminderSettings.InterestReminderWorkingDays"/> working days.</summary>
    InterestReminder = 3,

    /// <summary>催收通知书: to the borrower after a missed installment (interest) or a missed maturity.</summary>
    OverdueNotice = 4,

    /// <summary>履行担保责任通知书: to each guarantor after a missed installment (interest) or a missed maturity.</summary>
    GuaranteeNotice = 5,
}

/// <summary>Who a notice is addressed to.</summary>
public enum NoticeRecipient
{
    Borrower = 1,
    Guarantor = 2,
}

/// <summary>Where a notice is in its delivery.</summary>
public enum NoticeState
{
    /// <summary>Issued by the close, not yet delivered.</summary>
    Pending = 1,

    /// <summary>Delivered (recorded by a person or a channel).</summary>
    Sent = 2,

    /// <summary>No longer needed (the installment was paid before delivery).</summary>
    Cancelled = 3,
}

/// <summary>The reminder parameters (defaults from domain.md §3; each is a system parameter).</summary>
/// <param name="DueReminderDays">Calendar days before a due date for the due reminder (10).</param>
/// <param name="MaturityNoticeMonths">Months before the final due date for the maturity notice (1).</param>
/// <param name="InterestReminderWorkingDays">Working days before an interest date for the interest reminder (10).</param>
/// <param name="MissedMaturityWorkingDays">Working days after a missed maturity within which the overdue and guarantee notices go out (10).</param>
/// <param name="MissedInterestWorkingDays">Working days after a missed installment (interest) within which they go out (5).</param>
public sealed record ReminderSettings(
    int DueReminderDays = 10,
    int MaturityNoticeMonths = 1,
    int InterestReminderWorkingDays = 10,
    int MissedMaturityWorkingDays = 10,
    int MissedInterestWorkingDays = 5);

/// <summary>One installment as the reminder planner sees it.</summary>
/// <param name="DueDate">The installment's due date.</param>
/// <param name="IsFinal">True for the last installment (the maturity).</param>
/// <param name="Principal">Principal due in the installment.</param>
/// <param name="Interest">Interest due in the installment.</param>
/// <param name="Unpaid">What is still unpaid of it (principal and interest); nothing is issued for a paid installment.</param>
public readonly record struct ReminderInstallment(DateOnly DueDate, bool IsFinal, decimal Principal, decimal Interest, decimal Unpaid)
{
    /// <summary>An installment with interest and no principal (付息日 of an interest-only loan).</summary>
    public bool IsInterestOnly => Principal == 0 && Interest > 0;
}

/// <summary>A notice the close issues on a business date for one installment.</summary>
/// <param name="Kind">The notice.</param>
/// <param name="Recipient">Borrower or guarantors (one guarantee notice per active guarantee).</param>
/// <param name="Deadline">The date by which it must be delivered.</param>
public readonly record struct PlannedNotice(NoticeKind Kind, NoticeRecipient Recipient, DateOnly Deadline);

/// <summary>
/// Decides which notices of domain.md §3 a business date issues. Reminders before a due date are issued on exactly one
/// date (the close runs every date in order), so they are never issued twice; notices after a missed date are issued
/// by the first close after it and must be delivered by their deadline.
/// </summary>
public sealed class ReminderPlanner(ReminderSettings settings, WorkingDays calendar)
{
    /// <summary>How far ahead of the business date a reminder's due date can be (one month plus a long holiday).</summary>
    public const int LookAheadDays = 45;

    /// <summary>
    /// How long after a due date a missed installment still gets its notices (after this a close that was switched on
    /// late does not issue notices for long-gone dates; collections take over).
    /// </summary>
    public const int MissedLookBackDays = 31;

    /// <summary>The due dates whose before-due reminders (any kind) are issued on <paramref name="date"/>.</summary>
    public IReadOnlyList<DateOnly> ReminderDueDates(DateOnly date)
    {
        var dates = new List<DateOnly>();
        for (var due = date.AddDays(1); due <= date.AddDays(LookAheadDays); due = due.AddDays(1))
        {
            if (IsDueReminderDate(due, date) || IsMaturityNoticeDate(due, date) || IsInterestReminderDate(due, date))
            {
                dates.Add(due);
            }
        }

        return dates;
    }

    /// <summary>The notices <paramref name="date"/> issues for <paramref name="installment"/> before its due date.</summary>
    public IEnumerable<PlannedNotice> BeforeDue(DateOnly date, ReminderInstallment installment)
    {
        if (installment.Unpaid <= 0 || installment.DueDate <= date)
        {
            yield break;
        }

        if (installment.IsInterestOnly)
        {
            if (IsInterestReminderDate(installment.DueDate, date))
            {
                yield return new PlannedNotice(NoticeKind.InterestReminder, NoticeRecipient.Borrower, installment.DueDate);
            }
        }
        else if (IsDueReminderDate(installment.DueDate, date))
        {
            yield return new PlannedNotice(NoticeKind.DueReminder, NoticeRecipient.Borrower, installment.DueDate);
        }

        if (installment.IsFinal && IsMaturityNoticeDate(installment.DueDate, date))
        {
            yield return new PlannedNotice(NoticeKind.MaturityNotice, NoticeRecipient.Borrower, installment.DueDate);
        }
    }

    /// <summary>
    /// The overdue notice to the borrower and the guarantee notice to the guarantors for a missed installment, with the
    /// deadline counted in working days from the due date (a missed maturity allows more time than missed interest).
    /// Empty while the installment is not yet missed or is paid.
    /// </summary>
    public IEnumerable<PlannedNotice> AfterMissed(DateOnly date, ReminderInstallment installment, bool hasGuarantors)
    {
        if (installment.Unpaid <= 0 || installment.DueDate >= date || installment.DueDate < date.AddDays(-MissedLookBackDays))
        {
            yield break;
        }

        var deadline = calendar.AddWorkingDays(installment.DueDate, installment.IsFinal ? settings.MissedMaturityWorkingDays : settings.MissedInterestWorkingDays);
        yield return new PlannedNotice(NoticeKind.OverdueNotice, NoticeRecipient.Borrower, deadline);
        if (hasGuarantors)
        {
            yield return new PlannedNotice(NoticeKind.GuaranteeNotice, NoticeRecipient.Guarantor, deadline);
        }
    }

    private bool IsDueReminderDate(DateOnly due, DateOnly date) => due.AddDays(-settings.DueReminderDays) == date;

    private bool IsMaturityNoticeDate(DateOnly due, DateOnly date) => due.AddMonths(-settings.MaturityNoticeMonths) == date;

    private bool IsInterestReminderDate(DateOnly due, DateOnly date) => calendar.AddWorkingDays(due, -settings.InterestReminderWorkingDays) == date;
}

/// <summary>A notice issued by the close (还款提醒 / 催收通知书 / 履行担保责任通知书), to be delivered by its deadline.</summary>
public sealed class BorrowerNotice
{
    public long Id { get; set; }

    public long LoanId { get; set; }

    /// <summary>The borrower.</summary>
    public int CustomerId { get; set; }

    public NoticeKind Kind { get; set; }

    public NoticeRecipient Recipient { get; set; }

    /// <summary>The guarantee for a guarantee notice; null for the borrower's notices.</summary>
    public long? GuaranteeId { get; set; }

    /// <summary>The addressee's name (the borrower or the guarantor).</summary>
    public required string RecipientName { get; set; }

    /// <summary>The installment the notice is about.</summary>
    public int Period { get; set; }

    public DateOnly DueDate { get; set; }

    /// <summary>Amount due (before the due date) or unpaid (after it) of the installment when issued.</summary>
    public decimal Amount { get; set; }

    /// <summary>The business date whose close issued it.</summary>
    public DateOnly IssuedOn { get; set; }

    /// <summary>Deliver by this date.</summary>
    public DateOnly Deadline { get; set; }

    public NoticeState State { get; set; } = NoticeState.Pending;

    /// <summary>How it was delivered (短信, 邮寄, 上门, an outbound channel's name).</summary>
    public string? Channel { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    public string? SentBy { get; set; }

    public string OrganisationPath { get; set; } = "/";

    public string? AccountManagerId { get; set; }
}
