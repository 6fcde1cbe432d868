namespace PostLoan.Infrastructure.Persistence;

/// <summary>
/// An append-only list kept in segments of a fixed size that is never copied: a night that keeps what it wrote for
/// hundreds of thousands of rows grows it segment by segment instead of doubling one array (a first night's doubling
/// copied 128 MB on the large-object heap, each copy fresh pages to fault in and a full collection's worth of budget).
/// Segments stay below the large-object threshold for the entry sizes it is used with.
/// </summary>
internal sealed class SegmentedList<T>
{
    private const int Shift = 10;
    private const int SegmentSize = 1 << Shift;
    private readonly List<T[]> _segments = [];

    /// <summary>The entries added.</summary>
    public int Count { get; private set; }

    /// <summary>The <paramref name="index"/>th entry added.</summary>
    public ref readonly T this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            return ref _segments[index >> Shift][index & (SegmentSize - 1)];
        }
    }

    /// <summary>Adds <paramref name="item"/> at the end.</summary>
    public void Add(in T item)
    {
        var offset = Count & (SegmentSize - 1);
        if (offset == 0)
        {
            _segments.Add(new T[SegmentSize]);
        }

        _segments[^1][offset] = item;
        Count++;
    }
}
