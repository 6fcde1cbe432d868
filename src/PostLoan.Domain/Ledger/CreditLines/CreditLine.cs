using PostLoan.Domain.Common;

namespace PostLoan.Domain.Ledger.CreditLines;

/// <summary>State of a credit line (授信额度状态).</summary>
public enum CreditLineStatus
{
    /// <summary>有效: draws allowed up to the available amount.</summary>
    Active = 1,

    /// <summary>冻结: no draws (a disposal action of a verified warning signal, or a person's decision).</summary>
    Frozen = 2,

    /// <summary>压降: the amount was reduced; draws allowed up to the new available amount.</summary>
    Reduced = 3,

    /// <summary>终止: closed, no draws.</summary>
    Closed = 4,
}

/// <summary>
/// A customer's credit line (授信额度): the amount granted, for one product or all, until an expiry date. The available
/// amount is the amount less the outstanding principal of the customer's open loans under it (of its product, or of
/// every product for a general line). Scope columns are copied from the customer.
/// </summary>
public sealed class CreditLine
{
    public long Id { get; set; }

    public required string Code { get; set; }

    public int CustomerId { get; set; }

    /// <summary>The product the line is for; null for a general line.</summary>
    public int? ProductId { get; set; }

    public decimal Amount { get; set; }

    public CreditLineStatus Status { get; set; } = CreditLineStatus.Active;

    public DateOnly StartDate { get; set; }

    public DateOnly ExpiryDate { get; set; }

    /// <summary>Why the line is frozen (the signal or the person's reason), while frozen.</summary>
    public string? FrozenReason { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public int OrganisationId { get; set; }

    public string OrganisationPath { get; set; } = "/";

    public string? AccountManagerId { get; set; }
}

/// <summary>What a dated change of a credit line did.</summary>
public enum CreditLineChangeKind
{
    Opened = 1,
    Frozen = 2,
    Unfrozen = 3,
    Reduced = 4,
    Closed = 5,
    /// <summary>放款: a draw booked as a new loan under the line.</summary>
    Drawn = 6,
}

/// <summary>A dated change of a credit line (额度变动): amount and status before and after, why, who, and the signal or loan.</summary>
public sealed class CreditLineChange
{
    public long Id { get; set; }

    public long CreditLineId { get; set; }

    public CreditLineChangeKind Kind { get; set; }

    /// <summary>The business date of the change.</summary>
    public DateOnly Date { get; set; }

    public DateTimeOffset At { get; set; }

    public decimal AmountBefore { get; set; }

    public decimal AmountAfter { get; set; }

    public CreditLineStatus StatusBefore { get; set; }

    public CreditLineStatus StatusAfter { get; set; }

    /// <summary>For a draw: the amount drawn.</summary>
    public decimal? DrawAmount { get; set; }

    public string? Reason { get; set; }

    public string? ActorId { get; set; }

    public string? ActorName { get; set; }

    /// <summary>The warning signal whose disposal or release made the change.</summary>
    public long? SignalId { get; set; }

    /// <summary>The loan a draw booked.</summary>
    public long? LoanId { get; set; }

    public int CustomerId { get; set; }

    public string OrganisationPath { get; set; } = "/";

    public string? AccountManagerId { get; set; }
}

/// <summary>The drawdown rules of a credit line (用信校验).</summary>
public static class CreditLineRules
{
    /// <summary>Available = amount − outstanding principal under the line, never below zero.</summary>
    public static decimal Available(decimal amount, decimal outstanding) => Math.Max(0m, amount - outstanding);

    /// <summary>
    /// Whether <paramref name="draw"/> may be drawn on <paramref name="date"/>: refused when the line is frozen or closed,
    /// not yet started or expired, or the amount is not positive or above the available amount.
    /// </summary>
    public static Error? RefuseDraw(CreditLine line, decimal available, decimal draw, DateOnly date)
    {
        if (draw <= 0m)
        {
            return Error.Validation("amount", "must be more than 0");
        }

        return line.Status switch
        {
            CreditLineStatus.Frozen => Error.Conflict("creditLine.frozen", $"credit line {line.Code} is frozen ({line.FrozenReason}): no draws until it is unfrozen"),
            CreditLineStatus.Closed => Error.Conflict("creditLine.closed", $"credit line {line.Code} is closed"),
            _ when date < line.StartDate || date > line.ExpiryDate =>
                Error.Conflict("creditLine.expired", $"credit line {line.Code} runs from {line.StartDate:yyyy-MM-dd} to {line.ExpiryDate:yyyy-MM-dd}, not on {date:yyyy-MM-dd}"),
            _ when draw > available => Error.Validation("amount", $"{Format(draw)} is above the available {Format(available)} of credit line {line.Code}"),
            _ => null,
        };
    }

    private static string Format(decimal amount) => Money.RoundCents(amount).ToString("#,0.00", System.Globalization.CultureInfo.InvariantCulture);
}
