namespace PostLoan.Domain.Common;

/// <summary>
/// One reason an import row was refused: the row (1-based data row: spreadsheet row number for CSV and Excel,
/// element number for JSON), the field and why. A file with any issue writes nothing.
/// </summary>
public sealed record ImportIssue(int Row, string Field, string Reason)
{
    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"row {Row}, {Field}: {Reason}");
}
