using System.Data.Common;
using System.Globalization;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using PostLoan.Domain.Ledger.Customers;
using PostLoan.Domain.Warning.Rules;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Infrastructure.Warning.Indicators;
using SQLitePCL;

namespace PostLoan.Infrastructure.Warning.Rules;

/// <summary>A version that held for a customer; <see cref="Detail"/> names the values it read (published versions only).</summary>
public readonly record struct RuleHit(int CustomerId, int Entry, string? Detail);

/// <summary>What a run of a rule set over customers found, with per-version counts (indexed like <see cref="CompiledRuleSet.Entries"/>).</summary>
public sealed class RuleEvaluation(int entries)
{
    /// <summary>The hits, by customer and then version (entry); empty when a consumer took them as the run went on.</summary>
    public List<RuleHit> Hits { get; } = [];

    public int[] Evaluated { get; } = new int[entries];

    public int[] HitCounts { get; } = new int[entries];

    public int[] Unknown { get; } = new int[entries];

    /// <summary>Shadow hits where the rule's published version fired for the same customer.</summary>
    public int[] Overlap { get; } = new int[entries];

    /// <summary>Customers evaluated (in the scope of at least one version or not).</summary>
    public int Customers { get; set; }

    /// <summary>Indicator values read.</summary>
    public long Values { get; set; }

    /// <summary>Where the time went: reading (overlapping the evaluation), evaluating (summed over the workers); the preparation's are in <see cref="RunPreparation"/>.</summary>
    public (TimeSpan Read, TimeSpan Evaluate) Timings { get; set; }

    internal void Add(RuleEvaluation part)
    {
        for (var i = 0; i < Evaluated.Length; i++)
        {
            Evaluated[i] += part.Evaluated[i];
            HitCounts[i] += part.HitCounts[i];
            Unknown[i] += part.Unknown[i];
            Overlap[i] += part.Overlap[i];
        }

        Customers += part.Customers;
        Timings = (Timings.Read, Timings.Evaluate + part.Timings.Evaluate);
    }
}

/// <summary>
/// Evaluates a compiled rule set over customers as of a date: reads every needed indicator value in one ordered pass —
/// over the whole book from the packed series (one row per customer, refreshed first, <see cref="IndicatorSeriesPacker"/>),
/// for listed customers from <c>indicator_values</c> (no EF, no tracking; on SQLite straight through the native API) — builds each customer's series
/// once, fills its feature vector once and runs every version whose scope covers it. Reading and evaluation overlap: the
/// reader hands batches of customers to one evaluator per core.
/// </summary>
public static class RuleRunner
{
    private const int BatchSize = 4096;

    /// <summary>
    /// Runs <paramref name="set"/> for <paramref name="customers"/> (sorted by id) as of <paramref name="date"/>. With
    /// <paramref name="onlyListed"/>, reads the values of these customers only (real time); otherwise of the whole book.
    /// </summary>
    public static async Task<RuleEvaluation> RunAsync(DbConnection connection, CompiledRuleSet set, DateOnly date, IReadOnlyList<RuleCustomer> customers, bool onlyListed, CancellationToken cancellationToken)
    {
        if (set.Entries.Length == 0 || customers.Count == 0)
        {
            return new RuleEvaluation(set.Entries.Length);
        }

        var prepared = await PrepareAsync(connection, set, date, onlyListed, cancellationToken);
        return await RunAsync(connection, set, date, customers, onlyListed, prepared, cancellationToken);
    }

    /// <summary>
    /// What a run needs before it reads: for the whole book, the packed series brought up to date (the industry medians
    /// read them too); the industry medians when a version uses them. A caller may do this while it reads the customers
    /// elsewhere.
    /// </summary>
    public static async Task<RunPreparation> PrepareAsync(DbConnection connection, CompiledRuleSet set, DateOnly date, bool onlyListed, CancellationToken cancellationToken)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        if (!onlyListed && set.Entries.Length > 0)
        {
            await IndicatorSeriesPacker.RefreshAsync(connection, cancellationToken);
        }

        var refresh = watch.Elapsed;
        var industries = set.UsesIndustryMedian ? await set.IndustriesAsync(connection, date, fresh: !onlyListed, cancellationToken) : null;
        return new RunPreparation(industries, refresh, watch.Elapsed - refresh);
    }

    /// <summary>Runs <paramref name="set"/> as <see cref="RunAsync(DbConnection, CompiledRuleSet, DateOnly, IReadOnlyList{RuleCustomer}, bool, CancellationToken)"/> after <see cref="PrepareAsync"/>.</summary>
    public static async Task<RuleEvaluation> RunAsync(DbConnection connection, CompiledRuleSet set, DateOnly date, IReadOnlyList<RuleCustomer> customers, bool onlyListed, RunPreparation prepared, CancellationToken cancellationToken)
    {
        // The hits as they are handed on, batch after batch: in customer and then version order.
        var hits = new List<RuleHit>();
        var evaluation = await RunAsync(connection, set, date, customers, onlyListed, prepared, async (parts, token) =>
        {
            await foreach (var part in parts.WithCancellation(token))
            {
                hits.AddRange(part);
            }
        }, cancellationToken);
        evaluation.Hits.AddRange(hits);
        return evaluation;
    }

    /// <summary>
    /// Runs <paramref name="set"/> after <see cref="PrepareAsync"/>, handing the hits to <paramref name="consumeHits"/> while
    /// the run goes on instead of collecting them in <see cref="RuleEvaluation.Hits"/>: it is called once, with the hits of
    /// each batch of customers as soon as the batches before it are done — so in customer and version order, whichever
    /// evaluator finished first — and the run ends when the consumer has. A writer thus stores what the first customers
    /// raised while the later ones are read and evaluated (new signals get their ids and index entries in the order of
    /// their customers, the same on every rerun). A failure on either side stops both and is thrown.
    /// </summary>
    public static async Task<RuleEvaluation> RunAsync(DbConnection connection, CompiledRuleSet set, DateOnly date, IReadOnlyList<RuleCustomer> customers, bool onlyListed, RunPreparation prepared,
        Func<IAsyncEnumerable<IReadOnlyList<RuleHit>>, CancellationToken, Task> consumeHits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        ArgumentNullException.ThrowIfNull(consumeHits);
        var total = new RuleEvaluation(set.Entries.Length);
        if (set.Entries.Length == 0 || customers.Count == 0)
        {
            await consumeHits(AsyncEnumerable.Empty<IReadOnlyList<RuleHit>>(), cancellationToken);
            return total;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var token = stop.Token;
        var ordered = Channel.CreateUnbounded<(int Sequence, List<RuleHit> Hits)>(new UnboundedChannelOptions { SingleReader = true });
        var consuming = Task.Run(async () =>
        {
            try
            {
                await consumeHits(InOrder(ordered.Reader, token), token);
            }
            catch
            {
                await stop.CancelAsync();
                throw;
            }
        }, CancellationToken.None);

        var applicable = new ApplicableEntries(set);
        var pool = new BatchPool(set.IndicatorIds.Length);
        var channel = Channel.CreateBounded<Batch>(new BoundedChannelOptions(Environment.ProcessorCount * 2) { SingleWriter = true });
        var workers = Enumerable.Range(0, Environment.ProcessorCount).Select(_ => Task.Run(async () =>
        {
            var part = new RuleEvaluation(set.Entries.Length);
            var evaluator = new Evaluator(set, date, prepared.Industries, applicable);
            var busy = new System.Diagnostics.Stopwatch();
            await foreach (var batch in channel.Reader.ReadAllAsync(token))
            {
                busy.Start();
                // Sized for about a hit per customer (a first night's rate) instead of growing by doubling each batch.
                var hits = new List<RuleHit>(batch.Customers.Count);
                evaluator.Evaluate(batch, part, hits);
                busy.Stop();
                ordered.Writer.TryWrite((batch.Sequence, hits));
                pool.Give(batch); // last: the reader may refill it at once
            }

            part.Timings = (default, busy.Elapsed);

            return part;
        }, token)).ToArray();

        long values;
        var reading = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            try
            {
                values = await Task.Run(() => ReadAsync(connection, set, date, customers, onlyListed, pool, channel.Writer, token), token);
            }
            finally
            {
                channel.Writer.TryComplete();
            }

            foreach (var part in await Task.WhenAll(workers))
            {
                total.Add(part);
            }

            ordered.Writer.TryComplete();
        }
        catch (Exception failure)
        {
            // Whichever side failed first: the consumer's own error (the reading was then cancelled), else the run's.
            await stop.CancelAsync();
            ordered.Writer.TryComplete(failure);
            await Task.WhenAll(workers).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            await consuming;
            throw;
        }

        await consuming;
        total.Values = values;
        total.Timings = (reading.Elapsed, total.Timings.Evaluate);
        return total;
    }

    /// <summary>The batches' hits in batch order, whichever worker finished first; a batch handed on twice or never is an error.</summary>
    internal static async IAsyncEnumerable<IReadOnlyList<RuleHit>> InOrder(ChannelReader<(int Sequence, List<RuleHit> Hits)> reader, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var waiting = new Dictionary<int, List<RuleHit>>();
        var next = 0;
        await foreach (var (sequence, hits) in reader.ReadAllAsync(cancellationToken))
        {
            if (sequence < next || !waiting.TryAdd(sequence, hits))
            {
                throw new InvalidOperationException($"batch {sequence} of the run was handed on twice");
            }

            while (waiting.Remove(next, out var ready))
            {
                next++;
                yield return ready;
            }
        }

        if (waiting.Count > 0)
        {
            // Every batch is handed on exactly once: a gap would silently drop the hits after it.
            throw new InvalidOperationException($"batch {next} of the run never came; {waiting.Count} later batches were not handed on");
        }
    }

    /// <summary>The values of the listed customers a run reads: (customer, indicator, date, value), ordered by customer; dates as the two named parameters.</summary>
    public static string ValuesSql(CompiledRuleSet set, IReadOnlyList<RuleCustomer> customers, string from, string to)
    {
        var ids = string.Join(',', set.IndicatorIds.Where(i => i >= 0).Distinct().Select(i => i.ToString(CultureInfo.InvariantCulture)));
        var only = string.Join(',', customers.Select(c => c.Id.ToString(CultureInfo.InvariantCulture)));
        return $"SELECT \"CustomerId\", \"IndicatorId\", \"Date\", \"Value\" FROM indicator_values WHERE \"IndicatorId\" IN ({ids}) AND \"Date\" >= {from} AND \"Date\" <= {to} AND \"CustomerId\" IN ({only}) ORDER BY \"CustomerId\", \"IndicatorId\", \"Date\", \"Id\"";
    }

    private static async Task<long> ReadAsync(DbConnection connection, CompiledRuleSet set, DateOnly date, IReadOnlyList<RuleCustomer> customers, bool onlyListed, BatchPool pool, ChannelWriter<Batch> writer, CancellationToken cancellationToken)
    {
        var slotOfIndicator = new Dictionary<int, int>();
        for (var s = 0; s < set.IndicatorIds.Length; s++)
        {
            if (set.IndicatorIds[s] >= 0)
            {
                slotOfIndicator[set.IndicatorIds[s]] = s;
            }
        }

        var builder = new BatchBuilder(pool, set.IndicatorIds.Length, customers);
        var pending = builder.Ready;
        void Row(int customerId, int indicatorId, DateOnly day, double value)
        {
            if (slotOfIndicator.TryGetValue(indicatorId, out var slot))
            {
                builder.Add(customerId, slot, day, value);
            }
        }

        async Task FlushAsync()
        {
            foreach (var batch in pending)
            {
                await writer.WriteAsync(batch, cancellationToken);
            }

            pending.Clear();
        }

        long count = 0;
        if (slotOfIndicator.Count > 0 && !onlyListed)
        {
            // The whole book: one packed row per customer instead of a row per value (refreshed by the caller).
            var slots = new int[slotOfIndicator.Keys.Max() + 1];
            Array.Fill(slots, -1);
            foreach (var (indicator, slot) in slotOfIndicator)
            {
                slots[indicator] = slot;
            }

            var (from, to) = (set.FirstDate(date).DayNumber, date.DayNumber);
            if (connection is SqliteConnection sqlite)
            {
                foreach (var rows in ReadPackedSqlite(sqlite, slots, from, to, builder))
                {
                    count += rows;
                    await FlushAsync();
                }
            }
            else
            {
                await using var command = BulkWriter.Command(connection, null, "SELECT \"CustomerId\", \"Data\" FROM indicator_series ORDER BY \"CustomerId\"");
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                var customersRead = 0;
                while (await reader.ReadAsync(cancellationToken))
                {
                    var sink = new BuilderSink(builder, reader.GetInt32(0));
                    count += PackedSeries.Read(reader.GetFieldValue<byte[]>(1), slots, from, to, ref sink);
                    if (++customersRead % BatchSize == 0)
                    {
                        await FlushAsync();
                    }
                }
            }
        }
        else if (slotOfIndicator.Count > 0)
        {
            var first = set.FirstDate(date);
            if (connection is SqliteConnection sqlite)
            {
                var sql = ValuesSql(set, customers, "?1", "?2");
                foreach (var rows in ReadSqlite(sqlite, sql, first, date, Row))
                {
                    count += rows;
                    await FlushAsync();
                }
            }
            else
            {
                await using var command = BulkWriter.Command(connection, null, ValuesSql(set, customers, "@from", "@to"), "from", first, "to", date);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    Row(reader.GetInt32(0), reader.GetInt32(1), reader.GetFieldValue<DateOnly>(2), reader.GetDouble(3));
                    if (++count % BatchSize == 0)
                    {
                        await FlushAsync();
                    }
                }
            }
        }

        builder.Finish();
        await FlushAsync();
        return count;
    }

    /// <summary>Steps through the packed series in customer order with SQLite's own API, yielding every few thousand customers.</summary>
    private static IEnumerable<int> ReadPackedSqlite(SqliteConnection connection, int[] slots, int from, int to, BatchBuilder builder)
    {
        var (values, customers) = (0, 0);
        foreach (var row in SqliteRows.Each(connection, "SELECT \"CustomerId\", \"Data\" FROM indicator_series ORDER BY \"CustomerId\""))
        {
            var sink = new BuilderSink(builder, raw.sqlite3_column_int(row, 0));
            values += PackedSeries.Read(raw.sqlite3_column_blob(row, 1), slots, from, to, ref sink);
            if (++customers == BatchSize)
            {
                yield return values;
                (values, customers) = (0, 0);
            }
        }

        yield return values;
    }

    /// <summary>Hands one customer's decoded values to the batch builder.</summary>
    private readonly struct BuilderSink(BatchBuilder builder, int customerId) : ISeriesSink
    {
        public void Add(int slot, int day, double value) => builder.Add(customerId, slot, DateOnly.FromDayNumber(day), value);
    }

    /// <summary>Steps the statement through SQLite's own API, yielding every few thousand rows so the caller can hand batches on.</summary>
    private static IEnumerable<int> ReadSqlite(SqliteConnection connection, string sql, DateOnly from, DateOnly to, Action<int, int, DateOnly, double> row)
    {
        var rows = 0;
        foreach (var statement in SqliteRows.Each(connection, sql, (db, statement) =>
        {
            BulkWriter.Check(db, raw.sqlite3_bind_text(statement, 1, from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
            BulkWriter.Check(db, raw.sqlite3_bind_text(statement, 2, to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        }))
        {
            row(raw.sqlite3_column_int(statement, 0), raw.sqlite3_column_int(statement, 1), SqliteRows.Date(statement, 2), raw.sqlite3_column_double(statement, 3));
            if (++rows == BatchSize)
            {
                yield return rows;
                rows = 0;
            }
        }

        yield return rows;
    }

    /// <summary>
    /// The customers of a batch (a contiguous run of the sorted list) and their observations, by slot. Batches are reused
    /// through <see cref="BatchPool"/> with their arrays: a batch's observations run to megabytes, and allocating them
    /// afresh for each of a million customers' batches made a full collection every second and fresh pages to fault in.
    /// </summary>
    internal sealed class Batch(int slots)
    {
        /// <summary>The batch's place in the run (0, 1, …): hits are handed on in this order.</summary>
        public int Sequence { get; private set; }

        public List<RuleCustomer> Customers { get; } = new(BatchSize);

        /// <summary>The observations, customer after customer and slot after slot; the first <see cref="ObservationCount"/> are the batch's.</summary>
        public Domain.Warning.Rules.IndicatorObservation[] Observations { get; private set; } = [];

        public int ObservationCount { get; private set; }

        /// <summary>Start of customer k's slot s in <see cref="Observations"/>: Offsets[k * slots + s]; one more at the end.</summary>
        public List<int> Offsets { get; } = [];

        public int Slots { get; } = slots;

        /// <summary>Appends one customer's observations of one slot.</summary>
        public void Append(List<Domain.Warning.Rules.IndicatorObservation> observations)
        {
            var needed = ObservationCount + observations.Count;
            if (needed > Observations.Length)
            {
                var grown = Observations;
                Array.Resize(ref grown, Math.Max(needed, Math.Max(1024, Observations.Length * 2)));
                Observations = grown;
            }

            System.Runtime.InteropServices.CollectionsMarshal.AsSpan(observations).CopyTo(Observations.AsSpan(ObservationCount));
            ObservationCount = needed;
        }

        /// <summary>Empties the batch for its next use (arrays kept).</summary>
        public Batch Reset(int sequence)
        {
            (Sequence, ObservationCount) = (sequence, 0);
            Customers.Clear();
            Offsets.Clear();
            return this;
        }
    }

    /// <summary>Batches to reuse: the reader takes them, the evaluators give them back (a run has a few in flight at a time).</summary>
    internal sealed class BatchPool(int slots)
    {
        private readonly System.Collections.Concurrent.ConcurrentBag<Batch> _free = [];

        public Batch Take(int sequence) => (_free.TryTake(out var batch) ? batch : new Batch(slots)).Reset(sequence);

        public void Give(Batch batch) => _free.Add(batch);
    }

    /// <summary>Groups the ordered rows per customer and slot; customers without values are still evaluated.</summary>
    private sealed class BatchBuilder(BatchPool pool, int slots, IReadOnlyList<RuleCustomer> customers)
    {
        private readonly List<Domain.Warning.Rules.IndicatorObservation>[] current = Enumerable.Range(0, slots).Select(_ => new List<Domain.Warning.Rules.IndicatorObservation>()).ToArray();
        private int next;
        private int currentId = int.MinValue;
        private bool open;
        private int sequence;
        private Batch batch = pool.Take(0);

        /// <summary>Batches that are full and may be evaluated.</summary>
        public List<Batch> Ready { get; } = [];

        public void Add(int customerId, int slot, DateOnly date, double value)
        {
            if (customerId != currentId)
            {
                if (open)
                {
                    Push(customers[next++]);
                }

                // Customers before this one have no values: they are evaluated on empty series.
                while (next < customers.Count && customers[next].Id < customerId)
                {
                    Push(customers[next++]);
                }

                currentId = customerId;
                open = next < customers.Count && customers[next].Id == customerId;
            }

            if (open)
            {
                current[slot].Add(new(date, value));
            }
        }

        public void Finish()
        {
            if (open)
            {
                Push(customers[next++]);
                open = false;
            }

            while (next < customers.Count)
            {
                Push(customers[next++]);
            }

            if (batch.Customers.Count > 0)
            {
                batch.Offsets.Add(batch.ObservationCount);
                Ready.Add(batch);
                batch = pool.Take(++sequence);
            }
        }

        private void Push(RuleCustomer customer)
        {
            batch.Customers.Add(customer);
            foreach (var list in current)
            {
                batch.Offsets.Add(batch.ObservationCount);
                batch.Append(list);
                list.Clear();
            }

            if (batch.Customers.Count == BatchSize)
            {
                batch.Offsets.Add(batch.ObservationCount);
                Ready.Add(batch);
                batch = pool.Take(++sequence);
            }
        }
    }

    /// <summary>One customer's series of one slot: a window on the batch's observations.</summary>
    private sealed class SeriesView : Domain.Warning.Rules.IIndicatorSeries
    {
        public Domain.Warning.Rules.IndicatorObservation[] Array { get; set; } = [];

        public int Start { get; set; }

        public int Length { get; set; }

        public ReadOnlySpan<Domain.Warning.Rules.IndicatorObservation> Observations => new(Array, Start, Length);
    }

    /// <summary>Per evaluator thread: reusable series views and feature vector.</summary>
    private sealed class Evaluator(CompiledRuleSet set, DateOnly date, IReadOnlyDictionary<string, IndustryStatistics>? industries, ApplicableEntries applicable)
    {
        private readonly SeriesView[] views = Enumerable.Range(0, set.IndicatorIds.Length).Select(_ => new SeriesView()).ToArray();
        private readonly Domain.Warning.Rules.IIndicatorSeries?[] series = new Domain.Warning.Rules.IIndicatorSeries?[set.IndicatorIds.Length];
        private readonly double[] vector = new double[set.Layout.Count];
        private readonly RuleTruth[] truths = new RuleTruth[set.Entries.Length];

        public void Evaluate(Batch batch, RuleEvaluation result, List<RuleHit> hits)
        {
            var observations = batch.Observations;
            var offsets = batch.Offsets;
            for (var k = 0; k < batch.Customers.Count; k++)
            {
                var customer = batch.Customers[k];
                var entries = applicable.For(customer);
                result.Customers++;
                if (entries.Length == 0)
                {
                    continue;
                }

                for (var s = 0; s < views.Length; s++)
                {
                    var start = offsets[(k * batch.Slots) + s];
                    var end = offsets[(k * batch.Slots) + s + 1];
                    views[s].Array = observations;
                    views[s].Start = start;
                    views[s].Length = end - start;
                    series[s] = end > start ? views[s] : null;
                }

                var industry = customer.Industry is { } name && industries is not null && industries.TryGetValue(name, out var stats) ? stats : null;
                set.Layout.Fill(date, series, industry, vector);
                foreach (var e in entries)
                {
                    truths[e] = set.Entries[e].Compiled.Evaluate(vector);
                }

                foreach (var e in entries)
                {
                    var entry = set.Entries[e];
                    result.Evaluated[e]++;
                    if (truths[e] == RuleTruth.Unknown)
                    {
                        result.Unknown[e]++;
                        continue;
                    }

                    if (truths[e] != RuleTruth.True)
                    {
                        continue;
                    }

                    result.HitCounts[e]++;
                    var overlap = entry.IsShadow && entry.PublishedIndex >= 0 && Array.IndexOf(entries, entry.PublishedIndex) >= 0 && truths[entry.PublishedIndex] == RuleTruth.True;
                    if (overlap)
                    {
                        result.Overlap[e]++;
                    }

                    hits.Add(new RuleHit(customer.Id, e, entry.IsShadow ? (overlap ? "published" : null) : RuleDetail.Describe(entry.Compiled, vector)));
                }
            }
        }
    }

    /// <summary>The versions covering each kind of customer, cached by organisation, kind and industry (products checked apart).</summary>
    private sealed class ApplicableEntries(CompiledRuleSet set)
    {
        // Customers with the same products share one array (RuleCustomers interns them), so the array reference is the key.
        private readonly System.Collections.Concurrent.ConcurrentDictionary<(int, CustomerKind, string?, int[]), int[]> cache = new();

        public int[] For(RuleCustomer customer) =>
            // The factory takes its arguments: a capturing one allocated a closure and a delegate per customer, found or not.
            cache.GetOrAdd((customer.OrganisationId, customer.Kind, customer.Industry, customer.Products), static (_, arguments) =>
                [.. Enumerable.Range(0, arguments.Set.Entries.Length).Where(e => arguments.Set.Entries[e].Scope.Covers(arguments.Customer))], (Set: set, Customer: customer));
    }
}

/// <summary>What <see cref="RuleRunner.PrepareAsync"/> made ready: the industry medians (when used) and how long the refresh and the medians took.</summary>
public sealed record RunPreparation(IReadOnlyDictionary<string, IndustryStatistics>? Industries, TimeSpan Refresh, TimeSpan Industry);

/// <summary>Formats what a rule read, for the signal's detail: <c>now(dpd) = 35; …</c>.</summary>
public static class RuleDetail
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<CompiledRule, string[]> Labels = new();

    [ThreadStatic]
    private static System.Text.StringBuilder? builder;

    /// <summary>The values <paramref name="rule"/> read from <paramref name="vector"/>, at most 2,000 characters.</summary>
    public static string Describe(CompiledRule rule, ReadOnlySpan<double> vector)
    {
        // A night's hundreds of thousands of hits: the labels are made once per rule and the text in one reused buffer.
        var labels = Labels.GetValue(rule, r => [.. r.Rule.Features.Select(f => f + " = ")]);
        var text = builder ??= new System.Text.StringBuilder(256);
        text.Clear();
        Span<char> number = stackalloc char[32];
        for (var i = 0; i < labels.Length; i++)
        {
            if (i > 0)
            {
                text.Append("; ");
            }

            text.Append(labels[i]);
            var value = vector[rule.Slots[i]];
            if (double.IsNaN(value))
            {
                text.Append('—');
            }
            else if (value.TryFormat(number, out var written, "0.####", CultureInfo.InvariantCulture))
            {
                text.Append(number[..written]);
            }
            else
            {
                text.Append(value.ToString("0.####", CultureInfo.InvariantCulture));
            }
        }

        return text.Length <= 2000 ? text.ToString() : text.ToString(0, 2000);
    }
}
