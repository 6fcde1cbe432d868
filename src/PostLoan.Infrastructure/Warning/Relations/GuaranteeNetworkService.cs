using System.Globalization;
using System.Text;
using MiniExcelLibs;
using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Risk;
using PostLoan.Domain.Warning.Relations;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Infrastructure.Warning.Relations;

/// <summary>A member of a guarantee circle or chain, in guarantee order.</summary>
/// <param name="CustomerId">The customer.</param>
/// <param name="Code">Customer number.</param>
/// <param name="Name">Customer name.</param>
/// <param name="WorstCategory">Worst five-level category of its open loans; null without one.</param>
/// <param name="Outstanding">Outstanding principal of its open loans.</param>
public sealed record NetworkMember(int CustomerId, string Code, string Name, FiveLevelCategory? WorstCategory, decimal Outstanding);

/// <summary>One guarantee circle (担保圈) or chain (担保链) with its figures.</summary>
/// <param name="Type">Circle or chain.</param>
/// <param name="Members">In guarantee order: each member guarantees the next (in a circle the last guarantees the first).</param>
/// <param name="GuaranteedAmount">Total amount of the guarantees in force along it (every guarantee from a member to the next).</param>
/// <param name="Outstanding">Outstanding principal of the members' open loans.</param>
/// <param name="WorstCategory">Worst five-level category among the members' open loans.</param>
public sealed record NetworkEntry(GuaranteeStructure Type, IReadOnlyList<NetworkMember> Members, decimal GuaranteedAmount, decimal Outstanding, FiveLevelCategory? WorstCategory)
{
    /// <summary>Whether it is two customers guaranteeing each other (互保).</summary>
    public bool IsMutual => Type == GuaranteeStructure.Circle && Members.Count == 2;
}

/// <summary>Circle or chain.</summary>
public enum GuaranteeStructure
{
    /// <summary>担保圈</summary>
    Circle = 1,

    /// <summary>担保链</summary>
    Chain = 2,
}

/// <summary>The guarantee circles and chains of the book in the caller's scope on a date.</summary>
/// <param name="AsOf">The business date.</param>
/// <param name="CircleGroups">Strongly connected groups of two or more customers (every one reaches every other).</param>
/// <param name="Entries">Circles first (smallest first), then chains (longest first).</param>
/// <param name="Truncated">Whether listing stopped at the limit.</param>
public sealed record GuaranteeNetworkView(DateOnly AsOf, int CircleGroups, IReadOnlyList<NetworkEntry> Entries, bool Truncated);

/// <summary>
/// Guarantee circles and chains across the book (担保圈 / 担保链) from the ledger's guarantees between customers, in the
/// caller's data scope, with members, total guaranteed amount and worst classification; exported as CSV or Excel.
/// </summary>
public sealed class GuaranteeNetworkService(PostLoanDbContext db)
{
    public async Task<GuaranteeNetworkView> AnalyzeAsync(DateOnly asOf, CancellationToken cancellationToken = default)
    {
        var graphs = new RelationGraphService(db);
        var links = await graphs.GuaranteeLinksAsync(asOf, cancellationToken);
        var report = GuaranteeNetwork.Analyze(RelationGraph.Build(links.Select(l => l.Relation), asOf));
        var amounts = links.GroupBy(l => (l.Relation.From, l.Relation.To)).ToDictionary(g => g.Key, g => g.Sum(l => l.Amount ?? 0m));
        var ids = report.Circles.SelectMany(c => c.Members).Concat(report.Chains.SelectMany(c => c.Members)).Distinct().ToList();
        var customers = await db.Customers.Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => (c.Code, c.Name), cancellationToken);
        var exposure = await graphs.ExposureAsync(ids, cancellationToken);

        NetworkEntry Entry(GuaranteeStructure type, IReadOnlyList<int> members)
        {
            var list = members.Select(id =>
            {
                var (worst, outstanding) = exposure.GetValueOrDefault(id);
                var (code, name) = customers[id];
                return new NetworkMember(id, code, name, worst, outstanding);
            }).ToList();
            var steps = type == GuaranteeStructure.Circle ? members.Count : members.Count - 1;
            var guaranteed = Enumerable.Range(0, steps).Sum(i => amounts.GetValueOrDefault((members[i], members[(i + 1) % members.Count])));
            return new NetworkEntry(type, list, guaranteed, list.Sum(m => m.Outstanding), list.Max(m => m.WorstCategory));
        }

        var entries = report.Circles.Select(c => Entry(GuaranteeStructure.Circle, c.Members))
            .Concat(report.Chains.Select(c => Entry(GuaranteeStructure.Chain, c.Members)))
            .ToList();
        return new GuaranteeNetworkView(asOf, report.CircleGroups.Count, entries, report.Truncated);
    }

    /// <summary>The list as CSV (UTF-8, invariant numbers): one row per circle or chain, members in guarantee order joined by →.</summary>
    public static string Csv(GuaranteeNetworkView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var csv = new StringBuilder("type,size,members,member_codes,guaranteed_amount,outstanding,worst_category\n");
        foreach (var row in Rows(view))
        {
            csv.AppendJoin(',', row.Select(Escape)).Append('\n');
        }

        return csv.ToString();
    }

    /// <summary>The list as an Excel workbook (one sheet 担保圈链, Chinese headers).</summary>
    public static byte[] Workbook(GuaranteeNetworkView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        string[] headers = ["类型", "户数", "成员", "客户号", "担保金额", "贷款余额", "最差五级分类"];
        var sheet = Rows(view).Select(row => headers.Select((h, i) => (h, row[i])).ToDictionary(p => p.h, p => (object?)p.Item2)).ToList();
        using var stream = new MemoryStream();
        stream.SaveAs(new Dictionary<string, object> { ["担保圈链"] = sheet });
        return stream.ToArray();
    }

    /// <summary>Chinese label of a structure: 互保 for a circle of two, 担保圈 for a larger one, 担保链 for a chain.</summary>
    public static string Label(NetworkEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.IsMutual ? "互保" : entry.Type == GuaranteeStructure.Circle ? "担保圈" : "担保链";
    }

    /// <summary>Chinese label of a five-level category, or 无 without open loans.</summary>
    public static string CategoryLabel(FiveLevelCategory? category) => category switch
    {
        null => "无",
        FiveLevelCategory.Normal => "正常",
        FiveLevelCategory.SpecialMention => "关注",
        FiveLevelCategory.Substandard => "次级",
        FiveLevelCategory.Doubtful => "可疑",
        FiveLevelCategory.Loss => "损失",
        _ => category.Value.ToString(),
    };

    private static IEnumerable<string[]> Rows(GuaranteeNetworkView view) => view.Entries.Select(e => new[]
    {
        Label(e),
        e.Members.Count.ToString(CultureInfo.InvariantCulture),
        string.Join(" → ", e.Members.Select(m => m.Name)),
        string.Join(" → ", e.Members.Select(m => m.Code)),
        e.GuaranteedAmount.ToString("0.00", CultureInfo.InvariantCulture),
        e.Outstanding.ToString("0.00", CultureInfo.InvariantCulture),
        CategoryLabel(e.WorstCategory),
    });

    private static string Escape(string value) =>
        value.IndexOfAny([',', '"', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
}
