using PostLoan.Domain.Warning.Rules;

namespace PostLoan.Domain.Tests.Warning.Rules;

/// <summary>The backtest arithmetic (反响): hits within 3/6/12 months, lead days, rates, missed customers, episodes.</summary>
public sealed class BacktestScoring
{
    [Fact]
    public void Signals_are_scored_against_the_first_deterioration_after_them()
    {
        var signals = new[]
        {
            new BacktestSignal(1, new DateOnly(2025, 1, 31)), // deteriorates 2025-03-01: 29 days, within 3 months
            new BacktestSignal(2, new DateOnly(2025, 1, 31)), // 2025-07-31: 181 days, within 6 months (Jan 31 + 6 months = Jul 31)
            new BacktestSignal(3, new DateOnly(2025, 1, 31)), // 2026-02-01: more than 12 months later, a false alarm
            new BacktestSignal(4, new DateOnly(2025, 6, 30)), // deteriorated before the signal only: a false alarm
        };
        var deteriorations = new Dictionary<int, DateOnly[]>
        {
            [1] = [new DateOnly(2025, 3, 1)],
            [2] = [new DateOnly(2025, 7, 31)],
            [3] = [new DateOnly(2026, 2, 1)],
            [4] = [new DateOnly(2025, 6, 1)],
            [5] = [new DateOnly(2025, 9, 1)], // no signal: missed
        };

        var result = RuleBacktest.Score(signals, deteriorations, [1, 2, 3, 4, 5], new DateOnly(2025, 1, 31), new DateOnly(2025, 12, 31));

        Assert.Equal((4, 4, 1, 2, 2), (result.Signals, result.Customers, result.Within3Months, result.Within6Months, result.Within12Months));
        Assert.Equal((105.0, 105.0, 0.5, 0.5), (result.MeanLeadDays!.Value, result.MedianLeadDays!.Value, result.HitRate!.Value, result.FalseAlarmRate!.Value));
        // 4 deteriorated 2025-06-01 with no signal in the year before; 5 on 2025-09-01; 3's 2026-02-01 is after the period.
        Assert.Equal([(4, new DateOnly(2025, 6, 1)), (5, new DateOnly(2025, 9, 1))], result.Missed.Select(m => (m.CustomerId, m.DeterioratedOn)));
    }

    [Fact]
    public void A_signal_starts_each_run_of_month_ends_where_the_rule_holds()
    {
        DateOnly[] months = [new(2025, 1, 31), new(2025, 2, 28), new(2025, 3, 31), new(2025, 4, 30), new(2025, 5, 31)];

        var starts = RuleBacktest.EpisodeStarts(months, [true, true, false, true, false]);

        Assert.Equal([new DateOnly(2025, 1, 31), new DateOnly(2025, 4, 30)], starts);
    }

    [Fact]
    public void Without_signals_the_rates_are_absent()
    {
        var result = RuleBacktest.Score([], new Dictionary<int, DateOnly[]>(), [], new DateOnly(2025, 1, 1), new DateOnly(2025, 12, 31));

        Assert.Equal((0, (double?)null, (double?)null, (double?)null), (result.Signals, result.HitRate, result.FalseAlarmRate, result.MeanLeadDays));
    }

    [Fact]
    public void Every_starter_rule_checks_against_the_standard_catalogue()
    {
        var catalogue = new IndicatorCatalogue(PostLoan.Domain.Warning.Indicators.StandardIndicators.All.Select(i => KeyValuePair.Create(i.Code, i.Kind)));

        Assert.All(StarterRules.All, rule => Assert.True(RuleChecker.Check(rule.Expression, catalogue).IsValid, rule.Expression));
        Assert.Equal(18, StarterRules.All.Select(r => r.Code).Distinct().Count());
    }
}
