using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using PostLoan.Domain.Ledger.Customers;
using PostLoan.Domain.Ledger.Loans;
using PostLoan.Domain.Risk;
using PostLoan.Infrastructure.Administration;
using PostLoan.Infrastructure.Ledger.Close;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Infrastructure.Risk.Classification;

/// <summary>What one nightly classification did; <c>Loans</c> counts the loans evaluated (see <c>PositionsSql</c>).</summary>
public sealed record ClassificationSummary(DateOnly Date, int Loans, int Applied, int AwaitingApproval, int ContagionLoans, TimeSpan Elapsed);

/// <summary>
/// The nightly proposal (每日五级分类): after the daily close of a date, every open loan's floor is computed from all the
/// rules of domain.md section 4 (DPD, restructuring within its observation period, credit impairment, verified red
/// signals, non-retail contagion across a corporate debtor's loans), combined with a person's held category; downgrades
/// apply at once, an upgrade out of non-performing waits for a risk manager. The final category and IFRS 9 stage are
/// written to the live position and the date's snapshot. Set-based and idempotent: rerunning a date changes nothing,
/// and it runs inside the close so a killed close reruns it.
/// </summary>
public sealed class ClassificationEngine(PostLoanDbContext db, ParameterService parameters, TimeProvider clock, ILogger<ClassificationEngine> logger)
{
    /// <summary>The maker recorded on the rules' own changes.</summary>
    public const string SystemMaker = "system";

    /// <summary>
    /// The open positions whose classification may change tonight. A loan left out is one the rules leave at 正常 stage 1
    /// with nothing recorded against it: not overdue by the kernel, classified 正常 stage 1 with no floor, reason, held
    /// category or observation period, and its debtor has no risk flag in force and no possibly non-performing loan
    /// (contagion). Its result would equal what is stored, so skipping it changes nothing and keeps a healthy million-loan
    /// book's pass to the few percent that need it.
    /// </summary>
    private const string PositionsSql = """
        SELECT p."LoanId", l."CustomerId", c."Kind", l."OrganisationId", l."OrganisationPath", l."AccountManagerId", p."DaysPastDue",
               p."PrincipalOutstanding", p."Category", p."Stage", k."LoanId", k."Category", k."Stage", k."Floor", k."Reasons", k."Proposed",
               k."Held", k."RestructureEventId", k."RestructuredOn", k."RestructureFloor", k."ObservationEnds"
        FROM loan_positions p
        JOIN loans l ON l."Id" = p."LoanId"
        JOIN customers c ON c."Id" = l."CustomerId"
        LEFT JOIN loan_classifications k ON k."LoanId" = p."LoanId"
        WHERE p."ClosedThrough" = @d AND p."Status" <> @settled AND p."Status" <> @off
          AND (p."Category" <> 1 OR p."Stage" <> 1 OR k."LoanId" IS NULL OR k."Category" <> 1 OR k."Stage" <> 1 OR k."Floor" <> 1
               OR k."Reasons" <> 0 OR k."Proposed" <> 1 OR k."Held" IS NOT NULL OR k."ObservationEnds" IS NOT NULL
               OR l."CustomerId" IN (
                   SELECT f."CustomerId" FROM risk_flags f WHERE f."Since" <= @d AND (f."Until" IS NULL OR f."Until" > @d)
                   UNION SELECT l2."CustomerId" FROM loan_positions p2 JOIN loans l2 ON l2."Id" = p2."LoanId"
                         WHERE p2."Status" IN (1, 2, 3, 4) AND p2."DaysPastDue" > 90
                   UNION SELECT k2."CustomerId" FROM loan_classifications k2
                         WHERE k2."Category" >= 3 OR k2."Held" >= 3 OR k2."RestructureFloor" >= 3))
        """;

    public async Task<ClassificationSummary> RunAsync(DateOnly date, CancellationToken cancellationToken = default)
    {
        var watch = Stopwatch.StartNew();
        var share = await parameters.DecimalAsync("risk.contagionShare", ClassificationRules.DefaultContagionShare, cancellationToken);
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var tx = await connection.BeginTransactionAsync(cancellationToken);
            var rows = await PositionColumns.WholeBookAsync(connection, tx, () => ReadAsync(connection, tx, date, cancellationToken), cancellationToken);
            var read = watch.Elapsed;
            var restructurings = await RestructuringsAsync(connection, tx, date, rows, cancellationToken);
            var flags = await RiskFlagsInForce.LoadAsync(connection, tx, date, cancellationToken);
            var pending = new Dictionary<long, (long Id, FiveLevelCategory To)>();
            await using (var command = BulkWriter.Command(connection, tx,
                "SELECT \"Id\", \"LoanId\", \"To\" FROM classification_changes WHERE \"State\" = @s AND \"Source\" = @r",
                "s", (int)ChangeState.Pending, "r", (int)ChangeSource.Rule))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    pending[reader.GetInt64(1)] = (reader.GetInt64(0), (FiveLevelCategory)reader.GetInt32(2));
                }
            }

            var contagion = Propose(rows, restructurings, flags, date, share);
            var now = clock.GetUtcNow();
            var inserts = new List<object?[]>();
            var updates = new List<object?[]>();
            var changes = new List<object?[]>();
            var superseded = new List<object?[]>();
            var categoryFixes = new List<object?[]>();
            int applied = 0, awaiting = 0;
            foreach (ref var row in System.Runtime.InteropServices.CollectionsMarshal.AsSpan(rows))
            {
                var current = row.Exists ? row.Category : FiveLevelCategory.Normal;
                var action = ClassificationRules.Nightly(current, row.Proposed);
                if (!row.Exists && action == NightlyAction.AwaitApproval)
                {
                    action = NightlyAction.Apply; // first classification of a loan: the rules decide
                }

                var changed = false;
                if (action == NightlyAction.Apply)
                {
                    changes.Add(Change(row, date, current, row.Proposed, ChangeState.Applied, now));
                    row.Category = row.Proposed;
                    changed = true;
                    applied++;
                }
                else
                {
                    row.Category = current;
                }

                if (pending.TryGetValue(row.LoanId, out var open) && (action != NightlyAction.AwaitApproval || open.To != row.Proposed))
                {
                    superseded.Add([(int)ChangeState.Superseded, now, open.Id]);
                    pending.Remove(row.LoanId);
                }

                if (action == NightlyAction.AwaitApproval)
                {
                    awaiting++;
                    if (!pending.ContainsKey(row.LoanId))
                    {
                        changes.Add(Change(row, date, current, row.Proposed, ChangeState.Pending, now));
                    }
                }

                row.Stage = DelinquencyRules.Stage(row.DaysPastDue, row.Category, flags.SignificantIncrease(row.CustomerId, row.LoanId));
                if (!row.Exists)
                {
                    inserts.Add(Values(row, date, changed ? date : null));
                }
                else if (changed || (row.RestructureEventId, row.RestructuredOn, row.RestructureFloor, row.ObservationEnds) != row.Saved || row.Stage != row.SavedStage || row.Floor != row.SavedFloor || row.Reasons != row.SavedReasons || row.Proposed != row.SavedProposed)
                {
                    updates.Add([(int)row.Category, (int)row.Stage, (int)row.Floor, (int)row.Reasons, (int)row.Proposed, row.RestructureEventId,
                        row.RestructuredOn, row.RestructureFloor is { } f ? (int)f : null, row.ObservationEnds, date, changed ? date : null, row.LoanId]);
                }

                if (row.Category != row.KernelCategory || row.Stage != row.KernelStage)
                {
                    categoryFixes.Add([(int)row.Category, (int)row.Stage, row.LoanId, date]);
                }
            }

            var computed = watch.Elapsed;
            await BulkWriter.InsertAsync(connection, tx, "loan_classifications", ClassificationColumns, inserts, cancellationToken);
            await BulkWriter.ExecuteEachAsync(connection, tx, """
                UPDATE loan_classifications SET "Category" = @p0, "Stage" = @p1, "Floor" = @p2, "Reasons" = @p3, "Proposed" = @p4,
                  "RestructureEventId" = @p5, "RestructuredOn" = @p6, "RestructureFloor" = @p7, "ObservationEnds" = @p8, "AsOf" = @p9,
                  "ChangedOn" = COALESCE(@p10, "ChangedOn")
                WHERE "LoanId" = @p11
                """, 12, updates, cancellationToken);
            await BulkWriter.ExecuteEachAsync(connection, tx,
                "UPDATE classification_changes SET \"State\" = @p0, \"DecidedAt\" = @p1 WHERE \"Id\" = @p2", 3, superseded, cancellationToken);
            await BulkWriter.InsertAsync(connection, tx, "classification_changes", ChangeColumns, changes, cancellationToken);
            await BulkWriter.ExecuteEachAsync(connection, tx,
                "UPDATE loan_positions SET \"Category\" = @p0, \"Stage\" = @p1 WHERE \"LoanId\" = @p2 AND \"ClosedThrough\" = @p3", 4, categoryFixes, cancellationToken);
            await BulkWriter.ExecuteEachAsync(connection, tx,
                "UPDATE loan_snapshots SET \"Category\" = @p0, \"Stage\" = @p1 WHERE \"LoanId\" = @p2 AND \"Date\" = @p3", 4, categoryFixes, cancellationToken);
            await tx.CommitAsync(cancellationToken);
            logger.LogDebug("Classification: positions read {Read} ms, proposals {Compute} ms, written {Write} ms ({Inserts} inserted, {Updates} updated, {Changes} changes, {Fixes} positions and snapshots re-categorised)",
                (int)read.TotalMilliseconds, (int)(computed - read).TotalMilliseconds, (int)(watch.Elapsed - computed).TotalMilliseconds, inserts.Count, updates.Count, changes.Count, categoryFixes.Count);
            logger.LogInformation("Classification of {Date}: {Loans} loans evaluated, {Applied} changed by the rules, {Awaiting} awaiting approval, {Contagion} by contagion, {Ms} ms",
                date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), rows.Count, applied, awaiting, contagion, watch.ElapsedMilliseconds);
            return new ClassificationSummary(date, rows.Count, applied, awaiting, contagion, watch.Elapsed);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// Undoes the rules' changes of a reopened date inside the caller's transaction: categories go back to what they were
    /// before, and that date's rule changes are removed with the date's snapshots (a person's changes stay).
    /// </summary>
    public static async Task UndoAsync(DbConnection connection, DbTransaction tx, DateOnly date, CancellationToken cancellationToken)
    {
        await using (var restore = BulkWriter.Command(connection, tx, """
            UPDATE loan_classifications SET "Category" = (
                SELECT c."From" FROM classification_changes c
                WHERE c."LoanId" = loan_classifications."LoanId" AND c."Date" = @d AND c."Source" = @r AND c."State" = @a
                ORDER BY c."Id" LIMIT 1)
            WHERE "LoanId" IN (SELECT "LoanId" FROM classification_changes WHERE "Date" = @d AND "Source" = @r AND "State" = @a)
            """, "d", date, "r", (int)ChangeSource.Rule, "a", (int)ChangeState.Applied))
        {
            await restore.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var delete = BulkWriter.Command(connection, tx,
            "DELETE FROM classification_changes WHERE \"Date\" = @d AND \"Source\" = @r", "d", date, "r", (int)ChangeSource.Rule);
        await delete.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Floors and proposals for every row; returns how many loans contagion raised.</summary>
    private static int Propose(List<Row> rows, Dictionary<long, Restructuring> restructurings, RiskFlagsInForce flags, DateOnly date, decimal share)
    {
        var debtors = new Dictionary<int, (decimal Npl, decimal Total)>();
        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(rows);
        foreach (ref var row in span)
        {
            if (restructurings.TryGetValue(row.LoanId, out var r) && r.EventId > row.RestructureEventId)
            {
                row.RestructureEventId = r.EventId;
                row.RestructuredOn = r.On;
                row.RestructureFloor = ClassificationRules.RestructureFloor(r.CategoryBefore);
                row.ObservationEnds = ClassificationRules.ObservationEnd(r.On, r.SecondDueDate);
            }

            var observing = row.RestructureFloor is { } floor && row.ObservationEnds > date ? floor : (FiveLevelCategory?)null;
            var facts = new ClassificationFacts(row.DaysPastDue, observing, flags.Impaired(row.CustomerId, row.LoanId), flags.Red(row.CustomerId, row.LoanId));
            (row.Floor, row.Reasons) = ClassificationRules.LoanFloor(facts);
            row.Proposed = ClassificationRules.Proposal(row.Floor, row.Held);
            if (row.Enterprise)
            {
                debtors.TryGetValue(row.CustomerId, out var sums);
                debtors[row.CustomerId] = (sums.Npl + (DelinquencyRules.IsNonPerforming(row.Proposed) ? row.Principal : 0m), sums.Total + row.Principal);
            }
        }

        var raised = 0;
        foreach (ref var row in span)
        {
            if (row.Enterprise && debtors.TryGetValue(row.CustomerId, out var sums) && ClassificationRules.Contagion(sums.Npl, sums.Total, share))
            {
                var floor = row.Floor;
                var reasons = row.Reasons;
                ClassificationRules.Raise(ref floor, ref reasons, FiveLevelCategory.Substandard, ClassificationReasons.Contagion);
                raised += floor > row.Floor ? 1 : 0;
                (row.Floor, row.Reasons) = (floor, reasons);
                row.Proposed = ClassificationRules.Proposal(row.Floor, row.Held);
            }

            if (row.Held is not null && row.Held > row.Floor)
            {
                row.Reasons |= ClassificationReasons.Held;
            }
        }

        return raised;
    }

    private static async Task<List<Row>> ReadAsync(DbConnection connection, DbTransaction tx, DateOnly date, CancellationToken cancellationToken)
    {
        var cents = PositionColumns.StoresCents(connection);
        var paths = new Dictionary<string, string>(StringComparer.Ordinal);
        var rows = new List<Row>();
        await using var command = BulkWriter.Command(connection, tx, PositionsSql, "d", date, "settled", (int)LoanStatus.Settled, "off", (int)LoanStatus.WrittenOff);
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
        {
            var path = r.GetString(4);
            if (!paths.TryGetValue(path, out var shared))
            {
                paths[path] = shared = path;
            }

            var row = new Row
            {
                LoanId = r.GetInt64(0),
                CustomerId = r.GetInt32(1),
                Enterprise = r.GetInt32(2) == (int)CustomerKind.Enterprise,
                OrganisationId = r.GetInt32(3),
                OrganisationPath = shared,
                AccountManagerId = r.IsDBNull(5) ? null : r.GetString(5),
                DaysPastDue = r.GetInt32(6),
                Principal = cents ? r.GetInt64(7) / 100m : r.GetDecimal(7),
                KernelCategory = (FiveLevelCategory)r.GetInt32(8),
                KernelStage = (Ifrs9Stage)r.GetInt32(9),
                Exists = !r.IsDBNull(10),
            };
            if (row.Exists)
            {
                row.Category = (FiveLevelCategory)r.GetInt32(11);
                row.SavedStage = (Ifrs9Stage)r.GetInt32(12);
                row.SavedFloor = (FiveLevelCategory)r.GetInt32(13);
                row.SavedReasons = (ClassificationReasons)r.GetInt32(14);
                row.SavedProposed = (FiveLevelCategory)r.GetInt32(15);
                row.Held = r.IsDBNull(16) ? null : (FiveLevelCategory)r.GetInt32(16);
                row.RestructureEventId = r.GetInt64(17);
                row.RestructuredOn = r.IsDBNull(18) ? null : PositionColumns.Date(r, 18);
                row.RestructureFloor = r.IsDBNull(19) ? null : (FiveLevelCategory)r.GetInt32(19);
                row.ObservationEnds = r.IsDBNull(20) ? null : PositionColumns.Date(r, 20);
                row.Saved = (row.RestructureEventId, row.RestructuredOn, row.RestructureFloor, row.ObservationEnds);
            }

            rows.Add(row);
        }

        return rows;
    }

    /// <summary>The latest restructuring of each loan up to the date, with the category before it and its second due date after it.</summary>
    private static async Task<Dictionary<long, Restructuring>> RestructuringsAsync(DbConnection connection, DbTransaction tx, DateOnly date, List<Row> rows, CancellationToken cancellationToken)
    {
        var latest = new Dictionary<long, (long Id, DateOnly On)>();
        await using (var command = BulkWriter.Command(connection, tx,
            "SELECT \"LoanId\", \"Id\", \"EffectiveDate\" FROM ledger_events WHERE \"Kind\" = @k AND \"EffectiveDate\" <= @d",
            "k", (int)LedgerEventKind.Restructuring, "d", date))
        await using (var r = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await r.ReadAsync(cancellationToken))
            {
                var loan = r.GetInt64(0);
                var id = r.GetInt64(1);
                if (!latest.TryGetValue(loan, out var seen) || id > seen.Id)
                {
                    latest[loan] = (id, PositionColumns.Date(r, 2));
                }
            }
        }

        var known = rows.Where(x => latest.ContainsKey(x.LoanId)).ToDictionary(x => x.LoanId, x => x.RestructureEventId);
        var result = new Dictionary<long, Restructuring>();
        foreach (var (loan, (id, on)) in latest)
        {
            if (!known.TryGetValue(loan, out var seenId) || id <= seenId)
            {
                continue;
            }

            FiveLevelCategory before = FiveLevelCategory.Normal;
            await using (var command = BulkWriter.Command(connection, tx,
                "SELECT \"Category\" FROM loan_snapshots WHERE \"LoanId\" = @l AND \"Date\" < @on ORDER BY \"Date\" DESC LIMIT 1", "l", loan, "on", on))
            {
                if (await command.ExecuteScalarAsync(cancellationToken) is { } value and not DBNull)
                {
                    before = (FiveLevelCategory)Convert.ToInt32(value, CultureInfo.InvariantCulture);
                }
            }

            var dues = new List<DateOnly>();
            await using (var command = BulkWriter.Command(connection, tx,
                "SELECT \"DueDate\" FROM installments WHERE \"LoanId\" = @l AND \"DueDate\" > @on ORDER BY \"DueDate\" LIMIT 2", "l", loan, "on", on))
            await using (var r = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await r.ReadAsync(cancellationToken))
                {
                    dues.Add(PositionColumns.Date(r, 0));
                }
            }

            result[loan] = new Restructuring(id, on, before, dues.Count == 0 ? null : dues[^1]);
        }

        return result;
    }

    private static object?[] Change(in Row row, DateOnly date, FiveLevelCategory from, FiveLevelCategory to, ChangeState state, DateTimeOffset now) =>
    [
        row.LoanId, row.CustomerId, row.OrganisationId, row.OrganisationPath, row.AccountManagerId, date, (int)from, (int)to, (int)row.Floor,
        (int)row.Reasons, (int)ChangeSource.Rule, (int)state, string.Create(CultureInfo.InvariantCulture, $"{row.Reasons} · DPD {row.DaysPastDue}"),
        null, SystemMaker, SystemMaker, now, state == ChangeState.Applied ? SystemMaker : null, state == ChangeState.Applied ? SystemMaker : null,
        state == ChangeState.Applied ? now : null, null,
    ];

    private static object?[] Values(in Row row, DateOnly date, DateOnly? changedOn) =>
    [
        row.LoanId, row.CustomerId, row.OrganisationId, row.OrganisationPath, row.AccountManagerId, date, (int)row.Category, (int)row.Stage,
        (int)row.Floor, (int)row.Reasons, (int)row.Proposed, null, changedOn, row.RestructureEventId, row.RestructuredOn,
        row.RestructureFloor is { } f ? (int)f : null, row.ObservationEnds,
    ];

    /// <summary>Columns of <c>loan_classifications</c> in the order of <see cref="Values"/>.</summary>
    internal static readonly IReadOnlyList<BulkColumn> ClassificationColumns =
    [
        new("LoanId", typeof(long)), new("CustomerId", typeof(int)), new("OrganisationId", typeof(int)), new("OrganisationPath", typeof(string)),
        new("AccountManagerId", typeof(string)), new("AsOf", typeof(DateOnly)), new("Category", typeof(int)), new("Stage", typeof(int)),
        new("Floor", typeof(int)), new("Reasons", typeof(int)), new("Proposed", typeof(int)), new("Held", typeof(int?)),
        new("ChangedOn", typeof(DateOnly?)), new("RestructureEventId", typeof(long)), new("RestructuredOn", typeof(DateOnly?)),
        new("RestructureFloor", typeof(int?)), new("ObservationEnds", typeof(DateOnly?)),
    ];

    /// <summary>Columns of <c>classification_changes</c> in the order of <see cref="Change"/>.</summary>
    internal static readonly IReadOnlyList<BulkColumn> ChangeColumns =
    [
        new("LoanId", typeof(long)), new("CustomerId", typeof(int)), new("OrganisationId", typeof(int)), new("OrganisationPath", typeof(string)),
        new("AccountManagerId", typeof(string)), new("Date", typeof(DateOnly)), new("From", typeof(int)), new("To", typeof(int)),
        new("Floor", typeof(int)), new("Reasons", typeof(int)), new("Source", typeof(int)), new("State", typeof(int)), new("Reason", typeof(string)),
        new("Evidence", typeof(string)), new("ProposedBy", typeof(string)), new("ProposedByName", typeof(string)), new("ProposedAt", typeof(DateTimeOffset)),
        new("DecidedBy", typeof(string)), new("DecidedByName", typeof(string)), new("DecidedAt", typeof(DateTimeOffset?)), new("DecisionNote", typeof(string)),
    ];

    private readonly record struct Restructuring(long EventId, DateOnly On, FiveLevelCategory CategoryBefore, DateOnly? SecondDueDate);

    private struct Row
    {
        public long LoanId;
        public int CustomerId;
        public bool Enterprise;
        public int OrganisationId;
        public string OrganisationPath;
        public string? AccountManagerId;
        public int DaysPastDue;
        public decimal Principal;
        public FiveLevelCategory KernelCategory;
        public Ifrs9Stage KernelStage;
        public bool Exists;
        public FiveLevelCategory Category;
        public Ifrs9Stage Stage;
        public FiveLevelCategory Floor;
        public ClassificationReasons Reasons;
        public FiveLevelCategory Proposed;
        public FiveLevelCategory? Held;
        public long RestructureEventId;
        public DateOnly? RestructuredOn;
        public FiveLevelCategory? RestructureFloor;
        public DateOnly? ObservationEnds;
        public Ifrs9Stage SavedStage;
        public FiveLevelCategory SavedFloor;
        public ClassificationReasons SavedReasons;
        public FiveLevelCategory SavedProposed;
        public (long, DateOnly?, FiveLevelCategory?, DateOnly?) Saved;
    }
}
