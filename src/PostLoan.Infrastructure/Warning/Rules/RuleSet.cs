using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Ledger.Customers;
using PostLoan.Domain.Warning.Indicators;
using PostLoan.Domain.Warning.Rules;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Infrastructure.Warning.Rules;

/// <summary>What the rules need to know about a customer: scope (organisation, kind, industry, products) and owner.</summary>
public sealed record RuleCustomer(int Id, int OrganisationId, string OrganisationPath, string? AccountManagerId, CustomerKind Kind, string? Industry, int[] Products);

/// <summary>Which customers a version covers: organisation subtrees, products, industries and customer kinds (empty = all).</summary>
public sealed class RuleScopeMatcher
{
    private readonly string[] paths;
    private readonly HashSet<int> products;
    private readonly HashSet<string> industries;
    private readonly HashSet<CustomerKind> kinds;

    public RuleScopeMatcher(IEnumerable<string> organisationPaths, IEnumerable<int> products, IEnumerable<string> industries, IEnumerable<CustomerKind> kinds)
    {
        paths = [.. organisationPaths];
        this.products = [.. products];
        this.industries = new HashSet<string>(industries, StringComparer.Ordinal);
        this.kinds = [.. kinds];
    }

    /// <summary>True when the version applies to the customer.</summary>
    public bool Covers(RuleCustomer customer)
    {
        if (kinds.Count > 0 && !kinds.Contains(customer.Kind))
        {
            return false;
        }

        if (industries.Count > 0 && (customer.Industry is null || !industries.Contains(customer.Industry)))
        {
            return false;
        }

        if (paths.Length > 0 && !Array.Exists(paths, p => customer.OrganisationPath.StartsWith(p, StringComparison.Ordinal)))
        {
            return false;
        }

        return products.Count == 0 || Array.Exists(customer.Products, products.Contains);
    }
}

/// <summary>One version of a compiled rule set.</summary>
/// <param name="Version">The stored version.</param>
/// <param name="Rule">Its rule.</param>
/// <param name="Compiled">The compiled expression (against the set's layout).</param>
/// <param name="Scope">Whom it covers.</param>
/// <param name="PublishedIndex">For a shadow version, the index of the same rule's published version in the set (−1 when none).</param>
public sealed record RuleEntry(WarningRuleVersion Version, WarningRule Rule, CompiledRule Compiled, RuleScopeMatcher Scope, int PublishedIndex)
{
    public bool IsShadow => Version.State == RuleVersionState.Shadow;
}

/// <summary>
/// Published and shadow versions compiled once against one <see cref="FeatureLayout"/>, so each feature a customer needs is
/// computed once for all of them. <see cref="IndicatorIds"/>[i] is the database id of <c>Layout.Indicators[i]</c> (−1 when the
/// catalogue has no such indicator yet: the series is empty).
/// </summary>
public sealed class CompiledRuleSet
{
    internal CompiledRuleSet(FeatureLayout layout, RuleEntry[] entries, int[] indicatorIds, int lookbackMonths)
    {
        Layout = layout;
        Entries = entries;
        IndicatorIds = indicatorIds;
        LookbackMonths = lookbackMonths;
        UsesIndustryMedian = layout.Features.Any(f => f.Function == RuleFunction.IndustryMedian);
    }

    public FeatureLayout Layout { get; }

    public RuleEntry[] Entries { get; }

    public int[] IndicatorIds { get; }

    /// <summary>How many months of history the run reads: the longest window, and at least 25 so that <c>change_yoy</c> of a
    /// value up to a year stale still has its base.</summary>
    public int LookbackMonths { get; }

    public bool UsesIndustryMedian { get; }

    private (DateOnly Date, DateTimeOffset At, IReadOnlyDictionary<string, IndustryStatistics> Statistics)? industries;

    /// <summary>
    /// The industry medians as of <paramref name="date"/>: computed over the whole book for a nightly run (<paramref name="fresh"/>),
    /// and reused for up to ten minutes by real-time evaluations of the same date, which must not rescan the book per event.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, IndustryStatistics>> IndustriesAsync(System.Data.Common.DbConnection connection, DateOnly date, bool fresh, CancellationToken cancellationToken)
    {
        if (!fresh && industries is { } cached && cached.Date == date && DateTimeOffset.UtcNow - cached.At < TimeSpan.FromMinutes(10))
        {
            return cached.Statistics;
        }

        var statistics = await IndustryStatistics.LoadAsync(connection, this, date, cancellationToken);
        industries = (date, DateTimeOffset.UtcNow, statistics);
        return statistics;
    }

    /// <summary>The first date read for an evaluation on <paramref name="date"/>.</summary>
    public DateOnly FirstDate(DateOnly date) => new DateOnly(date.Year, date.Month, 1).AddMonths(-(LookbackMonths - 1));
}

/// <summary>
/// Compiles rule versions and caches each compiled set by the versions it holds (id and state), so a version is checked
/// and compiled once however often the nightly run, the real-time path and "evaluate now" use it. A singleton.
/// </summary>
public sealed class RuleSetCache
{
    private readonly ConcurrentDictionary<string, CompiledRuleSet> sets = new(StringComparer.Ordinal);

    /// <summary>The published (and, with <paramref name="includeShadow"/>, shadow) versions effective on <paramref name="date"/>, compiled.</summary>
    public async Task<CompiledRuleSet> LoadAsync(PostLoanDbContext db, DateOnly date, bool includeShadow, CancellationToken cancellationToken)
    {
        var versions = await db.WarningRuleVersions.AsNoTracking()
            .Where(v => v.State == RuleVersionState.Published || (includeShadow && v.State == RuleVersionState.Shadow))
            .OrderBy(v => v.RuleId).ThenBy(v => v.Id)
            .ToListAsync(cancellationToken);
        versions = versions.Where(v => v.IsEffectiveOn(date)).ToList();
        return await CompileAsync(db, versions, cancellationToken);
    }

    /// <summary>Compiles the given versions (for a backtest: one version, whatever its state).</summary>
    public async Task<CompiledRuleSet> CompileAsync(PostLoanDbContext db, IReadOnlyList<WarningRuleVersion> versions, CancellationToken cancellationToken)
    {
        var key = string.Join(';', versions.Select(v => $"{v.Id}:{(int)v.State}"));
        if (sets.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var ruleIds = versions.Select(v => v.RuleId).Distinct().ToList();
        var rules = await db.WarningRules.AsNoTracking().Where(r => ruleIds.Contains(r.Id)).ToDictionaryAsync(r => r.Id, cancellationToken);
        var organisations = await db.Organisations.IgnoreQueryFilters().AsNoTracking().ToDictionaryAsync(o => o.Id, o => o.Path, cancellationToken);
        var indicators = await db.Indicators.AsNoTracking().Select(i => new { i.Id, i.Code, i.Kind }).ToListAsync(cancellationToken);
        var catalogue = RuleCatalogue.From(indicators.Select(i => KeyValuePair.Create(i.Code, i.Kind)));
        var layout = new FeatureLayout();
        var entries = new List<RuleEntry>();
        foreach (var version in versions)
        {
            var check = RuleChecker.Check(version.Expression, catalogue);
            if (!check.IsValid)
            {
                // Saved versions were checked on save; one that no longer checks (an indicator removed) is skipped, not run.
                continue;
            }

            var scope = new RuleScopeMatcher(
                version.OrganisationIds.Where(organisations.ContainsKey).Select(id => organisations[id]),
                version.ProductIds, version.Industries, version.CustomerKinds);
            entries.Add(new RuleEntry(version, rules[version.RuleId], RuleCompiler.Compile(check.Rule!, layout), scope, -1));
        }

        var array = entries.Select(e => e.IsShadow
            ? e with { PublishedIndex = entries.FindIndex(p => !p.IsShadow && p.Rule.Id == e.Rule.Id) }
            : e).ToArray();
        var ids = indicators.ToDictionary(i => i.Code, i => i.Id, StringComparer.Ordinal);
        var indicatorIds = layout.Indicators.Select(i => ids.TryGetValue(i.Code, out var id) ? id : -1).ToArray();
        var lookback = Math.Max(25, layout.Features.Select(f => f.Months).DefaultIfEmpty(0).Max());
        var set = new CompiledRuleSet(layout, array, indicatorIds, lookback);
        if (sets.Count > 256)
        {
            sets.Clear();
        }

        sets[key] = set;
        return set;
    }
}

/// <summary>The indicator catalogue the rules are checked against: the standard indicators and those in the database.</summary>
public static class RuleCatalogue
{
    /// <summary>A catalogue of the standard indicators plus <paramref name="stored"/> (which win on a conflict).</summary>
    public static IndicatorCatalogue From(IEnumerable<KeyValuePair<string, IndicatorKind>> stored)
    {
        var all = StandardIndicators.All.ToDictionary(i => i.Code, i => i.Kind, StringComparer.Ordinal);
        foreach (var (code, kind) in stored)
        {
            all[code] = kind;
        }

        return new IndicatorCatalogue(all);
    }

    /// <summary>The catalogue as of now.</summary>
    public static async Task<IndicatorCatalogue> LoadAsync(PostLoanDbContext db, CancellationToken cancellationToken) =>
        From(await db.Indicators.AsNoTracking().Where(i => i.Active).Select(i => new KeyValuePair<string, IndicatorKind>(i.Code, i.Kind)).ToListAsync(cancellationToken));
}
