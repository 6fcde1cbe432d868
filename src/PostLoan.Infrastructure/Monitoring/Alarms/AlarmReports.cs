using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Monitoring.Alarms;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Infrastructure.Monitoring.Alarms;

/// <summary>Which alarms a list shows; the period is of first sighting, in China time, both days included.</summary>
public sealed record AlarmFilter(
    AlarmStatus? Status = null, AlarmKind? Kind = null, AlarmSeverity? Severity = null, int? SiteId = null, int? DeviceId = null,
    DateOnly? From = null, DateOnly? To = null, bool ActiveOnly = false);

/// <summary>An alarm with its site, device and customer names, as lists show it.</summary>
public sealed record AlarmItem(MonitoringAlarm Alarm, string SiteName, string DeviceName, string DeviceCode, string CustomerName);

/// <summary>A page of alarms with the total count.</summary>
public sealed record AlarmPage(IReadOnlyList<AlarmItem> Items, int Total);

/// <summary>The false-alarm report: per rule and per device.</summary>
public sealed record FalseAlarmReport(DateOnly From, DateOnly To, IReadOnlyList<FalseAlarmRate> ByRule, IReadOnlyList<FalseAlarmRate> ByDevice);

/// <summary>Alarm lists and the false-alarm report (误报率) in the caller's data scope.</summary>
public sealed class AlarmReports(PostLoanDbContext db)
{
    /// <summary>Site days are China time (UTC+8) in the reports.</summary>
    private static readonly TimeSpan China = TimeSpan.FromHours(8);

    /// <summary>Newest first.</summary>
    public async Task<AlarmPage> ListAsync(AlarmFilter filter, int page = 0, int size = 25, CancellationToken cancellationToken = default)
    {
        var query = Filtered(filter);
        var total = await query.CountAsync(cancellationToken);
        var alarms = await query.OrderByDescending(a => a.LastSeenAt).ThenByDescending(a => a.Id)
            .Skip(Math.Max(0, page) * Math.Clamp(size, 1, 500)).Take(Math.Clamp(size, 1, 500)).ToListAsync(cancellationToken);
        return new AlarmPage(await NamedAsync(alarms, cancellationToken), total);
    }

    /// <summary>One alarm with its names; null outside the scope or absent.</summary>
    public async Task<AlarmItem?> FindAsync(long id, CancellationToken cancellationToken = default)
    {
        var alarm = await db.MonitoringAlarms.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        return alarm is null ? null : (await NamedAsync([alarm], cancellationToken))[0];
    }

    /// <summary>Raised, confirmed, dismissed, open and cleared per rule and per device for the alarms first seen in [from, to].</summary>
    public async Task<FalseAlarmReport> FalseAlarmRatesAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        var alarms = Filtered(new AlarmFilter(From: from, To: to));
        var rows = await (from a in alarms
                          join d in db.Devices on a.DeviceId equals d.Id
                          join s in db.MonitoringSites on d.SiteId equals s.Id
                          select new { a.RuleCode, a.Status, d.Code, Device = s.Name + " " + d.Name })
            .ToListAsync(cancellationToken);
        var rules = await db.AlarmRules.AsNoTracking().ToDictionaryAsync(r => r.Code, r => r.Name, cancellationToken);
        string RuleName(string code) => rules.GetValueOrDefault(code) ?? AlarmRound.BuiltInRules.GetValueOrDefault(code) ?? code;
        return new FalseAlarmReport(from, to,
            FalseAlarmRate.Of(rows.Select(r => (r.RuleCode, RuleName(r.RuleCode), r.Status))),
            FalseAlarmRate.Of(rows.Select(r => (r.Code, r.Device, r.Status))));
    }

    private IQueryable<MonitoringAlarm> Filtered(AlarmFilter f)
    {
        var query = db.MonitoringAlarms.AsNoTracking();
        query = f.Status is { } status ? query.Where(a => a.Status == status) : query;
        query = f.ActiveOnly ? query.Where(a => a.Status == AlarmStatus.Open || a.Status == AlarmStatus.Acknowledged) : query;
        query = f.Kind is { } kind ? query.Where(a => a.Kind == kind) : query;
        query = f.Severity is { } severity ? query.Where(a => a.Severity == severity) : query;
        query = f.SiteId is { } site ? query.Where(a => a.SiteId == site) : query;
        query = f.DeviceId is { } device ? query.Where(a => a.DeviceId == device) : query;
        if (f.From is { } from)
        {
            var start = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), China);
            query = query.Where(a => a.FirstSeenAt >= start);
        }

        if (f.To is { } to)
        {
            var end = new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), China);
            query = query.Where(a => a.FirstSeenAt < end);
        }

        return query;
    }

    private async Task<List<AlarmItem>> NamedAsync(List<MonitoringAlarm> alarms, CancellationToken cancellationToken)
    {
        var deviceIds = alarms.Select(a => a.DeviceId).Distinct().ToList();
        var names = await (from d in db.Devices.IgnoreQueryFilters()
                           join s in db.MonitoringSites.IgnoreQueryFilters() on d.SiteId equals s.Id
                           join c in db.Customers.IgnoreQueryFilters() on d.CustomerId equals c.Id
                           where deviceIds.Contains(d.Id)
                           select new { d.Id, Site = s.Name, Device = d.Name, d.Code, Customer = c.Name })
            .ToDictionaryAsync(d => d.Id, cancellationToken);
        return alarms.Select(a => names.TryGetValue(a.DeviceId, out var n)
            ? new AlarmItem(a, n.Site, n.Device, n.Code, n.Customer)
            : new AlarmItem(a, "", "", "", "")).ToList();
    }
}
