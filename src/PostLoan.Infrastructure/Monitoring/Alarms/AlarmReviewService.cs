using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Common;
using PostLoan.Domain.Monitoring.Alarms;
using PostLoan.Domain.Warning.Signals;
using PostLoan.Infrastructure.Identity;
using PostLoan.Infrastructure.Ledger.Loans;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Infrastructure.Warning.Signals;

namespace PostLoan.Infrastructure.Monitoring.Alarms;

/// <summary>
/// Review of alarms (告警复核) by service staff in their data scope: acknowledge, confirm (a warning signal of source
/// <see cref="SignalSource.DeviceAlarm"/> on the alarm's customer, which the signal workflow assigns to the account
/// manager and pushes), dismiss as false with a reason. Each step is stamped with the user and time and audited by the
/// context.
/// </summary>
public sealed class AlarmReviewService(PostLoanDbContext db, SignalRaiser signals, LoanServicing servicing, ICurrentUser user, TimeProvider clock)
{
    /// <summary>受理</summary>
    public Task<Result<MonitoringAlarm>> AcknowledgeAsync(long id, CancellationToken cancellationToken = default) =>
        StepAsync(id, alarm => Task.FromResult(AlarmReview.Acknowledge(alarm, Who, clock.GetUtcNow())), cancellationToken);

    /// <summary>误报: the reason is required.</summary>
    public Task<Result<MonitoringAlarm>> DismissAsync(long id, string? reason, CancellationToken cancellationToken = default) =>
        StepAsync(id, alarm => Task.FromResult(AlarmReview.Dismiss(alarm, Who, clock.GetUtcNow(), reason)), cancellationToken);

    /// <summary>确认: the alarm is real; raises (or refreshes) the warning signal and keeps its id on the alarm.</summary>
    public Task<Result<MonitoringAlarm>> ConfirmAsync(long id, string? note, CancellationToken cancellationToken = default) =>
        StepAsync(id, async alarm =>
        {
            if (AlarmReview.Confirm(alarm, Who, clock.GetUtcNow(), note) is { } error)
            {
                return error;
            }

            // The signal and the confirmation are saved together by the raiser; its observers then assign and push it.
            var raised = await signals.RaiseAsync([await SignalAsync(alarm, cancellationToken)], cancellationToken);
            alarm.SignalId = raised[0].Signal.Id;
            return null;
        }, cancellationToken);

    private string Who => user.UserName ?? user.UserId;

    private async Task<Result<MonitoringAlarm>> StepAsync(long id, Func<MonitoringAlarm, Task<Error?>> step, CancellationToken cancellationToken)
    {
        var access = await db.FindInScopeAsync<MonitoringAlarm>(a => a.Id == id, id.ToString(CultureInfo.InvariantCulture), cancellationToken);
        if (access.Outcome == AccessOutcome.Denied)
        {
            return Error.Forbidden("scope.denied", $"alarm {id} is outside your data scope");
        }

        if (access.Value is not { } alarm)
        {
            return Error.NotFound("not_found", $"alarm {id} does not exist");
        }

        if (await step(alarm) is { } error)
        {
            return error;
        }

        await db.SaveChangesAsync(cancellationToken);
        return alarm;
    }

    /// <summary>The signal of a confirmed alarm: one per device and kind, severity as the alarm's, site and device named, evidence in the detail.</summary>
    private async Task<SignalDraft> SignalAsync(MonitoringAlarm alarm, CancellationToken cancellationToken)
    {
        var where = await (from d in db.Devices.IgnoreQueryFilters()
                           join s in db.MonitoringSites.IgnoreQueryFilters() on d.SiteId equals s.Id
                           where d.Id == alarm.DeviceId
                           select new { Site = s.Name, Device = d.Name, d.Code }).FirstAsync(cancellationToken);
        var detail = new StringBuilder();
        detail.Append(CultureInfo.InvariantCulture, $"场所：{where.Site}；设备：{where.Device}（{where.Code}）；告警 #{alarm.Id}：{alarm.Title}");
        detail.Append(CultureInfo.InvariantCulture, $"；首次 {alarm.FirstSeenAt.ToOffset(TimeSpan.FromHours(8)):yyyy-MM-dd HH:mm}，共 {alarm.Occurrences} 次");
        if (!string.IsNullOrWhiteSpace(alarm.Detail))
        {
            detail.Append("；").Append(alarm.Detail);
        }

        if (alarm.EvidenceBasePath is not null || alarm.EvidenceCurrentPath is not null)
        {
            detail.Append("；证据：底图 ").Append(alarm.EvidenceBasePath ?? "—").Append("，现图 ").Append(alarm.EvidenceCurrentPath ?? "—");
        }

        if (alarm.ReviewNote is not null)
        {
            detail.Append("；复核意见：").Append(alarm.ReviewNote);
        }

        var text = detail.ToString();
        return new SignalDraft(alarm.CustomerId, SignalSource.DeviceAlarm, DedupKey(alarm), Severity(alarm.Severity),
            Clip("设备告警：" + where.Site + " " + where.Device + " " + KindName(alarm.Kind), 200), Clip(text, 2000),
            await servicing.OpenBusinessDateAsync(cancellationToken));
    }

    /// <summary><c>device:{deviceId}:{kind}</c> (see <see cref="WarningSignal.DedupKey"/>).</summary>
    public static string DedupKey(MonitoringAlarm alarm) => string.Create(CultureInfo.InvariantCulture, $"device:{alarm.DeviceId}:{alarm.Kind}");

    /// <summary>The signal severity of an alarm severity.</summary>
    public static SignalSeverity Severity(AlarmSeverity severity) => severity switch
    {
        AlarmSeverity.Red => SignalSeverity.Red,
        AlarmSeverity.Orange => SignalSeverity.Orange,
        _ => SignalSeverity.Yellow,
    };

    /// <summary>The Chinese name of an alarm kind.</summary>
    public static string KindName(AlarmKind kind) => kind switch
    {
        AlarmKind.Offline => "设备离线",
        AlarmKind.Fault => "设备故障",
        AlarmKind.Intrusion => "入侵报警",
        AlarmKind.Threshold => "阈值告警",
        AlarmKind.OperationsAnomaly => "经营异常",
        AlarmKind.GoodsChange => "质押物变化",
        _ => kind.ToString(),
    };

    private static string Clip(string text, int max) => text.Length <= max ? text : text[..max];
}
