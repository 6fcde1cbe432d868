using PostLoan.Domain.Warning.Signals;

namespace PostLoan.Domain.Warning.Relations;

/// <summary>Where a recorded relation came from (关联关系来源).</summary>
public enum RelationSource
{
    /// <summary>Entered by a person in the UI or the API.</summary>
    Manual = 1,

    /// <summary>Imported from a file.</summary>
    Import = 2,

    /// <summary>Proposed by the detection from the customers' data (same phone, same address, same outside guarantor).</summary>
    Detected = 3,
}

/// <summary>Whether a recorded relation counts (关联关系状态).</summary>
public enum RelationStatus
{
    /// <summary>Proposed by the detection, waiting for a person to accept or reject it; not in the graph.</summary>
    Proposed = 1,

    /// <summary>Accepted or entered by a person: in the graph while its dates hold.</summary>
    Confirmed = 2,

    /// <summary>A proposal a person rejected; kept so the detection does not propose it again.</summary>
    Rejected = 3,
}

/// <summary>How the two ends of a recorded relation stand to each other.</summary>
public enum RelationDirection
{
    /// <summary>Mutual: both share something (a phone, an address, a legal representative).</summary>
    Mutual = 0,

    /// <summary>From the first to the second: the first holds shares of the second, supplies it, or sued it.</summary>
    FromTo = 1,
}

/// <summary>
/// A relation between two customers recorded by the lender (关联关系): shared legal representative or shareholder,
/// same address or phone, transactions, litigation, other. Guarantees (担保) and group membership (集团) are not recorded
/// here: they are read live from the ledger's guarantees and customer groups. A relation is visible only to users who
/// may see both customers; the scope columns of both ends are copied from the customers.
/// </summary>
public sealed class CustomerRelation
{
    public long Id { get; set; }

    public int FromCustomerId { get; set; }

    public int ToCustomerId { get; set; }

    /// <summary>Any kind but <see cref="RelationKind.Guarantee"/> and <see cref="RelationKind.Group"/>.</summary>
    public RelationKind Kind { get; set; }

    public RelationDirection Direction { get; set; }

    /// <summary>Annual transaction amount in yuan (年交易额), for <see cref="RelationKind.Transaction"/>.</summary>
    public decimal? AnnualAmount { get; set; }

    /// <summary>This link's own contagion strength in (0, 1]; null for the kind's setting.</summary>
    public decimal? Strength { get; set; }

    public RelationSource Source { get; set; }

    public RelationStatus Status { get; set; } = RelationStatus.Confirmed;

    /// <summary>What shows the link (证据说明): a registration extract, a contract number, the shared phone.</summary>
    public string? Evidence { get; set; }

    /// <summary>First business date the link holds, or null.</summary>
    public DateOnly? ValidFrom { get; set; }

    /// <summary>Last business date the link holds (set when a person ends it), or null.</summary>
    public DateOnly? ValidTo { get; set; }

    /// <summary>Who recorded, imported or decided on it (user name, or "detection").</summary>
    public string? RecordedBy { get; set; }

    public DateTimeOffset RecordedAt { get; set; }

    public string FromOrganisationPath { get; set; } = "/";

    public string? FromAccountManagerId { get; set; }

    public string ToOrganisationPath { get; set; } = "/";

    public string? ToAccountManagerId { get; set; }

    /// <summary>The link as the graph sees it.</summary>
    public Relation ToRelation() => new(FromCustomerId, ToCustomerId, Kind, Strength, ValidFrom, ValidTo);

    /// <summary>Whether relations of this kind are recorded here (guarantees and groups come from the ledger).</summary>
    public static bool IsRecordable(RelationKind kind) => kind is not (RelationKind.Guarantee or RelationKind.Group);
}

/// <summary>
/// The severity of a derived signal (关联衍生预警等级): the origin's severity when the contagion strength is at least
/// 0.5, one step lower below 0.5 (red → orange, orange → yellow; yellow stays yellow).
/// </summary>
public static class DerivedSeverity
{
    /// <summary>The strength from which a derived signal keeps the origin's severity.</summary>
    public const decimal KeepsSeverityFrom = 0.5m;

    /// <summary>The derived severity of a signal derived from one of <paramref name="origin"/> severity with <paramref name="strength"/>.</summary>
    public static SignalSeverity Of(SignalSeverity origin, decimal strength) => strength >= KeepsSeverityFrom
        ? origin
        : origin switch
        {
            SignalSeverity.Red => SignalSeverity.Orange,
            SignalSeverity.Orange or SignalSeverity.Yellow => SignalSeverity.Yellow,
        };
}
