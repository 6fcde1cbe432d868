using System.Data.Common;
using System.Globalization;
using System.Runtime.InteropServices;
using PostLoan.Domain.Ledger.Customers;
using PostLoan.Domain.Warning.Rules;
using Microsoft.Data.Sqlite;
using PostLoan.Infrastructure.Persistence;
using SQLitePCL;

namespace PostLoan.Infrastructure.Warning.Rules;

/// <summary>Reads the customers the rules run over, with the products of their loans, in one pass each (no tracking).</summary>
public static class RuleCustomers
{
    private const string ProductsSql = "SELECT DISTINCT \"CustomerId\", \"ProductId\" FROM loans{0} ORDER BY \"CustomerId\", \"ProductId\"";

    private const string CustomersSql = "SELECT \"Id\", \"OrganisationId\", \"OrganisationPath\", \"AccountManagerId\", \"Kind\", \"Industry\" FROM customers{0} ORDER BY \"Id\"";

    /// <summary>Every customer (or those listed), sorted by id. Customers with the same products share one products array.</summary>
    public static async Task<List<RuleCustomer>> LoadAsync(DbConnection connection, IReadOnlyCollection<int>? only, CancellationToken cancellationToken)
    {
        if (only is null && connection is SqliteConnection sqlite)
        {
            return LoadSqlite(sqlite);
        }

        var filter = only is null ? "" : $" WHERE \"{{0}}\" IN ({string.Join(',', only.Select(i => i.ToString(CultureInfo.InvariantCulture)))})";
        var products = new Dictionary<int, List<int>>();
        await using (var command = BulkWriter.Command(connection, null, string.Format(CultureInfo.InvariantCulture, ProductsSql, string.Format(CultureInfo.InvariantCulture, filter, "CustomerId"))))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                AddProduct(products, reader.GetInt32(0), reader.GetInt32(1));
            }
        }

        var builder = new Builder();
        await using (var command = BulkWriter.Command(connection, null, string.Format(CultureInfo.InvariantCulture, CustomersSql, string.Format(CultureInfo.InvariantCulture, filter, "Id"))))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var id = reader.GetInt32(0);
                builder.Add(id, reader.GetInt32(1), builder.Paths.Get(reader.GetString(2)), reader.IsDBNull(3) ? null : builder.Managers.Get(reader.GetString(3)),
                    (CustomerKind)reader.GetInt32(4), reader.IsDBNull(5) ? null : builder.Industries.Get(reader.GetString(5)),
                    products.TryGetValue(id, out var list) ? CollectionsMarshal.AsSpan(list) : []);
            }
        }

        return builder.Customers;
    }

    /// <summary>
    /// The whole book on SQLite, stepped through SQLite's own API (a million customers: no reader or string per column). The
    /// customers and their loans' products are both read in customer order and merged as they come: no look-up table of
    /// a million lists, no key made per customer.
    /// </summary>
    private static List<RuleCustomer> LoadSqlite(SqliteConnection connection)
    {
        var builder = new Builder();
        var current = new List<int>();
        using var products = SqliteRows.Each(connection, string.Format(CultureInfo.InvariantCulture, ProductsSql, "")).GetEnumerator();
        var more = products.MoveNext();
        foreach (var row in SqliteRows.Each(connection, string.Format(CultureInfo.InvariantCulture, CustomersSql, "")))
        {
            var id = raw.sqlite3_column_int(row, 0);
            current.Clear();
            // Products of loans whose customer is not read (none, with the foreign key) are passed over.
            for (int customer; more && (customer = raw.sqlite3_column_int(products.Current, 0)) <= id; more = products.MoveNext())
            {
                if (customer == id)
                {
                    current.Add(raw.sqlite3_column_int(products.Current, 1));
                }
            }

            builder.Add(id, raw.sqlite3_column_int(row, 1), builder.Paths.Get(raw.sqlite3_column_blob(row, 2)),
                raw.sqlite3_column_type(row, 3) == raw.SQLITE_NULL ? null : builder.Managers.Get(raw.sqlite3_column_blob(row, 3)),
                (CustomerKind)raw.sqlite3_column_int(row, 4),
                raw.sqlite3_column_type(row, 5) == raw.SQLITE_NULL ? null : builder.Industries.Get(raw.sqlite3_column_blob(row, 5)),
                CollectionsMarshal.AsSpan(current));
        }

        return builder.Customers;
    }

    private static void AddProduct(Dictionary<int, List<int>> products, int customer, int product)
    {
        if (!products.TryGetValue(customer, out var list))
        {
            products[customer] = list = [];
        }

        list.Add(product);
    }

    /// <summary>Builds the customers, sharing one products array per distinct product set and one string per distinct text.</summary>
    private sealed class Builder
    {
        private readonly Dictionary<int[], int[]> _shared = new(ProductSets.Instance);
        private readonly Dictionary<int[], int[]>.AlternateLookup<ReadOnlySpan<int>> _sharedBySpan;

        public Builder() => _sharedBySpan = _shared.GetAlternateLookup<ReadOnlySpan<int>>();

        public List<RuleCustomer> Customers { get; } = [];

        public TextPool Paths { get; } = new();

        public TextPool Managers { get; } = new();

        public TextPool Industries { get; } = new();

        /// <summary>Adds a customer with its products (sorted), which are copied only the first time that set is seen.</summary>
        public void Add(int id, int organisationId, string path, string? manager, CustomerKind kind, string? industry, ReadOnlySpan<int> products)
        {
            if (!_sharedBySpan.TryGetValue(products, out var array))
            {
                array = products.ToArray();
                _shared[array] = array;
            }

            Customers.Add(new RuleCustomer(id, organisationId, path, manager, kind, industry, array));
        }
    }

    /// <summary>Product sets compared by content, also as a span (a customer's products looked up without an array made for them).</summary>
    private sealed class ProductSets : IEqualityComparer<int[]>, IAlternateEqualityComparer<ReadOnlySpan<int>, int[]>
    {
        public static readonly ProductSets Instance = new();

        public bool Equals(int[]? x, int[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(int[] obj) => GetHashCode((ReadOnlySpan<int>)obj);

        public bool Equals(ReadOnlySpan<int> alternate, int[] other) => alternate.SequenceEqual(other);

        public int GetHashCode(ReadOnlySpan<int> alternate)
        {
            var hash = new HashCode();
            hash.AddBytes(MemoryMarshal.AsBytes(alternate));
            return hash.ToHashCode();
        }

        public int[] Create(ReadOnlySpan<int> alternate) => alternate.ToArray();
    }
}

/// <summary>Industry medians of the latest values (行业中位数) as of the evaluation date, for <c>industry_median</c>.</summary>
public sealed class IndustryStatistics(IReadOnlyDictionary<string, double> medians) : IIndustryStatistics
{
    /// <inheritdoc />
    public double LatestMedian(string indicator) => medians.TryGetValue(indicator, out var median) ? median : double.NaN;

    /// <summary>
    /// For each industry, the median of each customer's latest value of every indicator the set compares with its industry,
    /// from the packed series (refreshed first): one pass over a row per customer.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, IndustryStatistics>> LoadAsync(DbConnection connection, CompiledRuleSet set, DateOnly date, CancellationToken cancellationToken)
    {
        var codes = set.Layout.Features.Where(f => f.Function == RuleFunction.IndustryMedian).Select(f => f.Indicator).Distinct().ToList();
        var ids = new Dictionary<int, int>();
        await using (var command = BulkWriter.Command(connection, null, "SELECT \"Id\", \"Code\" FROM indicators"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var index = codes.IndexOf(reader.GetString(1));
                if (index >= 0)
                {
                    ids[reader.GetInt32(0)] = index;
                }
            }
        }

        if (ids.Count == 0)
        {
            return new Dictionary<string, IndustryStatistics>(StringComparer.Ordinal);
        }

        await Indicators.IndicatorSeriesPacker.RefreshAsync(connection, cancellationToken);
        var slots = new int[ids.Keys.Max() + 1];
        Array.Fill(slots, -1);
        foreach (var (id, index) in ids)
        {
            slots[id] = index;
        }

        var names = new TextPool();
        var values = new Dictionary<(string Industry, int Code), List<double>>();
        var latest = new LatestSink(new double[codes.Count]);
        var (from, to) = (set.FirstDate(date).DayNumber, date.DayNumber);
        void Customer(string industry, ReadOnlySpan<byte> data)
        {
            Array.Fill(latest.Values, double.NaN);
            Indicators.PackedSeries.Read(data, slots, from, to, ref latest);
            for (var code = 0; code < codes.Count; code++)
            {
                if (double.IsNaN(latest.Values[code]))
                {
                    continue;
                }

                if (!values.TryGetValue((industry, code), out var list))
                {
                    values[(industry, code)] = list = [];
                }

                list.Add(latest.Values[code]);
            }
        }

        const string Sql = "SELECT c.\"Industry\", p.\"Data\" FROM indicator_series p JOIN customers c ON c.\"Id\" = p.\"CustomerId\" WHERE c.\"Industry\" IS NOT NULL";
        if (connection is SqliteConnection sqlite)
        {
            foreach (var row in SqliteRows.Each(sqlite, Sql))
            {
                Customer(names.Get(raw.sqlite3_column_blob(row, 0)), raw.sqlite3_column_blob(row, 1));
            }
        }
        else
        {
            await using var command = BulkWriter.Command(connection, null, Sql);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                Customer(names.Get(reader.GetString(0)), reader.GetFieldValue<byte[]>(1));
            }
        }

        return values.GroupBy(l => l.Key.Industry, StringComparer.Ordinal).ToDictionary(
            g => g.Key,
            g => new IndustryStatistics(g.ToDictionary(l => codes[l.Key.Code], l => IndustryMedian.Of(l.Value), StringComparer.Ordinal)),
            StringComparer.Ordinal);
    }

    /// <summary>Keeps each indicator's last value that is a number (values arrive in date order).</summary>
    private readonly struct LatestSink(double[] values) : Indicators.ISeriesSink
    {
        public double[] Values { get; } = values;

        public void Add(int slot, int day, double value)
        {
            if (!double.IsNaN(value))
            {
                Values[slot] = value;
            }
        }
    }
}
