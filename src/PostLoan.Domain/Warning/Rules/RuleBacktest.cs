namespace PostLoan.Domain.Warning.Rules;

/// <summary>A signal in a backtest: raised (or that would have been raised) for a customer on a date.</summary>
public readonly record struct BacktestSignal(int CustomerId, DateOnly Date);

/// <summary>A customer that reached 关注 or worse with no signal in the twelve months before (漏报).</summary>
public sealed record MissedCustomer(int CustomerId, DateOnly DeterioratedOn);

/// <summary>
/// The feedback of a rule (反响): of its signals, how many customers reached 关注 or worse within 3, 6 and 12 months, the
/// lead time, the hit and false-alarm rates, and the customers who deteriorated without a signal.
/// </summary>
/// <param name="Signals">Signals counted.</param>
/// <param name="Customers">Distinct customers signalled.</param>
/// <param name="Within3Months">Signals followed by a deterioration within 3 months (inclusive of the day three months later).</param>
/// <param name="Within6Months">… within 6 months.</param>
/// <param name="Within12Months">… within 12 months: the hits.</param>
/// <param name="MeanLeadDays">Mean days from signal to the first deterioration after it, over the hits; null without hits.</param>
/// <param name="MedianLeadDays">Median of the same.</param>
/// <param name="HitRate">Hits / signals (命中率); null without signals.</param>
/// <param name="FalseAlarmRate">Signals without a deterioration within 12 months / signals (误报率).</param>
/// <param name="Missed">Customers of the population who deteriorated in the period with no signal in the 12 months before.</param>
public sealed record BacktestResult(
    int Signals,
    int Customers,
    int Within3Months,
    int Within6Months,
    int Within12Months,
    double? MeanLeadDays,
    double? MedianLeadDays,
    double? HitRate,
    double? FalseAlarmRate,
    IReadOnlyList<MissedCustomer> Missed);

/// <summary>The arithmetic of a backtest, on signals and the dates customers entered 关注 or worse.</summary>
public static class RuleBacktest
{
    /// <summary>How far after a signal a deterioration still counts as predicted.</summary>
    public const int HorizonMonths = 12;

    /// <summary>
    /// Scores <paramref name="signals"/> against <paramref name="deteriorations"/> (per customer, the dates it entered 关注
    /// or worse, ascending). A signal is followed by the first deterioration strictly after its date. Missed customers are
    /// those of <paramref name="population"/> with a deterioration between <paramref name="from"/> and <paramref name="to"/>
    /// (inclusive) and no signal in the twelve months before it.
    /// </summary>
    public static BacktestResult Score(
        IReadOnlyList<BacktestSignal> signals,
        IReadOnlyDictionary<int, DateOnly[]> deteriorations,
        IEnumerable<int> population,
        DateOnly from,
        DateOnly to)
    {
        ArgumentNullException.ThrowIfNull(signals);
        ArgumentNullException.ThrowIfNull(deteriorations);
        int within3 = 0, within6 = 0, within12 = 0;
        var leads = new List<int>();
        foreach (var signal in signals)
        {
            if (!deteriorations.TryGetValue(signal.CustomerId, out var dates))
            {
                continue;
            }

            var next = Array.Find(dates, d => d > signal.Date);
            if (next == default || next > signal.Date.AddMonths(HorizonMonths))
            {
                continue;
            }

            within12++;
            within6 += next <= signal.Date.AddMonths(6) ? 1 : 0;
            within3 += next <= signal.Date.AddMonths(3) ? 1 : 0;
            leads.Add(next.DayNumber - signal.Date.DayNumber);
        }

        var byCustomer = signals.GroupBy(s => s.CustomerId).ToDictionary(g => g.Key, g => g.Select(s => s.Date).ToArray());
        var missed = new List<MissedCustomer>();
        foreach (var customer in population.Distinct().Order())
        {
            if (!deteriorations.TryGetValue(customer, out var dates))
            {
                continue;
            }

            foreach (var date in dates.Where(d => d >= from && d <= to))
            {
                var warned = byCustomer.TryGetValue(customer, out var raised)
                    && Array.Exists(raised, s => s < date && s >= date.AddMonths(-HorizonMonths));
                if (!warned)
                {
                    missed.Add(new MissedCustomer(customer, date));
                    break;
                }
            }
        }

        leads.Sort();
        double? median = leads.Count == 0 ? null
            : leads.Count % 2 == 1 ? leads[leads.Count / 2] : (leads[(leads.Count / 2) - 1] + leads[leads.Count / 2]) / 2.0;
        return new BacktestResult(
            signals.Count,
            byCustomer.Count,
            within3,
            within6,
            within12,
            leads.Count == 0 ? null : leads.Average(),
            median,
            signals.Count == 0 ? null : (double)within12 / signals.Count,
            signals.Count == 0 ? null : (double)(signals.Count - within12) / signals.Count,
            missed);
    }

    /// <summary>
    /// The signals a rule would have raised from monthly evaluations: a signal at each month-end where the rule holds and
    /// did not hold at the month-end before (the start of an episode; while it keeps holding the one signal stays active).
    /// <paramref name="firing"/>[i] says whether the rule held at <paramref name="monthEnds"/>[i].
    /// </summary>
    public static IEnumerable<DateOnly> EpisodeStarts(IReadOnlyList<DateOnly> monthEnds, IReadOnlyList<bool> firing)
    {
        ArgumentNullException.ThrowIfNull(monthEnds);
        ArgumentNullException.ThrowIfNull(firing);
        for (var i = 0; i < monthEnds.Count; i++)
        {
            if (firing[i] && (i == 0 || !firing[i - 1]))
            {
                yield return monthEnds[i];
            }
        }
    }
}
