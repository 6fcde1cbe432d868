using System.Globalization;
using System.Security.Claims;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Administration;
using PostLoan.Domain.Common;
using PostLoan.Domain.Ledger.Customers;
using PostLoan.Domain.Ledger.Loans;
using PostLoan.Domain.Risk;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Infrastructure.Risk.Classification;
using PostLoan.Web.Common;

namespace PostLoan.Web.Features.Risk;

/// <summary>
/// Five-level classification API (五级分类): the review list of loans with their floor, proposal and pending change;
/// one loan's classification with its history and risk flags; a person's request (reason and evidence); a risk
/// manager's approval or rejection under the two-person rule; risk flags. Records asked for by id are looked up
/// through <see cref="ScopedAccess"/> (403 outside the scope, audited; 404 when absent).
/// </summary>
public static class ClassificationApi
{
    public static void MapClassificationApi(this RouteGroupBuilder api)
    {
        var risk = api.MapGroup("/risk").WithTags("Risk classification");
        risk.MapGet("/classifications", async Task<Results<Ok<ClassificationPage>, ProblemHttpResult>> (
            [AsParameters] ClassificationListQuery query, PostLoanDbContext db, CancellationToken ct) =>
        {
            var result = await ClassificationQueries.ListAsync(db, query.ToFilter(), query.Page ?? 1, query.PageSize ?? 50, ct);
            return result.IsSuccess ? TypedResults.Ok(result.Value!) : ProblemResults.From(result.Error!);
        }).RequireAuthorization(Policies.Risk);

        api.MapGet("/loans/{id:long}/classification", async Task<Results<Ok<LoanClassificationView>, ProblemHttpResult>> (long id, PostLoanDbContext db, CancellationToken ct) =>
        {
            var access = await FindLoanAsync(db, id, ct);
            return access.Outcome == AccessOutcome.Granted
                ? TypedResults.Ok(await ClassificationQueries.LoanAsync(db, access.Value!, ct))
                : ProblemResults.From(access, $"loan {id}");
        }).WithTags("Risk classification").RequireAuthorization(Policies.Staff);

        api.MapPost("/loans/{id:long}/classification-requests", async Task<Results<Created<ClassificationChangeItem>, ProblemHttpResult>> (
            long id, ClassificationRequestInput input, PostLoanDbContext db, ClassificationService service, CancellationToken ct) =>
        {
            var access = await FindLoanAsync(db, id, ct);
            if (access.Outcome != AccessOutcome.Granted)
            {
                return ProblemResults.From(access, $"loan {id}");
            }

            var request = input.ToRequest();
            if (!request.IsSuccess)
            {
                return ProblemResults.From(request.Error!);
            }

            var change = await service.RequestAsync(id, request.Value!, ct);
            return change.IsSuccess
                ? TypedResults.Created($"/api/loans/{id}/classification", ClassificationChangeItem.Of(change.Value!))
                : ProblemResults.From(change.Error!);
        }).WithTags("Risk classification").RequireAuthorization(Policies.ClassificationRequest);

        var changes = risk.MapGroup("/classification-changes").RequireAuthorization(Policies.RiskManagement);
        changes.MapPost("/{id:long}/approve", (long id, DecisionInput input, ClaimsPrincipal user, PostLoanDbContext db, ClassificationService service, CancellationToken ct) =>
            DecideAsync(db, id, ct, () => service.ApproveAsync(id, input.Note, approverIsRiskManager: user.IsInRole(Roles.RiskManager), ct)));
        changes.MapPost("/{id:long}/reject", (long id, DecisionInput input, ClaimsPrincipal user, PostLoanDbContext db, ClassificationService service, CancellationToken ct) =>
            DecideAsync(db, id, ct, () => service.RejectAsync(id, input.Note, approverIsRiskManager: user.IsInRole(Roles.RiskManager), ct)));

        var flags = risk.MapGroup("/flags").RequireAuthorization(Policies.RiskManagement);
        flags.MapPost("/", async Task<Results<Created<RiskFlagItem>, ProblemHttpResult>> (RiskFlagInput input, PostLoanDbContext db, ClassificationService service, CancellationToken ct) =>
        {
            var customer = await db.FindInScopeAsync<Customer>(c => c.Id == input.CustomerId, input.CustomerId.ToString(CultureInfo.InvariantCulture), ct);
            if (customer.Outcome != AccessOutcome.Granted)
            {
                return ProblemResults.From(customer, $"customer {input.CustomerId}");
            }

            var request = input.ToRequest();
            if (!request.IsSuccess)
            {
                return ProblemResults.From(request.Error!);
            }

            var flag = await service.FlagAsync(request.Value!, ct);
            return flag.IsSuccess
                ? TypedResults.Created($"/api/risk/flags/{flag.Value!.Id}", RiskFlagItem.From(flag.Value))
                : ProblemResults.From(flag.Error!);
        });
        flags.MapPost("/{id:long}/end", async Task<Results<Ok<RiskFlagItem>, ProblemHttpResult>> (long id, EndFlagInput input, PostLoanDbContext db, ClassificationService service, CancellationToken ct) =>
        {
            var access = await db.FindInScopeAsync<RiskFlag>(f => f.Id == id, id.ToString(CultureInfo.InvariantCulture), ct);
            if (access.Outcome != AccessOutcome.Granted)
            {
                return ProblemResults.From(access, $"risk flag {id}");
            }

            if (input.Until is not { } until)
            {
                return ProblemResults.From(Error.Validation("until", "is required: the first date the flag no longer holds"));
            }

            var ended = await service.EndFlagAsync(id, until, ct);
            return ended.IsSuccess ? TypedResults.Ok(RiskFlagItem.From(ended.Value!)) : ProblemResults.From(ended.Error!);
        });
    }

    private static Task<Access<Loan>> FindLoanAsync(PostLoanDbContext db, long id, CancellationToken ct) =>
        db.FindInScopeAsync<Loan>(l => l.Id == id, id.ToString(CultureInfo.InvariantCulture), ct);

    /// <summary>A decision on a change: the change is checked against the scope first, then the service applies the two-person rule.</summary>
    private static async Task<Results<Ok<ClassificationChangeItem>, ProblemHttpResult>> DecideAsync(
        PostLoanDbContext db, long id, CancellationToken ct, Func<Task<Result<ClassificationChange>>> decide)
    {
        var access = await db.FindInScopeAsync<ClassificationChange>(c => c.Id == id, id.ToString(CultureInfo.InvariantCulture), ct);
        if (access.Outcome != AccessOutcome.Granted)
        {
            return ProblemResults.From(access, $"classification change {id}");
        }

        var decided = await decide();
        return decided.IsSuccess ? TypedResults.Ok(ClassificationChangeItem.Of(decided.Value!)) : ProblemResults.From(decided.Error!);
    }
}

/// <summary>Which loans the review list shows.</summary>
public enum ClassificationView
{
    /// <summary>Every classified loan (全部).</summary>
    All,
    /// <summary>The rules' proposal differs from the current category (建议与当前不一致).</summary>
    Changed,
    /// <summary>A change waits for a risk manager (待审批).</summary>
    Pending,
}

/// <summary>Query string of <c>GET /api/risk/classifications</c>.</summary>
public sealed record ClassificationListQuery(
    [FromQuery(Name = "organisationId")] int? OrganisationId,
    [FromQuery(Name = "view")] string? View,
    [FromQuery(Name = "category")] string? Category,
    [FromQuery(Name = "search")] string? Search,
    [FromQuery(Name = "page")] int? Page,
    [FromQuery(Name = "pageSize")] int? PageSize)
{
    public ClassificationFilter ToFilter() => new(OrganisationId, View, Category, Search);
}

/// <summary>Filters of the review list (the API and the page share them).</summary>
public sealed record ClassificationFilter(int? OrganisationId = null, string? View = null, string? Category = null, string? Search = null);

/// <summary>A page of the review list ordered by loan id.</summary>
public sealed record ClassificationPage(int Total, int Page, int PageSize, IReadOnlyList<ClassificationRow> Items);

/// <summary>A loan's classification in the review list: floor, the rules behind it, proposal, current category and any pending change.</summary>
public sealed record ClassificationRow(
    long LoanId,
    string LoanCode,
    int CustomerId,
    string CustomerName,
    int OrganisationId,
    string? OrganisationName,
    int DaysPastDue,
    decimal PrincipalOutstanding,
    DateOnly AsOf,
    [property: JsonConverter(typeof(JsonStringEnumConverter<FiveLevelCategory>))] FiveLevelCategory Floor,
    IReadOnlyList<string> Reasons,
    [property: JsonConverter(typeof(JsonStringEnumConverter<FiveLevelCategory>))] FiveLevelCategory Proposed,
    [property: JsonConverter(typeof(JsonStringEnumConverter<FiveLevelCategory>))] FiveLevelCategory Category,
    [property: JsonConverter(typeof(JsonStringEnumConverter<Ifrs9Stage>))] Ifrs9Stage Stage,
    PendingChangeItem? PendingChange);

/// <summary>The change of a loan waiting for a risk manager.</summary>
public sealed record PendingChangeItem(
    long Id,
    DateOnly Date,
    [property: JsonConverter(typeof(JsonStringEnumConverter<FiveLevelCategory>))] FiveLevelCategory From,
    [property: JsonConverter(typeof(JsonStringEnumConverter<FiveLevelCategory>))] FiveLevelCategory To,
    [property: JsonConverter(typeof(JsonStringEnumConverter<ChangeSource>))] ChangeSource Source,
    string? MakerId,
    string? Maker,
    string? Reason);

/// <summary>A dated classification change (分类变动) with its maker and checker.</summary>
public sealed record ClassificationChangeItem(
    long Id,
    long LoanId,
    DateOnly Date,
    [property: JsonConverter(typeof(JsonStringEnumConverter<FiveLevelCategory>))] FiveLevelCategory From,
    [property: JsonConverter(typeof(JsonStringEnumConverter<FiveLevelCategory>))] FiveLevelCategory To,
    [property: JsonConverter(typeof(JsonStringEnumConverter<FiveLevelCategory>))] FiveLevelCategory Floor,
    IReadOnlyList<string> Reasons,
    [property: JsonConverter(typeof(JsonStringEnumConverter<ChangeSource>))] ChangeSource Source,
    [property: JsonConverter(typeof(JsonStringEnumConverter<ChangeState>))] ChangeState State,
    string? Reason,
    string? Evidence,
    string? MakerId,
    string? Maker,
    DateTimeOffset ProposedAt,
    string? Checker,
    DateTimeOffset? DecidedAt,
    string? DecisionNote)
{
    public static ClassificationChangeItem Of(ClassificationChange c) => new(
        c.Id, c.LoanId, c.Date, c.From, c.To, c.Floor, ClassificationTexts.Flags(c.Reasons), c.Source, c.State, c.Reason, c.Evidence,
        c.ProposedBy, c.ProposedByName ?? c.ProposedBy, c.ProposedAt, c.DecidedByName ?? c.DecidedBy, c.DecidedAt, c.DecisionNote);
}

/// <summary>A risk flag on a debtor (all its loans) or one loan.</summary>
public sealed record RiskFlagItem(
    long Id,
    int CustomerId,
    long? LoanId,
    [property: JsonConverter(typeof(JsonStringEnumConverter<RiskFlagKind>))] RiskFlagKind Kind,
    DateOnly Since,
    DateOnly? Until,
    string Source,
    string? Reference,
    string? Note,
    string? RecordedBy,
    DateTimeOffset RecordedAt)
{
    public static RiskFlagItem From(RiskFlag f) => new(f.Id, f.CustomerId, f.LoanId, f.Kind, f.Since, f.Until, f.Source, f.Reference, f.Note, f.RecordedBy, f.RecordedAt);
}

/// <summary>
/// One loan's classification: the row (null before the first daily close classifies it), the held category and the
/// restructuring observation period, every change newest first, and the risk flags of the loan and its debtor.
/// </summary>
public sealed record LoanClassificationView(
    long LoanId,
    int CustomerId,
    ClassificationRow? Row,
    [property: JsonConverter(typeof(JsonStringEnumConverter<FiveLevelCategory>))] FiveLevelCategory? Held,
    DateOnly? ChangedOn,
    DateOnly? RestructuredOn,
    [property: JsonConverter(typeof(JsonStringEnumConverter<FiveLevelCategory>))] FiveLevelCategory? RestructureFloor,
    DateOnly? ObservationEnds,
    IReadOnlyList<ClassificationChangeItem> History,
    IReadOnlyList<RiskFlagItem> Flags);

/// <summary>Body of <c>POST /api/loans/{id}/classification-requests</c>.</summary>
public sealed record ClassificationRequestInput(string? Category, string? Reason, string? Evidence)
{
    public Result<ClassificationRequest> ToRequest() =>
        ClassificationTexts.TryParseCategory(Category, out var category)
            ? new ClassificationRequest(category, Reason, Evidence)
            : Error.Validation("category", "must be Normal, SpecialMention, Substandard, Doubtful or Loss");
}

/// <summary>Body of an approval or a rejection.</summary>
public sealed record DecisionInput(string? Note);

/// <summary>Body of <c>POST /api/risk/flags</c>.</summary>
public sealed record RiskFlagInput(int CustomerId, long? LoanId, string? Kind, DateOnly? Since, string? Note, string? Reference)
{
    public Result<RiskFlagRequest> ToRequest()
    {
        if (string.IsNullOrWhiteSpace(Kind) || !Enum.TryParse<RiskFlagKind>(Kind.Trim(), ignoreCase: true, out var kind) || !Enum.IsDefined(kind) || int.TryParse(Kind, out _))
        {
            return Error.Validation("kind", "must be CreditImpaired, RedSignal or RatingDowngrade");
        }

        if (Since is not { } since)
        {
            return Error.Validation("since", "is required: the first date the flag holds");
        }

        return new RiskFlagRequest(CustomerId, LoanId, kind, since, Note, Reference);
    }
}

/// <summary>Body of <c>POST /api/risk/flags/{id}/end</c>.</summary>
public sealed record EndFlagInput(DateOnly? Until);

/// <summary>Reads of the classification tables for the API and the pages; the query filters limit them to the caller's scope.</summary>
public static class ClassificationQueries
{
    /// <summary>Customers matched by name at most, for a search.</summary>
    private const int CustomerSearchCap = 1000;

    public static async Task<Result<ClassificationPage>> ListAsync(PostLoanDbContext db, ClassificationFilter filter, int page, int pageSize, CancellationToken ct)
    {
        if (page < 1 || pageSize is < 1 or > 500)
        {
            return Error.Validation(page < 1 ? "page" : "pageSize", page < 1 ? "must be 1 or more" : "must be between 1 and 500");
        }

        var view = ClassificationView.All;
        if (!string.IsNullOrWhiteSpace(filter.View) && (!Enum.TryParse(filter.View.Trim(), ignoreCase: true, out view) || !Enum.IsDefined(view) || int.TryParse(filter.View, out _)))
        {
            return Error.Validation("view", "must be all, changed or pending");
        }

        var rows = db.LoanClassifications.AsNoTracking();
        if (filter.OrganisationId is { } organisationId)
        {
            var path = await OrganisationFilter.PathAsync(db, organisationId, ct);
            if (!path.IsSuccess)
            {
                return path.Error!;
            }

            var prefix = path.Value!;
            rows = rows.Where(c => c.OrganisationPath.StartsWith(prefix));
        }

        if (!string.IsNullOrWhiteSpace(filter.Category))
        {
            if (!ClassificationTexts.TryParseCategory(filter.Category, out var category))
            {
                return Error.Validation("category", "must be Normal, SpecialMention, Substandard, Doubtful or Loss");
            }

            rows = rows.Where(c => c.Category == category);
        }

        rows = view switch
        {
            ClassificationView.All => rows,
            ClassificationView.Changed => rows.Where(c => c.Proposed != c.Category),
            ClassificationView.Pending => rows.Where(c => db.ClassificationChanges.Any(x => x.LoanId == c.LoanId && x.State == ChangeState.Pending)),
        };

        var loans = db.Loans.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(filter.Search))
        {
            var term = filter.Search.Trim();
            var customerIds = await db.Customers.AsNoTracking().Where(c => c.Name.Contains(term) || c.Code == term)
                .OrderBy(c => c.Id).Select(c => c.Id).Take(CustomerSearchCap).ToListAsync(ct);
            loans = customerIds.Count == 0 ? loans.Where(l => l.Code == term) : loans.Where(l => l.Code == term || customerIds.Contains(l.CustomerId));
        }

        var joined = from c in rows
                     join l in loans on c.LoanId equals l.Id
                     select c;
        var total = await joined.CountAsync(ct);
        var items = await ReadAsync(db, joined.OrderBy(c => c.LoanId).Skip((page - 1) * pageSize).Take(pageSize), ct);
        return new ClassificationPage(total, page, pageSize, items);
    }

    /// <summary>One loan's classification, history (newest first) and the risk flags of the loan and its debtor.</summary>
    public static async Task<LoanClassificationView> LoanAsync(PostLoanDbContext db, Loan loan, CancellationToken ct)
    {
        var classification = await db.LoanClassifications.AsNoTracking().FirstOrDefaultAsync(c => c.LoanId == loan.Id, ct);
        var row = classification is null ? null : (await ReadAsync(db, db.LoanClassifications.AsNoTracking().Where(c => c.LoanId == loan.Id), ct)).FirstOrDefault();
        var history = await db.ClassificationChanges.AsNoTracking().Where(c => c.LoanId == loan.Id)
            .OrderByDescending(c => c.Date).ThenByDescending(c => c.Id).ToListAsync(ct);
        var flags = await db.RiskFlags.AsNoTracking().Where(f => f.CustomerId == loan.CustomerId && (f.LoanId == null || f.LoanId == loan.Id))
            .OrderByDescending(f => f.Since).ThenByDescending(f => f.Id).ToListAsync(ct);
        return new LoanClassificationView(loan.Id, loan.CustomerId, row, classification?.Held, classification?.ChangedOn, classification?.RestructuredOn,
            classification?.RestructureFloor, classification?.ObservationEnds, history.Select(ClassificationChangeItem.Of).ToList(), flags.Select(RiskFlagItem.From).ToList());
    }

    /// <summary>The rows of <paramref name="classifications"/> with loan, customer, organisation, position and pending change.</summary>
    private static async Task<List<ClassificationRow>> ReadAsync(PostLoanDbContext db, IQueryable<LoanClassification> classifications, CancellationToken ct)
    {
        var found = await (from c in classifications
                           join l in db.Loans on c.LoanId equals l.Id
                           join cu in db.Customers on l.CustomerId equals cu.Id
                           join p in db.LoanPositions on c.LoanId equals p.LoanId
                           join o in db.Organisations on c.OrganisationId equals o.Id into organisations
                           from o in organisations.DefaultIfEmpty()
                           select new
                           {
                               c.LoanId, l.Code, cu.Id, cu.Name, c.OrganisationId, OrganisationName = o == null ? null : o.Name, p.DaysPastDue, p.PrincipalOutstanding,
                               c.AsOf, c.Floor, c.Reasons, c.Proposed, c.Category, c.Stage,
                           }).ToListAsync(ct);
        var ids = found.Select(f => f.LoanId).ToList();
        var pending = (await db.ClassificationChanges.AsNoTracking().Where(x => x.State == ChangeState.Pending && ids.Contains(x.LoanId)).ToListAsync(ct))
            .GroupBy(x => x.LoanId).ToDictionary(g => g.Key, g => g.OrderByDescending(x => x.Id).First());
        return found.OrderBy(f => f.LoanId).Select(f => new ClassificationRow(
            f.LoanId, f.Code, f.Id, f.Name, f.OrganisationId, f.OrganisationName, f.DaysPastDue, f.PrincipalOutstanding, f.AsOf, f.Floor,
            ClassificationTexts.Flags(f.Reasons), f.Proposed, f.Category, f.Stage,
            pending.TryGetValue(f.LoanId, out var x) ? new PendingChangeItem(x.Id, x.Date, x.From, x.To, x.Source, x.ProposedBy, x.ProposedByName ?? x.ProposedBy, x.Reason) : null)).ToList();
    }
}

/// <summary>Names and resource keys (texts.tsv) of the classification's enumerations.</summary>
public static class ClassificationTexts
{
    private static readonly ClassificationReasons[] AllReasons =
    [
        ClassificationReasons.DaysPastDue, ClassificationReasons.Restructured, ClassificationReasons.Contagion,
        ClassificationReasons.CreditImpaired, ClassificationReasons.RedSignal, ClassificationReasons.Held,
    ];

    /// <summary>The single flags of <paramref name="reasons"/>, in the order of the enumeration.</summary>
    public static IReadOnlyList<ClassificationReasons> Split(ClassificationReasons reasons) => AllReasons.Where(r => reasons.HasFlag(r)).ToList();

    /// <summary>The names of the single flags, e.g. <c>["DaysPastDue", "CreditImpaired"]</c>.</summary>
    public static IReadOnlyList<string> Flags(ClassificationReasons reasons) => Split(reasons).Select(r => r.ToString()).ToList();

    /// <summary>A category by name (case-insensitive); numbers are not accepted.</summary>
    public static bool TryParseCategory(string? text, out FiveLevelCategory category)
    {
        category = default;
        return !string.IsNullOrWhiteSpace(text) && !int.TryParse(text, out _)
            && Enum.TryParse(text.Trim(), ignoreCase: true, out category) && Enum.IsDefined(category);
    }

    public static string Reason(ClassificationReasons reason) => reason switch
    {
        ClassificationReasons.DaysPastDue => "ReasonDaysPastDue",
        ClassificationReasons.Restructured => "ReasonRestructured",
        ClassificationReasons.Contagion => "ReasonContagion",
        ClassificationReasons.CreditImpaired => "ReasonCreditImpaired",
        ClassificationReasons.RedSignal => "ReasonRedSignal",
        ClassificationReasons.Held => "ReasonHeld",
        _ => "ReasonNone",
    };

    /// <summary>The explanation of a reason flag (tooltip).</summary>
    public static string ReasonHelp(ClassificationReasons reason) => Reason(reason) + "Help";

    public static string Source(ChangeSource source) => source switch
    {
        ChangeSource.Rule => "SourceRule",
        ChangeSource.Manual => "SourceManual",
    };

    public static string State(ChangeState state) => state switch
    {
        ChangeState.Pending => "ChangePending",
        ChangeState.Applied => "ChangeApplied",
        ChangeState.Rejected => "ChangeRejected",
        ChangeState.Superseded => "ChangeSuperseded",
    };

    public static MudBlazor.Color StateColour(ChangeState state) => state switch
    {
        ChangeState.Pending => MudBlazor.Color.Warning,
        ChangeState.Applied => MudBlazor.Color.Success,
        ChangeState.Rejected => MudBlazor.Color.Error,
        ChangeState.Superseded => MudBlazor.Color.Default,
    };

    public static string Flag(RiskFlagKind kind) => kind switch
    {
        RiskFlagKind.RedSignal => "FlagRedSignal",
        RiskFlagKind.CreditImpaired => "FlagCreditImpaired",
        RiskFlagKind.RatingDowngrade => "FlagRatingDowngrade",
    };
}
