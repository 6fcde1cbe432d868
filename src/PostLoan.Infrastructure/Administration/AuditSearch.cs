using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Administration;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Infrastructure.Administration;

/// <summary>Filters of the audit log search; all optional. Pages are 1-based, at most 200 rows.</summary>
public sealed record AuditQuery(string? Entity, string? EntityId, string? User, AuditAction? Action, DateTimeOffset? From, DateTimeOffset? To, int? Page, int? PageSize);

/// <summary>One page of audit entries, newest first.</summary>
public sealed record AuditPage(int Total, int Page, int PageSize, IReadOnlyList<AuditEntry> Items);

/// <summary>Searches the audit log (审计日志查询).</summary>
public static class AuditSearch
{
    public static async Task<AuditPage> SearchAsync(PostLoanDbContext db, AuditQuery query, CancellationToken cancellationToken = default)
    {
        var entries = db.AuditEntries.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query.Entity))
        {
            entries = entries.Where(a => a.Entity == query.Entity);
        }

        if (!string.IsNullOrWhiteSpace(query.EntityId))
        {
            entries = entries.Where(a => a.EntityId == query.EntityId);
        }

        if (!string.IsNullOrWhiteSpace(query.User))
        {
            entries = entries.Where(a => a.UserName == query.User || a.UserId == query.User);
        }

        if (query.Action is { } action)
        {
            entries = entries.Where(a => a.Action == action);
        }

        if (query.From is { } from)
        {
            entries = entries.Where(a => a.At >= from);
        }

        if (query.To is { } to)
        {
            entries = entries.Where(a => a.At < to);
        }

        var page = Math.Max(1, query.Page ?? 1);
        var size = Math.Clamp(query.PageSize ?? 50, 1, 200);
        var total = await entries.CountAsync(cancellationToken);
        var items = await entries.OrderByDescending(a => a.Id).Skip((page - 1) * size).Take(size).ToListAsync(cancellationToken);
        return new AuditPage(total, page, size, items);
    }
}
