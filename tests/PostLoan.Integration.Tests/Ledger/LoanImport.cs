using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PostLoan.Domain.Ledger.Loans;
using PostLoan.Infrastructure.Demo;
using PostLoan.Infrastructure.Ledger.Close;
using PostLoan.Infrastructure.Ledger.Import;
using PostLoan.Infrastructure.Ledger.Loans;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Integration.Tests.Support;

namespace PostLoan.Integration.Tests.Ledger;

/// <summary>
/// Loan, repayment and auto-debit imports on SQLite: exact schedules and allocations, existing schedules kept as
/// given, all or nothing with every bad row named, and the sample files importing into the demo bank.
/// </summary>
public sealed class LoanImport : IAsyncLifetime
{
    private const string LoanHeader = "code,customerCode,productCode,principal,annualRate,termMonths,disbursementDate,contractNumber,purpose,guaranteeMethod";
    private const string RepaymentHeader = "loanCode,valueDate,amount,kind,mode,reference";
    private static readonly DateOnly Today = new(2026, 11, 23);
    private TestApp _app = null!;

    public async Task InitializeAsync() =>
        _app = await TestApp.StartAsync(clock: new ManualClock(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.FromHours(8))));

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_good_file_imports_every_loan_with_exact_schedule_amounts()
    {
        var csv = LoanHeader + "\n"
            + "LI-0001,C000001,EQI,100000.00,0.0435,12,2026-01-31,HT-1,流动资金周转,credit\n"
            + "LI-0002,C000002,EQP,120000,4.8%,12,2026/03/15,HT-2,设备购置,保证\n"
            + "LI-0003,C000003,BUL,50000.00,0.06,6,20260501,,个人消费,质押\n";

        var result = await LoansAsync(csv);

        Assert.True(result.Succeeded, string.Join("; ", result.Issues));
        Assert.Equal(3, result.Written);
        await using var db = _app.SystemDb();
        var loan = await db.Loans.SingleAsync(l => l.Code == "LI-0001");
        Assert.Equal(new DateOnly(2027, 1, 31), loan.MaturityDate);
        Assert.Equal(GuaranteeMethod.Credit, loan.GuaranteeMethod);
        var schedule = await db.Installments.Where(i => i.LoanId == loan.Id).OrderBy(i => i.Period).ToListAsync();
        Assert.Equal(12, schedule.Count);
        Assert.All(schedule.Take(11), i => Assert.Equal(8530.99m, i.Principal + i.Interest));
        Assert.Equal(8531.01m, schedule[^1].Principal + schedule[^1].Interest);
        Assert.Equal((362.50m, 8168.49m, new DateOnly(2026, 2, 28)), (schedule[0].Interest, schedule[0].Principal, schedule[0].DueDate));
        Assert.Equal(100_000m, schedule.Sum(i => i.Principal));

        var position = await db.LoanPositions.SingleAsync(p => p.LoanId == loan.Id);
        Assert.Equal(new DateOnly(2026, 1, 30), position.ClosedThrough);
        Assert.Equal(100_000m, position.PrincipalOutstanding);
        var disbursement = await db.LoanTransactions.SingleAsync(t => t.LoanId == loan.Id);
        Assert.Equal((LoanTransactionKind.Disbursement, 100_000m, new DateOnly(2026, 1, 31)), (disbursement.Kind, disbursement.Amount, disbursement.ValueDate));
        Assert.Equal(LedgerEventKind.Disbursement, (await db.LedgerEvents.SingleAsync(e => e.LoanId == loan.Id)).Kind);
        var journal = await db.JournalEntries.SingleAsync(j => j.LoanId == loan.Id);
        Assert.Equal((LedgerAccounts.LoansReceivable, LedgerAccounts.CustomerDeposits, 100_000m), (journal.DebitAccount, journal.CreditAccount, journal.Amount));

        var second = await db.Loans.SingleAsync(l => l.Code == "LI-0002");
        Assert.Equal((0.048m, new DateOnly(2026, 3, 15), GuaranteeMethod.Guarantee), (second.AnnualRate, second.DisbursementDate, second.GuaranteeMethod));
        var equalPrincipal = await db.Installments.Where(i => i.LoanId == second.Id).OrderBy(i => i.Period).ToListAsync();
        Assert.Equal((10_000m, 480.00m), (equalPrincipal[0].Principal, equalPrincipal[0].Interest));
        Assert.Single(await db.AuditEntries.Where(a => a.Entity == "LoanImport").ToListAsync());
    }

    [Theory]
    [InlineData("LI-0102,C999999,EQI,100000.00,0.0435,12,2026-01-31,,,credit", "customerCode")]
    [InlineData("LI-0102,C000002,XYZ,100000.00,0.0435,12,2026-01-31,,,credit", "productCode")]
    [InlineData("LI-0102,C000002,EQI,100000.001,0.0435,12,2026-01-31,,,credit", "principal")]
    [InlineData("LI-0102,C000002,EQI,100000.00,1.5,12,2026-01-31,,,credit", "annualRate")]
    [InlineData("LI-0102,C000002,EQI,100000.00,0.0435,0,2026-01-31,,,credit", "termMonths")]
    [InlineData("LI-0102,C000002,EQI,100000.00,0.0435,12,2026-11-24,,,credit", "disbursementDate")]
    [InlineData("LI-0102,C000002,EQI,100000.00,0.0435,12,2026-02-30,,,credit", "disbursementDate")]
    [InlineData("LI-0102,C000002,EQI,100000.00,0.0435,12,2026-01-31,,,collateral", "guaranteeMethod")]
    [InlineData("LI-0101,C000002,EQI,100000.00,0.0435,12,2026-01-31,,,credit", "code")]
    public async Task A_file_with_one_bad_row_writes_nothing_and_names_the_row_and_field(string badRow, string field)
    {
        using var admin = await _app.WithTokenAsync("admin");
        var csv = LoanHeader + "\n"
            + "LI-0101,C000001,EQI,100000.00,0.0435,12,2026-01-31,,,credit\n"
            + badRow + "\n"
            + "LI-0103,C000003,EQP,50000.00,0.05,12,2026-02-10,,,信用\n";
        var before = await CountAsync();

        var response = await UploadAsync(admin, "loans", "bad.csv", Encoding.UTF8.GetBytes(csv));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var issues = (await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync())).RootElement.GetProperty("issues").EnumerateArray()
            .Select(i => (Row: i.GetProperty("row").GetInt32(), Field: i.GetProperty("field").GetString())).ToList();
        Assert.Equal([(3, field)], issues);
        Assert.Equal(before, await CountAsync());
    }

    [Fact]
    public async Task A_loan_code_already_in_the_database_is_refused()
    {
        var csv = LoanHeader + "\nLI-0201,C000001,EQI,100000.00,0.0435,12,2026-01-31,,,credit\n";
        Assert.True((await LoansAsync(csv)).Succeeded);

        var again = await LoansAsync(csv);

        Assert.Equal([new PostLoan.Domain.Common.ImportIssue(2, "code", "loan 'LI-0201' exists already")], again.Issues);
    }

    [Fact]
    public async Task An_imported_schedule_is_kept_as_given()
    {
        var json = """
            [
              {"code":"LI-0301","customerCode":"C000001","productCode":"EQI","principal":30000,"annualRate":0.05,"termMonths":3,
               "disbursementDate":"2026-01-15","guaranteeMethod":"mortgage",
               "schedule":[{"period":1,"dueDate":"2026-02-15","principal":5000.00,"interest":120.00},
                           {"period":2,"dueDate":"2026-03-20","principal":10000.00,"interest":100.50},
                           {"period":3,"dueDate":"2026-04-15","principal":15000.00,"interest":60.00}]},
              {"code":"LI-0302","customerCode":"C000002","productCode":"EQI","principal":20000,"annualRate":0.05,"termMonths":2,"disbursementDate":"2026-01-15"}
            ]
            """;
        var result = await _app.AsSystemAsync(s => s.GetRequiredService<LoanImporter>().ImportAsync(Rows(json, TabularFormat.Json), "loans.json"));
        Assert.True(result.Succeeded, string.Join("; ", result.Issues));

        var schedules = LoanHeader + "\nLI-0303,C000003,EQP,12000.00,0.05,12,2026-02-01,,,credit\n";
        var scheduleFile = "loanCode,period,dueDate,principal,interest\nLI-0303,2,2026-04-01,8000.00,33.33\nLI-0303,1,2026-03-01,4000.00,50.00\n";
        using var admin = await _app.WithTokenAsync("admin");
        var fromFile = await UploadAsync(admin, "loans", "loans.csv", Encoding.UTF8.GetBytes(schedules), ("loan-schedules.csv", Encoding.UTF8.GetBytes(scheduleFile)));
        Assert.Equal(HttpStatusCode.OK, fromFile.StatusCode);

        Assert.Equal(
            [(1, new DateOnly(2026, 2, 15), 5000.00m, 120.00m), (2, new DateOnly(2026, 3, 20), 10000.00m, 100.50m), (3, new DateOnly(2026, 4, 15), 15000.00m, 60.00m)],
            await ScheduleAsync("LI-0301"));
        Assert.Equal([(1, new DateOnly(2026, 3, 1), 4000.00m, 50.00m), (2, new DateOnly(2026, 4, 1), 8000.00m, 33.33m)], await ScheduleAsync("LI-0303"));
        Assert.Equal(2, (await ScheduleAsync("LI-0302")).Count);
        await using var db = _app.SystemDb();
        Assert.Equal(new DateOnly(2026, 4, 15), (await db.Loans.SingleAsync(l => l.Code == "LI-0301")).MaturityDate);
    }

    [Fact]
    public async Task A_bad_schedule_is_reported_and_nothing_is_written()
    {
        var loans = LoanHeader + "\nLI-0401,C000001,EQI,12000.00,0.05,2,2026-02-01,,,credit\nLI-0402,C000002,EQI,12000.00,0.05,2,2026-02-01,,,credit\n";
        var schedules = "loanCode,period,dueDate,principal,interest\n"
            + "LI-0401,1,2026-03-01,4000.00,50.00\n"
            + "LI-0401,2,2026-02-20,7000.00,33.333\n"
            + "LI-0499,1,2026-03-01,1.00,0.00\n";

        var result = await _app.AsSystemAsync(s => s.GetRequiredService<LoanImporter>().ImportAsync(Rows(loans), "loans.csv", Rows(schedules)));

        Assert.Equal([(3, "schedule.interest"), (4, "schedule.loanCode")], result.Issues.Select(i => (i.Row, i.Field)).ToList());
        var fixedInterest = schedules.Replace("33.333", "33.33", StringComparison.Ordinal).Replace("LI-0499,1,2026-03-01,1.00,0.00\n", "", StringComparison.Ordinal);
        var second = await _app.AsSystemAsync(s => s.GetRequiredService<LoanImporter>().ImportAsync(Rows(loans), "loans.csv", Rows(fixedInterest)));
        Assert.Equal([(2, "schedule"), (3, "schedule.dueDate")], second.Issues.Select(i => (i.Row, i.Field)).OrderBy(i => i.Row).ToList());
        Assert.Contains(second.Issues, i => i.Reason.Contains("sums to 11000.00, not the loan principal 12000.00", StringComparison.Ordinal));
        Assert.Equal(0, await CountAsync());
    }

    [Fact]
    public async Task Repayments_are_allocated_exactly_in_value_date_order()
    {
        await ImportOneLoanAsync("LI-0501");
        var csv = RepaymentHeader + "\n"
            + "LI-0501,2026-03-31,18530.99,part-principal,reduce-installment,R-2\n"
            + "LI-0501,2026-02-28,8530.99,regular,,R-1\n";

        var result = await RepaymentsAsync(csv);

        Assert.True(result.Succeeded, string.Join("; ", result.Issues));
        Assert.Equal(2, result.Written);
        await using var db = _app.SystemDb();
        var loan = await db.Loans.SingleAsync(l => l.Code == "LI-0501");
        var payments = await db.LoanTransactions.Where(t => t.LoanId == loan.Id && t.Kind != LoanTransactionKind.Disbursement).OrderBy(t => t.ValueDate).ToListAsync();
        Assert.Equal(
            [(LoanTransactionKind.Repayment, 8530.99m, 0m, 362.50m, 8168.49m, "R-1"), (LoanTransactionKind.PartPrepayment, 18530.99m, 0m, 332.89m, 18198.10m, "R-2")],
            payments.Select(t => (t.Kind, t.Amount, t.Penalty, t.Interest, t.Principal, t.Reference!)).ToList());
        Assert.All(payments, t => Assert.Equal("import", t.Channel));

        var schedule = await db.Installments.Where(i => i.LoanId == loan.Id).OrderBy(i => i.Period).ToListAsync();
        Assert.Equal((8168.49m, 362.50m), (schedule[0].PrincipalPaid, schedule[0].InterestPaid));
        Assert.Equal((8198.10m, 332.89m), (schedule[1].PrincipalPaid, schedule[1].InterestPaid));
        // 100,000 − 8,168.49 − 8,198.10 − 10,000 = 73,633.41 re-amortised over the 10 remaining months: 7,510.94 a month.
        Assert.Equal((7244.02m, 266.92m, 0m), (schedule[2].Principal, schedule[2].Interest, schedule[2].PrincipalPaid));
        Assert.Equal(73_633.41m, schedule.Skip(2).Sum(i => i.Principal));
        Assert.Equal(12, schedule.Count);

        var position = await db.LoanPositions.SingleAsync(p => p.LoanId == loan.Id);
        Assert.Equal((new DateOnly(2026, 3, 30), 73_633.41m, 0), (position.ClosedThrough, position.PrincipalOutstanding, position.DaysPastDue));
        var journal = await db.JournalEntries.Where(j => j.LoanId == loan.Id).ToListAsync();
        var receivable = journal.Where(j => j.DebitAccount == LedgerAccounts.LoansReceivable).Sum(j => j.Amount)
            - journal.Where(j => j.CreditAccount == LedgerAccounts.LoansReceivable).Sum(j => j.Amount);
        Assert.Equal(73_633.41m, receivable);
        Assert.Equal(2, await db.LedgerEvents.CountAsync(e => e.LoanId == loan.Id && e.Kind == LedgerEventKind.Repayment));
    }

    [Fact]
    public async Task An_overpayment_row_refuses_the_whole_file()
    {
        await ImportOneLoanAsync("LI-0601");
        var csv = RepaymentHeader + "\n"
            + "LI-0601,2026-02-28,8530.99,regular,,R-1\n"
            + "LI-0601,2026-03-31,200000.00,regular,,R-2\n";

        var result = await RepaymentsAsync(csv);

        var issue = Assert.Single(result.Issues);
        Assert.Equal((3, "amount"), (issue.Row, issue.Field));
        Assert.Contains("exceeds the payoff amount", issue.Reason, StringComparison.Ordinal);
        Assert.Contains("overpayment is refused", issue.Reason, StringComparison.Ordinal);
        await using var db = _app.SystemDb();
        var loan = await db.Loans.SingleAsync(l => l.Code == "LI-0601");
        Assert.Equal(1, await db.LoanTransactions.CountAsync(t => t.LoanId == loan.Id));
        Assert.Equal(0m, await db.Installments.Where(i => i.LoanId == loan.Id).SumAsync(i => i.PrincipalPaid));
        Assert.Equal(new DateOnly(2026, 1, 30), (await db.LoanPositions.SingleAsync(p => p.LoanId == loan.Id)).ClosedThrough);
    }

    [Fact]
    public async Task Every_bad_repayment_row_is_named()
    {
        await ImportOneLoanAsync("LI-0701");
        Assert.True((await RepaymentsAsync(RepaymentHeader + "\nLI-0701,2026-03-31,8530.99,regular,,R-1\n")).Succeeded);
        var csv = RepaymentHeader + "\n"
            + "LI-0701,2026-04-30,8530.99,regular,,R-1\n"      // reference posted already
            + "LI-0799,2026-04-30,100.00,regular,,R-9\n"       // unknown loan
            + "LI-0701,2026-11-24,100.00,regular,,R-3\n"       // after the open business date
            + "LI-0701,2026-03-15,100.00,regular,,R-4\n"       // before the loan's position
            + "LI-0701,2026-04-30,100.00,sometimes,,R-5\n"     // unknown kind
            + "LI-0701,2026-05-31,100.00,regular,,R-6\n"
            + "LI-0701,2026-06-30,100.00,regular,,R-6\n";      // repeated reference

        var result = await RepaymentsAsync(csv);

        Assert.Equal([(2, "reference"), (3, "loanCode"), (4, "valueDate"), (5, "valueDate"), (6, "kind"), (8, "reference")],
            result.Issues.Select(i => (i.Row, i.Field)).ToList());
        Assert.Contains("first in row 7", result.Issues[^1].Reason, StringComparison.Ordinal);
        await using var db = _app.SystemDb();
        Assert.Equal(1, await db.LoanTransactions.CountAsync(t => t.Kind == LoanTransactionKind.Repayment));
    }

    [Fact]
    public async Task Auto_debit_failed_lines_are_reported_and_not_posted()
    {
        await ImportOneLoanAsync("LI-0801");
        var csv = "loanCode,valueDate,amount,result,reference,failureReason\n"
            + "LI-0801,2026-02-28,8530.99,success,KK-1,\n"
            + "LI-0801,2026-03-31,8530.99,失败,KK-2,账户余额不足\n";
        using var admin = await _app.WithTokenAsync("admin");

        var response = await UploadAsync(admin, "auto-debit", "debits.csv", Encoding.UTF8.GetBytes(csv));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = (await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync())).RootElement;
        Assert.Equal(1, body.GetProperty("written").GetInt32());
        var failed = Assert.Single(body.GetProperty("failed").EnumerateArray().ToList());
        Assert.Equal((3, "KK-2", "账户余额不足"), (failed.GetProperty("row").GetInt32(), failed.GetProperty("reference").GetString(), failed.GetProperty("failureReason").GetString()));
        await using var db = _app.SystemDb();
        var loan = await db.Loans.SingleAsync(l => l.Code == "LI-0801");
        var posted = await db.LoanTransactions.SingleAsync(t => t.LoanId == loan.Id && t.Kind != LoanTransactionKind.Disbursement);
        Assert.Equal(("auto-debit", "KK-1", 8530.99m, 8168.49m), (posted.Channel, posted.Reference!, posted.Amount, posted.Principal));
        Assert.Equal(8530.99m, await db.Installments.Where(i => i.LoanId == loan.Id).SumAsync(i => i.PrincipalPaid + i.InterestPaid));

        var redelivered = await _app.AsSystemAsync(s => s.GetRequiredService<RepaymentImporter>().ImportAutoDebitAsync(Rows(csv), "debits.csv"));
        Assert.Equal([(2, "reference")], redelivered.Issues.Select(i => (i.Row, i.Field)).ToList());
    }

    [Fact]
    public async Task The_sample_csv_files_import_into_the_demo_bank_and_close()
    {
        await _app.AsSystemAsync(s => s.GetRequiredService<DemoLoanSeeder>().SeedAsync(12));
        var samples = Path.Combine(TestPaths.Root, "samples");

        var loans = await _app.AsSystemAsync(s => s.GetRequiredService<LoanImporter>().ImportAsync(
            File(Path.Combine(samples, "loans.csv")), "loans.csv", File(Path.Combine(samples, "loan-schedules.csv"))));
        Assert.True(loans.Succeeded, string.Join("; ", loans.Issues));
        var repayments = await _app.AsSystemAsync(s => s.GetRequiredService<RepaymentImporter>().ImportAsync(File(Path.Combine(samples, "repayments.csv")), "repayments.csv"));
        Assert.True(repayments.Succeeded, string.Join("; ", repayments.Issues));
        var debits = await _app.AsSystemAsync(s => s.GetRequiredService<RepaymentImporter>().ImportAutoDebitAsync(File(Path.Combine(samples, "auto-debit.csv")), "auto-debit.csv"));
        Assert.True(debits.Succeeded, string.Join("; ", debits.Issues));
        Assert.Equal(2, debits.Written);
        Assert.Equal("IMP-0005", Assert.Single(debits.Failed).LoanCode);

        Assert.Equal([5240.00m, 5220.00m, 10200.00m, 10160.00m, 15120.00m, 15060.00m], (await ScheduleAsync("IMP-0003")).Select(i => i.Principal + i.Interest).ToList());

        // The imported loans lag behind the demo book; the next daily close catches them up.
        var closed = await _app.AsSystemAsync(s => s.GetRequiredService<DailyClose>().RunAsync(Today));
        Assert.True(closed.IsSuccess, closed.Error?.Message);
        await using var db = _app.SystemDb();
        var imported = await db.Loans.Where(l => l.Code.StartsWith("IMP-")).Select(l => l.Id).ToListAsync();
        Assert.Equal(6, imported.Count);
        Assert.All(await db.LoanPositions.Where(p => imported.Contains(p.LoanId)).ToListAsync(), p => Assert.Equal(Today, p.ClosedThrough));
    }

    [Theory]
    [InlineData("loans.xlsx")]
    [InlineData("loans.json")]
    public async Task The_other_sample_loan_files_import(string sample)
    {
        var path = Path.Combine(TestPaths.Root, "samples", sample);

        var result = await _app.AsSystemAsync(s => s.GetRequiredService<LoanImporter>().ImportAsync(File(path), sample));

        Assert.True(result.Succeeded, string.Join("; ", result.Issues));
        Assert.Equal(6, result.Written);
        var expected = sample.EndsWith(".json", StringComparison.Ordinal) ? 5240.00m : 10_140.47m;
        var first = (await ScheduleAsync("IMP-0003"))[0];
        Assert.Equal(expected, first.Principal + first.Interest);
    }

    private async Task ImportOneLoanAsync(string code)
    {
        var result = await LoansAsync(LoanHeader + $"\n{code},C000001,EQI,100000.00,0.0435,12,2026-01-31,,,credit\n");
        Assert.True(result.Succeeded, string.Join("; ", result.Issues));
    }

    private Task<ImportResult> LoansAsync(string csv) =>
        _app.AsSystemAsync(s => s.GetRequiredService<LoanImporter>().ImportAsync(Rows(csv), "loans.csv"));

    private Task<ImportResult> RepaymentsAsync(string csv) =>
        _app.AsSystemAsync(s => s.GetRequiredService<RepaymentImporter>().ImportAsync(Rows(csv), "repayments.csv"));

    private async Task<List<(int Period, DateOnly DueDate, decimal Principal, decimal Interest)>> ScheduleAsync(string code)
    {
        await using var db = _app.SystemDb();
        var id = await db.Loans.Where(l => l.Code == code).Select(l => l.Id).SingleAsync();
        return (await db.Installments.Where(i => i.LoanId == id).OrderBy(i => i.Period).ToListAsync())
            .Select(i => (i.Period, i.DueDate, i.Principal, i.Interest)).ToList();
    }

    private async Task<int> CountAsync()
    {
        await using var db = _app.SystemDb();
        return await db.Loans.CountAsync();
    }

    private static IReadOnlyList<ImportRow> Rows(string text, TabularFormat format = TabularFormat.Csv) =>
        TabularFile.Read(new MemoryStream(Encoding.UTF8.GetBytes(text)), format);

    private static IReadOnlyList<ImportRow> File(string path)
    {
        using var stream = System.IO.File.OpenRead(path);
        return TabularFile.Read(stream, TabularFile.FormatOf(path));
    }

    private static Task<HttpResponseMessage> UploadAsync(HttpClient client, string kind, string fileName, byte[] content, (string Name, byte[] Content)? schedules = null)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", fileName);
        if (schedules is { } extra)
        {
            var second = new ByteArrayContent(extra.Content);
            second.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(second, "schedules", extra.Name);
        }

        return client.PostAsync($"/api/imports/{kind}", form);
    }
}

/// <summary>The same imports on PostgreSQL (binary COPY, explicit loan ids and the identity sequence moved past them).</summary>
[Collection(PostgresCollection.Name)]
public sealed class LoanImportOnPostgres(PostgresCluster cluster) : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() =>
        _app = await TestApp.StartAsync(DatabaseProvider.Postgres, await cluster.CreateDatabaseAsync(),
            new ManualClock(new DateTimeOffset(2026, 11, 23, 1, 0, 0, TimeSpan.Zero)));

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task The_sample_files_import_and_new_loans_still_get_ids()
    {
        var samples = Path.Combine(TestPaths.Root, "samples");
        var loans = await _app.AsSystemAsync(s => s.GetRequiredService<LoanImporter>().ImportAsync(
            Read(Path.Combine(samples, "loans.csv")), "loans.csv", Read(Path.Combine(samples, "loan-schedules.csv"))));
        Assert.True(loans.Succeeded, string.Join("; ", loans.Issues));
        var repayments = await _app.AsSystemAsync(s => s.GetRequiredService<RepaymentImporter>().ImportAsync(Read(Path.Combine(samples, "repayments.csv")), "repayments.csv"));
        Assert.True(repayments.Succeeded, string.Join("; ", repayments.Issues));
        var debits = await _app.AsSystemAsync(s => s.GetRequiredService<RepaymentImporter>().ImportAutoDebitAsync(Read(Path.Combine(samples, "auto-debit.csv")), "auto-debit.csv"));
        Assert.True(debits.Succeeded, string.Join("; ", debits.Issues));

        await using var db = _app.SystemDb();
        var first = await db.Loans.SingleAsync(l => l.Code == "IMP-0001");
        var paid = await db.LoanTransactions.Where(t => t.LoanId == first.Id && t.Kind == LoanTransactionKind.Repayment).OrderBy(t => t.ValueDate).ToListAsync();
        Assert.Equal([(362.50m, 8168.49m), (332.89m, 8198.10m), (303.17m, 8227.82m)], paid.Select(t => (t.Interest, t.Principal)).ToList());
        Assert.Equal(new DateOnly(2026, 4, 29), (await db.LoanPositions.SingleAsync(p => p.LoanId == first.Id)).ClosedThrough);

        var customer = await db.Customers.Where(c => c.Code == "C000001").Select(c => c.Id).SingleAsync();
        var opened = await _app.AsSystemAsync(s => s.GetRequiredService<LoanServicing>().OpenAsync(
            new NewLoan("PG-NEW-1", customer, "EQI", 10_000m, 0.05m, 6, new DateOnly(2026, 11, 23))));
        Assert.True(opened.IsSuccess, opened.Error?.Message);
        Assert.True(opened.Value!.Id > await db.Loans.Where(l => l.Code.StartsWith("IMP-")).MaxAsync(l => l.Id));
    }

    private static IReadOnlyList<ImportRow> Read(string path)
    {
        using var stream = File.OpenRead(path);
        return TabularFile.Read(stream, TabularFile.FormatOf(path));
    }
}
