using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using PostLoan.Domain.Administration;
using PostLoan.Domain.Common;
using PostLoan.Domain.Ledger.Customers;
using PostLoan.Infrastructure.Ledger.Customers;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Infrastructure.Ledger.Import;

/// <summary>
/// Imports customers from the core system (CSV, Excel, JSON). Columns: <c>code, name, kind (person|enterprise|个人|企业),
/// idNumber, industry, region, contactName, contactPhone, address, rating, organisationCode, accountManager</c>.
/// Every row is checked with the same rules as the customer page (<see cref="CustomerService.Validate"/>); a file
/// with any bad row writes nothing. Good files are written in one transaction without change tracking.
/// </summary>
public sealed class CustomerImporter(PostLoanDbContext db, CustomerService customers, TimeProvider clock)
{
    private static readonly BulkColumn[] Columns =
    [
        new("Code", typeof(string)), new("Name", typeof(string)), new("Kind", typeof(CustomerKind)), new("IdNumber", typeof(string)),
        new("Industry", typeof(string)), new("Region", typeof(string)), new("ContactName", typeof(string)), new("ContactPhone", typeof(string)),
        new("Address", typeof(string)), new("Rating", typeof(string)), new("OrganisationId", typeof(int)), new("OrganisationPath", typeof(string)),
        new("AccountManagerId", typeof(string)), new("CreatedAt", typeof(DateTimeOffset)),
    ];

    public async Task<ImportResult> ImportAsync(IReadOnlyList<ImportRow> rows, string source, CancellationToken cancellationToken = default)
    {
        if (rows.Count == 0)
        {
            return ImportResult.Refused([new ImportIssue(1, "file", "no data rows")]);
        }

        var issues = new List<ImportIssue>();
        var lookups = await customers.LoadLookupsAsync(cancellationToken);
        var codes = rows.Select(r => r["code"]).OfType<string>().ToList();
        var existing = (await db.Customers.IgnoreQueryFilters().Where(c => codes.Contains(c.Code)).Select(c => c.Code).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var now = clock.GetUtcNow();
        var records = new List<object?[]>(rows.Count);

        foreach (var row in rows)
        {
            var input = new CustomerInput(row["code"], row["name"], row["kind"], row["idNumber"], row["industry"], row["region"],
                row["contactName"], row["contactPhone"], row["address"], row["rating"], row["organisationCode"], row["accountManager"]);
            var customer = CustomerService.Validate(input, lookups, (field, reason) => issues.Add(new ImportIssue(row.Number, field, reason)));
            var code = input.Code?.Trim();
            if (code is null)
            {
                continue;
            }

            if (existing.Contains(code))
            {
                issues.Add(new ImportIssue(row.Number, "code", $"customer '{code}' exists already"));
            }
            else if (!seen.TryAdd(code, row.Number))
            {
                issues.Add(new ImportIssue(row.Number, "code", string.Create(CultureInfo.InvariantCulture, $"'{code}' appears again (first in row {seen[code]})")));
            }

            if (customer is not null)
            {
                records.Add([
                    customer.Code, customer.Name, customer.Kind, customer.IdNumber, customer.Industry, customer.Region, customer.ContactName,
                    customer.ContactPhone, customer.Address, customer.Rating, customer.OrganisationId, customer.OrganisationPath, customer.AccountManagerId, now,
                ]);
            }
        }

        if (issues.Count > 0)
        {
            return ImportResult.Refused([.. issues.OrderBy(i => i.Row)]);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var written = await BulkWriter.InsertAsync(db.Database.GetDbConnection(), transaction.GetDbTransaction(), "customers", Columns, records, cancellationToken);
        db.Audit(AuditAction.Created, "CustomerImport", null, string.Create(CultureInfo.InvariantCulture, $"{written} customers imported from {source}"));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new ImportResult(written, []);
    }
}
