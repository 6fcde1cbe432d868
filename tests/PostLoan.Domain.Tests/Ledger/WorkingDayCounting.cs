using PostLoan.Domain.Ledger.Calendar;

namespace PostLoan.Domain.Tests.Ledger;

/// <summary>Working days follow the imported calendar: weekday holidays rest, weekend make-up days work.</summary>
public class WorkingDayCounting
{
    private static readonly WorkingDays Calendar2026 = new(
    [
        new CalendarDay { Date = new(2026, 10, 1), Kind = CalendarDayKind.Holiday },
        new CalendarDay { Date = new(2026, 10, 2), Kind = CalendarDayKind.Holiday },
        new CalendarDay { Date = new(2026, 10, 5), Kind = CalendarDayKind.Holiday },
        new CalendarDay { Date = new(2026, 10, 6), Kind = CalendarDayKind.Holiday },
        new CalendarDay { Date = new(2026, 10, 7), Kind = CalendarDayKind.Holiday },
        new CalendarDay { Date = new(2026, 9, 20), Kind = CalendarDayKind.Workday },
        new CalendarDay { Date = new(2026, 10, 10), Kind = CalendarDayKind.Workday },
    ]);

    [Fact]
    public void A_make_up_sunday_is_a_working_day_and_a_weekday_holiday_is_not()
    {
        Assert.True(Calendar2026.IsWorkingDay(new DateOnly(2026, 9, 20)));
        Assert.False(Calendar2026.IsWorkingDay(new DateOnly(2026, 10, 1)));
        Assert.False(Calendar2026.IsWorkingDay(new DateOnly(2026, 10, 3)));
        Assert.True(Calendar2026.IsWorkingDay(new DateOnly(2026, 10, 9)));
    }

    [Fact]
    public void Ten_working_days_after_the_end_of_september_skip_the_national_day_week()
    {
        // 10-08, 10-09, 10-10 (make-up Saturday), 10-12 … 10-16, 10-19, 10-20
        Assert.Equal(new DateOnly(2026, 10, 20), Calendar2026.AddWorkingDays(new DateOnly(2026, 9, 30), 10));
    }

    [Fact]
    public void A_due_date_on_a_holiday_moves_to_the_next_working_day()
    {
        Assert.Equal(new DateOnly(2026, 10, 8), Calendar2026.NextWorkingDayOnOrAfter(new DateOnly(2026, 10, 1)));
        Assert.Equal(new DateOnly(2026, 10, 9), Calendar2026.NextWorkingDayOnOrAfter(new DateOnly(2026, 10, 9)));
    }

    [Fact]
    public void Counting_backwards_works_too()
    {
        Assert.Equal(new DateOnly(2026, 9, 30), Calendar2026.AddWorkingDays(new DateOnly(2026, 10, 8), -1));
    }
}
