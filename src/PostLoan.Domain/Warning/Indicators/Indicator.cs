using PostLoan.Domain.Warning.Rules;

namespace PostLoan.Domain.Warning.Indicators;

/// <summary>Where an indicator's values come from.</summary>
public enum IndicatorSource
{
    /// <summary>Derived from the ledger by the daily close (DPD, days since last payment, limit usage).</summary>
    Ledger = 1,

    /// <summary>Financial statements entered or imported by a clerk (revenue, profit, cash flow).</summary>
    Statement = 2,

    /// <summary>External data providers (litigation, enforcement, registration changes, credit report).</summary>
    External = 3,

    /// <summary>Operations monitoring devices (headcount, electricity, operating rate).</summary>
    Device = 4,

    /// <summary>Computed from other modules (scores, related parties' signals).</summary>
    Derived = 5,
}

/// <summary>How often an indicator is observed.</summary>
public enum IndicatorFrequency
{
    Daily = 1,
    Monthly = 2,
    Quarterly = 3,
    Yearly = 4,

    /// <summary>Whenever an event happens (an event-count indicator).</summary>
    Event = 5,
}

/// <summary>One entry of the indicator catalogue (指标库). Values are kept per customer in <see cref="IndicatorValue"/>.</summary>
public sealed class Indicator
{
    public int Id { get; set; }

    /// <summary>The code rules use, lower snake case (for example <c>dpd</c>, <c>revenue</c>, <c>litigation_defendant</c>).</summary>
    public required string Code { get; set; }

    public required string NameZh { get; set; }

    public required string NameEn { get; set; }

    /// <summary>Unit shown next to values (元, 天, %, 次, kWh); empty for a plain number.</summary>
    public string Unit { get; set; } = "";

    public IndicatorSource Source { get; set; }

    public IndicatorFrequency Frequency { get; set; }

    /// <summary>A measured value or a count of events; decides how the rule language reads it.</summary>
    public IndicatorKind Kind { get; set; }

    public string? Description { get; set; }

    /// <summary>Whether new values are accepted and rules may use it.</summary>
    public bool Active { get; set; } = true;
}

/// <summary>
/// One dated value of an indicator for a customer (and optionally one of its loans). A value is identified by
/// (indicator, customer, loan, date, source reference): writing it again replaces it, so imports and events are
/// idempotent. Event-count indicators store 1 per event, keyed by the event's reference.
/// </summary>
public sealed class IndicatorValue
{
    public long Id { get; set; }

    public int IndicatorId { get; set; }

    public int CustomerId { get; set; }

    /// <summary>The loan for loan-level values; null for customer-level ones.</summary>
    public long? LoanId { get; set; }

    /// <summary>The business date the value is for (period end of a statement, day of a reading, date of an event).</summary>
    public DateOnly Date { get; set; }

    public double Value { get; set; }

    /// <summary>Identifies the observation within its source (an event id, a statement id, "close"); part of the key.</summary>
    public string Reference { get; set; } = "";

    /// <summary>Who or what recorded it: "close", "import", "api:provider", a user id.</summary>
    public required string RecordedBy { get; set; }

    public DateTimeOffset RecordedAt { get; set; }

    /// <summary>Copied from the customer for the data scope.</summary>
    public string OrganisationPath { get; set; } = "/";

    public string? AccountManagerId { get; set; }
}
