using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Administration;
using PostLoan.Domain.Common;
using PostLoan.Domain.Ledger.Calendar;
using PostLoan.Domain.Risk;
using PostLoan.Domain.Warning.Push;
using PostLoan.Domain.Warning.Signals;
using PostLoan.Infrastructure.Administration;
using PostLoan.Infrastructure.Ledger.CreditLines;
using PostLoan.Infrastructure.Ledger.Loans;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Infrastructure.Risk.Classification;
using PostLoan.Infrastructure.Warning.Push;

namespace PostLoan.Infrastructure.Warning.Signals;

/// <summary>Who acts on a signal: the web layer tells whether the user holds the risk manager role.</summary>
/// <param name="IsRiskManager">Risk managers verify, dispose, release and reassign in their organisation subtree.</param>
public sealed record SignalActor(bool IsRiskManager);

/// <summary>A manual signal a risk manager raises (人工预警).</summary>
public sealed record ManualSignal(int CustomerId, long? LoanId, SignalSeverity Severity, string? Title, string? Detail);

/// <summary>A disposal action to add to a verified signal.</summary>
public sealed record NewDisposalAction(DisposalKind Kind, string? OwnerId, DateOnly? DueDate, string? Note, decimal? Amount, long? CreditLineId, long? LoanId, FiveLevelCategory? Category);

/// <summary>The feedback of a release (反响): was the risk real, what came of it, and whether to unfreeze the credit line.</summary>
public sealed record SignalRelease(bool? RealRisk, string? Outcome, bool Unfreeze);

/// <summary>
/// The signal workflow (domain.md §5): assignment to the account manager with a deadline, the check (排查), a proposal
/// by the maker and its confirmation by a second person with the risk manager role (认定 or 误报), disposal actions
/// (处置) with owners and deadlines — a limit freeze or reduction changes the credit line, a downgrade is a
/// classification change request — and the release (解除) with feedback. A verified red signal is a RedSignal risk flag
/// (floor 关注, IFRS 9 stage 2) until released. Every step is a row of <c>signal_steps</c>; the people concerned are told.
/// Signals are read through the caller's data scope: an account manager reaches only their own customers' signals.
/// </summary>
public sealed class SignalWorkflow(
    PostLoanDbContext db,
    SignalRaiser raiser,
    SignalSupervisors supervisors,
    NotificationCentre notifications,
    CreditLineService creditLines,
    ClassificationService classification,
    LoanServicing servicing,
    TimeProvider clock)
{
    /// <summary>Parameter: working days the assignee has for the check; the checker has as many to confirm.</summary>
    public const string CheckDaysParameter = "warning.signalCheckDays";

    /// <summary>Raises a manual signal; the assignment observer assigns it to the account manager.</summary>
    public async Task<Result<WarningSignal>> RaiseManualAsync(ManualSignal request, CancellationToken cancellationToken = default)
    {
        if (!Enum.IsDefined(request.Severity))
        {
            return Error.Validation("severity", "must be Red, Orange or Yellow");
        }

        var title = request.Title?.Trim();
        if (string.IsNullOrEmpty(title) || title.Length > 200)
        {
            return Error.Validation("title", "is required (at most 200 characters)");
        }

        if (request.Detail?.Length > 2000)
        {
            return Error.Validation("detail", "is too long (at most 2000 characters)");
        }

        var customer = await db.Customers.FirstOrDefaultAsync(c => c.Id == request.CustomerId, cancellationToken);
        if (customer is null)
        {
            return Error.Validation("customerId", $"customer {request.CustomerId} does not exist or is outside your scope");
        }

        if (request.LoanId is { } loanId && !await db.Loans.AnyAsync(l => l.Id == loanId && l.CustomerId == customer.Id, cancellationToken))
        {
            return Error.Validation("loanId", $"loan {loanId} is not a loan of customer {customer.Code}");
        }

        var raised = await raiser.RaiseAsync([new SignalDraft(customer.Id, SignalSource.Manual, "manual:" + Guid.NewGuid().ToString("N"), request.Severity, title,
            request.Detail?.Trim(), await servicing.OpenBusinessDateAsync(cancellationToken)) { LoanId = request.LoanId }], cancellationToken);
        return await db.WarningSignals.AsNoTracking().FirstAsync(s => s.Id == raised[0].Signal.Id, cancellationToken);
    }

    /// <summary>
    /// Assigns new signals to the customer's account manager with the check deadline (system step, called by the observer);
    /// without an account manager the supervisors are told. A repeat that raised the severity is logged and told. Signals a
    /// set-based writer already took through these steps (<see cref="RaisedSignal.WorkflowStarted"/>) are skipped.
    /// </summary>
    public async Task OnRaisedAsync(IReadOnlyList<RaisedSignal> raised, CancellationToken cancellationToken = default)
    {
        // A night's run can raise tens of thousands at once: work in chunks, each one save and one notification batch, and
        // keep the change tracker small between them (those entities were the run's own, untracked copies).
        var clear = raised.Count > RaisedChunk;
        var plan = PlanNew();
        foreach (var chunk in raised.Where(r => !r.WorkflowStarted).Chunk(RaisedChunk))
        {
            var ids = chunk.Select(r => r.Signal.Id).ToList();
            var signals = await db.WarningSignals.IgnoreQueryFilters().Where(s => ids.Contains(s.Id)).ToDictionaryAsync(s => s.Id, cancellationToken);
            var fresh = chunk.Where(r => r.IsNew).Select(r => signals.GetValueOrDefault(r.Signal.Id)).OfType<WarningSignal>().ToList();
            var (steps, notices) = await plan.PlanAsync(fresh, cancellationToken);
            db.SignalSteps.AddRange(steps);
            foreach (var item in chunk.Where(r => !r.IsNew))
            {
                if (!signals.TryGetValue(item.Signal.Id, out var signal))
                {
                    continue;
                }

                var step = Step(signal, SignalStepKind.SeverityRaised, signal.Status, $"严重程度升至 {signal.Severity}");
                (step.ActorId, step.ActorName) = ("system", "system");
                await AddRedFlagIfVerifiedAsync(signal, cancellationToken);
                var told = new List<string>(await plan.CheckersAsync(signal.OrganisationId, cancellationToken));
                if (signal.AssignedToId is { } assignee)
                {
                    told.Add(assignee);
                }

                notices.Add(new SignalNotice(told, NotificationKind.SignalEscalated, signal, $"严重程度升至 {signal.Severity}"));
            }

            await db.SaveChangesAsync(cancellationToken);
            await notifications.NotifyAsync(notices, cancellationToken);
            if (clear)
            {
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>
    /// Plans the first steps of new signals, in memory for a set-based writer (<see cref="NewSignalPlanner.PlanAsync"/>); one
    /// planner serves a whole intake, however many parts it comes in.
    /// </summary>
    public NewSignalPlanner PlanNew() => new(this, db, supervisors);

    /// <summary>
    /// The first steps of new signals: each is raised (a step by the current user) and, when its customer's account manager
    /// is active, assigned to them with the check deadline (a system step); the notices say who to tell — the account
    /// manager, or the organisation's supervisors when nobody could be assigned. Moves the signals' status, assignee and
    /// deadline; the caller stores signals, steps and notifications. The steps are made as they are enumerated (a night's
    /// million steps are written, never held), from the signals as planned, once per enumeration. The deadline, the
    /// organisations' supervisors and the steps' instant are taken once per planner.
    /// </summary>
    public sealed class NewSignalPlanner
    {
        private readonly SignalWorkflow _workflow;
        private readonly PostLoanDbContext _db;
        private readonly SignalSupervisors _supervisors;
        private readonly Dictionary<int, IReadOnlyList<string>> _checkers = [];
        private DateTimeOffset? _deadline;
        private DateTimeOffset? _at;

        internal NewSignalPlanner(SignalWorkflow workflow, PostLoanDbContext db, SignalSupervisors supervisors) =>
            (_workflow, _db, _supervisors) = (workflow, db, supervisors);

        /// <summary>The supervisors of an organisation, who are told when nobody could be assigned (read once per planner).</summary>
        internal async Task<IReadOnlyList<string>> CheckersAsync(int organisationId, CancellationToken cancellationToken)
        {
            if (!_checkers.TryGetValue(organisationId, out var found))
            {
                _checkers[organisationId] = found = await _supervisors.OfAsync(organisationId, cancellationToken);
            }

            return found;
        }

        /// <summary>Plans <paramref name="signals"/> (new, with their ids): the steps to store as enumerated, and whom to tell.</summary>
        public async Task<(IEnumerable<SignalStep> Steps, List<SignalNotice> Notices)> PlanAsync(IReadOnlyList<WarningSignal> signals, CancellationToken cancellationToken = default)
        {
            var notices = new List<SignalNotice>(signals.Count);
            if (signals.Count == 0)
            {
                return ([], notices);
            }

            var deadline = _deadline ??= await _workflow.DeadlineAsync(cancellationToken);
            var managers = signals.Select(s => s.AccountManagerId).OfType<string>().Distinct().ToList();
            var active = managers.Count == 0 ? [] : (await _db.Users.Where(u => managers.Contains(u.Id) && u.IsActive).Select(u => u.Id)
                .ToListAsync(cancellationToken)).ToHashSet();
            var before = new SignalStatus[signals.Count];
            var assigned = new bool[signals.Count];
            for (var i = 0; i < signals.Count; i++)
            {
                var signal = signals[i];
                before[i] = signal.Status;
                signal.Status = SignalStatus.Raised;
                if (signal.AccountManagerId is { } manager && active.Contains(manager))
                {
                    assigned[i] = true;
                    (signal.Status, signal.AssignedToId, signal.DueAt, signal.EscalatedAt) = (SignalStatus.Assigned, manager, deadline, null);
                    notices.Add(new SignalNotice([manager], NotificationKind.SignalNew, signal, "请在期限内完成排查"));
                }
                else
                {
                    notices.Add(new SignalNotice(await CheckersAsync(signal.OrganisationId, cancellationToken), NotificationKind.SignalNew, signal, "客户无客户经理，请分派"));
                }
            }

            var (at, actorId, actorName) = (_at ??= _workflow.Now, _db.CurrentUser.UserId, _db.CurrentUser.UserName);
            IEnumerable<SignalStep> Steps()
            {
                for (var i = 0; i < signals.Count; i++)
                {
                    var signal = signals[i];
                    // Raised and, when the customer has an active account manager, assigned to them in the same step: one
                    // record of who raised it, when, and whom it went to (a first night raises most of a book's signals).
                    var step = MakeStep(signal, SignalStepKind.Raised, before[i], assigned[i] ? SignalStatus.Assigned : SignalStatus.Raised, signal.Detail, at, actorId, actorName);
                    step.AssigneeId = assigned[i] ? signal.AssignedToId : null;
                    yield return step;
                }
            }

            return (Steps(), notices);
        }
    }

    /// <summary>Raised signals handled per save in <see cref="OnRaisedAsync"/>.</summary>
    private const int RaisedChunk = 1000;

    /// <summary>A risk manager (re)assigns the signal to a person who can see it.</summary>
    public async Task<Result<WarningSignal>> AssignAsync(long signalId, string? userId, string? note, SignalActor actor, CancellationToken cancellationToken = default)
    {
        var found = await OpenSignalAsync(signalId, cancellationToken);
        if (!found.IsSuccess)
        {
            return found;
        }

        var signal = found.Value!;
        if (!actor.IsRiskManager)
        {
            return Error.Forbidden("signal.role", "only a risk manager may reassign a signal");
        }

        if (!SignalWorkflowRules.CanPropose(signal.Status))
        {
            return Error.Conflict("signal.status", $"signal {signalId} is {signal.Status}: only a raised or assigned signal can be reassigned");
        }

        if (string.IsNullOrWhiteSpace(userId) || !await CanSeeAsync(userId, signal, cancellationToken))
        {
            return Error.Validation("userId", "must be an active account manager or risk manager whose data scope includes the signal's customer");
        }

        await AssignToAsync(signal, userId, note?.Trim() ?? "重新分派", cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await notifications.NotifyAsync([userId], NotificationKind.SignalAssigned, signal, note, cancellationToken);
        return signal;
    }

    /// <summary>The assignee (or a risk manager) records what the check found (排查记录).</summary>
    public async Task<Result<WarningSignal>> RecordCheckAsync(long signalId, string? note, SignalActor actor, CancellationToken cancellationToken = default)
    {
        var found = await WorkableAsync(signalId, actor, cancellationToken);
        if (!found.IsSuccess)
        {
            return found;
        }

        if (string.IsNullOrWhiteSpace(note) || note.Length > 2000)
        {
            return Error.Validation("note", "is required: what the check (排查) found (at most 2000 characters)");
        }

        Step(found.Value!, SignalStepKind.Checked, found.Value!.Status, note.Trim());
        await db.SaveChangesAsync(cancellationToken);
        return found.Value!;
    }

    /// <summary>The maker proposes verified or false alarm with reason and evidence; a risk manager must confirm.</summary>
    public async Task<Result<WarningSignal>> ProposeAsync(long signalId, SignalStatus outcome, string? reason, string? evidence, SignalActor actor, CancellationToken cancellationToken = default)
    {
        if (outcome is not (SignalStatus.Verified or SignalStatus.Dismissed))
        {
            return Error.Validation("outcome", "must be Verified or Dismissed");
        }

        if (string.IsNullOrWhiteSpace(reason) || reason.Length > 2000 || evidence?.Length > 2000)
        {
            return Error.Validation(string.IsNullOrWhiteSpace(reason) || reason.Length > 2000 ? "reason" : "evidence", "is required (at most 2000 characters)");
        }

        var found = await WorkableAsync(signalId, actor, cancellationToken);
        if (!found.IsSuccess)
        {
            return found;
        }

        var signal = found.Value!;
        if (!await db.SignalSteps.AnyAsync(s => s.SignalId == signalId && s.Kind == SignalStepKind.Checked, cancellationToken))
        {
            return Error.Validation("check", "record the check (排查) before proposing an outcome");
        }

        var step = Step(signal, SignalStepKind.Proposed, SignalStatus.PendingVerification, reason.Trim());
        step.Outcome = outcome;
        step.Evidence = string.IsNullOrWhiteSpace(evidence) ? null : evidence.Trim();
        signal.DueAt = await DeadlineAsync(cancellationToken);
        signal.EscalatedAt = null;
        await db.SaveChangesAsync(cancellationToken);
        var checkers = (await supervisors.OfAsync(signal.OrganisationId, cancellationToken)).Where(u => u != db.CurrentUser.UserId).ToList();
        await notifications.NotifyAsync(checkers, NotificationKind.StepDue, signal, $"待认定：建议{(outcome == SignalStatus.Verified ? "认定为风险" : "误报")}", cancellationToken);
        return signal;
    }

    /// <summary>
    /// A risk manager other than the maker confirms the proposal: Verified (a red signal writes a RedSignal risk flag) or
    /// Dismissed (closed).
    /// </summary>
    public async Task<Result<WarningSignal>> ConfirmAsync(long signalId, string? note, SignalActor actor, CancellationToken cancellationToken = default)
    {
        var found = await ProposalAsync(signalId, actor, cancellationToken);
        if (!found.IsSuccess)
        {
            return found.Error!;
        }

        var (signal, proposal) = found.Value;
        var outcome = proposal.Outcome!.Value;
        Step(signal, outcome == SignalStatus.Verified ? SignalStepKind.Verified : SignalStepKind.Dismissed, outcome, note?.Trim());
        signal.DueAt = null;
        signal.EscalatedAt = null;
        if (outcome == SignalStatus.Dismissed)
        {
            Close(signal);
        }
        else
        {
            await AddRedFlagIfVerifiedAsync(signal, cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
        return signal;
    }

    /// <summary>A risk manager other than the maker sends the proposal back to the assignee, saying why.</summary>
    public async Task<Result<WarningSignal>> ReturnAsync(long signalId, string? note, SignalActor actor, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(note))
        {
            return Error.Validation("note", "is required to send a proposal back");
        }

        var found = await ProposalAsync(signalId, actor, cancellationToken);
        if (!found.IsSuccess)
        {
            return found.Error!;
        }

        var signal = found.Value.Signal;
        Step(signal, SignalStepKind.Returned, SignalStatus.Assigned, note.Trim());
        signal.DueAt = await DeadlineAsync(cancellationToken);
        signal.EscalatedAt = null;
        await db.SaveChangesAsync(cancellationToken);
        if (signal.AssignedToId is { } assignee)
        {
            await notifications.NotifyAsync([assignee], NotificationKind.StepDue, signal, "认定建议被退回：" + note.Trim(), cancellationToken);
        }

        return signal;
    }

    /// <summary>A risk manager adds a disposal action (处置) to a verified signal.</summary>
    public async Task<Result<DisposalAction>> AddActionAsync(long signalId, NewDisposalAction request, SignalActor actor, CancellationToken cancellationToken = default)
    {
        var found = await OpenSignalAsync(signalId, cancellationToken);
        if (!found.IsSuccess)
        {
            return found.Error!;
        }

        var signal = found.Value!;
        if (!actor.IsRiskManager)
        {
            return Error.Forbidden("signal.role", "only a risk manager may decide a disposal action");
        }

        if (signal.Status != SignalStatus.Verified)
        {
            return Error.Conflict("signal.status", $"signal {signalId} is {signal.Status}: disposal actions follow verification");
        }

        if (!Enum.IsDefined(request.Kind))
        {
            return Error.Validation("kind", "must be FreezeLimit, ReduceLimit, DemandEarlyRepayment, AddCollateral, RaiseInspectionFrequency, ProposeDowngrade or StartCollection");
        }

        var today = DateOnly.FromDateTime(clock.GetLocalNow().Date);
        if (request.DueDate is not { } dueDate || dueDate < today)
        {
            return Error.Validation("dueDate", $"is required and must not be before {today:yyyy-MM-dd}");
        }

        if (request.Note?.Length > 2000)
        {
            return Error.Validation("note", "is too long (at most 2000 characters)");
        }

        var ownerId = string.IsNullOrWhiteSpace(request.OwnerId) ? signal.AssignedToId ?? db.CurrentUser.UserId : request.OwnerId.Trim();
        if (!await CanSeeAsync(ownerId, signal, cancellationToken))
        {
            return Error.Validation("ownerId", "must be an active account manager or risk manager whose data scope includes the signal's customer");
        }

        var now = clock.GetUtcNow();
        var action = new DisposalAction
        {
            SignalId = signal.Id, Kind = request.Kind, OwnerId = ownerId, OwnerName = await NameOfAsync(ownerId, cancellationToken),
            DueAt = new DateTimeOffset(dueDate.AddDays(1).ToDateTime(TimeOnly.MinValue), clock.GetLocalNow().Offset), Note = request.Note?.Trim(),
            Amount = request.Amount, CreatedById = db.CurrentUser.UserId, CreatedAt = now,
            CustomerId = signal.CustomerId, OrganisationPath = signal.OrganisationPath, AccountManagerId = signal.AccountManagerId,
        };
        var reason = $"预警信号 {signal.Id}：{signal.Title}";
        await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        var effect = await ApplyEffectAsync(signal, action, request, reason, cancellationToken);
        if (effect is not null)
        {
            return effect;
        }

        db.DisposalActions.Add(action);
        await db.SaveChangesAsync(cancellationToken);
        var step = Step(signal, SignalStepKind.ActionAdded, signal.Status, $"{action.Kind}{(action.Note is null ? "" : "：" + action.Note)}");
        step.ActionId = action.Id;
        step.AssigneeId = ownerId;
        await db.SaveChangesAsync(cancellationToken);
        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        if (action.State == DisposalState.Open)
        {
            await notifications.NotifyAsync([ownerId], NotificationKind.SignalAssigned, signal, $"处置措施 {action.Kind}，期限 {dueDate:yyyy-MM-dd}", cancellationToken);
        }

        return action;
    }

    /// <summary>The owner (or a risk manager) marks an open action done or cancelled, with a note.</summary>
    public async Task<Result<DisposalAction>> CloseActionAsync(long signalId, long actionId, DisposalState state, string? note, SignalActor actor, CancellationToken cancellationToken = default)
    {
        if (state is not (DisposalState.Done or DisposalState.Cancelled))
        {
            return Error.Validation("state", "must be Done or Cancelled");
        }

        if (string.IsNullOrWhiteSpace(note) || note.Length > 2000)
        {
            return Error.Validation("note", "is required: what was done, or why it is cancelled (at most 2000 characters)");
        }

        var action = await db.DisposalActions.FirstOrDefaultAsync(a => a.Id == actionId && a.SignalId == signalId, cancellationToken);
        if (action is null)
        {
            return Error.NotFound("action.not_found", $"signal {signalId} has no disposal action {actionId}");
        }

        if (action.OwnerId != db.CurrentUser.UserId && !actor.IsRiskManager)
        {
            return Error.Forbidden("action.owner", "only the action's owner or a risk manager may close it");
        }

        if (action.State != DisposalState.Open)
        {
            return Error.Conflict("action.state", $"disposal action {actionId} is {action.State} already");
        }

        action.State = state;
        action.Outcome = note.Trim();
        action.ClosedAt = clock.GetUtcNow();
        action.ClosedById = db.CurrentUser.UserId;
        var signal = await db.WarningSignals.FirstAsync(s => s.Id == signalId, cancellationToken);
        var step = Step(signal, state == DisposalState.Done ? SignalStepKind.ActionDone : SignalStepKind.ActionCancelled, signal.Status, $"{action.Kind}：{note.Trim()}");
        step.ActionId = action.Id;
        await db.SaveChangesAsync(cancellationToken);
        return action;
    }

    /// <summary>A risk manager releases a verified signal once every action is done or cancelled, with feedback (反响).</summary>
    public async Task<Result<WarningSignal>> ReleaseAsync(long signalId, SignalRelease release, SignalActor actor, CancellationToken cancellationToken = default)
    {
        var found = await OpenSignalAsync(signalId, cancellationToken);
        if (!found.IsSuccess)
        {
            return found;
        }

        var signal = found.Value!;
        if (!actor.IsRiskManager)
        {
            return Error.Forbidden("signal.role", "only a risk manager may release a signal");
        }

        if (release.RealRisk is not { } realRisk)
        {
            return Error.Validation("realRisk", "is required: was the signal a real risk (true or false)");
        }

        if (string.IsNullOrWhiteSpace(release.Outcome) || release.Outcome.Length > 2000)
        {
            return Error.Validation("outcome", "is required: what came of the signal (at most 2000 characters)");
        }

        var actions = await db.DisposalActions.Where(a => a.SignalId == signalId).Select(a => a.State).ToListAsync(cancellationToken);
        if (!SignalWorkflowRules.CanRelease(signal.Status, actions))
        {
            return signal.Status != SignalStatus.Verified
                ? Error.Conflict("signal.status", $"signal {signalId} is {signal.Status}: only a verified signal is released")
                : Error.Conflict("signal.actions", $"{actions.Count(a => a == DisposalState.Open)} disposal action(s) are still open: mark them done or cancelled first");
        }

        var date = await servicing.OpenBusinessDateAsync(cancellationToken);
        var reference = Reference(signal.Id);
        foreach (var flag in await db.RiskFlags.IgnoreQueryFilters().Where(f => f.Reference == reference && f.Until == null).ToListAsync(cancellationToken))
        {
            flag.Until = date < flag.Since ? flag.Since : date;
        }

        var step = Step(signal, SignalStepKind.Released, SignalStatus.Released, release.Outcome.Trim());
        step.RealRisk = realRisk;
        Close(signal);
        signal.DueAt = null;
        await db.SaveChangesAsync(cancellationToken);
        if (release.Unfreeze)
        {
            await creditLines.UnfreezeForSignalAsync(signal.Id, $"预警信号 {signal.Id} 解除", cancellationToken);
        }

        return signal;
    }

    /// <summary>The reference of the risk flag a verified red signal writes.</summary>
    public static string Reference(long signalId) => "signal:" + signalId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The deadline of a step: now plus the parameter's working days (calendar of <c>calendar_days</c>).</summary>
    public async Task<DateTimeOffset> DeadlineAsync(CancellationToken cancellationToken = default)
    {
        var days = (int)await new ParameterService(db).DecimalAsync(CheckDaysParameter, SignalWorkflowRules.DefaultCheckWorkingDays, cancellationToken);
        var now = clock.GetLocalNow();
        var today = DateOnly.FromDateTime(now.Date);
        var horizon = today.AddDays(days * 3 + 30);
        var exceptions = await db.CalendarDays.Where(d => d.Date >= today && d.Date <= horizon).ToListAsync(cancellationToken);
        var due = new WorkingDays(exceptions).AddWorkingDays(today, days);
        return now.AddDays(due.DayNumber - today.DayNumber).ToUniversalTime();
    }

    private async Task<Error?> ApplyEffectAsync(WarningSignal signal, DisposalAction action, NewDisposalAction request, string reason, CancellationToken cancellationToken)
    {
        switch (request.Kind)
        {
            case DisposalKind.FreezeLimit:
                var frozen = await creditLines.FreezeCustomerAsync(signal.CustomerId, reason, signal.Id, cancellationToken);
                if (!frozen.IsSuccess)
                {
                    return frozen.Error;
                }

                action.CreditLineId = frozen.Value![0].Id;
                Done(action, "已冻结额度 " + string.Join("、", frozen.Value.Select(l => l.Code)));
                return null;
            case DisposalKind.ReduceLimit:
                var lines = await db.CreditLines.Where(l => l.CustomerId == signal.CustomerId && l.Status != Domain.Ledger.CreditLines.CreditLineStatus.Closed
                    && (request.CreditLineId == null || l.Id == request.CreditLineId)).ToListAsync(cancellationToken);
                if (lines.Count != 1)
                {
                    return Error.Validation("creditLineId", lines.Count == 0 ? "the customer has no open credit line to reduce" : "the customer has several open credit lines: say which");
                }

                if (request.Amount is not { } amount)
                {
                    return Error.Validation("amount", "is required: the line's new amount");
                }

                var reduced = await creditLines.ReduceAsync(lines[0], amount, reason, signal.Id, cancellationToken);
                if (!reduced.IsSuccess)
                {
                    return reduced.Error;
                }

                action.CreditLineId = lines[0].Id;
                Done(action, $"额度 {lines[0].Code} 压降至 {LoanServicing.Format(amount)}");
                return null;
            case DisposalKind.ProposeDowngrade:
                var loanId = request.LoanId ?? signal.LoanId;
                if (loanId is not { } loan || !await db.Loans.AnyAsync(l => l.Id == loan && l.CustomerId == signal.CustomerId, cancellationToken))
                {
                    return Error.Validation("loanId", "is required: a loan of the signal's customer to downgrade");
                }

                var change = await classification.RequestAsync(loan, new ClassificationRequest(request.Category ?? FiveLevelCategory.SpecialMention,
                    request.Note?.Trim() is { Length: > 0 } note ? note : reason, $"预警信号 {signal.Id}（{signal.Severity}）：{signal.Detail ?? signal.Title}"), cancellationToken);
                if (!change.IsSuccess)
                {
                    return change.Error;
                }

                action.LoanId = loan;
                action.ClassificationChangeId = change.Value!.Id;
                return null;
            case DisposalKind.DemandEarlyRepayment:
            case DisposalKind.AddCollateral:
            case DisposalKind.RaiseInspectionFrequency:
            case DisposalKind.StartCollection:
                return null;
            default:
                return Error.Validation("kind", $"'{request.Kind}' is not a disposal action");
        }
    }

    private void Done(DisposalAction action, string outcome)
    {
        action.State = DisposalState.Done;
        action.Outcome = outcome;
        action.ClosedAt = clock.GetUtcNow();
        action.ClosedById = db.CurrentUser.UserId;
    }

    private async Task AddRedFlagIfVerifiedAsync(WarningSignal signal, CancellationToken cancellationToken)
    {
        var reference = Reference(signal.Id);
        if (signal.Status != SignalStatus.Verified || signal.Severity != SignalSeverity.Red
            || await db.RiskFlags.IgnoreQueryFilters().AnyAsync(f => f.Reference == reference && f.Until == null, cancellationToken))
        {
            return;
        }

        db.RiskFlags.Add(new RiskFlag
        {
            CustomerId = signal.CustomerId, LoanId = signal.LoanId, OrganisationPath = signal.OrganisationPath, AccountManagerId = signal.AccountManagerId,
            Kind = RiskFlagKind.RedSignal, Since = await servicing.OpenBusinessDateAsync(cancellationToken), Source = "warning", Reference = reference,
            Note = signal.Title, RecordedBy = db.CurrentUser.UserName, RecordedAt = clock.GetUtcNow(),
        });
    }

    private async Task<SignalStep> AssignToAsync(WarningSignal signal, string userId, string note, CancellationToken cancellationToken) =>
        AssignTo(signal, userId, note, await DeadlineAsync(cancellationToken));

    private SignalStep AssignTo(WarningSignal signal, string userId, string note, DateTimeOffset dueAt)
    {
        var step = Step(signal, SignalStepKind.Assigned, SignalStatus.Assigned, note);
        step.AssigneeId = userId;
        signal.AssignedToId = userId;
        signal.DueAt = dueAt;
        signal.EscalatedAt = null;
        return step;
    }

    private void Close(WarningSignal signal)
    {
        signal.IsActive = false;
        signal.ClosedAt = clock.GetUtcNow();
    }

    /// <summary>Appends a step and moves the signal to <paramref name="to"/>.</summary>
    private SignalStep Step(WarningSignal signal, SignalStepKind kind, SignalStatus to, string? note)
    {
        var step = NewStep(signal, kind, to, note);
        db.SignalSteps.Add(step);
        return step;
    }

    private DateTimeOffset Now => clock.GetUtcNow();

    /// <summary>A step by the current user moving the signal to <paramref name="to"/>, not yet added to the context.</summary>
    private SignalStep NewStep(WarningSignal signal, SignalStepKind kind, SignalStatus to, string? note)
    {
        var step = MakeStep(signal, kind, signal.Status, to, note, clock.GetUtcNow(), db.CurrentUser.UserId, db.CurrentUser.UserName);
        signal.Status = to;
        return step;
    }

    private static SignalStep MakeStep(WarningSignal signal, SignalStepKind kind, SignalStatus from, SignalStatus to, string? note, DateTimeOffset at, string actorId, string? actorName) => new()
    {
        SignalId = signal.Id, Kind = kind, At = at, ActorId = actorId, ActorName = actorName,
        From = from, To = to, Note = note, CustomerId = signal.CustomerId, OrganisationPath = signal.OrganisationPath, AccountManagerId = signal.AccountManagerId,
    };

    private async Task<Result<WarningSignal>> OpenSignalAsync(long signalId, CancellationToken cancellationToken)
    {
        var signal = await db.WarningSignals.FirstOrDefaultAsync(s => s.Id == signalId, cancellationToken);
        if (signal is null)
        {
            return Error.NotFound("signal.not_found", $"signal {signalId} was not found");
        }

        return SignalWorkflowRules.IsOpen(signal.Status) ? signal : Error.Conflict("signal.status", $"signal {signalId} is {signal.Status} and closed");
    }

    /// <summary>A signal the actor may check or propose on: raised or assigned; the assignee or a risk manager.</summary>
    private async Task<Result<WarningSignal>> WorkableAsync(long signalId, SignalActor actor, CancellationToken cancellationToken)
    {
        var found = await OpenSignalAsync(signalId, cancellationToken);
        if (!found.IsSuccess)
        {
            return found;
        }

        var signal = found.Value!;
        if (!SignalWorkflowRules.CanPropose(signal.Status))
        {
            return Error.Conflict("signal.status", $"signal {signalId} is {signal.Status}: the check and the proposal belong to an assigned signal");
        }

        return signal.AssignedToId == db.CurrentUser.UserId || actor.IsRiskManager
            ? signal
            : Error.Forbidden("signal.assignee", "only the assignee or a risk manager may work on this signal");
    }

    /// <summary>A pending proposal a checker may decide: a risk manager who is not the maker.</summary>
    private async Task<Result<(WarningSignal Signal, SignalStep Proposal)>> ProposalAsync(long signalId, SignalActor actor, CancellationToken cancellationToken)
    {
        var found = await OpenSignalAsync(signalId, cancellationToken);
        if (!found.IsSuccess)
        {
            return found.Error!;
        }

        var signal = found.Value!;
        if (signal.Status != SignalStatus.PendingVerification)
        {
            return Error.Conflict("signal.status", $"signal {signalId} is {signal.Status}, not waiting for verification");
        }

        var proposal = await db.SignalSteps.Where(s => s.SignalId == signalId && s.Kind == SignalStepKind.Proposed).OrderByDescending(s => s.Id).FirstAsync(cancellationToken);
        if (!SignalWorkflowRules.MayConfirm(proposal.ActorId, db.CurrentUser.UserId, actor.IsRiskManager))
        {
            return actor.IsRiskManager
                ? Error.Forbidden("signal.own", "the maker of a proposal cannot confirm it: a second risk manager must")
                : Error.Forbidden("signal.role", "only a risk manager may confirm a proposal");
        }

        return (signal, proposal);
    }

    /// <summary>Whether the user is active, an account or risk manager, and their data scope includes the signal.</summary>
    /// <summary>The people a risk manager may (re)assign the signal to: active account and risk managers who can see it.</summary>
    public async Task<IReadOnlyList<(string Id, string Name)>> AssigneeCandidatesAsync(WarningSignal signal, CancellationToken cancellationToken = default)
    {
        // Every role of the active users above the signal's organisation, in one read; the same test as CanSeeAsync.
        var rows = await (from u in db.Users
                          join o in db.Organisations.IgnoreQueryFilters() on u.OrganisationId equals o.Id
                          join ur in db.UserRoles on u.Id equals ur.UserId
                          join r in db.Roles on ur.RoleId equals r.Id
                          where u.IsActive && signal.OrganisationPath.StartsWith(o.Path)
                          select new { u.Id, u.UserName, u.DisplayName, o.Path, u.CustomerId, Role = r.Name! }).ToListAsync(cancellationToken);
        return rows.GroupBy(r => r.Id)
            .Select(g => (Person: g.First(), Roles: g.Select(r => r.Role).ToList()))
            .Where(p => CanWorkOn(signal, p.Person.Id, p.Person.Path, p.Roles, p.Person.CustomerId))
            .OrderBy(p => p.Person.UserName, StringComparer.Ordinal)
            .Select(p => (p.Person.Id, string.IsNullOrWhiteSpace(p.Person.DisplayName) ? p.Person.UserName! : $"{p.Person.DisplayName} ({p.Person.UserName})"))
            .ToList();
    }

    private async Task<bool> CanSeeAsync(string userId, WarningSignal signal, CancellationToken cancellationToken)
    {
        var user = await (from u in db.Users
                          join o in db.Organisations.IgnoreQueryFilters() on u.OrganisationId equals o.Id
                          where u.Id == userId && u.IsActive
                          select new { u.Id, o.Path, u.CustomerId }).FirstOrDefaultAsync(cancellationToken);
        if (user is null)
        {
            return false;
        }

        var roles = await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id where ur.UserId == userId select r.Name!).ToListAsync(cancellationToken);
        return CanWorkOn(signal, user.Id, user.Path, roles, user.CustomerId);
    }

    /// <summary>An account or risk manager whose data scope includes the signal's customer.</summary>
    private static bool CanWorkOn(WarningSignal signal, string userId, string organisationPath, IReadOnlyCollection<string> roles, int? customerId) =>
        (roles.Contains(Roles.AccountManager) || roles.Contains(Roles.RiskManager))
        && DataScope.ForUser(userId, organisationPath, roles, customerId).CanSee(signal.OrganisationPath, signal.AccountManagerId, signal.CustomerId);

    private Task<string?> NameOfAsync(string userId, CancellationToken cancellationToken) =>
        db.Users.Where(u => u.Id == userId).Select(u => u.DisplayName).FirstOrDefaultAsync(cancellationToken);
}
