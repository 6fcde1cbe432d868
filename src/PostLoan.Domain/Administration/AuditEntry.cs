namespace PostLoan.Domain.Administration;

/// <summary>
/// One line of the audit log (审计日志): who did what to which record when, with the values before and after,
/// or which access was refused.
/// </summary>
public sealed class AuditEntry
{
    public long Id { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary>User id, or <c>system</c> for batch processes.</summary>
    public required string UserId { get; set; }

    public string? UserName { get; set; }

    public AuditAction Action { get; set; }

    /// <summary>Entity type name, e.g. <c>Customer</c>, or the resource that was refused.</summary>
    public required string Entity { get; set; }

    public string? EntityId { get; set; }

    /// <summary>JSON of changed values before the change (null for a creation).</summary>
    public string? Before { get; set; }

    /// <summary>JSON of changed values after the change (null for a deletion).</summary>
    public string? After { get; set; }

    /// <summary>Free text: reason of a refusal, request path, client address.</summary>
    public string? Detail { get; set; }
}

/// <summary>What an <see cref="AuditEntry"/> records.</summary>
public enum AuditAction
{
    Created,
    Updated,
    Deleted,
    AccessDenied,
    SignedIn,
    SignInFailed,
    LockedOut,
    SignedOut,
}
