using PostLoan.Domain.Ledger.Calendar;
using PostLoan.Domain.Ledger.Reminders;

namespace PostLoan.Domain.Tests.Ledger;

/// <summary>
/// The notices of domain.md §3 with the default parameters, on a calendar with the 2026 National Day week (1, 2, 5, 6,
/// 7 October off, Saturday 10 October worked).
/// </summary>
public class ReminderPlanning
{
    private static readonly ReminderPlanner Planner = new(new ReminderSettings(), new WorkingDays(
    [
        new CalendarDay { Date = new(2026, 10, 1), Kind = CalendarDayKind.Holiday },
        new CalendarDay { Date = new(2026, 10, 2), Kind = CalendarDayKind.Holiday },
        new CalendarDay { Date = new(2026, 10, 5), Kind = CalendarDayKind.Holiday },
        new CalendarDay { Date = new(2026, 10, 6), Kind = CalendarDayKind.Holiday },
        new CalendarDay { Date = new(2026, 10, 7), Kind = CalendarDayKind.Holiday },
        new CalendarDay { Date = new(2026, 10, 10), Kind = CalendarDayKind.Workday },
    ]));

    private static ReminderInstallment Regular(int year, int month, int day, bool final = false, decimal unpaid = 1_030.50m) =>
        new(new DateOnly(year, month, day), final, 1_000m, 30.50m, unpaid);

    [Fact]
    public void A_due_reminder_goes_out_ten_calendar_days_before_the_due_date_and_on_no_other_day()
    {
        var installment = Regular(2026, 3, 15);

        Assert.Equal([new PlannedNotice(NoticeKind.DueReminder, NoticeRecipient.Borrower, new DateOnly(2026, 3, 15))], Planner.BeforeDue(new DateOnly(2026, 3, 5), installment));
        Assert.Empty(Planner.BeforeDue(new DateOnly(2026, 3, 4), installment));
        Assert.Empty(Planner.BeforeDue(new DateOnly(2026, 3, 6), installment));
        Assert.Empty(Planner.BeforeDue(new DateOnly(2026, 3, 5), installment with { Unpaid = 0m }));
    }

    [Fact]
    public void The_maturity_notice_goes_out_one_month_before_the_final_due_date_and_the_due_reminder_still_follows()
    {
        var final = Regular(2026, 3, 31, final: true);

        Assert.Equal([new PlannedNotice(NoticeKind.MaturityNotice, NoticeRecipient.Borrower, new DateOnly(2026, 3, 31))], Planner.BeforeDue(new DateOnly(2026, 2, 28), final));
        Assert.Equal([new PlannedNotice(NoticeKind.DueReminder, NoticeRecipient.Borrower, new DateOnly(2026, 3, 31))], Planner.BeforeDue(new DateOnly(2026, 3, 21), final));
    }

    [Fact]
    public void The_close_reads_only_the_due_dates_a_reminder_is_issued_for()
    {
        // 28 February 2026 is a Saturday: due reminders for 10 March, maturity notices for 28–31 March (a month back from
        // each is the 28th of February), and no interest reminder (ten working days back never ends on a Saturday).
        Assert.Equal(
            [new DateOnly(2026, 3, 10), new DateOnly(2026, 3, 28), new DateOnly(2026, 3, 29), new DateOnly(2026, 3, 30), new DateOnly(2026, 3, 31)],
            Planner.ReminderDueDates(new DateOnly(2026, 2, 28)));
    }

    [Fact]
    public void An_interest_reminder_counts_ten_working_days_back_across_the_national_day_week()
    {
        // Tuesday 20 October back ten working days: 19, 16, 15, 14, 13, 12, Saturday 10 (worked), 9, 8, then past the
        // holidays to 30 September.
        var interestOnly = new ReminderInstallment(new DateOnly(2026, 10, 20), false, 0m, 4_250m, 4_250m);

        Assert.Equal([new PlannedNotice(NoticeKind.InterestReminder, NoticeRecipient.Borrower, new DateOnly(2026, 10, 20))], Planner.BeforeDue(new DateOnly(2026, 9, 30), interestOnly));
        Assert.Empty(Planner.BeforeDue(new DateOnly(2026, 10, 10), interestOnly));
        Assert.Contains(new DateOnly(2026, 10, 20), Planner.ReminderDueDates(new DateOnly(2026, 9, 30)));
    }

    [Fact]
    public void Missed_interest_gives_the_borrower_and_the_guarantors_five_working_days()
    {
        // Due Monday 28 September: 29, 30 September, 8, 9 October and Saturday 10 October (worked).
        var missed = Regular(2026, 9, 28, unpaid: 530.50m);
        var deadline = new DateOnly(2026, 10, 10);

        Assert.Equal(
            [new PlannedNotice(NoticeKind.OverdueNotice, NoticeRecipient.Borrower, deadline), new PlannedNotice(NoticeKind.GuaranteeNotice, NoticeRecipient.Guarantor, deadline)],
            Planner.AfterMissed(new DateOnly(2026, 9, 29), missed, hasGuarantors: true));
        Assert.Equal([new PlannedNotice(NoticeKind.OverdueNotice, NoticeRecipient.Borrower, deadline)], Planner.AfterMissed(new DateOnly(2026, 9, 29), missed, hasGuarantors: false));
    }

    [Fact]
    public void A_missed_maturity_allows_ten_working_days()
    {
        var missed = Regular(2026, 9, 28, final: true);

        Assert.Equal([new PlannedNotice(NoticeKind.OverdueNotice, NoticeRecipient.Borrower, new DateOnly(2026, 10, 16))], Planner.AfterMissed(new DateOnly(2026, 9, 29), missed, hasGuarantors: false));
    }

    [Fact]
    public void Nothing_is_issued_for_an_installment_due_today_paid_or_missed_more_than_a_month_ago()
    {
        Assert.Empty(Planner.AfterMissed(new DateOnly(2026, 9, 28), Regular(2026, 9, 28), true));
        Assert.Empty(Planner.AfterMissed(new DateOnly(2026, 9, 29), Regular(2026, 9, 28, unpaid: 0m), true));
        Assert.Empty(Planner.AfterMissed(new DateOnly(2026, 10, 30), Regular(2026, 9, 28), true));
        Assert.Single(Planner.AfterMissed(new DateOnly(2026, 10, 29), Regular(2026, 9, 28), false));
    }
}
