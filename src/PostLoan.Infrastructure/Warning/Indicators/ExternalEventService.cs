using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Administration;
using PostLoan.Domain.Common;
using PostLoan.Domain.Ledger.Customers;
using PostLoan.Domain.Warning.Indicators;
using PostLoan.Domain.Warning.Rules;
using PostLoan.Infrastructure.Ledger.Import;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Infrastructure.Warning.Indicators;

/// <summary>
/// One external event as a provider delivers it (the JSON API's item, an import row, a provider adapter's result). The
/// customer is matched by <see cref="CustomerCode"/> or by <see cref="IdNumber"/> (身份证号 / 统一社会信用代码).
/// </summary>
public sealed record ExternalEventInput
{
    /// <summary>The provider; the batch's provider when absent.</summary>
    public string? Provider { get; init; }

    /// <summary>The provider's unique reference of the event.</summary>
    public string? Reference { get; init; }

    /// <summary>An external indicator code (<c>litigation_defendant</c>, <c>enforcement</c>, <c>multi_lending</c> …).</summary>
    public string? Type { get; init; }

    public string? CustomerCode { get; init; }

    public string? IdNumber { get; init; }

    /// <summary>yyyy-MM-dd.</summary>
    public string? Date { get; init; }

    public string? Title { get; init; }

    public decimal? Amount { get; init; }

    public string? Counterparty { get; init; }

    public string? Court { get; init; }

    public string? CaseNumber { get; init; }

    /// <summary>For a numeric indicator (multi-lending: the number of lenders); ignored for event counts.</summary>
    public double? Value { get; init; }
}

/// <summary>What was wrong with one delivered event: its position (0-based index in a batch, or a file's row number), the field and why.</summary>
public sealed record EventIssue(int Position, string Field, string Reason);

/// <summary>What a delivery did: events new, changed (a redelivery with different content) and unchanged (a plain redelivery).</summary>
public sealed record EventDelivery(int Created, int Updated, int Unchanged, IReadOnlyList<long> EventIds);

/// <summary>A refused delivery: nothing was written. <see cref="Forbidden"/> when an event names a customer outside the caller's scope.</summary>
public sealed record EventRefusal(IReadOnlyList<EventIssue> Issues, bool Forbidden);

/// <summary>
/// Receives external events (外部数据事件) from the JSON API, file imports and provider adapters: checks every event
/// (all or nothing), matches customers within the caller's data scope, stores new events and changed redeliveries, writes
/// each event's indicator value (reference <c>event:ID</c>) and tells the <see cref="IIndicatorObserver"/>s.
/// </summary>
public sealed partial class ExternalEventService(PostLoanDbContext db, IndicatorValueStore values, TimeProvider clock)
{
    /// <summary>Most events accepted in one delivery.</summary>
    public const int MaxBatch = 5000;

    /// <summary>The import columns, in template order.</summary>
    public static readonly IReadOnlyList<string> Columns =
        ["provider", "reference", "type", "customerCode", "idNumber", "date", "title", "amount", "counterparty", "court", "caseNumber", "value"];

    /// <summary>Stores a batch; <paramref name="provider"/> applies to items that name none.</summary>
    public async Task<(EventDelivery? Delivery, EventRefusal? Refusal)> ReceiveAsync(string? provider, IReadOnlyList<(int Position, ExternalEventInput Input)> items, CancellationToken cancellationToken = default)
    {
        var issues = new List<EventIssue>();
        if (items.Count == 0 || items.Count > MaxBatch)
        {
            return (null, new EventRefusal([new EventIssue(0, "events", string.Create(CultureInfo.InvariantCulture, $"between 1 and {MaxBatch} events per delivery"))], false));
        }

        var indicators = await db.Indicators.AsNoTracking().Where(i => i.Active && i.Source == IndicatorSource.External).ToDictionaryAsync(i => i.Code, StringComparer.Ordinal, cancellationToken);
        var codes = items.Select(i => i.Input.CustomerCode?.Trim()).OfType<string>().Distinct().ToList();
        var idNumbers = items.Select(i => i.Input.IdNumber?.Trim().ToUpperInvariant()).OfType<string>().Distinct().ToList();
        var all = await db.Customers.IgnoreQueryFilters().AsNoTracking().Where(c => codes.Contains(c.Code) || idNumbers.Contains(c.IdNumber)).ToListAsync(cancellationToken);
        var allIds = all.Select(c => c.Id).ToList();
        var visible = (await db.Customers.Where(c => allIds.Contains(c.Id)).Select(c => c.Id).ToListAsync(cancellationToken)).ToHashSet();
        var today = DateOnly.FromDateTime(clock.GetLocalNow().DateTime);
        var forbidden = false;
        var seen = new Dictionary<(string, string), int>();
        var accepted = new List<(ExternalEvent Event, Customer Customer)>();
        foreach (var (position, input) in items)
        {
            var before = issues.Count;
            void Fail(string field, string reason) => issues.Add(new EventIssue(position, field, reason));

            var name = (input.Provider ?? provider)?.Trim();
            if (name is null || !ProviderPattern().IsMatch(name))
            {
                Fail("provider", "is required: 1–40 characters of a–z, 0–9, '.', '_' or '-'");
            }

            var reference = input.Reference?.Trim();
            if (string.IsNullOrEmpty(reference) || reference.Length > 100)
            {
                Fail("reference", "is required, at most 100 characters");
            }
            else if (name is not null && !seen.TryAdd((name, reference), position))
            {
                Fail("reference", string.Create(CultureInfo.InvariantCulture, $"'{reference}' appears again (first at {seen[(name, reference)]})"));
            }

            var type = input.Type?.Trim();
            if (type is null || !indicators.TryGetValue(type, out var indicator))
            {
                Fail("type", $"'{type}' is not an active external indicator ({string.Join(", ", indicators.Keys.Order(StringComparer.Ordinal))})");
                indicator = null;
            }
            else if (indicator.Kind == IndicatorKind.Numeric && (input.Value is not { } v || v < 0 || double.IsNaN(v) || double.IsInfinity(v)))
            {
                Fail("value", $"is required for '{type}': a number of at least 0");
            }

            DateOnly date = default;
            if (input.Date is null || !DateOnly.TryParseExact(input.Date.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
            {
                Fail("date", "is required as yyyy-MM-dd");
            }
            else if (date > today)
            {
                Fail("date", string.Create(CultureInfo.InvariantCulture, $"{date:yyyy-MM-dd} is in the future"));
            }

            var title = input.Title?.Trim();
            if (string.IsNullOrEmpty(title) || title.Length > 200)
            {
                Fail("title", "is required, at most 200 characters");
            }

            CheckLength(input.Counterparty, "counterparty", 200, Fail);
            CheckLength(input.Court, "court", 100, Fail);
            CheckLength(input.CaseNumber, "caseNumber", 100, Fail);
            if (input.Amount is { } amount && (amount < 0m || decimal.Round(amount, 2) != amount))
            {
                Fail("amount", "at least 0 with at most two decimals");
            }

            var customer = Match(all, input);
            if (customer is null)
            {
                Fail(input.CustomerCode is null ? "idNumber" : "customerCode", input.CustomerCode is null && input.IdNumber is null
                    ? "customerCode or idNumber is required"
                    : $"no customer with {(input.CustomerCode is null ? "ID number " + Masking.IdNumber(input.IdNumber) : "code '" + input.CustomerCode + "'")}");
            }
            else if (!visible.Contains(customer.Id))
            {
                forbidden = true;
                Fail(input.CustomerCode is null ? "idNumber" : "customerCode", $"customer '{customer.Code}' is outside your data scope");
            }

            if (issues.Count == before)
            {
                accepted.Add((new ExternalEvent
                {
                    Provider = name!, ProviderReference = reference!, EventType = type!, CustomerId = customer!.Id, EventDate = date, Title = title!,
                    Amount = input.Amount, Counterparty = Trimmed(input.Counterparty), Court = Trimmed(input.Court), CaseNumber = Trimmed(input.CaseNumber),
                    Value = indicator!.Kind == IndicatorKind.Numeric ? input.Value : null, OrganisationPath = customer.OrganisationPath,
                    AccountManagerId = customer.AccountManagerId,
                }, customer));
            }
        }

        if (issues.Count > 0)
        {
            return (null, new EventRefusal(issues, forbidden));
        }

        return (await StoreAsync(accepted, cancellationToken), null);
    }

    /// <summary>Imports a CSV or JSON file of events (columns <see cref="Columns"/>); positions are row numbers.</summary>
    public async Task<ImportResult> ImportAsync(IReadOnlyList<ImportRow> rows, CancellationToken cancellationToken = default)
    {
        if (rows.Count == 0)
        {
            return ImportResult.Refused([new ImportIssue(1, "file", "no data rows")]);
        }

        var items = new List<(int, ExternalEventInput)>(rows.Count);
        var issues = new List<ImportIssue>();
        foreach (var row in rows)
        {
            decimal? amount = null;
            double? value = null;
            if (row["amount"] is { } a)
            {
                if (decimal.TryParse(a, NumberStyles.Number, CultureInfo.InvariantCulture, out var parsed))
                {
                    amount = parsed;
                }
                else
                {
                    issues.Add(new ImportIssue(row.Number, "amount", $"'{a}' is not a number"));
                }
            }

            if (row["value"] is { } v)
            {
                if (double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed))
                {
                    value = parsed;
                }
                else
                {
                    issues.Add(new ImportIssue(row.Number, "value", $"'{v}' is not a number"));
                }
            }

            items.Add((row.Number, new ExternalEventInput
            {
                Provider = row["provider"], Reference = row["reference"], Type = row["type"], CustomerCode = row["customerCode"], IdNumber = row["idNumber"],
                Date = row["date"], Title = row["title"], Amount = amount, Counterparty = row["counterparty"], Court = row["court"], CaseNumber = row["caseNumber"],
                Value = value,
            }));
        }

        var (delivery, refusal) = await ReceiveAsync(null, items, cancellationToken);
        if (refusal is not null || issues.Count > 0)
        {
            return ImportResult.Refused([.. issues.Concat(refusal?.Issues.Select(i => new ImportIssue(i.Position, i.Field, i.Reason)) ?? []).OrderBy(i => i.Row)]);
        }

        return new ImportResult(delivery!.Created + delivery.Updated, []);
    }

    private async Task<EventDelivery> StoreAsync(List<(ExternalEvent Event, Customer Customer)> accepted, CancellationToken cancellationToken)
    {
        var by = db.CurrentUser.UserName ?? db.CurrentUser.UserId;
        var now = clock.GetUtcNow();
        var providers = accepted.Select(a => a.Event.Provider).Distinct().ToList();
        var references = accepted.Select(a => a.Event.ProviderReference).Distinct().ToList();
        var existing = await db.ExternalEvents.IgnoreQueryFilters()
            .Where(e => providers.Contains(e.Provider) && references.Contains(e.ProviderReference))
            .ToDictionaryAsync(e => (e.Provider, e.ProviderReference), cancellationToken);
        int created = 0, updated = 0, unchanged = 0;
        var written = new List<(ExternalEvent Event, Customer Customer)>();
        var ids = new List<ExternalEvent>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var (incoming, customer) in accepted)
        {
            if (existing.TryGetValue((incoming.Provider, incoming.ProviderReference), out var stored))
            {
                ids.Add(stored);
                if (SameContent(stored, incoming))
                {
                    unchanged++;
                    continue;
                }

                (stored.EventType, stored.CustomerId, stored.EventDate, stored.Title, stored.Amount, stored.Counterparty, stored.Court, stored.CaseNumber, stored.Value) =
                    (incoming.EventType, incoming.CustomerId, incoming.EventDate, incoming.Title, incoming.Amount, incoming.Counterparty, incoming.Court, incoming.CaseNumber, incoming.Value);
                (stored.OrganisationPath, stored.AccountManagerId, stored.ReceivedAt, stored.ReceivedBy) = (incoming.OrganisationPath, incoming.AccountManagerId, now, by);
                written.Add((stored, customer));
                updated++;
            }
            else
            {
                incoming.ReceivedAt = now;
                incoming.ReceivedBy = by;
                db.ExternalEvents.Add(incoming);
                ids.Add(incoming);
                written.Add((incoming, customer));
                created++;
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        foreach (var (e, customer) in written)
        {
            // A changed redelivery may move the event to another customer: its old value goes with the reference.
            await db.IndicatorValues.IgnoreQueryFilters().Where(v => v.Reference == e.IndicatorReference).ExecuteDeleteAsync(cancellationToken);
            await values.ReplaceAsync(customer, e.IndicatorReference, [(e.EventType, e.EventDate, e.IndicatorValue)], "api:" + e.Provider, cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await values.NotifyAsync([.. written.Select(w => w.Customer.Id).Distinct()], cancellationToken);
        return new EventDelivery(created, updated, unchanged, [.. ids.Select(e => e.Id)]);
    }

    private static bool SameContent(ExternalEvent a, ExternalEvent b) =>
        (a.EventType, a.CustomerId, a.EventDate, a.Title, a.Amount, a.Counterparty, a.Court, a.CaseNumber, a.Value) ==
        (b.EventType, b.CustomerId, b.EventDate, b.Title, b.Amount, b.Counterparty, b.Court, b.CaseNumber, b.Value);

    private static Customer? Match(List<Customer> customers, ExternalEventInput input)
    {
        var code = input.CustomerCode?.Trim();
        if (code is not null)
        {
            return customers.FirstOrDefault(c => c.Code == code);
        }

        var idNumber = input.IdNumber?.Trim().ToUpperInvariant();
        return idNumber is null ? null : customers.FirstOrDefault(c => string.Equals(c.IdNumber, idNumber, StringComparison.OrdinalIgnoreCase));
    }

    private static void CheckLength(string? text, string field, int max, Action<string, string> fail)
    {
        if (text?.Trim().Length > max)
        {
            fail(field, string.Create(CultureInfo.InvariantCulture, $"at most {max} characters"));
        }
    }

    private static string? Trimmed(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    [GeneratedRegex("^[a-z0-9._-]{1,40}$")]
    private static partial Regex ProviderPattern();
}
