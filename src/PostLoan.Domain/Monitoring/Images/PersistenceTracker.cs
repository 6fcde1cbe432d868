namespace PostLoan.Domain.Monitoring.Images;

/// <summary>
/// Where one camera stands in the persistence rule (N consecutive changed snapshots raise the alarm).
/// <list type="bullet">
/// <item><see cref="ComparisonVerdict.Changed"/> counts one more.</item>
/// <item><see cref="ComparisonVerdict.Unchanged"/> resets the count: the goods are back (a person walked through, a
/// forklift stood in front for a moment).</item>
/// <item><see cref="ComparisonVerdict.Inconclusive"/> neither counts nor resets: the snapshot says nothing about the
/// goods, so it must not alarm (a moved camera is not missing goods), and it must not clear a run of changes either
/// (otherwise goods taken away while the lights flicker or the camera is knocked would never alarm). Consecutive
/// inconclusive snapshots are counted separately so that a long run can be reported as a camera problem.</item>
/// </list>
/// </summary>
/// <param name="ConsecutiveChanged">Changed snapshots since the last unchanged one, inconclusive ones skipped.</param>
/// <param name="ConsecutiveInconclusive">Inconclusive snapshots since the last conclusive one.</param>
public readonly record struct PersistenceState(int ConsecutiveChanged, int ConsecutiveInconclusive)
{
    /// <summary>The state after one more snapshot's verdict.</summary>
    public PersistenceState Next(ComparisonVerdict verdict) => verdict switch
    {
        ComparisonVerdict.Changed => new PersistenceState(ConsecutiveChanged + 1, 0),
        ComparisonVerdict.Unchanged => new PersistenceState(0, 0),
        ComparisonVerdict.Inconclusive => this with { ConsecutiveInconclusive = ConsecutiveInconclusive + 1 },
    };

    /// <summary>Whether the alarm condition holds: at least <paramref name="requiredCount"/> consecutive changes.</summary>
    public bool IsAlarming(int requiredCount) => ConsecutiveChanged >= requiredCount;

    /// <summary>The state after a sequence of verdicts, oldest first (to rebuild a camera's state from stored verdicts).</summary>
    public static PersistenceState Replay(IEnumerable<ComparisonVerdict> verdicts)
    {
        var state = default(PersistenceState);
        foreach (var verdict in verdicts)
        {
            state = state.Next(verdict);
        }

        return state;
    }
}

/// <summary>What the persistence rule says after one snapshot.</summary>
/// <param name="State">The camera's state after the snapshot.</param>
/// <param name="Alarming">The alarm condition holds (N or more consecutive changes).</param>
/// <param name="Raised">The alarm condition started with this snapshot (exactly the N-th change): raise the alarm now,
/// with this snapshot's evidence. Later changes in the same run keep <see cref="Alarming"/> without raising again.</param>
public readonly record struct PersistenceStep(PersistenceState State, bool Alarming, bool Raised);

/// <summary>
/// Applies the persistence rule (N consecutive snapshots) per camera from the sequence of verdicts, in memory
/// (<see cref="PersistenceState"/> explains the rule). Safe to call from several ingest threads.
/// </summary>
/// <typeparam name="TCamera">The camera's identifier.</typeparam>
public sealed class PersistenceTracker<TCamera> where TCamera : notnull
{
    private readonly Dictionary<TCamera, PersistenceState> states = [];
    private readonly Lock gate = new();

    /// <summary>Records one snapshot's verdict for the camera; <paramref name="requiredCount"/> is the camera's N.</summary>
    public PersistenceStep Observe(TCamera camera, ComparisonVerdict verdict, int requiredCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(requiredCount, 1);
        lock (gate)
        {
            var before = states.GetValueOrDefault(camera);
            var after = before.Next(verdict);
            states[camera] = after;
            var alarming = after.IsAlarming(requiredCount);
            return new PersistenceStep(after, alarming, alarming && !before.IsAlarming(requiredCount));
        }
    }

    /// <summary>The camera's current state (zero counts for a camera not seen yet).</summary>
    public PersistenceState StateOf(TCamera camera)
    {
        lock (gate)
        {
            return states.GetValueOrDefault(camera);
        }
    }

    /// <summary>Restores a camera's state, for example from <see cref="PersistenceState.Replay"/> after a restart.</summary>
    public void Restore(TCamera camera, PersistenceState state)
    {
        lock (gate)
        {
            states[camera] = state;
        }
    }

    /// <summary>Forgets the camera's run, when a new base image is approved or the policy changes.</summary>
    public void Reset(TCamera camera)
    {
        lock (gate)
        {
            states.Remove(camera);
        }
    }
}
