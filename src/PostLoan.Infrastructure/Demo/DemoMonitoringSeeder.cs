using System.Globalization;
using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Ledger.Customers;
using PostLoan.Domain.Monitoring;
using PostLoan.Infrastructure.Monitoring;
using PostLoan.Infrastructure.Monitoring.Ingest;
using PostLoan.Infrastructure.Monitoring.Simulation;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Infrastructure.Demo;

/// <summary>
/// Monitoring data of the demo bank: a site with five devices for each of four enterprise customers (the first is the
/// <c>ent.demo</c> company), and 60 days of quarter-hour readings from the simulator's <see cref="ActivityPattern"/>
/// written through the real ingest writer, so pages have history. The second site's factory stopped 20 days ago; the
/// third site's people counter was reset 10 days ago; its warehouse lost goods (two snapshots before and after).
/// Before those 60 days each site has <see cref="TotalsHistoryDays"/> days of daily totals (entries/exits, electricity,
/// water) from the same pattern with a year-on-year trend per site, so statistics compare with last year and the stopped
/// factory's drop shows against its own last year. Deterministic and run once.
/// </summary>
public sealed class DemoMonitoringSeeder(PostLoanDbContext db, DeviceService maintenance, ReadingWriter writer, SnapshotStore snapshots, DeviceDirectory directory, TimeProvider clock)
{
    public const int HistoryDays = 60;

    /// <summary>Days of daily totals (no readings) before the <see cref="HistoryDays"/> of readings.</summary>
    public const int TotalsHistoryDays = 400;

    /// <summary>Growth over a year per demo site (last year's activity is lower by this share, the third site's higher).</summary>
    private static readonly double[] YearlyGrowth = [0.08, 0.05, -0.03, 0.12];

    private static readonly BulkColumn[] TotalColumns =
    [
        new("DeviceId", typeof(int)), new("Day", typeof(DateOnly)), new("SiteId", typeof(int)), new("CustomerId", typeof(int)), new("Kind", typeof(int)),
        new("Readings", typeof(int)), new("Increment", typeof(double)), new("Increment2", typeof(double)), new("ValueSum", typeof(double)),
        new("ValueMin", typeof(double)), new("ValueMax", typeof(double)), new("Value2Sum", typeof(double)), new("Value2Min", typeof(double)),
        new("Value2Max", typeof(double)), new("FirstAt", typeof(DateTimeOffset)), new("LastAt", typeof(DateTimeOffset)), new("OrganisationPath", typeof(string)),
        new("AccountManagerId", typeof(string)),
    ];

    private static readonly TimeSpan Step = TimeSpan.FromMinutes(15);

    public async Task<int> SeedAsync(CancellationToken cancellationToken = default)
    {
        if (await db.MonitoringSites.IgnoreQueryFilters().AnyAsync(cancellationToken))
        {
            return 0;
        }

        var enterpriseId = await db.Users.Where(u => u.UserName == "ent.demo").Select(u => u.CustomerId).FirstOrDefaultAsync(cancellationToken);
        var customers = await db.Customers.IgnoreQueryFilters().Where(c => c.Kind == CustomerKind.Enterprise)
            .OrderBy(c => c.Id == enterpriseId ? 0 : 1).ThenBy(c => c.Id).Take(4).ToListAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var end = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds() / 900 * 900);
        var start = end - TimeSpan.FromDays(HistoryDays);
        var readings = 0;
        for (var k = 0; k < customers.Count; k++)
        {
            var customer = customers[k];
            var site = (await maintenance.CreateSiteAsync(new SiteInput(customer.Id, customer.Name[..Math.Min(customer.Name.Length, 90)] + " 厂区",
                customer.Address, new TimeOnly(8, 0), new TimeOnly(17, 30), WorkingDays.MondayToFriday, new TimeOnly(4, 0), 20m), cancellationToken)).Value!;
            var (incident, from) = k switch
            {
                1 => (Incident.FactoryStop, end - TimeSpan.FromDays(20)),
                2 => (Incident.CounterReset, end - TimeSpan.FromDays(10)),
                _ => (Incident.None, end),
            };
            var profile = new SiteProfile(100 + k, 60 + 30 * k, 25 + 5 * k, 220 + 40 * k, incident, from);
            foreach (var kind in ActivityPattern.SiteDevices)
            {
                var code = string.Create(CultureInfo.InvariantCulture, $"DEMO{k + 1:D2}-{Short(kind)}");
                await maintenance.CreateDeviceAsync(new DeviceInput(site.Id, code, Name(kind), kind, Vendor(kind), "DM-" + Short(kind),
                    "SN" + code, DateOnly.FromDateTime(start.UtcDateTime.AddDays(-30)), CounterMode.Cumulative,
                    kind is DeviceKind.ElectricityMeter or DeviceKind.WaterMeter ? 1_000_000 : null), cancellationToken);
                var device = (await directory.FindAsync(code, cancellationToken))!;
                if (kind == DeviceKind.WarehouseCamera)
                {
                    await snapshots.SaveAsync(device, WarehouseImage.Jpeg(profile.Seed, 20, noiseSeed: 1), end - TimeSpan.FromDays(3), cancellationToken);
                    await snapshots.SaveAsync(device, WarehouseImage.Jpeg(profile.Seed, k == 2 ? 9 : 20, noiseSeed: 2), end - TimeSpan.FromHours(1), cancellationToken);
                    continue;
                }

                readings += await BackfillAsync(device, profile, start, end, cancellationToken);
            }

            await TotalsHistoryAsync(site, profile, YearlyGrowth[k % YearlyGrowth.Length], site.DayOf(start), end, cancellationToken);
        }

        return readings;
    }

    /// <summary>Writes a device's history a day at a time through the ingest writer (derivation, totals and events as live).</summary>
    private async Task<int> BackfillAsync(DeviceInfo device, SiteProfile profile, DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken)
    {
        double entries = 0, exits = 0, register = 10_000 + profile.Seed * 1000;
        var sequence = 0L;
        var written = 0;
        for (var day = start; day < end; day += TimeSpan.FromDays(1))
        {
            var batch = new List<RawReading>(96);
            for (var at = day; at < day + TimeSpan.FromDays(1) && at < end; at += Step)
            {
                sequence++;
                switch (device.Kind)
                {
                    case DeviceKind.PeopleCounter:
                        var (enter, leave) = ActivityPattern.Flow(profile, at, Step);
                        entries += enter;
                        exits += leave;
                        if (profile.Incident == Incident.CounterReset && profile.IncidentFrom is { } reset && at >= reset && at - Step < reset)
                        {
                            entries = enter;
                            exits = leave;
                        }

                        batch.Add(new RawReading(sequence, at, entries, exits));
                        break;
                    case DeviceKind.ElectricityMeter:
                        register += ActivityPattern.LoadKw(profile, at) * Step.TotalHours;
                        batch.Add(new RawReading(sequence, at, Math.Round(register, 2), null));
                        break;
                    case DeviceKind.WaterMeter:
                        register += ActivityPattern.WaterPerHour(profile, at) * Step.TotalHours;
                        batch.Add(new RawReading(sequence, at, Math.Round(register, 3), null));
                        break;
                    default:
                        var (temperature, humidity) = ActivityPattern.Climate(profile, at);
                        batch.Add(new RawReading(sequence, at, temperature, humidity));
                        break;
                }
            }

            await writer.WriteAsync([new IngestItem(device, batch.ToArray(), null, day + TimeSpan.FromDays(1))], cancellationToken);
            written += batch.Count;
        }

        return written;
    }

    /// <summary>
    /// The <see cref="TotalsHistoryDays"/> site days before <paramref name="firstDay"/> as daily totals of the people counter
    /// and the meters, summed from the pattern's quarter hours and scaled by the trend (1 − growth × years before
    /// <paramref name="end"/>); written in one bulk insert.
    /// </summary>
    private async Task TotalsHistoryAsync(MonitoringSite site, SiteProfile profile, double growth, DateOnly firstDay, DateTimeOffset end, CancellationToken cancellationToken)
    {
        var devices = await db.Devices.IgnoreQueryFilters().AsNoTracking()
            .Where(d => d.SiteId == site.Id && (d.Kind == DeviceKind.PeopleCounter || d.Kind == DeviceKind.ElectricityMeter || d.Kind == DeviceKind.WaterMeter))
            .ToListAsync(cancellationToken);
        var rows = new List<object?[]>(devices.Count * TotalsHistoryDays);
        for (var day = firstDay.AddDays(-TotalsHistoryDays); day < firstDay; day = day.AddDays(1))
        {
            // The site's day runs from its day start, local time.
            var dayStart = new DateTimeOffset(day.ToDateTime(site.DayStart), TimeSpan.FromMinutes(site.UtcOffsetMinutes)).ToUniversalTime();
            var trend = 1 - growth * (end - dayStart).TotalDays / 365;
            double entries = 0, exits = 0, kwh = 0, water = 0;
            for (var at = dayStart + Step; at <= dayStart + TimeSpan.FromDays(1); at += Step)
            {
                var (enter, leave) = ActivityPattern.Flow(profile, at, Step);
                entries += enter;
                exits += leave;
                kwh += ActivityPattern.LoadKw(profile, at) * Step.TotalHours;
                water += ActivityPattern.WaterPerHour(profile, at) * Step.TotalHours;
            }

            foreach (var device in devices)
            {
                var (increment, increment2) = device.Kind switch
                {
                    DeviceKind.PeopleCounter => (Math.Round(entries * trend), Math.Round(exits * trend)),
                    DeviceKind.ElectricityMeter => (Math.Round(kwh * trend, 2), 0d),
                    _ => (Math.Round(water * trend, 3), 0d),
                };
                rows.Add([device.Id, day, site.Id, site.CustomerId, (int)device.Kind, 96, increment, increment2, 0d, 0d, 0d, 0d, 0d, 0d,
                    dayStart + Step, dayStart + TimeSpan.FromDays(1), site.OrganisationPath, site.AccountManagerId]);
            }
        }

        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var tx = await connection.BeginTransactionAsync(cancellationToken);
            await BulkWriter.InsertAsync(connection, tx, "device_daily_totals", TotalColumns, rows, cancellationToken);
            await tx.CommitAsync(cancellationToken);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static string Short(DeviceKind kind) => kind switch
    {
        DeviceKind.PeopleCounter => "PC",
        DeviceKind.WarehouseCamera => "CAM",
        DeviceKind.ElectricityMeter => "EM",
        DeviceKind.WaterMeter => "WM",
        DeviceKind.TemperatureHumiditySensor => "TH",
        DeviceKind.IntrusionDetector => "ID",
    };

    private static string Name(DeviceKind kind) => kind switch
    {
        DeviceKind.PeopleCounter => "大门客流计数器",
        DeviceKind.WarehouseCamera => "一号仓库摄像头",
        DeviceKind.ElectricityMeter => "总电表",
        DeviceKind.WaterMeter => "总水表",
        DeviceKind.TemperatureHumiditySensor => "仓库温湿度传感器",
        DeviceKind.IntrusionDetector => "仓库入侵探测器",
    };

    private static string Vendor(DeviceKind kind) => kind switch
    {
        DeviceKind.PeopleCounter or DeviceKind.WarehouseCamera => "海康威视",
        DeviceKind.ElectricityMeter or DeviceKind.WaterMeter => "威胜集团",
        DeviceKind.TemperatureHumiditySensor or DeviceKind.IntrusionDetector => "大华股份",
    };
}
