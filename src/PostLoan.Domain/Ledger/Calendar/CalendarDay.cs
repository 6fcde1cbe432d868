namespace PostLoan.Domain.Ledger.Calendar;

/// <summary>
/// An exception to the Monday–Friday working week in the working-day calendar (工作日历): a public holiday
/// (法定节假日) on a weekday, or a make-up working day (调休上班) on a weekend. Imported per year.
/// </summary>
public sealed class CalendarDay
{
    public DateOnly Date { get; set; }

    public CalendarDayKind Kind { get; set; }

    /// <summary>Holiday name, e.g. 春节.</summary>
    public string? Name { get; set; }
}

/// <summary>Whether a calendar exception is a day off or a working day.</summary>
public enum CalendarDayKind
{
    /// <summary>法定节假日: no work although it may be a weekday.</summary>
    Holiday = 0,

    /// <summary>调休上班: work although it is a weekend.</summary>
    Workday = 1,
}

/// <summary>
/// Working days from a set of exceptions: weekdays work unless listed as holidays, weekends rest unless listed
/// as make-up working days. Deadlines "within N working days" count with it.
/// </summary>
public sealed class WorkingDays(IEnumerable<CalendarDay> exceptions)
{
    private readonly Dictionary<DateOnly, CalendarDayKind> _exceptions = exceptions.ToDictionary(d => d.Date, d => d.Kind);

    public bool IsWorkingDay(DateOnly date) => _exceptions.TryGetValue(date, out var kind)
        ? kind == CalendarDayKind.Workday
        : date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday);

    /// <summary>The date itself when it is a working day, otherwise the next working day.</summary>
    public DateOnly NextWorkingDayOnOrAfter(DateOnly date)
    {
        while (!IsWorkingDay(date))
        {
            date = date.AddDays(1);
        }

        return date;
    }

    /// <summary>The date <paramref name="workingDays"/> working days after <paramref name="date"/> (the start day not counted).</summary>
    public DateOnly AddWorkingDays(DateOnly date, int workingDays)
    {
        var step = workingDays >= 0 ? 1 : -1;
        for (var remaining = Math.Abs(workingDays); remaining > 0;)
        {
            date = date.AddDays(step);
            if (IsWorkingDay(date))
            {
                remaining--;
            }
        }

        return date;
    }
}
