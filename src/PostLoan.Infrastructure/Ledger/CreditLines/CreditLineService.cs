using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Common;
using PostLoan.Domain.Ledger.CreditLines;
using PostLoan.Domain.Ledger.Loans;
using PostLoan.Infrastructure.Ledger.Loans;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Infrastructure.Ledger.CreditLines;

/// <summary>A new credit line to grant.</summary>
public sealed record NewCreditLine(string Code, int CustomerId, string? ProductCode, decimal Amount, DateOnly StartDate, DateOnly ExpiryDate);

/// <summary>A draw on a credit line, booked as a new loan (用信放款).</summary>
public sealed record DrawRequest(string LoanCode, decimal Amount, decimal AnnualRate, int TermMonths, string? ProductCode, string? Purpose);

/// <summary>A credit line with what is drawn and what is left.</summary>
public sealed record CreditLineState(CreditLine Line, string? ProductCode, decimal Outstanding, decimal Available);

/// <summary>
/// Credit lines in the ledger (授信额度): granting, freezing, unfreezing, reducing and closing them with a dated change
/// each, and the drawdown check every new loan under a line passes. A freeze by a warning signal's disposal takes effect
/// here: draws are refused until the line is unfrozen.
/// </summary>
public sealed class CreditLineService(PostLoanDbContext db, LoanServicing servicing, TimeProvider clock)
{
    /// <summary>Grants a line to a customer in the caller's scope.</summary>
    public async Task<Result<CreditLine>> CreateAsync(NewCreditLine request, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(request.Code) || request.Code.Trim().Length > 40)
        {
            return Error.Validation("code", "is required (at most 40 characters)");
        }

        if (request.Amount <= 0m)
        {
            return Error.Validation("amount", "must be more than 0");
        }

        if (request.ExpiryDate <= request.StartDate)
        {
            return Error.Validation("expiryDate", "must be after the start date");
        }

        var customer = await db.Customers.FirstOrDefaultAsync(c => c.Id == request.CustomerId, cancellationToken);
        if (customer is null)
        {
            return Error.Validation("customerId", $"customer {request.CustomerId} does not exist or is outside your scope");
        }

        int? productId = null;
        if (!string.IsNullOrWhiteSpace(request.ProductCode))
        {
            productId = await db.LoanProducts.Where(p => p.Code == request.ProductCode.Trim()).Select(p => (int?)p.Id).FirstOrDefaultAsync(cancellationToken);
            if (productId is null)
            {
                return Error.Validation("productCode", $"'{request.ProductCode}' is not a loan product");
            }
        }

        if (await db.CreditLines.IgnoreQueryFilters().AnyAsync(l => l.Code == request.Code.Trim(), cancellationToken))
        {
            return Error.Conflict("code", $"credit line {request.Code.Trim()} already exists");
        }

        var line = new CreditLine
        {
            Code = request.Code.Trim(), CustomerId = customer.Id, ProductId = productId, Amount = Money.RoundCents(request.Amount),
            StartDate = request.StartDate, ExpiryDate = request.ExpiryDate, UpdatedAt = clock.GetUtcNow(),
            OrganisationId = customer.OrganisationId, OrganisationPath = customer.OrganisationPath, AccountManagerId = customer.AccountManagerId,
        };
        db.CreditLines.Add(line);
        await db.SaveChangesAsync(cancellationToken);
        await ChangeAsync(line, CreditLineChangeKind.Opened, line.Amount, line.Status, "授信批复", null, cancellationToken);
        return line;
    }

    /// <summary>A line in the caller's scope, tracked for a change; null when absent or outside the scope.</summary>
    public Task<CreditLine?> FindAsync(long id, CancellationToken cancellationToken = default) =>
        db.CreditLines.FirstOrDefaultAsync(l => l.Id == id, cancellationToken);

    /// <summary>The line with its outstanding and available amounts.</summary>
    public async Task<CreditLineState> StateAsync(CreditLine line, CancellationToken cancellationToken = default) =>
        (await StatesAsync([line], cancellationToken))[0];

    /// <summary>The lines with their outstanding and available amounts, in the given order.</summary>
    public async Task<IReadOnlyList<CreditLineState>> StatesAsync(IReadOnlyList<CreditLine> lines, CancellationToken cancellationToken = default)
    {
        var customerIds = lines.Select(l => l.CustomerId).Distinct().ToList();
        var open = await (from l in db.Loans.IgnoreQueryFilters()
                          join p in db.LoanPositions on l.Id equals p.LoanId
                          where customerIds.Contains(l.CustomerId) && p.Status != LoanStatus.Settled && p.Status != LoanStatus.WrittenOff
                          select new { l.CustomerId, l.ProductId, p.PrincipalOutstanding }).ToListAsync(cancellationToken);
        var products = await db.LoanProducts.ToDictionaryAsync(p => p.Id, p => p.Code, cancellationToken);
        return lines.Select(line =>
        {
            var outstanding = open.Where(o => o.CustomerId == line.CustomerId && (line.ProductId == null || o.ProductId == line.ProductId)).Sum(o => o.PrincipalOutstanding);
            return new CreditLineState(line, line.ProductId is { } id ? products.GetValueOrDefault(id) : null, outstanding, CreditLineRules.Available(line.Amount, outstanding));
        }).ToList();
    }

    /// <summary>
    /// The drawdown check (用信校验): the customer's line for the product (or its general line) must exist, be neither frozen
    /// nor closed, be in force on the open business date, and have at least <paramref name="amount"/> available.
    /// </summary>
    public async Task<Result<CreditLineState>> CanDrawAsync(int customerId, decimal amount, string? productCode = null, CancellationToken cancellationToken = default)
    {
        var lines = await db.CreditLines.Where(l => l.CustomerId == customerId && l.Status != CreditLineStatus.Closed).OrderBy(l => l.Id).ToListAsync(cancellationToken);
        var productId = productCode is null ? null : await db.LoanProducts.Where(p => p.Code == productCode).Select(p => (int?)p.Id).FirstOrDefaultAsync(cancellationToken);
        var line = lines.FirstOrDefault(l => productId != null && l.ProductId == productId) ?? lines.FirstOrDefault(l => l.ProductId == null);
        if (line is null)
        {
            return Error.Validation("customerId", $"customer {customerId} has no open credit line{(productCode is null ? "" : $" for product {productCode}")}");
        }

        return await CanDrawAsync(line, amount, cancellationToken);
    }

    /// <summary>The drawdown check on one line.</summary>
    public async Task<Result<CreditLineState>> CanDrawAsync(CreditLine line, decimal amount, CancellationToken cancellationToken = default)
    {
        var state = await StateAsync(line, cancellationToken);
        var date = await servicing.OpenBusinessDateAsync(cancellationToken);
        return CreditLineRules.RefuseDraw(line, state.Available, amount, date) is { } refused ? refused : state;
    }

    /// <summary>Checks the draw and books it as a new loan through the loan servicing, then records it on the line.</summary>
    public async Task<Result<(Loan Loan, CreditLineState Line)>> DrawAsync(long lineId, DrawRequest request, CancellationToken cancellationToken = default)
    {
        var line = await db.CreditLines.FirstOrDefaultAsync(l => l.Id == lineId, cancellationToken);
        if (line is null)
        {
            return Error.NotFound("creditLine.not_found", $"credit line {lineId} was not found");
        }

        var productCode = request.ProductCode?.Trim();
        if (line.ProductId is { } lineProduct)
        {
            var code = await db.LoanProducts.Where(p => p.Id == lineProduct).Select(p => p.Code).FirstAsync(cancellationToken);
            if (productCode is not null && productCode != code)
            {
                return Error.Validation("productCode", $"credit line {line.Code} is for product {code}, not {productCode}");
            }

            productCode = code;
        }
        else if (string.IsNullOrEmpty(productCode))
        {
            return Error.Validation("productCode", $"is required: credit line {line.Code} is a general line");
        }

        var check = await CanDrawAsync(line, request.Amount, cancellationToken);
        if (!check.IsSuccess)
        {
            return check.Error!;
        }

        var opened = await servicing.OpenAsync(new NewLoan(request.LoanCode, line.CustomerId, productCode, request.Amount, request.AnnualRate, request.TermMonths,
            await servicing.OpenBusinessDateAsync(cancellationToken), Purpose: request.Purpose), cancellationToken);
        if (!opened.IsSuccess)
        {
            return opened.Error!;
        }

        await ChangeAsync(line, CreditLineChangeKind.Drawn, line.Amount, line.Status, request.Purpose, null, cancellationToken, opened.Value!.Id, request.Amount);
        return (opened.Value!, await StateAsync(line, cancellationToken));
    }

    /// <summary>Freezes the customer's open lines (冻结额度); a line frozen already stays frozen. Returns the lines frozen now.</summary>
    public async Task<Result<IReadOnlyList<CreditLine>>> FreezeCustomerAsync(int customerId, string reason, long? signalId, CancellationToken cancellationToken = default)
    {
        var lines = await db.CreditLines.Where(l => l.CustomerId == customerId && (l.Status == CreditLineStatus.Active || l.Status == CreditLineStatus.Reduced))
            .OrderBy(l => l.Id).ToListAsync(cancellationToken);
        if (lines.Count == 0)
        {
            return Error.Validation("kind", $"customer {customerId} has no active credit line to freeze");
        }

        foreach (var line in lines)
        {
            await FreezeAsync(line, reason, signalId, cancellationToken);
        }

        return lines;
    }

    public async Task<Result<CreditLine>> FreezeAsync(CreditLine line, string? reason, long? signalId, CancellationToken cancellationToken = default)
    {
        if (line.Status is not (CreditLineStatus.Active or CreditLineStatus.Reduced))
        {
            return Error.Conflict("creditLine.status", $"credit line {line.Code} is {line.Status}: only an active or reduced line can be frozen");
        }

        if (string.IsNullOrWhiteSpace(reason))
        {
            return Error.Validation("reason", "is required to freeze a line");
        }

        line.FrozenReason = reason.Trim();
        await ChangeAsync(line, CreditLineChangeKind.Frozen, line.Amount, CreditLineStatus.Frozen, reason.Trim(), signalId, cancellationToken);
        return line;
    }

    /// <summary>Unfreezes a line: back to reduced when it was reduced before the freeze, else active.</summary>
    public async Task<Result<CreditLine>> UnfreezeAsync(CreditLine line, string? reason, long? signalId, CancellationToken cancellationToken = default)
    {
        if (line.Status != CreditLineStatus.Frozen)
        {
            return Error.Conflict("creditLine.status", $"credit line {line.Code} is {line.Status}, not frozen");
        }

        var wasReduced = await db.CreditLineChanges.Where(c => c.CreditLineId == line.Id && c.Kind == CreditLineChangeKind.Reduced).AnyAsync(cancellationToken);
        line.FrozenReason = null;
        await ChangeAsync(line, CreditLineChangeKind.Unfrozen, line.Amount, wasReduced ? CreditLineStatus.Reduced : CreditLineStatus.Active,
            string.IsNullOrWhiteSpace(reason) ? "解除冻结" : reason.Trim(), signalId, cancellationToken);
        return line;
    }

    /// <summary>Unfreezes the lines a signal's disposal froze.</summary>
    public async Task<IReadOnlyList<CreditLine>> UnfreezeForSignalAsync(long signalId, string reason, CancellationToken cancellationToken = default)
    {
        var frozenBySignal = await db.CreditLineChanges.Where(c => c.SignalId == signalId && c.Kind == CreditLineChangeKind.Frozen).Select(c => c.CreditLineId).Distinct().ToListAsync(cancellationToken);
        var lines = await db.CreditLines.Where(l => frozenBySignal.Contains(l.Id) && l.Status == CreditLineStatus.Frozen).ToListAsync(cancellationToken);
        foreach (var line in lines)
        {
            await UnfreezeAsync(line, reason, signalId, cancellationToken);
        }

        return lines;
    }

    /// <summary>Reduces a line to <paramref name="amount"/> (压降额度).</summary>
    public async Task<Result<CreditLine>> ReduceAsync(CreditLine line, decimal amount, string? reason, long? signalId, CancellationToken cancellationToken = default)
    {
        if (line.Status == CreditLineStatus.Closed)
        {
            return Error.Conflict("creditLine.status", $"credit line {line.Code} is closed");
        }

        if (amount <= 0m || amount >= line.Amount)
        {
            return Error.Validation("amount", $"must be more than 0 and less than the line's amount {LoanServicing.Format(line.Amount)}");
        }

        if (string.IsNullOrWhiteSpace(reason))
        {
            return Error.Validation("reason", "is required to reduce a line");
        }

        await ChangeAsync(line, CreditLineChangeKind.Reduced, Money.RoundCents(amount), line.Status == CreditLineStatus.Frozen ? CreditLineStatus.Frozen : CreditLineStatus.Reduced,
            reason.Trim(), signalId, cancellationToken);
        return line;
    }

    /// <summary>Closes a line (终止): no further draws.</summary>
    public async Task<Result<CreditLine>> CloseAsync(CreditLine line, string? reason, CancellationToken cancellationToken = default)
    {
        if (line.Status == CreditLineStatus.Closed)
        {
            return Error.Conflict("creditLine.status", $"credit line {line.Code} is closed already");
        }

        if (string.IsNullOrWhiteSpace(reason))
        {
            return Error.Validation("reason", "is required to close a line");
        }

        await ChangeAsync(line, CreditLineChangeKind.Closed, line.Amount, CreditLineStatus.Closed, reason.Trim(), null, cancellationToken);
        return line;
    }

    private async Task ChangeAsync(CreditLine line, CreditLineChangeKind kind, decimal amountAfter, CreditLineStatus statusAfter, string? reason, long? signalId,
        CancellationToken cancellationToken, long? loanId = null, decimal? drawAmount = null)
    {
        var change = new CreditLineChange
        {
            CreditLineId = line.Id, Kind = kind, Date = await servicing.OpenBusinessDateAsync(cancellationToken), At = clock.GetUtcNow(),
            AmountBefore = kind == CreditLineChangeKind.Opened ? 0m : line.Amount, AmountAfter = amountAfter,
            StatusBefore = line.Status, StatusAfter = statusAfter, DrawAmount = drawAmount, Reason = reason,
            ActorId = db.CurrentUser.UserId, ActorName = db.CurrentUser.UserName, SignalId = signalId, LoanId = loanId,
            CustomerId = line.CustomerId, OrganisationPath = line.OrganisationPath, AccountManagerId = line.AccountManagerId,
        };
        line.Amount = amountAfter;
        line.Status = statusAfter;
        line.UpdatedAt = change.At;
        db.CreditLineChanges.Add(change);
        await db.SaveChangesAsync(cancellationToken);
    }
}
