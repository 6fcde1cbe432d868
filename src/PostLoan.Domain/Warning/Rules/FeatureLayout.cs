namespace PostLoan.Domain.Warning.Rules;

/// <summary>
/// The layout of a customer's feature vector: one slot per distinct <see cref="RuleFeature"/> of all the rules compiled
/// against it, and one input per distinct indicator. Compile every rule of a run against one layout, then per customer
/// fill a <c>double[<see cref="Count"/>]</c> once (<see cref="Fill"/>, or any other code that writes the same values,
/// e.g. set-based SQL) and evaluate every rule on it. Missing values are NaN.
/// </summary>
/// <remarks>Adding features is not thread-safe; once all rules are compiled, <see cref="Fill"/> may run on many threads.</remarks>
public sealed class FeatureLayout
{
    private readonly List<RuleFeature> features = [];
    private readonly Dictionary<RuleFeature, int> slots = [];
    private readonly List<(string Code, IndicatorKind Kind)> indicators = [];
    private readonly Dictionary<(string Code, IndicatorKind Kind), int> indicatorSlots = [];
    private IndicatorPlan[]? plan;

    /// <summary>Number of slots of the feature vector.</summary>
    public int Count => features.Count;

    /// <summary>The feature of each slot.</summary>
    public IReadOnlyList<RuleFeature> Features => features;

    /// <summary>The indicator of each input of <see cref="Fill"/>, with how it is bucketed.</summary>
    public IReadOnlyList<(string Code, IndicatorKind Kind)> Indicators => indicators;

    /// <summary>The slot of a feature, adding it when new.</summary>
    public int SlotOf(RuleFeature feature)
    {
        if (slots.TryGetValue(feature, out var slot))
        {
            return slot;
        }

        slot = features.Count;
        features.Add(feature);
        slots.Add(feature, slot);
        if (feature.Function != RuleFunction.IndustryMedian && indicatorSlots.TryAdd((feature.Indicator, feature.Kind), indicators.Count))
        {
            indicators.Add((feature.Indicator, feature.Kind));
        }

        plan = null;
        return slot;
    }

    /// <summary>
    /// Computes every feature of one customer as of <paramref name="evaluationDate"/> into <paramref name="vector"/>.
    /// <paramref name="seriesByIndicator"/>[i] is the customer's series of <see cref="Indicators"/>[i] (null when none).
    /// One backward pass per indicator; no allocation.
    /// </summary>
    public void Fill(DateOnly evaluationDate, ReadOnlySpan<IIndicatorSeries?> seriesByIndicator, IIndustryStatistics? industry, Span<double> vector)
    {
        if (seriesByIndicator.Length != indicators.Count || vector.Length < features.Count)
        {
            throw new ArgumentException($"Expected {indicators.Count} series and a vector of {features.Count}.");
        }

        var steps = plan ??= BuildPlan();
        Span<double> lastMonths = stackalloc double[RuleFunctions.MaxWindowMonths];
        Span<double> fromLatest = stackalloc double[IndicatorWindows.AnchoredMonths];
        for (var i = 0; i < steps.Length; i++)
        {
            var step = steps[i];
            if (step.Indicator < 0)
            {
                foreach (var (slot, feature) in step.Features)
                {
                    vector[slot] = industry?.LatestMedian(feature.Indicator) ?? double.NaN;
                }

                continue;
            }

            var observations = seriesByIndicator[step.Indicator] is { } series ? series.Observations : [];
            if (observations.IsEmpty)
            {
                // No values: the features do not depend on the date (NaN, or 0 for counts and event sums), computed once.
                var empty = step.Empty ??= WithoutValues(step, evaluationDate);
                for (var f = 0; f < step.Features.Length; f++)
                {
                    vector[step.Features[f].Slot] = empty[f];
                }

                continue;
            }

            var window = lastMonths[..step.MaxWindow];
            IndicatorWindows.Bucket(observations, step.Kind, evaluationDate, 0, window);
            var latest = step.Anchored ? IndicatorWindows.LatestPeriod(observations, step.Kind, evaluationDate) : -1;
            if (step.Anchored)
            {
                if (latest >= 0)
                {
                    IndicatorWindows.Bucket(observations, step.Kind, evaluationDate, latest, fromLatest);
                }
                else
                {
                    fromLatest.Fill(double.NaN);
                }
            }

            foreach (var (slot, feature) in step.Features)
            {
                vector[slot] = RuleFunctions.IsWindowed(feature.Function)
                    ? IndicatorWindows.Window(feature.Function, window[..feature.Months], step.Kind)
                    : IndicatorWindows.Anchored(feature.Function, fromLatest);
            }
        }
    }

    private IndicatorPlan[] BuildPlan()
    {
        var byIndicator = new List<(int Slot, RuleFeature Feature)>[indicators.Count];
        var medians = new List<(int Slot, RuleFeature Feature)>();
        for (var slot = 0; slot < features.Count; slot++)
        {
            var feature = features[slot];
            if (feature.Function == RuleFunction.IndustryMedian)
            {
                medians.Add((slot, feature));
                continue;
            }

            var indicator = indicatorSlots[(feature.Indicator, feature.Kind)];
            (byIndicator[indicator] ??= []).Add((slot, feature));
        }

        var steps = new List<IndicatorPlan>();
        for (var i = 0; i < byIndicator.Length; i++)
        {
            var list = byIndicator[i] ?? [];
            var maxWindow = list.Select(f => f.Feature.Months).DefaultIfEmpty(0).Max();
            var anchored = list.Exists(f => !RuleFunctions.IsWindowed(f.Feature.Function));
            steps.Add(new IndicatorPlan(i, indicators[i].Kind, maxWindow, anchored, [.. list]));
        }

        if (medians.Count > 0)
        {
            steps.Add(new IndicatorPlan(-1, IndicatorKind.Numeric, 0, false, [.. medians]));
        }

        return [.. steps];
    }

    /// <summary>The features of one step for a customer without values of its indicator (allocates; once per step).</summary>
    private static double[] WithoutValues(IndicatorPlan step, DateOnly evaluationDate) =>
        [.. step.Features.Select(f => IndicatorWindows.Compute(f.Feature, null, null, evaluationDate))];

    /// <summary>The features of one indicator (or, with <see cref="Indicator"/> −1, the industry medians).</summary>
    private sealed record IndicatorPlan(int Indicator, IndicatorKind Kind, int MaxWindow, bool Anchored, (int Slot, RuleFeature Feature)[] Features)
    {
        /// <summary>The features' values when the customer has no value of the indicator (set on first use).</summary>
        public double[]? Empty { get; set; }
    }
}
