using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using PostLoan.Domain.Monitoring;
using PostLoan.Domain.Monitoring.Alarms;
using PostLoan.Domain.Monitoring.Statistics;
using PostLoan.Infrastructure.Administration;
using PostLoan.Infrastructure.Identity;
using PostLoan.Infrastructure.Persistence;
using Quartz;

namespace PostLoan.Infrastructure.Monitoring.Alarms;

/// <summary>What one alarm round did.</summary>
/// <param name="Events">Device events processed.</param>
/// <param name="Raised">Alarms raised or refreshed.</param>
/// <param name="Cleared">Offline alarms cleared because the device came back.</param>
public sealed record AlarmRoundResult(int Events, int Raised, int Cleared);

/// <summary>
/// The alarm round (告警轮次), every minute by Quartz (<c>Monitoring:AlarmRound:Cron</c>) and callable directly: turns new
/// device events into alarms, evaluates the threshold rules over new readings and completed days, and once a day per
/// site runs the anomaly check (<see cref="OperationsAnomalies"/>) for the completed day. Each part keeps a durable
/// watermark (<see cref="AlarmCursor"/>) written in the same transaction as its alarms: every input is processed exactly
/// once, across restarts and nodes.
/// </summary>
public sealed class AlarmRound(DatabaseOptions database, AlarmStore store, TimeProvider clock, ILogger<AlarmRound> logger)
{
    /// <summary>The cursor of the device events.</summary>
    public const string EventsCursor = "events";

    /// <summary>Rule codes of the alarms raised by device events and the anomaly check (the false-alarm report names them).</summary>
    public static readonly IReadOnlyDictionary<string, string> BuiltInRules = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["device-offline"] = "设备离线",
        ["device-fault"] = "设备故障",
        ["device-intrusion"] = "入侵报警",
        ["counter-reset"] = "计数器清零",
        ["anomaly-seasonal"] = "经营异常：用电同比骤降且人数减少",
        ["anomaly-recent"] = "经营异常：用电较近期骤降",
        ["anomaly-low-rate"] = "经营异常：开工率持续偏低",
        ["image"] = "质押物变化",
    };

    /// <summary>Minutes after closing time before the headcount is checked (people leaving).</summary>
    public const int ClosingGraceMinutes = 30;

    private const int EventBatch = 500;

    private const int ReadingWindow = 500;

    /// <summary>Runs the three parts once.</summary>
    public async Task<AlarmRoundResult> RunAsync(CancellationToken cancellationToken = default)
    {
        var total = new AlarmRoundResult(0, 0, 0);
        AlarmRoundResult events;
        do
        {
            events = await Guarded(ProcessEventsAsync, cancellationToken);
            total = Add(total, events);
        }
        while (events.Events == EventBatch);

        total = Add(total, await Guarded(EvaluateRulesAsync, cancellationToken));
        total = Add(total, await Guarded(DetectAnomaliesAsync, cancellationToken));
        if (total.Raised + total.Cleared > 0)
        {
            logger.LogInformation("alarm round: {Events} events, {Raised} alarms raised or refreshed, {Cleared} cleared", total.Events, total.Raised, total.Cleared);
        }

        return total;
    }

    private static AlarmRoundResult Add(AlarmRoundResult a, AlarmRoundResult b) => new(a.Events + b.Events, a.Raised + b.Raised, a.Cleared + b.Cleared);

    /// <summary>Runs one part in its own transaction; a watermark moved by another node meanwhile rolls it back (that node did the work).</summary>
    private async Task<AlarmRoundResult> Guarded(Func<PostLoanDbContext, CancellationToken, Task<(AlarmRoundResult Result, AlarmBatch? Batch)>> part, CancellationToken cancellationToken)
    {
        try
        {
            await using var db = database.CreateContext(SystemUser.Instance, clock);
            await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
            var (result, batch) = await part(db, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            await tx.CommitAsync(cancellationToken);
            if (batch is not null)
            {
                await store.NotifyAsync(batch.Raised, cancellationToken);
            }

            return result;
        }
        catch (DbUpdateException ex)
        {
            logger.LogWarning(ex, "alarm round part rolled back (another node moved the watermark or raised the same alarm); it runs again next round");
            return new AlarmRoundResult(0, 0, 0);
        }
    }

    private async Task<(AlarmRoundResult, AlarmBatch?)> ProcessEventsAsync(PostLoanDbContext db, CancellationToken cancellationToken)
    {
        var cursor = await CursorAsync(db, EventsCursor, cancellationToken);
        var events = await db.DeviceEvents.Where(e => e.Id > cursor.Position).OrderBy(e => e.Id).Take(EventBatch).ToListAsync(cancellationToken);
        if (events.Count == 0)
        {
            return (new AlarmRoundResult(0, 0, 0), null);
        }

        var names = await DeviceNamesAsync(db, events.Select(e => e.DeviceId), cancellationToken);
        var batch = await store.BeginAsync(db, events.Select(e => e.DeviceId), cancellationToken);
        var cleared = 0;
        foreach (var e in events)
        {
            var name = names.GetValueOrDefault(e.DeviceId, "#" + e.DeviceId.ToString(CultureInfo.InvariantCulture));
            var draft = e.Kind switch
            {
                DeviceEventKind.WentOffline => new AlarmDraft(e.DeviceId, AlarmKind.Offline, "device-offline", AlarmSeverity.Orange, "设备离线：" + name, e.Detail, e.At),
                DeviceEventKind.Fault => new AlarmDraft(e.DeviceId, AlarmKind.Fault, "device-fault", AlarmSeverity.Yellow, "设备故障：" + name, e.Detail, e.At),
                DeviceEventKind.CounterReset => new AlarmDraft(e.DeviceId, AlarmKind.Fault, "counter-reset", AlarmSeverity.Yellow, "计数器清零：" + name, e.Detail, e.At),
                DeviceEventKind.Intrusion => new AlarmDraft(e.DeviceId, AlarmKind.Intrusion, "device-intrusion", AlarmSeverity.Red, "入侵报警：" + name, e.Detail, e.At),
                DeviceEventKind.CameOnline or DeviceEventKind.MeterRollover => null,
                _ => null,
            };
            if (draft is not null)
            {
                batch.Raise(draft);
            }
            else if (e.Kind == DeviceEventKind.CameOnline && batch.Clear(e.DeviceId, AlarmKind.Offline, e.At, "设备恢复在线") is not null)
            {
                cleared++;
            }
        }

        Move(cursor).Position = events[^1].Id;
        return (new AlarmRoundResult(events.Count, batch.Raised.Count, cleared), batch);
    }

    private async Task<(AlarmRoundResult, AlarmBatch?)> EvaluateRulesAsync(PostLoanDbContext db, CancellationToken cancellationToken)
    {
        var rules = await db.AlarmRules.AsNoTracking().Where(r => r.Enabled).OrderBy(r => r.Id).ToListAsync(cancellationToken);
        if (rules.Count == 0)
        {
            return (new AlarmRoundResult(0, 0, 0), null);
        }

        var kinds = rules.Select(r => AlarmRules.KindOf(r.Metric)).Distinct().ToList();
        var devices = await db.Devices.AsNoTracking().Where(d => kinds.Contains(d.Kind)).OrderBy(d => d.Id).ToListAsync(cancellationToken);
        var sites = await db.MonitoringSites.AsNoTracking().ToDictionaryAsync(s => s.Id, cancellationToken);
        var batch = await store.BeginAsync(db, devices.Select(d => d.Id), cancellationToken);
        var now = clock.GetUtcNow();
        foreach (var rule in rules)
        {
            var scoped = devices.Where(d => d.Kind == AlarmRules.KindOf(rule.Metric) && InScope(rule, d)).ToList();
            if (rule.Metric == AlarmMetric.HeadcountAfterClosing)
            {
                foreach (var group in scoped.GroupBy(d => d.SiteId))
                {
                    await HeadcountAfterClosingAsync(db, batch, rule, sites[group.Key], group.First(), now, cancellationToken);
                }

                continue;
            }

            foreach (var device in scoped)
            {
                if (AlarmRules.IsPerReading(rule.Metric))
                {
                    await PerReadingAsync(db, batch, rule, device, sites[device.SiteId], cancellationToken);
                }
                else
                {
                    await PerDayAsync(db, batch, rule, device, sites[device.SiteId], now, cancellationToken);
                }
            }
        }

        return (new AlarmRoundResult(0, batch.Raised.Count, 0), batch);
    }

    private static bool InScope(AlarmRule rule, Device device) => rule.Scope switch
    {
        AlarmRuleScope.All => true,
        AlarmRuleScope.Site => device.SiteId == rule.SiteId,
        AlarmRuleScope.DeviceKind => device.Kind == rule.DeviceKind,
        AlarmRuleScope.Device => device.Id == rule.DeviceId,
        _ => false,
    };

    /// <summary>Temperature or humidity: the readings newer than the rule's watermark on this device, with the ones before carrying a run.</summary>
    private static async Task PerReadingAsync(PostLoanDbContext db, AlarmBatch batch, AlarmRule rule, Device device, MonitoringSite site, CancellationToken cancellationToken)
    {
        var cursor = await CursorAsync(db, RuleKey(rule, "device", device.Id), cancellationToken);
        var latest = await db.DeviceReadings.Where(r => r.DeviceId == device.Id).MaxAsync(r => (DateTimeOffset?)r.At, cancellationToken);
        if (latest is null || latest <= cursor.At)
        {
            return;
        }

        var readings = await db.DeviceReadings.AsNoTracking().Where(r => r.DeviceId == device.Id)
            .OrderByDescending(r => r.At).Take(ReadingWindow + rule.Consecutive)
            .Select(r => new { r.At, r.Value, r.Value2 }).ToListAsync(cancellationToken);
        readings.Reverse();
        var values = readings.Select(r => rule.Metric == AlarmMetric.Humidity ? r.Value2 ?? double.NaN : r.Value).ToList();
        var firstNew = cursor.At is { } seen ? readings.FindIndex(r => r.At > seen) : Math.Max(0, readings.Count - rule.Consecutive);
        if (AlarmRules.Scan(values, firstNew, rule.Comparison, rule.Threshold, rule.Consecutive) is { } hit)
        {
            var at = readings[hit.Index].At;
            batch.Raise(ThresholdDraft(rule, device, site, values[hit.Index], at, string.Create(CultureInfo.InvariantCulture,
                $"{rule.Describe()}；{Local(site, at):yyyy-MM-dd HH:mm} 实测 {values[hit.Index]:0.##}（连续 {hit.Run} 次）")));
        }

        Move(cursor).At = latest;
    }

    /// <summary>Daily entries, kWh or m³: each completed day since the watermark (the first time: the last completed day).</summary>
    private static async Task PerDayAsync(PostLoanDbContext db, AlarmBatch batch, AlarmRule rule, Device device, MonitoringSite site, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var completed = site.DayOf(now).AddDays(-1);
        var cursor = await CursorAsync(db, RuleKey(rule, "device", device.Id), cancellationToken);
        if (cursor.Day >= completed)
        {
            return;
        }

        var first = cursor.Day?.AddDays(1) ?? completed;
        var from = first.AddDays(1 - rule.Consecutive);
        var totals = await db.DeviceDailyTotals.AsNoTracking().Where(t => t.DeviceId == device.Id && t.Day >= from && t.Day <= completed)
            .ToDictionaryAsync(t => t.Day, t => t.Increment, cancellationToken);
        var days = new List<DateOnly>();
        for (var d = from; d <= completed; d = d.AddDays(1))
        {
            days.Add(d);
        }

        // A day without readings is no value (the offline alarm covers a silent device), never zero use.
        var values = days.Select(d => totals.TryGetValue(d, out var v) ? Math.Round(v, 3) : double.NaN).ToList();
        if (AlarmRules.Scan(values, days.IndexOf(first), rule.Comparison, rule.Threshold, rule.Consecutive) is { } hit)
        {
            var day = days[hit.Index];
            batch.Raise(ThresholdDraft(rule, device, site, values[hit.Index], now, string.Create(CultureInfo.InvariantCulture,
                $"{rule.Describe()}；{day:yyyy-MM-dd} 为 {values[hit.Index]:0.##}（连续 {hit.Run} 天）")));
        }

        Move(cursor).Day = completed;
    }

    /// <summary>Headcount after closing: once a business day, at least <see cref="ClosingGraceMinutes"/> after closing; the run of days is kept in the watermark.</summary>
    private static async Task HeadcountAfterClosingAsync(PostLoanDbContext db, AlarmBatch batch, AlarmRule rule, MonitoringSite site, Device counter, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var today = site.DayOf(now);
        var sinceDayStart = Local(site, now).TimeOfDay - site.DayStart.ToTimeSpan();
        sinceDayStart = sinceDayStart < TimeSpan.Zero ? sinceDayStart + TimeSpan.FromDays(1) : sinceDayStart;
        var due = site.ClosesAt.ToTimeSpan() + TimeSpan.FromMinutes(ClosingGraceMinutes) - site.DayStart.ToTimeSpan();
        var cursor = await CursorAsync(db, RuleKey(rule, "site", site.Id), cancellationToken);
        if (sinceDayStart < due || cursor.Day >= today)
        {
            return;
        }

        var counts = await db.DeviceDailyTotals.AsNoTracking().Where(t => t.SiteId == site.Id && t.Day == today && t.Kind == DeviceKind.PeopleCounter)
            .Select(t => new { t.Increment, t.Increment2 }).ToListAsync(cancellationToken);
        var headcount = ReadingRules.Headcount(counts.Sum(c => c.Increment), counts.Sum(c => c.Increment2));
        var run = AlarmRules.Breaches(headcount, rule.Comparison, rule.Threshold) ? (cursor.Day == today.AddDays(-1) ? (int)cursor.Position : 0) + 1 : 0;
        if (run >= rule.Consecutive)
        {
            batch.Raise(ThresholdDraft(rule, counter, site, headcount, now, string.Create(CultureInfo.InvariantCulture,
                $"{rule.Describe()}；{Local(site, now):yyyy-MM-dd HH:mm} 在场 {headcount:0} 人（连续 {run} 天）")));
        }

        Move(cursor).Day = today;
        cursor.Position = run;
    }

    private static AlarmDraft ThresholdDraft(AlarmRule rule, Device device, MonitoringSite site, double value, DateTimeOffset at, string detail) =>
        new(device.Id, AlarmKind.Threshold, rule.Code, rule.Severity, Title(rule.Name + "：" + site.Name + " " + device.Name), detail, at) { Value = value };

    /// <summary>Once a day per site, for the completed day: the anomalies against the site's own history and season.</summary>
    private async Task<(AlarmRoundResult, AlarmBatch?)> DetectAnomaliesAsync(PostLoanDbContext db, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var sites = await db.MonitoringSites.AsNoTracking().OrderBy(s => s.Id).ToListAsync(cancellationToken);
        var devices = await db.Devices.AsNoTracking().Where(d => d.Kind != DeviceKind.WarehouseCamera).OrderBy(d => d.Id).ToListAsync(cancellationToken);
        var batch = await store.BeginAsync(db, devices.Select(d => d.Id), cancellationToken);
        var settings = await SettingsAsync(db, cancellationToken);
        foreach (var site in sites)
        {
            var target = devices.Where(d => d.SiteId == site.Id)
                .OrderBy(d => d.Kind == DeviceKind.ElectricityMeter ? 0 : d.Kind == DeviceKind.PeopleCounter ? 1 : 2).ThenBy(d => d.Id).FirstOrDefault();
            var asOf = site.DayOf(now).AddDays(-1);
            var cursor = await CursorAsync(db, string.Create(CultureInfo.InvariantCulture, $"anomaly:site:{site.Id}"), cancellationToken);
            if (target is null || cursor.Day >= asOf)
            {
                continue;
            }

            Move(cursor).Day = asOf;
            var history = Math.Max(settings.Weeks * 7, (settings.RecentWeeks + 1) * 7) + settings.LowRateDays * 7;
            var statistics = new Statistics.SiteStatisticsService(db);
            var days = (await statistics.DaysAsync([site], asOf.AddDays(-history), asOf, asOf.AddDays(-history), cancellationToken))[site.Id];
            var lastYearFrom = asOf.AddDays(-364 - Math.Max(settings.Weeks * 7, 7));
            days.AddRange((await statistics.DaysAsync([site], lastYearFrom, asOf.AddDays(-364), lastYearFrom, cancellationToken))[site.Id]);
            var findings = OperationsAnomalies.Detect(days.ToDictionary(d => d.Date), asOf, settings);
            if (findings.Count == 0)
            {
                continue;
            }

            var main = findings[0];
            var code = Code(main.Kind);
            var detail = string.Join("；", findings.Select(f => Describe(f, asOf)));
            batch.Raise(new AlarmDraft(target.Id, AlarmKind.OperationsAnomaly, code, main.Kind == AnomalyKind.LowOperatingRate ? AlarmSeverity.Yellow : AlarmSeverity.Orange,
                Title(BuiltInRules[code] + "：" + site.Name), detail, now) { Value = main.ChangePercent });
        }

        return (new AlarmRoundResult(0, batch.Raised.Count, 0), batch);
    }

    /// <summary>Anomaly thresholds from the system parameters <c>monitoring.anomaly.*</c> (defaults of <see cref="AnomalySettings"/>).</summary>
    private static async Task<AnomalySettings> SettingsAsync(PostLoanDbContext db, CancellationToken cancellationToken)
    {
        var parameters = new ParameterService(db);
        var defaults = new AnomalySettings();
        return defaults with
        {
            ElectricityDropPercent = (double)await parameters.DecimalAsync("monitoring.anomaly.electricityDropPercent", (decimal)defaults.ElectricityDropPercent, cancellationToken),
            HeadcountDropPercent = (double)await parameters.DecimalAsync("monitoring.anomaly.headcountDropPercent", (decimal)defaults.HeadcountDropPercent, cancellationToken),
            RecentDropPercent = (double)await parameters.DecimalAsync("monitoring.anomaly.recentDropPercent", (decimal)defaults.RecentDropPercent, cancellationToken),
            MinOperatingRate = (double)await parameters.DecimalAsync("monitoring.anomaly.minOperatingRate", (decimal)defaults.MinOperatingRate, cancellationToken),
        };
    }

    /// <summary>The rule code of an anomaly kind.</summary>
    public static string Code(AnomalyKind kind) => kind switch
    {
        AnomalyKind.SeasonalDrop => "anomaly-seasonal",
        AnomalyKind.RecentDrop => "anomaly-recent",
        AnomalyKind.LowOperatingRate => "anomaly-low-rate",
        _ => "anomaly",
    };

    private static string Describe(AnomalyFinding f, DateOnly asOf) => f.Kind switch
    {
        AnomalyKind.SeasonalDrop => string.Create(CultureInfo.InvariantCulture,
            $"截至 {asOf:yyyy-MM-dd} 用电 {f.Value:0.#} kWh，去年同期 {f.Baseline:0.#} kWh（{f.ChangePercent:+0.0;-0.0}%），人数 {f.HeadcountChangePercent?.ToString("+0.0;-0.0", CultureInfo.InvariantCulture) ?? "—"}%"),
        AnomalyKind.RecentDrop => string.Create(CultureInfo.InvariantCulture,
            $"截至 {asOf:yyyy-MM-dd} 近一周用电 {f.Value:0.#} kWh，此前周均 {f.Baseline:0.#} kWh（{f.ChangePercent:+0.0;-0.0}%）"),
        _ => string.Create(CultureInfo.InvariantCulture, $"截至 {asOf:yyyy-MM-dd} 连续工作日开工率均值 {f.Value:0.#}%，低于 {f.Baseline:0.#}%"),
    };

    private static async Task<AlarmCursor> CursorAsync(PostLoanDbContext db, string key, CancellationToken cancellationToken)
    {
        var cursor = db.AlarmCursors.Local.FirstOrDefault(c => c.Key == key) ?? await db.AlarmCursors.FirstOrDefaultAsync(c => c.Key == key, cancellationToken);
        if (cursor is null)
        {
            cursor = new AlarmCursor { Key = key };
            db.AlarmCursors.Add(cursor);
        }

        return cursor;
    }

    /// <summary>Bumps the cursor's version (a concurrent writer then fails); returns it to set the new position.</summary>
    private static AlarmCursor Move(AlarmCursor cursor)
    {
        cursor.Version++;
        return cursor;
    }

    private static string RuleKey(AlarmRule rule, string on, int id) => string.Create(CultureInfo.InvariantCulture, $"rule:{rule.Id}:{on}:{id}");

    private static DateTimeOffset Local(MonitoringSite site, DateTimeOffset at) => at.ToOffset(TimeSpan.FromMinutes(site.UtcOffsetMinutes));

    private static string Title(string text) => text.Length <= 120 ? text : text[..120];

    private static async Task<Dictionary<int, string>> DeviceNamesAsync(PostLoanDbContext db, IEnumerable<int> ids, CancellationToken cancellationToken)
    {
        var list = ids.Distinct().ToList();
        return await (from d in db.Devices
                      join s in db.MonitoringSites on d.SiteId equals s.Id
                      where list.Contains(d.Id)
                      select new { d.Id, Name = s.Name + " " + d.Name })
            .ToDictionaryAsync(d => d.Id, d => d.Name, cancellationToken);
    }
}

/// <summary>The alarm round on a Quartz schedule (<c>Monitoring:AlarmRound:Cron</c>, every minute by default).</summary>
[DisallowConcurrentExecution]
public sealed class AlarmRoundJob(AlarmRound round) : IJob
{
    public static readonly JobKey Key = new("alarm-round", "monitoring");

    public Task Execute(IJobExecutionContext context) => round.RunAsync(context.CancellationToken);
}
