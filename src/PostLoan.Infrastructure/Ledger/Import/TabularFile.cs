using System.Globalization;
using System.Text;
using System.Text.Json;
using MiniExcelLibs;

namespace PostLoan.Infrastructure.Ledger.Import;

/// <summary>Formats an import file may come in.</summary>
public enum TabularFormat
{
    Csv,
    Excel,
    Json,
}

/// <summary>One data row of an import file: its row number and its values by lower-cased column name.</summary>
public sealed class ImportRow(int number, IReadOnlyDictionary<string, string?> values)
{
    public int Number { get; } = number;

    /// <summary>The trimmed value of <paramref name="field"/>, or null when absent or empty.</summary>
    public string? this[string field] =>
        values.TryGetValue(field.ToLowerInvariant(), out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
}

/// <summary>
/// Reads CSV (RFC 4180, UTF-8 or GB18030 as Chinese core systems export it), Excel (.xlsx, first sheet, header
/// row) and JSON (an array of objects) into rows with the numbers a person sees: for CSV and Excel the
/// spreadsheet row (the header is row 1), for JSON the element number.
/// </summary>
public static class TabularFile
{
    public static TabularFormat FormatOf(string fileName) => Path.GetExtension(fileName).ToLowerInvariant() switch
    {
        ".csv" or ".txt" => TabularFormat.Csv,
        ".xlsx" => TabularFormat.Excel,
        ".json" => TabularFormat.Json,
        var other => throw new FormatException($"file: '{other}' files cannot be imported; use .csv, .xlsx or .json"),
    };

    public static IReadOnlyList<ImportRow> Read(Stream stream, TabularFormat format) => format switch
    {
        TabularFormat.Csv => ReadCsv(stream),
        TabularFormat.Excel => ReadExcel(stream),
        TabularFormat.Json => ReadJson(stream),
    };

    private static List<ImportRow> ReadCsv(Stream stream)
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var text = Decode(buffer.ToArray());
        var records = ParseCsv(text);
        if (records.Count == 0)
        {
            throw new FormatException("file: empty, a header row is required");
        }

        var header = records[0].Fields.Select(h => h.Trim().ToLowerInvariant()).ToArray();
        var rows = new List<ImportRow>();
        foreach (var record in records.Skip(1))
        {
            if (record.Fields.All(string.IsNullOrWhiteSpace))
            {
                continue;
            }

            var values = new Dictionary<string, string?>(StringComparer.Ordinal);
            for (var i = 0; i < header.Length; i++)
            {
                values[header[i]] = i < record.Fields.Count ? record.Fields[i] : null;
            }

            rows.Add(new ImportRow(record.Line, values));
        }

        return rows;
    }

    /// <summary>UTF-8 (with or without BOM) when valid, otherwise GB18030.</summary>
    private static string Decode(byte[] bytes)
    {
        try
        {
            var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
            var text = utf8.GetString(bytes);
            return text.Length > 0 && text[0] == '\uFEFF' ? text[1..] : text;
        }
        catch (DecoderFallbackException)
        {
            Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
            return Encoding.GetEncoding("GB18030").GetString(bytes);
        }
    }

    private sealed record CsvRecord(int Line, List<string> Fields);

    private static List<CsvRecord> ParseCsv(string text)
    {
        var records = new List<CsvRecord>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var line = 1;
        var recordLine = 1;
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    if (c == '\n')
                    {
                        line++;
                    }

                    field.Append(c);
                }

                continue;
            }

            switch (c)
            {
                case '"' when field.Length == 0:
                    quoted = true;
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    break;
                case '\r':
                    break;
                case '\n':
                    fields.Add(field.ToString());
                    field.Clear();
                    records.Add(new CsvRecord(recordLine, fields));
                    fields = [];
                    line++;
                    recordLine = line;
                    break;
                default:
                    field.Append(c);
                    break;
            }
        }

        if (quoted)
        {
            throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"row {recordLine}: a quoted field is not closed"));
        }

        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            records.Add(new CsvRecord(recordLine, fields));
        }

        return records;
    }

    private static List<ImportRow> ReadExcel(Stream stream)
    {
        var rows = new List<ImportRow>();
        var number = 1;
        foreach (IDictionary<string, object?> row in stream.Query(useHeaderRow: true))
        {
            number++;
            var values = row.ToDictionary(kv => kv.Key.Trim().ToLowerInvariant(), kv => CellText(kv.Value), StringComparer.Ordinal);
            if (values.Values.All(string.IsNullOrWhiteSpace))
            {
                continue;
            }

            rows.Add(new ImportRow(number, values));
        }

        return rows;
    }

    private static string? CellText(object? value) => value switch
    {
        null => null,
        DateTime d => d.TimeOfDay == TimeSpan.Zero ? d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : d.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    private static List<ImportRow> ReadJson(Stream stream)
    {
        using var document = JsonDocument.Parse(stream);
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("file: a JSON import is an array of objects");
        }

        var rows = new List<ImportRow>();
        var number = 0;
        foreach (var element in document.RootElement.EnumerateArray())
        {
            number++;
            if (element.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"row {number}: not a JSON object"));
            }

            var values = TabularFile.Values(element);

            rows.Add(new ImportRow(number, values));
        }

        return rows;
    }

    /// <summary>A JSON object's properties as import values: names lower-cased, strings as they are, other values as JSON text.</summary>
    public static Dictionary<string, string?> Values(JsonElement element)
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            values[property.Name.ToLowerInvariant()] = property.Value.ValueKind switch
            {
                JsonValueKind.Null or JsonValueKind.Undefined => null,
                JsonValueKind.String => property.Value.GetString(),
                _ => property.Value.GetRawText(),
            };
        }

        return values;
    }
}
