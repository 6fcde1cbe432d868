using System.Globalization;
using System.Text;
using MiniExcelLibs;

namespace PostLoan.Infrastructure.Risk.Reports;

/// <summary>Which figure of a migration matrix to print.</summary>
public enum MigrationMeasure
{
    Count,
    Balance,
    Percent,
}

/// <summary>Exports of the risk reports: Excel workbooks (MiniExcel, Chinese headers) and the matrix as CSV.</summary>
public static class RiskReportExports
{
    /// <summary>Parses a measure: <c>count</c> (default when empty), <c>balance</c> or <c>percent</c>.</summary>
    public static PostLoan.Domain.Common.Result<MigrationMeasure> ParseMeasure(string? measure) => measure?.Trim().ToLowerInvariant() switch
    {
        null or "" or "count" => MigrationMeasure.Count,
        "balance" => MigrationMeasure.Balance,
        "percent" => MigrationMeasure.Percent,
        _ => PostLoan.Domain.Common.Error.Validation("measure", $"'{measure}' is not a measure (count|balance|percent)"),
    };

    /// <summary>
    /// The matrix as CSV (the <c>./postloan migration</c> contract): a header row <c>from\to</c> and the to-states (with
    /// 结清/退出 and 核销), then one row per from-state; counts as integers, balances with 2 decimals, invariant culture.
    /// </summary>
    public static string MatrixCsv(MigrationMatrix matrix, MigrationMeasure measure)
    {
        var csv = new StringBuilder();
        csv.Append("from\\to");
        foreach (var label in matrix.ColumnLabels)
        {
            csv.Append(',').Append(Escape(label));
        }

        csv.Append('\n');
        for (var i = 0; i < matrix.RowLabels.Count; i++)
        {
            csv.Append(Escape(matrix.RowLabels[i]));
            for (var j = 0; j < matrix.ColumnLabels.Count; j++)
            {
                csv.Append(',').Append(measure switch
                {
                    MigrationMeasure.Count => matrix.Counts[i][j].ToString(CultureInfo.InvariantCulture),
                    MigrationMeasure.Balance => matrix.Balances[i][j].ToString("0.00", CultureInfo.InvariantCulture),
                    MigrationMeasure.Percent => matrix.CountPercentages[i][j].ToString("0.00", CultureInfo.InvariantCulture),
                });
            }

            csv.Append('\n');
        }

        return csv.ToString();
    }

    /// <summary>A workbook with one sheet per measure: 笔数, 余额, 笔数占比%, 余额占比%.</summary>
    public static byte[] MatrixWorkbook(MigrationMatrix matrix)
    {
        var sheets = new Dictionary<string, object>
        {
            ["笔数"] = MatrixSheet(matrix, (i, j) => matrix.Counts[i][j], i => matrix.RowCounts[i]),
            ["余额"] = MatrixSheet(matrix, (i, j) => matrix.Balances[i][j], i => matrix.RowBalances[i]),
            ["笔数占比%"] = MatrixSheet(matrix, (i, j) => matrix.CountPercentages[i][j], i => matrix.RowCounts[i] == 0 ? 0m : 100m),
            ["余额占比%"] = MatrixSheet(matrix, (i, j) => matrix.BalancePercentages[i][j], i => matrix.RowBalances[i] == 0m ? 0m : 100m),
        };
        return Save(sheets);
    }

    /// <summary>A workbook with the report (本月) and, when there is one, the previous month (上月), one row per group plus 合计.</summary>
    public static byte[] ProvisioningWorkbook(ProvisioningReportResult report)
    {
        var sheets = new Dictionary<string, object>
        {
            [report.Month] = ProvisioningSheet(report, r => r.Current),
        };
        if (report.HasPrevious)
        {
            sheets[report.PreviousMonth] = ProvisioningSheet(report, r => r.Previous!);
        }

        return Save(sheets);
    }

    private static List<Dictionary<string, object?>> MatrixSheet(MigrationMatrix matrix, Func<int, int, object> cell, Func<int, object> total)
    {
        var rows = new List<Dictionary<string, object?>>();
        var corner = $"{matrix.From}\\{matrix.To}";
        for (var i = 0; i < matrix.RowLabels.Count; i++)
        {
            var row = new Dictionary<string, object?> { [corner] = matrix.RowLabels[i] };
            for (var j = 0; j < matrix.ColumnLabels.Count; j++)
            {
                row[matrix.ColumnLabels[j]] = cell(i, j);
            }

            row["合计"] = total(i);
            rows.Add(row);
        }

        return rows;
    }

    private static List<Dictionary<string, object?>> ProvisioningSheet(ProvisioningReportResult report, Func<ProvisioningRow, ProvisioningFigures> pick)
    {
        var group = report.By == ProvisioningGrouping.Organisation ? "机构" : "产品";
        return report.Rows.Append(report.Total).Select(r =>
        {
            var f = pick(r);
            return new Dictionary<string, object?>
            {
                [group] = r.Name,
                ["笔数"] = f.Loans,
                ["贷款余额"] = f.Balance,
                ["正常"] = f.Normal,
                ["关注"] = f.SpecialMention,
                ["次级"] = f.Substandard,
                ["可疑"] = f.Doubtful,
                ["损失"] = f.Loss,
                ["不良贷款余额"] = f.NplBalance,
                ["不良率"] = f.NplRatio,
                ["监管拨备"] = f.RegulatoryProvision,
                ["拨备覆盖率(监管)"] = f.RegulatoryCoverageRatio,
                ["贷款拨备率(监管)"] = f.RegulatoryProvisionRatio,
                ["减值准备ECL"] = f.Ecl,
                ["ECL第一阶段"] = f.EclStage1,
                ["ECL第二阶段"] = f.EclStage2,
                ["ECL第三阶段"] = f.EclStage3,
                ["拨备覆盖率(ECL)"] = f.EclCoverageRatio,
                ["贷款拨备率(ECL)"] = f.EclProvisionRatio,
            };
        }).ToList();
    }

    private static byte[] Save(Dictionary<string, object> sheets)
    {
        using var stream = new MemoryStream();
        stream.SaveAs(sheets);
        return stream.ToArray();
    }

    private static string Escape(string value) =>
        value.IndexOfAny([',', '"', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
}
