namespace PostLoan.Domain.Warning.Rules;

/// <summary>One dated value of an indicator (指标观测值).</summary>
/// <param name="Date">The business date the value is for (a statement's period end, a device reading's day, an event's date).</param>
/// <param name="Value">The value; for an <see cref="IndicatorKind.EventCount"/> indicator, the number of events recorded (normally 1).
/// NaN is ignored, as if the observation were absent.</param>
public readonly record struct IndicatorObservation(DateOnly Date, double Value);

/// <summary>
/// The dated values of one indicator for one customer, as the warning rules read them. Observations are in
/// ascending date order; of two on the same date the later in the sequence is the later one. Observations dated
/// after the evaluation date are ignored, so a series may hold the whole history.
/// </summary>
public interface IIndicatorSeries
{
    /// <summary>The observations in ascending date order.</summary>
    ReadOnlySpan<IndicatorObservation> Observations { get; }
}

/// <summary>Industry statistics for one customer's industry (行业) as of the evaluation date.</summary>
public interface IIndustryStatistics
{
    /// <summary>The median over the industry's customers of each one's latest value of <paramref name="indicator"/>
    /// (<see cref="IndustryMedian.Of"/>), or NaN when the industry has none.</summary>
    double LatestMedian(string indicator);
}

/// <summary>An indicator series held in an array, sorted on creation.</summary>
public sealed class IndicatorSeries : IIndicatorSeries
{
    private readonly IndicatorObservation[] observations;

    /// <summary>Creates a series; the observations are sorted by date (stable for equal dates).</summary>
    public IndicatorSeries(IEnumerable<IndicatorObservation> observations)
    {
        this.observations = [.. observations.OrderBy(o => o.Date)];
    }

    /// <inheritdoc />
    public ReadOnlySpan<IndicatorObservation> Observations => observations;
}

/// <summary>The median used for <c>industry_median</c>.</summary>
public static class IndustryMedian
{
    /// <summary>The median of the values that are not NaN (the mean of the two middle ones for an even count), NaN when there are none.</summary>
    public static double Of(IEnumerable<double> values)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
