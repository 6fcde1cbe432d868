using Microsoft.AspNetCore.Identity;
using PostLoan.Domain.Administration;
using PostLoan.Infrastructure.Identity;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Web.Features.Account;

/// <summary>Outcome of a sign-in attempt, as the login page tells it.</summary>
public enum SignInOutcome
{
    SignedIn,
    Failed,
    LockedOut,
}

/// <summary>
/// Signs users in with lockout after the configured number of failures (Security:MaxFailedAccessAttempts), and
/// writes every success, failure and lockout to the audit log.
/// </summary>
public sealed class SignInService(SignInManager<ApplicationUser> signIn, UserManager<ApplicationUser> users, PostLoanDbContext db)
{
    public async Task<SignInOutcome> PasswordSignInAsync(string userName, string password, bool remember)
    {
        var user = await users.FindByNameAsync(userName.Trim());
        if (user is null || !user.IsActive)
        {
            await AuditAsync(AuditAction.SignInFailed, user?.Id ?? "anonymous", userName, user is null ? "unknown user" : "inactive user");
            return SignInOutcome.Failed;
        }

        var result = await signIn.PasswordSignInAsync(user, password, remember, lockoutOnFailure: true);
        if (result.Succeeded)
        {
            await AuditAsync(AuditAction.SignedIn, user.Id, user.UserName, null);
            return SignInOutcome.SignedIn;
        }

        if (result.IsLockedOut)
        {
            await AuditAsync(AuditAction.LockedOut, user.Id, user.UserName, "too many failed sign-ins");
            return SignInOutcome.LockedOut;
        }

        await AuditAsync(AuditAction.SignInFailed, user.Id, user.UserName, "wrong password");
        return SignInOutcome.Failed;
    }

    public async Task SignOutAsync(string? userId, string? userName)
    {
        await signIn.SignOutAsync();
        if (userId is not null)
        {
            await AuditAsync(AuditAction.SignedOut, userId, userName, null);
        }
    }

    private async Task AuditAsync(AuditAction action, string userId, string? userName, string? detail)
    {
        db.AuditEntries.Add(new AuditEntry
        {
            At = DateTimeOffset.UtcNow,
            UserId = userId,
            UserName = userName,
            Action = action,
            Entity = "Session",
            EntityId = userId,
            Detail = detail,
        });
        await db.SaveChangesAsync();
    }
}
