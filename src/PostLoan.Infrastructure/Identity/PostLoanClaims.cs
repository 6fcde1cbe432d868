using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PostLoan.Domain.Administration;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Infrastructure.Identity;

/// <summary>Claim types PostLoan adds to a signed-in user, from which the data scope is derived.</summary>
public static class PostLoanClaims
{
    public const string OrganisationPath = "postloan:org_path";
    public const string OrganisationId = "postloan:org_id";
    public const string CustomerId = "postloan:customer_id";
    public const string DisplayName = "postloan:display_name";

    /// <summary>Derives the data scope of <paramref name="principal"/>; anonymous callers see nothing.</summary>
    public static DataScope ScopeOf(ClaimsPrincipal? principal)
    {
        var userId = principal?.FindFirstValue(ClaimTypes.NameIdentifier);
        if (principal?.Identity?.IsAuthenticated != true || userId is null)
        {
            return DataScope.Nothing;
        }

        var roles = principal.FindAll(ClaimTypes.Role).Select(c => c.Value).ToList();
        var customer = principal.FindFirstValue(CustomerId);
        return DataScope.ForUser(
            userId,
            principal.FindFirstValue(OrganisationPath),
            roles,
            customer is null ? null : int.Parse(customer, CultureInfo.InvariantCulture));
    }
}

/// <summary>Adds organisation path, company and display name to the principal built at sign-in and for API tokens.</summary>
public sealed class PostLoanClaimsPrincipalFactory(
    UserManager<ApplicationUser> userManager,
    RoleManager<IdentityRole> roleManager,
    IOptions<IdentityOptions> options,
    PostLoanDbContext db)
    : UserClaimsPrincipalFactory<ApplicationUser, IdentityRole>(userManager, roleManager, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(ApplicationUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(PostLoanClaims.DisplayName, user.DisplayName));
        if (user.OrganisationId is { } organisationId)
        {
            var path = await db.Organisations.IgnoreQueryFilters()
                .Where(o => o.Id == organisationId && o.IsActive)
                .Select(o => o.Path)
                .FirstOrDefaultAsync();
            if (path is not null)
            {
                identity.AddClaim(new Claim(PostLoanClaims.OrganisationPath, path));
                identity.AddClaim(new Claim(PostLoanClaims.OrganisationId, organisationId.ToString(CultureInfo.InvariantCulture)));
            }
        }

        if (user.CustomerId is { } customerId)
        {
            identity.AddClaim(new Claim(PostLoanClaims.CustomerId, customerId.ToString(CultureInfo.InvariantCulture)));
        }

        return identity;
    }
}
