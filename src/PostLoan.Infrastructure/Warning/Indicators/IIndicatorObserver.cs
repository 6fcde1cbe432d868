namespace PostLoan.Infrastructure.Warning.Indicators;

/// <summary>
/// Told when indicator values of some customers arrive outside the nightly close (an external event, an imported
/// statement, device statistics), after they are stored: the real-time rule evaluation listens here. Not called by the
/// daily close, whose own rule step evaluates the whole book afterwards.
/// </summary>
public interface IIndicatorObserver
{
    /// <summary>Called with the customers whose indicator values changed and the business date of the change.</summary>
    Task OnIndicatorsChangedAsync(IReadOnlyCollection<int> customerIds, DateOnly date, CancellationToken cancellationToken);
}
