using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Administration;
using PostLoan.Domain.Common;

namespace PostLoan.Infrastructure.Persistence;

/// <summary>
/// The one place that decides whether a record asked for by id may be shown: found within the caller's data
/// scope (<see cref="AccessOutcome.Granted"/>), existing outside it (<see cref="AccessOutcome.Denied"/>, written
/// to the audit log), or absent (<see cref="AccessOutcome.NotFound"/>).
/// </summary>
public static class ScopedAccess
{
    /// <summary>Looks up one <typeparamref name="T"/> matching <paramref name="match"/> within the current scope.</summary>
    public static async Task<Access<T>> FindInScopeAsync<T>(this PostLoanDbContext db, Expression<Func<T, bool>> match, string entityId, CancellationToken cancellationToken = default)
        where T : class
    {
        var found = await db.Set<T>().FirstOrDefaultAsync(match, cancellationToken);
        if (found is not null)
        {
            return new Access<T>(AccessOutcome.Granted, found);
        }

        if (!await db.Set<T>().IgnoreQueryFilters().AnyAsync(match, cancellationToken))
        {
            return new Access<T>(AccessOutcome.NotFound, null);
        }

        db.Audit(AuditAction.AccessDenied, typeof(T).Name, entityId, "outside the user's data scope");
        await db.SaveChangesAsync(cancellationToken);
        return new Access<T>(AccessOutcome.Denied, null);
    }
}

/// <summary>Filters by organisation: the path of an organisation the caller may see, whose subtree a list is narrowed to.</summary>
public static class OrganisationFilter
{
    /// <summary>The organisation's path, or a validation error on <c>organisationId</c> when it is outside the scope (or absent).</summary>
    public static async Task<Result<string>> PathAsync(PostLoanDbContext db, int organisationId, CancellationToken cancellationToken = default)
    {
        var path = await db.Organisations.Where(o => o.Id == organisationId).Select(o => o.Path).FirstOrDefaultAsync(cancellationToken);
        return path is null ? Error.Validation("organisationId", $"organisation {organisationId} is not within your scope") : path;
    }
}

/// <summary>Result of a scoped lookup.</summary>
public readonly record struct Access<T>(AccessOutcome Outcome, T? Value);

/// <summary>Whether a scoped lookup found, refused or missed the record.</summary>
public enum AccessOutcome
{
    Granted,
    Denied,
    NotFound,
}
