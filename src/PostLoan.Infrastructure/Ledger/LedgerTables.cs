using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Infrastructure.Ledger;

/// <summary>
/// Column layouts of the ledger tables written in bulk (installments, transactions, events, journal) — one definition
/// for the importers, the daily close, the demo seeder and the synthetic book. Positions and snapshots have theirs in
/// <see cref="Close.PositionColumns"/>.
/// </summary>
public static class LedgerTables
{
    public static readonly IReadOnlyList<BulkColumn> InstallmentColumns =
    [
        new("LoanId", typeof(long)), new("Period", typeof(int)), new("DueDate", typeof(DateOnly)), new("Principal", typeof(decimal)),
        new("Interest", typeof(decimal)), new("PrincipalPaid", typeof(decimal)), new("InterestPaid", typeof(decimal)),
    ];

    public static readonly IReadOnlyList<BulkColumn> TransactionColumns =
    [
        new("LoanId", typeof(long)), new("ValueDate", typeof(DateOnly)), new("Kind", typeof(int)), new("Amount", typeof(decimal)), new("Penalty", typeof(decimal)),
        new("Compound", typeof(decimal)), new("Interest", typeof(decimal)), new("Principal", typeof(decimal)), new("Channel", typeof(string)),
        new("Reference", typeof(string)), new("PostedBy", typeof(string)), new("PostedAt", typeof(DateTimeOffset)),
    ];

    public static readonly IReadOnlyList<BulkColumn> EventColumns =
    [
        new("LoanId", typeof(long)), new("EffectiveDate", typeof(DateOnly)), new("Kind", typeof(int)), new("Reason", typeof(string)),
        new("Approver", typeof(string)), new("Detail", typeof(string)), new("RecordedBy", typeof(string)), new("RecordedAt", typeof(DateTimeOffset)),
    ];

    public static readonly IReadOnlyList<BulkColumn> JournalColumns =
    [
        new("Date", typeof(DateOnly)), new("LoanId", typeof(long?)), new("OrganisationId", typeof(int)), new("Kind", typeof(string)),
        new("DebitAccount", typeof(string)), new("CreditAccount", typeof(string)), new("Amount", typeof(decimal)),
    ];
}
