using System.Data.Common;
using System.Globalization;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Common;
using PostLoan.Domain.Ledger.Loans;
using PostLoan.Infrastructure.Administration;
using PostLoan.Infrastructure.Ledger.Close;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Infrastructure.Risk.Reports;

/// <summary>How the provisioning report groups loans: by the loan's organisation or by its product.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ProvisioningGrouping>))]
public enum ProvisioningGrouping
{
    Organisation,
    Product,
}

/// <summary>The regulatory provision rates in force (system parameters <c>risk.provision.*</c>).</summary>
public sealed record ProvisioningRates(decimal General, decimal SpecialMention, decimal Substandard, decimal Doubtful, decimal Loss);

/// <summary>
/// The figures of one group (or the total) for one month-end. Balance = principal outstanding of the month-end snapshot
/// of open loans (neither settled nor written off). Amounts are exact sums of cents; derived amounts are rounded to
/// cents and ratios to 4 decimals, half away from zero; ratios are computed from the rounded amounts.
/// <list type="bullet">
/// <item>NPL balance (不良贷款余额) = 次级 + 可疑 + 损失; NPL ratio (不良率) = NPL balance / balance (null when the balance is 0).</item>
/// <item>Regulatory provision (监管口径拨备) = general rate × balance + 2% × 关注 + 25% × 次级 + 50% × 可疑 + 100% × 损失
/// (rates from the parameters).</item>
/// <item>ECL (IFRS 9 减值准备) = Σ <c>ecl_results.Ecl</c> of the month's ECL run, also by stage; 0 when the month has no run.</item>
/// <item>Provision coverage ratio (拨备覆盖率) = provision / NPL balance (null when NPL = 0); loan provision ratio
/// (贷款拨备率) = provision / balance (null when the balance is 0) — each for the regulatory provision and for the ECL.</item>
/// </list>
/// </summary>
public sealed record ProvisioningFigures(
    long Loans, decimal Balance, decimal Normal, decimal SpecialMention, decimal Substandard, decimal Doubtful, decimal Loss,
    decimal NplBalance, decimal? NplRatio,
    decimal RegulatoryProvision, decimal? RegulatoryCoverageRatio, decimal? RegulatoryProvisionRatio,
    decimal Ecl, decimal EclStage1, decimal EclStage2, decimal EclStage3, decimal? EclCoverageRatio, decimal? EclProvisionRatio);

/// <summary>One group of the report: this month and the previous month (null when the previous month-end has no snapshots).</summary>
public sealed record ProvisioningRow(int Id, string Name, ProvisioningFigures Current, ProvisioningFigures? Previous);

/// <summary>The provisioning report (拨备报表) of a month, grouped, with a total row and the previous month for comparison.</summary>
public sealed record ProvisioningReportResult(
    string Month, DateOnly AsOf, string PreviousMonth, DateOnly PreviousAsOf, bool HasPrevious, ProvisioningGrouping By, ProvisioningRates Rates,
    bool EclAvailable, bool PreviousEclAvailable, IReadOnlyList<ProvisioningRow> Rows, ProvisioningRow Total);

/// <summary>
/// Computes the provisioning report from <c>loan_snapshots</c> and <c>ecl_results</c> within the caller's data scope
/// (applied in SQL on <c>loans</c>), grouped by the loan's organisation or product. See <see cref="ProvisioningFigures"/>
/// for the formulas.
/// </summary>
public sealed class ProvisioningReport(PostLoanDbContext db, ParameterService parameters)
{
    /// <summary>Parses a grouping: <c>organisation</c> (default when empty) or <c>product</c>.</summary>
    public static Result<ProvisioningGrouping> ParseGrouping(string? by) => by?.Trim().ToLowerInvariant() switch
    {
        null or "" or "organisation" or "organization" => ProvisioningGrouping.Organisation,
        "product" => ProvisioningGrouping.Product,
        _ => Error.Validation("by", $"'{by}' is not a grouping (organisation|product)"),
    };

    public async Task<ProvisioningRates> RatesAsync(CancellationToken cancellationToken = default) => new(
        await parameters.DecimalAsync("risk.provision.general", 0.01m, cancellationToken),
        await parameters.DecimalAsync("risk.provision.specialMention", 0.02m, cancellationToken),
        await parameters.DecimalAsync("risk.provision.substandard", 0.25m, cancellationToken),
        await parameters.DecimalAsync("risk.provision.doubtful", 0.5m, cancellationToken),
        await parameters.DecimalAsync("risk.provision.loss", 1m, cancellationToken));

    /// <summary>The report of <paramref name="month"/> (yyyy-MM), whose month-end must have snapshots.</summary>
    public async Task<Result<ProvisioningReportResult>> ComputeAsync(string? month, ProvisioningGrouping by, ReportFilter? filter = null, CancellationToken cancellationToken = default)
    {
        var end = ReportSql.MonthEnd(month, "month");
        if (!end.IsSuccess)
        {
            return end.Error!;
        }

        var sql = await ReportSql.BuildAsync(db, filter ?? new ReportFilter(), cancellationToken);
        if (!sql.IsSuccess)
        {
            return sql.Error!;
        }

        var rates = await RatesAsync(cancellationToken);
        var asOf = end.Value;
        var previousAsOf = new DateOnly(asOf.Year, asOf.Month, 1).AddDays(-1);
        var previousMonth = previousAsOf.ToString("yyyy-MM", CultureInfo.InvariantCulture);
        var current = new Dictionary<int, Sums>();
        var previous = new Dictionary<int, Sums>();
        bool hasPrevious, eclAvailable, previousEclAvailable;

        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            if (!await ReportSql.HasSnapshotsAsync(connection, asOf, cancellationToken))
            {
                return Error.Validation("month", $"there are no month-end snapshots on {asOf:yyyy-MM-dd}");
            }

            var cents = PositionColumns.StoresCents(connection);
            await ReadBalancesAsync(connection, sql.Value!, by, asOf, cents, current, cancellationToken);
            eclAvailable = await ReadEclAsync(connection, sql.Value!, by, month!, cents, current, cancellationToken);
            hasPrevious = await ReportSql.HasSnapshotsAsync(connection, previousAsOf, cancellationToken);
            previousEclAvailable = false;
            if (hasPrevious)
            {
                await ReadBalancesAsync(connection, sql.Value!, by, previousAsOf, cents, previous, cancellationToken);
                previousEclAvailable = await ReadEclAsync(connection, sql.Value!, by, previousMonth, cents, previous, cancellationToken);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        var ids = current.Keys.Union(previous.Keys).ToList();
        var names = by switch
        {
            ProvisioningGrouping.Organisation => await db.Organisations.AsNoTracking().Where(o => ids.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Name, cancellationToken),
            ProvisioningGrouping.Product => await db.LoanProducts.AsNoTracking().Where(p => ids.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Code + " " + p.Name, cancellationToken),
        };

        var rows = ids
            .Select(id => new ProvisioningRow(id, names.GetValueOrDefault(id) ?? id.ToString(CultureInfo.InvariantCulture),
                Figures(current.GetValueOrDefault(id) ?? new Sums(), rates),
                hasPrevious ? Figures(previous.GetValueOrDefault(id) ?? new Sums(), rates) : null))
            .OrderByDescending(r => r.Current.Balance).ThenBy(r => r.Id)
            .ToList();
        var total = new ProvisioningRow(0, "合计", Figures(Sums.Total(current.Values), rates), hasPrevious ? Figures(Sums.Total(previous.Values), rates) : null);
        return new ProvisioningReportResult(month!, asOf, previousMonth, previousAsOf, hasPrevious, by, rates, eclAvailable, previousEclAvailable, rows, total);
    }

    /// <summary>Applies the formulas of <see cref="ProvisioningFigures"/> to exact sums.</summary>
    public static ProvisioningFigures Figures(Sums s, ProvisioningRates rates)
    {
        var balance = s.ByCategory.Sum();
        var npl = s.ByCategory[2] + s.ByCategory[3] + s.ByCategory[4];
        var regulatory = Amount(rates.General * balance + rates.SpecialMention * s.ByCategory[1] + rates.Substandard * s.ByCategory[2]
            + rates.Doubtful * s.ByCategory[3] + rates.Loss * s.ByCategory[4]);
        var ecl = Amount(s.EclByStage.Sum());
        return new ProvisioningFigures(
            s.Loans, Amount(balance), Amount(s.ByCategory[0]), Amount(s.ByCategory[1]), Amount(s.ByCategory[2]), Amount(s.ByCategory[3]), Amount(s.ByCategory[4]),
            Amount(npl), Ratio(npl, balance),
            regulatory, Ratio(regulatory, npl), Ratio(regulatory, balance),
            ecl, Amount(s.EclByStage[0]), Amount(s.EclByStage[1]), Amount(s.EclByStage[2]), Ratio(ecl, npl), Ratio(ecl, balance));
    }

    /// <summary>Rounded to cents, half away from zero (四舍五入).</summary>
    public static decimal Amount(decimal value) => Math.Round(value, 2, MidpointRounding.AwayFromZero);

    /// <summary>part / whole to 4 decimals, half away from zero; null when whole is 0.</summary>
    public static decimal? Ratio(decimal part, decimal whole) => whole == 0m ? null : Math.Round(part / whole, 4, MidpointRounding.AwayFromZero);

    private static string GroupColumn(ProvisioningGrouping by) => by switch
    {
        ProvisioningGrouping.Organisation => "l.\"OrganisationId\"",
        ProvisioningGrouping.Product => "l.\"ProductId\"",
    };

    private static async Task ReadBalancesAsync(DbConnection connection, ReportSql sql, ProvisioningGrouping by, DateOnly date, bool cents, Dictionary<int, Sums> sums, CancellationToken cancellationToken)
    {
        await using var command = BulkWriter.Command(connection, null, $"""
            SELECT {GroupColumn(by)}, s."Category", COUNT(*), SUM(s."PrincipalOutstanding")
            FROM loan_snapshots s
            JOIN loans l ON l."Id" = s."LoanId"
            {sql.CustomerJoin}
            WHERE s."Date" = @d AND s."Status" <> @settled AND s."Status" <> @writtenOff{sql.Where}
            GROUP BY 1, 2
            """, sql.Parameters("d", date, "settled", (int)LoanStatus.Settled, "writtenOff", (int)LoanStatus.WrittenOff));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var group = For(sums, Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture));
            var category = Convert.ToInt32(reader.GetValue(1), CultureInfo.InvariantCulture);
            group.Loans += reader.GetInt64(2);
            group.ByCategory[Math.Clamp(category, 1, 5) - 1] += ReportSql.Money(reader, 3, cents);
        }
    }

    /// <summary>Adds the month's ECL by stage; false when the month has no ECL results at all (whatever the scope).</summary>
    private static async Task<bool> ReadEclAsync(DbConnection connection, ReportSql sql, ProvisioningGrouping by, string month, bool cents, Dictionary<int, Sums> sums, CancellationToken cancellationToken)
    {
        await using (var any = BulkWriter.Command(connection, null, "SELECT 1 FROM ecl_results WHERE \"Month\" = @m LIMIT 1", "m", month))
        {
            if (await any.ExecuteScalarAsync(cancellationToken) is null or DBNull)
            {
                return false;
            }
        }

        await using var command = BulkWriter.Command(connection, null, $"""
            SELECT {GroupColumn(by)}, e."Stage", SUM(e."Ecl")
            FROM ecl_results e
            JOIN loans l ON l."Id" = e."LoanId"
            {sql.CustomerJoin}
            WHERE e."Month" = @m{sql.Where}
            GROUP BY 1, 2
            """, sql.Parameters("m", month));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var group = For(sums, Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture));
            var stage = Convert.ToInt32(reader.GetValue(1), CultureInfo.InvariantCulture);
            group.EclByStage[Math.Clamp(stage, 1, 3) - 1] += ReportSql.Money(reader, 2, cents);
        }

        return true;
    }

    private static Sums For(Dictionary<int, Sums> sums, int id)
    {
        if (!sums.TryGetValue(id, out var s))
        {
            sums[id] = s = new Sums();
        }

        return s;
    }

    /// <summary>Exact sums of one group: loans, balance by category (index = category − 1), ECL by stage (index = stage − 1).</summary>
    public sealed class Sums
    {
        public long Loans { get; set; }

        public decimal[] ByCategory { get; } = new decimal[5];

        public decimal[] EclByStage { get; } = new decimal[3];

        public static Sums Total(IEnumerable<Sums> groups)
        {
            var total = new Sums();
            foreach (var g in groups)
            {
                total.Loans += g.Loans;
                for (var i = 0; i < 5; i++)
                {
                    total.ByCategory[i] += g.ByCategory[i];
                }

                for (var i = 0; i < 3; i++)
                {
                    total.EclByStage[i] += g.EclByStage[i];
                }
            }

            return total;
        }
    }
}
