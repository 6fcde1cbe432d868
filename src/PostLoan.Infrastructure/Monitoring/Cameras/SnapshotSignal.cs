namespace PostLoan.Infrastructure.Monitoring.Cameras;

/// <summary>
/// Tells the camera comparison that a snapshot was stored, so it compares at once instead of at its next poll. A pulse,
/// not a queue: what to compare is read from the database, so a lost signal delays a comparison but never loses it.
/// </summary>
public sealed class SnapshotSignal
{
    private readonly SemaphoreSlim pending = new(0, 1);
    private readonly Lock gate = new();

    /// <summary>A snapshot was stored.</summary>
    public void Notify()
    {
        lock (gate)
        {
            if (pending.CurrentCount == 0)
            {
                pending.Release();
            }
        }
    }

    /// <summary>Waits for a snapshot or the timeout; true when signalled.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => pending.WaitAsync(timeout, cancellationToken);
}
