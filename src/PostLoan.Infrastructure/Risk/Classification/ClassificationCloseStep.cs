using System.Data.Common;
using PostLoan.Infrastructure.Ledger.Close;

namespace PostLoan.Infrastructure.Risk.Classification;

/// <summary>The nightly five-level proposal and IFRS 9 stage as a step of the daily close.</summary>
public sealed class ClassificationCloseStep(ClassificationEngine engine) : ICloseStep
{
    /// <inheritdoc />
    public int Order => CloseStepOrder.Classification;

    /// <inheritdoc />
    public string Name => "classification";

    /// <inheritdoc />
    public Task RunAsync(DateOnly date, CancellationToken cancellationToken) => engine.RunAsync(date, cancellationToken);

    /// <inheritdoc />
    public Task UndoAsync(DbConnection connection, DbTransaction transaction, DateOnly date, CancellationToken cancellationToken) =>
        ClassificationEngine.UndoAsync(connection, transaction, date, cancellationToken);
}
