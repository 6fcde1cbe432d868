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
/// the date, the organisation), so most calls into SQLite are saved. Text is encoded into a reused buffer.
/// </summary>
public sealed class SqliteRow
{
    private static readonly Func<DateTimeOffset, long> SqliteInstant = new DateTimeOffsetToBinaryConverter().ConvertToProviderTyped;

    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private readonly Dictionary<int, string> _dates = [];

    /// <summary>Parameter index of each column, or null when column k is parameter k + 1.</summary>
    private readonly int[]? _indexes;

    /// <summary>What each column has bound now (by column; grown on demand), and its number or text.</summary>
    private Bound[] _kinds = new Bound[32];
    private long[] _numbers = new long[32];
    private string?[] _texts = new string?[32];
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
    }

    public void Integer(int column, long value)
    {
        if (Has(column, Bound.Integer) && _numbers[column] == value)
        {
            return;
        }

        BulkWriter.Check(_db, raw.sqlite3_bind_int64(_statement, Index(column), value));
        (_kinds[column], _numbers[column]) = (Bound.Integer, value);
    }

    public void Integer(int column, long? value)
    {
        if (value is { } number)
        {
            Integer(column, number);
        }
        else
        {
            Null(column);
        }
    }

    /// <summary>A floating-point value (bit for bit: -0.0 and 0.0 are bound apart).</summary>
    public void Real(int column, double value)
    {
        var bits = BitConverter.DoubleToInt64Bits(value);
        if (Has(column, Bound.Real) && _numbers[column] == bits)
        {
            return;
        }

        BulkWriter.Check(_db, raw.sqlite3_bind_double(_statement, Index(column), value));
        (_kinds[column], _numbers[column]) = (Bound.Real, bits);
    }

    public void Real(int column, double? value)
    {
        if (value is { } number)
        {
            Real(column, number);
        }
        else
        {
            Null(column);
        }
    }

    /// <summary>Text, or NULL for null.</summary>
    public void Text(int column, string? value)
    {
        if (value is null)
        {
            Null(column);
            return;
        }

        if (Has(column, Bound.Text) && (ReferenceEquals(_texts[column], value) || string.Equals(_texts[column], value, StringComparison.Ordinal)))
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
            ? raw.sqlite3_bind_text(_statement, Index(column), string.Empty)
            : raw.sqlite3_bind_text(_statement, Index(column), _utf8.AsSpan(0, written)));
        (_kinds[column], _texts[column]) = (Bound.Text, value);
    }

    public void Null(int column)
    {
        if (Has(column, Bound.Null))
        {
            return;
        }

        BulkWriter.Check(_db, raw.sqlite3_bind_null(_statement, Index(column)));
        (_kinds[column], _texts[column]) = (Bound.Null, null);
    }

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
    public void Blob(int column, byte[] value)
    {
        _ = Has(column, Bound.Unknown);
        BulkWriter.Check(_db, raw.sqlite3_bind_blob(_statement, Index(column), value));
        (_kinds[column], _texts[column]) = (Bound.Unknown, null);
    }

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

    private int Index(int column) => _indexes is null ? column + 1 : _indexes[column];

    /// <summary>Whether <paramref name="column"/> has a value of <paramref name="kind"/> bound (growing the state to reach it).</summary>
    private bool Has(int column, Bound kind)
    {
        if (column >= _kinds.Length)
        {
            var size = Math.Max(column + 1, _kinds.Length * 2);
            Array.Resize(ref _kinds, size);
            Array.Resize(ref _numbers, size);
            Array.Resize(ref _texts, size);
        }

        return _kinds[column] == kind;
    }
}
