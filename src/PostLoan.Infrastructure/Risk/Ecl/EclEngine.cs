using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;
using PostLoan.Domain.Common;
using PostLoan.Domain.Ledger.CreditSupport;
using PostLoan.Domain.Ledger.Loans;
using PostLoan.Domain.Risk;
using PostLoan.Infrastructure.Administration;
using PostLoan.Infrastructure.Ledger.Close;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Infrastructure.Risk.Classification;
using PostLoan.Infrastructure.Risk.Reports;

namespace PostLoan.Infrastructure.Risk.Ecl;

/// <summary>What a month-end ECL run did.</summary>
public sealed record EclSummary(string Month, DateOnly AsOf, long Loans, decimal Exposure, decimal Ecl, decimal Stage1, decimal Stage2, decimal Stage3, int Transitions, TimeSpan Elapsed);

/// <summary>The ECL parameters in force: scenarios, LGD table, PD overrides and the numeric settings.</summary>
public sealed record EclSettings(
    IReadOnlyList<EclScenario> Scenarios, IReadOnlyList<LgdRule> LgdRules, IReadOnlyList<PdOverride> Overrides, decimal Ccf,
    int LookbackMonths, int MinObservations, IReadOnlyList<decimal> FallbackPd);

/// <summary>PD segments calibrated for a run: per product, the monthly matrix and where each row came from.</summary>
public sealed record PdCalibration(IReadOnlyDictionary<int, TransitionMatrix> Matrices, IReadOnlyDictionary<int, PdSource[]> RowSources, long[,] BookCounts, int Pairs)
{
    /// <summary>Observations behind the book-wide matrix.</summary>
    public long Transitions
    {
        get
        {
            long n = 0;
            foreach (var c in BookCounts)
            {
                n += c;
            }

            return n;
        }
    }
}

/// <summary>
/// Month-end IFRS 9 expected credit loss (月末减值计提) for every open loan, as docs/risk.md describes: PD matrices
/// measured on the book's own month-end snapshots (cohort method, per product with the book's rows where a product has
/// too few observations, an override table on top), LGD by security and collateral coverage, EAD with the projected
/// amortisation, three weighted scenarios. Reads and writes without EF change tracking; one transaction, so a run
/// is all or nothing and rerunning a month replaces it.
/// </summary>
public sealed class EclEngine(PostLoanDbContext db, ParameterService parameters, TimeProvider clock, ILogger<EclEngine> logger)
{
    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    public async Task<EclSettings> SettingsAsync(CancellationToken cancellationToken = default)
    {
        var scenarios = await db.EclScenarios.AsNoTracking().OrderBy(s => s.Order).ToListAsync(cancellationToken);
        var lgd = await db.LgdRules.AsNoTracking().OrderBy(r => r.Security).ThenBy(r => r.MinCoverage).ToListAsync(cancellationToken);
        var overrides = await db.PdOverrides.AsNoTracking().ToListAsync(cancellationToken);
        var fallback = new List<decimal>();
        for (var i = 0; i < DpdBuckets.Default; i++)
        {
            fallback.Add(await parameters.DecimalAsync("risk.ecl.fallbackPd.m" + i.ToString(CultureInfo.InvariantCulture), i switch { 0 => 0.02m, 1 => 0.1m, 2 => 0.3m, _ => 0.5m }, cancellationToken));
        }

        return new EclSettings(scenarios, lgd, overrides, await parameters.DecimalAsync("risk.ecl.ccf", 0.5m, cancellationToken),
            (int)await parameters.DecimalAsync("risk.ecl.lookbackMonths", 12m, cancellationToken),
            (int)await parameters.DecimalAsync("risk.ecl.minObservations", 30m, cancellationToken), fallback);
    }

    /// <summary>Runs the month-end ECL of <paramref name="month"/> (yyyy-MM); its last day must be closed.</summary>
    public async Task<Result<EclSummary>> RunAsync(string month, CancellationToken cancellationToken = default)
    {
        var watch = Stopwatch.StartNew();
        var end = ReportSql.MonthEnd(month, "month");
        if (!end.IsSuccess)
        {
            return end.Error!;
        }

        var asOf = end.Value;
        var closed = await db.CloseRuns.Where(r => r.State == CloseRunState.Completed).MaxAsync(r => (DateOnly?)r.Date, cancellationToken);
        if (closed is null || closed < asOf || !await db.LoanSnapshots.AnyAsync(s => s.Date == asOf, cancellationToken))
        {
            return Error.Validation("month", $"the month-end {asOf:yyyy-MM-dd} has not been closed yet (last closed date: {closed?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "none"})");
        }

        var settings = await SettingsAsync(cancellationToken);
        if (EclCalculator.Validate(settings.Scenarios) is { } invalid)
        {
            return invalid;
        }

        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var calibration = await CalibrateAsync(connection, null, asOf, settings, cancellationToken);
            var loans = await ReadLoansAsync(connection, asOf, cancellationToken);
            var results = Compute(loans, calibration, settings, asOf);
            var summary = Summarise(month, asOf, results, calibration, watch);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var tx = transaction.GetDbTransaction();
            await using (var delete = BulkWriter.Command(connection, tx, "DELETE FROM ecl_results WHERE \"Month\" = @m", "m", month))
            {
                await delete.ExecuteNonQueryAsync(cancellationToken);
            }

            await BulkWriter.InsertAsync(connection, tx, "ecl_results", EclColumns.All, EclColumns.Rows(month, results, PositionColumns.StoresCents(connection)), cancellationToken);
            var run = await db.EclRuns.FirstOrDefaultAsync(r => r.Month == month, cancellationToken);
            if (run is null)
            {
                run = new EclRun { Month = month };
                db.EclRuns.Add(run);
            }

            run.AsOf = asOf;
            run.State = EclRunState.Completed;
            run.Loans = summary.Loans;
            run.Exposure = summary.Exposure;
            run.Ecl = summary.Ecl;
            run.EclStage1 = summary.Stage1;
            run.EclStage2 = summary.Stage2;
            run.EclStage3 = summary.Stage3;
            run.Parameters = Describe(settings, calibration);
            run.StartedAt = clock.GetUtcNow() - watch.Elapsed;
            run.CompletedAt = clock.GetUtcNow();
            run.StartedBy = db.CurrentUser.UserName;
            run.Seconds = Math.Round(watch.Elapsed.TotalSeconds, 1);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            logger.LogInformation("ECL {Month}: {Loans} loans, EAD {Ead}, ECL {Ecl} in {Ms} ms", month, summary.Loans, summary.Exposure, summary.Ecl, watch.ElapsedMilliseconds);
            return summary with { Elapsed = watch.Elapsed };
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// Counts month-to-month transitions between PD states (M0…M3, default) over the lookback months ending at
    /// <paramref name="asOf"/>, per product and for the whole book, and builds each product's monthly matrix: a product's
    /// row with at least MinObservations transitions, else the book's row, else the fallback PD as a constant hazard;
    /// default absorbing. Loans that settle within a month leave the cohort.
    /// </summary>
    public static async Task<PdCalibration> CalibrateAsync(DbConnection connection, DbTransaction? tx, DateOnly asOf, EclSettings settings, CancellationToken cancellationToken)
    {
        var counts = new Dictionary<int, long[,]>();
        var book = new long[DpdBuckets.Count, DpdBuckets.Count];
        var pairs = 0;
        var to = asOf;
        for (var k = 0; k < settings.LookbackMonths; k++)
        {
            var from = new DateOnly(to.Year, to.Month, 1).AddDays(-1);
            if (!await HasSnapshotsAsync(connection, tx, from, cancellationToken) || !await HasSnapshotsAsync(connection, tx, to, cancellationToken))
            {
                break;
            }

            pairs++;
            await using var command = BulkWriter.Command(connection, tx, $"""
                SELECT l."ProductId", {State("a")} AS f, {State("b")} AS t, COUNT(*)
                FROM loan_snapshots a
                JOIN loan_snapshots b ON b."LoanId" = a."LoanId" AND b."Date" = @to
                JOIN loans l ON l."Id" = a."LoanId"
                WHERE a."Date" = @from AND a."Status" <> 5 AND a."Status" <> 6 AND b."Status" <> 5
                GROUP BY l."ProductId", {State("a")}, {State("b")}
                """, "from", from, "to", to);
            await using var r = await command.ExecuteReaderAsync(cancellationToken);
            while (await r.ReadAsync(cancellationToken))
            {
                var product = r.GetInt32(0);
                if (!counts.TryGetValue(product, out var c))
                {
                    counts[product] = c = new long[DpdBuckets.Count, DpdBuckets.Count];
                }

                var (i, j, n) = (r.GetInt32(1), r.GetInt32(2), r.GetInt64(3));
                c[i, j] += n;
                book[i, j] += n;
            }

            to = from;
        }

        var matrices = new Dictionary<int, TransitionMatrix>();
        var sources = new Dictionary<int, PdSource[]>();
        foreach (var (product, c) in counts.Append(new KeyValuePair<int, long[,]>(0, new long[DpdBuckets.Count, DpdBuckets.Count])))
        {
            var rows = new double[DpdBuckets.Count][];
            var rowSources = new PdSource[DpdBuckets.Count];
            for (var i = 0; i < DpdBuckets.Count; i++)
            {
                rows[i] = new double[DpdBuckets.Count];
                if (i == DpdBuckets.Default)
                {
                    rows[i][i] = 1d;
                    rowSources[i] = PdSource.Defaulted;
                }
                else if (RowTotal(c, i) >= settings.MinObservations && RowTotal(c, i) > 0)
                {
                    Fill(rows[i], c, i);
                    rowSources[i] = PdSource.ProductMatrix;
                }
                else if (RowTotal(book, i) >= settings.MinObservations && RowTotal(book, i) > 0)
                {
                    Fill(rows[i], book, i);
                    rowSources[i] = PdSource.BookMatrix;
                }
                else
                {
                    var hazard = 1d - Math.Pow(1d - (double)settings.FallbackPd[i], 1d / 12d);
                    rows[i][i] = 1d - hazard;
                    rows[i][DpdBuckets.Default] = hazard;
                    rowSources[i] = PdSource.Fallback;
                }
            }

            matrices[product] = TransitionMatrix.FromRows(rows);
            sources[product] = rowSources;
        }

        return new PdCalibration(matrices, sources, book, pairs);

        static long RowTotal(long[,] c, int i)
        {
            long total = 0;
            for (var j = 0; j < DpdBuckets.Count; j++)
            {
                total += c[i, j];
            }

            return total;
        }

        static void Fill(double[] row, long[,] c, int i)
        {
            var total = (double)RowTotal(c, i);
            for (var j = 0; j < DpdBuckets.Count; j++)
            {
                row[j] = c[i, j] / total;
            }

            // Guard the row sum against rounding so FromRows accepts it.
            row[i] += 1d - row.Sum();
        }
    }

    /// <summary>SQL for the PD state of a snapshot: default when non-performing, more than 90 days past due or written off.</summary>
    private static string State(string a) =>
        $"CASE WHEN {a}.\"Status\" = 6 OR {a}.\"Category\" >= 3 THEN 4 ELSE {ReportSql.DpdBucket(a)} END";

    private static async Task<bool> HasSnapshotsAsync(DbConnection connection, DbTransaction? tx, DateOnly date, CancellationToken cancellationToken)
    {
        await using var command = BulkWriter.Command(connection, tx, "SELECT 1 FROM loan_snapshots WHERE \"Date\" = @d LIMIT 1", "d", date);
        return await command.ExecuteScalarAsync(cancellationToken) is not null and not DBNull;
    }

    private async Task<LoanInputs> ReadLoansAsync(DbConnection connection, DateOnly asOf, CancellationToken cancellationToken)
    {
        var cents = PositionColumns.StoresCents(connection);
        var inputs = new LoanInputs();
        var paths = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var command = BulkWriter.Command(connection, null, """
            SELECT s."LoanId", l."CustomerId", l."OrganisationId", l."OrganisationPath", l."AccountManagerId", l."ProductId", l."Method", l."Principal",
                   l."MaturityDate", s."AnnualRate", s."PrincipalOutstanding", s."OverduePrincipal", s."DueInterest", s."InterestAccrued",
                   s."DaysPastDue", s."Category", s."Stage"
            FROM loan_snapshots s JOIN loans l ON l."Id" = s."LoanId"
            WHERE s."Date" = @d AND s."Status" <> 5 AND s."Status" <> 6
            """, "d", asOf))
        await using (var r = await command.ExecuteReaderAsync(cancellationToken))
        {
            decimal M(int ordinal) => cents ? r.GetInt64(ordinal) / 100m : r.GetDecimal(ordinal);
            while (await r.ReadAsync(cancellationToken))
            {
                var path = r.GetString(3);
                if (!paths.TryGetValue(path, out var shared))
                {
                    paths[path] = shared = path;
                }

                inputs.Loans.Add(new LoanInput
                {
                    LoanId = r.GetInt64(0), CustomerId = r.GetInt32(1), OrganisationId = r.GetInt32(2), OrganisationPath = shared,
                    AccountManagerId = r.IsDBNull(4) ? null : r.GetString(4), ProductId = r.GetInt32(5), Method = (RepaymentMethod)r.GetInt32(6),
                    Limit = r.GetDecimal(7), Maturity = PositionColumns.Date(r, 8), AnnualRate = r.GetDecimal(9), Principal = M(10),
                    OverduePrincipal = M(11), Interest = M(12) + M(13), DaysPastDue = r.GetInt32(14), Category = (FiveLevelCategory)r.GetInt32(15),
                    Stage = (Ifrs9Stage)r.GetInt32(16),
                });
            }
        }

        // Collateral in force at the date: the lower of the secured amount and the collateral's latest value.
        await using (var command = BulkWriter.Command(connection, null, """
            SELECT a."LoanId", c."Type", a."SecuredAmount",
                   (SELECT v."Value" FROM collateral_valuations v WHERE v."CollateralId" = c."Id" AND v."ValuationDate" <= @d
                    ORDER BY v."ValuationDate" DESC, v."Id" DESC LIMIT 1)
            FROM collateral_assignments a JOIN collateral c ON c."Id" = a."CollateralId"
            WHERE c."RegisteredOn" <= @d AND (a."ReleasedOn" IS NULL OR a."ReleasedOn" > @d)
            """, "d", asOf))
        await using (var r = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await r.ReadAsync(cancellationToken))
            {
                var covered = r.IsDBNull(3) ? 0m : Math.Min(r.GetDecimal(2), r.GetDecimal(3));
                var loan = r.GetInt64(0);
                var type = (CollateralType)r.GetInt32(1);
                inputs.Collateral.TryGetValue(loan, out var c);
                inputs.Collateral[loan] = (c.Covered + covered, covered > c.Largest ? type : c.Type, Math.Max(c.Largest, covered));
            }
        }

        await using (var command = BulkWriter.Command(connection, null,
            "SELECT \"LoanId\", \"Amount\" FROM guarantees WHERE \"Status\" = @a AND \"StartDate\" <= @d AND \"EndDate\" >= @d",
            "a", (int)GuaranteeStatus.Active, "d", asOf))
        await using (var r = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await r.ReadAsync(cancellationToken))
            {
                var loan = r.GetInt64(0);
                inputs.Guaranteed[loan] = inputs.Guaranteed.GetValueOrDefault(loan) + r.GetDecimal(1);
            }
        }

        inputs.Flags = await RiskFlagsInForce.LoadAsync(connection, null, asOf, cancellationToken);
        logger.LogDebug("ECL inputs read: {Loans} loans", inputs.Loans.Count);
        return inputs;
    }

    /// <summary>Computes every loan's ECL on all cores.</summary>
    private static EclRow[] Compute(LoanInputs inputs, PdCalibration calibration, EclSettings settings, DateOnly asOf)
    {
        var loans = inputs.Loans;
        var results = new EclRow[loans.Count];
        var maxMonths = 1;
        foreach (var l in loans)
        {
            maxMonths = Math.Max(maxMonths, EclCalculator.RemainingMonths(asOf, l.Maturity));
        }

        var curves = new Dictionary<(int Product, int State), PdCurve>();
        PdCurve Curve(int product, int state)
        {
            var over = settings.Overrides.FirstOrDefault(o => o.ProductId == product && (int)o.Bucket == state)
                ?? settings.Overrides.FirstOrDefault(o => o.ProductId == null && (int)o.Bucket == state);
            if (over is not null)
            {
                return PdCurve.FromTwelveMonth((double)over.Pd12Month, maxMonths, PdSource.Override);
            }

            var key = calibration.Matrices.ContainsKey(product) ? product : 0;
            return PdCurve.FromMatrix(calibration.Matrices[key], state, maxMonths, calibration.RowSources[key][state]);
        }

        foreach (var product in loans.Select(l => l.ProductId).Distinct())
        {
            for (var state = 0; state < DpdBuckets.Default; state++)
            {
                curves[(product, state)] = Curve(product, state);
            }
        }

        var scenarios = settings.Scenarios.ToArray();
        var baseIndex = Array.FindIndex(scenarios, s => s.Code == "base");
        var upIndex = Array.FindIndex(scenarios, s => s.Code == "upside");
        var downIndex = Array.FindIndex(scenarios, s => s.Code == "downside");
        Parallel.For(0, Environment.ProcessorCount, worker =>
        {
            var exposure = new double[maxMonths + 1];
            for (var n = worker; n < loans.Count; n += Environment.ProcessorCount)
            {
                var l = loans[n];
                var significant = inputs.Flags.SignificantIncrease(l.CustomerId, l.LoanId);
                var reasons = EclCalculator.Reasons(l.DaysPastDue, l.Category, significant);
                var state = DpdBuckets.PdState(l.DaysPastDue, l.Category);
                var remaining = EclCalculator.RemainingMonths(asOf, l.Maturity);
                var undrawn = l.Method == RepaymentMethod.Revolving ? Math.Max(0m, l.Limit - l.Principal) : 0m;
                var ead1 = l.Principal + l.Interest;
                var (security, covered) = inputs.Collateral.TryGetValue(l.LoanId, out var c) && c.Covered > 0m
                    ? (c.Type.ToString(), c.Covered)
                    : inputs.Guaranteed.TryGetValue(l.LoanId, out var g) && g > 0m ? (EclCalculator.GuaranteeSecurity, g) : (EclCalculator.CreditSecurity, 0m);
                var coverage = ead1 > 0m ? Math.Round(covered / ead1, 4, MidpointRounding.AwayFromZero) : 0m;
                var lgd = EclCalculator.Lgd(settings.LgdRules, security, coverage);
                var curve = l.Stage == Ifrs9Stage.Stage3 || state == DpdBuckets.Default
                    ? new PdCurve([], PdSource.Defaulted)
                    : curves[(l.ProductId, state)];
                var stage = state == DpdBuckets.Default ? Ifrs9Stage.Stage3 : l.Stage;
                var outcome = EclCalculator.Compute(
                    new EclInput(stage, l.Method, l.Principal, l.OverduePrincipal, l.Interest, undrawn, l.AnnualRate, remaining, lgd),
                    curve, scenarios, settings.Ccf, exposure);
                results[n] = new EclRow
                {
                    Loan = l, Stage = stage, Reasons = reasons, Bucket = (DpdBucket)Math.Min(state, DpdBuckets.Default), Source = curve.Source,
                    Pd12 = outcome.Pd12Month, PdLifetime = outcome.PdLifetime, Security = security, Coverage = coverage, Lgd = lgd, Ead = outcome.Ead,
                    Remaining = remaining, Horizon = outcome.Horizon,
                    Base = baseIndex >= 0 ? outcome.ByScenario[baseIndex] : 0m, Upside = upIndex >= 0 ? outcome.ByScenario[upIndex] : 0m,
                    Downside = downIndex >= 0 ? outcome.ByScenario[downIndex] : 0m, Ecl = outcome.Ecl,
                };
            }
        });
        return results;
    }

    private static EclSummary Summarise(string month, DateOnly asOf, EclRow[] rows, PdCalibration calibration, Stopwatch watch)
    {
        decimal exposure = 0m, s1 = 0m, s2 = 0m, s3 = 0m;
        foreach (var r in rows)
        {
            exposure += r.Ead;
            switch (r.Stage)
            {
                case Ifrs9Stage.Stage1: s1 += r.Ecl; break;
                case Ifrs9Stage.Stage2: s2 += r.Ecl; break;
                default: s3 += r.Ecl; break;
            }
        }

        return new EclSummary(month, asOf, rows.Length, exposure, s1 + s2 + s3, s1, s2, s3, (int)calibration.Transitions, watch.Elapsed);
    }

    /// <summary>The parameters and matrices of a run as JSON (shown on the ECL page and the loan's explanation).</summary>
    private static string Describe(EclSettings settings, PdCalibration calibration) => JsonSerializer.Serialize(new
    {
        scenarios = settings.Scenarios.Select(s => new { s.Code, s.Name, s.Weight, s.PdMultiplier }),
        lgd = settings.LgdRules.Select(r => new { r.Security, r.MinCoverage, r.Lgd }),
        overrides = settings.Overrides.Select(o => new { o.ProductId, o.Bucket, o.Pd12Month, o.Note }),
        settings.Ccf,
        settings.LookbackMonths,
        settings.MinObservations,
        settings.FallbackPd,
        monthsOfHistory = calibration.Pairs,
        transitions = calibration.Transitions,
        matrices = calibration.Matrices.ToDictionary(
            m => m.Key.ToString(CultureInfo.InvariantCulture),
            m => new { rows = m.Value.Rows().Select(row => row.Select(p => Math.Round(p, 6))), sources = calibration.RowSources[m.Key].Select(s => s.ToString()) }),
    }, Json);

    private sealed class LoanInputs
    {
        public List<LoanInput> Loans { get; } = [];

        public Dictionary<long, (decimal Covered, CollateralType Type, decimal Largest)> Collateral { get; } = [];

        public Dictionary<long, decimal> Guaranteed { get; } = [];

        public RiskFlagsInForce Flags { get; set; } = null!;
    }

    internal sealed class LoanInput
    {
        public long LoanId;
        public int CustomerId;
        public int OrganisationId;
        public string OrganisationPath = "/";
        public string? AccountManagerId;
        public int ProductId;
        public RepaymentMethod Method;
        public decimal Limit;
        public DateOnly Maturity;
        public decimal AnnualRate;
        public decimal Principal;
        public decimal OverduePrincipal;
        public decimal Interest;
        public int DaysPastDue;
        public FiveLevelCategory Category;
        public Ifrs9Stage Stage;
    }

    internal struct EclRow
    {
        public LoanInput Loan;
        public Ifrs9Stage Stage;
        public StageReasons Reasons;
        public DpdBucket Bucket;
        public PdSource Source;
        public double Pd12;
        public double PdLifetime;
        public string Security;
        public decimal Coverage;
        public decimal Lgd;
        public decimal Ead;
        public int Remaining;
        public int Horizon;
        public decimal Base;
        public decimal Upside;
        public decimal Downside;
        public decimal Ecl;
    }
}

/// <summary>The columns of <c>ecl_results</c> in write order, and the rows of a run.</summary>
public static class EclColumns
{
    /// <summary>Money columns stored as whole cents on SQLite (the provisioning report sums them).</summary>
    public static readonly IReadOnlyList<string> CentColumns = ["Principal", "Ead", "EclBase", "EclUpside", "EclDownside", "Ecl"];

    internal static readonly IReadOnlyList<BulkColumn> All =
    [
        new("Month", typeof(string)), new("LoanId", typeof(long)), new("CustomerId", typeof(int)), new("OrganisationId", typeof(int)),
        new("OrganisationPath", typeof(string)), new("AccountManagerId", typeof(string)), new("ProductId", typeof(int)), new("Category", typeof(int)),
        new("Stage", typeof(int)), new("StageReasons", typeof(int)), new("DaysPastDue", typeof(int)), new("Bucket", typeof(int)),
        new("PdSource", typeof(int)), new("Pd12Month", typeof(double)), new("PdLifetime", typeof(double)), new("Security", typeof(string)),
        new("Coverage", typeof(decimal)), new("Lgd", typeof(decimal)), new("Principal", typeof(decimal)), new("Ead", typeof(decimal)),
        new("RemainingMonths", typeof(int)), new("Horizon", typeof(int)), new("DiscountRate", typeof(decimal)), new("EclBase", typeof(decimal)),
        new("EclUpside", typeof(decimal)), new("EclDownside", typeof(decimal)), new("Ecl", typeof(decimal)),
    ];

    /// <summary>Rows to write; one buffer is reused (the bulk writer consumes each row before asking for the next).</summary>
    internal static IEnumerable<object?[]> Rows(string month, EclEngine.EclRow[] rows, bool cents)
    {
        var buffer = new object?[All.Count];
        object M(decimal amount) => cents ? decimal.ToInt64(amount * 100m) : amount;
        foreach (var r in rows)
        {
            var l = r.Loan;
            buffer[0] = month;
            buffer[1] = l.LoanId;
            buffer[2] = l.CustomerId;
            buffer[3] = l.OrganisationId;
            buffer[4] = l.OrganisationPath;
            buffer[5] = l.AccountManagerId;
            buffer[6] = l.ProductId;
            buffer[7] = (int)l.Category;
            buffer[8] = (int)r.Stage;
            buffer[9] = (int)r.Reasons;
            buffer[10] = l.DaysPastDue;
            buffer[11] = (int)r.Bucket;
            buffer[12] = (int)r.Source;
            buffer[13] = r.Pd12;
            buffer[14] = r.PdLifetime;
            buffer[15] = r.Security;
            buffer[16] = r.Coverage;
            buffer[17] = r.Lgd;
            buffer[18] = M(l.Principal);
            buffer[19] = M(r.Ead);
            buffer[20] = r.Remaining;
            buffer[21] = r.Horizon;
            buffer[22] = l.AnnualRate;
            buffer[23] = M(r.Base);
            buffer[24] = M(r.Upside);
            buffer[25] = M(r.Downside);
            buffer[26] = M(r.Ecl);
            yield return buffer;
        }
    }
}
