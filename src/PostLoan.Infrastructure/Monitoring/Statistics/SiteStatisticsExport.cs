using MiniExcelLibs;
using PostLoan.Domain.Monitoring.Statistics;

namespace PostLoan.Infrastructure.Monitoring.Statistics;

/// <summary>
/// The statistics table as an Excel workbook (MiniExcel, Chinese headers like the product's other exports): one row per
/// period with each measure this year, the same period last year and the change (同比, % or percentage points).
/// </summary>
public static class SiteStatisticsExport
{
    /// <summary>The column headers, in order.</summary>
    public static readonly string[] Headers =
    [
        "期间", "开始日期", "结束日期", "有数据天数",
        "进场人次", "去年同期进场人次", "进场人次同比%",
        "平均在场人数", "去年同期平均在场人数", "在场人数同比%",
        "用电量kWh", "去年同期用电量kWh", "用电量同比%",
        "用水量m³", "去年同期用水量m³", "用水量同比%",
        "开工率%", "去年同期开工率%", "开工率同比（百分点）",
        "库存变化指数%",
    ];

    /// <summary>The workbook of <paramref name="rows"/>, sheet named after the site.</summary>
    public static byte[] Workbook(string siteName, IReadOnlyList<PeriodStatistics> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var sheet = rows.Select(r => Headers.Zip(Row(r)).ToDictionary(p => p.First, p => p.Second)).ToList();
        if (sheet.Count == 0)
        {
            sheet.Add(Headers.ToDictionary(h => h, _ => (object?)null));
        }

        using var stream = new MemoryStream();
        stream.SaveAs(new Dictionary<string, object> { [SheetName(siteName)] = sheet });
        return stream.ToArray();
    }

    private static object?[] Row(PeriodStatistics r) =>
    [
        r.Key, r.From.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), r.To.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), r.Days,
        r.Entries, r.LastYear?.Entries, r.EntriesYoy,
        r.AverageHeadcount, r.LastYear?.AverageHeadcount, r.HeadcountYoy,
        r.ElectricityKwh, r.LastYear?.ElectricityKwh, r.ElectricityYoy,
        r.WaterM3, r.LastYear?.WaterM3, r.WaterYoy,
        r.OperatingRate, r.LastYear?.OperatingRate, r.OperatingRateYoyPoints,
        r.InventoryChange,
    ];

    /// <summary>Excel sheet names: at most 31 characters, none of <c>[]:*?/\</c>.</summary>
    private static string SheetName(string name)
    {
        var clean = new string(name.Select(c => "[]:*?/\\".Contains(c, StringComparison.Ordinal) ? '_' : c).ToArray()).Trim();
        return clean.Length == 0 ? "统计" : clean[..Math.Min(clean.Length, 31)];
    }
}
