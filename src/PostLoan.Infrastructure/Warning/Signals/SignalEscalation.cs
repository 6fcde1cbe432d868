using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PostLoan.Domain.Administration;
using PostLoan.Domain.Warning.Push;
using PostLoan.Domain.Warning.Signals;
using PostLoan.Infrastructure.Identity;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Infrastructure.Warning.Push;
using Quartz;

namespace PostLoan.Infrastructure.Warning.Signals;

/// <summary>
/// The supervisors of an organisation's signals (上级): the risk managers of the organisation, or, when it has none, of
/// the nearest ancestor that has.
/// </summary>
public sealed class SignalSupervisors(PostLoanDbContext db)
{
    public async Task<IReadOnlyList<string>> OfAsync(int organisationId, CancellationToken cancellationToken = default)
    {
        var riskManagers = await (from u in db.Users
                                  join ur in db.UserRoles on u.Id equals ur.UserId
                                  join r in db.Roles on ur.RoleId equals r.Id
                                  where r.Name == Roles.RiskManager && u.IsActive && u.OrganisationId != null
                                  orderby u.UserName
                                  select new { u.Id, OrganisationId = u.OrganisationId!.Value }).ToListAsync(cancellationToken);
        var parents = await db.Organisations.IgnoreQueryFilters().ToDictionaryAsync(o => o.Id, o => o.ParentId, cancellationToken);
        for (int? current = organisationId; current is { } id; current = parents.GetValueOrDefault(id))
        {
            var found = riskManagers.Where(u => u.OrganisationId == id).Select(u => u.Id).ToList();
            if (found.Count > 0)
            {
                return found;
            }
        }

        return [];
    }
}

/// <summary>
/// Escalation of overdue steps (超时升级): a signal whose current step (check, confirmation) or a disposal action whose
/// deadline passed is escalated once to the supervisors: <c>EscalatedAt</c> set, a step logged, the supervisors told.
/// </summary>
public sealed class SignalEscalation(PostLoanDbContext db, SignalSupervisors supervisors, NotificationCentre notifications, TimeProvider clock)
{
    /// <summary>Escalates everything overdue now; returns how many signals and actions were escalated.</summary>
    public async Task<int> EscalateOverdueAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var signals = await db.WarningSignals.IgnoreQueryFilters()
            .Where(s => s.IsActive && s.DueAt != null && s.DueAt < now && s.EscalatedAt == null)
            .OrderBy(s => s.Id).ToListAsync(cancellationToken);
        var actions = await db.DisposalActions.IgnoreQueryFilters()
            .Where(a => a.State == DisposalState.Open && a.DueAt < now && a.EscalatedAt == null)
            .OrderBy(a => a.Id).ToListAsync(cancellationToken);
        foreach (var signal in signals)
        {
            signal.EscalatedAt = now;
            await EscalateAsync(signal, null, $"{Stage(signal.Status)}超过期限 {signal.DueAt:yyyy-MM-dd HH:mm}", cancellationToken);
        }

        foreach (var action in actions)
        {
            action.EscalatedAt = now;
            var signal = await db.WarningSignals.IgnoreQueryFilters().FirstAsync(s => s.Id == action.SignalId, cancellationToken);
            await EscalateAsync(signal, action, $"处置措施 {action.Kind}（{action.OwnerName}）超过期限 {action.DueAt:yyyy-MM-dd}", cancellationToken);
        }

        return signals.Count + actions.Count;
    }

    private async Task EscalateAsync(WarningSignal signal, DisposalAction? action, string note, CancellationToken cancellationToken)
    {
        var told = await supervisors.OfAsync(signal.OrganisationId, cancellationToken);
        db.SignalSteps.Add(new SignalStep
        {
            SignalId = signal.Id, Kind = SignalStepKind.Escalated, At = clock.GetUtcNow(), ActorId = "system", ActorName = "system",
            From = signal.Status, To = signal.Status, Note = note, AssigneeId = string.Join(",", told), ActionId = action?.Id,
            CustomerId = signal.CustomerId, OrganisationPath = signal.OrganisationPath, AccountManagerId = signal.AccountManagerId,
        });
        await db.SaveChangesAsync(cancellationToken);
        await notifications.NotifyAsync(told, NotificationKind.SignalEscalated, signal, note, cancellationToken);
    }

    private static string Stage(SignalStatus status) => status switch
    {
        SignalStatus.Raised => "分派",
        SignalStatus.Assigned => "排查",
        SignalStatus.PendingVerification => "认定复核",
        SignalStatus.Verified => "处置",
        SignalStatus.Dismissed => "误报",
        SignalStatus.Released => "解除",
    };
}

/// <summary>The Quartz job that escalates overdue signal steps every 15 minutes (<c>Warning:Escalation:Cron</c>).</summary>
[DisallowConcurrentExecution]
public sealed class SignalEscalationJob(IServiceScopeFactory scopes) : IJob
{
    public static readonly JobKey Key = new("signal-escalation", "warning");

    public const string DefaultCron = "0 0/15 * * * ?";

    public async Task Execute(IJobExecutionContext context)
    {
        await using var scope = scopes.CreateAsyncScope();
        if (scope.ServiceProvider.GetService<ICurrentUser>() is IActAsSystem system)
        {
            system.ActAsSystem();
        }

        await scope.ServiceProvider.GetRequiredService<SignalEscalation>().EscalateOverdueAsync(context.CancellationToken);
    }
}

/// <summary>Assigns new signals and tells of escalated ones, after <see cref="SignalRaiser"/> stored them.</summary>
/// <remarks>The workflow is resolved when called: it raises signals itself, so it cannot be a constructor dependency of an observer.</remarks>
public sealed class SignalAssignmentObserver(IServiceProvider services) : ISignalObserver
{
    public Task OnRaisedAsync(IReadOnlyList<RaisedSignal> signals, CancellationToken cancellationToken) =>
        services.GetRequiredService<SignalWorkflow>().OnRaisedAsync(signals, cancellationToken);
}
