using System.Globalization;
using System.Security.Claims;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Administration;
using PostLoan.Domain.Common;
using PostLoan.Domain.Ledger.Customers;
using PostLoan.Domain.Warning.Rules;
using PostLoan.Domain.Warning.Signals;
using PostLoan.Infrastructure.Ledger.Loans;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Infrastructure.Warning.Rules;
using PostLoan.Web.Common;

namespace PostLoan.Web.Features.Warning.Rules;

/// <summary>
/// Warning rules API (预警规则): the rule list and one rule with its versions, the catalogue a rule may use, an expression
/// check with the offending column, creating rules and versions, shadow runs, publication by a second risk manager,
/// retirement, shadow results per day, backtests of a version and feedback on raised signals, and "evaluate now" for one
/// customer. Reading needs the risk policy; writing rules needs a risk manager or an administrator; publishing a risk
/// manager who is not the author. Scope organisations outside the caller's data scope are refused (403).
/// </summary>
public static class WarningRulesApi
{
    /// <summary>The roles that write rules.</summary>
    public static readonly string[] Editors = [Roles.Administrator, Roles.RiskManager];

    public static void MapWarningRulesApi(this RouteGroupBuilder api)
    {
        var read = api.MapGroup("/warning").WithTags("Warning rules").RequireAuthorization(Policies.Risk);
        var write = api.MapGroup("/warning").WithTags("Warning rules").RequireAuthorization(p => p.RequireRole(Editors));

        read.MapGet("/rules", async (PostLoanDbContext db, CancellationToken ct) => TypedResults.Ok(await RuleQueries.ListAsync(db, ct)));
        read.MapGet("/rules/{id:int}", async Task<Results<Ok<RuleDetailView>, ProblemHttpResult>> (int id, PostLoanDbContext db, CancellationToken ct) =>
            await RuleQueries.DetailAsync(db, id, ct) is { } rule ? TypedResults.Ok(rule) : NotFound($"rule {id}"));
        read.MapGet("/catalogue", async (PostLoanDbContext db, CancellationToken ct) => TypedResults.Ok(await RuleQueries.CatalogueAsync(db, ct)));
        read.MapGet("/rules/{id:int}/shadow-results", async (int id, PostLoanDbContext db, CancellationToken ct) =>
            TypedResults.Ok(await RuleQueries.ShadowResultsAsync(db, id, ct)));
        read.MapGet("/rule-versions/{id:int}/backtest", async Task<Results<Ok<BacktestReport>, ProblemHttpResult>> (int id, RuleBacktests backtests, CancellationToken ct) =>
            await backtests.ReplayAsync(id, ct) is { } report ? TypedResults.Ok(report) : NotFound($"rule version {id}"));
        read.MapGet("/rules/{id:int}/feedback", async Task<Results<Ok<BacktestReport>, ProblemHttpResult>> (int id, RuleBacktests backtests, CancellationToken ct) =>
            await backtests.FeedbackAsync(id, ct) is { } report ? TypedResults.Ok(report) : NotFound($"rule {id}"));
        read.MapPost("/rules/check", async (CheckInput input, RuleService rules, CancellationToken ct) =>
            TypedResults.Ok(CheckView.Of(await rules.CheckAsync(input.Expression, ct))));

        write.MapPost("/rules", async Task<Results<Created<RuleDetailView>, ProblemHttpResult>> (RuleBody body, RuleService rules, PostLoanDbContext db, CancellationToken ct) =>
        {
            if (await ExpressionProblemAsync(rules, body.Version?.Expression, ct) is { } problem)
            {
                return problem;
            }

            var input = body.ToInput();
            if (!input.IsSuccess)
            {
                return ProblemResults.From(input.Error!);
            }

            var created = await rules.CreateAsync(input.Value!, ct);
            return created.IsSuccess
                ? TypedResults.Created($"/api/warning/rules/{created.Value.Rule.Id}", (await RuleQueries.DetailAsync(db, created.Value.Rule.Id, ct))!)
                : ProblemResults.From(created.Error!);
        });
        write.MapPost("/rules/{id:int}/versions", async Task<Results<Created<RuleVersionView>, ProblemHttpResult>> (int id, RuleVersionBody body, RuleService rules, CancellationToken ct) =>
        {
            if (await ExpressionProblemAsync(rules, body.Expression, ct) is { } problem)
            {
                return problem;
            }

            var input = body.ToInput();
            if (!input.IsSuccess)
            {
                return ProblemResults.From(input.Error!);
            }

            var version = await rules.AddVersionAsync(id, input.Value!, ct);
            return version.IsSuccess ? TypedResults.Created($"/api/warning/rules/{id}", RuleVersionView.Of(version.Value!)) : ProblemResults.From(version.Error!);
        });
        write.MapPut("/rule-versions/{id:int}", async Task<Results<Ok<RuleVersionView>, ProblemHttpResult>> (int id, RuleVersionBody body, RuleService rules, CancellationToken ct) =>
        {
            if (await ExpressionProblemAsync(rules, body.Expression, ct) is { } problem)
            {
                return problem;
            }

            var input = body.ToInput();
            return input.IsSuccess ? Respond(await rules.UpdateDraftAsync(id, input.Value!, ct)) : ProblemResults.From(input.Error!);
        });
        write.MapPost("/rule-versions/{id:int}/shadow", async (int id, RuleService rules, CancellationToken ct) => Respond(await rules.ShadowAsync(id, ct)));
        write.MapPost("/rule-versions/{id:int}/retire", async (int id, RuleService rules, CancellationToken ct) => Respond(await rules.RetireAsync(id, ct)));
        write.MapPost("/rule-versions/{id:int}/publish", async (int id, ClaimsPrincipal user, RuleService rules, CancellationToken ct) =>
            Respond(await rules.PublishAsync(id, user.IsInRole(Roles.RiskManager), ct)));

        api.MapPost("/warning/customers/{id:int}/evaluate", async Task<Results<Ok<CustomerEvaluation>, ProblemHttpResult>> (
            int id, PostLoanDbContext db, RealTimeRules realTime, LoanServicing servicing, CancellationToken ct) =>
        {
            var customer = await db.FindInScopeAsync<Customer>(c => c.Id == id, id.ToString(CultureInfo.InvariantCulture), ct);
            if (customer.Outcome != AccessOutcome.Granted)
            {
                return ProblemResults.From(customer, $"customer {id}");
            }

            return TypedResults.Ok(await realTime.EvaluateCustomerAsync(id, await servicing.OpenBusinessDateAsync(ct), ct));
        }).WithTags("Warning rules").RequireAuthorization(Policies.Write);
    }

    private static Results<Ok<RuleVersionView>, ProblemHttpResult> Respond(Result<WarningRuleVersion> result) =>
        result.IsSuccess ? TypedResults.Ok(RuleVersionView.Of(result.Value!)) : ProblemResults.From(result.Error!);

    private static ProblemHttpResult NotFound(string what) => ProblemResults.From(Error.NotFound("not_found", $"{what} does not exist"));

    /// <summary>400 naming the field <c>expression</c> with the column and length of the first error and every error found.</summary>
    private static async Task<ProblemHttpResult?> ExpressionProblemAsync(RuleService rules, string? expression, CancellationToken ct)
    {
        var check = await rules.CheckAsync(expression, ct);
        if (check.IsValid)
        {
            return null;
        }

        var first = check.Errors[0];
        return TypedResults.Problem(
            detail: first.Message,
            statusCode: StatusCodes.Status400BadRequest,
            title: "expression",
            type: "https://postloan.local/problems/expression",
            extensions: new Dictionary<string, object?>
            {
                ["field"] = "expression",
                ["position"] = first.Position,
                ["length"] = first.Length,
                ["errors"] = check.Errors.Select(e => new ExpressionError(e.Position, e.Length, e.Message)).ToList(),
            });
    }
}

/// <summary>Body of <c>POST /api/warning/rules</c>: a rule and its first version; enums by name.</summary>
public sealed record RuleBody(string? Code, string? NameZh, string? NameEn, string? Category, RuleVersionBody? Version)
{
    public Result<RuleInput> ToInput()
    {
        if (!ByName(Category, out RuleCategory category))
        {
            return Error.Validation("category", "must be Repayment, Financial, External or Operations");
        }

        if (Version is null)
        {
            return Error.Validation("version", "is required: the first version's expression, severity and scope");
        }

        var version = Version.ToInput();
        return version.IsSuccess ? new RuleInput(Code, NameZh, NameEn, category, version.Value!) : version.Error!;
    }

    /// <summary>An enum value by its name (any case); numbers are not names.</summary>
    internal static bool ByName<T>(string? text, out T value)
        where T : struct, Enum
    {
        value = default;
        return text is { Length: > 0 } && !char.IsAsciiDigit(text[0]) && Enum.TryParse(text, ignoreCase: true, out value) && Enum.IsDefined(value);
    }
}

/// <summary>Body of a version (new or a draft's change): severity Red, Orange or Yellow; customer kinds Person or Enterprise.</summary>
public sealed record RuleVersionBody(
    string? Expression, string? Severity, int[]? OrganisationIds, int[]? ProductIds, string[]? Industries, string[]? CustomerKinds,
    DateOnly? EffectiveFrom, DateOnly? EffectiveTo, string? Note)
{
    public Result<RuleVersionInput> ToInput()
    {
        if (!RuleBody.ByName(Severity, out SignalSeverity severity))
        {
            return Error.Validation("severity", "must be Red, Orange or Yellow");
        }

        var kinds = new List<CustomerKind>();
        foreach (var text in CustomerKinds ?? [])
        {
            if (!RuleBody.ByName(text, out CustomerKind kind))
            {
                return Error.Validation("customerKinds", $"'{text}' is not Person or Enterprise");
            }

            kinds.Add(kind);
        }

        return new RuleVersionInput(Expression, severity, OrganisationIds, ProductIds, Industries, kinds, EffectiveFrom, EffectiveTo, Note);
    }
}

/// <summary>Body of <c>POST /api/warning/rules/check</c>.</summary>
public sealed record CheckInput(string? Expression);

/// <summary>One error of an expression: 1-based column, length, message.</summary>
public sealed record ExpressionError(int Position, int Length, string Message);

/// <summary>The outcome of a check: valid with the features read, or the errors.</summary>
public sealed record CheckView(bool Valid, IReadOnlyList<string> Features, IReadOnlyList<ExpressionError> Errors)
{
    public static CheckView Of(RuleCheck check) => new(
        check.IsValid,
        check.Rule?.Features.Select(f => f.ToString()).ToList() ?? [],
        check.Errors.Select(e => new ExpressionError(e.Position, e.Length, e.Message)).ToList());
}

/// <summary>A version as the API shows it.</summary>
public sealed record RuleVersionView(
    int Id, int RuleId, int Number, string Expression,
    [property: JsonConverter(typeof(JsonStringEnumConverter))] SignalSeverity Severity,
    [property: JsonConverter(typeof(JsonStringEnumConverter))] RuleVersionState State,
    IReadOnlyList<int> OrganisationIds, IReadOnlyList<int> ProductIds, IReadOnlyList<string> Industries, IReadOnlyList<string> CustomerKinds,
    DateOnly? EffectiveFrom, DateOnly? EffectiveTo, string? Note, string AuthorId, string? AuthorName, DateTimeOffset CreatedAt,
    string? ApprovedById, string? ApprovedByName, DateTimeOffset? PublishedAt, DateTimeOffset? RetiredAt)
{
    public static RuleVersionView Of(WarningRuleVersion v) => new(v.Id, v.RuleId, v.Number, v.Expression, v.Severity, v.State,
        v.OrganisationIds, v.ProductIds, v.Industries, v.CustomerKinds.Select(k => k.ToString()).ToList(), v.EffectiveFrom, v.EffectiveTo, v.Note, v.AuthorId, v.AuthorName,
        v.CreatedAt, v.ApprovedById, v.ApprovedByName, v.PublishedAt, v.RetiredAt);
}

/// <summary>A rule in the list: its published version, if any, and how many versions run in shadow.</summary>
public sealed record RuleListItem(int Id, string Code, string NameZh, string NameEn, [property: JsonConverter(typeof(JsonStringEnumConverter))] RuleCategory Category, bool Starter,
    RuleVersionView? Published, int Shadows, int Drafts, int Versions);

/// <summary>A rule with all its versions, newest first.</summary>
public sealed record RuleDetailView(int Id, string Code, string NameZh, string NameEn, [property: JsonConverter(typeof(JsonStringEnumConverter))] RuleCategory Category, bool Starter, IReadOnlyList<RuleVersionView> Versions);

/// <summary>An indicator a rule may read.</summary>
public sealed record CatalogueIndicator(string Code, string NameZh, string NameEn, string Unit, [property: JsonConverter(typeof(JsonStringEnumConverter))] IndicatorKind Kind);

/// <summary>What a rule may use: indicator codes and functions.</summary>
public sealed record RuleCatalogueView(IReadOnlyList<CatalogueIndicator> Indicators, IReadOnlyList<string> Functions);

/// <summary>One night of a rule: hits of the published version and of each shadow version, with their overlap.</summary>
public sealed record ShadowDay(DateOnly Date, int? PublishedVersionId, int PublishedHits, IReadOnlyList<ShadowVersionDay> Shadows);

/// <summary>A shadow version's night: customers evaluated, hits, hits the published version shared, unknown.</summary>
public sealed record ShadowVersionDay(int VersionId, int Number, int Evaluated, int Hits, int Overlap, int Unknown);

/// <summary>Read models of the rule pages and API.</summary>
public static class RuleQueries
{
    public static async Task<List<RuleListItem>> ListAsync(PostLoanDbContext db, CancellationToken ct)
    {
        var rules = await db.WarningRules.AsNoTracking().OrderBy(r => r.Category).ThenBy(r => r.Code).ToListAsync(ct);
        var versions = (await db.WarningRuleVersions.AsNoTracking().ToListAsync(ct)).ToLookup(v => v.RuleId);
        return rules.Select(r =>
        {
            var own = versions[r.Id].ToList();
            var published = own.FirstOrDefault(v => v.State == RuleVersionState.Published);
            return new RuleListItem(r.Id, r.Code, r.NameZh, r.NameEn, r.Category, r.Starter, published is null ? null : RuleVersionView.Of(published),
                own.Count(v => v.State == RuleVersionState.Shadow), own.Count(v => v.State == RuleVersionState.Draft), own.Count);
        }).ToList();
    }

    public static async Task<RuleDetailView?> DetailAsync(PostLoanDbContext db, int id, CancellationToken ct)
    {
        var rule = await db.WarningRules.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct);
        if (rule is null)
        {
            return null;
        }

        var versions = await db.WarningRuleVersions.AsNoTracking().Where(v => v.RuleId == id).OrderByDescending(v => v.Number).ToListAsync(ct);
        return new RuleDetailView(rule.Id, rule.Code, rule.NameZh, rule.NameEn, rule.Category, rule.Starter, versions.Select(RuleVersionView.Of).ToList());
    }

    public static async Task<RuleCatalogueView> CatalogueAsync(PostLoanDbContext db, CancellationToken ct)
    {
        var stored = await db.Indicators.AsNoTracking().Where(i => i.Active)
            .Select(i => new CatalogueIndicator(i.Code, i.NameZh, i.NameEn, i.Unit, i.Kind)).ToListAsync(ct);
        var codes = stored.Select(i => i.Code).ToHashSet(StringComparer.Ordinal);
        var all = stored.Concat(Domain.Warning.Indicators.StandardIndicators.All.Where(s => !codes.Contains(s.Code))
            .Select(s => new CatalogueIndicator(s.Code, s.NameZh, s.NameEn, s.Unit, s.Kind))).OrderBy(i => i.Code, StringComparer.Ordinal).ToList();
        return new RuleCatalogueView(all, RuleFunctions.All.Select(f => RuleFunctions.IsWindowed(f) ? $"{RuleFunctions.Name(f)}(x, n)" : $"{RuleFunctions.Name(f)}(x)").ToList());
    }

    public static async Task<List<ShadowDay>> ShadowResultsAsync(PostLoanDbContext db, int ruleId, CancellationToken ct)
    {
        var runs = await db.RuleRuns.AsNoTracking().Where(r => r.RuleId == ruleId).OrderByDescending(r => r.Date).Take(400).ToListAsync(ct);
        var numbers = await db.WarningRuleVersions.AsNoTracking().Where(v => v.RuleId == ruleId).ToDictionaryAsync(v => v.Id, v => v.Number, ct);
        return runs.GroupBy(r => r.Date).Select(day =>
        {
            var published = day.FirstOrDefault(r => r.State == RuleVersionState.Published);
            return new ShadowDay(day.Key, published?.RuleVersionId, published?.Hits ?? 0,
                day.Where(r => r.State == RuleVersionState.Shadow)
                    .Select(r => new ShadowVersionDay(r.RuleVersionId, numbers.GetValueOrDefault(r.RuleVersionId), r.Evaluated, r.Hits, r.Overlap, r.Unknown)).ToList());
        }).ToList();
    }
}
