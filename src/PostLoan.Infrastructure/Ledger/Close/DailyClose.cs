using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using PostLoan.Domain.Administration;
using PostLoan.Infrastructure.Identity;
using PostLoan.Domain.Common;
using PostLoan.Domain.Ledger.Loans;
using PostLoan.Infrastructure.Ledger;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Infrastructure.Ledger.Close;

/// <summary>What a daily close did.</summary>
public sealed record CloseSummary(DateOnly Date, bool AlreadyClosed, long LoansClosed, int Chunks, TimeSpan Elapsed, TimeSpan ComputeTime);

/// <summary>
/// The daily close (日终批处理) of one business date over every open loan. The loans are split in chunks of loan ids;
/// each chunk is read, computed with <see cref="DailyCloseKernel"/>, and written (snapshots, positions, the
/// per-organisation accrual journal, the chunk's completion mark) in one transaction. A killed run resumes with the
/// chunks not yet committed and ends with the same result; on PostgreSQL several nodes can share a run, each claiming
/// chunks with <c>FOR UPDATE SKIP LOCKED</c>. Dates close in order; a completed date is not closed twice.
/// </summary>
public sealed class DailyClose(PostLoanDbContext db, DatabaseOptions database, TimeProvider clock, IEnumerable<ICloseStep> steps, IServiceScopeFactory scopes, ILogger<DailyClose> logger)
{
    /// <summary>Loans per chunk (one transaction each).</summary>
    public const int DefaultChunkSize = 50_000;

    public async Task<Result<CloseSummary>> RunAsync(DateOnly date, int chunkSize = DefaultChunkSize, CancellationToken cancellationToken = default)
    {
        var watch = Stopwatch.StartNew();
        var today = DateOnly.FromDateTime(clock.GetLocalNow().Date);
        if (date > today)
        {
            return Error.Validation("date", $"{date:yyyy-MM-dd} is in the future (today is {today:yyyy-MM-dd})");
        }

        var run = await db.CloseRuns.FirstOrDefaultAsync(r => r.Date == date, cancellationToken);
        if (run is { State: CloseRunState.Completed })
        {
            return new CloseSummary(date, true, run.LoansClosed, run.ChunkCount, TimeSpan.Zero, TimeSpan.Zero);
        }

        var unfinished = await db.CloseRuns.Where(r => r.State == CloseRunState.Running && r.Date != date).Select(r => (DateOnly?)r.Date).FirstOrDefaultAsync(cancellationToken);
        if (unfinished is { } other)
        {
            return Error.Conflict("date", $"the close of {other:yyyy-MM-dd} is unfinished: run it again first");
        }

        var last = await db.CloseRuns.Where(r => r.State == CloseRunState.Completed).Select(r => (DateOnly?)r.Date).MaxAsync(cancellationToken);
        if (last is { } previous && date != previous.AddDays(1))
        {
            return Error.Validation("date", date <= previous
                ? $"{date:yyyy-MM-dd} is already closed; the next date to close is {previous.AddDays(1):yyyy-MM-dd}"
                : $"dates close in order: the next date to close is {previous.AddDays(1):yyyy-MM-dd}");
        }

        if (run is null || run.State == CloseRunState.Reopened)
        {
            await PlanAsync(run, date, chunkSize, cancellationToken);
        }

        var compute = TimeSpan.Zero;
        if (db.Database.GetDbConnection() is NpgsqlConnection)
        {
            // One worker per core, each with its own connection, claiming chunks with SKIP LOCKED (other nodes may join).
            var workers = await Task.WhenAll(Enumerable.Range(0, Math.Max(1, Environment.ProcessorCount)).Select(_ => Task.Run(async () =>
            {
                await using var context = database.CreateContext(db.CurrentUser, clock);
                var spent = TimeSpan.Zero;
                while (await CloseNextChunkAsync(context, date, cancellationToken) is { } chunkCompute)
                {
                    spent += chunkCompute;
                }

                return spent;
            }, cancellationToken)));
            compute = workers.Aggregate(TimeSpan.Zero, (a, b) => a + b);
        }
        else
        {
            compute = await CloseChunksPipelinedAsync(date, cancellationToken);
        }

        run = await db.CloseRuns.FirstAsync(r => r.Date == date, cancellationToken);
        if (run.State != CloseRunState.Completed)
        {
            // The steps after the loans (classification, warning rules, …) are part of the close: a killed close reruns them (they are idempotent).
            await RunStepsAsync(date, cancellationToken);

            run.LoansClosed = await db.CloseChunks.Where(c => c.Date == date).SumAsync(c => (long)c.LoansClosed, cancellationToken);
            run.State = CloseRunState.Completed;
            run.CompletedAt = clock.GetUtcNow();
            await db.SaveChangesAsync(cancellationToken);
        }

        logger.LogInformation("Daily close of {Date} completed: {Loans} loans in {Chunks} chunks, {Elapsed} ms", date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), run.LoansClosed, run.ChunkCount, watch.ElapsedMilliseconds);
        return new CloseSummary(date, false, run.LoansClosed, run.ChunkCount, watch.Elapsed, compute);
    }

    /// <summary>
    /// Runs the steps in their order. On PostgreSQL the <see cref="ICloseStep.Independent"/> ones each run meanwhile in
    /// their own scope (own connection); on SQLite, one writer, all run one after another.
    /// </summary>
    private async Task RunStepsAsync(DateOnly date, CancellationToken cancellationToken)
    {
        var ordered = steps.OrderBy(s => s.Order).ToList();
        var concurrent = db.Database.GetDbConnection() is NpgsqlConnection;
        var alongside = ordered.Where(s => concurrent && s.Independent).Select(s => Task.Run(async () =>
        {
            await using var scope = scopes.CreateAsyncScope();
            if (db.CurrentUser.Scope.IsSystem && scope.ServiceProvider.GetService<ICurrentUser>() is IActAsSystem system)
            {
                system.ActAsSystem(); // the close runs as the system (the nightly job): so does a step in its own scope
            }

            await RunStepAsync(scope.ServiceProvider.GetServices<ICloseStep>().First(o => o.GetType() == s.GetType()), date, cancellationToken);
        }, cancellationToken)).ToList();
        try
        {
            foreach (var step in ordered.Where(s => !concurrent || !s.Independent))
            {
                await RunStepAsync(step, date, cancellationToken);
            }
        }
        finally
        {
            await Task.WhenAll(alongside);
        }
    }

    private async Task RunStepAsync(ICloseStep step, DateOnly date, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        await step.RunAsync(date, cancellationToken);
        logger.LogDebug("Close step {Step} of {Date}: {Elapsed} ms", step.Name, date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), watch.ElapsedMilliseconds);
    }

    /// <summary>
    /// Reopens the last completed date (administrators only, audited): positions go back to the state before that
    /// close (the day's postings stay), its snapshots and accrual journal are removed, and the date can be closed again.
    /// </summary>
    public async Task<Result<CloseRun>> ReopenAsync(DateOnly date, string reason, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            return Error.Validation("reason", "is required");
        }

        var last = await db.CloseRuns.Where(r => r.State == CloseRunState.Completed).OrderByDescending(r => r.Date).FirstOrDefaultAsync(cancellationToken);
        if (last is null || last.Date != date)
        {
            return Error.Validation("date", last is null ? "no date has been closed" : $"only the last closed date {last.Date:yyyy-MM-dd} can be reopened");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var previous = date.AddDays(-1);
        await db.LoanPositions.Where(p => p.ClosedThrough == date).ExecuteUpdateAsync(s => s
            .SetProperty(p => p.ClosedThrough, previous)
            .SetProperty(p => p.Date, previous)
            .SetProperty(p => p.InterestBooked, p => p.InterestBooked - p.LastInterestAccrual)
            .SetProperty(p => p.ChargesBooked, p => p.ChargesBooked - p.LastChargesAccrual), cancellationToken);
        await db.LoanSnapshots.Where(s => s.Date == date).ExecuteDeleteAsync(cancellationToken);
        await db.JournalEntries.Where(j => j.Date == date && j.LoanId == null).ExecuteDeleteAsync(cancellationToken);
        await db.CloseChunks.Where(c => c.Date == date).ExecuteDeleteAsync(cancellationToken);
        foreach (var step in steps.OrderByDescending(s => s.Order))
        {
            await step.UndoAsync(db.Database.GetDbConnection(), transaction.GetDbTransaction(), date, cancellationToken);
        }

        last.State = CloseRunState.Reopened;
        last.CompletedAt = null;
        db.Audit(AuditAction.Updated, nameof(CloseRun), date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), "reopened: " + reason.Trim());
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return last;
    }

    private async Task PlanAsync(CloseRun? run, DateOnly date, int chunkSize, CancellationToken cancellationToken)
    {
        var bounds = await db.Loans.IgnoreQueryFilters().GroupBy(_ => 1)
            .Select(g => new { Min = g.Min(l => l.Id), Max = g.Max(l => l.Id) }).FirstOrDefaultAsync(cancellationToken);
        var chunks = new List<CloseChunk>();
        if (bounds is not null)
        {
            for (long from = bounds.Min, n = 0; from <= bounds.Max; from += chunkSize, n++)
            {
                chunks.Add(new CloseChunk { Date = date, Number = (int)n, FromLoanId = from, ToLoanId = from + chunkSize - 1 });
            }
        }

        if (chunks.Count == 0)
        {
            chunks.Add(new CloseChunk { Date = date, Number = 0, FromLoanId = 1, ToLoanId = long.MaxValue });
        }

        chunks[^1].ToLoanId = long.MaxValue; // loans opened while the run is planned still close
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (run is null)
        {
            run = new CloseRun { Date = date, StartedBy = db.CurrentUser.UserName };
            db.CloseRuns.Add(run);
        }

        run.State = CloseRunState.Running;
        run.StartedAt = clock.GetUtcNow();
        run.ChunkCount = chunks.Count;
        db.CloseChunks.AddRange(chunks);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();
    }

    /// <summary>Claims, closes and commits one chunk; null when none is left (PostgreSQL: several nodes may share a run).</summary>
    private async Task<TimeSpan?> CloseNextChunkAsync(PostLoanDbContext context, DateOnly date, CancellationToken cancellationToken)
    {
        var connection = context.Database.GetDbConnection();
        await context.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var transaction = await context.Database.BeginTransactionAsync(cancellationToken);
            var tx = transaction.GetDbTransaction();
            long from, to;
            int number;
            await using (var claim = BulkWriter.Command(connection, tx,
                "SELECT \"Number\", \"FromLoanId\", \"ToLoanId\" FROM close_chunks WHERE \"Date\" = @d AND \"CompletedAt\" IS NULL ORDER BY \"Number\" LIMIT 1 FOR UPDATE SKIP LOCKED", "d", date))
            await using (var reader = await claim.ExecuteReaderAsync(cancellationToken))
            {
                if (!await reader.ReadAsync(cancellationToken))
                {
                    return null;
                }

                (number, from, to) = (reader.GetInt32(0), reader.GetInt64(1), reader.GetInt64(2));
            }

            var phase = Stopwatch.StartNew();
            var work = await ReadChunkAsync(connection, tx, date, number, from, to, cancellationToken);
            work.ReadTime = phase.Elapsed;
            var computed = await ProcessChunkAsync(context, connection, tx, date, work, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return computed;
        }
        finally
        {
            await context.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// SQLite has one writer: chunks are closed in order, and while one chunk is written the next is read on a second
    /// connection (WAL gives it a consistent snapshot; chunks never share loans), so both cores work.
    /// </summary>
    private async Task<TimeSpan> CloseChunksPipelinedAsync(DateOnly date, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            // Durable at each chunk's commit with WAL; a large page cache keeps the chunk's index pages in memory. The
            // pooled connection gets its own settings back afterwards.
            await using var pragmas = await BatchPragmas.OpenAsync(connection, megabytes: 64, syncAtCheckpoint: true, tempInMemory: true, cancellationToken: cancellationToken);

            var pending = await db.CloseChunks.AsNoTracking().Where(c => c.Date == date && c.CompletedAt == null).OrderBy(c => c.Number)
                .Select(c => new { c.Number, c.FromLoanId, c.ToLoanId }).ToListAsync(cancellationToken);
            var compute = TimeSpan.Zero;
            Task<ChunkWork>? next = pending.Count > 0 ? ReadAsideAsync(connection.ConnectionString, date, pending[0].Number, pending[0].FromLoanId, pending[0].ToLoanId, cancellationToken) : null;
            for (var i = 0; i < pending.Count; i++)
            {
                var work = await next!;
                next = i + 1 < pending.Count
                    ? ReadAsideAsync(connection.ConnectionString, date, pending[i + 1].Number, pending[i + 1].FromLoanId, pending[i + 1].ToLoanId, cancellationToken)
                    : null;
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                compute += await ProcessChunkAsync(db, connection, transaction.GetDbTransaction(), date, work, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }

            return compute;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private Task<ChunkWork> ReadAsideAsync(string connectionString, DateOnly date, int number, long from, long to, CancellationToken cancellationToken) =>
        Task.Run(async () =>
        {
            var phase = Stopwatch.StartNew();
            await using var side = new Microsoft.Data.Sqlite.SqliteConnection(connectionString);
            await side.OpenAsync(cancellationToken);
            var work = await ReadChunkAsync(side, null, date, number, from, to, cancellationToken);
            work.ReadTime = phase.Elapsed;
            if (work.Lagging.Length == 0)
            {
                // Compute here too; the writer binds the positions straight into its prepared insert.
                var watch = Stopwatch.StartNew();
                work.Computed = Compute(work, new CloseEffects?[work.Positions.Length], date);
                work.ComputeTime = watch.Elapsed;
            }

            return work;
        }, cancellationToken);

    /// <summary>Catches up lagging loans, computes the chunk and writes it, inside the caller's transaction.</summary>
    private async Task<TimeSpan> ProcessChunkAsync(PostLoanDbContext context, DbConnection connection, DbTransaction tx, DateOnly date, ChunkWork work, CancellationToken cancellationToken)
    {
        var postgres = connection is NpgsqlConnection;
        var caughtUp = new CloseEffects?[work.Positions.Length];
        foreach (var index in work.Lagging)
        {
            var id = work.Positions[index].LoanId;
            var loan = await context.Loans.IgnoreQueryFilters().AsNoTracking().FirstAsync(l => l.Id == id, cancellationToken);
            caughtUp[index] = await CatchUpAsync(context, loan, work.Positions, index, date, cancellationToken);
        }

        var watch = Stopwatch.StartNew();
        var (journal, revolvingDue) = work.Computed ?? Compute(work, caughtUp, date);
        var positions = work.Positions;
        var computed = work.Computed is null ? watch.Elapsed : work.ComputeTime;
        var phase = Stopwatch.StartNew();
        var (inserted, updated) = await WriteChunkAsync(connection, tx, date, work.From, work.To, positions, cancellationToken);
        foreach (var (loanId, period, principal, interest) in revolvingDue)
        {
            await using var update = BulkWriter.Command(connection, tx,
                "UPDATE installments SET \"Principal\" = @p, \"Interest\" = @i WHERE \"LoanId\" = @l AND \"Period\" = @n AND \"PrincipalPaid\" = 0 AND \"InterestPaid\" = 0",
                "p", principal, "i", interest, "l", loanId, "n", period);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        var journalRows = new List<object?[]>();
        foreach (var (organisation, sum) in journal.OrderBy(j => j.Key))
        {
            AddSummary(journalRows, date, organisation, "daily interest accrual", LedgerAccounts.InterestReceivable, LedgerAccounts.InterestIncome, sum.Interest);
            AddSummary(journalRows, date, organisation, "daily penalty charge", LedgerAccounts.ChargesReceivable, LedgerAccounts.PenaltyIncome, sum.Charges);
        }

        await BulkWriter.InsertAsync(connection, tx, "journal_entries", LedgerTables.JournalColumns, journalRows, cancellationToken);
        await using (var done = BulkWriter.Command(connection, tx,
            "UPDATE close_chunks SET \"CompletedAt\" = @at, \"LoansClosed\" = @n WHERE \"Date\" = @d AND \"Number\" = @c",
            "at", postgres ? clock.GetUtcNow() : BulkWriter.SqliteValue(clock.GetUtcNow()), "n", positions.Length, "d", date, "c", work.Number))
        {
            await done.ExecuteNonQueryAsync(cancellationToken);
        }

        logger.LogDebug("Chunk {Chunk} of {Date}: {Loans} loans; read {Read} ms, compute {Compute} ms, write {Write} ms (snapshots {Insert} ms, positions {Update} ms)",
            work.Number, date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), positions.Length, (int)work.ReadTime.TotalMilliseconds,
            (int)computed.TotalMilliseconds, (int)phase.Elapsed.TotalMilliseconds, (int)inserted.TotalMilliseconds, (int)updated.TotalMilliseconds);
        return computed;
    }

    private static void AddSummary(List<object?[]> rows, DateOnly date, int organisation, string kind, string debit, string credit, decimal amount)
    {
        if (amount > 0m)
        {
            rows.Add([date, null, organisation, kind, debit, credit, amount]);
        }
        else if (amount < 0m)
        {
            rows.Add([date, null, organisation, kind + " reversal", credit, debit, -amount]);
        }
    }

    /// <summary>The in-memory part of a chunk: no I/O, no allocation per loan.</summary>
    private static (Dictionary<int, (decimal Interest, decimal Charges)> Journal, List<(long LoanId, int Period, decimal Principal, decimal Interest)> RevolvingDue)
        Compute(ChunkWork work, CloseEffects?[] caughtUp, DateOnly date)
    {
        var journal = new Dictionary<int, (decimal Interest, decimal Charges)>();
        var revolvingDue = new List<(long LoanId, int Period, decimal Principal, decimal Interest)>();
        var positions = work.Positions;
        for (var i = 0; i < positions.Length; i++)
        {
            ref var p = ref positions[i];
            var effects = caughtUp[i] ?? DailyCloseKernel.CloseDay(ref p, date, work.Following[i]);
            if (p.Revolving && p.LastDueDate == date && work.DuePeriods[i] != 0)
            {
                revolvingDue.Add((p.LoanId, work.DuePeriods[i], p.DueTodayPrincipal, p.DueTodayInterest));
            }

            if (effects.InterestAccrual != 0m || effects.ChargesAccrual != 0m)
            {
                var organisation = work.Organisations[i];
                journal.TryGetValue(organisation, out var sum);
                journal[organisation] = (sum.Interest + effects.InterestAccrual, sum.Charges + effects.ChargesAccrual);
            }
        }

        return (journal, revolvingDue);
    }

    /// <summary>The loans of one chunk as the close needs them; <see cref="Lagging"/> are behind the date and need catching up.</summary>
    private sealed record ChunkWork(int Number, long From, long To, LoanPosition[] Positions, UpcomingInstallment[] Following, int[] Organisations, int[] DuePeriods, int[] Lagging)
    {
        public TimeSpan ReadTime { get; set; }

        /// <summary>Set when the chunk was computed while it was read (SQLite pipeline).</summary>
        public (Dictionary<int, (decimal Interest, decimal Charges)> Journal, List<(long LoanId, int Period, decimal Principal, decimal Interest)> RevolvingDue)? Computed { get; set; }

        public TimeSpan ComputeTime { get; set; }
    }

    private static async Task<ChunkWork> ReadChunkAsync(DbConnection connection, DbTransaction? tx, DateOnly date, int number, long from, long to, CancellationToken cancellationToken)
    {
        var sql = $"""
            SELECT {PositionColumns.List("p")}, l."PenaltyMarkup", l."GraceDays", l."Method", l."OrganisationId"
            FROM loan_positions p
            JOIN loans l ON l."Id" = p."LoanId"
            WHERE p."LoanId" BETWEEN @from AND @to AND l."Id" BETWEEN @from AND @to AND p."ClosedThrough" < @d AND p."Status" NOT IN ({(int)LoanStatus.Settled}, {(int)LoanStatus.WrittenOff})
            ORDER BY p."LoanId"
            """;
        var positions = new List<LoanPosition>();
        var organisations = new List<int>();
        var lagging = new List<int>();
        var dueToday = new Dictionary<long, int>();
        var cents = PositionColumns.StoresCents(connection);
        await using (var command = BulkWriter.Command(connection, tx, sql, "d", date, "from", from, "to", to))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            var n = PositionColumns.Count;
            // SQLite reads synchronously underneath: a synchronous loop avoids a task per row.
            while (cents ? reader.Read() : await reader.ReadAsync(cancellationToken))
            {
                var position = PositionColumns.Read(reader, 0, reader.GetDecimal(n), reader.GetInt32(n + 1), reader.GetInt32(n + 2) == (int)RepaymentMethod.Revolving, cents);
                if (position.ClosedThrough.AddDays(1) != date)
                {
                    lagging.Add(positions.Count);
                }
                else if (position.NextDueDate == date)
                {
                    dueToday[position.LoanId] = positions.Count;
                }

                positions.Add(position);
                organisations.Add(reader.GetInt32(n + 3));
            }
        }

        // The installment after the one falling due today, only for the loans with a due date today (about 1 in 30).
        var following = new UpcomingInstallment[positions.Count];
        Array.Fill(following, UpcomingInstallment.None);
        var duePeriods = new int[positions.Count];
        foreach (var index in dueToday.Values)
        {
            duePeriods[index] = positions[index].NextPeriod;
        }

        if (dueToday.Count > 0)
        {
            const string next = """
                SELECT f."LoanId", f."Period", f."DueDate", f."Principal", f."PrincipalPaid", f."Interest", f."InterestPaid"
                FROM loan_positions p
                JOIN installments f ON f."LoanId" = p."LoanId" AND f."Period" = p."NextPeriod" + 1
                WHERE p."LoanId" BETWEEN @from AND @to AND p."NextDueDate" = @d
                """;
            await using var command = BulkWriter.Command(connection, tx, next, "d", date, "from", from, "to", to);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (cents ? reader.Read() : await reader.ReadAsync(cancellationToken))
            {
                if (dueToday.TryGetValue(reader.GetInt64(0), out var index))
                {
                    // Subtracted here, not in SQL: SQLite keeps these decimals as text and would subtract in floating point.
                    following[index] = new UpcomingInstallment(reader.GetInt32(1), PositionColumns.Date(reader, 2),
                        reader.GetDecimal(3) - reader.GetDecimal(4), reader.GetDecimal(5) - reader.GetDecimal(6));
                }
            }
        }

        return new ChunkWork(number, from, to, [.. positions], following, [.. organisations], duePeriods, [.. lagging]);
    }

    /// <summary>A loan behind the run's date (imported with an older position): closes each missing day in memory.</summary>
    private static async Task<CloseEffects> CatchUpAsync(PostLoanDbContext context, Loan loan, LoanPosition[] positions, int index, DateOnly date, CancellationToken cancellationToken)
    {
        var installments = await context.Installments.AsNoTracking().Where(i => i.LoanId == loan.Id).OrderBy(i => i.Period).ToListAsync(cancellationToken);
        var account = LoanAccount.Restore(loan.Id, loan.Terms, loan.Rules, installments.Select(i => new InstallmentState
        {
            Period = i.Period, DueDate = i.DueDate, Principal = i.Principal, Interest = i.Interest, PrincipalPaid = i.PrincipalPaid, InterestPaid = i.InterestPaid,
        }), positions[index]);
        decimal interest = 0m, charges = 0m;
        while (account.Position.ClosedThrough < date)
        {
            var effects = account.CloseDay(account.BusinessDate);
            interest += effects.InterestAccrual;
            charges += effects.ChargesAccrual;
        }

        positions[index] = account.Position;
        positions[index].LastInterestAccrual = interest;
        positions[index].LastChargesAccrual = charges;
        return new CloseEffects(interest, charges);
    }

    /// <summary>
    /// Writes the snapshots of the chunk, then sets the live positions from them in one statement. Every joined table
    /// carries the chunk's range itself: PostgreSQL does not carry a range across a join's equality, and without it
    /// scanned all positions (and, in the read, all loans) once per chunk.
    /// </summary>
    private static async Task<(TimeSpan Inserted, TimeSpan Updated)> WriteChunkAsync(DbConnection connection, DbTransaction tx, DateOnly date, long from, long to, LoanPosition[] positions, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        await using (var clear = BulkWriter.Command(connection, tx, "DELETE FROM loan_snapshots WHERE \"Date\" = @d AND \"LoanId\" BETWEEN @from AND @to", "d", date, "from", from, "to", to))
        {
            await clear.ExecuteNonQueryAsync(cancellationToken);
        }

        if (connection is Microsoft.Data.Sqlite.SqliteConnection sqlite)
        {
            BulkWriter.InsertSqlite(sqlite, "loan_snapshots", PositionColumns.All, positions, PositionColumns.Bind);
        }
        else
        {
            await BulkWriter.CopyPostgresAsync((NpgsqlConnection)connection, "loan_snapshots", PositionColumns.All, positions, PositionColumns.Write, cancellationToken);
        }

        var inserted = watch.Elapsed;
        var assignments = string.Join(", ", PositionColumns.All.Skip(1).Select(c => $"{BulkWriter.Quote(c.Name)} = s.{BulkWriter.Quote(c.Name)}"));
        await using var update = BulkWriter.Command(connection, tx,
            $"UPDATE loan_positions SET {assignments} FROM loan_snapshots s WHERE s.\"Date\" = @d AND s.\"LoanId\" = loan_positions.\"LoanId\" AND s.\"LoanId\" BETWEEN @from AND @to AND loan_positions.\"LoanId\" BETWEEN @from AND @to",
            "d", date, "from", from, "to", to);
        await update.ExecuteNonQueryAsync(cancellationToken);
        return (inserted, watch.Elapsed - inserted);
    }
}
