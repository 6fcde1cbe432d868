using System.Security.Claims;
using PostLoan.Domain.Administration;
using PostLoan.Infrastructure.Identity;

namespace PostLoan.Web.Identity;

/// <summary>
/// The current user of an HTTP request or a Blazor circuit, from the authenticated principal's claims.
/// In a circuit the principal is set by <see cref="CurrentUserCircuitHandler"/>; otherwise it is the request's user.
/// </summary>
public sealed class ClaimsCurrentUser(IHttpContextAccessor httpContextAccessor) : ICurrentUser, IActAsSystem
{
    private ClaimsPrincipal? _principal;
    private bool _system;
    private (ClaimsPrincipal? Principal, DataScope Scope)? _cached;

    private ClaimsPrincipal? Principal => _principal ?? httpContextAccessor.HttpContext?.User;

    public string UserId => _system ? SystemUser.Instance.UserId : Principal?.FindFirstValue(ClaimTypes.NameIdentifier) ?? "anonymous";

    public string? UserName => _system ? SystemUser.Instance.UserName : Principal?.Identity?.Name;

    public DataScope Scope
    {
        get
        {
            if (_system)
            {
                return DataScope.System;
            }

            var principal = Principal;
            if (_cached is not { } cached || !ReferenceEquals(cached.Principal, principal))
            {
                _cached = (principal, PostLoanClaims.ScopeOf(principal));
            }

            return _cached.Value.Scope;
        }
    }

    /// <summary>Uses <paramref name="principal"/> for the rest of this scope (a Blazor circuit).</summary>
    public void Use(ClaimsPrincipal principal) => _principal = principal;

    /// <summary>Acts as the system for start-up work in this scope (seeding the demo bank).</summary>
    public void ActAsSystem() => _system = true;
}
