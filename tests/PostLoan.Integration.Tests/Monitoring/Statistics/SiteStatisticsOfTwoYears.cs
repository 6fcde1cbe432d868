using System.Net;
using Microsoft.Extensions.DependencyInjection;
using MiniExcelLibs;
using PostLoan.Domain.Monitoring;
using PostLoan.Domain.Monitoring.Statistics;
using PostLoan.Infrastructure.Monitoring.Statistics;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Integration.Tests.Support;
using static PostLoan.Integration.Tests.Monitoring.MonitoringFixture;
using static PostLoan.Integration.Tests.Monitoring.Statistics.StatisticsHistory;

namespace PostLoan.Integration.Tests.Monitoring.Statistics;

/// <summary>
/// The statistics service over a hand-built two-year history: by day, month, quarter and year with the same period last
/// year and the change; the operating rate and average headcount of a hand-built week from readings; the Excel export.
/// </summary>
public abstract class SiteStatisticsOfTwoYears : IAsyncLifetime
{
    private static readonly DateOnly Mar2 = new(2026, 3, 2);

    private TestApp _app = null!;
    private MonitoringSite _site = null!;

    protected abstract Task<TestApp> StartAsync(ManualClock clock);

    public async Task InitializeAsync()
    {
        _app = await StartAsync(new ManualClock(new DateTimeOffset(2026, 11, 23, 2, 0, 0, TimeSpan.Zero)));
        _site = await SiteAsync(_app);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    /// <summary>
    /// Electricity 2025: 03-02 100, 03-03 120, 05-10 200; 2026: 03-02 80, 03-03 90, 04-01 50, 05-10 300.
    /// Entries 2025-03-02 40, 2026-03-02 50. Water 2025-03-02 5, 2026-03-02 3.5.
    /// </summary>
    private async Task TwoYearsAsync()
    {
        var meter = (await DeviceAsync(_app, _site.Id, "EM-1", DeviceKind.ElectricityMeter)).Device;
        var counter = (await DeviceAsync(_app, _site.Id, "PC-1", DeviceKind.PeopleCounter)).Device;
        var water = (await DeviceAsync(_app, _site.Id, "WM-1", DeviceKind.WaterMeter)).Device;
        await TotalsAsync(_app, _site, meter,
            (new DateOnly(2025, 3, 2), 100, 0), (new DateOnly(2025, 3, 3), 120, 0), (new DateOnly(2025, 5, 10), 200, 0),
            (Mar2, 80, 0), (new DateOnly(2026, 3, 3), 90, 0), (new DateOnly(2026, 4, 1), 50, 0), (new DateOnly(2026, 5, 10), 300, 0));
        await TotalsAsync(_app, _site, counter, (new DateOnly(2025, 3, 2), 40, 38), (Mar2, 50, 50));
        await TotalsAsync(_app, _site, water, (new DateOnly(2025, 3, 2), 5, 0), (Mar2, 3.5, 0));
    }

    private Task<IReadOnlyList<PeriodStatistics>> StatisticsAsync(StatisticsPeriod period, DateOnly from, DateOnly to) =>
        _app.AsSystemAsync(s => s.GetRequiredService<SiteStatisticsService>().StatisticsAsync(_site, period, from, to));

    [Fact]
    public async Task By_day_each_day_is_compared_with_the_same_date_last_year()
    {
        await TwoYearsAsync();

        var rows = await StatisticsAsync(StatisticsPeriod.Day, Mar2, new DateOnly(2026, 3, 3));

        Assert.Equal(["2026-03-02", "2026-03-03"], rows.Select(r => r.Key));
        var first = rows[0];
        Assert.Equal((50L, 40L, 25.0), (first.Entries, first.LastYear!.Entries, first.EntriesYoy));
        Assert.Equal((80.0, 100.0, -20.0), (first.ElectricityKwh, first.LastYear.ElectricityKwh, first.ElectricityYoy));
        Assert.Equal((3.5, 5.0, -30.0), (first.WaterM3, first.LastYear.WaterM3, first.WaterYoy));
        Assert.Null(first.AverageHeadcount);   // no readings: the peak is not estimated
        Assert.Null(first.OperatingRate);
        Assert.Null(first.InventoryChange);
        Assert.Equal((90.0, 120.0, -25.0), (rows[1].ElectricityKwh, rows[1].LastYear!.ElectricityKwh, rows[1].ElectricityYoy));
        Assert.Null(rows[1].Entries);
    }

    [Fact]
    public async Task By_month_quarter_and_year_the_sums_and_changes_are_exact()
    {
        await TwoYearsAsync();
        var year = (new DateOnly(2026, 1, 1), new DateOnly(2026, 12, 31));

        var months = await StatisticsAsync(StatisticsPeriod.Month, year.Item1, year.Item2);
        Assert.Equal(["2026-03", "2026-04", "2026-05"], months.Select(r => r.Key));
        Assert.Equal((2, 170.0, 220.0, -22.7), (months[0].Days, months[0].ElectricityKwh, months[0].LastYear!.ElectricityKwh, months[0].ElectricityYoy));
        Assert.Equal((1, 50.0), (months[1].Days, months[1].ElectricityKwh));
        Assert.Null(months[1].LastYear);   // April 2025 has no data
        Assert.Null(months[1].ElectricityYoy);
        Assert.Equal((300.0, 200.0, 50.0), (months[2].ElectricityKwh, months[2].LastYear!.ElectricityKwh, months[2].ElectricityYoy));

        var quarters = await StatisticsAsync(StatisticsPeriod.Quarter, year.Item1, year.Item2);
        Assert.Equal(["2026Q1", "2026Q2"], quarters.Select(r => r.Key));
        Assert.Equal((170.0, 220.0, -22.7), (quarters[0].ElectricityKwh, quarters[0].LastYear!.ElectricityKwh, quarters[0].ElectricityYoy));
        Assert.Equal((350.0, 200.0, 75.0), (quarters[1].ElectricityKwh, quarters[1].LastYear!.ElectricityKwh, quarters[1].ElectricityYoy));
        Assert.Equal((new DateOnly(2026, 4, 1), new DateOnly(2026, 6, 30)), (quarters[1].From, quarters[1].To));

        var years = Assert.Single(await StatisticsAsync(StatisticsPeriod.Year, year.Item1, year.Item2));
        Assert.Equal(("2026", 4, 520.0, 420.0, 23.8), (years.Key, years.Days, years.ElectricityKwh, years.LastYear!.ElectricityKwh, years.ElectricityYoy));
        Assert.Equal(3, years.LastYear.Days);
        Assert.Equal((50L, 40L, 25.0), (years.Entries, years.LastYear.Entries, years.EntriesYoy));
        Assert.Equal((3.5, 5.0, -30.0), (years.WaterM3, years.LastYear.WaterM3, years.WaterYoy));
    }

    /// <summary>
    /// Week of 2026-11-16 (business hours 08:00–18:00 Monday to Friday, threshold 5 kWh): Monday all 10 hours at 6 kWh;
    /// Tuesday 5 hours at 6 then 5 at 2; Wednesday all at 1; Thursday all exactly 5; Friday 4.9 at eight then 9 hours at 7;
    /// Saturday busy but not a working day. 10 + 5 + 0 + 10 + 9 = 34 of 50 hours: 68.0%. Peak headcount Monday 20 (the
    /// lunch exits would go below zero and are clamped), Tuesday 17: average 18.5.
    /// </summary>
    [Fact]
    public async Task The_operating_rate_of_a_hand_built_week()
    {
        var meter = (await DeviceAsync(_app, _site.Id, "EM-W", DeviceKind.ElectricityMeter)).Device;
        var counter = (await DeviceAsync(_app, _site.Id, "PC-W", DeviceKind.PeopleCounter)).Device;
        var monday = new DateOnly(2026, 11, 16);
        await ReadingsAsync(_app, _site, meter, monday, Hourly(8, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6));
        await ReadingsAsync(_app, _site, meter, monday.AddDays(1), Hourly(8, 6, 6, 6, 6, 6, 2, 2, 2, 2, 2));
        await ReadingsAsync(_app, _site, meter, monday.AddDays(2), Hourly(8, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1));
        await ReadingsAsync(_app, _site, meter, monday.AddDays(3), Hourly(8, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5));
        await ReadingsAsync(_app, _site, meter, monday.AddDays(4), Hourly(8, 4.9, 7, 7, 7, 7, 7, 7, 7, 7, 7));
        await ReadingsAsync(_app, _site, meter, monday.AddDays(5), Hourly(8, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9));
        await ReadingsAsync(_app, _site, counter, monday, (new TimeOnly(8, 30), 20, 0), (new TimeOnly(12, 30), 0, 25), (new TimeOnly(13, 30), 12, 0));
        await ReadingsAsync(_app, _site, counter, monday.AddDays(1), (new TimeOnly(9, 30), 15, 3), (new TimeOnly(10, 30), 5, 0));

        var days = await _app.AsSystemAsync(s => s.GetRequiredService<SiteStatisticsService>().DaysAsync([_site], monday, monday.AddDays(6), monday));
        Assert.Equal([10.0, 5.0, 0.0, 10.0, 9.0, 0.0], days[_site.Id].Select(d => d.OperatingHours ?? 0));
        Assert.Equal([20, 17, null, null, null, null], days[_site.Id].Select(d => d.PeakHeadcount));

        var november = Assert.Single(await StatisticsAsync(StatisticsPeriod.Month, new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 30)));
        Assert.Equal(68.0, november.OperatingRate);
        Assert.Equal(18.5, november.AverageHeadcount);
        Assert.Equal(6, november.Days);
    }

    [Fact]
    public async Task The_excel_export_has_both_years_and_the_change()
    {
        await TwoYearsAsync();
        using var client = await _app.SignedInAsync("service");

        var response = await client.GetAsync($"/api/monitoring/sites/{_site.Id}/statistics.xlsx?period=quarter&from=2026-01-01&to=2026-12-31");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", response.Content.Headers.ContentType?.MediaType);
        using var stream = new MemoryStream(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(SiteStatisticsExport.Headers, MiniExcel.GetColumns(stream, useHeaderRow: true));
        Assert.Equal("期间", SiteStatisticsExport.Headers[0]);
        stream.Position = 0;
        var rows = MiniExcel.Query(stream, useHeaderRow: true).Cast<IDictionary<string, object>>().ToList();
        Assert.Equal(2, rows.Count);
        var q2 = rows[1];
        Assert.Equal("2026Q2", q2["期间"]);
        Assert.Equal("2026-04-01", q2["开始日期"]);
        Assert.Equal(350d, Convert.ToDouble(q2["用电量kWh"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(200d, Convert.ToDouble(q2["去年同期用电量kWh"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(75d, Convert.ToDouble(q2["用电量同比%"], System.Globalization.CultureInfo.InvariantCulture));
    }
}

public sealed class SqliteSiteStatisticsOfTwoYears : SiteStatisticsOfTwoYears
{
    protected override Task<TestApp> StartAsync(ManualClock clock) => TestApp.StartAsync(clock: clock);
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresSiteStatisticsOfTwoYears(PostgresCluster cluster) : SiteStatisticsOfTwoYears
{
    protected override async Task<TestApp> StartAsync(ManualClock clock) =>
        await TestApp.StartAsync(DatabaseProvider.Postgres, await cluster.CreateDatabaseAsync(), clock);
}
