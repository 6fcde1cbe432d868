using System.Globalization;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Administration;
using PostLoan.Domain.Common;
using PostLoan.Domain.Ledger.Customers;
using PostLoan.Domain.Warning.Indicators;
using PostLoan.Domain.Warning.Rules;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Infrastructure.Warning.Indicators;
using PostLoan.Web.Common;
using PostLoan.Web.Features.Ledger;

namespace PostLoan.Web.Features.Warning.Indicators;

/// <summary>
/// The indicator store's API (指标库, docs/indicators.md): the catalogue (administrators and risk managers edit it),
/// a customer's indicator values and events, financial statements (entry and import), and external events (the JSON
/// delivery API and file import for clerks, risk managers, administrators and their API tokens).
/// </summary>
public static class IndicatorApi
{
    /// <summary>Who edits the catalogue.</summary>
    public static readonly string[] CatalogueRoles = [Roles.Administrator, Roles.RiskManager];

    /// <summary>Who delivers external events.</summary>
    public static readonly string[] EventRoles = [Roles.InformationClerk, Roles.RiskManager, Roles.Administrator];

    /// <summary>Who enters and imports financial statements.</summary>
    public static readonly string[] StatementRoles = [Roles.Administrator, Roles.InformationClerk, Roles.AccountManager, Roles.RiskManager];

    public static void MapIndicatorApi(this RouteGroupBuilder api)
    {
        var warning = api.MapGroup("/warning").WithTags("Indicators");
        warning.MapGet("/indicators", async (IndicatorCatalogueService catalogue, CancellationToken ct) =>
            TypedResults.Ok((await catalogue.ListAsync(ct)).Select(IndicatorItem.Of).ToList())).RequireAuthorization(Policies.Staff);
        var catalogueEdit = warning.MapGroup("/indicators").RequireAuthorization(p => p.RequireRole(CatalogueRoles));
        catalogueEdit.MapPost("/", async Task<Results<Created<IndicatorItem>, ProblemHttpResult>> (IndicatorRequest request, IndicatorCatalogueService catalogue, CancellationToken ct) =>
        {
            var input = request.ToInput();
            if (!input.IsSuccess)
            {
                return ProblemResults.From(input.Error!);
            }

            var added = await catalogue.AddAsync(input.Value!, ct);
            return added.IsSuccess ? TypedResults.Created($"/api/warning/indicators/{added.Value!.Id}", IndicatorItem.Of(added.Value)) : ProblemResults.From(added.Error!);
        });
        catalogueEdit.MapPut("/{id:int}", async Task<Results<Ok<IndicatorItem>, ProblemHttpResult>> (int id, IndicatorRequest request, IndicatorCatalogueService catalogue, CancellationToken ct) =>
        {
            var input = request.ToInput();
            if (!input.IsSuccess)
            {
                return ProblemResults.From(input.Error!);
            }

            var updated = await catalogue.UpdateAsync(id, input.Value!, ct);
            return updated.IsSuccess ? TypedResults.Ok(IndicatorItem.Of(updated.Value!)) : ProblemResults.From(updated.Error!);
        });
        catalogueEdit.MapDelete("/{id:int}", async Task<Results<NoContent, ProblemHttpResult>> (int id, IndicatorCatalogueService catalogue, CancellationToken ct) =>
        {
            var deleted = await catalogue.DeleteAsync(id, ct);
            return deleted.IsSuccess ? TypedResults.NoContent() : ProblemResults.From(deleted.Error!);
        });

        api.MapGet("/customers/{id:int}/indicators", async Task<Results<Ok<CustomerIndicators>, ProblemHttpResult>> (int id, PostLoanDbContext db, CancellationToken ct) =>
        {
            var access = await db.FindInScopeAsync<Customer>(c => c.Id == id, id.ToString(CultureInfo.InvariantCulture), ct);
            return access.Outcome == AccessOutcome.Granted ? TypedResults.Ok(await IndicatorQueries.OfCustomerAsync(db, id, ct)) : ProblemResults.From(access, $"customer {id}");
        }).WithTags("Indicators").RequireAuthorization(Policies.Staff);

        var statements = warning.MapGroup("/statements");
        statements.MapGet("/", async (int? customerId, PostLoanDbContext db, CancellationToken ct) =>
            TypedResults.Ok(await IndicatorQueries.StatementsAsync(db, customerId, 500, ct))).RequireAuthorization(Policies.Staff);
        statements.MapPost("/", async Task<Results<Ok<StatementItem>, ProblemHttpResult>> (StatementInput input, FinancialStatementService service, CancellationToken ct) =>
        {
            var saved = await service.SaveAsync(input, ct);
            return saved.IsSuccess ? TypedResults.Ok(StatementItem.Of(saved.Value!)) : ProblemResults.From(saved.Error!);
        }).RequireAuthorization(p => p.RequireRole(StatementRoles));
        statements.MapPost("/import", async Task<Results<Ok<ImportResponse>, ProblemHttpResult>> (IFormFile file, FinancialStatementService service, CancellationToken ct) =>
        {
            var read = ImportApi.Read(file);
            return read.Error is { } error ? ProblemResults.From(error) : ImportApi.ToResponse(await service.ImportAsync(read.Value!, file.FileName, ct));
        }).RequireAuthorization(p => p.RequireRole(StatementRoles)).DisableAntiforgery();

        var events = warning.MapGroup("/events");
        events.MapGet("/", async (int? customerId, PostLoanDbContext db, CancellationToken ct) =>
            TypedResults.Ok(await IndicatorQueries.EventsAsync(db, customerId, 500, ct))).RequireAuthorization(Policies.Staff);
        events.MapPost("/", async Task<Results<Ok<EventDelivery>, ProblemHttpResult>> (EventBatch batch, ExternalEventService service, CancellationToken ct) =>
        {
            var items = (batch.Events ?? []).Select((e, i) => (i, e)).ToList();
            var (delivery, refusal) = await service.ReceiveAsync(batch.Provider, items, ct);
            return refusal is null ? TypedResults.Ok(delivery!) : Refused(refusal);
        }).RequireAuthorization(p => p.RequireRole(EventRoles));
        events.MapPost("/import", async Task<Results<Ok<ImportResponse>, ProblemHttpResult>> (IFormFile file, ExternalEventService service, CancellationToken ct) =>
        {
            var read = ImportApi.Read(file);
            return read.Error is { } error ? ProblemResults.From(error) : ImportApi.ToResponse(await service.ImportAsync(read.Value!, ct));
        }).RequireAuthorization(p => p.RequireRole(EventRoles)).DisableAntiforgery();
    }

    /// <summary>400 (or 403 when a customer is outside the caller's scope) naming every refused item's index, field and reason.</summary>
    private static ProblemHttpResult Refused(EventRefusal refusal)
    {
        var first = refusal.Issues[0];
        return TypedResults.Problem(
            title: refusal.Forbidden ? "scope.denied" : "events.rejected",
            detail: string.Create(CultureInfo.InvariantCulture, $"{refusal.Issues.Count} problem(s); nothing was written. First: events[{first.Position}].{first.Field}: {first.Reason}"),
            statusCode: refusal.Forbidden ? StatusCodes.Status403Forbidden : StatusCodes.Status400BadRequest,
            type: "https://postloan.local/problems/" + (refusal.Forbidden ? "scope.denied" : "events.rejected"),
            extensions: new Dictionary<string, object?> { ["errors"] = refusal.Issues.Select(i => new EventError(i.Position, i.Field, i.Reason)).ToList() });
    }
}

/// <summary>A catalogue entry to add or edit; source, frequency and kind by name (Ledger, Statement, External, Device, Derived; Daily … Event; Numeric, EventCount).</summary>
public sealed record IndicatorRequest(string? Code, string? NameZh, string? NameEn, string? Unit, string? Source, string? Frequency, string? Kind, string? Description, bool? Active)
{
    public Result<IndicatorInput> ToInput()
    {
        var source = Parse<IndicatorSource>(Source, "source");
        var frequency = Parse<IndicatorFrequency>(Frequency, "frequency");
        var kind = Parse<IndicatorKind>(Kind, "kind");
        if ((source.Error ?? frequency.Error ?? kind.Error) is { } error)
        {
            return error;
        }

        return new IndicatorInput(Code, NameZh, NameEn, Unit, source.Value, frequency.Value, kind.Value, Description, Active);
    }

    private static (T? Value, Error? Error) Parse<T>(string? text, string field)
        where T : struct, Enum =>
        text is null ? (null, null)
        : Enum.TryParse<T>(text, ignoreCase: true, out var value) && Enum.IsDefined(value) && !int.TryParse(text, out _) ? (value, null)
        : (null, Error.Validation(field, $"'{text}' is not one of {string.Join(", ", Enum.GetNames<T>())}"));
}

/// <summary>A delivery of external events: the provider and its events.</summary>
public sealed record EventBatch(string? Provider, IReadOnlyList<ExternalEventInput>? Events);

/// <summary>One refused event of a delivery.</summary>
public sealed record EventError(int Index, string Field, string Reason);

/// <summary>A catalogue entry as the API shows it.</summary>
public sealed record IndicatorItem(int Id, string Code, string NameZh, string NameEn, string Unit,
    [property: JsonConverter(typeof(JsonStringEnumConverter<IndicatorSource>))] IndicatorSource Source,
    [property: JsonConverter(typeof(JsonStringEnumConverter<IndicatorFrequency>))] IndicatorFrequency Frequency,
    [property: JsonConverter(typeof(JsonStringEnumConverter<IndicatorKind>))] IndicatorKind Kind, string? Description, bool Active, bool Standard)
{
    public static IndicatorItem Of(Indicator i) =>
        new(i.Id, i.Code, i.NameZh, i.NameEn, i.Unit, i.Source, i.Frequency, i.Kind, i.Description, i.Active, IndicatorCatalogueService.IsStandard(i.Code));
}

/// <summary>A financial statement as the API shows it.</summary>
public sealed record StatementItem(long Id, int CustomerId, string? CustomerCode, string? CustomerName, DateOnly PeriodEnd,
    [property: JsonConverter(typeof(JsonStringEnumConverter<StatementPeriod>))] StatementPeriod Period, decimal Revenue,
    decimal NetProfit, decimal OperatingCashFlow, decimal Receivables, decimal TotalAssets, decimal TotalLiabilities, decimal DebtRatio, string Source,
    string? RecordedBy, DateTimeOffset RecordedAt)
{
    public static StatementItem Of(FinancialStatement s, string? code = null, string? name = null) =>
        new(s.Id, s.CustomerId, code, name, s.PeriodEnd, s.Period, s.Revenue, s.NetProfit, s.OperatingCashFlow, s.Receivables, s.TotalAssets, s.TotalLiabilities,
            s.DebtRatio, s.Source, s.RecordedBy, s.RecordedAt);
}

/// <summary>An external event as the API shows it.</summary>
public sealed record EventItem(long Id, string Provider, string ProviderReference, string EventType, int CustomerId, string? CustomerCode, string? CustomerName,
    DateOnly EventDate, string Title, decimal? Amount, string? Counterparty, string? Court, string? CaseNumber, double? Value, DateTimeOffset ReceivedAt);

/// <summary>One stored indicator value.</summary>
public sealed record ValueItem(string Code, DateOnly Date, double Value, string Reference, string RecordedBy);

/// <summary>A customer's indicator values (newest first), external events and statements.</summary>
public sealed record CustomerIndicators(int CustomerId, IReadOnlyList<ValueItem> Values, IReadOnlyList<EventItem> Events, IReadOnlyList<StatementItem> Statements);

/// <summary>Reads for the API and the pages; the data scope applies through the context's query filters.</summary>
public static class IndicatorQueries
{
    /// <summary>Most values returned for one customer.</summary>
    public const int MaxValues = 2000;

    public static async Task<CustomerIndicators> OfCustomerAsync(PostLoanDbContext db, int customerId, CancellationToken ct)
    {
        var codes = await db.Indicators.AsNoTracking().ToDictionaryAsync(i => i.Id, i => i.Code, ct);
        var values = await db.IndicatorValues.AsNoTracking().Where(v => v.CustomerId == customerId)
            .OrderByDescending(v => v.Date).ThenByDescending(v => v.Id).Take(MaxValues).ToListAsync(ct);
        return new CustomerIndicators(customerId,
            [.. values.Select(v => new ValueItem(codes[v.IndicatorId], v.Date, v.Value, v.Reference, v.RecordedBy))],
            await EventsAsync(db, customerId, 500, ct),
            await StatementsAsync(db, customerId, 100, ct));
    }

    public static async Task<List<StatementItem>> StatementsAsync(PostLoanDbContext db, int? customerId, int take, CancellationToken ct)
    {
        var rows = await (from s in db.FinancialStatements.AsNoTracking()
                          join c in db.Customers on s.CustomerId equals c.Id
                          where customerId == null || s.CustomerId == customerId
                          orderby s.PeriodEnd descending, c.Code
                          select new { s, c.Code, c.Name }).Take(take).ToListAsync(ct);
        return [.. rows.Select(r => StatementItem.Of(r.s, r.Code, r.Name))];
    }

    public static async Task<List<EventItem>> EventsAsync(PostLoanDbContext db, int? customerId, int take, CancellationToken ct) =>
        await (from e in db.ExternalEvents.AsNoTracking()
               join c in db.Customers on e.CustomerId equals c.Id
               where customerId == null || e.CustomerId == customerId
               orderby e.EventDate descending, e.Id descending
               select new EventItem(e.Id, e.Provider, e.ProviderReference, e.EventType, e.CustomerId, c.Code, c.Name, e.EventDate, e.Title, e.Amount,
                   e.Counterparty, e.Court, e.CaseNumber, e.Value, e.ReceivedAt)).Take(take).ToListAsync(ct);
}
