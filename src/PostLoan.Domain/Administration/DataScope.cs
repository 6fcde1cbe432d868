namespace PostLoan.Domain.Administration;

/// <summary>
/// What a signed-in user may see (数据权限), derived once per request from the user's organisation and roles:
/// <list type="bullet">
/// <item>an enterprise user sees only their own company (<see cref="CustomerId"/>);</item>
/// <item>an account manager with no other role sees only customers they manage (<see cref="AccountManagerId"/>);</item>
/// <item>everyone else sees the subtree of their organisation (<see cref="OrganisationPath"/>).</item>
/// </list>
/// </summary>
public sealed record DataScope
{
    /// <summary>Scope of system processes (daily close, imports, CLI): everything.</summary>
    public static readonly DataScope System = new() { IsSystem = true, OrganisationPath = "/" };

    /// <summary>A scope that sees nothing (an anonymous caller, or a user without organisation).</summary>
    public static readonly DataScope Nothing = new() { OrganisationPath = "/none/" };

    public bool IsSystem { get; init; }

    public string? UserId { get; init; }

    /// <summary>Path of the user's organisation; data of organisations whose path starts with it is visible.</summary>
    public required string OrganisationPath { get; init; }

    /// <summary>Set for account managers restricted to their own customers.</summary>
    public string? AccountManagerId { get; init; }

    /// <summary>Set for enterprise users: the only customer they may see.</summary>
    public int? CustomerId { get; init; }

    /// <summary>Builds the scope of a user from their organisation path, roles and linked company.</summary>
    public static DataScope ForUser(string userId, string? organisationPath, IReadOnlyCollection<string> roles, int? customerId)
    {
        if (organisationPath is null)
        {
            return Nothing with { UserId = userId };
        }

        if (roles.Contains(Roles.EnterpriseUser))
        {
            return new DataScope { UserId = userId, OrganisationPath = organisationPath, CustomerId = customerId ?? -1 };
        }

        // An account manager who holds no broader role sees only the customers they manage.
        var broader = roles.Any(r => r is Roles.Administrator or Roles.RiskManager or Roles.Auditor or Roles.InformationClerk
            or Roles.ServiceStaff or Roles.Collector);
        var ownCustomersOnly = roles.Contains(Roles.AccountManager) && !broader;
        return new DataScope
        {
            UserId = userId,
            OrganisationPath = organisationPath,
            AccountManagerId = ownCustomersOnly ? userId : null,
        };
    }

    /// <summary>True when a record owned by the organisation at <paramref name="organisationPath"/>, managed by
    /// <paramref name="accountManagerId"/> and belonging to customer <paramref name="customerId"/> is visible.</summary>
    public bool CanSee(string organisationPath, string? accountManagerId, int? customerId)
    {
        if (IsSystem)
        {
            return true;
        }

        if (!organisationPath.StartsWith(OrganisationPath, StringComparison.Ordinal))
        {
            return false;
        }

        if (AccountManagerId is not null && accountManagerId != AccountManagerId)
        {
            return false;
        }

        return CustomerId is null || customerId == CustomerId;
    }
}
