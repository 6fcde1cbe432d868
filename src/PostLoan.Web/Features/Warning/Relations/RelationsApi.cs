using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using PostLoan.Domain.Administration;
using PostLoan.Domain.Common;
using PostLoan.Domain.Ledger.Customers;
using PostLoan.Domain.Warning.Relations;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Infrastructure.Warning.Relations;
using PostLoan.Web.Common;
using PostLoan.Web.Features.Ledger;

namespace PostLoan.Web.Features.Warning.Relations;

/// <summary>
/// Related parties API (关联客户): recorded relations (list, add, end, delete, accept or reject proposals, detect, import),
/// a customer's neighbourhood graph, the guarantee circles and chains of the book, and the contagion settings. Reading is
/// for staff; recording for those who maintain customers; settings for administrators and risk managers. Everything is
/// limited by the caller's data scope: a relation is visible only when both customers are, and a customer or relation
/// named in the path outside the scope is refused (403, audited). Enumerations are written as names.
/// </summary>
public static class RelationsApi
{
    /// <summary>JSON of this API: web defaults with enumerations as names.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    /// <summary>Most links out the graph endpoint draws.</summary>
    public const int MaxSteps = 3;

    public static void MapRelationsApi(this RouteGroupBuilder api)
    {
        var relations = api.MapGroup("/relations").WithTags("Related parties").RequireAuthorization(Policies.Staff);
        relations.MapGet("/", async Task<Results<JsonHttpResult<IReadOnlyList<RelationItem>>, ProblemHttpResult>> (int? customerId, string? kind, string? status, PostLoanDbContext db, RelationService service, CancellationToken ct) =>
        {
            if (customerId is { } id && await FindCustomerAsync(db, id, ct) is { Outcome: not AccessOutcome.Granted } access)
            {
                return ProblemResults.From(access, $"customer {Key(id)}");
            }

            RelationKind? kindFilter = null;
            if (kind is not null && (kindFilter = RelationService.ParseKind(kind)) is null)
            {
                return ProblemResults.From(Error.Validation("relation.kind", $"kind: '{kind}' is not a kind of relation"));
            }

            RelationStatus? statusFilter = null;
            if (status is not null)
            {
                if (!Enum.TryParse<RelationStatus>(status, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(status, out _))
                {
                    return ProblemResults.From(Error.Validation("relation.status", $"status: '{status}' is not Proposed, Confirmed or Rejected"));
                }

                statusFilter = parsed;
            }

            return TypedResults.Json(await service.ListAsync(new RelationQuery(customerId, kindFilter, statusFilter), ct), Json);
        });
        relations.MapGet("/{id:long}", (long id, PostLoanDbContext db, RelationService service, CancellationToken ct) =>
            OfRelationAsync(db, id, ct, async () => (await service.FindAsync(id, ct))!));
        relations.MapPost("/", async Task<Results<JsonHttpResult<RelationItem>, ProblemHttpResult>> (RelationInput input, RelationService service, CancellationToken ct) =>
        {
            var created = await service.CreateAsync(input, ct);
            return created.IsSuccess
                ? TypedResults.Json((await service.FindAsync(created.Value!.Id, ct))!, Json, statusCode: StatusCodes.Status201Created)
                : ProblemResults.From(created.Error!);
        }).RequireAuthorization(Policies.CustomerMaintenance);
        relations.MapPost("/{id:long}/end", (long id, EndInput input, PostLoanDbContext db, RelationService service, TimeProvider clock, CancellationToken ct) =>
            ChangeAsync(db, id, ct, () => service.EndAsync(id, input.ValidTo ?? DateOnly.FromDateTime(clock.GetLocalNow().Date), ct), service))
            .RequireAuthorization(Policies.CustomerMaintenance);
        relations.MapPost("/{id:long}/accept", (long id, PostLoanDbContext db, RelationService service, CancellationToken ct) =>
            ChangeAsync(db, id, ct, () => service.DecideAsync(id, accept: true, ct), service)).RequireAuthorization(Policies.CustomerMaintenance);
        relations.MapPost("/{id:long}/reject", (long id, PostLoanDbContext db, RelationService service, CancellationToken ct) =>
            ChangeAsync(db, id, ct, () => service.DecideAsync(id, accept: false, ct), service)).RequireAuthorization(Policies.CustomerMaintenance);
        relations.MapDelete("/{id:long}", async Task<Results<NoContent, ProblemHttpResult>> (long id, PostLoanDbContext db, RelationService service, CancellationToken ct) =>
        {
            var access = await db.FindInScopeAsync<CustomerRelation>(r => r.Id == id, Key(id), ct);
            if (access.Outcome != AccessOutcome.Granted)
            {
                return ProblemResults.From(access, $"relation {Key(id)}");
            }

            var deleted = await service.DeleteAsync(id, ct);
            return deleted.IsSuccess ? TypedResults.NoContent() : ProblemResults.From(deleted.Error!);
        }).RequireAuthorization(Policies.CustomerMaintenance);
        relations.MapPost("/detect", async (RelationService service, CancellationToken ct) =>
            TypedResults.Json(new DetectResponse(await service.DetectAsync(ct)), Json)).RequireAuthorization(Policies.CustomerMaintenance);
        relations.MapPost("/import", async Task<Results<Ok<ImportResponse>, ProblemHttpResult>> (IFormFile file, RelationService service, CancellationToken ct) =>
        {
            var read = ImportApi.Read(file);
            return read.Error is { } error ? ProblemResults.From(error) : ImportApi.ToResponse(await service.ImportAsync(read.Value!, ct));
        }).RequireAuthorization(Policies.CustomerMaintenance).DisableAntiforgery();

        relations.MapGet("/guarantee-network", async (GuaranteeNetworkService network, TimeProvider clock, CancellationToken ct) =>
            TypedResults.Json(await network.AnalyzeAsync(Today(clock), ct), Json));
        relations.MapGet("/guarantee-network.csv", async (GuaranteeNetworkService network, TimeProvider clock, CancellationToken ct) =>
        {
            var view = await network.AnalyzeAsync(Today(clock), ct);
            return TypedResults.File(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(GuaranteeNetworkService.Csv(view))).ToArray(),
                "text/csv; charset=utf-8", $"guarantee-network-{Day(view.AsOf)}.csv");
        });
        relations.MapGet("/guarantee-network.xlsx", async (GuaranteeNetworkService network, TimeProvider clock, CancellationToken ct) =>
        {
            var view = await network.AnalyzeAsync(Today(clock), ct);
            return TypedResults.File(GuaranteeNetworkService.Workbook(view), Xlsx, $"guarantee-network-{Day(view.AsOf)}.xlsx");
        });

        relations.MapGet("/settings", async (RelationSettingsStore store, CancellationToken ct) =>
            TypedResults.Json(SettingsBody.From(await store.LoadAsync(ct)), Json));
        relations.MapPut("/settings", async Task<Results<JsonHttpResult<SettingsBody>, ProblemHttpResult>> (SettingsBody body, RelationSettingsStore store, CancellationToken ct) =>
        {
            var input = body.ToInput();
            if (!input.IsSuccess)
            {
                return ProblemResults.From(input.Error!);
            }

            var saved = await store.SaveAsync(input.Value!, ct);
            return saved.IsSuccess ? TypedResults.Json(SettingsBody.From(saved.Value!), Json) : ProblemResults.From(saved.Error!);
        }).RequireAuthorization(p => p.RequireRole(Roles.Administrator, Roles.RiskManager));

        api.MapGet("/customers/{id:int}/relation-graph", async Task<Results<JsonHttpResult<NeighbourhoodGraph>, ProblemHttpResult>> (int id, int? steps, PostLoanDbContext db, NeighbourhoodGraphService graphs, TimeProvider clock, CancellationToken ct) =>
        {
            if (steps is < 1 or > MaxSteps)
            {
                return ProblemResults.From(Error.Validation("relation.steps", $"steps: {steps} is not between 1 and {MaxSteps}"));
            }

            var access = await FindCustomerAsync(db, id, ct);
            return access.Outcome == AccessOutcome.Granted
                ? TypedResults.Json(await graphs.BuildAsync(id, steps ?? 2, Today(clock), ct), Json)
                : ProblemResults.From(access, $"customer {Key(id)}");
        }).WithTags("Related parties").RequireAuthorization(Policies.Staff);
    }

    /// <summary>Today's business date in the institution's time zone.</summary>
    public static DateOnly Today(TimeProvider clock) => DateOnly.FromDateTime(clock.GetLocalNow().Date);

    private static string Key(long id) => id.ToString(CultureInfo.InvariantCulture);

    private static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static Task<Access<Customer>> FindCustomerAsync(PostLoanDbContext db, int id, CancellationToken ct) =>
        db.FindInScopeAsync<Customer>(c => c.Id == id, Key(id), ct);

    /// <summary>Reads a relation after checking it against the scope.</summary>
    private static async Task<Results<JsonHttpResult<RelationItem>, ProblemHttpResult>> OfRelationAsync(PostLoanDbContext db, long id, CancellationToken ct, Func<Task<RelationItem>> read)
    {
        var access = await db.FindInScopeAsync<CustomerRelation>(r => r.Id == id, Key(id), ct);
        return access.Outcome == AccessOutcome.Granted ? TypedResults.Json(await read(), Json) : ProblemResults.From(access, $"relation {Key(id)}");
    }

    /// <summary>Changes a relation after checking it against the scope; answers with the relation as it is now.</summary>
    private static async Task<Results<JsonHttpResult<RelationItem>, ProblemHttpResult>> ChangeAsync(PostLoanDbContext db, long id, CancellationToken ct, Func<Task<Result<CustomerRelation>>> change, RelationService service)
    {
        var access = await db.FindInScopeAsync<CustomerRelation>(r => r.Id == id, Key(id), ct);
        if (access.Outcome != AccessOutcome.Granted)
        {
            return ProblemResults.From(access, $"relation {Key(id)}");
        }

        db.ChangeTracker.Clear();
        var changed = await change();
        return changed.IsSuccess ? TypedResults.Json((await service.FindAsync(id, ct))!, Json) : ProblemResults.From(changed.Error!);
    }
}

/// <summary>Body of <c>POST /api/relations/{id}/end</c>: the relation's last day (today when absent).</summary>
public sealed record EndInput(DateOnly? ValidTo);

/// <summary>Answer of <c>POST /api/relations/detect</c>: proposals added for a person to accept or reject.</summary>
public sealed record DetectResponse(int Proposed);

/// <summary>The contagion settings in <c>GET/PUT /api/relations/settings</c>; strengths keyed by kind name.</summary>
public sealed record SettingsBody(
    Dictionary<string, decimal> Strengths, int MaxDistance, decimal MinimumStrength, string GuaranteeDirection,
    bool PropagateRed, bool PropagateOrange, bool PropagateYellow)
{
    public static SettingsBody From(RelationSettings settings)
    {
        var input = RelationSettingsStore.InputFrom(settings);
        return new SettingsBody(input.Strengths.ToDictionary(p => p.Key.ToString(), p => p.Value), input.MaxDistance, input.MinimumStrength,
            input.GuaranteeDirection.ToString(), input.PropagateRed, input.PropagateOrange, input.PropagateYellow);
    }

    /// <summary>The settings input, or a problem naming the unknown kind or direction.</summary>
    public Result<RelationSettingsInput> ToInput()
    {
        var strengths = new Dictionary<RelationKind, decimal>();
        foreach (var (name, value) in Strengths ?? [])
        {
            if (!Enum.TryParse<RelationKind>(name, ignoreCase: true, out var kind) || !Enum.IsDefined(kind) || int.TryParse(name, out _))
            {
                return Error.Validation("relations.strength", $"strengths.{name}: not a kind of relation");
            }

            strengths[kind] = value;
        }

        if (!Enum.TryParse<GuaranteeContagion>(GuaranteeDirection, ignoreCase: true, out var direction) || !Enum.IsDefined(direction) || int.TryParse(GuaranteeDirection, out _))
        {
            return Error.Validation("relations.guaranteeDirection", $"guaranteeDirection: '{GuaranteeDirection}' is not ToGuarantors, ToBorrowers or Both");
        }

        return new RelationSettingsInput(strengths, MaxDistance, MinimumStrength, direction, PropagateRed, PropagateOrange, PropagateYellow);
    }
}
