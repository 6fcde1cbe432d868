using Microsoft.AspNetCore.Authorization;
using PostLoan.Domain.Administration;

namespace PostLoan.Web.Common;

/// <summary>Authorization policies by role. Data scope is enforced separately, by the database context.</summary>
public static class Policies
{
    /// <summary>Administrators: organisations, users, roles, parameters.</summary>
    public const string Administration = nameof(Administration);

    /// <summary>Administrators and auditors: the audit log.</summary>
    public const string AuditLog = nameof(AuditLog);

    /// <summary>Anyone who may change data: every role but the read-only auditor.</summary>
    public const string Write = nameof(Write);

    /// <summary>Data entry and imports: administrators and information clerks (信息员).</summary>
    public const string DataEntry = nameof(DataEntry);

    /// <summary>Maintaining customer records: administrators, clerks, account and risk managers.</summary>
    public const string CustomerMaintenance = nameof(CustomerMaintenance);

    /// <summary>Staff of the lender (every role but the enterprise user).</summary>
    public const string Staff = nameof(Staff);

    /// <summary>Risk pages and reports (classification review, ECL, migration, provisioning): risk managers, administrators, auditors.</summary>
    public const string Risk = nameof(Risk);

    /// <summary>Running the month-end ECL and editing its parameters; approving classification changes: risk managers.</summary>
    public const string RiskManagement = nameof(RiskManagement);

    /// <summary>Asking for a loan's category to change (with reason and evidence): risk and account managers.</summary>
    public const string ClassificationRequest = nameof(ClassificationRequest);

    public static AuthorizationBuilder AddPostLoanPolicies(this AuthorizationBuilder builder) => builder
        .AddPolicy(Administration, p => p.RequireRole(Roles.Administrator))
        .AddPolicy(AuditLog, p => p.RequireRole(Roles.Administrator, Roles.Auditor))
        .AddPolicy(Write, p => p.RequireRole(Roles.Writers))
        .AddPolicy(CustomerMaintenance, p => p.RequireRole(Roles.Administrator, Roles.InformationClerk, Roles.AccountManager, Roles.RiskManager))
        .AddPolicy(DataEntry, p => p.RequireRole(Roles.Administrator, Roles.InformationClerk))
        .AddPolicy(Risk, p => p.RequireRole(Roles.Administrator, Roles.RiskManager, Roles.Auditor))
        .AddPolicy(RiskManagement, p => p.RequireRole(Roles.RiskManager))
        .AddPolicy(ClassificationRequest, p => p.RequireRole(Roles.RiskManager, Roles.AccountManager))
        .AddPolicy(Staff, p => p.RequireRole(Roles.All.Where(r => r != Roles.EnterpriseUser)));
}
