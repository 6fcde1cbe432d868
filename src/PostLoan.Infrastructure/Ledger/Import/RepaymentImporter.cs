using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Administration;
using PostLoan.Domain.Common;
using PostLoan.Domain.Ledger.Loans;
using PostLoan.Infrastructure.Ledger.Close;
using PostLoan.Infrastructure.Ledger.Loans;
using PostLoan.Infrastructure.Persistence;
using static System.FormattableString;

namespace PostLoan.Infrastructure.Ledger.Import;

/// <summary>A failed line of an auto-debit result file (扣款失败): listed for follow-up, not posted, not an error.</summary>
public sealed record AutoDebitFailure(int Row, string? LoanCode, string? ValueDate, string? Amount, string? Reference, string? FailureReason);

/// <summary>What an auto-debit result file did: the successful lines posted (or every issue), and the failed lines.</summary>
public sealed record AutoDebitResult(ImportResult Import, IReadOnlyList<AutoDebitFailure> Failed)
{
    public bool Succeeded => Import.Succeeded;
    public int Written => Import.Written;
    public IReadOnlyList<ImportIssue> Issues => Import.Issues;
}

/// <summary>
/// Imports repayments from the core system (CSV, Excel, JSON) with columns <c>loanCode, valueDate, amount, kind
/// (regular|payoff|part-principal), mode (reduce-installment|reduce-term), reference</c>, and auto-debit result files
/// (批量扣款结果文件) with <c>loanCode, valueDate, amount, result (success|failed|成功|失败), reference, failureReason</c>.
/// Each loan's payments are posted in value-date order on its restored account: closed in memory through the day
/// before the value date, then <see cref="LoanAccount.Pay"/>. Any bad row (value date after the open business date or
/// before the loan's position, unknown loan, overpayment, repeated reference…) refuses the whole file; a good file
/// writes installments, positions, transactions, ledger events and journal in one transaction, audited in one line.
/// </summary>
public sealed class RepaymentImporter(PostLoanDbContext db, LoanServicing servicing, TimeProvider clock)
{
    /// <summary>Repayment file columns in file order.</summary>
    public static readonly IReadOnlyList<string> TemplateColumns = ["loanCode", "valueDate", "amount", "kind", "mode", "reference"];

    /// <summary>Example repayments of the example loans (<see cref="LoanImporter.TemplateExamples"/>).</summary>
    public static readonly IReadOnlyList<string?[]> TemplateExamples =
    [
        ["IMP-0001", "2026-02-28", "8530.99", "regular", null, "HX202602280001"],
        ["IMP-0001", "2026-03-31", "8530.99", "regular", null, "HX202603310001"],
        ["IMP-0002", "2026-04-15", "31000.00", "part-principal", "reduce-term", "HX202604150001"],
        ["IMP-0003", "2026-05-20", "5240.00", "regular", null, "HX202605200001"],
        ["IMP-0004", "2026-06-20", "4395.84", "regular", null, "HX202606200001"],
    ];

    /// <summary>Auto-debit result file columns in file order.</summary>
    public static readonly IReadOnlyList<string> AutoDebitColumns = ["loanCode", "valueDate", "amount", "result", "reference", "failureReason"];

    /// <summary>Example auto-debit results: two debited, one refused by the bank for lack of funds.</summary>
    public static readonly IReadOnlyList<string?[]> AutoDebitExamples =
    [
        ["IMP-0001", "2026-04-30", "8530.99", "success", "KK202604300001", null],
        ["IMP-0003", "2026-06-20", "5220.00", "成功", "KK202606200001", null],
        ["IMP-0005", "2026-07-10", "2000.00", "failed", "KK202607100001", "账户余额不足"],
    ];

    private sealed record PaymentLine(int Row, string LoanCode, DateOnly ValueDate, decimal Amount, PaymentKind Kind, Reamortisation Mode, string? Reference);

    /// <summary>Imports a repayment file.</summary>
    public async Task<ImportResult> ImportAsync(IReadOnlyList<ImportRow> rows, string source, CancellationToken cancellationToken = default)
    {
        if (rows.Count == 0)
        {
            return ImportResult.Refused([new ImportIssue(1, "file", "no data rows")]);
        }

        var issues = new List<ImportIssue>();
        var lines = new List<PaymentLine>(rows.Count);
        foreach (var row in rows)
        {
            if (ParseLine(row, issues, parseKind: true) is { } line)
            {
                lines.Add(line);
            }
        }

        return await PostAsync(lines, issues, source, "import", cancellationToken);
    }

    /// <summary>Imports an auto-debit result file: successful lines are posted (channel <c>auto-debit</c>), failed ones listed.</summary>
    public async Task<AutoDebitResult> ImportAutoDebitAsync(IReadOnlyList<ImportRow> rows, string source, CancellationToken cancellationToken = default)
    {
        if (rows.Count == 0)
        {
            return new AutoDebitResult(ImportResult.Refused([new ImportIssue(1, "file", "no data rows")]), []);
        }

        var issues = new List<ImportIssue>();
        var lines = new List<PaymentLine>(rows.Count);
        var failed = new List<AutoDebitFailure>();
        foreach (var row in rows)
        {
            switch (row["result"]?.ToLowerInvariant())
            {
                case "success" or "succeeded" or "成功":
                    if (ParseLine(row, issues, parseKind: false) is { } line)
                    {
                        lines.Add(line);
                    }

                    break;
                case "failed" or "failure" or "失败":
                    failed.Add(new AutoDebitFailure(row.Number, row["loanCode"], row["valueDate"], row["amount"], row["reference"], row["failureReason"]));
                    break;
                case null:
                    issues.Add(new ImportIssue(row.Number, "result", "is required (success|failed|成功|失败)"));
                    break;
                default:
                    issues.Add(new ImportIssue(row.Number, "result", $"'{row["result"]}' is not one of success, failed, 成功, 失败"));
                    break;
            }
        }

        if (lines.Count == 0 && issues.Count == 0)
        {
            return new AutoDebitResult(new ImportResult(0, []), failed);
        }

        var result = await PostAsync(lines, issues, source, "auto-debit", cancellationToken);
        return new AutoDebitResult(result, failed);
    }

    private static PaymentLine? ParseLine(ImportRow row, List<ImportIssue> issues, bool parseKind)
    {
        var before = issues.Count;
        void Issue(int number, string field, string reason) => issues.Add(new ImportIssue(number, field, reason));
        var code = row["loanCode"];
        if (code is null)
        {
            Issue(row.Number, "loanCode", "is required");
        }

        var date = ImportValues.Date(row, "valueDate", Issue, required: true);
        var amount = ImportValues.Amount(row, "amount", Issue, required: true, positive: true);
        var kind = PaymentKind.Regular;
        var mode = Reamortisation.ReduceInstallment;
        if (parseKind)
        {
            if (row["kind"] is { } kindText && !TryParseKind(kindText, out kind))
            {
                Issue(row.Number, "kind", $"'{kindText}' is not one of regular, payoff, part-principal");
            }

            if (row["mode"] is { } modeText && !TryParseMode(modeText, out mode))
            {
                Issue(row.Number, "mode", $"'{modeText}' is not one of reduce-installment, reduce-term");
            }
        }

        var reference = row["reference"];
        if (reference is { Length: > 64 })
        {
            Issue(row.Number, "reference", "is longer than 64 characters");
        }

        return issues.Count > before ? null : new PaymentLine(row.Number, code!, date!.Value, amount!.Value, kind, mode, reference);
    }

    /// <summary>Posts every line on its loan's account; writes all of them, or nothing when any line (or <paramref name="issues"/>) is bad.</summary>
    private async Task<ImportResult> PostAsync(List<PaymentLine> lines, List<ImportIssue> issues, string source, string channel, CancellationToken cancellationToken)
    {
        var open = await servicing.OpenBusinessDateAsync(cancellationToken);
        var codes = lines.Select(l => l.LoanCode).Distinct(StringComparer.Ordinal).ToList();
        var loans = await db.Loans.AsNoTracking().Where(l => codes.Contains(l.Code)).ToDictionaryAsync(l => l.Code, StringComparer.Ordinal, cancellationToken);
        var ids = loans.Values.Select(l => l.Id).ToList();
        var installments = (await db.Installments.AsNoTracking().Where(i => ids.Contains(i.LoanId)).ToListAsync(cancellationToken)).ToLookup(i => i.LoanId);
        var positions = await db.LoanPositions.AsNoTracking().Where(p => ids.Contains(p.LoanId)).ToDictionaryAsync(p => p.LoanId, cancellationToken);
        var references = lines.Select(l => l.Reference).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var posted = (await db.LoanTransactions.AsNoTracking()
                .Where(t => ids.Contains(t.LoanId) && t.Reference != null && references.Contains(t.Reference))
                .Select(t => new { t.LoanId, t.Reference }).ToListAsync(cancellationToken))
            .Select(t => (t.LoanId, t.Reference!)).ToHashSet();
        var seen = new Dictionary<(long, string), int>();

        var cents = PositionColumns.StoresCents(db.Database.GetDbConnection());
        var rows = new LedgerRows(cents);
        var touched = new List<(Loan Loan, LoanAccount Account, int TermMonths)>();
        foreach (var group in lines.GroupBy(l => l.LoanCode, StringComparer.Ordinal))
        {
            if (!loans.TryGetValue(group.Key, out var loan) || !positions.TryGetValue(loan.Id, out var stored))
            {
                foreach (var line in group)
                {
                    issues.Add(new ImportIssue(line.Row, "loanCode", $"loan '{group.Key}' does not exist or is outside your scope"));
                }

                continue;
            }

            var account = LoanAccount.Restore(loan.Id, loan.Terms, loan.Rules, installments[loan.Id].Select(i => new InstallmentState
            {
                Period = i.Period, DueDate = i.DueDate, Principal = i.Principal, Interest = i.Interest, PrincipalPaid = i.PrincipalPaid, InterestPaid = i.InterestPaid,
            }), stored.ToPosition(loan));
            var termBefore = account.Terms.TermMonths;
            var postedHere = 0;
            foreach (var line in group.OrderBy(l => l.ValueDate).ThenBy(l => l.Row))
            {
                if (line.Reference is { } reference)
                {
                    if (posted.Contains((loan.Id, reference)))
                    {
                        issues.Add(new ImportIssue(line.Row, "reference", $"'{reference}' was already posted on loan {loan.Code}"));
                        continue;
                    }

                    if (!seen.TryAdd((loan.Id, reference), line.Row))
                    {
                        issues.Add(new ImportIssue(line.Row, "reference", Invariant($"'{reference}' appears again for loan {loan.Code} (first in row {seen[(loan.Id, reference)]})")));
                        continue;
                    }
                }

                if (line.ValueDate > open)
                {
                    issues.Add(new ImportIssue(line.Row, "valueDate", Invariant($"{line.ValueDate:yyyy-MM-dd} is after the open business date {open:yyyy-MM-dd}")));
                    continue;
                }

                if (account.Position.IsClosedOut)
                {
                    issues.Add(new ImportIssue(line.Row, "loanCode", $"loan {loan.Code} is {account.Position.Status} and takes no payment"));
                    continue;
                }

                if (line.ValueDate < account.BusinessDate)
                {
                    issues.Add(new ImportIssue(line.Row, "valueDate", Invariant(
                        $"{line.ValueDate:yyyy-MM-dd} is before the position of loan {loan.Code}, which is closed through {account.Position.ClosedThrough:yyyy-MM-dd}; payments from {account.BusinessDate:yyyy-MM-dd} on")));
                    continue;
                }

                account.CloseThrough(line.ValueDate.AddDays(-1));
                var paid = account.Pay(line.ValueDate, line.Amount, line.Kind, line.Mode);
                if (!paid.IsSuccess)
                {
                    issues.Add(new ImportIssue(line.Row, paid.Error!.Code, $"loan {loan.Code}: {paid.Error.Message}"));
                    continue;
                }

                var a = paid.Value!;
                var kind = a.SettlesLoan ? LoanTransactionKind.Payoff
                    : line.Kind == PaymentKind.PartPrincipal ? LoanTransactionKind.PartPrepayment
                    : LoanTransactionKind.Repayment;
                rows.Transactions.Add([loan.Id, line.ValueDate, (int)kind, a.Amount, a.Penalty, a.Compound, a.Interest, a.Principal, channel, line.Reference]);
                rows.Events.Add([loan.Id, line.ValueDate, (int)(a.SettlesLoan ? LedgerEventKind.Settlement : LedgerEventKind.Repayment), null, null, JsonSerializer.Serialize(a)]);
                postedHere++;
            }

            if (postedHere > 0)
            {
                touched.Add((loan, account, termBefore));
            }
        }

        if (issues.Count > 0)
        {
            return ImportResult.Refused([.. issues.OrderBy(i => i.Row)]);
        }

        foreach (var (loan, account, _) in touched)
        {
            rows.AddInstallments(loan.Id, account.Installments);
            rows.Positions.Add(PositionColumns.Values(account.Position, cents));
            rows.AddJournal(loan, account.Journal, account.Position.ClosedThrough);
        }

        var touchedIds = touched.Select(t => t.Loan.Id).ToList();
        await rows.WriteAsync(db, clock, cancellationToken, async (_, _) =>
        {
            foreach (var chunk in touchedIds.Chunk(500))
            {
                await db.Installments.Where(i => chunk.Contains(i.LoanId)).ExecuteDeleteAsync(cancellationToken);
                await db.LoanPositions.Where(p => chunk.Contains(p.LoanId)).ExecuteDeleteAsync(cancellationToken);
            }

            // 缩期不减额 shortens the contract: its term and maturity follow the new last installment.
            foreach (var (loan, account, _) in touched.Where(t => t.Account.Terms.TermMonths != t.TermMonths))
            {
                var term = account.Terms.TermMonths;
                var maturity = account.Terms.MaturityDate;
                await db.Loans.IgnoreQueryFilters().Where(l => l.Id == loan.Id)
                    .ExecuteUpdateAsync(s => s.SetProperty(l => l.TermMonths, term).SetProperty(l => l.MaturityDate, maturity), cancellationToken);
            }
        }, async (_, _) =>
        {
            // A settled loan releases its collateral (清户撤押), as a payoff at the counter does.
            foreach (var (loan, account, _) in touched.Where(t => t.Account.Position.PrincipalOutstanding == 0m && t.Account.Position.DueInterest == 0m))
            {
                await CreditSupport.CreditSupportService.ReleaseOnSettlementAsync(db, loan.Id, account.Position.StartedThrough, cancellationToken);
            }

            db.Audit(AuditAction.Created, channel == "auto-debit" ? "AutoDebitImport" : "RepaymentImport", null,
                Invariant($"{lines.Count} repayments on {touched.Count} loans posted from {source}"));
        });
        return new ImportResult(lines.Count, []);
    }

    /// <summary>regular|payoff|part-principal (正常还款|提前结清|部分提前还款).</summary>
    public static bool TryParseKind(string? text, out PaymentKind kind)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case null or "" or "regular" or "正常还款":
                kind = PaymentKind.Regular;
                return true;
            case "payoff" or "提前结清":
                kind = PaymentKind.Payoff;
                return true;
            case "part-principal" or "部分提前还款":
                kind = PaymentKind.PartPrincipal;
                return true;
            default:
                kind = default;
                return false;
        }
    }

    /// <summary>reduce-installment|reduce-term (减额不缩期|缩期不减额).</summary>
    public static bool TryParseMode(string? text, out Reamortisation mode)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case null or "" or "reduce-installment" or "减额不缩期":
                mode = Reamortisation.ReduceInstallment;
                return true;
            case "reduce-term" or "缩期不减额":
                mode = Reamortisation.ReduceTerm;
                return true;
            default:
                mode = default;
                return false;
        }
    }
}
