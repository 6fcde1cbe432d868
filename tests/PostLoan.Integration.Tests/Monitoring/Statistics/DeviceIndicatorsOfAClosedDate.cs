using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PostLoan.Domain.Monitoring;
using PostLoan.Domain.Warning.Indicators;
using PostLoan.Infrastructure.Ledger.Close;
using PostLoan.Infrastructure.Monitoring.Statistics;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Integration.Tests.Support;
using static PostLoan.Integration.Tests.Monitoring.MonitoringFixture;
using static PostLoan.Integration.Tests.Monitoring.Statistics.StatisticsHistory;

namespace PostLoan.Integration.Tests.Monitoring.Statistics;

/// <summary>
/// The device-indicator close step writes the day's and the 30-day values of a hand-built site into the indicator store,
/// between the ledger indicators and the warning rules; rerunning replaces them; reopening the date removes them.
/// </summary>
public abstract class DeviceIndicatorsOfAClosedDate : IAsyncLifetime
{
    private static readonly DateOnly Date = new(2026, 11, 20);   // a Friday

    private TestApp _app = null!;

    protected abstract Task<TestApp> StartAsync(ManualClock clock);

    public async Task InitializeAsync() => _app = await StartAsync(new ManualClock(new DateTimeOffset(2026, 11, 21, 2, 0, 0, TimeSpan.Zero)));

    public async Task DisposeAsync() => await _app.DisposeAsync();

    /// <summary>
    /// Electricity 10 kWh a day from 2026-10-22 to 11-19 and 32 on 11-20 (its readings: 6 kWh in each hour 08–12, 0.4 in
    /// 13–17); 20 a day over the same 30 days of 2025. Entries 30 on the date (in 30 and out 5 in the reading of 09:30, out 20 at
    /// 17:30: peak 25, a reading counts net). Water 2.5. So: 30 days 29 × 10 + 32 = 322 against 600 (−46.3%), month to date 19 × 10 + 32 = 222,
    /// operating rate 5 of 10 hours = 50%.
    /// </summary>
    private async Task<MonitoringSite> SiteWithHistoryAsync()
    {
        var site = await SiteAsync(_app);
        var meter = (await DeviceAsync(_app, site.Id, "EM-IND", DeviceKind.ElectricityMeter)).Device;
        var counter = (await DeviceAsync(_app, site.Id, "PC-IND", DeviceKind.PeopleCounter)).Device;
        var water = (await DeviceAsync(_app, site.Id, "WM-IND", DeviceKind.WaterMeter)).Device;
        var days = Enumerable.Range(0, 29).Select(i => Date.AddDays(-29 + i)).ToList();
        await TotalsAsync(_app, site, meter, [.. days.Select(d => (d, 10d, 0d)), (Date, 32d, 0d)]);
        await TotalsAsync(_app, site, meter, [.. days.Append(Date).Select(d => (d.AddYears(-1), 20d, 0d))]);
        await TotalsAsync(_app, site, counter, (Date, 30, 25));
        await TotalsAsync(_app, site, water, (Date, 2.5, 0));
        await ReadingsAsync(_app, site, meter, Date, Hourly(8, 6, 6, 6, 6, 6, 0.4, 0.4, 0.4, 0.4, 0.4));
        await ReadingsAsync(_app, site, counter, Date, (new TimeOnly(9, 30), 30, 5), (new TimeOnly(17, 30), 0, 20));
        return site;
    }

    private async Task<Dictionary<string, double>> ValuesAsync(int customerId)
    {
        await using var db = _app.SystemDb();
        return await (from v in db.IndicatorValues
                      join i in db.Indicators on v.IndicatorId equals i.Id
                      where v.CustomerId == customerId && v.Reference == DeviceIndicators.Reference && v.Date == Date
                      select new { i.Code, v.Value }).ToDictionaryAsync(x => x.Code, x => x.Value);
    }

    [Fact]
    public async Task The_close_step_writes_the_expected_values_and_reopen_removes_them()
    {
        var site = await SiteWithHistoryAsync();
        var step = await _app.AsSystemAsync(s => Task.FromResult(s.GetServices<ICloseStep>().OfType<DeviceIndicatorsCloseStep>().Single().Order));
        Assert.InRange(step, CloseStepOrder.LedgerIndicators + 1, CloseStepOrder.WarningRules - 1);

        await _app.AsSystemAsync(async s =>
        {
            await s.GetServices<ICloseStep>().OfType<DeviceIndicatorsCloseStep>().Single().RunAsync(Date, default);
            return 0;
        });
        // A rerun (a killed close) replaces the rows.
        var summary = await _app.AsSystemAsync(s => s.GetRequiredService<DeviceIndicators>().RunAsync(Date));
        Assert.Equal((1, 11), (summary.Customers, summary.Written));

        var values = await ValuesAsync(site.CustomerId);
        Assert.Equal(new Dictionary<string, double>
        {
            [StandardIndicators.Electricity] = 32,
            [StandardIndicators.Water] = 2.5,
            [StandardIndicators.Entries] = 30,
            [StandardIndicators.Headcount] = 25,
            [StandardIndicators.OperatingRate] = 50,
            [StandardIndicators.ElectricityMonthToDate] = 222,
            [StandardIndicators.Electricity30Days] = 322,
            [StandardIndicators.Electricity30DaysYoy] = -46.3,
            [StandardIndicators.Entries30Days] = 30,
            [StandardIndicators.Headcount30DaysAverage] = 25,
            [StandardIndicators.OperatingRate30Days] = 50,
        }, values);
        await using (var db = _app.SystemDb())
        {
            var customer = await db.Customers.SingleAsync(c => c.Id == site.CustomerId);
            Assert.All(await db.IndicatorValues.Where(v => v.Reference == DeviceIndicators.Reference).ToListAsync(), v =>
                Assert.Equal((customer.OrganisationPath, customer.AccountManagerId), (v.OrganisationPath, v.AccountManagerId)));
        }

        // Reopening the date undoes the step inside the reopen transaction.
        await using (var db = _app.SystemDb())
        {
            await db.Database.OpenConnectionAsync();
            var connection = db.Database.GetDbConnection();
            await using var tx = await connection.BeginTransactionAsync();
            await _app.AsSystemAsync(async s =>
            {
                await s.GetServices<ICloseStep>().OfType<DeviceIndicatorsCloseStep>().Single().UndoAsync(connection, tx, Date, default);
                return 0;
            });
            await tx.CommitAsync();
        }

        Assert.Empty(await ValuesAsync(site.CustomerId));
    }
}

public sealed class SqliteDeviceIndicatorsOfAClosedDate : DeviceIndicatorsOfAClosedDate
{
    protected override Task<TestApp> StartAsync(ManualClock clock) => TestApp.StartAsync(clock: clock);
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresDeviceIndicatorsOfAClosedDate(PostgresCluster cluster) : DeviceIndicatorsOfAClosedDate
{
    protected override async Task<TestApp> StartAsync(ManualClock clock) =>
        await TestApp.StartAsync(DatabaseProvider.Postgres, await cluster.CreateDatabaseAsync(), clock);
}
