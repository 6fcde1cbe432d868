namespace PostLoan.Domain.Warning.Indicators;

/// <summary>
/// An event about a customer received from an external data provider (外部数据事件): a court case as defendant, an
/// enforcement, a registration change, a credit-report change, a multi-lending count. Its <see cref="EventType"/> is the
/// code of an external indicator; storing the event writes that indicator's value (1 per event; the number of lenders for
/// multi-lending). A provider's reference is unique per provider, so a redelivered event changes nothing.
/// </summary>
public sealed class ExternalEvent
{
    public long Id { get; set; }

    /// <summary>The provider's name (for example "demo", "qcc", "pbc-credit").</summary>
    public required string Provider { get; set; }

    /// <summary>The provider's own identifier of the event: unique per provider.</summary>
    public required string ProviderReference { get; set; }

    /// <summary>The indicator code the event counts towards (an external indicator such as <c>litigation_defendant</c>).</summary>
    public required string EventType { get; set; }

    public int CustomerId { get; set; }

    /// <summary>When it happened (filing date, decision date, registration date, report date).</summary>
    public DateOnly EventDate { get; set; }

    public required string Title { get; set; }

    /// <summary>Amount involved (claim, enforcement target, reduced capital, overdue amount), yuan.</summary>
    public decimal? Amount { get; set; }

    /// <summary>The other party (plaintiff, applicant for enforcement, new legal representative, lender).</summary>
    public string? Counterparty { get; set; }

    /// <summary>The court (法院) for court events.</summary>
    public string? Court { get; set; }

    /// <summary>The case number (案号), for example (2026)沪0115民初12345号.</summary>
    public string? CaseNumber { get; set; }

    /// <summary>The value written to the indicator when it is not a plain count (multi-lending: the number of lenders).</summary>
    public double? Value { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }

    /// <summary>Who delivered it: the user name of the caller or API token, "system" for the polling job and imports run as the system.</summary>
    public string? ReceivedBy { get; set; }

    /// <summary>Copied from the customer for the data scope.</summary>
    public string OrganisationPath { get; set; } = "/";

    public string? AccountManagerId { get; set; }

    /// <summary>The reference its indicator value carries.</summary>
    public string IndicatorReference => "event:" + Id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The indicator value the event writes.</summary>
    public double IndicatorValue => Value ?? 1d;
}

/// <summary>How far a provider's polling has come (its opaque cursor) and how the last poll went.</summary>
public sealed class ExternalProviderCursor
{
    /// <summary>The provider's name; the key.</summary>
    public required string Provider { get; set; }

    /// <summary>The provider's cursor after the last successful poll (opaque to PostLoan); null before the first.</summary>
    public string? Cursor { get; set; }

    public DateTimeOffset? LastPolledAt { get; set; }

    /// <summary>Events received by the last successful poll.</summary>
    public int LastReceived { get; set; }

    /// <summary>Why the last poll failed; null when it succeeded.</summary>
    public string? LastError { get; set; }
}
