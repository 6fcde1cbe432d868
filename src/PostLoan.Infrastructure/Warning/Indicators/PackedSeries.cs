using System.Buffers.Binary;

namespace PostLoan.Infrastructure.Warning.Indicators;

/// <summary>
/// One customer's indicator values packed into one row (<c>indicator_series</c>), derived from <c>indicator_values</c> by
/// <see cref="IndicatorSeriesPacker"/>: the nightly rule run reads a million customers as a million rows instead of thirty
/// million. Never written by hand; <c>indicator_values</c> stays the record.
/// </summary>
public sealed class PackedIndicatorSeries
{
    /// <summary>The customer (the key).</summary>
    public int CustomerId { get; set; }

    /// <summary>The values in <see cref="PackedSeries"/> format.</summary>
    public byte[] Data { get; set; } = [];
}

/// <summary>A customer whose values changed since their series was packed (written by triggers on <c>indicator_values</c>).</summary>
public sealed class StaleIndicatorSeries
{
    /// <summary>The customer (the key).</summary>
    public int CustomerId { get; set; }
}

/// <summary>
/// The packed format: for each indicator in id order, <c>int32 indicatorId, int32 count</c>, then the count dates as
/// <c>int32</c> day numbers and the count values as <c>float64</c>, little-endian, in (date, id) order as the rule run
/// reads them.
/// </summary>
public static class PackedSeries
{
    /// <summary>Packs one customer's rows, ordered by (indicator, date, id).</summary>
    public static byte[] Pack(ReadOnlySpan<(int Indicator, int Day, double Value)> rows)
    {
        var groups = 0;
        for (var i = 0; i < rows.Length; i++)
        {
            if (i == 0 || rows[i].Indicator != rows[i - 1].Indicator)
            {
                groups++;
            }
        }

        var data = new byte[(groups * 8) + (rows.Length * 12)];
        var span = data.AsSpan();
        var offset = 0;
        for (var start = 0; start < rows.Length;)
        {
            var end = start + 1;
            while (end < rows.Length && rows[end].Indicator == rows[start].Indicator)
            {
                end++;
            }

            BinaryPrimitives.WriteInt32LittleEndian(span[offset..], rows[start].Indicator);
            BinaryPrimitives.WriteInt32LittleEndian(span[(offset + 4)..], end - start);
            offset += 8;
            for (var i = start; i < end; i++, offset += 4)
            {
                BinaryPrimitives.WriteInt32LittleEndian(span[offset..], rows[i].Day);
            }

            for (var i = start; i < end; i++, offset += 8)
            {
                BinaryPrimitives.WriteDoubleLittleEndian(span[offset..], rows[i].Value);
            }

            start = end;
        }

        return data;
    }

    /// <summary>
    /// Hands <paramref name="sink"/> every value of an indicator in <paramref name="slotOfIndicator"/> (indexed by indicator
    /// id, -1 for unwanted) dated within [<paramref name="from"/>, <paramref name="to"/>], in indicator then (date, id) order;
    /// returns how many.
    /// </summary>
    public static int Read<TSink>(ReadOnlySpan<byte> data, ReadOnlySpan<int> slotOfIndicator, int from, int to, ref TSink sink)
        where TSink : struct, ISeriesSink
    {
        var count = 0;
        var offset = 0;
        while (offset < data.Length)
        {
            var indicator = BinaryPrimitives.ReadInt32LittleEndian(data[offset..]);
            var n = BinaryPrimitives.ReadInt32LittleEndian(data[(offset + 4)..]);
            var days = offset + 8;
            var values = days + (4 * n);
            offset = values + (8 * n);
            var slot = (uint)indicator < (uint)slotOfIndicator.Length ? slotOfIndicator[indicator] : -1;
            if (slot < 0)
            {
                continue;
            }

            for (var i = 0; i < n; i++)
            {
                var day = BinaryPrimitives.ReadInt32LittleEndian(data[(days + (4 * i))..]);
                if (day < from || day > to)
                {
                    continue;
                }

                sink.Add(slot, day, BinaryPrimitives.ReadDoubleLittleEndian(data[(values + (8 * i))..]));
                count++;
            }
        }

        return count;
    }
}

/// <summary>Receives the values <see cref="PackedSeries.Read"/> decodes (a struct, so the call is inlined).</summary>
public interface ISeriesSink
{
    /// <summary>One value of the indicator in <paramref name="slot"/> on day number <paramref name="day"/>.</summary>
    void Add(int slot, int day, double value);
}
