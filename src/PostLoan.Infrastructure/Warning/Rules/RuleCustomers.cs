using System.Data.Common;
using System.Globalization;
using PostLoan.Domain.Ledger.Customers;
using PostLoan.Domain.Warning.Rules;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Infrastructure.Warning.Rules;

/// <summary>Reads the customers the rules run over, with the products of their loans, in one pass each (no tracking).</summary>
public static class RuleCustomers
{
    /// <summary>Every customer (or those listed), sorted by id. Customers with the same products share one products array.</summary>
    public static async Task<List<RuleCustomer>> LoadAsync(DbConnection connection, IReadOnlyCollection<int>? only, CancellationToken cancellationToken)
    {
        var filter = only is null ? "" : $" WHERE \"{{0}}\" IN ({string.Join(',', only.Select(i => i.ToString(CultureInfo.InvariantCulture)))})";
        var products = new Dictionary<int, List<int>>();
        await using (var command = BulkWriter.Command(connection, null,
            "SELECT DISTINCT \"CustomerId\", \"ProductId\" FROM loans" + string.Format(CultureInfo.InvariantCulture, filter, "CustomerId") + " ORDER BY \"CustomerId\", \"ProductId\""))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var customer = reader.GetInt32(0);
                if (!products.TryGetValue(customer, out var list))
                {
                    products[customer] = list = [];
                }

                list.Add(reader.GetInt32(1));
            }
        }

        var shared = new Dictionary<string, int[]>(StringComparer.Ordinal) { [""] = [] };
        var customers = new List<RuleCustomer>();
        await using (var command = BulkWriter.Command(connection, null,
            "SELECT \"Id\", \"OrganisationId\", \"OrganisationPath\", \"AccountManagerId\", \"Kind\", \"Industry\" FROM customers" +
            string.Format(CultureInfo.InvariantCulture, filter, "Id") + " ORDER BY \"Id\""))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            var paths = new Dictionary<string, string>(StringComparer.Ordinal);
            var industries = new Dictionary<string, string>(StringComparer.Ordinal);
            while (await reader.ReadAsync(cancellationToken))
            {
                var id = reader.GetInt32(0);
                var key = products.TryGetValue(id, out var list) ? string.Join(',', list) : "";
                if (!shared.TryGetValue(key, out var array))
                {
                    shared[key] = array = [.. list!];
                }

                var path = Intern(paths, reader.GetString(2));
                var industry = reader.IsDBNull(5) ? null : Intern(industries, reader.GetString(5));
                customers.Add(new RuleCustomer(id, reader.GetInt32(1), path, reader.IsDBNull(3) ? null : reader.GetString(3),
                    (CustomerKind)reader.GetInt32(4), industry, array));
            }
        }

        return customers;
    }

    private static string Intern(Dictionary<string, string> pool, string value)
    {
        if (!pool.TryGetValue(value, out var interned))
        {
            pool[value] = interned = value;
        }

        return interned;
    }
}

/// <summary>Industry medians of the latest values (行业中位数) as of the evaluation date, for <c>industry_median</c>.</summary>
public sealed class IndustryStatistics(IReadOnlyDictionary<string, double> medians) : IIndustryStatistics
{
    /// <inheritdoc />
    public double LatestMedian(string indicator) => medians.TryGetValue(indicator, out var median) ? median : double.NaN;

    /// <summary>For each industry, the median of each customer's latest value of every indicator the set compares with its industry.</summary>
    public static async Task<IReadOnlyDictionary<string, IndustryStatistics>> LoadAsync(DbConnection connection, CompiledRuleSet set, DateOnly date, CancellationToken cancellationToken)
    {
        var codes = set.Layout.Features.Where(f => f.Function == RuleFunction.IndustryMedian).Select(f => f.Indicator).Distinct().ToList();
        var ids = new Dictionary<int, string>();
        await using (var command = BulkWriter.Command(connection, null, "SELECT \"Id\", \"Code\" FROM indicators"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                if (codes.Contains(reader.GetString(1)))
                {
                    ids[reader.GetInt32(0)] = reader.GetString(1);
                }
            }
        }

        var latest = new Dictionary<(string Industry, string Code), Dictionary<int, double>>();
        if (ids.Count > 0)
        {
            await using var command = BulkWriter.Command(connection, null,
                "SELECT c.\"Industry\", v.\"IndicatorId\", v.\"CustomerId\", v.\"Value\" FROM indicator_values v JOIN customers c ON c.\"Id\" = v.\"CustomerId\" " +
                $"WHERE v.\"IndicatorId\" IN ({string.Join(',', ids.Keys.Select(i => i.ToString(CultureInfo.InvariantCulture)))}) AND v.\"Date\" >= @from AND v.\"Date\" <= @to AND c.\"Industry\" IS NOT NULL " +
                "ORDER BY v.\"Date\", v.\"Id\"", "from", set.FirstDate(date), "to", date);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var key = (reader.GetString(0), ids[reader.GetInt32(1)]);
                if (!latest.TryGetValue(key, out var values))
                {
                    latest[key] = values = [];
                }

                // Rows come in date order: the last one written per customer is its latest value.
                var value = reader.GetDouble(3);
                if (!double.IsNaN(value))
                {
                    values[reader.GetInt32(2)] = value;
                }
            }
        }

        return latest.GroupBy(l => l.Key.Industry, StringComparer.Ordinal).ToDictionary(
            g => g.Key,
            g => new IndustryStatistics(g.ToDictionary(l => l.Key.Code, l => IndustryMedian.Of(l.Value.Values), StringComparer.Ordinal)),
            StringComparer.Ordinal);
    }
}
