using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using SQLitePCL;

namespace PostLoan.Infrastructure.Persistence;

/// <summary>
/// The values of the row being inserted by <see cref="BulkWriter.InsertSqlite{T}"/>: whole numbers, text, nulls, and
/// the EF SQLite representations of instants (binary ticks), decimals (invariant text), dates (yyyy-MM-dd, cached) and
/// other values. A value equal to the one the same column had in the previous row is not bound again: SQLite keeps a
/// statement's bindings across executions, and a night's signals or steps repeat most of their columns (the status,
/// the date, the organisation), so most calls into SQLite are saved. Text is encoded into a reused buffer. A statement of
/// several rows binds row r's column k at slot r × columns + k (<see cref="Base"/>); what a slot has bound can be copied to
/// another statement.
/// </summary>
public sealed class SqliteRow
{
    private static readonly Func<DateTimeOffset, long> SqliteInstant = new DateTimeOffsetToBinaryConverter().ConvertToProviderTyped;

    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private readonly Dictionary<int, string> _dates = [];

    /// <summary>Parameter index of each column, or null when column k is parameter k + 1.</summary>
    private readonly int[]? _indexes;

    /// <summary>What each slot has bound now (grown on demand), and its number, or its text or blob.</summary>
    private Bound[] _kinds = new Bound[32];
    private long[] _numbers = new long[32];
    private object?[] _values = new object?[32];
    private byte[] _utf8 = new byte[256];

    internal SqliteRow(sqlite3 db, sqlite3_stmt statement, int[]? indexes = null)
    {
        _db = db;
        _statement = statement;
        _indexes = indexes;
    }

    private enum Bound : byte
    {
        Unknown,
        Null,
        Integer,
        Real,
        Text,

        /// <summary>A blob: kept to be copied (<see cref="CopyTo"/>), never left bound as "equal".</summary>
        Blob,
    }

    /// <summary>
    /// Where the row's columns start among the statement's parameters: 0, or r × columns for row r of a statement that
    /// inserts several rows at once (<see cref="BulkWriter.InsertSqlite{T}"/>). Column k of the row is slot Base + k.
    /// </summary>
    internal int Base { get; set; }

    /// <summary>Keep a copy of each blob bound, for <see cref="CopyTo"/> (the rows of a several-row statement: the writer may refill its array before they are copied).</summary>
    internal bool KeepsBlobCopies { get; init; }

    public void Integer(int column, long value) => SetInteger(Base + column, value);

    public void Integer(int column, long? value)
    {
        if (value is { } number)
        {
            SetInteger(Base + column, number);
        }
        else
        {
            SetNull(Base + column);
        }
    }

    /// <summary>A floating-point value (bit for bit: -0.0 and 0.0 are bound apart).</summary>
    public void Real(int column, double value) => SetReal(Base + column, value);

    public void Real(int column, double? value)
    {
        if (value is { } number)
        {
            SetReal(Base + column, number);
        }
        else
        {
            SetNull(Base + column);
        }
    }

    /// <summary>Text, or NULL for null.</summary>
    public void Text(int column, string? value) => SetText(Base + column, value);

    public void Null(int column) => SetNull(Base + column);

    /// <summary>An instant as EF Core's SQLite binary ticks.</summary>
    public void Instant(int column, DateTimeOffset value) => Integer(column, SqliteInstant(value));

    public void Instant(int column, DateTimeOffset? value)
    {
        if (value is { } instant)
        {
            Instant(column, instant);
        }
        else
        {
            Null(column);
        }
    }

    /// <summary>A flag as EF Core stores it on SQLite (1 or 0).</summary>
    public void Flag(int column, bool value) => Integer(column, value ? 1L : 0L);

    public void Flag(int column, bool? value) => Integer(column, value is { } flag ? (flag ? 1L : 0L) : null);

    /// <summary>An exact decimal as EF Core's SQLite text.</summary>
    public void Decimal(int column, decimal value) => Text(column, BulkWriter.SqliteDecimal(value));

    public void Decimal(int column, decimal? value) => Text(column, value is { } amount ? BulkWriter.SqliteDecimal(amount) : null);

    /// <summary>Yuan as whole cents (the cent columns of positions, snapshots and ECL results).</summary>
    public void Cents(int column, decimal yuan) => Integer(column, decimal.ToInt64(yuan * 100m));

    public void Date(int column, DateOnly value)
    {
        if (!_dates.TryGetValue(value.DayNumber, out var text))
        {
            _dates[value.DayNumber] = text = value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }

        Text(column, text);
    }

    public void Date(int column, DateOnly? value)
    {
        if (value is { } date)
        {
            Date(column, date);
        }
        else
        {
            Null(column);
        }
    }

    /// <summary>A blob (always bound again: arrays are compared by reference only, and may have changed in place).</summary>
    public void Blob(int column, byte[] value) => SetBlob(Base + column, value);

    /// <summary>Any value, converted as <see cref="BulkWriter.SqliteValue"/> does.</summary>
    public void Value(int column, object? value)
    {
        switch (value)
        {
            case null or DBNull: Null(column); break;
            case long l: Integer(column, l); break;
            case int n: Integer(column, n); break;
            case short n: Integer(column, n); break;
            case string text: Text(column, text); break;
            case double d: Real(column, d); break;
            case byte[] bytes: Blob(column, bytes); break;
            case DateOnly date: Date(column, date); break;
            default:
                var stored = BulkWriter.SqliteValue(value);
                Value(column, stored.GetType() == value.GetType() ? Convert.ToString(stored, CultureInfo.InvariantCulture) : stored);
                break;
        }
    }

    /// <summary>
    /// Binds <paramref name="target"/>'s columns 0 … <paramref name="count"/>−1 to what this row's slots
    /// <paramref name="from"/> … have bound: the rows of a several-row statement that did not fill it, stepped one by one
    /// (their items may be gone: a writer may refill one buffer per row). A slot nothing was bound to binds NULL.
    /// </summary>
    internal void CopyTo(SqliteRow target, int from, int count)
    {
        for (var c = 0; c < count; c++)
        {
            var (slot, to) = (from + c, target.Base + c);
            switch (slot < _kinds.Length ? _kinds[slot] : Bound.Unknown)
            {
                case Bound.Integer: target.SetInteger(to, _numbers[slot]); break;
                case Bound.Real: target.SetReal(to, BitConverter.Int64BitsToDouble(_numbers[slot])); break;
                case Bound.Text: target.SetText(to, (string)_values[slot]!); break;
                case Bound.Blob: target.SetBlob(to, (byte[])_values[slot]!); break;
                default: target.SetNull(to); break;
            }
        }
    }

    private void SetInteger(int slot, long value)
    {
        if (Has(slot, Bound.Integer) && _numbers[slot] == value)
        {
            return;
        }

        BulkWriter.Check(_db, raw.sqlite3_bind_int64(_statement, Index(slot), value));
        (_kinds[slot], _numbers[slot]) = (Bound.Integer, value);
    }

    private void SetReal(int slot, double value)
    {
        var bits = BitConverter.DoubleToInt64Bits(value);
        if (Has(slot, Bound.Real) && _numbers[slot] == bits)
        {
            return;
        }

        BulkWriter.Check(_db, raw.sqlite3_bind_double(_statement, Index(slot), value));
        (_kinds[slot], _numbers[slot]) = (Bound.Real, bits);
    }

    private void SetText(int slot, string? value)
    {
        if (value is null)
        {
            SetNull(slot);
            return;
        }

        if (Has(slot, Bound.Text) && (ReferenceEquals(_values[slot], value) || string.Equals((string)_values[slot]!, value, StringComparison.Ordinal)))
        {
            return;
        }

        var length = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (_utf8.Length < length)
        {
            _utf8 = new byte[Math.Max(length, _utf8.Length * 2)];
        }

        var written = Encoding.UTF8.GetBytes(value, _utf8);
        // Empty text through the string overload: a zero-length span may reach SQLite as a null pointer, which binds NULL.
        BulkWriter.Check(_db, written == 0
            ? raw.sqlite3_bind_text(_statement, Index(slot), string.Empty)
            : raw.sqlite3_bind_text(_statement, Index(slot), _utf8.AsSpan(0, written)));
        (_kinds[slot], _values[slot]) = (Bound.Text, value);
    }

    private void SetBlob(int slot, byte[] value)
    {
        _ = Has(slot, Bound.Blob);
        BulkWriter.Check(_db, raw.sqlite3_bind_blob(_statement, Index(slot), value));
        (_kinds[slot], _values[slot]) = (Bound.Blob, KeepsBlobCopies ? value.ToArray() : value);
    }

    private void SetNull(int slot)
    {
        if (Has(slot, Bound.Null))
        {
            return;
        }

        BulkWriter.Check(_db, raw.sqlite3_bind_null(_statement, Index(slot)));
        (_kinds[slot], _values[slot]) = (Bound.Null, null);
    }

    private int Index(int slot) => _indexes is null ? slot + 1 : _indexes[slot];

    /// <summary>Whether <paramref name="slot"/> has a value of <paramref name="kind"/> bound (growing the state to reach it).</summary>
    private bool Has(int slot, Bound kind)
    {
        if (slot >= _kinds.Length)
        {
            var size = Math.Max(slot + 1, _kinds.Length * 2);
            Array.Resize(ref _kinds, size);
            Array.Resize(ref _numbers, size);
            Array.Resize(ref _values, size);
        }

        return _kinds[slot] == kind;
    }
}
