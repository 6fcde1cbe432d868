using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Administration;
using PostLoan.Domain.Common;
using PostLoan.Infrastructure.Identity;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Infrastructure.Administration;

/// <summary>A user to create.</summary>
public sealed record NewUser(string UserName, string DisplayName, string OrganisationCode, IReadOnlyList<string> Roles, int? CustomerId, string Password);

/// <summary>Changes to a user.</summary>
public sealed record UserChanges(string DisplayName, string OrganisationCode, IReadOnlyList<string> Roles, int? CustomerId, bool IsActive);

/// <summary>A user as administrators see it.</summary>
public sealed record UserSummary(
    string Id, string UserName, string DisplayName, int? OrganisationId, string? OrganisationName, IReadOnlyList<string> Roles,
    int? CustomerId, bool IsActive, bool IsLockedOut, int FailedAttempts);

/// <summary>
/// User management (用户管理) within the administrator's organisation subtree: create, change roles and
/// organisation, deactivate, reset passwords, lift lockouts. Used by the web pages, the API and the CLI alike.
/// </summary>
public sealed class UserAdministration(PostLoanDbContext db, UserManager<ApplicationUser> users, TimeProvider clock)
{
    /// <summary>Users whose organisation lies in the caller's scope, optionally filtered by name.</summary>
    public async Task<IReadOnlyList<UserSummary>> ListAsync(string? search, CancellationToken cancellationToken = default)
    {
        var query = from u in db.Users.AsNoTracking()
                    join o in db.Organisations on u.OrganisationId equals o.Id
                    select new { User = u, OrganisationName = o.Name };
        if (!string.IsNullOrWhiteSpace(search))
        {
            var term = search.Trim();
            query = query.Where(x => x.User.UserName!.Contains(term) || x.User.DisplayName.Contains(term));
        }

        var rows = await query.OrderBy(x => x.User.UserName).ToListAsync(cancellationToken);
        var userIds = rows.Select(r => r.User.Id).ToList();
        var roleRows = await (from ur in db.UserRoles
                              join r in db.Roles on ur.RoleId equals r.Id
                              where userIds.Contains(ur.UserId)
                              select new { ur.UserId, r.Name }).ToListAsync(cancellationToken);
        var roles = roleRows.ToLookup(r => r.UserId, r => r.Name!);
        var now = clock.GetUtcNow();
        return rows.Select(r => new UserSummary(
            r.User.Id, r.User.UserName!, r.User.DisplayName, r.User.OrganisationId, r.OrganisationName, roles[r.User.Id].Order(StringComparer.Ordinal).ToList(),
            r.User.CustomerId, r.User.IsActive, r.User.LockoutEnd > now, r.User.AccessFailedCount)).ToList();
    }

    public async Task<Result<ApplicationUser>> CreateAsync(NewUser request, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(request.UserName) || request.UserName.Length > 64)
        {
            return Error.Validation("user.userName", "userName: required, at most 64 characters");
        }

        var resolved = await ResolveAsync(request.OrganisationCode, request.Roles, request.CustomerId, cancellationToken);
        if (resolved.Error is { } invalid)
        {
            return invalid;
        }

        if (await users.FindByNameAsync(request.UserName) is not null)
        {
            return Error.Conflict("user.userName_taken", $"userName: '{request.UserName}' is taken");
        }

        var user = new ApplicationUser
        {
            UserName = request.UserName.Trim(),
            DisplayName = string.IsNullOrWhiteSpace(request.DisplayName) ? request.UserName.Trim() : request.DisplayName.Trim(),
            OrganisationId = resolved.Value!.Id,
            CustomerId = request.CustomerId,
            CreatedAt = clock.GetUtcNow(),
        };
        var created = await users.CreateAsync(user, request.Password);
        if (!created.Succeeded)
        {
            return IdentityError("user.password", "password", created);
        }

        await users.AddToRolesAsync(user, request.Roles);
        return user;
    }

    public async Task<Result<ApplicationUser>> UpdateAsync(string id, UserChanges changes, CancellationToken cancellationToken = default)
    {
        var user = await FindInScopeAsync(id, cancellationToken);
        if (user is null)
        {
            return Error.NotFound("user.not_found", $"user {id} does not exist or is outside your scope");
        }

        var resolved = await ResolveAsync(changes.OrganisationCode, changes.Roles, changes.CustomerId, cancellationToken);
        if (resolved.Error is { } invalid)
        {
            return invalid;
        }

        user.DisplayName = changes.DisplayName.Trim();
        user.OrganisationId = resolved.Value!.Id;
        user.CustomerId = changes.CustomerId;
        user.IsActive = changes.IsActive;
        await users.UpdateAsync(user);

        var current = await users.GetRolesAsync(user);
        await users.RemoveFromRolesAsync(user, current.Except(changes.Roles));
        await users.AddToRolesAsync(user, changes.Roles.Except(current));
        if (!changes.IsActive)
        {
            // A deactivated user's cookies and sessions stop validating at the next security-stamp check.
            await users.UpdateSecurityStampAsync(user);
        }

        return user;
    }

    public async Task<Result<ApplicationUser>> ResetPasswordAsync(string id, string newPassword, CancellationToken cancellationToken = default)
    {
        var user = await FindInScopeAsync(id, cancellationToken);
        if (user is null)
        {
            return Error.NotFound("user.not_found", $"user {id} does not exist or is outside your scope");
        }

        foreach (var validator in users.PasswordValidators)
        {
            var valid = await validator.ValidateAsync(users, user, newPassword);
            if (!valid.Succeeded)
            {
                return IdentityError("user.password", "password", valid);
            }
        }

        await users.RemovePasswordAsync(user);
        await users.AddPasswordAsync(user, newPassword);
        await users.SetLockoutEndDateAsync(user, null);
        await users.ResetAccessFailedCountAsync(user);
        return user;
    }

    /// <summary>Lifts a lockout caused by failed sign-ins.</summary>
    public async Task<Result<ApplicationUser>> UnlockAsync(string id, CancellationToken cancellationToken = default)
    {
        var user = await FindInScopeAsync(id, cancellationToken);
        if (user is null)
        {
            return Error.NotFound("user.not_found", $"user {id} does not exist or is outside your scope");
        }

        await users.SetLockoutEndDateAsync(user, null);
        await users.ResetAccessFailedCountAsync(user);
        return user;
    }

    /// <summary>A random 16-character password meeting the policy.</summary>
    public static string GeneratePassword() =>
        "Pl" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(12)).Replace('+', 'x').Replace('/', 'y') + "9";

    private Task<ApplicationUser?> FindInScopeAsync(string id, CancellationToken cancellationToken) =>
        (from u in db.Users
         join o in db.Organisations on u.OrganisationId equals o.Id
         where u.Id == id
         select u).FirstOrDefaultAsync(cancellationToken);

    private async Task<Result<Organisation>> ResolveAsync(string organisationCode, IReadOnlyList<string> roles, int? customerId, CancellationToken cancellationToken)
    {
        var organisation = await db.Organisations.FirstOrDefaultAsync(o => o.Code == organisationCode, cancellationToken);
        if (organisation is null)
        {
            return Error.Validation("user.organisation", $"organisationCode: '{organisationCode}' does not exist or is outside your scope");
        }

        if (roles.Count == 0)
        {
            return Error.Validation("user.roles", "roles: at least one role is required");
        }

        var unknown = roles.FirstOrDefault(r => !Roles.All.Contains(r));
        if (unknown is not null)
        {
            return Error.Validation("user.roles", $"roles: '{unknown}' is not a role; use one of {string.Join(", ", Roles.All)}");
        }

        if (roles.Contains(Roles.EnterpriseUser))
        {
            if (customerId is null || !await db.Customers.AnyAsync(c => c.Id == customerId, cancellationToken))
            {
                return Error.Validation("user.customer", "customerId: an enterprise user needs a customer company in your scope");
            }
        }
        else if (customerId is not null)
        {
            return Error.Validation("user.customer", "customerId: only enterprise users represent a customer");
        }

        return organisation;
    }

    private static Error IdentityError(string code, string field, IdentityResult result) =>
        Error.Validation(code, $"{field}: {string.Join(" ", result.Errors.Select(e => e.Description))}");
}
