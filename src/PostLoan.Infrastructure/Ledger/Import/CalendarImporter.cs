using System.Globalization;
using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Administration;
using PostLoan.Domain.Common;
using PostLoan.Domain.Ledger.Calendar;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Infrastructure.Ledger.Import;

/// <summary>
/// Imports the working-day calendar of one or more years from a file with columns <c>date, kind (holiday|workday
/// or 休|班), name</c>. The years in the file are replaced as a whole; a file with any bad row changes nothing.
/// </summary>
public sealed class CalendarImporter(PostLoanDbContext db)
{
    public async Task<ImportResult> ImportAsync(IReadOnlyList<ImportRow> rows, string source, CancellationToken cancellationToken = default)
    {
        var issues = new List<ImportIssue>();
        var days = new List<CalendarDay>();
        var seen = new HashSet<DateOnly>();
        foreach (var row in rows)
        {
            if (!DateOnly.TryParseExact(row["date"], ["yyyy-MM-dd", "yyyy/M/d", "yyyyMMdd"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                issues.Add(new ImportIssue(row.Number, "date", $"'{row["date"]}' is not a date (yyyy-MM-dd)"));
                continue;
            }

            CalendarDayKind? kind = row["kind"]?.ToLowerInvariant() switch
            {
                "holiday" or "休" or "假" => CalendarDayKind.Holiday,
                "workday" or "班" => CalendarDayKind.Workday,
                _ => null,
            };
            if (kind is null)
            {
                issues.Add(new ImportIssue(row.Number, "kind", $"'{row["kind"]}' is not holiday/workday (休/班)"));
                continue;
            }

            var weekend = date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
            if (kind == CalendarDayKind.Workday && !weekend)
            {
                issues.Add(new ImportIssue(row.Number, "kind", $"{date:yyyy-MM-dd} is a weekday; only weekends can be make-up working days"));
            }

            if (!seen.Add(date))
            {
                issues.Add(new ImportIssue(row.Number, "date", $"{date:yyyy-MM-dd} appears twice"));
            }

            days.Add(new CalendarDay { Date = date, Kind = kind.Value, Name = row["name"] });
        }

        if (rows.Count == 0)
        {
            issues.Add(new ImportIssue(1, "file", "no data rows"));
        }

        if (issues.Count > 0)
        {
            return ImportResult.Refused(issues);
        }

        var years = days.Select(d => d.Date.Year).Distinct().ToList();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var year in years)
        {
            var first = new DateOnly(year, 1, 1);
            var last = new DateOnly(year, 12, 31);
            await db.CalendarDays.Where(d => d.Date >= first && d.Date <= last).ExecuteDeleteAsync(cancellationToken);
        }

        db.CalendarDays.AddRange(days);
        db.Audit(AuditAction.Updated, "WorkingDayCalendar", string.Join(",", years), string.Create(CultureInfo.InvariantCulture, $"{days.Count} days imported from {source}"));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new ImportResult(days.Count, []);
    }

    /// <summary>The calendar as stored, for deadline calculations.</summary>
    public async Task<WorkingDays> LoadAsync(CancellationToken cancellationToken = default) =>
        new(await db.CalendarDays.AsNoTracking().ToListAsync(cancellationToken));
}
