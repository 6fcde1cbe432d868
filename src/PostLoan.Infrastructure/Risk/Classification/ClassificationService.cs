using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Common;
using PostLoan.Domain.Risk;
using PostLoan.Infrastructure.Ledger.Loans;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Infrastructure.Risk.Classification;

/// <summary>A person's request to put a loan in another category, with the reason and the evidence (证明材料).</summary>
public sealed record ClassificationRequest(FiveLevelCategory Category, string? Reason, string? Evidence);

/// <summary>A risk flag a person raises on a debtor or one of its loans (credit impairment, a rating downgrade).</summary>
public sealed record RiskFlagRequest(int CustomerId, long? LoanId, RiskFlagKind Kind, DateOnly Since, string? Note, string? Reference);

/// <summary>
/// A person's classification changes under the two-person rule (domain.md section 4): a request below the floor is
/// refused; a downgrade to exactly the rules' proposal applies on the maker's word; anything else waits for a second
/// person with the risk manager role, who is never the maker. Every step is a dated <see cref="ClassificationChange"/>
/// and goes to the audit log.
/// </summary>
public sealed class ClassificationService(PostLoanDbContext db, LoanServicing servicing, TimeProvider clock)
{
    public async Task<Result<ClassificationChange>> RequestAsync(long loanId, ClassificationRequest request, CancellationToken cancellationToken = default)
    {
        var reason = request.Reason?.Trim();
        if (string.IsNullOrEmpty(reason))
        {
            return Error.Validation("reason", "is required for a change of category");
        }

        if (reason.Length > 1000 || request.Evidence?.Length > 2000)
        {
            return Error.Validation(reason.Length > 1000 ? "reason" : "evidence", "is too long");
        }

        if (!Enum.IsDefined(request.Category))
        {
            return Error.Validation("category", $"'{request.Category}' is not a category");
        }

        var row = await db.LoanClassifications.FirstOrDefaultAsync(c => c.LoanId == loanId, cancellationToken);
        if (row is null)
        {
            return Error.NotFound("classification.not_found", $"loan {loanId} has no classification yet: it is classified by the first daily close after it is opened");
        }

        if (await db.ClassificationChanges.AnyAsync(c => c.LoanId == loanId && c.State == ChangeState.Pending && c.Source == ChangeSource.Manual, cancellationToken))
        {
            return Error.Conflict("classification.pending", "a change of this loan's category is already waiting for approval");
        }

        var decision = ClassificationRules.Decide(row.Category, row.Floor, row.Proposed, request.Category);
        if (decision == RequestDecision.Refused)
        {
            return request.Category == row.Category
                ? Error.Validation("category", $"the loan is already {request.Category}")
                : Error.Validation("category", $"{request.Category} is above the floor {row.Floor} the rules set ({row.Reasons}): an upgrade above the floor is not allowed");
        }

        var change = NewChange(row, await servicing.OpenBusinessDateAsync(cancellationToken), request.Category, reason, request.Evidence?.Trim());
        if (decision == RequestDecision.AppliesDirectly)
        {
            change.State = ChangeState.Applied;
            await ApplyAsync(row, change, cancellationToken);
        }

        db.ClassificationChanges.Add(change);
        await db.SaveChangesAsync(cancellationToken);
        return change;
    }

    /// <summary>A risk manager other than the maker approves a pending change; the floor is checked again.</summary>
    public async Task<Result<ClassificationChange>> ApproveAsync(long changeId, string? note, bool approverIsRiskManager, CancellationToken cancellationToken = default)
    {
        var found = await DecidableAsync(changeId, approverIsRiskManager, cancellationToken);
        if (!found.IsSuccess)
        {
            return found.Error!;
        }

        var (change, row) = found.Value;
        if (change.To < row.Floor)
        {
            return Error.Validation("category", $"{change.To} is now above the loan's floor {row.Floor} ({row.Reasons}): reject the change");
        }

        Decide(change, ChangeState.Applied, note);
        await ApplyAsync(row, change, cancellationToken);
        foreach (var other in await db.ClassificationChanges.Where(c => c.LoanId == change.LoanId && c.State == ChangeState.Pending && c.Id != change.Id).ToListAsync(cancellationToken))
        {
            Decide(other, ChangeState.Superseded, $"superseded by change {change.Id}");
        }

        await db.SaveChangesAsync(cancellationToken);
        return change;
    }

    /// <summary>A risk manager other than the maker rejects a pending change, saying why.</summary>
    public async Task<Result<ClassificationChange>> RejectAsync(long changeId, string? note, bool approverIsRiskManager, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(note))
        {
            return Error.Validation("note", "is required to reject a change");
        }

        var found = await DecidableAsync(changeId, approverIsRiskManager, cancellationToken);
        if (!found.IsSuccess)
        {
            return found.Error!;
        }

        Decide(found.Value.Change, ChangeState.Rejected, note);
        await db.SaveChangesAsync(cancellationToken);
        return found.Value.Change;
    }

    /// <summary>Raises a risk flag; the next nightly classification takes it into account.</summary>
    public async Task<Result<RiskFlag>> FlagAsync(RiskFlagRequest request, CancellationToken cancellationToken = default)
    {
        if (!Enum.IsDefined(request.Kind))
        {
            return Error.Validation("kind", $"'{request.Kind}' is not a risk flag");
        }

        var customer = await db.Customers.FirstOrDefaultAsync(c => c.Id == request.CustomerId, cancellationToken);
        if (customer is null)
        {
            return Error.NotFound("customer.not_found", $"customer {request.CustomerId} was not found");
        }

        if (request.LoanId is { } loanId && !await db.Loans.AnyAsync(l => l.Id == loanId && l.CustomerId == customer.Id, cancellationToken))
        {
            return Error.Validation("loanId", $"loan {loanId} is not a loan of customer {customer.Code}");
        }

        if (string.IsNullOrWhiteSpace(request.Note))
        {
            return Error.Validation("note", "is required: say what the flag rests on");
        }

        var flag = new RiskFlag
        {
            CustomerId = customer.Id, LoanId = request.LoanId, OrganisationPath = customer.OrganisationPath, AccountManagerId = customer.AccountManagerId,
            Kind = request.Kind, Since = request.Since, Source = "manual", Reference = request.Reference?.Trim(), Note = request.Note.Trim(),
            RecordedBy = db.CurrentUser.UserName, RecordedAt = clock.GetUtcNow(),
        };
        db.RiskFlags.Add(flag);
        await db.SaveChangesAsync(cancellationToken);
        return flag;
    }

    /// <summary>Ends a risk flag from <paramref name="until"/> (exclusive).</summary>
    public async Task<Result<RiskFlag>> EndFlagAsync(long flagId, DateOnly until, CancellationToken cancellationToken = default)
    {
        var flag = await db.RiskFlags.FirstOrDefaultAsync(f => f.Id == flagId, cancellationToken);
        if (flag is null)
        {
            return Error.NotFound("flag.not_found", $"risk flag {flagId} was not found");
        }

        if (until < flag.Since)
        {
            return Error.Validation("until", $"must not be before the flag's start {flag.Since:yyyy-MM-dd}");
        }

        flag.Until = until;
        await db.SaveChangesAsync(cancellationToken);
        return flag;
    }

    private async Task<Result<(ClassificationChange Change, LoanClassification Row)>> DecidableAsync(long changeId, bool approverIsRiskManager, CancellationToken cancellationToken)
    {
        var change = await db.ClassificationChanges.FirstOrDefaultAsync(c => c.Id == changeId, cancellationToken);
        if (change is null)
        {
            return Error.NotFound("change.not_found", $"classification change {changeId} was not found");
        }

        if (change.State != ChangeState.Pending)
        {
            return Error.Conflict("change.decided", $"classification change {changeId} is {change.State}, not pending");
        }

        if (!ClassificationRules.MayApprove(change.ProposedBy, db.CurrentUser.UserId, approverIsRiskManager))
        {
            return approverIsRiskManager
                ? Error.Forbidden("change.own", "the maker of a change cannot approve or reject it: a second risk manager must")
                : Error.Forbidden("change.role", "only a risk manager may approve or reject a change of category");
        }

        var row = await db.LoanClassifications.FirstAsync(c => c.LoanId == change.LoanId, cancellationToken);
        return (change, row);
    }

    private void Decide(ClassificationChange change, ChangeState state, string? note)
    {
        change.State = state;
        change.DecidedBy = db.CurrentUser.UserId;
        change.DecidedByName = db.CurrentUser.UserName;
        change.DecidedAt = clock.GetUtcNow();
        change.DecisionNote = note?.Trim();
    }

    /// <summary>Puts the change in force on the classification row and the live position.</summary>
    private async Task ApplyAsync(LoanClassification row, ClassificationChange change, CancellationToken cancellationToken)
    {
        row.Category = change.To;
        row.Held = change.Source == ChangeSource.Manual ? ClassificationRules.HeldAfter(change.To, row.Floor) : null;
        row.Proposed = ClassificationRules.Proposal(row.Floor, row.Held);
        row.ChangedOn = change.Date;
        var dpd = await db.LoanPositions.Where(p => p.LoanId == row.LoanId).Select(p => p.DaysPastDue).FirstOrDefaultAsync(cancellationToken);
        row.Stage = DelinquencyRules.Stage(dpd, row.Category, row.Reasons.HasFlag(ClassificationReasons.RedSignal));
        await db.LoanPositions.Where(p => p.LoanId == row.LoanId)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.Category, row.Category).SetProperty(p => p.Stage, row.Stage), cancellationToken);
    }

    private ClassificationChange NewChange(LoanClassification row, DateOnly date, FiveLevelCategory to, string reason, string? evidence) => new()
    {
        LoanId = row.LoanId, CustomerId = row.CustomerId, OrganisationId = row.OrganisationId, OrganisationPath = row.OrganisationPath,
        AccountManagerId = row.AccountManagerId, Date = date, From = row.Category, To = to, Floor = row.Floor, Reasons = row.Reasons,
        Source = ChangeSource.Manual, State = ChangeState.Pending, Reason = reason, Evidence = string.IsNullOrEmpty(evidence) ? null : evidence,
        ProposedBy = db.CurrentUser.UserId, ProposedByName = db.CurrentUser.UserName, ProposedAt = clock.GetUtcNow(),
    };
}
