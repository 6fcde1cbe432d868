using System.Text;

namespace PostLoan.Infrastructure.Persistence;

/// <summary>
/// One string per distinct text while reading many rows (organisation paths, account managers, industries): a million
/// customers share a few hundred strings, and text read as UTF-8 bytes is only turned into a string the first time.
/// </summary>
public sealed class TextPool
{
    private readonly Dictionary<string, string> _pool = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private byte[] _lastBytes = new byte[64];
    private int _lastLength = -1;
    private string _last = "";

    public TextPool() => _lookup = _pool.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The pooled string equal to <paramref name="text"/>.</summary>
    public string Get(string text)
    {
        if (!_pool.TryGetValue(text, out var pooled))
        {
            _pool[text] = pooled = text;
        }

        return pooled;
    }

    /// <summary>The pooled string of UTF-8 <paramref name="utf8"/>.</summary>
    public string Get(ReadOnlySpan<byte> utf8)
    {
        // Rows in id order often repeat the text of the row before (the same branch, the same manager).
        if (utf8.Length == _lastLength && utf8.SequenceEqual(_lastBytes.AsSpan(0, _lastLength)))
        {
            return _last;
        }

        // Kept in one reused buffer: a million rows whose text changes from row to row are not a million small arrays.
        if (utf8.Length > _lastBytes.Length)
        {
            _lastBytes = new byte[Math.Max(utf8.Length, _lastBytes.Length * 2)];
        }

        utf8.CopyTo(_lastBytes);
        _lastLength = utf8.Length;
        return _last = Decode(utf8);
    }

    private string Decode(ReadOnlySpan<byte> utf8)
    {
        Span<char> chars = utf8.Length <= 256 ? stackalloc char[utf8.Length] : new char[utf8.Length];
        var length = Encoding.UTF8.GetChars(utf8, chars);
        if (_lookup.TryGetValue(chars[..length], out var pooled))
        {
            return pooled;
        }

        pooled = new string(chars[..length]);
        _pool[pooled] = pooled;
        return pooled;
    }
}
