using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using PostLoan.Domain.Administration;
using PostLoan.Domain.Common;
using PostLoan.Domain.Ledger.Calendar;
using PostLoan.Domain.Ledger.Customers;
using PostLoan.Domain.Ledger.Loans;
using PostLoan.Infrastructure.Demo;
using PostLoan.Infrastructure.Ledger.Close;
using PostLoan.Infrastructure.Ledger.Loans;
using PostLoan.Infrastructure.Ledger;
using PostLoan.Infrastructure.Persistence;
using static System.FormattableString;

namespace PostLoan.Infrastructure.Ledger.Import;

/// <summary>
/// Imports loans from the core system (CSV, Excel, JSON). Columns: <c>code, customerCode, productCode, principal,
/// annualRate, termMonths, disbursementDate, contractNumber, purpose, guaranteeMethod</c>. A loan keeps its existing
/// schedule when one is given — a JSON row's <c>"schedule":[{period,dueDate,principal,interest}]</c>, or a second
/// file with <c>loanCode, period, dueDate, principal, interest</c> — and gets a generated one otherwise. Each loan is
/// opened through <see cref="LoanAccount.Open"/> (position closed through the day before disbursement; the daily
/// close catches it up) with its disbursement transaction, ledger event and journal line. Every bad row is reported;
/// a file with any bad row writes nothing. Good files are bulk-written in one transaction and audited in one line.
/// </summary>
public sealed class LoanImporter(PostLoanDbContext db, LoanServicing servicing, TimeProvider clock)
{
    /// <summary>Loan file columns in file order.</summary>
    public static readonly IReadOnlyList<string> TemplateColumns =
        ["code", "customerCode", "productCode", "principal", "annualRate", "termMonths", "disbursementDate", "contractNumber", "purpose", "guaranteeMethod"];

    /// <summary>Example loans, valid against the demo bank (<c>seed-demo</c> customers C000001…).</summary>
    public static readonly IReadOnlyList<string?[]> TemplateExamples =
    [
        ["IMP-0001", "C000001", "EQI", "100000.00", "0.0435", "12", "2026-01-31", "HT-IMP-0001", "流动资金周转", "credit"],
        ["IMP-0002", "C000002", "EQP", "240000.00", "0.05", "24", "2026-03-15", "HT-IMP-0002", "设备购置", "guarantee"],
        ["IMP-0003", "C000004", "EQI", "60000.00", "0.048", "6", "2026-04-20", "HT-IMP-0003", "采购原材料", "抵押"],
        ["IMP-0004", "C000003", "EQP", "50000.00", "0.055", "12", "2026-05-20", "HT-IMP-0004", "个人消费", "信用"],
        ["IMP-0005", "C000005", "IOM", "500000.00", "0.048", "12", "2026-06-10", "HT-IMP-0005", "支付货款", "mortgage"],
        ["IMP-0006", "C000006", "BUL", "300000.00", "0.06", "6", "2026-08-01", "HT-IMP-0006", "流动资金周转", "pledge"],
    ];

    /// <summary>Schedule file columns in file order.</summary>
    public static readonly IReadOnlyList<string> ScheduleColumns = ["loanCode", "period", "dueDate", "principal", "interest"];

    /// <summary>An existing schedule (loan IMP-0003, uneven principal as the core system agreed it).</summary>
    public static readonly IReadOnlyList<string?[]> ScheduleExamples =
    [
        ["IMP-0003", "1", "2026-05-20", "5000.00", "240.00"],
        ["IMP-0003", "2", "2026-06-20", "5000.00", "220.00"],
        ["IMP-0003", "3", "2026-07-20", "10000.00", "200.00"],
        ["IMP-0003", "4", "2026-08-20", "10000.00", "160.00"],
        ["IMP-0003", "5", "2026-09-20", "15000.00", "120.00"],
        ["IMP-0003", "6", "2026-10-20", "15000.00", "60.00"],
    ];

    private sealed record ScheduleLine(int Row, string Field, int? Period, DateOnly? DueDate, decimal? Principal, decimal? Interest);

    private sealed record Parsed(ImportRow Row, Loan Loan, LoanProduct Product, IReadOnlyList<ScheduleLine>? Schedule, bool ScheduleInFile);

    /// <summary>
    /// Imports <paramref name="rows"/>; <paramref name="schedules"/> are the rows of an optional schedule file (its
    /// issues name the schedule file's rows and fields <c>schedule.*</c>).
    /// </summary>
    public async Task<ImportResult> ImportAsync(IReadOnlyList<ImportRow> rows, string source, IReadOnlyList<ImportRow>? schedules = null, CancellationToken cancellationToken = default)
    {
        if (rows.Count == 0)
        {
            return ImportResult.Refused([new ImportIssue(1, "file", "no data rows")]);
        }

        var issues = new List<ImportIssue>();
        void Issue(int row, string field, string reason) => issues.Add(new ImportIssue(row, field, reason));

        var open = await servicing.OpenBusinessDateAsync(cancellationToken);
        var codes = rows.Select(r => r["code"]).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var existing = (await db.Loans.IgnoreQueryFilters().Where(l => codes.Contains(l.Code)).Select(l => l.Code).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        var customerCodes = rows.Select(r => r["customerCode"]).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var customers = await db.Customers.AsNoTracking().Where(c => customerCodes.Contains(c.Code)).ToDictionaryAsync(c => c.Code, StringComparer.Ordinal, cancellationToken);
        var products = await db.LoanProducts.AsNoTracking().ToDictionaryAsync(p => p.Code, StringComparer.OrdinalIgnoreCase, cancellationToken);
        Func<DateOnly, DateOnly>? shift = null;
        if (products.Values.Any(p => p.ShiftHolidays))
        {
            shift = new WorkingDays(await db.CalendarDays.AsNoTracking().ToListAsync(cancellationToken)).NextWorkingDayOnOrAfter;
        }

        var fileSchedules = ReadScheduleFile(schedules, Issue);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var parsed = new List<Parsed>(rows.Count);
        foreach (var row in rows)
        {
            var before = issues.Count;
            var code = Required(row, "code", Issue);
            if (code is not null)
            {
                if (code.Length > 40)
                {
                    Issue(row.Number, "code", "is longer than 40 characters");
                }
                else if (existing.Contains(code))
                {
                    Issue(row.Number, "code", $"loan '{code}' exists already");
                }
                else if (!seen.TryAdd(code, row.Number))
                {
                    Issue(row.Number, "code", Invariant($"'{code}' appears again (first in row {seen[code]})"));
                }
            }

            Customer? customer = null;
            if (Required(row, "customerCode", Issue) is { } customerCode && !customers.TryGetValue(customerCode, out customer))
            {
                Issue(row.Number, "customerCode", $"customer '{customerCode}' does not exist or is outside your scope");
            }

            LoanProduct? product = null;
            if (Required(row, "productCode", Issue) is { } productCode)
            {
                if (!products.TryGetValue(productCode, out product))
                {
                    Issue(row.Number, "productCode", $"'{productCode}' is not a loan product ({string.Join(", ", products.Keys.Order(StringComparer.Ordinal))})");
                }
                else if (!product.Active)
                {
                    Issue(row.Number, "productCode", $"product '{productCode}' is no longer active");
                    product = null;
                }
            }

            var principal = ImportValues.Amount(row, "principal", Issue, required: true, positive: true);
            var rate = ImportValues.Rate(row, "annualRate", Issue);
            var term = ImportValues.Integer(row, "termMonths", Issue, required: true);
            var disbursed = ImportValues.Date(row, "disbursementDate", Issue, required: true);
            if (disbursed is { } d && d > open)
            {
                Issue(row.Number, "disbursementDate", Invariant($"{d:yyyy-MM-dd} is after the open business date {open:yyyy-MM-dd}"));
            }

            var contract = row["contractNumber"];
            if (contract is { Length: > 40 })
            {
                Issue(row.Number, "contractNumber", "is longer than 40 characters");
            }

            var purpose = row["purpose"];
            if (purpose is { Length: > 200 })
            {
                Issue(row.Number, "purpose", "is longer than 200 characters");
            }

            var guarantee = GuaranteeMethod.Credit;
            if (row["guaranteeMethod"] is { } guaranteeText && !TryParseGuarantee(guaranteeText, out guarantee))
            {
                Issue(row.Number, "guaranteeMethod", $"'{guaranteeText}' is not one of credit, guarantee, mortgage, pledge (信用, 保证, 抵押, 质押)");
            }

            var embedded = ReadEmbeddedSchedule(row, Issue);
            List<ScheduleLine>? inFile = null;
            if (code is not null && fileSchedules.Remove(code, out var lines))
            {
                inFile = lines;
                if (embedded is not null)
                {
                    Issue(row.Number, "schedule", $"loan '{code}' has a schedule in the row and in the schedule file; give one");
                }
            }

            if (issues.Count > before || customer is null || product is null)
            {
                continue;
            }

            var loan = LoanServicing.Build(
                new NewLoan(code!, customer.Id, product.Code, principal!.Value, rate!.Value, term!.Value, disbursed!.Value, contract, purpose, guarantee), product, customer);
            if (loan.Terms.Validate() is { } invalid)
            {
                Issue(row.Number, invalid.Code, invalid.Message);
                continue;
            }

            parsed.Add(new Parsed(row, loan, product, embedded ?? inFile, inFile is not null && embedded is null));
        }

        foreach (var (code, lines) in fileSchedules)
        {
            Issue(lines[0].Row, "schedule.loanCode", $"loan '{code}' is not in the loan file");
        }

        var now = clock.GetUtcNow();
        var firstId = (await db.Loans.IgnoreQueryFilters().MaxAsync(l => (long?)l.Id, cancellationToken) ?? 0) + 1;
        var cents = PositionColumns.StoresCents(db.Database.GetDbConnection());
        var rowsToWrite = new LedgerRows(cents);
        foreach (var item in parsed)
        {
            var loan = item.Loan;
            IReadOnlyList<ScheduledInstallment> schedule;
            if (item.Schedule is { } given)
            {
                if (CheckSchedule(item, given, Issue) is not { } checkedSchedule)
                {
                    continue;
                }

                schedule = checkedSchedule;
                loan.MaturityDate = schedule[^1].DueDate;
            }
            else
            {
                schedule = ScheduleGenerator.Generate(loan.Terms, item.Product.ShiftHolidays ? shift : null);
            }

            if (issues.Count > 0)
            {
                continue; // keep checking schedules for their issues, but build nothing more
            }

            loan.Id = firstId + rowsToWrite.Loans.Count;
            loan.CreatedAt = now;
            var account = LoanAccount.Open(loan.Id, loan.Terms, loan.Rules, schedule);
            rowsToWrite.Loans.Add(loan);
            rowsToWrite.AddInstallments(loan.Id, account.Installments);
            rowsToWrite.Positions.Add(PositionColumns.Values(account.Position, cents));
            rowsToWrite.Transactions.Add([loan.Id, loan.DisbursementDate, (int)LoanTransactionKind.Disbursement, loan.Principal, 0m, 0m, 0m, loan.Principal, "import", null]);
            rowsToWrite.Events.Add([loan.Id, loan.DisbursementDate, (int)LedgerEventKind.Disbursement, null, null,
                JsonSerializer.Serialize(new { loan.Principal, loan.AnnualRate, loan.TermMonths })]);
            rowsToWrite.AddJournal(loan, account.Journal, account.Position.ClosedThrough);
        }

        if (issues.Count > 0)
        {
            return ImportResult.Refused([.. issues.OrderBy(i => i.Row)]);
        }

        await rowsToWrite.WriteAsync(db, clock, cancellationToken, async (connection, tx) =>
        {
            await DemoLoanSeeder.InsertLoansAsync(connection, tx, rowsToWrite.Loans, cancellationToken);
        }, async (connection, tx) =>
        {
            await BulkWriter.ResetIdentitiesAsync(connection, tx, cancellationToken, "loans");
            db.Audit(AuditAction.Created, "LoanImport", null, Invariant($"{rowsToWrite.Loans.Count} loans imported from {source}"));
        });
        return new ImportResult(rowsToWrite.Loans.Count, []);
    }

    /// <summary>Checks a given schedule; returns it as installments with running balances, or null with issues added.</summary>
    private static List<ScheduledInstallment>? CheckSchedule(Parsed item, IReadOnlyList<ScheduleLine> lines, Action<int, string, string> issue)
    {
        var loan = item.Loan;
        var row = item.Row.Number;
        var where = item.ScheduleInFile ? " (schedule file)" : string.Empty;
        if (lines.Any(l => l.Period is null || l.DueDate is null || l.Principal is null || l.Interest is null))
        {
            return null; // the line's own issues are reported already
        }

        var ordered = lines.OrderBy(l => l.Period).ToList();
        var ok = true;
        if (ordered.Select((l, i) => l.Period == i + 1).Any(match => !match))
        {
            issue(row, "schedule", Invariant($"periods must run 1..{ordered.Count} without gaps or repeats{where}, found {string.Join(",", ordered.Select(l => l.Period))}"));
            ok = false;
        }

        var previous = loan.DisbursementDate;
        foreach (var line in ordered)
        {
            if (line.DueDate!.Value <= previous)
            {
                issue(line.Row, line.Field + "dueDate", Invariant($"{line.DueDate:yyyy-MM-dd} must be after {(previous == loan.DisbursementDate ? "the disbursement date" : "the previous due date")} {previous:yyyy-MM-dd}"));
                ok = false;
            }

            previous = line.DueDate.Value;
        }

        var sum = ordered.Sum(l => l.Principal!.Value);
        if (sum != loan.Principal)
        {
            issue(row, "schedule", Invariant($"principal of the schedule{where} sums to {sum:0.00}, not the loan principal {loan.Principal:0.00}"));
            ok = false;
        }

        if (!ok)
        {
            return null;
        }

        var balance = loan.Principal;
        var result = new List<ScheduledInstallment>(ordered.Count);
        foreach (var line in ordered)
        {
            balance -= line.Principal!.Value;
            result.Add(new ScheduledInstallment(line.Period!.Value, line.DueDate!.Value, line.Principal.Value, line.Interest!.Value, balance));
        }

        return result;
    }

    /// <summary>A JSON row's <c>schedule</c> array (also accepted as JSON text in a CSV or Excel cell).</summary>
    private static List<ScheduleLine>? ReadEmbeddedSchedule(ImportRow row, Action<int, string, string> issue)
    {
        if (row["schedule"] is not { } text)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.String)
            {
                using var inner = JsonDocument.Parse(root.GetString()!);
                return ReadScheduleArray(row.Number, inner.RootElement, issue);
            }

            return ReadScheduleArray(row.Number, root, issue);
        }
        catch (JsonException ex)
        {
            issue(row.Number, "schedule", "is not a JSON array of {period, dueDate, principal, interest}: " + ex.Message);
            return [];
        }
    }

    private static List<ScheduleLine> ReadScheduleArray(int rowNumber, JsonElement array, Action<int, string, string> issue)
    {
        if (array.ValueKind != JsonValueKind.Array || array.GetArrayLength() == 0)
        {
            issue(rowNumber, "schedule", "must be a non-empty array of {period, dueDate, principal, interest}");
            return [];
        }

        var lines = new List<ScheduleLine>();
        var index = 0;
        foreach (var element in array.EnumerateArray())
        {
            index++;
            var prefix = Invariant($"schedule[{index}].");
            if (element.ValueKind != JsonValueKind.Object)
            {
                issue(rowNumber, prefix[..^1], "is not an object");
                continue;
            }

            var values = TabularFile.Values(element);

            lines.Add(ScheduleLineOf(new ImportRow(rowNumber, values), prefix, issue));
        }

        return lines;
    }

    /// <summary>The schedule file's lines by loan code, in file order.</summary>
    private static Dictionary<string, List<ScheduleLine>> ReadScheduleFile(IReadOnlyList<ImportRow>? rows, Action<int, string, string> issue)
    {
        var byLoan = new Dictionary<string, List<ScheduleLine>>(StringComparer.Ordinal);
        foreach (var row in rows ?? [])
        {
            if (Required(row, "loanCode", issue, "schedule.") is not { } code)
            {
                continue;
            }

            if (!byLoan.TryGetValue(code, out var lines))
            {
                byLoan[code] = lines = [];
            }

            lines.Add(ScheduleLineOf(row, "schedule.", issue));
        }

        return byLoan;
    }

    private static ScheduleLine ScheduleLineOf(ImportRow row, string prefix, Action<int, string, string> issue)
    {
        void Prefixed(int number, string field, string reason) => issue(number, prefix + field, reason);
        var period = ImportValues.Integer(row, "period", Prefixed, required: true);
        if (period is < 1)
        {
            Prefixed(row.Number, "period", "must be 1 or more");
            period = null;
        }

        return new ScheduleLine(row.Number, prefix, period, ImportValues.Date(row, "dueDate", Prefixed, required: true),
            ImportValues.Amount(row, "principal", Prefixed, required: true, positive: false),
            ImportValues.Amount(row, "interest", Prefixed, required: true, positive: false));
    }

    private static string? Required(ImportRow row, string field, Action<int, string, string> issue, string prefix = "")
    {
        var value = row[field];
        if (value is null)
        {
            issue(row.Number, prefix + field, "is required");
        }

        return value;
    }

    /// <summary>credit|guarantee|mortgage|pledge or 信用|保证|抵押|质押.</summary>
    public static bool TryParseGuarantee(string? text, out GuaranteeMethod method)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "credit" or "信用":
                method = GuaranteeMethod.Credit;
                return true;
            case "guarantee" or "保证":
                method = GuaranteeMethod.Guarantee;
                return true;
            case "mortgage" or "抵押":
                method = GuaranteeMethod.Mortgage;
                return true;
            case "pledge" or "质押":
                method = GuaranteeMethod.Pledge;
                return true;
            default:
                method = default;
                return false;
        }
    }
}

/// <summary>Parsing of import cells with invariant rules; each failure is reported as an issue on the row and field.</summary>
internal static class ImportValues
{
    private static readonly string[] DateFormats = ["yyyy-MM-dd", "yyyy-M-d", "yyyy/MM/dd", "yyyy/M/d", "yyyyMMdd", "yyyy-MM-dd HH:mm:ss", "yyyy/M/d H:mm:ss"];

    public static decimal? Amount(ImportRow row, string field, Action<int, string, string> issue, bool required, bool positive)
    {
        var text = row[field];
        if (text is null)
        {
            if (required)
            {
                issue(row.Number, field, "is required");
            }

            return null;
        }

        if (!decimal.TryParse(text.Replace(",", string.Empty, StringComparison.Ordinal), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            issue(row.Number, field, $"'{text}' is not an amount");
            return null;
        }

        if (value != decimal.Round(value, 2))
        {
            issue(row.Number, field, $"'{text}' has more than 2 decimals");
            return null;
        }

        if (positive ? value <= 0m : value < 0m)
        {
            issue(row.Number, field, positive ? "must be greater than 0" : "must not be negative");
            return null;
        }

        return value;
    }

    /// <summary>A fraction (0.0435) or a percentage (4.35%).</summary>
    public static decimal? Rate(ImportRow row, string field, Action<int, string, string> issue)
    {
        var text = row[field];
        if (text is null)
        {
            issue(row.Number, field, "is required");
            return null;
        }

        var percent = text.EndsWith('%');
        if (!decimal.TryParse(percent ? text[..^1] : text, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            issue(row.Number, field, $"'{text}' is not a rate (0.0435 or 4.35%)");
            return null;
        }

        value = percent ? value / 100m : value;
        if (value is < 0m or > 1m)
        {
            issue(row.Number, field, $"'{text}' must be a fraction between 0 and 1 (0.0435 for 4.35%)");
            return null;
        }

        return value;
    }

    public static int? Integer(ImportRow row, string field, Action<int, string, string> issue, bool required)
    {
        var text = row[field];
        if (text is null)
        {
            if (required)
            {
                issue(row.Number, field, "is required");
            }

            return null;
        }

        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            issue(row.Number, field, $"'{text}' is not a whole number");
            return null;
        }

        return value;
    }

    public static DateOnly? Date(ImportRow row, string field, Action<int, string, string> issue, bool required)
    {
        var text = row[field];
        if (text is null)
        {
            if (required)
            {
                issue(row.Number, field, "is required");
            }

            return null;
        }

        if (DateTime.TryParseExact(text, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var value) && value.TimeOfDay == TimeSpan.Zero)
        {
            return DateOnly.FromDateTime(value);
        }

        issue(row.Number, field, $"'{text}' is not a date (YYYY-MM-DD)");
        return null;
    }
}

/// <summary>
/// Rows of the ledger tables an import writes (installments, positions, transactions, events, journal), bulk-written
/// in one transaction in the column layout <see cref="DemoLoanSeeder"/> and the daily close use.
/// </summary>
internal sealed class LedgerRows(bool cents)
{
    public bool Cents { get; } = cents;
    public List<Loan> Loans { get; } = [];
    public List<object?[]> Installments { get; } = [];
    public List<object?[]> Positions { get; } = [];
    /// <summary>LoanId, ValueDate, Kind, Amount, Penalty, Compound, Interest, Principal, Channel, Reference.</summary>
    public List<object?[]> Transactions { get; } = [];
    /// <summary>LoanId, EffectiveDate, Kind, Reason, Approver, Detail.</summary>
    public List<object?[]> Events { get; } = [];
    public List<object?[]> Journal { get; } = [];

    public void AddInstallments(long loanId, IEnumerable<InstallmentState> installments)
    {
        foreach (var i in installments)
        {
            Installments.Add([loanId, i.Period, i.DueDate, i.Principal, i.Interest, i.PrincipalPaid, i.InterestPaid]);
        }
    }

    /// <summary>Adds postings; daily accruals are summed per month (dated the month end, at most <paramref name="closedThrough"/>).</summary>
    public void AddJournal(Loan loan, IEnumerable<JournalPosting> postings, DateOnly closedThrough)
    {
        static bool IsAccrual(string kind) => kind.StartsWith("interest accrual", StringComparison.Ordinal) || kind.StartsWith("penalty charge", StringComparison.Ordinal);

        foreach (var group in postings.GroupBy(p => IsAccrual(p.Kind)
                     ? (Date: Min(new DateOnly(p.Date.Year, p.Date.Month, 1).AddMonths(1).AddDays(-1), closedThrough), p.Kind, p.DebitAccount, p.CreditAccount, Seq: 0)
                     : (p.Date, p.Kind, p.DebitAccount, p.CreditAccount, Seq: 1)))
        {
            var amounts = group.Key.Seq == 0 ? [group.Sum(p => p.Amount)] : group.Select(p => p.Amount);
            foreach (var amount in amounts.Where(a => a != 0m))
            {
                Journal.Add([group.Key.Date, loan.Id, loan.OrganisationId, group.Key.Kind, group.Key.DebitAccount, group.Key.CreditAccount, amount]);
            }
        }
    }

    private static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;

    /// <summary>
    /// Opens a transaction; runs <paramref name="before"/> (e.g. loans or deletions), writes the rows, runs
    /// <paramref name="after"/> (audit), saves EF changes and commits.
    /// </summary>
    public async Task WriteAsync(PostLoanDbContext db, TimeProvider clock, CancellationToken cancellationToken,
        Func<DbConnection, DbTransaction, Task> before, Func<DbConnection, DbTransaction, Task> after)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var tx = transaction.GetDbTransaction();
            await before(connection, tx);
            var user = db.CurrentUser.UserName;
            var now = clock.GetUtcNow();
            await BulkWriter.InsertAsync(connection, tx, "installments", LedgerTables.InstallmentColumns, Installments, cancellationToken);
            await BulkWriter.InsertAsync(connection, tx, "loan_positions", PositionColumns.All, Positions, cancellationToken);
            await BulkWriter.InsertAsync(connection, tx, "loan_transactions", LedgerTables.TransactionColumns, Transactions.Select(t => t.Concat(new object?[] { user, now }).ToArray()), cancellationToken);
            await BulkWriter.InsertAsync(connection, tx, "ledger_events", LedgerTables.EventColumns, Events.Select(e => e.Concat(new object?[] { user, now }).ToArray()), cancellationToken);
            await BulkWriter.InsertAsync(connection, tx, "journal_entries", LedgerTables.JournalColumns, Journal, cancellationToken);
            await after(connection, tx);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

}
