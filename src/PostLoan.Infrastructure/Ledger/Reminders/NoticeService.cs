using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Common;
using PostLoan.Domain.Ledger.Reminders;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Infrastructure.Ledger.Reminders;

/// <summary>Filters of the notice list.</summary>
/// <param name="State">Only this delivery state.</param>
/// <param name="Kind">Only this kind of notice.</param>
/// <param name="From">Issued on or after.</param>
/// <param name="To">Issued on or before.</param>
/// <param name="PastDeadline">Only pending notices whose deadline has passed on <paramref name="AsOf"/>.</param>
/// <param name="AsOf">The business date the deadline is judged on.</param>
public sealed record NoticeFilter(NoticeState? State = null, NoticeKind? Kind = null, DateOnly? From = null, DateOnly? To = null, bool PastDeadline = false, DateOnly? AsOf = null);

/// <summary>A notice as listed, with the loan and the borrower.</summary>
public sealed record NoticeItem(long Id, long LoanId, string LoanCode, int CustomerId, string CustomerName,
    [property: JsonConverter(typeof(JsonStringEnumConverter<NoticeKind>))] NoticeKind Kind,
    [property: JsonConverter(typeof(JsonStringEnumConverter<NoticeRecipient>))] NoticeRecipient Recipient, string RecipientName,
    int Period, DateOnly DueDate, decimal Amount, DateOnly IssuedOn, DateOnly Deadline,
    [property: JsonConverter(typeof(JsonStringEnumConverter<NoticeState>))] NoticeState State, string? Channel, DateTimeOffset? SentAt);

/// <summary>
/// The notices the close issued (还款提醒, 到期通知, 付息提醒, 催收通知书, 履行担保责任通知书): listing in the caller's data scope,
/// recording delivery (channel, who, when) or cancelling one no longer needed. Changes are audited by the context.
/// </summary>
public sealed class NoticeService(PostLoanDbContext db, TimeProvider clock)
{
    /// <summary>The notices in scope matching <paramref name="filter"/>, most recent first (at most <paramref name="take"/>).</summary>
    public async Task<List<NoticeItem>> ListAsync(NoticeFilter filter, int take = 500, CancellationToken cancellationToken = default)
    {
        var query = db.BorrowerNotices.AsNoTracking();
        if (filter.State is { } state)
        {
            query = query.Where(n => n.State == state);
        }

        if (filter.Kind is { } kind)
        {
            query = query.Where(n => n.Kind == kind);
        }

        if (filter.From is { } from)
        {
            query = query.Where(n => n.IssuedOn >= from);
        }

        if (filter.To is { } to)
        {
            query = query.Where(n => n.IssuedOn <= to);
        }

        if (filter.PastDeadline && filter.AsOf is { } asOf)
        {
            query = query.Where(n => n.State == NoticeState.Pending && n.Deadline < asOf);
        }

        return await (from n in query
                      join l in db.Loans on n.LoanId equals l.Id
                      join c in db.Customers on n.CustomerId equals c.Id
                      orderby n.IssuedOn descending, n.Id descending
                      select new NoticeItem(n.Id, n.LoanId, l.Code, n.CustomerId, c.Name, n.Kind, n.Recipient, n.RecipientName, n.Period, n.DueDate, n.Amount,
                          n.IssuedOn, n.Deadline, n.State, n.Channel, n.SentAt))
            .Take(Math.Clamp(take, 1, 5000))
            .ToListAsync(cancellationToken);
    }

    /// <summary>Records that pending notices were delivered through <paramref name="channel"/>.</summary>
    public Task<Result<int>> MarkSentAsync(IReadOnlyCollection<long> ids, string? channel, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(channel))
        {
            return Task.FromResult<Result<int>>(Error.Validation("channel", "is required (for example 短信, 邮寄, 上门)"));
        }

        var now = clock.GetUtcNow();
        return ChangeAsync(ids, n =>
        {
            n.State = NoticeState.Sent;
            n.Channel = channel.Trim();
            n.SentAt = now;
            n.SentBy = db.CurrentUser.UserId;
        }, cancellationToken);
    }

    /// <summary>Cancels pending notices that are no longer needed (the installment was paid); the reason is kept in the audit log.</summary>
    public Task<Result<int>> CancelAsync(IReadOnlyCollection<long> ids, string? reason, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            return Task.FromResult<Result<int>>(Error.Validation("reason", "is required"));
        }

        return ChangeAsync(ids, n =>
        {
            n.State = NoticeState.Cancelled;
            n.Channel = null;
            n.SentBy = db.CurrentUser.UserId;
        }, cancellationToken, "cancelled: " + reason.Trim());
    }

    private async Task<Result<int>> ChangeAsync(IReadOnlyCollection<long> ids, Action<BorrowerNotice> change, CancellationToken cancellationToken, string? note = null)
    {
        if (ids.Count == 0)
        {
            return Error.Validation("ids", "no notice selected");
        }

        var notices = await db.BorrowerNotices.Where(n => ids.Contains(n.Id)).ToListAsync(cancellationToken);
        var missing = ids.Except(notices.Select(n => n.Id)).ToList();
        if (missing.Count > 0)
        {
            return Error.NotFound("ids", $"notice {missing[0]} does not exist or is outside your scope");
        }

        var done = notices.FirstOrDefault(n => n.State != NoticeState.Pending);
        if (done is not null)
        {
            return Error.Conflict("ids", $"notice {done.Id} is already {done.State.ToString().ToLowerInvariant()}");
        }

        foreach (var notice in notices)
        {
            change(notice);
            if (note is not null)
            {
                db.Audit(Domain.Administration.AuditAction.Updated, nameof(BorrowerNotice), notice.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), note);
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        return notices.Count;
    }
}
