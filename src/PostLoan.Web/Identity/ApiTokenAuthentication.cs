using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using PostLoan.Infrastructure.Identity;

namespace PostLoan.Web.Identity;

/// <summary>
/// Authenticates integrations by <c>Authorization: Bearer plt_…</c> personal API tokens. The principal carries the
/// same claims (roles, organisation, company) as an interactive sign-in, so the same scope rules apply.
/// </summary>
public sealed class ApiTokenAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiTokenService tokens,
    UserManager<ApplicationUser> users,
    IUserClaimsPrincipalFactory<ApplicationUser> principals)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiToken";

    /// <summary>The default scheme: forwards to <see cref="SchemeName"/> when a bearer token is present, else to the cookie.</summary>
    public const string SmartScheme = "CookieOrToken";

    public static bool HasBearerToken(HttpRequest request) =>
        request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!HasBearerToken(Request))
        {
            return AuthenticateResult.NoResult();
        }

        var secret = Request.Headers.Authorization.ToString()["Bearer ".Length..].Trim();
        var token = await tokens.ValidateAsync(secret, Context.RequestAborted);
        if (token is null)
        {
            return AuthenticateResult.Fail("The API token is unknown, revoked or expired.");
        }

        var user = await users.FindByIdAsync(token.UserId);
        if (user is null || !user.IsActive || await users.IsLockedOutAsync(user))
        {
            return AuthenticateResult.Fail("The token's user is inactive or locked out.");
        }

        var principal = await principals.CreateAsync(user);
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }
}
