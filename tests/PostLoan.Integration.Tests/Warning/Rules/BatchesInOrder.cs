using System.Threading.Channels;
using PostLoan.Infrastructure.Warning.Rules;

namespace PostLoan.Integration.Tests.Warning.Rules;

/// <summary>
/// How a run hands its batches' hits on (<c>RuleRunner.InOrder</c>): in batch order whichever evaluator finished first,
/// and never silently short — a batch that never comes or comes twice (a batch reused before its sequence was read)
/// stops the night instead of dropping the hits after it.
/// </summary>
public sealed class BatchesInOrder
{
    [Fact]
    public async Task Batches_finished_out_of_order_are_handed_on_in_order()
    {
        var handed = await HandOnAsync((2, [Hit(30)]), (0, [Hit(10), Hit(11)]), (1, []));

        Assert.Equal([[10, 11], [], [30]], handed.Select(b => b.Select(h => h.CustomerId).ToArray()));
    }

    [Fact]
    public async Task A_batch_that_never_came_is_an_error_not_lost_hits()
    {
        var handed = new List<IReadOnlyList<RuleHit>>();

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => HandOnAsync(handed, (0, [Hit(10)]), (2, [Hit(30)]), (3, [Hit(40)])));

        Assert.Equal("batch 1 of the run never came; 2 later batches were not handed on", failure.Message);
        Assert.Equal([10], handed.SelectMany(b => b).Select(h => h.CustomerId)); // what came before the gap was handed on
    }

    [Fact]
    public async Task A_batch_handed_on_twice_is_an_error()
    {
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => HandOnAsync((1, [Hit(20)]), (0, [Hit(10)]), (1, [Hit(21)])));

        Assert.Equal("batch 1 of the run was handed on twice", failure.Message);
    }

    private static RuleHit Hit(int customer) => new(customer, 0, null);

    private static async Task<List<IReadOnlyList<RuleHit>>> HandOnAsync(params (int Sequence, List<RuleHit> Hits)[] finished)
    {
        var handed = new List<IReadOnlyList<RuleHit>>();
        await HandOnAsync(handed, finished);
        return handed;
    }

    private static async Task HandOnAsync(List<IReadOnlyList<RuleHit>> handed, params (int Sequence, List<RuleHit> Hits)[] finished)
    {
        var channel = Channel.CreateUnbounded<(int, List<RuleHit>)>();
        foreach (var batch in finished)
        {
            channel.Writer.TryWrite(batch);
        }

        channel.Writer.Complete();
        await foreach (var hits in RuleRunner.InOrder(channel.Reader, CancellationToken.None))
        {
            handed.Add(hits);
        }
    }
}
