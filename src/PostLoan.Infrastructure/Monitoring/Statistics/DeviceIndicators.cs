using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;
using PostLoan.Domain.Monitoring.Statistics;
using PostLoan.Domain.Warning.Indicators;
using PostLoan.Infrastructure.Ledger.Close;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Infrastructure.Warning.Indicators;

namespace PostLoan.Infrastructure.Monitoring.Statistics;

/// <summary>What one night's device indicators wrote.</summary>
public sealed record DeviceIndicatorSummary(DateOnly Date, int Customers, int Written);

/// <summary>
/// The device indicators of a closed date (docs/monitoring-statistics.md), per enterprise customer with monitored sites
/// (all its sites together): the day's electricity, water, entries, peak headcount, operating rate and inventory-change
/// index (warehouse cameras); electricity month
/// to date; over the last 30 days electricity, its change against the same 30 days a year earlier (%), entries, average
/// headcount and operating rate. A measure without data writes no row. Idempotent: a run replaces the date's rows
/// (reference <c>device</c>); <see cref="UndoAsync"/> deletes them when the date is reopened.
/// </summary>
public sealed class DeviceIndicators(PostLoanDbContext db, SiteStatisticsService statistics, TimeProvider clock, ILogger<DeviceIndicators> logger)
{
    /// <summary>The reference of the rows this step writes.</summary>
    public const string Reference = "device";

    /// <summary>The window of the rolling indicators, in days (the date included).</summary>
    public const int WindowDays = 30;

    /// <summary>Indicator codes this step writes.</summary>
    public static readonly IReadOnlyList<string> Codes =
    [
        StandardIndicators.Electricity, StandardIndicators.Water, StandardIndicators.Entries, StandardIndicators.Headcount, StandardIndicators.OperatingRate,
        StandardIndicators.InventoryChange, StandardIndicators.ElectricityMonthToDate, StandardIndicators.Electricity30Days, StandardIndicators.Electricity30DaysYoy,
        StandardIndicators.Entries30Days, StandardIndicators.Headcount30DaysAverage, StandardIndicators.OperatingRate30Days,
    ];

    public async Task<DeviceIndicatorSummary> RunAsync(DateOnly date, CancellationToken cancellationToken = default)
    {
        var ids = await db.Indicators.AsNoTracking().Where(i => Codes.Contains(i.Code)).ToDictionaryAsync(i => i.Code, i => i.Id, StringComparer.Ordinal, cancellationToken);
        if (ids.Count < Codes.Count)
        {
            logger.LogWarning("Device indicators of {Date} skipped: the catalogue lacks {Codes}", Text(date), string.Join(", ", Codes.Where(c => !ids.ContainsKey(c))));
            return new DeviceIndicatorSummary(date, 0, 0);
        }

        var sites = await db.MonitoringSites.IgnoreQueryFilters().AsNoTracking().ToListAsync(cancellationToken);
        var windowFrom = date.AddDays(1 - WindowDays);
        var monthFrom = new DateOnly(date.Year, date.Month, 1);
        var readingsFrom = monthFrom < windowFrom ? monthFrom : windowFrom;
        var days = sites.Count == 0 ? [] : await statistics.DaysAsync(sites, windowFrom.AddYears(-1), date, readingsFrom, cancellationToken);
        var customers = sites.Select(s => s.CustomerId).Distinct().ToList();
        var scopes = await db.Customers.IgnoreQueryFilters().AsNoTracking().Where(c => customers.Contains(c.Id))
            .ToDictionaryAsync(c => c.Id, c => (c.OrganisationPath, c.AccountManagerId), cancellationToken);
        var now = clock.GetUtcNow();
        var rows = new List<object?[]>();
        foreach (var customer in customers)
        {
            var combined = SiteStatistics.Combine(sites.Where(s => s.CustomerId == customer).SelectMany(s => days.GetValueOrDefault(s.Id) ?? []));
            var (path, manager) = scopes[customer];
            void Write(string code, double? value)
            {
                if (value is { } v)
                {
                    rows.Add([ids[code], customer, null, date, v, Reference, Reference, now, path, manager]);
                }
            }

            if (combined.FirstOrDefault(d => d.Date == date) is { } day)
            {
                Write(StandardIndicators.Electricity, day.ElectricityKwh);
                Write(StandardIndicators.Water, day.WaterM3);
                Write(StandardIndicators.Entries, day.Entries);
                Write(StandardIndicators.Headcount, day.PeakHeadcount);
                Write(StandardIndicators.OperatingRate, day.OperatingHours is { } o && day.WorkingHours > 0 ? Math.Round(o / day.WorkingHours * 100, 1, MidpointRounding.AwayFromZero) : null);
                Write(StandardIndicators.InventoryChange, day.InventoryChange);
            }

            Write(StandardIndicators.ElectricityMonthToDate, SiteStatistics.Window(combined, monthFrom, date)?.ElectricityKwh);
            if (SiteStatistics.Window(combined, windowFrom, date) is { } window)
            {
                Write(StandardIndicators.Electricity30Days, window.ElectricityKwh);
                Write(StandardIndicators.Electricity30DaysYoy, window.ElectricityYoy);
                Write(StandardIndicators.Entries30Days, window.Entries);
                Write(StandardIndicators.Headcount30DaysAverage, window.AverageHeadcount);
                Write(StandardIndicators.OperatingRate30Days, window.OperatingRate);
            }
        }

        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        var connection = db.Database.GetDbConnection();
        var transaction = tx.GetDbTransaction();
        await IndicatorRows.DeleteAsync(connection, transaction, date, ids.Values, Reference, cancellationToken);
        await BulkWriter.InsertAsync(connection, transaction, "indicator_values", IndicatorRows.Columns, rows, cancellationToken);
        await tx.CommitAsync(cancellationToken);
        logger.LogInformation("Device indicators of {Date}: {Customers} customers, {Rows} values written", Text(date), customers.Count, rows.Count);
        return new DeviceIndicatorSummary(date, customers.Count, rows.Count);
    }

    /// <summary>Deletes the rows the step wrote for <paramref name="date"/>, inside the caller's transaction (a reopened date).</summary>
    public static async Task UndoAsync(DbConnection connection, DbTransaction tx, DateOnly date, CancellationToken cancellationToken)
    {
        var ids = new List<int>();
        var codes = string.Join(", ", Codes.Select((_, i) => "@c" + i.ToString(CultureInfo.InvariantCulture)));
        await using (var command = BulkWriter.Command(connection, tx, $"SELECT \"Id\" FROM indicators WHERE \"Code\" IN ({codes})",
            Codes.SelectMany((c, i) => new object?[] { "c" + i.ToString(CultureInfo.InvariantCulture), c }).ToArray()))
        await using (var r = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await r.ReadAsync(cancellationToken))
            {
                ids.Add(r.GetInt32(0));
            }
        }

        await IndicatorRows.DeleteAsync(connection, tx, date, ids, Reference, cancellationToken);
    }

    private static string Text(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>The device indicators as a step of the daily close: after the ledger indicators, before the warning rules, so rules read them the same night.</summary>
public sealed class DeviceIndicatorsCloseStep(DeviceIndicators indicators) : ICloseStep
{
    /// <inheritdoc />
    public int Order => CloseStepOrder.DeviceIndicators;

    /// <inheritdoc />
    public string Name => "device-indicators";

    /// <inheritdoc />
    public Task RunAsync(DateOnly date, CancellationToken cancellationToken) => indicators.RunAsync(date, cancellationToken);

    /// <inheritdoc />
    public Task UndoAsync(DbConnection connection, DbTransaction transaction, DateOnly date, CancellationToken cancellationToken) =>
        DeviceIndicators.UndoAsync(connection, transaction, date, cancellationToken);
}
