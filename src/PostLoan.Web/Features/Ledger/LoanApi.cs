using System.Globalization;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Administration;
using PostLoan.Domain.Common;
using PostLoan.Domain.Ledger.Customers;
using PostLoan.Domain.Ledger.Loans;
using PostLoan.Domain.Risk;
using PostLoan.Infrastructure.Ledger.Close;
using PostLoan.Infrastructure.Ledger.Loans;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Web.Common;

namespace PostLoan.Web.Features.Ledger;

/// <summary>
/// Loan API (贷款台账 / 还款管理): loans within the caller's data scope, their schedule, transactions, ledger events,
/// journal and daily snapshots; opening loans, posting repayments and recording ledger events; the daily close.
/// A loan asked for by id is looked up through <see cref="ScopedAccess"/> first (403 outside the scope, audited;
/// 404 when absent): its child tables carry no scope filter of their own.
/// </summary>
public static class LoanApi
{
    /// <summary>Who records ledger events (展期, 利率调整, 重组, 核销 …): administrators, risk managers and information clerks.</summary>
    public const string EventRecorderRoles = Roles.Administrator + "," + Roles.RiskManager + "," + Roles.InformationClerk;

    /// <summary>Who runs the daily close by hand: administrators and risk managers (reopening is for administrators only).</summary>
    public const string CloseRunnerRoles = Roles.Administrator + "," + Roles.RiskManager;

    public static void MapLoanApi(this RouteGroupBuilder api)
    {
        var loans = api.MapGroup("/loans").WithTags("Loans");
        loans.MapGet("/", async Task<Results<Ok<LoanPage>, ProblemHttpResult>> (
            [AsParameters] LoanListQuery query, PostLoanDbContext db, CancellationToken ct) =>
        {
            var result = await LoanQueries.ListAsync(db, query.ToFilter(), query.Page ?? 1, query.PageSize ?? 50, query.AfterId,
                includeTotal: (query.Page ?? 1) == 1 && query.AfterId is null, ct);
            return result.IsSuccess ? TypedResults.Ok(result.Value!) : ProblemResults.From(result.Error!);
        });

        loans.MapGet("/{id:long}", async Task<Results<Ok<LoanOverview>, ProblemHttpResult>> (long id, PostLoanDbContext db, TimeProvider clock, CancellationToken ct) =>
        {
            var access = await FindAsync(db, id, ct);
            return access.Outcome == AccessOutcome.Granted
                ? TypedResults.Ok(await LoanQueries.DetailAsync(db, clock, access.Value!, ct))
                : ProblemResults.From(access, $"loan {id}");
        });

        loans.MapGet("/{id:long}/schedule", (long id, PostLoanDbContext db, TimeProvider clock, CancellationToken ct) =>
            ChildAsync(db, id, ct, () => LoanQueries.ScheduleAsync(db, clock, id, ct)));
        loans.MapGet("/{id:long}/transactions", (long id, PostLoanDbContext db, CancellationToken ct) =>
            ChildAsync(db, id, ct, () => LoanQueries.TransactionsAsync(db, id, ct)));
        loans.MapGet("/{id:long}/events", (long id, PostLoanDbContext db, CancellationToken ct) =>
            ChildAsync(db, id, ct, () => LoanQueries.EventsAsync(db, id, ct)));
        loans.MapGet("/{id:long}/journal", (long id, PostLoanDbContext db, CancellationToken ct) =>
            ChildAsync(db, id, ct, () => LoanQueries.JournalAsync(db, id, ct)));
        loans.MapGet("/{id:long}/snapshots", (long id, DateOnly? from, DateOnly? to, PostLoanDbContext db, CancellationToken ct) =>
            ChildAsync(db, id, ct, () => LoanQueries.SnapshotsAsync(db, id, from, to, ct)));

        loans.MapGet("/{id:long}/payoff", async Task<Results<Ok<PayoffQuote>, ProblemHttpResult>> (long id, DateOnly? date, PostLoanDbContext db, TimeProvider clock, CancellationToken ct) =>
        {
            var access = await FindAsync(db, id, ct);
            if (access.Outcome != AccessOutcome.Granted)
            {
                return ProblemResults.From(access, $"loan {id}");
            }

            var quote = await LoanQueries.PayoffAsync(db, clock, id, date, ct);
            return quote.IsSuccess ? TypedResults.Ok(quote.Value!) : ProblemResults.From(quote.Error!);
        });

        loans.MapPost("/", async Task<Results<Created<LoanOverview>, ProblemHttpResult>> (LoanInput input, PostLoanDbContext db, LoanServicing servicing, TimeProvider clock, CancellationToken ct) =>
        {
            var customer = await db.FindInScopeAsync<Customer>(c => c.Id == input.CustomerId, input.CustomerId.ToString(CultureInfo.InvariantCulture), ct);
            if (customer.Outcome == AccessOutcome.Denied)
            {
                return ProblemResults.From(customer, $"customer {input.CustomerId}");
            }

            var request = await input.ToRequestAsync(servicing, ct);
            if (!request.IsSuccess)
            {
                return ProblemResults.From(request.Error!);
            }

            var opened = await servicing.OpenAsync(request.Value!, ct);
            return opened.IsSuccess
                ? TypedResults.Created($"/api/loans/{opened.Value!.Id}", await LoanQueries.DetailAsync(db, clock, opened.Value, ct))
                : ProblemResults.From(opened.Error!);
        }).RequireAuthorization(Policies.DataEntry);

        loans.MapPost("/{id:long}/repayments", async Task<Results<Created<TransactionItem>, ProblemHttpResult>> (long id, RepaymentInput input, PostLoanDbContext db, LoanServicing servicing, CancellationToken ct) =>
        {
            var access = await FindAsync(db, id, ct);
            if (access.Outcome != AccessOutcome.Granted)
            {
                return ProblemResults.From(access, $"loan {id}");
            }

            var request = await input.ToRequestAsync(servicing, "api", ct);
            if (!request.IsSuccess)
            {
                return ProblemResults.From(request.Error!);
            }

            var posted = await servicing.PayAsync(id, request.Value!, ct);
            return posted.IsSuccess
                ? TypedResults.Created($"/api/loans/{id}/transactions", TransactionItem.From(posted.Value!))
                : ProblemResults.From(posted.Error!);
        }).RequireAuthorization(Policies.DataEntry);

        loans.MapPost("/{id:long}/events", async Task<Results<Created<LedgerEventItem>, ProblemHttpResult>> (long id, EventInput input, PostLoanDbContext db, LoanServicing servicing, CancellationToken ct) =>
        {
            var access = await FindAsync(db, id, ct);
            if (access.Outcome != AccessOutcome.Granted)
            {
                return ProblemResults.From(access, $"loan {id}");
            }

            var request = await input.ToRequestAsync(servicing, ct);
            if (!request.IsSuccess)
            {
                return ProblemResults.From(request.Error!);
            }

            var recorded = await servicing.RecordAsync(id, request.Value!, ct);
            return recorded.IsSuccess
                ? TypedResults.Created($"/api/loans/{id}/events", LedgerEventItem.From(recorded.Value!))
                : ProblemResults.From(recorded.Error!);
        }).RequireAuthorization(new AuthorizeAttribute { Roles = EventRecorderRoles });

        var close = api.MapGroup("/close").WithTags("Daily close").RequireAuthorization(Policies.Staff);
        close.MapGet("/", async (PostLoanDbContext db, TimeProvider clock, CancellationToken ct) =>
            TypedResults.Ok(await CloseQueries.StatusAsync(db, clock, ct)));
        close.MapPost("/{date}", async Task<Results<Ok<CloseRunResult>, ProblemHttpResult>> (DateOnly date, DailyClose dailyClose, TimeProvider clock, CancellationToken ct) =>
        {
            var run = await CloseQueries.RunAsync(dailyClose, clock, date, ct);
            return run.IsSuccess ? TypedResults.Ok(run.Value!) : ProblemResults.From(run.Error!);
        }).RequireAuthorization(new AuthorizeAttribute { Roles = CloseRunnerRoles });
        close.MapPost("/{date}/reopen", async Task<Results<Ok<CloseRunItem>, ProblemHttpResult>> (DateOnly date, ReopenInput input, DailyClose dailyClose, CancellationToken ct) =>
        {
            var reopened = await dailyClose.ReopenAsync(date, input.Reason ?? "", ct);
            return reopened.IsSuccess ? TypedResults.Ok(CloseRunItem.From(reopened.Value!)) : ProblemResults.From(reopened.Error!);
        }).RequireAuthorization(Policies.Administration);
    }

    private static Task<Access<Loan>> FindAsync(PostLoanDbContext db, long id, CancellationToken ct) =>
        db.FindInScopeAsync<Loan>(l => l.Id == id, id.ToString(CultureInfo.InvariantCulture), ct);

    /// <summary>A child list of a loan: the loan is checked against the scope first.</summary>
    private static async Task<Results<Ok<T>, ProblemHttpResult>> ChildAsync<T>(PostLoanDbContext db, long id, CancellationToken ct, Func<Task<T>> read)
    {
        var access = await FindAsync(db, id, ct);
        return access.Outcome == AccessOutcome.Granted ? TypedResults.Ok(await read()) : ProblemResults.From(access, $"loan {id}");
    }
}

/// <summary>Query string of <c>GET /api/loans</c>.</summary>
public sealed record LoanListQuery(
    [FromQuery(Name = "search")] string? Search,
    [FromQuery(Name = "organisationId")] int? OrganisationId,
    [FromQuery(Name = "status")] string? Status,
    [FromQuery(Name = "category")] string? Category,
    [FromQuery(Name = "product")] string? Product,
    [FromQuery(Name = "dpdFrom")] int? DpdFrom,
    [FromQuery(Name = "dpdTo")] int? DpdTo,
    [FromQuery(Name = "overdueOnly")] bool? OverdueOnly,
    [FromQuery(Name = "page")] int? Page,
    [FromQuery(Name = "pageSize")] int? PageSize,
    [FromQuery(Name = "afterId")] long? AfterId)
{
    public LoanFilter ToFilter() => new(Search, OrganisationId, Status, Category, Product, DpdFrom, DpdTo, OverdueOnly ?? false);
}

/// <summary>Filters of the loan list (the API and the page share them).</summary>
public sealed record LoanFilter(
    string? Search = null,
    int? OrganisationId = null,
    string? Status = null,
    string? Category = null,
    string? Product = null,
    int? DpdFrom = null,
    int? DpdTo = null,
    bool OverdueOnly = false);

/// <summary>
/// A page of loans ordered by id. <see cref="Total"/> is counted only for the first page and capped at
/// <see cref="LoanQueries.TotalCap"/> (<see cref="TotalCapped"/> then says "more than that"); later pages leave it
/// null. <see cref="NextAfterId"/> continues with keyset paging (<c>afterId</c>), which stays fast at any depth.
/// </summary>
public sealed record LoanPage(int? Total, bool TotalCapped, int Page, int PageSize, long? NextAfterId, IReadOnlyList<LoanListItem> Items);

/// <summary>A loan in a list with its live position.</summary>
public sealed record LoanListItem(
    long Id,
    string Code,
    int CustomerId,
    string CustomerName,
    string ProductCode,
    int OrganisationId,
    decimal Principal,
    decimal AnnualRate,
    DateOnly DisbursementDate,
    DateOnly MaturityDate,
    [property: JsonConverter(typeof(JsonStringEnumConverter<LoanStatus>))] LoanStatus Status,
    [property: JsonConverter(typeof(JsonStringEnumConverter<FiveLevelCategory>))] FiveLevelCategory Category,
    [property: JsonConverter(typeof(JsonStringEnumConverter<Ifrs9Stage>))] Ifrs9Stage Stage,
    int DaysPastDue,
    decimal PrincipalOutstanding,
    decimal OverduePrincipal);

/// <summary>One loan with its live position, its customer and the payoff amount on the open business date.</summary>
public sealed record LoanOverview(
    long Id,
    string Code,
    string? ContractNumber,
    int CustomerId,
    string CustomerName,
    string ProductCode,
    string ProductName,
    string Method,
    int OrganisationId,
    string? OrganisationName,
    string Currency,
    decimal Principal,
    decimal AnnualRate,
    int TermMonths,
    DateOnly DisbursementDate,
    DateOnly MaturityDate,
    string? Purpose,
    [property: JsonConverter(typeof(JsonStringEnumConverter<GuaranteeMethod>))] GuaranteeMethod GuaranteeMethod,
    decimal PenaltyMarkup,
    int GraceDays,
    DateOnly BusinessDate,
    decimal? PayoffToday,
    LoanPositionView Position);

/// <summary>The live position of a loan (五级分类, IFRS 9 stage, DPD, balances).</summary>
public sealed record LoanPositionView(
    DateOnly ClosedThrough,
    [property: JsonConverter(typeof(JsonStringEnumConverter<LoanStatus>))] LoanStatus Status,
    int DaysPastDue,
    [property: JsonConverter(typeof(JsonStringEnumConverter<FiveLevelCategory>))] FiveLevelCategory Category,
    [property: JsonConverter(typeof(JsonStringEnumConverter<Ifrs9Stage>))] Ifrs9Stage Stage,
    decimal PrincipalOutstanding,
    decimal PrincipalNotDue,
    decimal OverduePrincipal,
    decimal OverdueInterest,
    decimal DuePrincipal,
    decimal DueInterest,
    decimal PenaltyUnpaid,
    decimal CompoundUnpaid,
    decimal InterestAccrued,
    DateOnly? NextDueDate,
    decimal NextPrincipal,
    decimal NextInterest)
{
    public static LoanPositionView From(LoanPositionColumns p) => new(
        p.ClosedThrough, p.Status, p.DaysPastDue, p.Category, p.Stage, p.PrincipalOutstanding, p.PrincipalNotDue, p.OverduePrincipal,
        p.OverdueInterest, p.DuePrincipal, p.DueInterest, p.PenaltyUnpaid, p.CompoundUnpaid, p.InterestAccrued, p.NextDueDate, p.NextPrincipal, p.NextInterest);
}

/// <summary>Whether an installment is paid, on the open business date.</summary>
public enum InstallmentPaymentState
{
    Unpaid,
    PartlyPaid,
    Paid,
    /// <summary>Due before the open business date and not fully paid (逾期).</summary>
    Overdue,
}

/// <summary>One installment of the schedule with what is paid of it.</summary>
public sealed record InstallmentItem(
    int Period,
    DateOnly DueDate,
    decimal Principal,
    decimal Interest,
    decimal Total,
    decimal PrincipalPaid,
    decimal InterestPaid,
    decimal Unpaid,
    [property: JsonConverter(typeof(JsonStringEnumConverter<InstallmentPaymentState>))] InstallmentPaymentState State);

/// <summary>A posted money transaction with its allocation (冲销结果).</summary>
public sealed record TransactionItem(
    long Id,
    DateOnly ValueDate,
    [property: JsonConverter(typeof(JsonStringEnumConverter<LoanTransactionKind>))] LoanTransactionKind Kind,
    decimal Amount,
    decimal Penalty,
    decimal Compound,
    decimal Interest,
    decimal Principal,
    string Channel,
    string? Reference,
    string? PostedBy,
    DateTimeOffset PostedAt)
{
    public static TransactionItem From(LoanTransaction t) =>
        new(t.Id, t.ValueDate, t.Kind, t.Amount, t.Penalty, t.Compound, t.Interest, t.Principal, t.Channel, t.Reference, t.PostedBy, t.PostedAt);
}

/// <summary>An entry of the loan ledger (贷款台账).</summary>
public sealed record LedgerEventItem(
    long Id,
    DateOnly EffectiveDate,
    [property: JsonConverter(typeof(JsonStringEnumConverter<LedgerEventKind>))] LedgerEventKind Kind,
    string? Approver,
    string? Reason,
    string? Detail,
    string? RecordedBy,
    DateTimeOffset RecordedAt)
{
    public static LedgerEventItem From(LedgerEvent e) => new(e.Id, e.EffectiveDate, e.Kind, e.Approver, e.Reason, e.Detail, e.RecordedBy, e.RecordedAt);
}

/// <summary>A journal line pair (借/贷) of the loan.</summary>
public sealed record JournalItem(long Id, DateOnly Date, string Kind, string DebitAccount, string CreditAccount, decimal Amount);

/// <summary>A loan's position at the end of a closed business date (日终快照).</summary>
public sealed record SnapshotItem(
    DateOnly Date,
    [property: JsonConverter(typeof(JsonStringEnumConverter<LoanStatus>))] LoanStatus Status,
    int DaysPastDue,
    [property: JsonConverter(typeof(JsonStringEnumConverter<FiveLevelCategory>))] FiveLevelCategory Category,
    [property: JsonConverter(typeof(JsonStringEnumConverter<Ifrs9Stage>))] Ifrs9Stage Stage,
    decimal PrincipalOutstanding,
    decimal OverduePrincipal,
    decimal OverdueInterest,
    decimal PenaltyUnpaid,
    decimal CompoundUnpaid,
    decimal InterestAccrued);

/// <summary>What settles the loan on <see cref="Date"/> (提前结清金额) and what it is made of.</summary>
public sealed record PayoffQuote(DateOnly Date, decimal Amount, decimal Principal, decimal DueInterest, decimal Penalty, decimal Compound, decimal BrokenPeriodInterest);

/// <summary>Body of <c>POST /api/loans</c>: opens (disburses) a loan on the open business date.</summary>
public sealed record LoanInput(
    string? Code,
    int CustomerId,
    string? ProductCode,
    decimal Principal,
    decimal AnnualRate,
    int TermMonths,
    DateOnly? DisbursementDate = null,
    string? ContractNumber = null,
    string? Purpose = null,
    string? GuaranteeMethod = null)
{
    public async Task<Result<NewLoan>> ToRequestAsync(LoanServicing servicing, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(Code))
        {
            return Error.Validation("code", "is required");
        }

        if (string.IsNullOrWhiteSpace(ProductCode))
        {
            return Error.Validation("productCode", "is required");
        }

        var guarantee = Domain.Ledger.Loans.GuaranteeMethod.Credit;
        if (!string.IsNullOrWhiteSpace(GuaranteeMethod) && !Enum.TryParse(GuaranteeMethod.Trim(), ignoreCase: true, out guarantee))
        {
            return Error.Validation("guaranteeMethod", "must be credit, guarantee, mortgage or pledge");
        }

        var date = DisbursementDate ?? await servicing.OpenBusinessDateAsync(ct);
        return new NewLoan(Code.Trim(), CustomerId, ProductCode.Trim(), Principal, AnnualRate, TermMonths, date, ContractNumber, Purpose, guarantee);
    }
}

/// <summary>Body of <c>POST /api/loans/{id}/repayments</c>. The value date defaults to the open business date.</summary>
public sealed record RepaymentInput(decimal Amount, string? Kind = null, string? Mode = null, DateOnly? ValueDate = null, string? Reference = null)
{
    public async Task<Result<PaymentRequest>> ToRequestAsync(LoanServicing servicing, string channel, CancellationToken ct)
    {
        if (!LoanNames.TryParsePaymentKind(Kind, out var kind))
        {
            return Error.Validation("kind", "must be regular, payoff or part-principal");
        }

        if (!LoanNames.TryParseMode(Mode, out var mode))
        {
            return Error.Validation("mode", "must be reduce-installment or reduce-term");
        }

        var date = ValueDate ?? await servicing.OpenBusinessDateAsync(ct);
        return new PaymentRequest(date, Amount, kind, mode, channel, string.IsNullOrWhiteSpace(Reference) ? null : Reference.Trim());
    }
}

/// <summary>Body of <c>POST /api/loans/{id}/events</c>: a ledger event with its approver and reason.</summary>
public sealed record EventInput(
    string? Kind,
    string? Approver,
    string? Reason,
    DateOnly? EffectiveDate = null,
    int? ExtraMonths = null,
    decimal? NewAnnualRate = null,
    int? NewTermMonths = null,
    string? NewGuarantee = null,
    decimal? AssetValue = null)
{
    public async Task<Result<EventRequest>> ToRequestAsync(LoanServicing servicing, CancellationToken ct)
    {
        if (!LoanNames.TryParseEventKind(Kind, out var kind))
        {
            return Error.Validation("kind", "must be extension, rate-change, guarantee-change, restructuring, debt-for-asset or write-off");
        }

        GuaranteeMethod? guarantee = null;
        if (!string.IsNullOrWhiteSpace(NewGuarantee))
        {
            if (!Enum.TryParse<GuaranteeMethod>(NewGuarantee.Trim(), ignoreCase: true, out var parsed))
            {
                return Error.Validation("newGuarantee", "must be credit, guarantee, mortgage or pledge");
            }

            guarantee = parsed;
        }

        var date = EffectiveDate ?? await servicing.OpenBusinessDateAsync(ct);
        return new EventRequest(kind, date, Approver ?? "", Reason ?? "", ExtraMonths, NewAnnualRate, NewTermMonths, guarantee, AssetValue);
    }
}

/// <summary>Body of <c>POST /api/close/{date}/reopen</c>.</summary>
public sealed record ReopenInput(string? Reason);

/// <summary>The daily close: the open business date, the last closed one, and the latest runs.</summary>
public sealed record CloseStatus(DateOnly OpenBusinessDate, DateOnly? LastClosed, DateOnly Today, IReadOnlyList<CloseRunItem> Runs);

/// <summary>One daily close run (日终批次).</summary>
public sealed record CloseRunItem(
    DateOnly Date,
    [property: JsonConverter(typeof(JsonStringEnumConverter<CloseRunState>))] CloseRunState State,
    int ChunkCount,
    long LoansClosed,
    DateTimeOffset StartedAt,
    DateTimeOffset? CompletedAt,
    string? StartedBy)
{
    public static CloseRunItem From(CloseRun r) => new(r.Date, r.State, r.ChunkCount, r.LoansClosed, r.StartedAt, r.CompletedAt, r.StartedBy);
}

/// <summary>What a close run did.</summary>
public sealed record CloseRunResult(DateOnly Date, bool AlreadyClosed, long LoansClosed, int Chunks, double ElapsedSeconds);

/// <summary>The names the API and the pages use for payment kinds, re-amortisation modes and ledger event kinds.</summary>
public static class LoanNames
{
    /// <summary>Ledger events recorded by hand, in the order the entry page offers them.</summary>
    public static readonly IReadOnlyList<LedgerEventKind> RecordableEvents =
    [
        LedgerEventKind.Extension, LedgerEventKind.RateChange, LedgerEventKind.GuaranteeChange, LedgerEventKind.Restructuring,
        LedgerEventKind.DebtForAsset, LedgerEventKind.WriteOff,
    ];

    public static string Name(LedgerEventKind kind) => kind switch
    {
        LedgerEventKind.Disbursement => "disbursement",
        LedgerEventKind.Repayment => "repayment",
        LedgerEventKind.Extension => "extension",
        LedgerEventKind.RateChange => "rate-change",
        LedgerEventKind.GuaranteeChange => "guarantee-change",
        LedgerEventKind.Restructuring => "restructuring",
        LedgerEventKind.DebtForAsset => "debt-for-asset",
        LedgerEventKind.WriteOff => "write-off",
        LedgerEventKind.Settlement => "settlement",
    };

    public static bool TryParseEventKind(string? text, out LedgerEventKind kind)
    {
        foreach (var candidate in RecordableEvents)
        {
            if (Matches(text, Name(candidate), candidate.ToString()))
            {
                kind = candidate;
                return true;
            }
        }

        kind = default;
        return false;
    }

    public static bool TryParsePaymentKind(string? text, out PaymentKind kind)
    {
        kind = PaymentKind.Regular;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        foreach (var (name, value) in new[] { ("regular", PaymentKind.Regular), ("payoff", PaymentKind.Payoff), ("part-principal", PaymentKind.PartPrincipal) })
        {
            if (Matches(text, name, value.ToString()))
            {
                kind = value;
                return true;
            }
        }

        return false;
    }

    public static bool TryParseMode(string? text, out Reamortisation mode)
    {
        mode = Reamortisation.ReduceInstallment;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        foreach (var (name, value) in new[] { ("reduce-installment", Reamortisation.ReduceInstallment), ("reduce-term", Reamortisation.ReduceTerm) })
        {
            if (Matches(text, name, value.ToString()))
            {
                mode = value;
                return true;
            }
        }

        return false;
    }

    private static bool Matches(string? text, string name, string enumName) =>
        string.Equals(text?.Trim(), name, StringComparison.OrdinalIgnoreCase) || string.Equals(text?.Trim(), enumName, StringComparison.OrdinalIgnoreCase);
}

/// <summary>Loan queries shared by the API and the pages.</summary>
public static class LoanQueries
{
    /// <summary>The first page counts matching loans up to this many; beyond it the total is reported as capped.</summary>
    public const int TotalCap = 10_000;

    /// <summary>Customers a name search may match; a broader search should be narrowed.</summary>
    private const int CustomerSearchCap = 500;

    /// <summary>
    /// Lists loans in scope with their live position, ordered by id. Built to stay fast at a million loans:
    /// <list type="bullet">
    /// <item>Filters use indexed columns: the search is an exact loan code (unique index) or the ids of at most 500
    /// customers whose name or number matches (index on <c>Loans.CustomerId</c>); the organisation is a prefix of
    /// <c>OrganisationPath</c> (indexed, the same predicate as the scope filter); status and DPD use the
    /// <c>(Status, DaysPastDue)</c> index of the positions. Category and product are cheap residual predicates on rows
    /// reached through the primary key.</item>
    /// <item>Rows come in primary-key order with <c>LIMIT pageSize + 1</c>, so the database stops after one page
    /// instead of sorting the whole result; <paramref name="afterId"/> (keyset paging) makes any depth cost the same.
    /// Offset paging is allowed only within the first <see cref="TotalCap"/> rows.</item>
    /// <item>The total is a <c>COUNT</c> over at most <see cref="TotalCap"/> + 1 rows
    /// (<c>SELECT COUNT(*) FROM (… LIMIT 10001)</c>), taken only when <paramref name="includeTotal"/> (the API: page 1
    /// without <c>afterId</c>); counting a million rows on every page is what makes large lists slow.</item>
    /// </list>
    /// </summary>
    public static async Task<Result<LoanPage>> ListAsync(PostLoanDbContext db, LoanFilter filter, int page, int pageSize, long? afterId, bool includeTotal, CancellationToken ct)
    {
        page = Math.Max(1, page);
        pageSize = Math.Clamp(pageSize, 1, 200);
        if (afterId is null && (long)(page - 1) * pageSize >= TotalCap)
        {
            return Error.Validation("page", $"offset paging stops at {TotalCap.ToString(CultureInfo.InvariantCulture)} rows; continue with afterId");
        }

        var filtered = await FilterAsync(db, filter, ct);
        if (!filtered.IsSuccess)
        {
            return filtered.Error!;
        }

        var query = filtered.Value!;
        int? total = null;
        var capped = false;
        if (includeTotal)
        {
            var counted = await query.Select(x => x.Loan.Id).Take(TotalCap + 1).CountAsync(ct);
            capped = counted > TotalCap;
            total = Math.Min(counted, TotalCap);
        }

        var ordered = query.OrderBy(x => x.Loan.Id).AsQueryable();
        if (afterId is { } after)
        {
            ordered = ordered.Where(x => x.Loan.Id > after);
        }
        else if (page > 1)
        {
            ordered = ordered.Skip((page - 1) * pageSize);
        }

        var rows = await ordered.Take(pageSize + 1).Select(x => new
        {
            x.Loan.Id, x.Loan.Code, x.Loan.CustomerId, x.Loan.ProductId, x.Loan.OrganisationId, x.Loan.Principal, x.Loan.AnnualRate,
            x.Loan.DisbursementDate, x.Loan.MaturityDate, x.Position.Status, x.Position.Category, x.Position.Stage, x.Position.DaysPastDue,
            x.Position.PrincipalOutstanding, x.Position.OverduePrincipal,
        }).ToListAsync(ct);
        var more = rows.Count > pageSize;
        if (more)
        {
            rows.RemoveAt(rows.Count - 1);
        }

        var customerIds = rows.Select(r => r.CustomerId).Distinct().ToList();
        // The loans are already in scope; their customers' names are shown even if a customer moved since.
        var names = await db.Customers.IgnoreQueryFilters().AsNoTracking().Where(c => customerIds.Contains(c.Id))
            .Select(c => new { c.Id, c.Name }).ToDictionaryAsync(c => c.Id, c => c.Name, ct);
        var products = await ProductCodesAsync(db, ct);
        var items = rows.Select(r => new LoanListItem(
            r.Id, r.Code, r.CustomerId, names.GetValueOrDefault(r.CustomerId, ""), products.GetValueOrDefault(r.ProductId, ""), r.OrganisationId,
            r.Principal, r.AnnualRate, r.DisbursementDate, r.MaturityDate, r.Status, r.Category, r.Stage, r.DaysPastDue, r.PrincipalOutstanding,
            r.OverduePrincipal)).ToList();
        return new LoanPage(total, capped, page, pageSize, more ? items[^1].Id : null, items);
    }

    /// <summary>A customer's loans (customer 360 view), oldest first.</summary>
    public static async Task<IReadOnlyList<LoanListItem>> OfCustomerAsync(PostLoanDbContext db, int customerId, CancellationToken ct)
    {
        var rows = await (from l in db.Loans.AsNoTracking()
                          join p in db.LoanPositions.AsNoTracking() on l.Id equals p.LoanId
                          where l.CustomerId == customerId
                          orderby l.Id
                          select new { Loan = l, p.Status, p.Category, p.Stage, p.DaysPastDue, p.PrincipalOutstanding, p.OverduePrincipal })
            .Take(1000).ToListAsync(ct);
        var products = await ProductCodesAsync(db, ct);
        var name = await db.Customers.IgnoreQueryFilters().Where(c => c.Id == customerId).Select(c => c.Name).FirstOrDefaultAsync(ct) ?? "";
        return rows.Select(r => new LoanListItem(
            r.Loan.Id, r.Loan.Code, r.Loan.CustomerId, name, products.GetValueOrDefault(r.Loan.ProductId, ""), r.Loan.OrganisationId, r.Loan.Principal,
            r.Loan.AnnualRate, r.Loan.DisbursementDate, r.Loan.MaturityDate, r.Status, r.Category, r.Stage, r.DaysPastDue, r.PrincipalOutstanding,
            r.OverduePrincipal)).ToList();
    }

    public static async Task<LoanOverview> DetailAsync(PostLoanDbContext db, TimeProvider clock, Loan loan, CancellationToken ct)
    {
        var position = await db.LoanPositions.AsNoTracking().FirstAsync(p => p.LoanId == loan.Id, ct);
        var customer = await db.Customers.IgnoreQueryFilters().Where(c => c.Id == loan.CustomerId).Select(c => c.Name).FirstOrDefaultAsync(ct) ?? "";
        var product = await db.LoanProducts.AsNoTracking().FirstAsync(p => p.Id == loan.ProductId, ct);
        var organisation = await db.Organisations.IgnoreQueryFilters().Where(o => o.Id == loan.OrganisationId).Select(o => o.Name).FirstOrDefaultAsync(ct);
        var open = await new LoanServicing(db, clock).OpenBusinessDateAsync(ct);
        var payoff = await PayoffAsync(db, clock, loan.Id, open, ct);
        return new LoanOverview(
            loan.Id, loan.Code, loan.ContractNumber, loan.CustomerId, customer, product.Code, product.Name, LoanCodes.Name(loan.Method), loan.OrganisationId,
            organisation, loan.Currency, loan.Principal, loan.AnnualRate, loan.TermMonths, loan.DisbursementDate, loan.MaturityDate, loan.Purpose,
            loan.GuaranteeMethod, loan.PenaltyMarkup, loan.GraceDays, open, payoff.IsSuccess ? payoff.Value!.Amount : null, LoanPositionView.From(position));
    }

    /// <summary>The schedule with each installment's paid/unpaid state on the open business date.</summary>
    public static async Task<IReadOnlyList<InstallmentItem>> ScheduleAsync(PostLoanDbContext db, TimeProvider clock, long loanId, CancellationToken ct)
    {
        var open = await new LoanServicing(db, clock).OpenBusinessDateAsync(ct);
        var rows = await db.Installments.AsNoTracking().Where(i => i.LoanId == loanId).OrderBy(i => i.Period).ToListAsync(ct);
        return rows.Select(i =>
        {
            var unpaid = i.Principal - i.PrincipalPaid + i.Interest - i.InterestPaid;
            var state = unpaid == 0m ? InstallmentPaymentState.Paid
                : i.DueDate < open ? InstallmentPaymentState.Overdue
                : i.PrincipalPaid + i.InterestPaid > 0m ? InstallmentPaymentState.PartlyPaid
                : InstallmentPaymentState.Unpaid;
            return new InstallmentItem(i.Period, i.DueDate, i.Principal, i.Interest, i.Principal + i.Interest, i.PrincipalPaid, i.InterestPaid, unpaid, state);
        }).ToList();
    }

    public static async Task<IReadOnlyList<TransactionItem>> TransactionsAsync(PostLoanDbContext db, long loanId, CancellationToken ct) =>
        (await db.LoanTransactions.AsNoTracking().Where(t => t.LoanId == loanId).OrderBy(t => t.ValueDate).ThenBy(t => t.Id).ToListAsync(ct))
        .Select(TransactionItem.From).ToList();

    public static async Task<IReadOnlyList<LedgerEventItem>> EventsAsync(PostLoanDbContext db, long loanId, CancellationToken ct) =>
        (await db.LedgerEvents.AsNoTracking().Where(e => e.LoanId == loanId).OrderBy(e => e.EffectiveDate).ThenBy(e => e.Id).ToListAsync(ct))
        .Select(LedgerEventItem.From).ToList();

    public static Task<List<JournalItem>> JournalAsync(PostLoanDbContext db, long loanId, CancellationToken ct) =>
        db.JournalEntries.AsNoTracking().Where(j => j.LoanId == loanId).OrderBy(j => j.Date).ThenBy(j => j.Id)
            .Select(j => new JournalItem(j.Id, j.Date, j.Kind, j.DebitAccount, j.CreditAccount, j.Amount)).ToListAsync(ct);

    /// <summary>Daily snapshots between <paramref name="from"/> and <paramref name="to"/> (default: the last 90 days kept), at most 400.</summary>
    public static async Task<IReadOnlyList<SnapshotItem>> SnapshotsAsync(PostLoanDbContext db, long loanId, DateOnly? from, DateOnly? to, CancellationToken ct)
    {
        var query = db.LoanSnapshots.AsNoTracking().Where(s => s.LoanId == loanId);
        if (from is { } start)
        {
            query = query.Where(s => s.Date >= start);
        }

        if (to is { } end)
        {
            query = query.Where(s => s.Date <= end);
        }

        var rows = from is null
            ? (await query.OrderByDescending(s => s.Date).Take(to is null ? 90 : 400).ToListAsync(ct)).OrderBy(s => s.Date).ToList()
            : await query.OrderBy(s => s.Date).Take(400).ToListAsync(ct);
        return rows.Select(s => new SnapshotItem(s.Date, s.Status, s.DaysPastDue, s.Category, s.Stage, s.PrincipalOutstanding, s.OverduePrincipal,
            s.OverdueInterest, s.PenaltyUnpaid, s.CompoundUnpaid, s.InterestAccrued)).ToList();
    }

    /// <summary>
    /// What settles the loan on <paramref name="date"/> (default: the open business date). A later date is quoted by
    /// running the loan's daily closes up to it in memory (nothing is written), at most a year ahead.
    /// </summary>
    public static async Task<Result<PayoffQuote>> PayoffAsync(PostLoanDbContext db, TimeProvider clock, long loanId, DateOnly? date, CancellationToken ct)
    {
        var servicing = new LoanServicing(db, clock);
        var open = await servicing.OpenBusinessDateAsync(ct);
        var on = date ?? open;
        if (on < open || on > open.AddYears(1))
        {
            return Error.Validation("date", $"a payoff is quoted from the open business date {open:yyyy-MM-dd} up to a year ahead");
        }

        if (await servicing.LoadAsync(loanId, ct) is not { } loaded)
        {
            return Error.NotFound("loan", $"loan {loanId} does not exist or is outside your scope");
        }

        var account = loaded.Account;
        if (account.Position.IsClosedOut)
        {
            return new PayoffQuote(on, 0m, 0m, 0m, 0m, 0m, 0m);
        }

        if (on < account.BusinessDate)
        {
            return Error.Validation("date", $"the loan's open business date is {account.BusinessDate:yyyy-MM-dd}");
        }

        account.CloseThrough(on.AddDays(-1));
        var amount = account.PayoffAmount(on);
        var p = account.Position;
        return new PayoffQuote(on, amount, p.PrincipalOutstanding, p.DueInterest, p.PenaltyUnpaid, p.CompoundUnpaid, p.BrokenPeriodInterest(on));
    }

    /// <summary>Loan products by id (a handful of rows).</summary>
    public static Task<Dictionary<int, string>> ProductCodesAsync(PostLoanDbContext db, CancellationToken ct) =>
        db.LoanProducts.AsNoTracking().ToDictionaryAsync(p => p.Id, p => p.Code, ct);

    /// <summary>A loan joined with its position; a member-init type so EF Core composes further operators over it.</summary>
    private sealed class Row
    {
        public required Loan Loan { get; init; }
        public required LoanPositionRecord Position { get; init; }
    }

    private static async Task<Result<IQueryable<Row>>> FilterAsync(PostLoanDbContext db, LoanFilter filter, CancellationToken ct)
    {
        var loans = db.Loans.AsNoTracking();
        var positions = db.LoanPositions.AsNoTracking();

        if (!string.IsNullOrWhiteSpace(filter.Search))
        {
            var term = filter.Search.Trim();
            var customerIds = await db.Customers.AsNoTracking().Where(c => c.Name.Contains(term) || c.Code == term)
                .OrderBy(c => c.Id).Select(c => c.Id).Take(CustomerSearchCap).ToListAsync(ct);
            loans = customerIds.Count == 0
                ? loans.Where(l => l.Code == term)
                : loans.Where(l => l.Code == term || customerIds.Contains(l.CustomerId));
        }

        if (filter.OrganisationId is { } organisationId)
        {
            var path = await OrganisationFilter.PathAsync(db, organisationId, ct);
            if (!path.IsSuccess)
            {
                return path.Error!;
            }

            var prefix = path.Value!;
            loans = loans.Where(l => l.OrganisationPath.StartsWith(prefix));
        }

        if (!string.IsNullOrWhiteSpace(filter.Product))
        {
            var code = filter.Product.Trim();
            var productId = await db.LoanProducts.Where(p => p.Code == code).Select(p => (int?)p.Id).FirstOrDefaultAsync(ct);
            if (productId is not { } id)
            {
                return Error.Validation("product", $"'{code}' is not a loan product");
            }

            loans = loans.Where(l => l.ProductId == id);
        }

        if (!string.IsNullOrWhiteSpace(filter.Status))
        {
            if (!Enum.TryParse<LoanStatus>(filter.Status.Trim(), ignoreCase: true, out var status) || !Enum.IsDefined(status))
            {
                return Error.Validation("status", "must be Normal, Overdue, Extended, Restructured, Settled or WrittenOff");
            }

            positions = positions.Where(p => p.Status == status);
        }

        if (!string.IsNullOrWhiteSpace(filter.Category))
        {
            if (!Enum.TryParse<FiveLevelCategory>(filter.Category.Trim(), ignoreCase: true, out var category) || !Enum.IsDefined(category))
            {
                return Error.Validation("category", "must be Normal, SpecialMention, Substandard, Doubtful or Loss");
            }

            positions = positions.Where(p => p.Category == category);
        }

        if (filter.DpdFrom is { } dpdFrom)
        {
            positions = positions.Where(p => p.DaysPastDue >= dpdFrom);
        }

        if (filter.DpdTo is { } dpdTo)
        {
            positions = positions.Where(p => p.DaysPastDue <= dpdTo);
        }

        if (filter.OverdueOnly)
        {
            positions = positions.Where(p => p.DaysPastDue > 0);
        }

        return Result<IQueryable<Row>>.Ok(from l in loans join p in positions on l.Id equals p.LoanId select new Row { Loan = l, Position = p });
    }
}

/// <summary>The daily close as the API and the close page drive it.</summary>
public static class CloseQueries
{
    public static async Task<CloseStatus> StatusAsync(PostLoanDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var runs = await db.CloseRuns.AsNoTracking().OrderByDescending(r => r.Date).Take(60).ToListAsync(ct);
        var last = await db.CloseRuns.Where(r => r.State == CloseRunState.Completed).Select(r => (DateOnly?)r.Date).MaxAsync(ct);
        var open = await new LoanServicing(db, clock).OpenBusinessDateAsync(ct);
        return new CloseStatus(open, last, DateOnly.FromDateTime(clock.GetLocalNow().Date), runs.Select(CloseRunItem.From).ToList());
    }

    /// <summary>Closes <paramref name="date"/>; a date that has not yet begun on the clock is refused.</summary>
    public static async Task<Result<CloseRunResult>> RunAsync(DailyClose dailyClose, TimeProvider clock, DateOnly date, CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(clock.GetLocalNow().Date);
        if (date > today)
        {
            return Error.Validation("date", $"{date:yyyy-MM-dd} has not begun yet (today is {today:yyyy-MM-dd})");
        }

        var run = await dailyClose.RunAsync(date, cancellationToken: ct);
        if (!run.IsSuccess)
        {
            return run.Error!;
        }

        var summary = run.Value!;
        return new CloseRunResult(summary.Date, summary.AlreadyClosed, summary.LoansClosed, summary.Chunks, summary.Elapsed.TotalSeconds);
    }
}

/// <summary>Resource keys (texts.tsv) of the ledger's enumerations, for the pages.</summary>
public static class LoanTexts
{
    public static string Status(LoanStatus status) => status switch
    {
        LoanStatus.Normal => "StatusNormal",
        LoanStatus.Overdue => "StatusOverdue",
        LoanStatus.Extended => "StatusExtended",
        LoanStatus.Restructured => "StatusRestructured",
        LoanStatus.Settled => "StatusSettled",
        LoanStatus.WrittenOff => "StatusWrittenOff",
    };

    public static string Category(FiveLevelCategory category) => category switch
    {
        FiveLevelCategory.Normal => "CategoryNormal",
        FiveLevelCategory.SpecialMention => "CategorySpecialMention",
        FiveLevelCategory.Substandard => "CategorySubstandard",
        FiveLevelCategory.Doubtful => "CategoryDoubtful",
        FiveLevelCategory.Loss => "CategoryLoss",
    };

    public static string Stage(Ifrs9Stage stage) => stage switch
    {
        Ifrs9Stage.Stage1 => "Stage1",
        Ifrs9Stage.Stage2 => "Stage2",
        Ifrs9Stage.Stage3 => "Stage3",
    };

    public static string Method(RepaymentMethod method) => method switch
    {
        RepaymentMethod.EqualInstallment => "MethodEqualInstallment",
        RepaymentMethod.EqualPrincipal => "MethodEqualPrincipal",
        RepaymentMethod.InterestOnly => "MethodInterestOnly",
        RepaymentMethod.Bullet => "MethodBullet",
        RepaymentMethod.Revolving => "MethodRevolving",
    };

    public static string Guarantee(GuaranteeMethod guarantee) => guarantee switch
    {
        GuaranteeMethod.Credit => "GuaranteeCredit",
        GuaranteeMethod.Guarantee => "GuaranteeGuarantee",
        GuaranteeMethod.Mortgage => "GuaranteeMortgage",
        GuaranteeMethod.Pledge => "GuaranteePledge",
    };

    public static string Installment(InstallmentPaymentState state) => state switch
    {
        InstallmentPaymentState.Paid => "InstallmentPaid",
        InstallmentPaymentState.PartlyPaid => "InstallmentPartlyPaid",
        InstallmentPaymentState.Overdue => "InstallmentOverdue",
        InstallmentPaymentState.Unpaid => "InstallmentUnpaid",
    };

    public static string Transaction(LoanTransactionKind kind) => kind switch
    {
        LoanTransactionKind.Disbursement => "TxDisbursement",
        LoanTransactionKind.Repayment => "TxRepayment",
        LoanTransactionKind.Payoff => "TxPayoff",
        LoanTransactionKind.PartPrepayment => "TxPartPrepayment",
        LoanTransactionKind.DebtForAsset => "TxDebtForAsset",
    };

    public static string Event(LedgerEventKind kind) => kind switch
    {
        LedgerEventKind.Disbursement => "EventDisbursement",
        LedgerEventKind.Repayment => "EventRepayment",
        LedgerEventKind.Extension => "EventExtension",
        LedgerEventKind.RateChange => "EventRateChange",
        LedgerEventKind.GuaranteeChange => "EventGuaranteeChange",
        LedgerEventKind.Restructuring => "EventRestructuring",
        LedgerEventKind.DebtForAsset => "EventDebtForAsset",
        LedgerEventKind.WriteOff => "EventWriteOff",
        LedgerEventKind.Settlement => "EventSettlement",
    };

    public static string CloseState(CloseRunState state) => state switch
    {
        CloseRunState.Running => "CloseRunning",
        CloseRunState.Completed => "CloseCompleted",
        CloseRunState.Reopened => "CloseReopened",
    };

    /// <summary>A colour for a five-level category: green for performing, amber for 关注, red for non-performing.</summary>
    public static MudBlazor.Color Colour(FiveLevelCategory category) => category switch
    {
        FiveLevelCategory.Normal => MudBlazor.Color.Success,
        FiveLevelCategory.SpecialMention => MudBlazor.Color.Warning,
        FiveLevelCategory.Substandard or FiveLevelCategory.Doubtful or FiveLevelCategory.Loss => MudBlazor.Color.Error,
    };

    /// <summary>A rate as a percentage with up to four decimals, e.g. 4.35%.</summary>
    public static string Rate(decimal annualRate) => (annualRate * 100m).ToString("0.####", CultureInfo.InvariantCulture) + "%";
}
