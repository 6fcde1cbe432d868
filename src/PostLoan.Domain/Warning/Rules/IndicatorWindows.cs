namespace PostLoan.Domain.Warning.Rules;

/// <summary>
/// The meaning of the window functions, over monthly buckets of a series.
/// </summary>
/// <remarks>
/// <para><b>Periods.</b> A period is a calendar month. Period 0 is the month of the evaluation date, period 1 the month
/// before, and so on; observations after the evaluation date are ignored. A numeric indicator's month has the value of
/// its latest observation in that month, or is missing; an event-count indicator's month has the number of events in
/// it (0 when none, never missing).</para>
/// <para><b>Latest month.</b> <c>now</c>, <c>prev</c>, <c>change</c> and <c>change_yoy</c> are anchored at the latest
/// month that has a value (for an event count that is always period 0): <c>now</c> is its value, <c>prev</c> the value of
/// the month before it, <c>change_yoy</c> compares with twelve months before it. So a quarterly statement compares with the
/// same quarter a year earlier whatever the evaluation date.</para>
/// <para><b>Windows.</b> <c>avg/min/max/sum/count(x, n)</c> look at periods 0 … n−1. <c>avg</c>, <c>min</c>, <c>max</c>
/// and <c>sum</c> use the months that have a value and are missing when none has; <c>count</c> is the number of months with
/// a value (numeric) or of events (event count), never missing.</para>
/// <para><b>Missing</b> is NaN. A relative change with a missing or zero base is missing.</para>
/// </remarks>
public static class IndicatorWindows
{
    /// <summary>How many months from the latest one the anchored functions read (the latest and twelve before it).</summary>
    public const int AnchoredMonths = RuleFunctions.YearMonths + 1;

    /// <summary>The period (0 = the evaluation month) of a date.</summary>
    public static int PeriodOf(DateOnly date, DateOnly evaluationDate) => MonthNumber(evaluationDate) - MonthNumber(date);

    /// <summary>Months since year 0 (one calendar decomposition of the day number).</summary>
    private static int MonthNumber(DateOnly date)
    {
        date.Deconstruct(out var year, out var month, out _);
        return (year * 12) + month;
    }

    /// <summary>The latest period with a value: the period of the latest observation on or before the evaluation date
    /// for a numeric indicator (−1 when there is none), always 0 for an event count.</summary>
    public static int LatestPeriod(ReadOnlySpan<IndicatorObservation> observations, IndicatorKind kind, DateOnly evaluationDate)
    {
        if (kind == IndicatorKind.EventCount)
        {
            return 0;
        }

        for (var i = observations.Length - 1; i >= 0; i--)
        {
            if (observations[i].Date <= evaluationDate && !double.IsNaN(observations[i].Value))
            {
                return MonthNumber(evaluationDate) - MonthNumber(observations[i].Date);
            }
        }

        return -1;
    }

    /// <summary>Fills <paramref name="buckets"/>[i] with the value of period <paramref name="firstPeriod"/> + i, in one
    /// backward pass over the observations.</summary>
    public static void Bucket(ReadOnlySpan<IndicatorObservation> observations, IndicatorKind kind, DateOnly evaluationDate, int firstPeriod, Span<double> buckets)
    {
        var events = kind == IndicatorKind.EventCount;
        buckets.Fill(events ? 0 : double.NaN);
        var evaluationMonth = MonthNumber(evaluationDate);
        for (var i = observations.Length - 1; i >= 0; i--)
        {
            var observation = observations[i];
            if (observation.Date > evaluationDate || double.IsNaN(observation.Value))
            {
                continue;
            }

            var slot = evaluationMonth - MonthNumber(observation.Date) - firstPeriod;
            if (slot >= buckets.Length)
            {
                break;
            }

            if (slot < 0)
            {
                continue;
            }

            if (events)
            {
                buckets[slot] += observation.Value;
            }
            else if (double.IsNaN(buckets[slot]))
            {
                buckets[slot] = observation.Value;
            }
        }
    }

    /// <summary>now, prev, change or change_yoy from the <see cref="AnchoredMonths"/> buckets starting at the latest
    /// month with a value (all NaN when there is none).</summary>
    public static double Anchored(RuleFunction function, ReadOnlySpan<double> fromLatest) => function switch
    {
        RuleFunction.Now => fromLatest[0],
        RuleFunction.Prev => fromLatest[1],
        RuleFunction.Change => RelativeChange(fromLatest[0], fromLatest[1]),
        RuleFunction.ChangeYoy => RelativeChange(fromLatest[0], fromLatest[RuleFunctions.YearMonths]),
        _ => throw new ArgumentOutOfRangeException(nameof(function), function, "Not an anchored function."),
    };

    /// <summary>avg, min, max, sum or count over the buckets of periods 0 … n−1.</summary>
    public static double Window(RuleFunction function, ReadOnlySpan<double> lastMonths, IndicatorKind kind)
    {
        var present = 0;
        double sum = 0, min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var value in lastMonths)
        {
            if (double.IsNaN(value))
            {
                continue;
            }

            present++;
            sum += value;
            min = Math.Min(min, value);
            max = Math.Max(max, value);
        }

        if (function == RuleFunction.Count)
        {
            return kind == IndicatorKind.EventCount ? sum : present;
        }

        if (present == 0)
        {
            return double.NaN;
        }

        return function switch
        {
            RuleFunction.Avg => sum / present,
            RuleFunction.Min => min,
            RuleFunction.Max => max,
            RuleFunction.Sum => sum,
            _ => throw new ArgumentOutOfRangeException(nameof(function), function, "Not a window function."),
        };
    }

    /// <summary>(now − base) / |base|; missing when either is missing or the base is zero.</summary>
    public static double RelativeChange(double now, double basis) =>
        double.IsNaN(now) || double.IsNaN(basis) || basis == 0 ? double.NaN : (now - basis) / Math.Abs(basis);

    /// <summary>One feature of one customer, computed on its own (allocates; for explanations and tests; the batch path is
    /// <see cref="FeatureLayout.Fill"/>).</summary>
    public static double Compute(RuleFeature feature, IIndicatorSeries? series, IIndustryStatistics? industry, DateOnly evaluationDate)
    {
        if (feature.Function == RuleFunction.IndustryMedian)
        {
            return industry?.LatestMedian(feature.Indicator) ?? double.NaN;
        }

        var observations = series is null ? [] : series.Observations;
        if (RuleFunctions.IsWindowed(feature.Function))
        {
            var lastMonths = new double[feature.Months];
            Bucket(observations, feature.Kind, evaluationDate, 0, lastMonths);
            return Window(feature.Function, lastMonths, feature.Kind);
        }

        var latest = LatestPeriod(observations, feature.Kind, evaluationDate);
        if (latest < 0)
        {
            return double.NaN;
        }

        var fromLatest = new double[AnchoredMonths];
        Bucket(observations, feature.Kind, evaluationDate, latest, fromLatest);
        return Anchored(feature.Function, fromLatest);
    }
}
