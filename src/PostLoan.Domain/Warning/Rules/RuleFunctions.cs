using System.Globalization;

namespace PostLoan.Domain.Warning.Rules;

/// <summary>The fixed whitelist of functions a rule may call. Nothing else can be called.</summary>
public enum RuleFunction
{
    /// <summary><c>now(x)</c>: the latest value (最新值).</summary>
    Now,
    /// <summary><c>prev(x)</c>: the value of the month before the latest value's month (上期值).</summary>
    Prev,
    /// <summary><c>change(x)</c>: (now − prev) / |prev| (环比).</summary>
    Change,
    /// <summary><c>change_yoy(x)</c>: (now − same month a year earlier) / |that value| (同比).</summary>
    ChangeYoy,
    /// <summary><c>avg(x, n)</c>: mean of the monthly values of the last n months.</summary>
    Avg,
    /// <summary><c>min(x, n)</c>: smallest monthly value of the last n months.</summary>
    Min,
    /// <summary><c>max(x, n)</c>: largest monthly value of the last n months.</summary>
    Max,
    /// <summary><c>sum(x, n)</c>: sum of the monthly values of the last n months.</summary>
    Sum,
    /// <summary><c>count(x, n)</c>: months with a value (numeric) or events (event count) in the last n months.</summary>
    Count,
    /// <summary><c>industry_median(x)</c>: median of the latest values of the customer's industry peers (行业中位数).</summary>
    IndustryMedian,
}

/// <summary>Names, arities and limits of the whitelisted functions.</summary>
public static class RuleFunctions
{
    /// <summary>The longest window, in months, a windowed function accepts (ten years).</summary>
    public const int MaxWindowMonths = 120;

    /// <summary>How far back from the latest value <see cref="RuleFunction.ChangeYoy"/> looks, in months.</summary>
    public const int YearMonths = 12;

    /// <summary>The whitelist in the order the documentation and the error messages list it.</summary>
    public static IReadOnlyList<RuleFunction> All { get; } =
    [
        RuleFunction.Now, RuleFunction.Prev, RuleFunction.Change, RuleFunction.ChangeYoy, RuleFunction.Avg,
        RuleFunction.Min, RuleFunction.Max, RuleFunction.Count, RuleFunction.Sum, RuleFunction.IndustryMedian,
    ];

    /// <summary>The sentence every "not allowed" error ends with.</summary>
    public static string Whitelist { get; } =
        "only indicator codes and the functions " + string.Join(", ", All.Select(Name)) + " can be used";

    /// <summary>The name a rule writes.</summary>
    public static string Name(RuleFunction function) => function switch
    {
        RuleFunction.Now => "now",
        RuleFunction.Prev => "prev",
        RuleFunction.Change => "change",
        RuleFunction.ChangeYoy => "change_yoy",
        RuleFunction.Avg => "avg",
        RuleFunction.Min => "min",
        RuleFunction.Max => "max",
        RuleFunction.Sum => "sum",
        RuleFunction.Count => "count",
        RuleFunction.IndustryMedian => "industry_median",
    };

    /// <summary>True for the functions taking a window length: avg, min, max, sum, count.</summary>
    public static bool IsWindowed(RuleFunction function) =>
        function is RuleFunction.Avg or RuleFunction.Min or RuleFunction.Max or RuleFunction.Sum or RuleFunction.Count;

    /// <summary>Finds a whitelisted function by its exact (lowercase) name.</summary>
    public static bool TryFind(string name, out RuleFunction function)
    {
        foreach (var candidate in All)
        {
            if (Name(candidate) == name)
            {
                function = candidate;
                return true;
            }
        }

        function = default;
        return false;
    }
}

/// <summary>What the values of an indicator mean, which decides how they are bucketed into months.</summary>
public enum IndicatorKind
{
    /// <summary>A measured quantity (revenue, DPD, electricity): a month's value is the latest observation in it; a month without one is missing.</summary>
    Numeric,
    /// <summary>Countable events (litigation as defendant 被诉, enforcement 被执行): a month's value is the number of events in it, zero when none.</summary>
    EventCount,
}

/// <summary>The indicator library (指标库) a rule is checked against: known codes with their kind.</summary>
public sealed class IndicatorCatalogue
{
    private readonly Dictionary<string, IndicatorKind> kinds;

    /// <summary>Creates a catalogue from codes and kinds.</summary>
    public IndicatorCatalogue(IEnumerable<KeyValuePair<string, IndicatorKind>> indicators)
    {
        kinds = new Dictionary<string, IndicatorKind>(indicators, StringComparer.Ordinal);
    }

    /// <summary>The kind of a known indicator.</summary>
    public bool TryGetKind(string code, out IndicatorKind kind) => kinds.TryGetValue(code, out kind);

    /// <summary>The known codes.</summary>
    public IEnumerable<string> Codes => kinds.Keys;
}

/// <summary>
/// One value a rule reads for a customer: a function applied to an indicator over a window, e.g. <c>avg(power_kwh, 3)</c>.
/// The caller computes each feature once per customer into a feature vector (<see cref="FeatureLayout"/>);
/// equal features of different rules share one slot.
/// </summary>
/// <param name="Function">The whitelisted function.</param>
/// <param name="Indicator">The indicator code.</param>
/// <param name="Months">The window length of <see cref="RuleFunctions.IsWindowed"/> functions, otherwise 0.</param>
/// <param name="Kind">How the indicator's observations are bucketed (from the catalogue; numeric without one).</param>
public readonly record struct RuleFeature(RuleFunction Function, string Indicator, int Months, IndicatorKind Kind)
{
    /// <summary>The feature as a rule writes it, e.g. <c>avg(power_kwh, 3)</c>.</summary>
    public override string ToString() => RuleFunctions.IsWindowed(Function)
        ? string.Create(CultureInfo.InvariantCulture, $"{RuleFunctions.Name(Function)}({Indicator}, {Months})")
        : $"{RuleFunctions.Name(Function)}({Indicator})";
}
