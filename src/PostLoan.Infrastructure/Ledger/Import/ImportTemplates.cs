using System.Text;
using System.Text.Json;
using MiniExcelLibs;

namespace PostLoan.Infrastructure.Ledger.Import;

/// <summary>Example files for each import kind (模板下载), in every supported format, with valid example rows.</summary>
public static class ImportTemplates
{
    /// <summary>Customer columns in file order, with example rows (the ID numbers carry valid check characters).</summary>
    public static readonly IReadOnlyList<string> CustomerColumns =
        ["code", "name", "kind", "idNumber", "industry", "region", "contactName", "contactPhone", "address", "rating", "organisationCode", "accountManager"];

    public static readonly IReadOnlyList<string?[]> CustomerExamples =
    [
        ["K100001", "北京中科恒业电子有限公司", "enterprise", "91110108MA01ABCD0B", "制造业", "北京市海淀区", "赵建国", "13910001000", "北京市海淀区中关村大街1号", "A", "BJ01", "am.bj01"],
        ["K100002", "上海浦江冷链物流有限公司", "enterprise", "91310115MA1K4XYW21", "交通运输、仓储和邮政业", "上海市浦东新区", "钱志明", "021-58880000", "上海市浦东新区张江路88号", "BBB", "SH01", "am.sh01"],
        ["K100003", "李秀兰", "person", "440106198503120023", "个体经营", "广州市天河区", "李秀兰", "13822223333", "广州市天河区体育西路9号", "BB", "GZ01", "am.gz01"],
    ];

    /// <summary>Writes the customer template to <paramref name="path"/> in the format its extension names.</summary>
    public static void WriteCustomers(string path) => Write(path, CustomerColumns, CustomerExamples);

    public static void Write(string path, IReadOnlyList<string> columns, IReadOnlyList<string?[]> rows)
    {
        switch (TabularFile.FormatOf(path))
        {
            case TabularFormat.Csv:
                var csv = new StringBuilder().AppendJoin(',', columns).Append('\n');
                foreach (var row in rows)
                {
                    csv.AppendJoin(',', row.Select(Escape)).Append('\n');
                }

                File.WriteAllText(path, csv.ToString(), new UTF8Encoding(false));
                break;
            case TabularFormat.Json:
                var objects = rows.Select(r => columns.Select((c, i) => (c, r[i])).ToDictionary(x => x.c, x => x.Item2));
                File.WriteAllText(path, JsonSerializer.Serialize(objects, new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n");
                break;
            case TabularFormat.Excel:
                var sheet = rows.Select(r => columns.Select((c, i) => (c, r[i])).ToDictionary(x => x.c, x => (object?)x.Item2)).ToList();
                if (File.Exists(path))
                {
                    File.Delete(path);
                }

                MiniExcel.SaveAs(path, sheet);
                break;
        }
    }

    private static string Escape(string? value) =>
        value is null ? string.Empty
        : value.IndexOfAny([',', '"', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
}
