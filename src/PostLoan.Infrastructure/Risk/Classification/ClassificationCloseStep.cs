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
    /// <remarks>Reads positions, loans, customers, classifications, restructurings and risk flags (no other step writes them); writes
    /// classifications and the category and stage of positions and snapshots (no other step reads them).</remarks>
    public bool Independent => true;

    /// <inheritdoc />
    public Task RunAsync(DateOnly date, CancellationToken cancellationToken) => engine.RunAsync(date, cancellationToken);

    /// <inheritdoc />
    public Task UndoAsync(DbConnection connection, DbTransaction transaction, DateOnly date, CancellationToken cancellationToken) =>
        ClassificationEngine.UndoAsync(connection, transaction, date, cancellationToken);
}
