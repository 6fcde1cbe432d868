namespace PostLoan.Domain.Monitoring;

/// <summary>
/// A monitored site (监控场所) of an enterprise customer: a factory, a shop or a pledged warehouse whose devices report
/// what really happens there. Its business hours and working days say when activity is expected; its day starts at
/// <see cref="DayStart"/> local time (counters reset daily then).
/// </summary>
public sealed class MonitoringSite
{
    public int Id { get; set; }

    public int CustomerId { get; set; }

    public required string Name { get; set; }

    public string? Address { get; set; }

    /// <summary>Opening time (营业开始), local.</summary>
    public TimeOnly OpensAt { get; set; } = new(8, 0);

    /// <summary>Closing time (营业结束), local.</summary>
    public TimeOnly ClosesAt { get; set; } = new(18, 0);

    public WorkingDays WorkingDays { get; set; } = WorkingDays.MondayToFriday;

    /// <summary>When the site's day starts (headcount and daily totals reset), local; 04:00 by default so night shifts stay in their day.</summary>
    public TimeOnly DayStart { get; set; } = new(4, 0);

    /// <summary>Offset of the site's local time from UTC in minutes (China: +480).</summary>
    public int UtcOffsetMinutes { get; set; } = 480;

    /// <summary>
    /// Operating threshold (开工阈值): the activity in one working hour above which the hour counts as operating —
    /// kilowatt-hours when the site has an electricity meter, otherwise entries counted at its doors.
    /// </summary>
    public decimal OperatingThreshold { get; set; } = 5m;

    public int OrganisationId { get; set; }

    /// <summary>Copied from the customer for scope filtering.</summary>
    public string OrganisationPath { get; set; } = "/";

    /// <summary>Copied from the customer for scope filtering.</summary>
    public string? AccountManagerId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The site's business day of an instant: local time shifted back by the day start.</summary>
    public DateOnly DayOf(DateTimeOffset at) => SiteClock.DayOf(at, UtcOffsetMinutes, DayStart);

    /// <summary>True when <paramref name="at"/> falls on a working day within business hours (local time).</summary>
    public bool IsWorkingTime(DateTimeOffset at)
    {
        var local = at.ToOffset(TimeSpan.FromMinutes(UtcOffsetMinutes));
        var time = TimeOnly.FromDateTime(local.DateTime);
        return WorkingDays.Includes(local.DayOfWeek) && time >= OpensAt && time < ClosesAt;
    }
}

/// <summary>Days of the week a site works (工作日), as flags.</summary>
[Flags]
public enum WorkingDays
{
    None = 0,
    Monday = 1,
    Tuesday = 2,
    Wednesday = 4,
    Thursday = 8,
    Friday = 16,
    Saturday = 32,
    Sunday = 64,
    MondayToFriday = Monday | Tuesday | Wednesday | Thursday | Friday,
    MondayToSaturday = MondayToFriday | Saturday,
    EveryDay = MondayToSaturday | Sunday,
}

/// <summary>Working-day arithmetic.</summary>
public static class WorkingDaysExtensions
{
    /// <summary>True when <paramref name="day"/> is one of the <paramref name="days"/>.</summary>
    public static bool Includes(this WorkingDays days, DayOfWeek day) => (days & Flag(day)) != 0;

    /// <summary>The flag of one day of the week.</summary>
    public static WorkingDays Flag(DayOfWeek day) => day switch
    {
        DayOfWeek.Monday => WorkingDays.Monday,
        DayOfWeek.Tuesday => WorkingDays.Tuesday,
        DayOfWeek.Wednesday => WorkingDays.Wednesday,
        DayOfWeek.Thursday => WorkingDays.Thursday,
        DayOfWeek.Friday => WorkingDays.Friday,
        DayOfWeek.Saturday => WorkingDays.Saturday,
        DayOfWeek.Sunday => WorkingDays.Sunday,
        _ => WorkingDays.None,
    };
}

/// <summary>Local business days of a site.</summary>
public static class SiteClock
{
    /// <summary>The business day of <paramref name="at"/> at a site <paramref name="utcOffsetMinutes"/> from UTC whose day starts at <paramref name="dayStart"/>.</summary>
    public static DateOnly DayOf(DateTimeOffset at, int utcOffsetMinutes, TimeOnly dayStart)
    {
        var local = at.UtcDateTime.AddMinutes(utcOffsetMinutes) - dayStart.ToTimeSpan();
        return DateOnly.FromDateTime(local);
    }
}
