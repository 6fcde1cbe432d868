using System.Data.Common;
using System.Globalization;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Infrastructure.Warning.Indicators;

/// <summary>
/// What the close steps that write indicators share: the <c>indicator_values</c> columns they bulk-insert (rows of
/// indicator, customer, loan, date, value, reference, recorded by, recorded at, organisation path, account manager) and
/// the delete of one date's rows of their reference, which makes a rerun replace and a reopen undo.
/// </summary>
public static class IndicatorRows
{
    public static readonly BulkColumn[] Columns =
    [
        new("IndicatorId", typeof(int)), new("CustomerId", typeof(int)), new("LoanId", typeof(long?)), new("Date", typeof(DateOnly)), new("Value", typeof(double)),
        new("Reference", typeof(string)), new("RecordedBy", typeof(string)), new("RecordedAt", typeof(DateTimeOffset)), new("OrganisationPath", typeof(string)),
        new("AccountManagerId", typeof(string)),
    ];

    /// <summary>Deletes the rows of <paramref name="indicatorIds"/> dated <paramref name="date"/> with <paramref name="reference"/>.</summary>
    public static async Task DeleteAsync(DbConnection connection, DbTransaction tx, DateOnly date, IEnumerable<int> indicatorIds, string reference, CancellationToken cancellationToken)
    {
        var list = string.Join(", ", indicatorIds.Select(i => i.ToString(CultureInfo.InvariantCulture)));
        if (list.Length == 0)
        {
            return;
        }

        await using var delete = BulkWriter.Command(connection, tx,
            $"DELETE FROM indicator_values WHERE \"Date\" = @d AND \"IndicatorId\" IN ({list}) AND \"Reference\" = @r", "d", date, "r", reference);
        await delete.ExecuteNonQueryAsync(cancellationToken);
    }
}
