using System.Data.Common;

namespace PostLoan.Infrastructure.Ledger.Close;

/// <summary>
/// A step of the daily close that runs after every loan of the date has been closed and before the run is marked
/// completed (domain.md §2: classification → … → warning rules → collections → inspections → statistics). Steps run
/// in ascending <see cref="Order"/>. A step must be idempotent: a killed close reruns every step of the date.
/// Register an implementation with <c>services.AddScoped&lt;ICloseStep, TStep&gt;()</c>.
/// </summary>
public interface ICloseStep
{
    /// <summary>Position in the close; the built-in values are in <see cref="CloseStepOrder"/>.</summary>
    int Order { get; }

    /// <summary>A short name for logs (for example "classification").</summary>
    string Name { get; }

    /// <summary>
    /// True when the step reads nothing another step writes and writes nothing another step reads (so the order does
    /// not change its result): on PostgreSQL it then runs on its own connection, in its own scope, alongside the other
    /// steps, and the close waits for all of them. False unless a step says so.
    /// </summary>
    bool Independent => false;

    /// <summary>Runs the step for <paramref name="date"/>; called once the date's loans are closed.</summary>
    Task RunAsync(DateOnly date, CancellationToken cancellationToken);

    /// <summary>Removes what <see cref="RunAsync"/> wrote for <paramref name="date"/>, inside the reopen transaction.</summary>
    Task UndoAsync(DbConnection connection, DbTransaction transaction, DateOnly date, CancellationToken cancellationToken);
}

/// <summary>The order of the close steps, following domain.md §2.</summary>
public static class CloseStepOrder
{
    /// <summary>Five-level classification and IFRS 9 stage.</summary>
    public const int Classification = 100;

    /// <summary>Indicators derived from the ledger (DPD, days since last payment, …) for the warning rules.</summary>
    public const int LedgerIndicators = 300;

    /// <summary>Indicators from the monitoring devices (electricity, headcount, operating rate), before the rules read them.</summary>
    public const int DeviceIndicators = 350;

    /// <summary>Warning rules over the whole book.</summary>
    public const int WarningRules = 400;

    /// <summary>Reminders and notices to borrowers and guarantors.</summary>
    public const int Reminders = 600;

    /// <summary>Statistics snapshots.</summary>
    public const int Statistics = 800;
}
