using System.Globalization;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Administration;
using PostLoan.Domain.Common;
using PostLoan.Domain.Ledger.CreditLines;
using PostLoan.Domain.Ledger.Customers;
using PostLoan.Infrastructure.Ledger.CreditLines;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Web.Common;
using PostLoan.Web.Features.Ledger;
using PostLoan.Web.Features.Warning.Signals;

namespace PostLoan.Web.Features.Ledger.CreditLines;

/// <summary>
/// Credit lines API (<c>/api/credit-lines</c>, 授信额度): list and detail with the available amount and the dated history;
/// granting (administrators, clerks, risk managers); freezing, unfreezing, reducing and closing (risk managers); draws
/// that pass the drawdown check and are booked as new loans (administrators and clerks, like loan booking).
/// </summary>
public static class CreditLineApi
{
    private const string Grant = Roles.Administrator + "," + Roles.InformationClerk + "," + Roles.RiskManager;

    public static void MapCreditLineApi(this RouteGroupBuilder api)
    {
        var lines = api.MapGroup("/credit-lines").WithTags("Credit lines").RequireAuthorization(Policies.Staff);
        lines.MapGet("/", async (int? customerId, PostLoanDbContext db, CreditLineService service, CancellationToken ct) =>
        {
            var rows = await db.CreditLines.Where(l => customerId == null || l.CustomerId == customerId).OrderBy(l => l.Id).Take(500).ToListAsync(ct);
            return TypedResults.Ok((await service.StatesAsync(rows, ct)).Select(CreditLineItem.From).ToList());
        });
        lines.MapGet("/{id:long}", async Task<Results<Ok<CreditLineDetail>, ProblemHttpResult>> (long id, PostLoanDbContext db, CreditLineService service, CancellationToken ct) =>
        {
            var access = await FindAsync(db, id, ct);
            return access.Outcome == AccessOutcome.Granted ? TypedResults.Ok(await CreditLineDetail.LoadAsync(db, service, access.Value!, ct)) : ProblemResults.From(access, $"credit line {id}");
        });
        lines.MapPost("/", async Task<Results<Created<CreditLineDetail>, ProblemHttpResult>> (CreditLineInput input, PostLoanDbContext db, CreditLineService service, CancellationToken ct) =>
        {
            var customer = await db.FindInScopeAsync<Customer>(c => c.Id == input.CustomerId, input.CustomerId.ToString(CultureInfo.InvariantCulture), ct);
            if (customer.Outcome != AccessOutcome.Granted)
            {
                return ProblemResults.From(customer, $"customer {input.CustomerId}");
            }

            if (input.StartDate is not { } start || input.ExpiryDate is not { } expiry)
            {
                return ProblemResults.From(Error.Validation(input.StartDate is null ? "startDate" : "expiryDate", "is required"));
            }

            var created = await service.CreateAsync(new NewCreditLine(input.Code ?? "", input.CustomerId, input.ProductCode, input.Amount, start, expiry), ct);
            return created.IsSuccess
                ? TypedResults.Created($"/api/credit-lines/{created.Value!.Id}", await CreditLineDetail.LoadAsync(db, service, created.Value, ct))
                : ProblemResults.From(created.Error!);
        }).RequireAuthorization(SignalRoles.Policy(Grant));

        lines.MapPost("/{id:long}/freeze", (long id, LineChangeInput input, PostLoanDbContext db, CreditLineService service, CancellationToken ct) =>
            ChangeAsync(db, service, id, ct, line => service.FreezeAsync(line, input.Reason, null, ct))).RequireAuthorization(Policies.RiskManagement);
        lines.MapPost("/{id:long}/unfreeze", (long id, LineChangeInput input, PostLoanDbContext db, CreditLineService service, CancellationToken ct) =>
            ChangeAsync(db, service, id, ct, line => service.UnfreezeAsync(line, input.Reason, null, ct))).RequireAuthorization(Policies.RiskManagement);
        lines.MapPost("/{id:long}/reduce", (long id, LineChangeInput input, PostLoanDbContext db, CreditLineService service, CancellationToken ct) =>
            ChangeAsync(db, service, id, ct, line => input.Amount is { } amount
                ? service.ReduceAsync(line, amount, input.Reason, null, ct)
                : Task.FromResult<Result<CreditLine>>(Error.Validation("amount", "is required: the line's new amount")))).RequireAuthorization(Policies.RiskManagement);
        lines.MapPost("/{id:long}/close", (long id, LineChangeInput input, PostLoanDbContext db, CreditLineService service, CancellationToken ct) =>
            ChangeAsync(db, service, id, ct, line => service.CloseAsync(line, input.Reason, ct))).RequireAuthorization(Policies.RiskManagement);

        lines.MapPost("/{id:long}/draws", async Task<Results<Created<DrawResult>, ProblemHttpResult>> (long id, DrawInput input, PostLoanDbContext db, CreditLineService service, TimeProvider clock, CancellationToken ct) =>
        {
            var access = await FindAsync(db, id, ct);
            if (access.Outcome != AccessOutcome.Granted)
            {
                return ProblemResults.From(access, $"credit line {id}");
            }

            if (string.IsNullOrWhiteSpace(input.LoanCode))
            {
                return ProblemResults.From(Error.Validation("loanCode", "is required"));
            }

            var drawn = await service.DrawAsync(id, new DrawRequest(input.LoanCode.Trim(), input.Amount, input.AnnualRate, input.TermMonths, input.ProductCode, input.Purpose), ct);
            return drawn.IsSuccess
                ? TypedResults.Created($"/api/loans/{drawn.Value.Loan.Id}", new DrawResult(drawn.Value.Loan.Id, drawn.Value.Loan.Code, CreditLineItem.From(drawn.Value.Line)))
                : ProblemResults.From(drawn.Error!);
        }).RequireAuthorization(Policies.DataEntry);
    }

    private static Task<Access<CreditLine>> FindAsync(PostLoanDbContext db, long id, CancellationToken ct) =>
        db.FindInScopeAsync<CreditLine>(l => l.Id == id, id.ToString(CultureInfo.InvariantCulture), ct);

    private static async Task<Results<Ok<CreditLineDetail>, ProblemHttpResult>> ChangeAsync(
        PostLoanDbContext db, CreditLineService service, long id, CancellationToken ct, Func<CreditLine, Task<Result<CreditLine>>> change)
    {
        var access = await FindAsync(db, id, ct);
        if (access.Outcome != AccessOutcome.Granted)
        {
            return ProblemResults.From(access, $"credit line {id}");
        }

        var changed = await change(access.Value!);
        return changed.IsSuccess ? TypedResults.Ok(await CreditLineDetail.LoadAsync(db, service, changed.Value!, ct)) : ProblemResults.From(changed.Error!);
    }
}

/// <summary>A credit line with its outstanding and available amounts.</summary>
public sealed record CreditLineItem(
    long Id,
    string Code,
    int CustomerId,
    string? ProductCode,
    decimal Amount,
    decimal Outstanding,
    decimal Available,
    [property: JsonConverter(typeof(JsonStringEnumConverter<CreditLineStatus>))] CreditLineStatus Status,
    DateOnly StartDate,
    DateOnly ExpiryDate,
    string? FrozenReason)
{
    public static CreditLineItem From(CreditLineState s) => new(s.Line.Id, s.Line.Code, s.Line.CustomerId, s.ProductCode, s.Line.Amount, s.Outstanding, s.Available,
        s.Line.Status, s.Line.StartDate, s.Line.ExpiryDate, s.Line.FrozenReason);
}

/// <summary>A dated change of a line.</summary>
public sealed record CreditLineChangeItem(
    long Id,
    [property: JsonConverter(typeof(JsonStringEnumConverter<CreditLineChangeKind>))] CreditLineChangeKind Kind,
    DateOnly Date,
    DateTimeOffset At,
    decimal AmountBefore,
    decimal AmountAfter,
    [property: JsonConverter(typeof(JsonStringEnumConverter<CreditLineStatus>))] CreditLineStatus StatusBefore,
    [property: JsonConverter(typeof(JsonStringEnumConverter<CreditLineStatus>))] CreditLineStatus StatusAfter,
    decimal? DrawAmount,
    string? Reason,
    string? Actor,
    long? SignalId,
    long? LoanId);

/// <summary>A line with its history, newest first.</summary>
public sealed record CreditLineDetail(CreditLineItem Line, IReadOnlyList<CreditLineChangeItem> History)
{
    public static async Task<CreditLineDetail> LoadAsync(PostLoanDbContext db, CreditLineService service, CreditLine line, CancellationToken ct)
    {
        var history = await db.CreditLineChanges.AsNoTracking().Where(c => c.CreditLineId == line.Id).OrderByDescending(c => c.Id).ToListAsync(ct);
        return new CreditLineDetail(CreditLineItem.From(await service.StateAsync(line, ct)), history.Select(c => new CreditLineChangeItem(
            c.Id, c.Kind, c.Date, c.At, c.AmountBefore, c.AmountAfter, c.StatusBefore, c.StatusAfter, c.DrawAmount, c.Reason, c.ActorName ?? c.ActorId, c.SignalId, c.LoanId)).ToList());
    }
}

/// <summary>Body of <c>POST /api/credit-lines</c>.</summary>
public sealed record CreditLineInput(string? Code, int CustomerId, string? ProductCode, decimal Amount, DateOnly? StartDate, DateOnly? ExpiryDate);

/// <summary>Body of a freeze, unfreeze, reduction or closure.</summary>
public sealed record LineChangeInput(string? Reason, decimal? Amount);

/// <summary>Body of <c>POST /api/credit-lines/{id}/draws</c>: the loan to book.</summary>
public sealed record DrawInput(string? LoanCode, decimal Amount, decimal AnnualRate, int TermMonths, string? ProductCode, string? Purpose);

/// <summary>The loan a draw booked and the line after it.</summary>
public sealed record DrawResult(long LoanId, string LoanCode, CreditLineItem Line);

/// <summary>Resource keys of credit line enumerations.</summary>
public static class CreditLineTexts
{
    public static string Status(CreditLineStatus status) => "ClStatus" + status;

    public static string Change(CreditLineChangeKind kind) => "ClChange" + kind;

    public static MudBlazor.Color Colour(CreditLineStatus status) => status switch
    {
        CreditLineStatus.Active => MudBlazor.Color.Success,
        CreditLineStatus.Frozen => MudBlazor.Color.Error,
        CreditLineStatus.Reduced => MudBlazor.Color.Warning,
        CreditLineStatus.Closed => MudBlazor.Color.Default,
    };
}
