using System.Data.Common;
using PostLoan.Domain.Risk;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Infrastructure.Risk.Classification;

/// <summary>
/// The risk flags in force on a date, by debtor and by loan: what the nightly classification (floors, stage) and the
/// month-end ECL (significant increase in credit risk) read.
/// </summary>
internal sealed class RiskFlagsInForce
{
    private readonly HashSet<(RiskFlagKind, int)> _customers = [];
    private readonly HashSet<(RiskFlagKind, long)> _loans = [];

    /// <summary>Flags with <c>Since</c> ≤ <paramref name="date"/> &lt; <c>Until</c>.</summary>
    public static async Task<RiskFlagsInForce> LoadAsync(DbConnection connection, DbTransaction? tx, DateOnly date, CancellationToken cancellationToken)
    {
        var flags = new RiskFlagsInForce();
        await using var command = BulkWriter.Command(connection, tx,
            "SELECT \"CustomerId\", \"LoanId\", \"Kind\" FROM risk_flags WHERE \"Since\" <= @d AND (\"Until\" IS NULL OR \"Until\" > @d)", "d", date);
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
        {
            var kind = (RiskFlagKind)r.GetInt32(2);
            if (r.IsDBNull(1))
            {
                flags._customers.Add((kind, r.GetInt32(0)));
            }
            else
            {
                flags._loans.Add((kind, r.GetInt64(1)));
            }
        }

        return flags;
    }

    public bool Has(RiskFlagKind kind, int customerId, long loanId) => _customers.Contains((kind, customerId)) || _loans.Contains((kind, loanId));

    public bool Red(int customerId, long loanId) => Has(RiskFlagKind.RedSignal, customerId, loanId);

    public bool Impaired(int customerId, long loanId) => Has(RiskFlagKind.CreditImpaired, customerId, loanId);

    /// <summary>IFRS 9 significant increase in credit risk: a verified red signal or a rating 3+ notches down.</summary>
    public bool SignificantIncrease(int customerId, long loanId) => Red(customerId, loanId) || Has(RiskFlagKind.RatingDowngrade, customerId, loanId);
}
