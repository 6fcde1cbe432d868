using PostLoan.Domain.Ledger.Customers;

namespace PostLoan.Domain.Ledger.CreditSupport;

/// <summary>
/// A customer group (集团客户): enterprises under common control, followed together because one member's trouble
/// spreads to the others. Owned by an organisation (usually the branch that manages the core enterprise), which
/// decides who may see the group; each member stays visible only to those who may see that customer.
/// </summary>
public sealed class CustomerGroup
{
    public int Id { get; set; }

    /// <summary>Group number (集团编号), unique in the institution.</summary>
    public required string Code { get; set; }

    public required string Name { get; set; }

    public string? Note { get; set; }

    public int OrganisationId { get; set; }

    /// <summary>Materialised path of the owning organisation (scope filtering).</summary>
    public string OrganisationPath { get; set; } = "/";

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>The place of a member in its group (集团成员角色).</summary>
public enum GroupRole
{
    /// <summary>母公司 / 核心企业: the parent or core enterprise.</summary>
    Parent = 1,

    /// <summary>成员企业: a subsidiary or affiliate.</summary>
    Member = 2,
}

/// <summary>
/// Membership of an enterprise customer in a group (集团成员). A customer belongs to at most one group. Scope
/// columns are copied from the customer.
/// </summary>
public sealed class GroupMembership
{
    public int Id { get; set; }

    public int GroupId { get; set; }

    public int CustomerId { get; set; }

    public GroupRole Role { get; set; } = GroupRole.Member;

    /// <summary>Since when the customer is recognised as a member (认定日期).</summary>
    public DateOnly? JoinedOn { get; set; }

    public string OrganisationPath { get; set; } = "/";

    public string? AccountManagerId { get; set; }
}

/// <summary>How a guarantor answers for the debt (保证方式).</summary>
public enum GuaranteeLiability
{
    /// <summary>连带责任保证: the lender may claim from the guarantor as soon as the borrower defaults.</summary>
    JointAndSeveral = 1,

    /// <summary>一般保证: the guarantor answers only after enforcement against the borrower has failed.</summary>
    General = 2,
}

/// <summary>State of a guarantee (担保状态).</summary>
public enum GuaranteeStatus
{
    /// <summary>有效</summary>
    Active = 1,

    /// <summary>解除: the secured debt was settled (主债务清偿) or the guarantee was released.</summary>
    Released = 2,
}

/// <summary>
/// A guarantee relation (担保关系 / 保证合同): a guarantor (保证人) answers for a loan up to an amount. The guarantor is a
/// customer of the bank (<see cref="GuarantorCustomerId"/>) or an outside person or company known by name and ID
/// number (身份证号 / 统一社会信用代码). Scope columns are copied from the loan.
/// </summary>
public sealed class Guarantee
{
    public long Id { get; set; }

    public long LoanId { get; set; }

    /// <summary>The borrower (the loan's customer).</summary>
    public int CustomerId { get; set; }

    public string OrganisationPath { get; set; } = "/";

    public string? AccountManagerId { get; set; }

    /// <summary>The guarantor when it is a customer of the bank; null for an outside guarantor.</summary>
    public int? GuarantorCustomerId { get; set; }

    public CustomerKind GuarantorKind { get; set; }

    public required string GuarantorName { get; set; }

    /// <summary>身份证号 for a person, 统一社会信用代码 for a company. Masked in lists.</summary>
    public required string GuarantorIdNumber { get; set; }

    public GuaranteeLiability Liability { get; set; } = GuaranteeLiability.JointAndSeveral;

    /// <summary>Guaranteed amount (担保金额) in yuan.</summary>
    public decimal Amount { get; set; }

    /// <summary>Guarantee contract number (保证合同编号).</summary>
    public string? ContractNumber { get; set; }

    /// <summary>Start of the guarantee period (保证期间).</summary>
    public DateOnly StartDate { get; set; }

    /// <summary>End of the guarantee period.</summary>
    public DateOnly EndDate { get; set; }

    public GuaranteeStatus Status { get; set; } = GuaranteeStatus.Active;

    public DateOnly? ReleasedOn { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>Kind of collateral: 抵押 (mortgage, the owner keeps the asset) or 质押 (pledge, the lender holds it or the right).</summary>
public enum CollateralKind
{
    /// <summary>抵押物</summary>
    Mortgage = 1,

    /// <summary>质押物</summary>
    Pledge = 2,
}

/// <summary>Type of collateral asset (押品类型).</summary>
public enum CollateralType
{
    /// <summary>房产</summary>
    RealEstate = 1,

    /// <summary>土地使用权</summary>
    Land = 2,

    /// <summary>机器设备</summary>
    Equipment = 3,

    /// <summary>交通运输工具</summary>
    Vehicle = 4,

    /// <summary>存单</summary>
    Deposit = 5,

    /// <summary>股权</summary>
    Equity = 6,

    /// <summary>应收账款</summary>
    Receivable = 7,

    /// <summary>其他</summary>
    Other = 99,
}

/// <summary>State of a collateral (押品状态): registered (已登记, 抵/质押有效) until released (已解押, 清户撤押).</summary>
public enum CollateralStatus
{
    /// <summary>已登记</summary>
    Registered = 1,

    /// <summary>已解押</summary>
    Released = 2,
}

/// <summary>
/// A collateral (抵押物 / 质押物) registered for a customer's loans: what it is, who owns it (所有权人: the borrower or a
/// third party), its valuations over time and the loans it secures. Scope columns are copied from the customer.
/// </summary>
public sealed class Collateral
{
    public long Id { get; set; }

    /// <summary>Collateral number (押品编号), unique in the institution.</summary>
    public required string Code { get; set; }

    public CollateralKind Kind { get; set; }

    public CollateralType Type { get; set; }

    /// <summary>What it is and where (e.g. 北京市海淀区某路1号院2号楼 房产 120㎡).</summary>
    public required string Description { get; set; }

    /// <summary>The customer whose loans it secures.</summary>
    public int CustomerId { get; set; }

    public string OrganisationPath { get; set; } = "/";

    public string? AccountManagerId { get; set; }

    /// <summary>The owner (所有权人) when a customer of the bank; null for a third party.</summary>
    public int? OwnerCustomerId { get; set; }

    public required string OwnerName { get; set; }

    public string? OwnerIdNumber { get; set; }

    /// <summary>Registration certificate (他项权证号 / 质押登记编号).</summary>
    public string? CertificateNumber { get; set; }

    public CollateralStatus Status { get; set; } = CollateralStatus.Registered;

    public DateOnly RegisteredOn { get; set; }

    public DateOnly? ReleasedOn { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A valuation of a collateral (押品估值 / 重估): value, valuation date and valuer. The latest one counts.</summary>
public sealed class CollateralValuation
{
    public long Id { get; set; }

    public long CollateralId { get; set; }

    /// <summary>Appraised value (评估价值) in yuan.</summary>
    public decimal Value { get; set; }

    public DateOnly ValuationDate { get; set; }

    /// <summary>Appraiser (评估机构 / 评估人), or 内部评估 for the bank's own.</summary>
    public required string Valuer { get; set; }

    /// <summary>Method (市场法 / 收益法 / 成本法), optional.</summary>
    public string? Method { get; set; }

    public string? RecordedBy { get; set; }

    public DateTimeOffset RecordedAt { get; set; }

    /// <summary>The valuation in force: latest valuation date, the later entry on the same date.</summary>
    public static CollateralValuation? Latest(IEnumerable<CollateralValuation> valuations) =>
        valuations.OrderByDescending(v => v.ValuationDate).ThenByDescending(v => v.Id).FirstOrDefault();
}

/// <summary>
/// A loan secured by a collateral (押品担保范围) up to a secured amount (担保金额). One collateral may secure several
/// loans of its customer, one loan may be secured by several collaterals. Released with the loan's settlement.
/// Scope columns are copied from the loan.
/// </summary>
public sealed class CollateralAssignment
{
    public long Id { get; set; }

    public long CollateralId { get; set; }

    public long LoanId { get; set; }

    public int CustomerId { get; set; }

    public string OrganisationPath { get; set; } = "/";

    public string? AccountManagerId { get; set; }

    public decimal SecuredAmount { get; set; }

    /// <summary>When the loan stopped being secured by it (its settlement); null while in force.</summary>
    public DateOnly? ReleasedOn { get; set; }
}

/// <summary>Which asset types a mortgage or a pledge may take (《民法典》物权编: real property is mortgaged, rights are pledged, movables either).</summary>
public static class CollateralTypeRule
{
    public static bool Allows(CollateralKind kind, CollateralType type) => kind switch
    {
        CollateralKind.Mortgage => type is CollateralType.RealEstate or CollateralType.Land or CollateralType.Equipment or CollateralType.Vehicle or CollateralType.Other,
        CollateralKind.Pledge => type is CollateralType.Deposit or CollateralType.Equity or CollateralType.Receivable or CollateralType.Equipment or CollateralType.Vehicle or CollateralType.Other,
    };
}

/// <summary>
/// Loan-to-value (抵质押率): the exposure a collateral secures divided by its latest value. The exposure of each loan
/// it secures is the loan's outstanding principal, capped at the secured amount, and nothing once the loan is settled
/// or the assignment released. The ratio is rounded half away from zero to 4 decimals (0.6667 = 66.67%).
/// </summary>
public static class LoanToValue
{
    public static decimal Exposure(decimal principalOutstanding, decimal securedAmount) =>
        Math.Max(0m, Math.Min(principalOutstanding, securedAmount));

    /// <summary>The ratio, or null without a positive value.</summary>
    public static decimal? Ratio(decimal exposure, decimal? value) =>
        value is > 0m ? Math.Round(exposure / value.Value, 4, MidpointRounding.AwayFromZero) : null;
}
