using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using PostLoan.Domain.Administration;
using PostLoan.Domain.Common;
using PostLoan.Domain.Ledger.Customers;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Infrastructure.Ledger.Import;

/// <summary>
/// Imports customers from the core system (CSV, Excel, JSON). Columns: <c>code, name, kind (person|enterprise|个人|企业),
/// idNumber, industry, region, contactName, contactPhone, address, rating, organisationCode, accountManager</c>.
/// Every row is validated first; a file with any bad row writes nothing. Good files are written in one
/// transaction without change tracking.
/// </summary>
public sealed partial class CustomerImporter(PostLoanDbContext db, TimeProvider clock)
{
    private static readonly HashSet<string> Ratings = new(StringComparer.Ordinal) { "AAA", "AA", "A", "BBB", "BB", "B", "CCC", "CC", "C", "D" };

    private static readonly BulkColumn[] Columns =
    [
        new("Code", typeof(string)), new("Name", typeof(string)), new("Kind", typeof(CustomerKind)), new("IdNumber", typeof(string)),
        new("Industry", typeof(string)), new("Region", typeof(string)), new("ContactName", typeof(string)), new("ContactPhone", typeof(string)),
        new("Address", typeof(string)), new("Rating", typeof(string)), new("OrganisationId", typeof(int)), new("OrganisationPath", typeof(string)),
        new("AccountManagerId", typeof(string)), new("CreatedAt", typeof(DateTimeOffset)),
    ];

    public async Task<ImportResult> ImportAsync(IReadOnlyList<ImportRow> rows, string source, CancellationToken cancellationToken = default)
    {
        var issues = new List<ImportIssue>();
        if (rows.Count == 0)
        {
            return ImportResult.Refused([new ImportIssue(1, "file", "no data rows")]);
        }

        var organisations = await db.Organisations.Where(o => o.IsActive).ToDictionaryAsync(o => o.Code, StringComparer.OrdinalIgnoreCase, cancellationToken);
        var managers = await db.Users.Where(u => u.IsActive).Select(u => new { u.UserName, u.Id }).ToDictionaryAsync(u => u.UserName!, u => u.Id, StringComparer.OrdinalIgnoreCase, cancellationToken);
        var codes = rows.Select(r => r["code"]).OfType<string>().ToList();
        var existing = (await db.Customers.IgnoreQueryFilters().Where(c => codes.Contains(c.Code)).Select(c => c.Code).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var now = clock.GetUtcNow();
        var records = new List<object?[]>(rows.Count);

        foreach (var row in rows)
        {
            void Issue(string field, string reason) => issues.Add(new ImportIssue(row.Number, field, reason));

            var code = row["code"];
            if (code is null || code.Length > 40)
            {
                Issue("code", "required, at most 40 characters");
            }
            else if (existing.Contains(code))
            {
                Issue("code", $"customer '{code}' exists already");
            }
            else if (seen.TryGetValue(code, out var first))
            {
                Issue("code", string.Create(CultureInfo.InvariantCulture, $"'{code}' appears again (first in row {first})"));
            }
            else
            {
                seen[code] = row.Number;
            }

            var name = row["name"];
            if (name is null || name.Length > 200)
            {
                Issue("name", "required, at most 200 characters");
            }

            CustomerKind? kind = row["kind"]?.ToLowerInvariant() switch
            {
                "person" or "individual" or "个人" => CustomerKind.Person,
                "enterprise" or "company" or "企业" => CustomerKind.Enterprise,
                _ => null,
            };
            if (kind is null)
            {
                Issue("kind", $"'{row["kind"]}' is not person/enterprise (个人/企业)");
            }

            var idNumber = row["idNumber"]?.ToUpperInvariant();
            if (kind == CustomerKind.Person && !IdentityNumbers.IsValidResidentId(idNumber))
            {
                Issue("idNumber", $"'{Masking.IdNumber(idNumber)}' is not a valid 18-digit resident ID (身份证号)");
            }
            else if (kind == CustomerKind.Enterprise && !IdentityNumbers.IsValidUscc(idNumber))
            {
                Issue("idNumber", $"'{Masking.IdNumber(idNumber)}' is not a valid unified social credit code (统一社会信用代码)");
            }

            var phone = row["contactPhone"];
            if (phone is not null && !IdentityNumbers.IsValidMobile(phone) && !Landline().IsMatch(phone))
            {
                Issue("contactPhone", $"'{Masking.Phone(phone)}' is not a mobile (11 digits) or landline (0XX-XXXXXXXX) number");
            }

            var rating = row["rating"]?.ToUpperInvariant();
            if (rating is not null && !Ratings.Contains(rating))
            {
                Issue("rating", $"'{rating}' is not one of {string.Join("/", Ratings)}");
            }

            Organisation? organisation = null;
            var organisationCode = row["organisationCode"];
            if (organisationCode is null || !organisations.TryGetValue(organisationCode, out organisation))
            {
                Issue("organisationCode", $"'{organisationCode}' is not an active organisation in your scope");
            }

            string? managerId = null;
            var manager = row["accountManager"];
            if (manager is not null && !managers.TryGetValue(manager, out managerId))
            {
                Issue("accountManager", $"no active user named '{manager}'");
            }

            records.Add([
                code, name, kind ?? CustomerKind.Person, idNumber, row["industry"], row["region"], row["contactName"], phone,
                row["address"], rating, organisation?.Id ?? 0, organisation?.Path ?? "/", managerId, now,
            ]);
        }

        if (issues.Count > 0)
        {
            return ImportResult.Refused(issues);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var connection = db.Database.GetDbConnection();
        var written = await BulkWriter.InsertAsync(connection, transaction.GetDbTransaction(), "customers", Columns, records, cancellationToken);
        db.Audit(AuditAction.Created, "CustomerImport", null, string.Create(CultureInfo.InvariantCulture, $"{written} customers imported from {source}"));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new ImportResult(written, []);
    }

    [GeneratedRegex(@"^0\d{2,3}-?\d{7,8}$")]
    private static partial Regex Landline();
}
