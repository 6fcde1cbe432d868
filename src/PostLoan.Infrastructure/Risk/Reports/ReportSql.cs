using System.Data.Common;
using System.Globalization;
using PostLoan.Domain.Administration;
using PostLoan.Domain.Common;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Infrastructure.Risk.Reports;

/// <summary>Optional filters of the risk reports: an organisation subtree, a product, a customer industry (行业).</summary>
public sealed record ReportFilter(int? OrganisationId = null, int? ProductId = null, string? Industry = null);

/// <summary>
/// The WHERE clauses shared by the risk reports' raw SQL over <c>loans l</c> (and <c>customers c</c> when filtering by
/// industry): the caller's data scope, exactly as the EF query filter on <c>Loan</c> applies it, then the report filters.
/// </summary>
internal sealed class ReportSql
{
    private readonly List<object?> _parameters = [];

    private ReportSql(string where, bool joinCustomers)
    {
        Where = where;
        JoinCustomers = joinCustomers;
    }

    /// <summary>Conditions starting with " AND ", to append to a WHERE clause.</summary>
    public string Where { get; private set; }

    /// <summary>Whether the query must join <c>customers c ON c."Id" = l."CustomerId"</c>.</summary>
    public bool JoinCustomers { get; }

    public string CustomerJoin => JoinCustomers ? "JOIN customers c ON c.\"Id\" = l.\"CustomerId\"" : "";

    /// <summary>Name/value pairs for <see cref="BulkWriter.Command"/>, followed by <paramref name="more"/>.</summary>
    public object?[] Parameters(params object?[] more) => [.. _parameters, .. more];

    /// <summary>
    /// Resolves the filter within the scope of <paramref name="db"/>'s user: an organisation outside the scope is
    /// refused (403, audited), an unknown one is not found.
    /// </summary>
    public static async Task<Result<ReportSql>> BuildAsync(PostLoanDbContext db, ReportFilter filter, CancellationToken cancellationToken)
    {
        var industry = string.IsNullOrWhiteSpace(filter.Industry) ? null : filter.Industry.Trim();
        var sql = new ReportSql("", industry is not null);
        var scope = db.CurrentUser.Scope;
        if (!scope.IsSystem)
        {
            sql.Add("l.\"OrganisationPath\" LIKE @scopePath", "scopePath", scope.OrganisationPath + "%");
            if (scope.AccountManagerId is { } manager)
            {
                sql.Add("l.\"AccountManagerId\" = @scopeManager", "scopeManager", manager);
            }

            if (scope.CustomerId is { } customer)
            {
                sql.Add("l.\"CustomerId\" = @scopeCustomer", "scopeCustomer", customer);
            }
        }

        if (filter.OrganisationId is { } organisationId)
        {
            var organisation = await db.FindInScopeAsync<Organisation>(o => o.Id == organisationId, organisationId.ToString(CultureInfo.InvariantCulture), cancellationToken);
            switch (organisation.Outcome)
            {
                case AccessOutcome.Denied:
                    return Error.Forbidden("scope.denied", $"organisation {organisationId} is outside your data scope");
                case AccessOutcome.NotFound:
                    return Error.NotFound("organisationId", $"organisation {organisationId} does not exist");
                case AccessOutcome.Granted:
                    sql.Add("l.\"OrganisationPath\" LIKE @organisationPath", "organisationPath", organisation.Value!.Path + "%");
                    break;
            }
        }

        if (filter.ProductId is { } productId)
        {
            sql.Add("l.\"ProductId\" = @productId", "productId", productId);
        }

        if (industry is not null)
        {
            sql.Add("c.\"Industry\" = @industry", "industry", industry);
        }

        return sql;
    }

    /// <summary>SQL for the bucket of <see cref="Domain.Risk.DpdBuckets.Of"/> (0 = M0 … 4 = M4+) of the row <paramref name="alias"/>.</summary>
    public static string DpdBucket(string alias) =>
        $"CASE WHEN {alias}.\"DaysPastDue\" > 90 THEN 4 WHEN {alias}.\"DaysPastDue\" > 60 THEN 3 " +
        $"WHEN {alias}.\"DaysPastDue\" > 30 THEN 2 WHEN {alias}.\"DaysPastDue\" > 0 THEN 1 ELSE 0 END";

    /// <summary>Parses yyyy-MM and returns the month's last day, or a validation error naming <paramref name="field"/>.</summary>
    public static Result<DateOnly> MonthEnd(string? month, string field)
    {
        if (month is null || month.Length != 7 || !DateOnly.TryParseExact(month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var first))
        {
            return Error.Validation(field, $"'{month}' is not a month (yyyy-MM)");
        }

        return first.AddMonths(1).AddDays(-1);
    }

    /// <summary>Whether any month-end snapshot exists on <paramref name="date"/>.</summary>
    public static async Task<bool> HasSnapshotsAsync(DbConnection connection, DateOnly date, CancellationToken cancellationToken)
    {
        await using var command = BulkWriter.Command(connection, null, "SELECT 1 FROM loan_snapshots WHERE \"Date\" = @d LIMIT 1", "d", date);
        return await command.ExecuteScalarAsync(cancellationToken) is not null and not DBNull;
    }

    /// <summary>A summed money column: integer cents on SQLite, numeric on PostgreSQL.</summary>
    public static decimal Money(DbDataReader reader, int ordinal, bool cents)
    {
        if (reader.IsDBNull(ordinal))
        {
            return 0m;
        }

        var value = Convert.ToDecimal(reader.GetValue(ordinal), CultureInfo.InvariantCulture);
        return cents ? value / 100m : value;
    }

    private void Add(string condition, string name, object value)
    {
        Where += " AND " + condition;
        _parameters.Add(name);
        _parameters.Add(value);
    }
}
