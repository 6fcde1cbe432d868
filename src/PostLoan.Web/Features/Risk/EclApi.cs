using System.Globalization;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Common;
using PostLoan.Domain.Ledger.Loans;
using PostLoan.Domain.Risk;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Infrastructure.Risk.Ecl;
using PostLoan.Web.Common;

namespace PostLoan.Web.Features.Risk;

/// <summary>
/// IFRS 9 API (减值计提): month-end runs (list, run), a run's breakdown by stage, product or organisation within the
/// caller's scope, a loan's ECL with its explanation, and the parameters (scenarios, LGD table, PD overrides).
/// Reading needs <see cref="Policies.Risk"/> (a loan's own ECL: staff with the loan in scope); running and changing
/// parameters need <see cref="Policies.RiskManagement"/>.
/// </summary>
public static class EclApi
{
    public static void MapEclApi(this RouteGroupBuilder api)
    {
        var risk = api.MapGroup("/risk").WithTags("IFRS 9");
        risk.MapGet("/ecl-runs", async (PostLoanDbContext db, CancellationToken ct) => TypedResults.Ok(await EclQueries.RunsAsync(db, ct)))
            .RequireAuthorization(Policies.Risk);

        risk.MapPost("/ecl-runs", async Task<Results<Created<EclSummary>, ProblemHttpResult>> (EclRunInput input, EclEngine engine, CancellationToken ct) =>
        {
            var run = await engine.RunAsync(input.Month ?? "", ct);
            return run.IsSuccess ? TypedResults.Created($"/api/risk/ecl-runs/{run.Value!.Month}", run.Value) : ProblemResults.From(run.Error!);
        }).RequireAuthorization(Policies.RiskManagement);

        risk.MapGet("/ecl-runs/{month}/breakdown", async Task<Results<Ok<List<EclBreakdownRow>>, ProblemHttpResult>> (string month, string? by, PostLoanDbContext db, CancellationToken ct) =>
        {
            var rows = await EclQueries.BreakdownAsync(db, month, by ?? "stage", ct);
            return rows.IsSuccess ? TypedResults.Ok(rows.Value!) : ProblemResults.From(rows.Error!);
        }).RequireAuthorization(Policies.Risk);

        risk.MapGet("/ecl-parameters", async (PostLoanDbContext db, CancellationToken ct) => TypedResults.Ok(await EclQueries.ParametersAsync(db, ct)))
            .RequireAuthorization(Policies.Risk);

        risk.MapPut("/ecl-parameters", async Task<Results<Ok<EclParameters>, ProblemHttpResult>> (EclParameters input, PostLoanDbContext db, CancellationToken ct) =>
        {
            var saved = await EclQueries.SaveParametersAsync(db, input, ct);
            return saved.IsSuccess ? TypedResults.Ok(saved.Value!) : ProblemResults.From(saved.Error!);
        }).RequireAuthorization(Policies.RiskManagement);

        api.MapGet("/loans/{id:long}/ecl", async Task<Results<Ok<List<EclResultItem>>, ProblemHttpResult>> (long id, PostLoanDbContext db, CancellationToken ct) =>
        {
            var access = await db.FindInScopeAsync<Loan>(l => l.Id == id, id.ToString(CultureInfo.InvariantCulture), ct);
            return access.Outcome == AccessOutcome.Granted ? TypedResults.Ok(await EclQueries.LoanAsync(db, id, ct)) : ProblemResults.From(access, $"loan {id}");
        }).WithTags("IFRS 9").RequireAuthorization(Policies.Staff);
    }
}

/// <summary>Body of <c>POST /api/risk/ecl-runs</c>.</summary>
public sealed record EclRunInput(string? Month);

/// <summary>A month-end run as listed.</summary>
public sealed record EclRunItem(string Month, DateOnly AsOf, long Loans, decimal Exposure, decimal Ecl, decimal Stage1, decimal Stage2, decimal Stage3,
    DateTimeOffset StartedAt, DateTimeOffset? CompletedAt, string? StartedBy, double Seconds, string? Parameters);

/// <summary>One group of a run's breakdown: loans, exposure, ECL and ECL over EAD (4 decimals).</summary>
public sealed record EclBreakdownRow(string Key, long Loans, decimal Exposure, decimal Ecl, decimal? Rate);

/// <summary>A loan's month-end ECL with what it was computed from.</summary>
public sealed record EclResultItem(
    string Month,
    [property: JsonConverter(typeof(JsonStringEnumConverter<Ifrs9Stage>))] Ifrs9Stage Stage,
    [property: JsonConverter(typeof(JsonStringEnumConverter<StageReasons>))] StageReasons StageReasons,
    [property: JsonConverter(typeof(JsonStringEnumConverter<FiveLevelCategory>))] FiveLevelCategory Category,
    int DaysPastDue,
    [property: JsonConverter(typeof(JsonStringEnumConverter<DpdBucket>))] DpdBucket Bucket,
    [property: JsonConverter(typeof(JsonStringEnumConverter<PdSource>))] PdSource PdSource,
    double Pd12Month, double PdLifetime, string Security, decimal Coverage, decimal Lgd, decimal Principal, decimal Ead, int RemainingMonths, int Horizon,
    decimal DiscountRate, decimal EclBase, decimal EclUpside, decimal EclDownside, decimal Ecl);

/// <summary>The editable ECL parameters.</summary>
public sealed record EclParameters(List<ScenarioInput> Scenarios, List<LgdInput> Lgd, List<OverrideInput> Overrides);

public sealed record ScenarioInput(string Code, string Name, decimal Weight, decimal PdMultiplier);

public sealed record LgdInput(string Security, decimal MinCoverage, decimal Lgd);

public sealed record OverrideInput(int? ProductId, [property: JsonConverter(typeof(JsonStringEnumConverter<DpdBucket>))] DpdBucket Bucket, decimal Pd12Month, string? Note);

/// <summary>Queries and changes behind the ECL API and pages (one implementation for both).</summary>
public static class EclQueries
{
    /// <summary>Security keys of the LGD table: unsecured, guarantee, and each collateral type.</summary>
    public static readonly IReadOnlyList<string> Securities =
        [EclCalculator.CreditSecurity, EclCalculator.GuaranteeSecurity, .. Enum.GetNames<Domain.Ledger.CreditSupport.CollateralType>()];

    public static async Task<List<EclRunItem>> RunsAsync(PostLoanDbContext db, CancellationToken ct) =>
        (await db.EclRuns.AsNoTracking().OrderByDescending(r => r.Month).ToListAsync(ct))
        .Select(r => new EclRunItem(r.Month, r.AsOf, r.Loans, r.Exposure, r.Ecl, r.EclStage1, r.EclStage2, r.EclStage3, r.StartedAt, r.CompletedAt, r.StartedBy, r.Seconds, r.Parameters))
        .ToList();

    /// <summary>A run's results grouped by stage, product or organisation, within the caller's scope.</summary>
    public static async Task<Result<List<EclBreakdownRow>>> BreakdownAsync(PostLoanDbContext db, string month, string by, CancellationToken ct)
    {
        if (!await db.EclRuns.AnyAsync(r => r.Month == month, ct))
        {
            return Error.NotFound("ecl.not_found", $"no ECL run for {month}");
        }

        System.Linq.Expressions.Expression<Func<EclResult, int>>? key = by switch
        {
            "stage" => r => (int)r.Stage,
            "product" => r => r.ProductId,
            "organisation" => r => r.OrganisationId,
            _ => null,
        };
        if (key is null)
        {
            return Error.Validation("by", $"'{by}' is not stage, product or organisation");
        }

        var grouped = await db.EclResults.AsNoTracking().Where(r => r.Month == month).GroupBy(key)
            .Select(g => new { g.Key, Loans = g.LongCount(), Ead = g.Sum(r => r.Ead), Ecl = g.Sum(r => r.Ecl) }).ToListAsync(ct);

        var names = by switch
        {
            "product" => await db.LoanProducts.ToDictionaryAsync(p => p.Id, p => p.Code + " " + p.Name, ct),
            "organisation" => await db.Organisations.ToDictionaryAsync(o => o.Id, o => o.Name, ct),
            _ => grouped.ToDictionary(g => g.Key, g => ((Ifrs9Stage)g.Key).ToString()),
        };
        return grouped.OrderBy(g => g.Key)
            .Select(g => new EclBreakdownRow(names.GetValueOrDefault(g.Key, g.Key.ToString(CultureInfo.InvariantCulture)), g.Loans, g.Ead, g.Ecl,
                g.Ead > 0m ? Math.Round(g.Ecl / g.Ead, 4, MidpointRounding.AwayFromZero) : null))
            .ToList();
    }

    /// <summary>The loan's results, newest month first.</summary>
    public static async Task<List<EclResultItem>> LoanAsync(PostLoanDbContext db, long loanId, CancellationToken ct) =>
        (await db.EclResults.AsNoTracking().Where(r => r.LoanId == loanId).ToListAsync(ct))
        .OrderByDescending(r => r.Month, StringComparer.Ordinal)
        .Select(r => new EclResultItem(r.Month, r.Stage, r.StageReasons, r.Category, r.DaysPastDue, r.Bucket, r.PdSource, r.Pd12Month, r.PdLifetime, r.Security,
            r.Coverage, r.Lgd, r.Principal, r.Ead, r.RemainingMonths, r.Horizon, r.DiscountRate, r.EclBase, r.EclUpside, r.EclDownside, r.Ecl))
        .ToList();

    public static async Task<EclParameters> ParametersAsync(PostLoanDbContext db, CancellationToken ct) => new(
        (await db.EclScenarios.AsNoTracking().OrderBy(s => s.Order).ToListAsync(ct)).Select(s => new ScenarioInput(s.Code, s.Name, s.Weight, s.PdMultiplier)).ToList(),
        (await db.LgdRules.AsNoTracking().ToListAsync(ct)).OrderBy(r => r.Security, StringComparer.Ordinal).ThenBy(r => r.MinCoverage)
            .Select(r => new LgdInput(r.Security, r.MinCoverage, r.Lgd)).ToList(),
        (await db.PdOverrides.AsNoTracking().ToListAsync(ct)).OrderBy(o => o.ProductId).ThenBy(o => o.Bucket)
            .Select(o => new OverrideInput(o.ProductId, o.Bucket, o.Pd12Month, o.Note)).ToList());

    /// <summary>Validates and replaces the parameters (audited); the next run uses them.</summary>
    public static async Task<Result<EclParameters>> SaveParametersAsync(PostLoanDbContext db, EclParameters input, CancellationToken ct)
    {
        var scenarios = input.Scenarios.Select((s, i) => new EclScenario { Code = s.Code?.Trim() ?? "", Name = s.Name?.Trim() ?? "", Weight = s.Weight, PdMultiplier = s.PdMultiplier, Order = i + 1 }).ToList();
        if (scenarios.FirstOrDefault(s => s.Code.Length is 0 or > 20 || s.Name.Length is 0 or > 100) is { } unnamed)
        {
            return Error.Validation("scenarios", $"scenario {scenarios.IndexOf(unnamed) + 1}: code (≤ 20) and name (≤ 100) are required");
        }

        if (scenarios.GroupBy(s => s.Code).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            return Error.Validation("scenarios", $"scenario code '{twice.Key}' appears twice");
        }

        if (EclCalculator.Validate(scenarios) is { } invalid)
        {
            return invalid;
        }

        for (var i = 0; i < input.Lgd.Count; i++)
        {
            var r = input.Lgd[i];
            if (!Securities.Contains(r.Security) || r.MinCoverage < 0m || r.Lgd is < 0m or > 1m)
            {
                return Error.Validation("lgd", $"LGD row {i + 1}: security must be one of {string.Join(", ", Securities)}, coverage ≥ 0 and LGD between 0 and 1");
            }
        }

        if (input.Lgd.GroupBy(r => (r.Security, r.MinCoverage)).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
        {
            return Error.Validation("lgd", $"LGD rows: {duplicate.Key.Security} from coverage {duplicate.Key.MinCoverage} appears twice");
        }

        if (!input.Lgd.Any(r => r.Security == EclCalculator.CreditSecurity && r.MinCoverage == 0m))
        {
            return Error.Validation("lgd", "the table needs a Credit row from coverage 0 (unsecured loans)");
        }

        var products = await db.LoanProducts.Select(p => p.Id).ToListAsync(ct);
        for (var i = 0; i < input.Overrides.Count; i++)
        {
            var o = input.Overrides[i];
            if (o.ProductId is { } p && !products.Contains(p) || o.Bucket == DpdBucket.Over90 || !Enum.IsDefined(o.Bucket) || o.Pd12Month is < 0m or > 1m)
            {
                return Error.Validation("overrides", $"override {i + 1}: an existing product (or none for all), a bucket M0–M3 and a PD between 0 and 1 are required");
            }
        }

        if (input.Overrides.GroupBy(o => (o.ProductId, o.Bucket)).FirstOrDefault(g => g.Count() > 1) is { } again)
        {
            return Error.Validation("overrides", $"override for product {again.Key.ProductId?.ToString(CultureInfo.InvariantCulture) ?? "all"} and {again.Key.Bucket} appears twice");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        db.EclScenarios.RemoveRange(await db.EclScenarios.ToListAsync(ct));
        db.LgdRules.RemoveRange(await db.LgdRules.ToListAsync(ct));
        db.PdOverrides.RemoveRange(await db.PdOverrides.ToListAsync(ct));
        await db.SaveChangesAsync(ct);
        db.EclScenarios.AddRange(scenarios);
        db.LgdRules.AddRange(input.Lgd.Select(r => new LgdRule { Security = r.Security, MinCoverage = r.MinCoverage, Lgd = r.Lgd }));
        db.PdOverrides.AddRange(input.Overrides.Select(o => new PdOverride { ProductId = o.ProductId, Bucket = o.Bucket, Pd12Month = o.Pd12Month, Note = o.Note?.Trim() }));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return await ParametersAsync(db, ct);
    }
}
