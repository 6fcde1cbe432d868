using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Common;
using PostLoan.Domain.Monitoring;
using PostLoan.Domain.Monitoring.Statistics;
using PostLoan.Infrastructure.Monitoring;
using PostLoan.Infrastructure.Monitoring.Statistics;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Web.Common;

namespace PostLoan.Web.Features.Monitoring;

/// <summary>
/// Site statistics, their Excel export and the live view (<c>/api/monitoring/sites/{id}/…</c>,
/// docs/monitoring-statistics.md). Every route reads the site through <see cref="ScopedAccess"/>: outside the caller's
/// scope is 403 (audited), unknown is 404.
/// </summary>
public static class SiteStatisticsApi
{
    private const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    /// <summary>The longest range a request may ask for, in days (about ten years).</summary>
    private const int MaxRangeDays = 3700;

    public static void MapSiteStatisticsApi(this RouteGroupBuilder api)
    {
        var sites = api.MapGroup("/monitoring/sites/{id:int}").WithTags("Monitoring").RequireAuthorization(p => p.RequireRole(MonitoringRoles.Read));

        sites.MapGet("/statistics", async Task<Results<Ok<SiteStatisticsView>, ProblemHttpResult>> (
            int id, string? period, DateOnly? from, DateOnly? to, PostLoanDbContext db, SiteStatisticsService service, TimeProvider clock, CancellationToken ct) =>
        {
            var (site, q, problem) = await RequestAsync(db, clock, id, period, from, to, ct);
            if (problem is not null)
            {
                return problem;
            }

            var rows = await service.StatisticsAsync(site!, q!.Period, q.From, q.To, ct);
            return TypedResults.Ok(new SiteStatisticsView(id, site!.Name, q.Period.ToString(), q.From, q.To, rows.Select(PeriodView.Of).ToList()));
        });

        sites.MapGet("/statistics.xlsx", async Task<Results<FileContentHttpResult, ProblemHttpResult>> (
            int id, string? period, DateOnly? from, DateOnly? to, PostLoanDbContext db, SiteStatisticsService service, TimeProvider clock, CancellationToken ct) =>
        {
            var (site, q, problem) = await RequestAsync(db, clock, id, period, from, to, ct);
            if (problem is not null)
            {
                return problem;
            }

            var rows = await service.StatisticsAsync(site!, q!.Period, q.From, q.To, ct);
            var name = string.Create(CultureInfo.InvariantCulture, $"site-{id}-{q.Period.ToString().ToLowerInvariant()}-{q.From:yyyyMMdd}-{q.To:yyyyMMdd}.xlsx");
            return TypedResults.File(SiteStatisticsExport.Workbook(site!.Name, rows), Xlsx, name);
        });

        sites.MapGet("/live", async Task<Results<Ok<SiteLiveView>, ProblemHttpResult>> (int id, PostLoanDbContext db, SiteLive live, CancellationToken ct) =>
        {
            var access = await FindSiteAsync(db, id, ct);
            return access.Outcome == AccessOutcome.Granted ? TypedResults.Ok(await live.ReadAsync(access.Value!, ct)) : ProblemResults.From(access, $"site {id}");
        });

        sites.MapGet("/snapshots/{snapshotId:long}", async Task<Results<PhysicalFileHttpResult, ProblemHttpResult>> (
            int id, long snapshotId, PostLoanDbContext db, MonitoringOptions options, CancellationToken ct) =>
        {
            var access = await db.FindInScopeAsync<DeviceSnapshot>(s => s.Id == snapshotId && s.SiteId == id, snapshotId.ToString(CultureInfo.InvariantCulture), ct);
            if (access.Outcome != AccessOutcome.Granted)
            {
                return ProblemResults.From(access, $"snapshot {snapshotId}");
            }

            var path = Path.GetFullPath(Path.Combine(options.SnapshotsPath, access.Value!.Path));
            var root = Path.GetFullPath(options.SnapshotsPath) + Path.DirectorySeparatorChar;
            return path.StartsWith(root, StringComparison.Ordinal) && File.Exists(path)
                ? TypedResults.PhysicalFile(path, "image/jpeg", lastModified: access.Value.TakenAt)
                : ProblemResults.From(Error.NotFound("not_found", $"snapshot {snapshotId}: the image file is missing"));
        });
    }

    /// <summary>The site in scope and the parsed period and range, or the problem to answer.</summary>
    private static async Task<(MonitoringSite? Site, StatisticsQuery? Query, ProblemHttpResult? Problem)> RequestAsync(
        PostLoanDbContext db, TimeProvider clock, int id, string? period, DateOnly? from, DateOnly? to, CancellationToken ct)
    {
        var access = await FindSiteAsync(db, id, ct);
        if (access.Outcome != AccessOutcome.Granted)
        {
            return (null, null, ProblemResults.From(access, $"site {id}"));
        }

        var query = StatisticsQuery.Parse(period, from, to, access.Value!.DayOf(clock.GetUtcNow()));
        return query.IsSuccess ? (access.Value, query.Value, null) : (null, null, ProblemResults.From(query.Error!));
    }

    private static Task<Access<MonitoringSite>> FindSiteAsync(PostLoanDbContext db, int id, CancellationToken ct) =>
        db.FindInScopeAsync<MonitoringSite>(s => s.Id == id, id.ToString(CultureInfo.InvariantCulture), ct);

    /// <summary>The period and range asked for; defaults: by month over the current year up to today (the site's day).</summary>
    private sealed record StatisticsQuery(StatisticsPeriod Period, DateOnly From, DateOnly To)
    {
        public static Result<StatisticsQuery> Parse(string? period, DateOnly? from, DateOnly? to, DateOnly today)
        {
            var p = StatisticsPeriod.Month;
            if (period is not null && (!Enum.TryParse(period, ignoreCase: true, out p) || !Enum.IsDefined(p) || int.TryParse(period, out _)))
            {
                return Error.Validation("period", "period: one of day, month, quarter, year");
            }

            var end = to ?? today;
            var start = from ?? (p == StatisticsPeriod.Day ? end.AddDays(-29) : new DateOnly(end.Year, 1, 1));
            if (start > end)
            {
                return Error.Validation("from", "from: must not be after to");
            }

            if (end.DayNumber - start.DayNumber > MaxRangeDays || (p == StatisticsPeriod.Day && end.DayNumber - start.DayNumber > 366))
            {
                return Error.Validation("to", "to: the range is too long (by day at most 367 days, otherwise ten years)");
            }

            return new StatisticsQuery(p, start, end);
        }
    }
}

/// <summary>A site's statistics: the period kind, the range asked for and one row per period.</summary>
public sealed record SiteStatisticsView(int SiteId, string SiteName, string Period, DateOnly From, DateOnly To, List<PeriodView> Rows);

/// <summary>The measures of one period, last year's and the changes (同比: % for amounts, percentage points for the operating rate).</summary>
public sealed record PeriodView(
    string Key, DateOnly From, DateOnly To, int Days, long? Entries, double? AverageHeadcount, double? ElectricityKwh, double? WaterM3,
    double? OperatingRate, double? InventoryChange, PeriodView? LastYear,
    double? EntriesYoy, double? HeadcountYoy, double? ElectricityYoy, double? WaterYoy, double? OperatingRateYoyPoints)
{
    public static PeriodView Of(PeriodStatistics p) => new(
        p.Key, p.From, p.To, p.Days, p.Entries, p.AverageHeadcount, p.ElectricityKwh, p.WaterM3, p.OperatingRate, p.InventoryChange,
        p.LastYear is null ? null : Of(p.LastYear), p.EntriesYoy, p.HeadcountYoy, p.ElectricityYoy, p.WaterYoy, p.OperatingRateYoyPoints);
}
