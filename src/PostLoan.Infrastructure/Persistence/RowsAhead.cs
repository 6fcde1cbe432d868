using System.Collections.Concurrent;

namespace PostLoan.Infrastructure.Persistence;

/// <summary>
/// Enumerates a sequence on a thread of its own, a few blocks ahead of the caller: a bulk insert's lazily made items
/// (a night's signal steps) are made on the second core while the caller's thread binds and writes the ones before —
/// SQLite has one writer, and a night's rows otherwise are made and written on one core.
/// Only for sequences made from memory: one that reads the connection being written must stay on the writer's thread.
/// A failure while building is thrown to the caller; a caller that stops early stops the builder.
/// </summary>
public static class RowsAhead
{
    private const int Block = 1024;
    private const int BlocksAhead = 8;

    /// <summary><paramref name="source"/>, built ahead on its own thread.</summary>
    public static IEnumerable<T> Of<T>(IEnumerable<T> source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return Iterate(source);
    }

    private static IEnumerable<T> Iterate<T>(IEnumerable<T> source)
    {
        using var stop = new CancellationTokenSource();
        using var blocks = new BlockingCollection<T[]>(BlocksAhead);
        // A thread of its own: the writer blocks while it waits, and pool threads may all be busy evaluating.
        var builder = Task.Factory.StartNew(() =>
        {
            try
            {
                var block = new T[Block];
                var count = 0;
                foreach (var item in source)
                {
                    block[count++] = item;
                    if (count == Block)
                    {
                        blocks.Add(block, stop.Token);
                        (block, count) = (new T[Block], 0);
                    }
                }

                if (count > 0)
                {
                    blocks.Add(block[..count], stop.Token);
                }
            }
            finally
            {
                blocks.CompleteAdding();
            }
        }, stop.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        try
        {
            foreach (var block in blocks.GetConsumingEnumerable())
            {
                foreach (var item in block)
                {
                    yield return item;
                }
            }

            builder.GetAwaiter().GetResult(); // a failure while building
        }
        finally
        {
            if (!builder.IsCompleted)
            {
                // The caller stopped early (its own failure, which is what it throws): stop the builder and let it finish.
                stop.Cancel();
                try
                {
                    builder.Wait(CancellationToken.None);
                }
                catch (AggregateException)
                {
                    // Cancelled, or failed after the caller had stopped: the caller's own error is the one thrown.
                }
            }
        }
    }
}
