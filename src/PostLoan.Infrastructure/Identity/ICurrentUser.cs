using PostLoan.Domain.Administration;

namespace PostLoan.Infrastructure.Identity;

/// <summary>
/// Who is acting in the current request, Blazor circuit or batch process, and what they may see.
/// The database context reads it to filter every scoped query and to stamp the audit log.
/// </summary>
public interface ICurrentUser
{
    /// <summary>User id, or <c>system</c> for batch processes.</summary>
    string UserId { get; }

    string? UserName { get; }

    DataScope Scope { get; }
}

/// <summary>The identity of batch processes (daily close, imports, CLI): sees everything.</summary>
public sealed class SystemUser : ICurrentUser
{
    public static readonly SystemUser Instance = new();

    public string UserId => "system";

    public string? UserName => "system";

    public DataScope Scope => DataScope.System;
}

/// <summary>A current user that background work (seeding, the nightly close) can switch to the system for its scope.</summary>
public interface IActAsSystem
{
    void ActAsSystem();
}
