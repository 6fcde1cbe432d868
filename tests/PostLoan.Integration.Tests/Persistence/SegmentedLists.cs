using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Integration.Tests.Persistence;

/// <summary>
/// The segmented list a night keeps its new signals in: every entry where it was added across segment boundaries, and
/// nothing read beyond what was added.
/// </summary>
public sealed class SegmentedLists
{
    [Fact]
    public void Entries_across_segments_are_read_back_where_they_were_added()
    {
        var list = new SegmentedList<(long Id, string Detail)>();
        for (var i = 0; i < 2_500; i++)
        {
            list.Add((1_000_000L + i, $"d{i}"));
        }

        Assert.Equal(2_500, list.Count);
        Assert.Equal((1_000_000L, "d0"), list[0]);
        Assert.Equal((1_001_023L, "d1023"), list[1023]); // the last of the first segment
        Assert.Equal((1_001_024L, "d1024"), list[1024]); // the first of the second
        Assert.Equal((1_002_499L, "d2499"), list[2_499]);
    }

    [Fact]
    public void An_index_outside_what_was_added_is_refused()
    {
        var list = new SegmentedList<int>();
        list.Add(7);

        Assert.Throws<ArgumentOutOfRangeException>(() => list[1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => list[-1]);
        Assert.Equal(7, list[0]);
    }
}
