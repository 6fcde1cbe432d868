using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Administration;
using PostLoan.Domain.Common;
using PostLoan.Domain.Ledger.Customers;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Infrastructure.Ledger.Customers;

/// <summary>The editable fields of a customer, as entered in the UI, the API or an import row.</summary>
public sealed record CustomerInput(
    string? Code, string? Name, string? Kind, string? IdNumber, string? Industry, string? Region, string? ContactName,
    string? ContactPhone, string? Address, string? Rating, string? OrganisationCode, string? AccountManager);

/// <summary>
/// Creates and changes customers (客户信息维护) within the caller's scope. The field rules are the same for the
/// page, the API and the import (<see cref="Validate"/>).
/// </summary>
public sealed partial class CustomerService(PostLoanDbContext db, TimeProvider clock)
{
    private static readonly HashSet<string> Ratings = new(StringComparer.Ordinal) { "AAA", "AA", "A", "BBB", "BB", "B", "CCC", "CC", "C", "D" };

    /// <summary>Reference data the validation needs, loaded once per request or import.</summary>
    public sealed record Lookups(IReadOnlyDictionary<string, Organisation> Organisations, IReadOnlyDictionary<string, string> Users);

    public async Task<Lookups> LoadLookupsAsync(CancellationToken cancellationToken = default) => new(
        await db.Organisations.AsNoTracking().Where(o => o.IsActive).ToDictionaryAsync(o => o.Code, StringComparer.OrdinalIgnoreCase, cancellationToken),
        await db.Users.AsNoTracking().Where(u => u.IsActive).ToDictionaryAsync(u => u.UserName!, u => u.Id, StringComparer.OrdinalIgnoreCase, cancellationToken));

    /// <summary>
    /// Checks every field; reports each problem through <paramref name="issue"/> (field, reason) and returns the
    /// customer to write when there was none. <paramref name="target"/> is updated in place for an edit.
    /// </summary>
    public static Customer? Validate(CustomerInput input, Lookups lookups, Action<string, string> issue, Customer? target = null)
    {
        var problems = 0;
        void Issue(string field, string reason)
        {
            problems++;
            issue(field, reason);
        }

        var code = input.Code?.Trim();
        if (target is null && (string.IsNullOrEmpty(code) || code.Length > 40))
        {
            Issue("code", "required, at most 40 characters");
        }

        var name = input.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 200)
        {
            Issue("name", "required, at most 200 characters");
        }

        CustomerKind? kind = input.Kind?.Trim().ToLowerInvariant() switch
        {
            "person" or "individual" or "个人" => CustomerKind.Person,
            "enterprise" or "company" or "企业" => CustomerKind.Enterprise,
            _ => null,
        };
        if (kind is null)
        {
            Issue("kind", $"'{input.Kind}' is not person/enterprise (个人/企业)");
        }

        var idNumber = input.IdNumber?.Trim().ToUpperInvariant();
        if (kind == CustomerKind.Person && !IdentityNumbers.IsValidResidentId(idNumber))
        {
            Issue("idNumber", $"'{Masking.IdNumber(idNumber)}' is not a valid 18-digit resident ID (身份证号)");
        }
        else if (kind == CustomerKind.Enterprise && !IdentityNumbers.IsValidUscc(idNumber))
        {
            Issue("idNumber", $"'{Masking.IdNumber(idNumber)}' is not a valid unified social credit code (统一社会信用代码)");
        }

        var phone = Blank(input.ContactPhone);
        if (phone is not null && !IdentityNumbers.IsValidMobile(phone) && !Landline().IsMatch(phone))
        {
            Issue("contactPhone", $"'{Masking.Phone(phone)}' is not a mobile (11 digits) or landline (0XX-XXXXXXXX) number");
        }

        var rating = Blank(input.Rating)?.ToUpperInvariant();
        if (rating is not null && !Ratings.Contains(rating))
        {
            Issue("rating", $"'{rating}' is not one of {string.Join("/", Ratings)}");
        }

        Organisation? organisation = null;
        var organisationCode = Blank(input.OrganisationCode);
        if (organisationCode is null || !lookups.Organisations.TryGetValue(organisationCode, out organisation))
        {
            Issue("organisationCode", $"'{organisationCode}' is not an active organisation in your scope");
        }

        string? managerId = null;
        var manager = Blank(input.AccountManager);
        if (manager is not null && !lookups.Users.TryGetValue(manager, out managerId))
        {
            Issue("accountManager", $"no active user named '{manager}'");
        }

        if (problems > 0)
        {
            return null;
        }

        var customer = target ?? new Customer { Code = code!, Name = name!, IdNumber = idNumber! };
        customer.Name = name!;
        customer.Kind = kind!.Value;
        customer.IdNumber = idNumber!;
        customer.Industry = Blank(input.Industry);
        customer.Region = Blank(input.Region);
        customer.ContactName = Blank(input.ContactName);
        customer.ContactPhone = phone;
        customer.Address = Blank(input.Address);
        customer.Rating = rating;
        customer.OrganisationId = organisation!.Id;
        customer.OrganisationPath = organisation.Path;
        customer.AccountManagerId = managerId;
        return customer;
    }

    public async Task<Result<Customer>> CreateAsync(CustomerInput input, CancellationToken cancellationToken = default)
    {
        var problems = new List<string>();
        var customer = Validate(input, await LoadLookupsAsync(cancellationToken), (field, reason) => problems.Add($"{field}: {reason}"));
        if (customer is null)
        {
            return Error.Validation("customer.invalid", string.Join("; ", problems));
        }

        if (await db.Customers.IgnoreQueryFilters().AnyAsync(c => c.Code == customer.Code, cancellationToken))
        {
            return Error.Conflict("customer.code_taken", $"code: customer '{customer.Code}' exists already");
        }

        customer.CreatedAt = clock.GetUtcNow();
        db.Customers.Add(customer);
        await db.SaveChangesAsync(cancellationToken);
        return customer;
    }

    public async Task<Result<Customer>> UpdateAsync(int id, CustomerInput input, CancellationToken cancellationToken = default)
    {
        var access = await db.FindInScopeAsync<Customer>(c => c.Id == id, id.ToString(CultureInfo.InvariantCulture), cancellationToken);
        if (access.Outcome != AccessOutcome.Granted)
        {
            return access.Outcome == AccessOutcome.Denied
                ? Error.Forbidden("scope.denied", $"customer {id} is outside your data scope")
                : Error.NotFound("customer.not_found", $"customer {id} does not exist");
        }

        var problems = new List<string>();
        if (Validate(input, await LoadLookupsAsync(cancellationToken), (field, reason) => problems.Add($"{field}: {reason}"), access.Value) is null)
        {
            return Error.Validation("customer.invalid", string.Join("; ", problems));
        }

        await db.SaveChangesAsync(cancellationToken);
        return access.Value!;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    [GeneratedRegex(@"^0\d{2,3}-?\d{7,8}$")]
    private static partial Regex Landline();
}
