using PostLoan.Domain.Monitoring.Images;
using static PostLoan.Domain.Monitoring.Images.ComparisonVerdict;

namespace PostLoan.Domain.Tests.Monitoring.Images;

/// <summary>The alarm needs N consecutive changed snapshots; unchanged resets, inconclusive neither counts nor resets.</summary>
public class PersistenceRule
{
    private static (bool Alarming, bool Raised)[] Run(int required, params ComparisonVerdict[] verdicts)
    {
        var tracker = new PersistenceTracker<string>();
        return verdicts.Select(v => tracker.Observe("cam-1", v, required)).Select(s => (s.Alarming, s.Raised)).ToArray();
    }

    [Fact]
    public void The_alarm_is_raised_on_the_nth_consecutive_change_and_only_once()
    {
        Assert.Equal([(false, false), (false, false), (true, true), (true, false)], Run(3, Changed, Changed, Changed, Changed));
    }

    [Fact]
    public void An_unchanged_snapshot_resets_the_run()
    {
        Assert.Equal([(false, false), (false, false), (false, false), (false, false), (false, false), (true, true)],
            Run(3, Changed, Changed, Unchanged, Changed, Changed, Changed));
    }

    [Fact]
    public void A_person_passing_once_does_not_alarm_with_two_required()
    {
        Assert.Equal([(false, false), (false, false), (false, false), (false, false)], Run(2, Unchanged, Changed, Unchanged, Unchanged));
    }

    [Fact]
    public void Inconclusive_snapshots_neither_count_nor_reset()
    {
        Assert.Equal([(false, false), (false, false), (false, false), (true, true)], Run(2, Changed, Inconclusive, Inconclusive, Changed));
        Assert.Equal([(false, false), (false, false), (false, false)], Run(2, Inconclusive, Inconclusive, Changed));
    }

    [Fact]
    public void After_the_goods_come_back_a_new_run_raises_a_new_alarm()
    {
        Assert.Equal([(false, false), (true, true), (false, false), (false, false), (true, true)], Run(2, Changed, Changed, Unchanged, Changed, Changed));
    }

    [Fact]
    public void Cameras_are_tracked_separately()
    {
        var tracker = new PersistenceTracker<int>();
        tracker.Observe(1, Changed, 2);
        tracker.Observe(2, Unchanged, 2);

        Assert.True(tracker.Observe(1, Changed, 2).Raised);
        Assert.Equal(new PersistenceState(0, 0), tracker.StateOf(2));
        Assert.Equal(new PersistenceState(0, 0), tracker.StateOf(3));
    }

    [Fact]
    public void Consecutive_inconclusive_snapshots_are_counted_until_a_conclusive_one()
    {
        var state = PersistenceState.Replay([Changed, Inconclusive, Inconclusive, Inconclusive]);
        Assert.Equal(new PersistenceState(1, 3), state);
        Assert.Equal(new PersistenceState(2, 0), state.Next(Changed));
        Assert.Equal(new PersistenceState(0, 0), state.Next(Unchanged));
    }

    [Fact]
    public void A_restored_state_continues_the_run_and_a_reset_forgets_it()
    {
        var tracker = new PersistenceTracker<string>();
        tracker.Restore("cam-1", PersistenceState.Replay([Unchanged, Changed, Changed]));

        var step = tracker.Observe("cam-1", Changed, 3);
        Assert.Equal((3, true, true), (step.State.ConsecutiveChanged, step.Alarming, step.Raised));

        tracker.Reset("cam-1");
        Assert.Equal(1, tracker.Observe("cam-1", Changed, 3).State.ConsecutiveChanged);
    }
}
