using Microsoft.AspNetCore.Identity;

namespace PostLoan.Infrastructure.Identity;

/// <summary>A person who signs in (用户): staff of the lender, or a user of a borrower company.</summary>
public sealed class ApplicationUser : IdentityUser
{
    /// <summary>Name shown in the UI, e.g. 张伟.</summary>
    public string DisplayName { get; set; } = string.Empty;

    /// <summary>The organisation the user belongs to; their data scope is its subtree.</summary>
    public int? OrganisationId { get; set; }

    /// <summary>For enterprise users (企业用户): the customer company they represent.</summary>
    public int? CustomerId { get; set; }

    public bool IsActive { get; set; } = true;

    public DateTimeOffset CreatedAt { get; set; }
}
