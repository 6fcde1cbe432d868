using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using PostLoan.Domain.Administration;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Web.Identity;

/// <summary>Writes every refused access (an authenticated user lacking the role) to the audit log, then refuses as usual.</summary>
public sealed class AuditingAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden)
        {
            var db = context.RequestServices.GetRequiredService<PostLoanDbContext>();
            db.Audit(AuditAction.AccessDenied, "Endpoint", $"{context.Request.Method} {context.Request.Path}", "role not permitted");
            await db.SaveChangesAsync(context.RequestAborted);
        }

        await _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
