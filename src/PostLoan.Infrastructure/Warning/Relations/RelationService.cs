using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Common;
using PostLoan.Domain.Ledger.Customers;
using PostLoan.Domain.Warning.Relations;
using PostLoan.Infrastructure.Ledger.Import;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Infrastructure.Warning.Relations;

/// <summary>A relation to record, customers named by their codes (the API, the page and import rows).</summary>
/// <param name="FromCustomerCode">First customer (the shareholder, the supplier, the plaintiff for a directed link).</param>
/// <param name="ToCustomerCode">Second customer.</param>
/// <param name="Kind">LegalRepresentative, Shareholder, Address, Phone, Transaction, Litigation, Other, or the Chinese label (同一法人 …).</param>
/// <param name="Direction">Mutual (default) or FromTo (单向).</param>
/// <param name="AnnualAmount">Annual transaction amount in yuan, for transactions.</param>
/// <param name="Strength">The link's own strength in (0, 1], or null for the kind's setting.</param>
/// <param name="Evidence">What shows the link.</param>
/// <param name="ValidFrom">First day the link holds.</param>
/// <param name="ValidTo">Last day the link holds.</param>
public sealed record RelationInput(
    string? FromCustomerCode, string? ToCustomerCode, string? Kind, string? Direction = null, decimal? AnnualAmount = null,
    decimal? Strength = null, string? Evidence = null, DateOnly? ValidFrom = null, DateOnly? ValidTo = null);

/// <summary>A recorded relation as lists show it (customers by code and name).</summary>
public sealed record RelationItem(
    long Id, int FromCustomerId, string FromCode, string FromName, int ToCustomerId, string ToCode, string ToName, RelationKind Kind,
    RelationDirection Direction, decimal? AnnualAmount, decimal? Strength, RelationSource Source, RelationStatus Status, string? Evidence,
    DateOnly? ValidFrom, DateOnly? ValidTo, string? RecordedBy, DateTimeOffset RecordedAt);

/// <summary>Filter of the relation list.</summary>
/// <param name="CustomerId">Relations touching this customer.</param>
/// <param name="Kind">Of this kind.</param>
/// <param name="Status">In this state (proposals to decide: Proposed).</param>
public sealed record RelationQuery(int? CustomerId = null, RelationKind? Kind = null, RelationStatus? Status = null);

/// <summary>
/// Recording and maintaining relations between customers (关联关系维护): add, end, delete, accept or reject detected
/// proposals, propose links from the customers' data, import a file. Every change is audited by the context; every read
/// and every customer named goes through the caller's data scope.
/// </summary>
public sealed class RelationService(PostLoanDbContext db, TimeProvider clock)
{
    /// <summary>Most relations a list returns.</summary>
    public const int ListLimit = 1000;

    /// <summary>A group of customers sharing a phone or an address larger than this is a switchboard or an office tower, not a link.</summary>
    public const int MaxSharedGroup = 20;

    private static readonly Dictionary<string, RelationKind> KindNames = BuildKindNames();

    public async Task<IReadOnlyList<RelationItem>> ListAsync(RelationQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var relations = db.CustomerRelations.AsNoTracking();
        if (query.CustomerId is { } customerId)
        {
            relations = relations.Where(r => r.FromCustomerId == customerId || r.ToCustomerId == customerId);
        }

        if (query.Kind is { } kind)
        {
            relations = relations.Where(r => r.Kind == kind);
        }

        relations = query.Status is { } status ? relations.Where(r => r.Status == status) : relations.Where(r => r.Status != RelationStatus.Rejected);
        var items = await Items(relations.OrderByDescending(r => r.Id).Take(ListLimit)).ToListAsync(cancellationToken);
        return [.. items.OrderByDescending(r => r.Id)];
    }

    public Task<RelationItem?> FindAsync(long id, CancellationToken cancellationToken = default) =>
        Items(db.CustomerRelations.AsNoTracking().Where(r => r.Id == id)).FirstOrDefaultAsync(cancellationToken);

    /// <summary>Records one relation entered by a person.</summary>
    public async Task<Result<CustomerRelation>> CreateAsync(RelationInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var customers = await CustomersByCodeAsync([input.FromCustomerCode, input.ToCustomerCode], cancellationToken);
        var existing = await ExistingPairsAsync([.. customers.Values.Select(c => c.Id)], cancellationToken);
        Error? error = null;
        var relation = Validate(input, customers, existing, (field, reason) => error ??= Error.Validation("relation." + field, $"{field}: {reason}"));
        if (relation is null)
        {
            return error!;
        }

        relation.Source = RelationSource.Manual;
        Stamp(relation);
        db.CustomerRelations.Add(relation);
        await db.SaveChangesAsync(cancellationToken);
        return relation;
    }

    /// <summary>Ends a relation on <paramref name="validTo"/> (its last day); it stays in the history.</summary>
    public Task<Result<CustomerRelation>> EndAsync(long id, DateOnly validTo, CancellationToken cancellationToken = default) =>
        ChangeAsync(id, relation =>
        {
            if (relation.Status != RelationStatus.Confirmed)
            {
                return Error.Conflict("relation.status", $"status: only a confirmed relation can be ended (this one is {relation.Status})");
            }

            if (relation.ValidFrom is { } from && validTo < from)
            {
                return Error.Validation("relation.validTo", $"validTo: {Day(validTo)} is before the relation started on {Day(from)}");
            }

            relation.ValidTo = validTo;
            return null;
        }, cancellationToken);

    /// <summary>Deletes a relation recorded by mistake (the audit log keeps what it was).</summary>
    public Task<Result<CustomerRelation>> DeleteAsync(long id, CancellationToken cancellationToken = default) =>
        ChangeAsync(id, relation =>
        {
            db.CustomerRelations.Remove(relation);
            return null;
        }, cancellationToken);

    /// <summary>Accepts (the link counts from now) or rejects (never proposed again) a detected proposal.</summary>
    public Task<Result<CustomerRelation>> DecideAsync(long id, bool accept, CancellationToken cancellationToken = default) =>
        ChangeAsync(id, relation =>
        {
            if (relation.Status != RelationStatus.Proposed)
            {
                return Error.Conflict("relation.status", $"status: only a proposal can be accepted or rejected (this one is {relation.Status})");
            }

            relation.Status = accept ? RelationStatus.Confirmed : RelationStatus.Rejected;
            Stamp(relation);
            return null;
        }, cancellationToken);

    /// <summary>
    /// Proposes links found in the data of the customers the caller may see: the same phone number (digits only, without
    /// +86), the same address (normalised: full-width to half-width, no spaces or punctuation, case-insensitive) and the
    /// same outside guarantor (guarantees by a person or company that is not a customer, by ID number). A pair with a
    /// relation of that kind already (proposed, confirmed or rejected) is not proposed again. Returns the proposals added.
    /// </summary>
    public async Task<int> DetectAsync(CancellationToken cancellationToken = default)
    {
        var customers = await db.Customers.AsNoTracking().OrderBy(c => c.Id).ToListAsync(cancellationToken);
        var byId = customers.ToDictionary(c => c.Id);
        var existing = await ExistingPairsAsync(null, cancellationToken);
        var proposals = new List<CustomerRelation>();

        void Propose(IEnumerable<IGrouping<string, int>> groups, RelationKind kind, Func<string, string> evidence)
        {
            foreach (var group in groups)
            {
                var ids = group.Distinct().Order().ToList();
                if (ids.Count < 2 || ids.Count > MaxSharedGroup)
                {
                    continue;
                }

                // The first customer linked to each other one: connected without a link per pair.
                foreach (var other in ids.Skip(1))
                {
                    if (existing.Add((Math.Min(ids[0], other), Math.Max(ids[0], other), kind)))
                    {
                        var relation = New(byId[ids[0]], byId[other], kind);
                        relation.Source = RelationSource.Detected;
                        relation.Status = RelationStatus.Proposed;
                        relation.Evidence = Truncate(evidence(group.Key), 500);
                        Stamp(relation);
                        relation.RecordedBy = "detection";
                        proposals.Add(relation);
                    }
                }
            }
        }

        Propose(customers.Where(c => NormalisePhone(c.ContactPhone) is not null).GroupBy(c => NormalisePhone(c.ContactPhone)!, c => c.Id),
            RelationKind.Phone, phone => "同一联系电话 " + Masking.Phone(phone));
        Propose(customers.Where(c => NormaliseAddress(c.Address) is not null).GroupBy(c => NormaliseAddress(c.Address)!, c => c.Id),
            RelationKind.Address, _ => "同一地址");
        var outside = await db.Guarantees.AsNoTracking().Where(g => g.GuarantorCustomerId == null)
            .Select(g => new { g.CustomerId, g.GuarantorIdNumber, g.GuarantorName }).ToListAsync(cancellationToken);
        var guarantorNames = outside.GroupBy(g => g.GuarantorIdNumber).ToDictionary(g => g.Key, g => g.First().GuarantorName);
        Propose(outside.Where(g => byId.ContainsKey(g.CustomerId) && g.GuarantorIdNumber.Length > 0).GroupBy(g => g.GuarantorIdNumber, g => g.CustomerId),
            RelationKind.Other, id => $"同一保证人 {guarantorNames[id]}（{Masking.IdNumber(id)}）");

        db.CustomerRelations.AddRange(proposals);
        await db.SaveChangesAsync(cancellationToken);
        return proposals.Count;
    }

    /// <summary>
    /// Imports relations (CSV, Excel, JSON): columns <c>from_code, to_code, kind, direction, annual_amount, strength,
    /// evidence, valid_from, valid_to</c>. All or nothing: a file with any bad row writes nothing and every issue names
    /// its row, field and reason.
    /// </summary>
    public async Task<ImportResult> ImportAsync(IReadOnlyList<ImportRow> rows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
        {
            return ImportResult.Refused([new ImportIssue(1, "file", "no data rows")]);
        }

        var issues = new List<ImportIssue>();
        var customers = await CustomersByCodeAsync([.. rows.SelectMany(r => new[] { r["from_code"], r["to_code"] })], cancellationToken);
        var existing = await ExistingPairsAsync([.. customers.Values.Select(c => c.Id)], cancellationToken);
        var relations = new List<CustomerRelation>();
        foreach (var row in rows)
        {
            var from = Date(row, "valid_from", issues);
            var to = Date(row, "valid_to", issues);
            var amount = Number(row, "annual_amount", issues);
            var strength = Number(row, "strength", issues);
            var input = new RelationInput(row["from_code"], row["to_code"], row["kind"], row["direction"], amount, strength, row["evidence"], from, to);
            var relation = Validate(input, customers, existing, (field, reason) => issues.Add(new ImportIssue(row.Number, field, reason)));
            if (relation is not null)
            {
                relation.Source = RelationSource.Import;
                Stamp(relation);
                relations.Add(relation);
            }
        }

        if (issues.Count > 0)
        {
            return ImportResult.Refused(issues);
        }

        db.CustomerRelations.AddRange(relations);
        await db.SaveChangesAsync(cancellationToken);
        return new ImportResult(relations.Count, []);
    }

    /// <summary>Parses a kind: the enumeration name (any case) or its Chinese label; null when unknown.</summary>
    public static RelationKind? ParseKind(string? text) =>
        text is not null && KindNames.TryGetValue(text.Trim().ToLowerInvariant(), out var kind) ? kind : null;

    /// <summary>Digits of a phone number without the country code 86; null when fewer than 7 digits.</summary>
    public static string? NormalisePhone(string? phone)
    {
        var digits = new string((phone ?? "").Where(char.IsAsciiDigit).ToArray());
        if (digits.Length == 13 && digits.StartsWith("86", StringComparison.Ordinal))
        {
            digits = digits[2..];
        }

        return digits.Length >= 7 ? digits : null;
    }

    /// <summary>An address folded for comparison: full-width to half-width, letters lower case, no spaces or punctuation; null when under 6 characters.</summary>
    public static string? NormaliseAddress(string? address)
    {
        var folded = (address ?? "").Normalize(NormalizationForm.FormKC);
        var text = new StringBuilder(folded.Length);
        foreach (var ch in folded)
        {
            if (char.IsLetterOrDigit(ch))
            {
                text.Append(char.ToLowerInvariant(ch));
            }
        }

        return text.Length >= 6 ? text.ToString() : null;
    }

    /// <summary>Checks an input against the rules and the customers the caller may see; reports each problem; null when any.</summary>
    private CustomerRelation? Validate(RelationInput input, Dictionary<string, Customer> customers, HashSet<(int, int, RelationKind)> existing, Action<string, string> report)
    {
        var issues = 0;
        void Issue(string field, string reason)
        {
            issues++;
            report(field, reason);
        }

        Customer? Find(string? code, string field)
        {
            if (string.IsNullOrWhiteSpace(code))
            {
                Issue(field, "required");
                return null;
            }

            if (!customers.TryGetValue(code.Trim(), out var customer))
            {
                Issue(field, $"no customer '{code.Trim()}' in your data scope");
            }

            return customer;
        }

        var from = Find(input.FromCustomerCode, "from_code");
        var to = Find(input.ToCustomerCode, "to_code");
        var kind = ParseKind(input.Kind);
        if (input.Kind is null)
        {
            Issue("kind", "required");
        }
        else if (kind is null)
        {
            Issue("kind", $"'{input.Kind}' is not a kind; use LegalRepresentative, Shareholder, Address, Phone, Transaction, Litigation or Other");
        }
        else if (!CustomerRelation.IsRecordable(kind.Value))
        {
            Issue("kind", $"{kind} links come from the ledger's guarantees and customer groups, not recorded here");
        }

        var direction = input.Direction?.Trim().ToLowerInvariant() switch
        {
            null or "" or "mutual" or "双向" => RelationDirection.Mutual,
            "fromto" or "单向" => RelationDirection.FromTo,
            _ => (RelationDirection?)null,
        };
        if (direction is null)
        {
            Issue("direction", $"'{input.Direction}' is not a direction; use Mutual or FromTo");
        }

        if (from is not null && to is not null && from.Id == to.Id)
        {
            Issue("to_code", "a relation links two different customers");
        }

        if (input.Strength is { } strength && strength is <= 0m or > 1m)
        {
            Issue("strength", string.Create(CultureInfo.InvariantCulture, $"{strength} is not above 0 and at most 1"));
        }

        if (input.AnnualAmount is { } amount && (amount < 0m || decimal.Round(amount, 2) != amount))
        {
            Issue("annual_amount", string.Create(CultureInfo.InvariantCulture, $"{amount} is not a non-negative amount in yuan with at most 2 decimals"));
        }

        if (input.ValidFrom is { } validFrom && input.ValidTo is { } validTo && validTo < validFrom)
        {
            Issue("valid_to", $"{Day(validTo)} is before valid_from {Day(validFrom)}");
        }

        if (input.Evidence is { Length: > 500 })
        {
            Issue("evidence", "longer than 500 characters");
        }

        if (issues > 0 || from is null || to is null || kind is null || direction is null)
        {
            return null;
        }

        if (!existing.Add((Math.Min(from.Id, to.Id), Math.Max(from.Id, to.Id), kind.Value)))
        {
            report("kind", $"{from.Code} and {to.Code} are already linked as {kind}");
            return null;
        }

        var relation = New(from, to, kind.Value);
        relation.Direction = direction.Value;
        relation.AnnualAmount = input.AnnualAmount;
        relation.Strength = input.Strength;
        relation.Evidence = string.IsNullOrWhiteSpace(input.Evidence) ? null : input.Evidence.Trim();
        relation.ValidFrom = input.ValidFrom;
        relation.ValidTo = input.ValidTo;
        return relation;
    }

    private IQueryable<RelationItem> Items(IQueryable<CustomerRelation> relations) =>
        from r in relations
        join f in db.Customers on r.FromCustomerId equals f.Id
        join t in db.Customers on r.ToCustomerId equals t.Id
        select new RelationItem(r.Id, f.Id, f.Code, f.Name, t.Id, t.Code, t.Name, r.Kind, r.Direction, r.AnnualAmount, r.Strength,
            r.Source, r.Status, r.Evidence, r.ValidFrom, r.ValidTo, r.RecordedBy, r.RecordedAt);

    private static CustomerRelation New(Customer from, Customer to, RelationKind kind) => new()
    {
        FromCustomerId = from.Id, ToCustomerId = to.Id, Kind = kind,
        FromOrganisationPath = from.OrganisationPath, FromAccountManagerId = from.AccountManagerId,
        ToOrganisationPath = to.OrganisationPath, ToAccountManagerId = to.AccountManagerId,
    };

    private void Stamp(CustomerRelation relation)
    {
        relation.RecordedBy = db.CurrentUser.UserName;
        relation.RecordedAt = clock.GetUtcNow();
    }

    /// <summary>The customers with those codes that the caller may see.</summary>
    private async Task<Dictionary<string, Customer>> CustomersByCodeAsync(IEnumerable<string?> codes, CancellationToken cancellationToken)
    {
        var wanted = codes.OfType<string>().Select(c => c.Trim()).Distinct().ToList();
        return await db.Customers.AsNoTracking().Where(c => wanted.Contains(c.Code)).ToDictionaryAsync(c => c.Code, StringComparer.Ordinal, cancellationToken);
    }

    /// <summary>
    /// Pairs (smaller id first) already linked by a kind that is still open (not ended), in any state; among the relations
    /// touching <paramref name="customerIds"/>, or all when null.
    /// </summary>
    private async Task<HashSet<(int, int, RelationKind)>> ExistingPairsAsync(List<int>? customerIds, CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(clock.GetLocalNow().Date);
        var relations = db.CustomerRelations.IgnoreQueryFilters().Where(r => r.ValidTo == null || r.ValidTo >= today);
        if (customerIds is not null)
        {
            relations = relations.Where(r => customerIds.Contains(r.FromCustomerId) || customerIds.Contains(r.ToCustomerId));
        }

        var pairs = await relations
            .Select(r => new { r.FromCustomerId, r.ToCustomerId, r.Kind }).ToListAsync(cancellationToken);
        return [.. pairs.Select(p => (Math.Min(p.FromCustomerId, p.ToCustomerId), Math.Max(p.FromCustomerId, p.ToCustomerId), p.Kind))];
    }

    private static DateOnly? Date(ImportRow row, string field, List<ImportIssue> issues)
    {
        var text = row[field];
        if (text is null)
        {
            return null;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        issues.Add(new ImportIssue(row.Number, field, $"'{text}' is not a date (yyyy-MM-dd)"));
        return null;
    }

    private static decimal? Number(ImportRow row, string field, List<ImportIssue> issues)
    {
        var text = row[field];
        if (text is null)
        {
            return null;
        }

        if (decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        issues.Add(new ImportIssue(row.Number, field, $"'{text}' is not a number"));
        return null;
    }

    private static Dictionary<string, RelationKind> BuildKindNames()
    {
        var names = new Dictionary<string, RelationKind>(StringComparer.Ordinal);
        foreach (var kind in Enum.GetValues<RelationKind>())
        {
            names[kind.ToString().ToLowerInvariant()] = kind;
            names[RelationKinds.Label(kind)] = kind;
        }

        names["同一法定代表人"] = RelationKind.LegalRepresentative;
        names["股权关联"] = RelationKind.Shareholder;
        names["上下游"] = RelationKind.Transaction;
        return names;
    }

    /// <summary>Loads a relation in the caller's scope, applies <paramref name="change"/> (an error refuses it) and saves.</summary>
    private async Task<Result<CustomerRelation>> ChangeAsync(long id, Func<CustomerRelation, Error?> change, CancellationToken cancellationToken)
    {
        var relation = await db.CustomerRelations.FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (relation is null)
        {
            return NotFound(id);
        }

        if (change(relation) is { } error)
        {
            return error;
        }

        await db.SaveChangesAsync(cancellationToken);
        return relation;
    }

    private static Error NotFound(long id) => Error.NotFound("relation.not_found", $"relation {id.ToString(CultureInfo.InvariantCulture)} does not exist");

    private static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];
}
