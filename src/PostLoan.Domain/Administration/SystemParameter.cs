namespace PostLoan.Domain.Administration;

/// <summary>
/// An administrator-editable parameter (系统参数), e.g. the penalty markup or the lockout threshold. Almost every
/// number in domain.md is one of these; <see cref="Key"/> is dotted, e.g. <c>ledger.penaltyMarkup</c>.
/// </summary>
public sealed class SystemParameter
{
    public required string Key { get; set; }

    public required string Value { get; set; }

    public required string Description { get; set; }

    /// <summary>Module the parameter belongs to, for grouping in the UI.</summary>
    public required string Module { get; set; }

    public SystemParameterType Type { get; set; }
}

/// <summary>Value type of a parameter, used to validate edits.</summary>
public enum SystemParameterType
{
    Text,
    Integer,
    Decimal,
    Boolean,
}
