using System.Globalization;

namespace PostLoan.Web.Common;

/// <summary>Display formats shared by the pages. Instants show in China Standard Time (UTC+8), the lenders' clock.</summary>
public static class Format
{
    private static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);

    public static string Instant(DateTimeOffset? value) =>
        value is { } v ? v.ToOffset(ChinaOffset).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "—";

    public static string Date(DateOnly? value) =>
        value is { } v ? v.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "—";

    public static string Amount(decimal value) => value.ToString("#,##0.00", CultureInfo.InvariantCulture);
}
