using System.Globalization;
using System.Security.Claims;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Administration;
using PostLoan.Domain.Common;
using PostLoan.Domain.Ledger.Customers;
using PostLoan.Domain.Risk;
using PostLoan.Domain.Warning.Signals;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Infrastructure.Warning.Signals;
using PostLoan.Web.Common;

namespace PostLoan.Web.Features.Warning.Signals;

/// <summary>Who may do what in the signal centre (信号中心).</summary>
public static class SignalRoles
{
    /// <summary>Reading signals: account managers (own customers), risk managers (subtree), auditors.</summary>
    public const string Read = Roles.RiskManager + "," + Roles.AccountManager + "," + Roles.Auditor;

    /// <summary>Working on signals (check, proposal, closing own actions): account and risk managers.</summary>
    public const string Work = Roles.RiskManager + "," + Roles.AccountManager;

    /// <summary>Raising, reassigning, confirming, disposing, releasing: risk managers.</summary>
    public const string Manage = Roles.RiskManager;

    public static AuthorizeAttribute Policy(string roles) => new() { Roles = roles };

    /// <summary>The actor of a request or a page.</summary>
    public static SignalActor Actor(ClaimsPrincipal user) => new(user.IsInRole(Roles.RiskManager));
}

/// <summary>
/// The signal centre API (<c>/api/warning/signals</c>): the list with filters, one signal with its timeline and disposal
/// actions, a manual signal, and every workflow step. A signal asked for by id is looked up through
/// <see cref="ScopedAccess"/> first (403 outside the scope, audited; 404 when absent); the workflow then applies the roles
/// and the two-person rule.
/// </summary>
public static class SignalApi
{
    public static void MapSignalApi(this RouteGroupBuilder api)
    {
        var signals = api.MapGroup("/warning/signals").WithTags("Warning signals").RequireAuthorization(SignalRoles.Policy(SignalRoles.Read));
        signals.MapGet("/", async Task<Results<Ok<SignalPage>, ProblemHttpResult>> ([AsParameters] SignalListQuery query, PostLoanDbContext db, TimeProvider clock, CancellationToken ct) =>
        {
            var filter = query.ToFilter();
            if (!filter.IsSuccess)
            {
                return ProblemResults.From(filter.Error!);
            }

            var page = await SignalQueries.ListAsync(db, clock, filter.Value!, query.Page ?? 1, query.PageSize ?? 50, ct);
            return page.IsSuccess ? TypedResults.Ok(page.Value!) : ProblemResults.From(page.Error!);
        });
        signals.MapGet("/{id:long}", async Task<Results<Ok<SignalDetail>, ProblemHttpResult>> (long id, PostLoanDbContext db, TimeProvider clock, CancellationToken ct) =>
        {
            var access = await FindAsync(db, id, ct);
            return access.Outcome == AccessOutcome.Granted ? TypedResults.Ok(await SignalQueries.DetailAsync(db, clock, access.Value!, ct)) : ProblemResults.From(access, $"signal {id}");
        });

        signals.MapPost("/", async Task<Results<Created<SignalDetail>, ProblemHttpResult>> (ManualSignalInput input, PostLoanDbContext db, SignalWorkflow workflow, TimeProvider clock, CancellationToken ct) =>
        {
            var customer = await db.FindInScopeAsync<Customer>(c => c.Id == input.CustomerId, input.CustomerId.ToString(CultureInfo.InvariantCulture), ct);
            if (customer.Outcome != AccessOutcome.Granted)
            {
                return ProblemResults.From(customer, $"customer {input.CustomerId}");
            }

            if (!SignalTexts.TryParse<SignalSeverity>(input.Severity, out var severity))
            {
                return ProblemResults.From(Error.Validation("severity", "must be Red, Orange or Yellow"));
            }

            var raised = await workflow.RaiseManualAsync(new ManualSignal(input.CustomerId, input.LoanId, severity, input.Title, input.Detail), ct);
            return raised.IsSuccess
                ? TypedResults.Created($"/api/warning/signals/{raised.Value!.Id}", await SignalQueries.DetailAsync(db, clock, raised.Value, ct))
                : ProblemResults.From(raised.Error!);
        }).RequireAuthorization(SignalRoles.Policy(SignalRoles.Manage));

        signals.MapPost("/{id:long}/assign", (long id, AssignInput input, ClaimsPrincipal user, PostLoanDbContext db, SignalWorkflow workflow, TimeProvider clock, CancellationToken ct) =>
            StepAsync(db, clock, id, ct, () => workflow.AssignAsync(id, input.UserId, input.Note, SignalRoles.Actor(user), ct)))
            .RequireAuthorization(SignalRoles.Policy(SignalRoles.Manage));
        signals.MapPost("/{id:long}/check", (long id, NoteInput input, ClaimsPrincipal user, PostLoanDbContext db, SignalWorkflow workflow, TimeProvider clock, CancellationToken ct) =>
            StepAsync(db, clock, id, ct, () => workflow.RecordCheckAsync(id, input.Note, SignalRoles.Actor(user), ct)))
            .RequireAuthorization(SignalRoles.Policy(SignalRoles.Work));
        signals.MapPost("/{id:long}/propose", (long id, ProposalInput input, ClaimsPrincipal user, PostLoanDbContext db, SignalWorkflow workflow, TimeProvider clock, CancellationToken ct) =>
            StepAsync(db, clock, id, ct, () => SignalTexts.TryParse<SignalStatus>(input.Outcome, out var outcome)
                ? workflow.ProposeAsync(id, outcome, input.Reason, input.Evidence, SignalRoles.Actor(user), ct)
                : Task.FromResult<Result<WarningSignal>>(Error.Validation("outcome", "must be Verified or Dismissed"))))
            .RequireAuthorization(SignalRoles.Policy(SignalRoles.Work));
        signals.MapPost("/{id:long}/confirm", (long id, NoteInput input, ClaimsPrincipal user, PostLoanDbContext db, SignalWorkflow workflow, TimeProvider clock, CancellationToken ct) =>
            StepAsync(db, clock, id, ct, () => workflow.ConfirmAsync(id, input.Note, SignalRoles.Actor(user), ct)))
            .RequireAuthorization(SignalRoles.Policy(SignalRoles.Manage));
        signals.MapPost("/{id:long}/return", (long id, NoteInput input, ClaimsPrincipal user, PostLoanDbContext db, SignalWorkflow workflow, TimeProvider clock, CancellationToken ct) =>
            StepAsync(db, clock, id, ct, () => workflow.ReturnAsync(id, input.Note, SignalRoles.Actor(user), ct)))
            .RequireAuthorization(SignalRoles.Policy(SignalRoles.Manage));
        signals.MapPost("/{id:long}/release", (long id, ReleaseInput input, ClaimsPrincipal user, PostLoanDbContext db, SignalWorkflow workflow, TimeProvider clock, CancellationToken ct) =>
            StepAsync(db, clock, id, ct, () => workflow.ReleaseAsync(id, new SignalRelease(input.RealRisk, input.Outcome, input.Unfreeze ?? false), SignalRoles.Actor(user), ct)))
            .RequireAuthorization(SignalRoles.Policy(SignalRoles.Manage));

        signals.MapPost("/{id:long}/actions", async Task<Results<Created<SignalDetail>, ProblemHttpResult>> (long id, ActionInput input, ClaimsPrincipal user, PostLoanDbContext db, SignalWorkflow workflow, TimeProvider clock, CancellationToken ct) =>
        {
            var access = await FindAsync(db, id, ct);
            if (access.Outcome != AccessOutcome.Granted)
            {
                return ProblemResults.From(access, $"signal {id}");
            }

            var request = input.ToRequest();
            if (!request.IsSuccess)
            {
                return ProblemResults.From(request.Error!);
            }

            var added = await workflow.AddActionAsync(id, request.Value!, SignalRoles.Actor(user), ct);
            return added.IsSuccess
                ? TypedResults.Created($"/api/warning/signals/{id}", await SignalQueries.DetailAsync(db, clock, id, ct))
                : ProblemResults.From(added.Error!);
        }).RequireAuthorization(SignalRoles.Policy(SignalRoles.Manage));
        signals.MapPost("/{id:long}/actions/{actionId:long}/done", (long id, long actionId, NoteInput input, ClaimsPrincipal user, PostLoanDbContext db, SignalWorkflow workflow, TimeProvider clock, CancellationToken ct) =>
            StepAsync(db, clock, id, ct, () => workflow.CloseActionAsync(id, actionId, DisposalState.Done, input.Note, SignalRoles.Actor(user), ct)))
            .RequireAuthorization(SignalRoles.Policy(SignalRoles.Work));
        signals.MapPost("/{id:long}/actions/{actionId:long}/cancel", (long id, long actionId, NoteInput input, ClaimsPrincipal user, PostLoanDbContext db, SignalWorkflow workflow, TimeProvider clock, CancellationToken ct) =>
            StepAsync(db, clock, id, ct, () => workflow.CloseActionAsync(id, actionId, DisposalState.Cancelled, input.Note, SignalRoles.Actor(user), ct)))
            .RequireAuthorization(SignalRoles.Policy(SignalRoles.Work));
    }

    private static Task<Access<WarningSignal>> FindAsync(PostLoanDbContext db, long id, CancellationToken ct) =>
        db.FindInScopeAsync<WarningSignal>(s => s.Id == id, id.ToString(CultureInfo.InvariantCulture), ct);

    /// <summary>A workflow step: the signal is checked against the scope first; the answer is the signal with its timeline.</summary>
    private static async Task<Results<Ok<SignalDetail>, ProblemHttpResult>> StepAsync<T>(
        PostLoanDbContext db, TimeProvider clock, long id, CancellationToken ct, Func<Task<Result<T>>> step)
    {
        var access = await FindAsync(db, id, ct);
        if (access.Outcome != AccessOutcome.Granted)
        {
            return ProblemResults.From(access, $"signal {id}");
        }

        var done = await step();
        return done.IsSuccess ? TypedResults.Ok(await SignalQueries.DetailAsync(db, clock, id, ct)) : ProblemResults.From(done.Error!);
    }
}

/// <summary>Query string of <c>GET /api/warning/signals</c>.</summary>
public sealed record SignalListQuery(
    [FromQuery(Name = "status")] string? Status,
    [FromQuery(Name = "severity")] string? Severity,
    [FromQuery(Name = "source")] string? Source,
    [FromQuery(Name = "organisationId")] int? OrganisationId,
    [FromQuery(Name = "mine")] bool? Mine,
    [FromQuery(Name = "overdue")] bool? Overdue,
    [FromQuery(Name = "customerId")] int? CustomerId,
    [FromQuery(Name = "page")] int? Page,
    [FromQuery(Name = "pageSize")] int? PageSize)
{
    public Result<SignalFilter> ToFilter()
    {
        SignalStatus? status = null;
        SignalSeverity? severity = null;
        SignalSource? source = null;
        if (!string.IsNullOrWhiteSpace(Status) && !Status.Trim().Equals("all", StringComparison.OrdinalIgnoreCase))
        {
            if (Status.Trim().Equals("open", StringComparison.OrdinalIgnoreCase))
            {
                return new SignalFilter(null, Sev(), Src(), OrganisationId, Mine ?? false, Overdue ?? false, CustomerId, OpenOnly: true);
            }

            if (!SignalTexts.TryParse<SignalStatus>(Status, out var s))
            {
                return Error.Validation("status", "must be open, all, Raised, Assigned, PendingVerification, Verified, Dismissed or Released");
            }

            status = s;
        }

        if (!string.IsNullOrWhiteSpace(Severity))
        {
            if (!SignalTexts.TryParse<SignalSeverity>(Severity, out var s))
            {
                return Error.Validation("severity", "must be Red, Orange or Yellow");
            }

            severity = s;
        }

        if (!string.IsNullOrWhiteSpace(Source))
        {
            if (!SignalTexts.TryParse<SignalSource>(Source, out var s))
            {
                return Error.Validation("source", "must be Rule, RelatedParty, DeviceAlarm or Manual");
            }

            source = s;
        }

        return new SignalFilter(status, severity, source, OrganisationId, Mine ?? false, Overdue ?? false, CustomerId);

        SignalSeverity? Sev() => SignalTexts.TryParse<SignalSeverity>(Severity, out var s) ? s : null;
        SignalSource? Src() => SignalTexts.TryParse<SignalSource>(Source, out var s) ? s : null;
    }
}

/// <summary>Filters of the signal list (the API and the page share them).</summary>
public sealed record SignalFilter(
    SignalStatus? Status = null, SignalSeverity? Severity = null, SignalSource? Source = null, int? OrganisationId = null,
    bool Mine = false, bool Overdue = false, int? CustomerId = null, bool OpenOnly = false);

/// <summary>A page of signals, most severe and newest first.</summary>
public sealed record SignalPage(int Total, int Page, int PageSize, IReadOnlyList<SignalItem> Items);

/// <summary>A signal in the list.</summary>
public sealed record SignalItem(
    long Id,
    int CustomerId,
    string CustomerCode,
    string CustomerName,
    long? LoanId,
    [property: JsonConverter(typeof(JsonStringEnumConverter<SignalSource>))] SignalSource Source,
    [property: JsonConverter(typeof(JsonStringEnumConverter<SignalSeverity>))] SignalSeverity Severity,
    [property: JsonConverter(typeof(JsonStringEnumConverter<SignalStatus>))] SignalStatus Status,
    string Title,
    DateOnly RaisedOn,
    DateTimeOffset RaisedAt,
    DateOnly LastSeenOn,
    int Occurrences,
    string? AssignedToId,
    string? AssignedToName,
    DateTimeOffset? DueAt,
    DateTimeOffset? EscalatedAt,
    bool Overdue,
    int OrganisationId,
    string? OrganisationName);

/// <summary>One step of the timeline.</summary>
public sealed record SignalStepItem(
    long Id,
    [property: JsonConverter(typeof(JsonStringEnumConverter<SignalStepKind>))] SignalStepKind Kind,
    DateTimeOffset At,
    string ActorId,
    string? ActorName,
    [property: JsonConverter(typeof(JsonStringEnumConverter<SignalStatus>))] SignalStatus From,
    [property: JsonConverter(typeof(JsonStringEnumConverter<SignalStatus>))] SignalStatus To,
    string? Note,
    [property: JsonConverter(typeof(JsonStringEnumConverter<SignalStatus>))] SignalStatus? Outcome,
    string? Evidence,
    string? AssigneeId,
    bool? RealRisk,
    long? ActionId,
    string? AssigneeName = null)
{
    /// <summary>The step as shown; <paramref name="assigneeName"/> names the person a raise or an assignment went to.</summary>
    public static SignalStepItem Of(SignalStep s, string? assigneeName = null) =>
        new(s.Id, s.Kind, s.At, s.ActorId, s.ActorName, s.From, s.To, s.Note, s.Outcome, s.Evidence, s.AssigneeId, s.RealRisk, s.ActionId, assigneeName);
}

/// <summary>A disposal action (处置措施).</summary>
public sealed record DisposalActionItem(
    long Id,
    [property: JsonConverter(typeof(JsonStringEnumConverter<DisposalKind>))] DisposalKind Kind,
    [property: JsonConverter(typeof(JsonStringEnumConverter<DisposalState>))] DisposalState State,
    string OwnerId,
    string? OwnerName,
    DateTimeOffset DueAt,
    string? Note,
    decimal? Amount,
    long? CreditLineId,
    long? LoanId,
    long? ClassificationChangeId,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ClosedAt,
    string? Outcome,
    DateTimeOffset? EscalatedAt,
    bool Overdue);

/// <summary>One signal: the list row, what was seen, the timeline oldest first, the disposal actions and the red-signal risk flag.</summary>
public sealed record SignalDetail(
    SignalItem Signal,
    string? Detail,
    IReadOnlyList<SignalStepItem> Steps,
    IReadOnlyList<DisposalActionItem> Actions,
    SignalStepItem? PendingProposal,
    Risk.RiskFlagItem? RedFlag);

/// <summary>Body of <c>POST /api/warning/signals</c>.</summary>
public sealed record ManualSignalInput(int CustomerId, long? LoanId, string? Severity, string? Title, string? Detail);

/// <summary>Body of an assignment.</summary>
public sealed record AssignInput(string? UserId, string? Note);

/// <summary>Body of a step that needs a note.</summary>
public sealed record NoteInput(string? Note);

/// <summary>Body of a proposal (认定建议).</summary>
public sealed record ProposalInput(string? Outcome, string? Reason, string? Evidence);

/// <summary>Body of a release (解除) with feedback.</summary>
public sealed record ReleaseInput(bool? RealRisk, string? Outcome, bool? Unfreeze);

/// <summary>Body of <c>POST /api/warning/signals/{id}/actions</c>.</summary>
public sealed record ActionInput(string? Kind, string? OwnerId, DateOnly? DueDate, string? Note, decimal? Amount, long? CreditLineId, long? LoanId, string? Category)
{
    public Result<NewDisposalAction> ToRequest()
    {
        if (!SignalTexts.TryParse<DisposalKind>(Kind, out var kind))
        {
            return Error.Validation("kind", "must be FreezeLimit, ReduceLimit, DemandEarlyRepayment, AddCollateral, RaiseInspectionFrequency, ProposeDowngrade or StartCollection");
        }

        FiveLevelCategory? category = null;
        if (!string.IsNullOrWhiteSpace(Category))
        {
            if (!Risk.ClassificationTexts.TryParseCategory(Category, out var c))
            {
                return Error.Validation("category", "must be Normal, SpecialMention, Substandard, Doubtful or Loss");
            }

            category = c;
        }

        return new NewDisposalAction(kind, OwnerId, DueDate, Note, Amount, CreditLineId, LoanId, category);
    }
}

/// <summary>Reads of signals for the API and the pages; the query filters limit them to the caller's scope.</summary>
public static class SignalQueries
{
    public static async Task<Result<SignalPage>> ListAsync(PostLoanDbContext db, TimeProvider clock, SignalFilter filter, int page, int pageSize, CancellationToken ct)
    {
        if (page < 1 || pageSize is < 1 or > 500)
        {
            return Error.Validation(page < 1 ? "page" : "pageSize", page < 1 ? "must be 1 or more" : "must be between 1 and 500");
        }

        var signals = db.WarningSignals.AsNoTracking();
        if (filter.OrganisationId is { } organisationId)
        {
            var path = await OrganisationFilter.PathAsync(db, organisationId, ct);
            if (!path.IsSuccess)
            {
                return path.Error!;
            }

            var prefix = path.Value!;
            signals = signals.Where(s => s.OrganisationPath.StartsWith(prefix));
        }

        if (filter.OpenOnly)
        {
            signals = signals.Where(s => s.IsActive);
        }

        if (filter.Status is { } status)
        {
            signals = signals.Where(s => s.Status == status);
        }

        if (filter.Severity is { } severity)
        {
            signals = signals.Where(s => s.Severity == severity);
        }

        if (filter.Source is { } source)
        {
            signals = signals.Where(s => s.Source == source);
        }

        if (filter.CustomerId is { } customerId)
        {
            signals = signals.Where(s => s.CustomerId == customerId);
        }

        if (filter.Mine)
        {
            var me = db.CurrentUser.UserId;
            signals = signals.Where(s => s.AssignedToId == me || db.DisposalActions.Any(a => a.SignalId == s.Id && a.OwnerId == me && a.State == DisposalState.Open));
        }

        var now = clock.GetUtcNow();
        if (filter.Overdue)
        {
            signals = signals.Where(s => (s.IsActive && s.DueAt != null && s.DueAt < now)
                || db.DisposalActions.Any(a => a.SignalId == s.Id && a.State == DisposalState.Open && a.DueAt < now));
        }

        var total = await signals.CountAsync(ct);
        var rows = await signals.OrderByDescending(s => s.IsActive).ThenByDescending(s => s.Severity).ThenByDescending(s => s.Id)
            .Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        return new SignalPage(total, page, pageSize, await ItemsAsync(db, now, rows, ct));
    }

    public static async Task<SignalDetail> DetailAsync(PostLoanDbContext db, TimeProvider clock, long id, CancellationToken ct) =>
        await DetailAsync(db, clock, await db.WarningSignals.AsNoTracking().FirstAsync(s => s.Id == id, ct), ct);

    public static async Task<SignalDetail> DetailAsync(PostLoanDbContext db, TimeProvider clock, WarningSignal signal, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var steps = await db.SignalSteps.AsNoTracking().Where(s => s.SignalId == signal.Id).OrderBy(s => s.Id).ToListAsync(ct);
        var actions = await db.DisposalActions.AsNoTracking().Where(a => a.SignalId == signal.Id).OrderBy(a => a.Id).ToListAsync(ct);
        var reference = SignalWorkflow.Reference(signal.Id);
        var flag = await db.RiskFlags.AsNoTracking().Where(f => f.Reference == reference).OrderByDescending(f => f.Id).FirstOrDefaultAsync(ct);
        var proposal = signal.Status == SignalStatus.PendingVerification ? steps.LastOrDefault(s => s.Kind == SignalStepKind.Proposed) : null;
        // Whom a raise or an assignment went to (an escalation's AssigneeId lists the supervisors told, not an assignee).
        static string? AssigneeOf(SignalStep s) => s.Kind is SignalStepKind.Raised or SignalStepKind.Assigned ? s.AssigneeId : null;
        var assignees = steps.Select(AssigneeOf).OfType<string>().Distinct().ToList();
        var names = assignees.Count == 0 ? [] : await db.Users.Where(u => assignees.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        string? AssigneeName(SignalStep s) => AssigneeOf(s) is { } id ? names.GetValueOrDefault(id) : null;
        return new SignalDetail(
            (await ItemsAsync(db, now, [signal], ct))[0], signal.Detail, steps.Select(s => SignalStepItem.Of(s, AssigneeName(s))).ToList(),
            actions.Select(a => new DisposalActionItem(a.Id, a.Kind, a.State, a.OwnerId, a.OwnerName, a.DueAt, a.Note, a.Amount, a.CreditLineId, a.LoanId,
                a.ClassificationChangeId, a.CreatedAt, a.ClosedAt, a.Outcome, a.EscalatedAt, a.State == DisposalState.Open && a.DueAt < now)).ToList(),
            proposal is null ? null : SignalStepItem.Of(proposal), flag is null ? null : Risk.RiskFlagItem.From(flag));
    }

    private static async Task<List<SignalItem>> ItemsAsync(PostLoanDbContext db, DateTimeOffset now, IReadOnlyList<WarningSignal> rows, CancellationToken ct)
    {
        var customerIds = rows.Select(r => r.CustomerId).Distinct().ToList();
        var customers = await db.Customers.IgnoreQueryFilters().Where(c => customerIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => (c.Code, c.Name), ct);
        var userIds = rows.Select(r => r.AssignedToId).OfType<string>().Distinct().ToList();
        var users = await db.Users.Where(u => userIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        var organisationIds = rows.Select(r => r.OrganisationId).Distinct().ToList();
        var organisations = await db.Organisations.IgnoreQueryFilters().Where(o => organisationIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Name, ct);
        return rows.Select(s =>
        {
            var (code, name) = customers.GetValueOrDefault(s.CustomerId, ("", ""));
            return new SignalItem(s.Id, s.CustomerId, code, name, s.LoanId, s.Source, s.Severity, s.Status, s.Title, s.RaisedOn, s.RaisedAt, s.LastSeenOn, s.Occurrences,
                s.AssignedToId, s.AssignedToId is null ? null : users.GetValueOrDefault(s.AssignedToId), s.DueAt, s.EscalatedAt,
                s.IsActive && s.DueAt is { } due && due < now, s.OrganisationId, organisations.GetValueOrDefault(s.OrganisationId));
        }).ToList();
    }
}

/// <summary>Resource keys (texts.tsv) and parsing of the signal enumerations.</summary>
public static class SignalTexts
{
    /// <summary>An enumeration value by name (case-insensitive); numbers are not accepted.</summary>
    public static bool TryParse<T>(string? text, out T value)
        where T : struct, Enum
    {
        value = default;
        return !string.IsNullOrWhiteSpace(text) && !int.TryParse(text, out _) && Enum.TryParse(text.Trim(), ignoreCase: true, out value) && Enum.IsDefined(value);
    }

    public static string Severity(SignalSeverity severity) => "SigSeverity" + severity;

    public static MudBlazor.Color Colour(SignalSeverity severity) => severity switch
    {
        SignalSeverity.Red => MudBlazor.Color.Error,
        SignalSeverity.Orange => MudBlazor.Color.Warning,
        SignalSeverity.Yellow => MudBlazor.Color.Tertiary,
    };

    public static string Status(SignalStatus status) => "SigStatus" + status;

    public static string Source(SignalSource source) => "SigSource" + source;

    public static string Step(SignalStepKind kind) => "SigStep" + kind;

    public static string Action(DisposalKind kind) => "SigAction" + kind;

    public static string ActionState(DisposalState state) => "SigActionState" + state;
}
