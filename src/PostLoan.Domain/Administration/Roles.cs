namespace PostLoan.Domain.Administration;

/// <summary>The roles of domain.md section 1 (用户角色). The constants are the role names stored in Identity.</summary>
public static class Roles
{
    /// <summary>管理员: organisations, users, roles, parameters, calendars, products.</summary>
    public const string Administrator = "Administrator";

    /// <summary>风控经理: rules, signal verification, classification approval, provisioning, models.</summary>
    public const string RiskManager = "RiskManager";

    /// <summary>客户经理: owns customers, receives signals, inspections, work logs.</summary>
    public const string AccountManager = "AccountManager";

    /// <summary>服务经理: platform-side review of device alarms.</summary>
    public const string ServiceStaff = "ServiceStaff";

    /// <summary>信息员: data entry.</summary>
    public const string InformationClerk = "InformationClerk";

    /// <summary>催收员: works collection cases.</summary>
    public const string Collector = "Collector";

    /// <summary>企业用户: the borrower company itself.</summary>
    public const string EnterpriseUser = "EnterpriseUser";

    /// <summary>稽核: sees everything in scope, changes nothing.</summary>
    public const string Auditor = "Auditor";

    /// <summary>All roles, in the order of domain.md.</summary>
    public static readonly IReadOnlyList<string> All =
    [
        Administrator, RiskManager, AccountManager, ServiceStaff, InformationClerk, Collector, EnterpriseUser, Auditor,
    ];

    /// <summary>Roles allowed to change data (everyone but the auditor).</summary>
    public static readonly IReadOnlyList<string> Writers =
    [
        Administrator, RiskManager, AccountManager, ServiceStaff, InformationClerk, Collector, EnterpriseUser,
    ];
}
