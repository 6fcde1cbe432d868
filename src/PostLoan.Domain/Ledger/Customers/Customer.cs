namespace PostLoan.Domain.Ledger.Customers;

/// <summary>
/// A borrower (客户): a person (个人) or an enterprise (企业). Owned by an organisation and managed by an
/// account manager (客户经理); both decide who may see it.
/// </summary>
public sealed class Customer
{
    public int Id { get; set; }

    /// <summary>Customer number from the core system, unique in the institution.</summary>
    public required string Code { get; set; }

    public required string Name { get; set; }

    public CustomerKind Kind { get; set; }

    /// <summary>身份证号 for persons, 统一社会信用代码 (USCC) for enterprises. Masked in lists and logs.</summary>
    public required string IdNumber { get; set; }

    /// <summary>Industry (行业), e.g. 制造业.</summary>
    public string? Industry { get; set; }

    /// <summary>Region (地区), e.g. 北京市海淀区.</summary>
    public string? Region { get; set; }

    public string? ContactName { get; set; }

    /// <summary>Masked in lists and logs.</summary>
    public string? ContactPhone { get; set; }

    public string? Address { get; set; }

    /// <summary>Internal credit rating (信用评级), e.g. AA.</summary>
    public string? Rating { get; set; }

    public int OrganisationId { get; set; }

    /// <summary>Materialised path of the owning organisation (copied for scope filtering).</summary>
    public string OrganisationPath { get; set; } = "/";

    /// <summary>User id of the account manager.</summary>
    public string? AccountManagerId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>Kind of customer.</summary>
public enum CustomerKind
{
    /// <summary>个人</summary>
    Person = 0,

    /// <summary>企业</summary>
    Enterprise = 1,
}
