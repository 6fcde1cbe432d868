using System.Globalization;
using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Administration;
using PostLoan.Domain.Common;
using PostLoan.Domain.Ledger.Customers;
using PostLoan.Domain.Warning.Indicators;
using PostLoan.Infrastructure.Ledger.Import;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Infrastructure.Warning.Indicators;

/// <summary>A statement as entered or imported, figures in yuan as text or numbers; the customer by id or code.</summary>
public sealed record StatementInput(
    int? CustomerId,
    string? CustomerCode,
    string? PeriodEnd,
    string? Period,
    string? Revenue,
    string? NetProfit,
    string? OperatingCashFlow,
    string? Receivables,
    string? TotalAssets,
    string? TotalLiabilities);

/// <summary>
/// Financial statements (财务报表): entered on the page or the API, or imported from CSV / Excel (all or nothing, every
/// bad row named). Each statement writes the five statement indicators at its period end with the reference
/// <c>statement:ID</c>; a corrected statement (same customer and period end) replaces its values. The customer must be
/// within the caller's data scope.
/// </summary>
public sealed class FinancialStatementService(PostLoanDbContext db, IndicatorValueStore values, TimeProvider clock)
{
    /// <summary>The import columns, in template order.</summary>
    public static readonly IReadOnlyList<string> Columns =
        ["customerCode", "periodEnd", "period", "revenue", "netProfit", "operatingCashFlow", "receivables", "totalAssets", "totalLiabilities"];

    /// <summary>Enters or corrects one statement.</summary>
    public async Task<Result<FinancialStatement>> SaveAsync(StatementInput input, CancellationToken cancellationToken = default)
    {
        Error? first = null;
        var parsed = Parse(input, (field, reason) => first ??= Error.Validation(field, reason));
        if (first is not null)
        {
            return first;
        }

        var access = input.CustomerId is { } id
            ? await db.FindInScopeAsync<Customer>(c => c.Id == id, id.ToString(CultureInfo.InvariantCulture), cancellationToken)
            : await db.FindInScopeAsync<Customer>(c => c.Code == input.CustomerCode, input.CustomerCode ?? "", cancellationToken);
        if (access.Outcome != AccessOutcome.Granted)
        {
            return access.Outcome == AccessOutcome.Denied
                ? Error.Forbidden("scope.denied", "customer: outside your data scope")
                : Error.Validation(input.CustomerId is null ? "customerCode" : "customerId", "no such customer");
        }

        var saved = await StoreAsync([(access.Value!, parsed!)], "manual", cancellationToken);
        return saved[0];
    }

    /// <summary>Imports statements; a file with any bad row writes nothing and names every issue.</summary>
    public async Task<ImportResult> ImportAsync(IReadOnlyList<ImportRow> rows, string source, CancellationToken cancellationToken = default)
    {
        if (rows.Count == 0)
        {
            return ImportResult.Refused([new ImportIssue(1, "file", "no data rows")]);
        }

        var codes = rows.Select(r => r["customerCode"]).OfType<string>().Distinct().ToList();
        var visible = await db.Customers.Where(c => codes.Contains(c.Code)).ToDictionaryAsync(c => c.Code, StringComparer.Ordinal, cancellationToken);
        var known = (await db.Customers.IgnoreQueryFilters().Where(c => codes.Contains(c.Code)).Select(c => c.Code).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        var issues = new List<ImportIssue>();
        var seen = new Dictionary<(string, DateOnly), int>();
        var good = new List<(Customer, Parsed)>();
        foreach (var row in rows)
        {
            var input = new StatementInput(null, row["customerCode"], row["periodEnd"], row["period"], row["revenue"], row["netProfit"], row["operatingCashFlow"],
                row["receivables"], row["totalAssets"], row["totalLiabilities"]);
            var parsed = Parse(input, (field, reason) => issues.Add(new ImportIssue(row.Number, field, reason)));
            var code = input.CustomerCode;
            Customer? customer = null;
            if (code is null)
            {
                issues.Add(new ImportIssue(row.Number, "customerCode", "is required"));
            }
            else if (!visible.TryGetValue(code, out customer))
            {
                issues.Add(new ImportIssue(row.Number, "customerCode", known.Contains(code) ? $"customer '{code}' is outside your data scope" : $"no customer '{code}'"));
            }

            if (customer is not null && parsed is not null)
            {
                if (seen.TryGetValue((code!, parsed.PeriodEnd), out var firstRow))
                {
                    issues.Add(new ImportIssue(row.Number, "periodEnd", string.Create(CultureInfo.InvariantCulture, $"'{code}' {parsed.PeriodEnd:yyyy-MM-dd} appears again (first in row {firstRow})")));
                }
                else
                {
                    seen[(code!, parsed.PeriodEnd)] = row.Number;
                    good.Add((customer, parsed));
                }
            }
        }

        if (issues.Count > 0)
        {
            return ImportResult.Refused([.. issues.OrderBy(i => i.Row)]);
        }

        var saved = await StoreAsync(good, source, cancellationToken);
        return new ImportResult(saved.Count, []);
    }

    /// <summary>Adds or corrects the statements and replaces their indicator values in one transaction, then tells the observers.</summary>
    private async Task<List<FinancialStatement>> StoreAsync(IReadOnlyList<(Customer Customer, Parsed Figures)> items, string source, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var by = db.CurrentUser.UserName ?? db.CurrentUser.UserId;
        var customerIds = items.Select(i => i.Customer.Id).Distinct().ToList();
        var existing = await db.FinancialStatements.IgnoreQueryFilters().Where(s => customerIds.Contains(s.CustomerId)).ToListAsync(cancellationToken);
        var statements = new List<FinancialStatement>(items.Count);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var (customer, f) in items)
        {
            var statement = existing.FirstOrDefault(s => s.CustomerId == customer.Id && s.PeriodEnd == f.PeriodEnd);
            if (statement is null)
            {
                statement = new FinancialStatement { CustomerId = customer.Id, PeriodEnd = f.PeriodEnd };
                db.FinancialStatements.Add(statement);
            }

            statement.Period = f.Period;
            statement.Revenue = f.Revenue;
            statement.NetProfit = f.NetProfit;
            statement.OperatingCashFlow = f.OperatingCashFlow;
            statement.Receivables = f.Receivables;
            statement.TotalAssets = f.TotalAssets;
            statement.TotalLiabilities = f.TotalLiabilities;
            statement.DebtRatio = f.DebtRatio;
            statement.Source = source.Length > 200 ? source[..200] : source;
            statement.RecordedBy = by;
            statement.RecordedAt = now;
            statement.OrganisationPath = customer.OrganisationPath;
            statement.AccountManagerId = customer.AccountManagerId;
            statements.Add(statement);
        }

        await db.SaveChangesAsync(cancellationToken);
        for (var i = 0; i < statements.Count; i++)
        {
            var s = statements[i];
            await values.ReplaceAsync(items[i].Customer, s.IndicatorReference,
                StatementRules.IndicatorValues(s).Select(v => (v.Code, s.PeriodEnd, v.Value)), by ?? "statement", cancellationToken);
        }

        if (items.Count > 1)
        {
            db.Audit(AuditAction.Created, "FinancialStatementImport", null, string.Create(CultureInfo.InvariantCulture, $"{items.Count} statements from {source}"));
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await values.NotifyAsync(customerIds, cancellationToken);
        return statements;
    }

    /// <summary>The figures of a valid input, or null after reporting every invalid field.</summary>
    public static Parsed? Parse(StatementInput input, Action<string, string> issue)
    {
        var valid = true;
        void Fail(string field, string reason)
        {
            valid = false;
            issue(field, reason);
        }

        DateOnly periodEnd = default;
        if (input.PeriodEnd is null || !DateOnly.TryParseExact(input.PeriodEnd.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out periodEnd))
        {
            Fail("periodEnd", "is required as yyyy-MM-dd");
        }

        StatementPeriod? period = input.Period?.Trim().ToLowerInvariant() switch
        {
            "quarter" or "q" or "季报" or "季度" => StatementPeriod.Quarter,
            "half" or "halfyear" or "h" or "半年报" or "半年度" => StatementPeriod.HalfYear,
            "year" or "y" or "annual" or "年报" or "年度" => StatementPeriod.Year,
            _ => null,
        };
        if (period is null)
        {
            Fail("period", "is required: quarter, half or year (季报, 半年报, 年报)");
        }
        else if (periodEnd != default && !StatementRules.IsPeriodEnd(periodEnd, period.Value))
        {
            Fail("periodEnd", string.Create(CultureInfo.InvariantCulture, $"{periodEnd:yyyy-MM-dd} is not the end of a {period.Value} period"));
        }

        decimal Amount(string field, string? text, bool nonNegative)
        {
            if (text is null || !decimal.TryParse(text.Trim().Replace(",", "", StringComparison.Ordinal), NumberStyles.Number, CultureInfo.InvariantCulture, out var amount))
            {
                Fail(field, "is required as a number of yuan");
                return 0m;
            }

            if (nonNegative && amount < 0m)
            {
                Fail(field, "cannot be negative");
            }

            if (decimal.Round(amount, 2) != amount || Math.Abs(amount) >= 1e16m)
            {
                Fail(field, "at most two decimals and below 10^16");
            }

            return amount;
        }

        var revenue = Amount("revenue", input.Revenue, nonNegative: true);
        var profit = Amount("netProfit", input.NetProfit, nonNegative: false);
        var cash = Amount("operatingCashFlow", input.OperatingCashFlow, nonNegative: false);
        var receivables = Amount("receivables", input.Receivables, nonNegative: true);
        var assets = Amount("totalAssets", input.TotalAssets, nonNegative: true);
        var liabilities = Amount("totalLiabilities", input.TotalLiabilities, nonNegative: true);
        var ratio = StatementRules.DebtRatio(assets, liabilities);
        if (ratio is null && input.TotalAssets is not null)
        {
            Fail("totalAssets", "must be greater than zero (the debt ratio divides by it)");
        }

        return valid ? new Parsed(periodEnd, period!.Value, revenue, profit, cash, receivables, assets, liabilities, ratio!.Value) : null;
    }

    /// <summary>The validated figures of one statement.</summary>
    public sealed record Parsed(DateOnly PeriodEnd, StatementPeriod Period, decimal Revenue, decimal NetProfit, decimal OperatingCashFlow,
        decimal Receivables, decimal TotalAssets, decimal TotalLiabilities, decimal DebtRatio);
}
