using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Integration.Tests.Persistence;

/// <summary>
/// <see cref="RowsAhead"/>: a bulk insert's rows built on a thread of their own come to the writer in their order; a
/// failure while building reaches the writer after the whole blocks before it; a writer that stops early stops the
/// builder, which lets go of its source.
/// </summary>
public sealed class RowsBuiltAhead
{
    [Fact]
    public void The_rows_come_in_order_built_on_another_thread()
    {
        var writer = Environment.CurrentManagedThreadId;
        var builders = new HashSet<int>();

        var rows = RowsAhead.Of(Enumerable.Range(0, 5000).Select(i =>
        {
            lock (builders)
            {
                builders.Add(Environment.CurrentManagedThreadId);
            }

            return i;
        })).ToList();

        Assert.Equal(Enumerable.Range(0, 5000), rows);
        Assert.DoesNotContain(writer, builders);
    }

    [Fact]
    public void A_failure_while_building_reaches_the_writer_after_the_whole_blocks_before_it()
    {
        var received = new List<int>();

        var failure = Assert.Throws<InvalidOperationException>(() =>
        {
            foreach (var row in RowsAhead.Of(Failing(3000)))
            {
                received.Add(row);
            }
        });

        Assert.Equal("row 3000 cannot be built", failure.Message);
        Assert.Equal(Enumerable.Range(0, 2048), received); // two blocks of 1,024; the third was never finished
    }

    [Fact]
    public void A_writer_that_stops_early_stops_the_builder_and_the_source_is_let_go()
    {
        var source = new EndlessSource();

        var first = RowsAhead.Of(source.Rows()).Take(10).ToList();

        Assert.Equal(Enumerable.Range(0, 10), first);
        Assert.True(source.Released);
        Assert.InRange(source.Built, 10, 16 * 1024); // the blocks ahead at most, not the endless rest
    }

    private static IEnumerable<int> Failing(int at)
    {
        for (var i = 0; ; i++)
        {
            if (i == at)
            {
                throw new InvalidOperationException($"row {i} cannot be built");
            }

            yield return i;
        }
    }

    private sealed class EndlessSource
    {
        private int _built;

        public bool Released { get; private set; }

        public int Built => Volatile.Read(ref _built);

        public IEnumerable<int> Rows()
        {
            try
            {
                for (var i = 0; ; i++)
                {
                    Interlocked.Increment(ref _built);
                    yield return i;
                }
            }
            finally
            {
                Released = true;
            }
        }
    }
}
