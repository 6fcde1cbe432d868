using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PostLoan.Domain.Ledger.CreditSupport;
using PostLoan.Domain.Ledger.Customers;
using PostLoan.Domain.Ledger.Reminders;
using PostLoan.Infrastructure.Ledger.Close;
using PostLoan.Infrastructure.Ledger.Reminders;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Integration.Tests.Support;
using PostLoan.Web.Features.Ledger;

namespace PostLoan.Integration.Tests.Ledger;

/// <summary>
/// The reminders and notices the daily close issues over the three-loan book (opened 2026-01-31, no holidays in the
/// calendar), with a guarantor on the bullet loan, on SQLite and PostgreSQL; delivery through the API in the data scope.
/// </summary>
public abstract class NightlyReminders
{
    protected abstract Task<TestApp> StartAsync(ManualClock clock);

    [Fact]
    public async Task The_close_issues_each_notice_once_on_its_date_with_its_deadline_and_a_reopened_date_issues_the_same()
    {
        var clock = LedgerBook.Clock();
        await using var app = await StartAsync(clock);
        await LedgerBook.RunAsync(app, clock, new DateOnly(2026, 3, 31));
        await AddGuarantorAsync(app, "T-BUL", "上海恒信融资担保有限公司");
        await LedgerBook.CloseAsync(app, clock, new DateOnly(2026, 4, 1), new DateOnly(2026, 4, 10));

        string[] expected =
        [
            // Interest-only loan: 10 working days before each interest date (Saturday 28 February counts back to Monday 16th).
            "2026-02-16|T-IOM|InterestReminder|Borrower|1|2026-02-28|833.33|2026-02-28",
            "2026-02-18|T-EQI|DueReminder|Borrower|1|2026-02-28|8530.99|2026-02-28",
            // The bullet loan matures on 31 March: the maturity notice a month before.
            "2026-02-28|T-BUL|MaturityNotice|Borrower|1|2026-03-31|50491.67|2026-03-31",
            "2026-03-17|T-IOM|InterestReminder|Borrower|2|2026-03-31|833.33|2026-03-31",
            "2026-03-21|T-BUL|DueReminder|Borrower|1|2026-03-31|50491.67|2026-03-31",
            "2026-03-21|T-EQI|DueReminder|Borrower|2|2026-03-31|8530.99|2026-03-31",
            // Missed on 31 March: a missed maturity gives 10 working days (to 14 April) to the borrower and the guarantor,
            // a missed installment 5 (to 7 April). The interest-only loan paid its interest on the day: no notice.
            "2026-04-01|T-BUL|GuaranteeNotice|Guarantor|1|2026-03-31|50491.67|2026-04-14",
            "2026-04-01|T-BUL|OverdueNotice|Borrower|1|2026-03-31|50491.67|2026-04-14",
            "2026-04-01|T-EQI|OverdueNotice|Borrower|2|2026-03-31|8530.99|2026-04-07",
        ];
        Assert.Equal(expected, await NoticesAsync(app));
        Assert.Equal("上海恒信融资担保有限公司", (await app.SystemDb().BorrowerNotices.SingleAsync(n => n.Kind == NoticeKind.GuaranteeNotice)).RecipientName);

        // Reopen the last date and close it again: the same notices, none twice.
        var reopened = await app.AsSystemAsync(s => s.GetRequiredService<DailyClose>().ReopenAsync(new DateOnly(2026, 4, 10), "测试重开"));
        Assert.True(reopened.IsSuccess, reopened.Error?.Message);
        clock.Advance(TimeSpan.FromDays(-1));
        await LedgerBook.CloseAsync(app, clock, new DateOnly(2026, 4, 10), new DateOnly(2026, 4, 10));
        Assert.Equal(expected, await NoticesAsync(app));
    }

    [Fact]
    public async Task A_clerk_records_delivery_of_notices_in_scope_and_a_clerk_of_another_branch_neither_sees_nor_changes_them()
    {
        var clock = LedgerBook.Clock();
        await using var app = await StartAsync(clock);
        await LedgerBook.RunAsync(app, clock, new DateOnly(2026, 2, 18));

        var beijing = await app.SignedInAsync("clerk.bj");
        var pending = await beijing.GetFromJsonAsync<List<NoticeItem>>("api/notices?state=Pending");
        Assert.Equal(["T-IOM InterestReminder", "T-EQI DueReminder"], pending!.OrderBy(n => n.IssuedOn).Select(n => $"{n.LoanCode} {n.Kind}"));

        var shanghai = await app.SignedInAsync("clerk.sh");
        Assert.Empty((await shanghai.GetFromJsonAsync<List<NoticeItem>>("api/notices"))!);
        var refused = await shanghai.PostAsJsonAsync("api/notices/sent", new NoticeDeliveryInput([pending![0].Id], "短信"));
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Contains($"notice {pending[0].Id} does not exist or is outside your scope", await refused.Content.ReadAsStringAsync());

        var noChannel = await beijing.PostAsJsonAsync("api/notices/sent", new NoticeDeliveryInput([pending[0].Id], " "));
        Assert.Equal(HttpStatusCode.BadRequest, noChannel.StatusCode);
        var sent = await beijing.PostAsJsonAsync("api/notices/sent", new NoticeDeliveryInput([.. pending.Select(n => n.Id)], "短信"));
        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        Assert.Equal(2, await sent.Content.ReadFromJsonAsync<int>());
        var again = await beijing.PostAsJsonAsync("api/notices/sent", new NoticeDeliveryInput([pending[0].Id], "邮寄"));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);

        var delivered = await beijing.GetFromJsonAsync<List<NoticeItem>>("api/notices?state=Sent");
        Assert.All(delivered!, n => Assert.Equal("短信", n.Channel));
        Assert.Equal(2, delivered!.Count);
    }

    private static async Task AddGuarantorAsync(TestApp app, string loanCode, string name)
    {
        await using var db = app.SystemDb();
        var loan = await db.Loans.SingleAsync(l => l.Code == loanCode);
        db.Guarantees.Add(new Guarantee
        {
            LoanId = loan.Id, CustomerId = loan.CustomerId, OrganisationPath = loan.OrganisationPath, AccountManagerId = loan.AccountManagerId,
            GuarantorKind = CustomerKind.Enterprise, GuarantorName = name, GuarantorIdNumber = "91310000MA1K4LXX2P", Amount = 50_000m,
            StartDate = loan.DisbursementDate, EndDate = loan.MaturityDate.AddYears(3),
        });
        await db.SaveChangesAsync();
    }

    private static async Task<List<string>> NoticesAsync(TestApp app)
    {
        await using var db = app.SystemDb();
        var codes = await db.Loans.ToDictionaryAsync(l => l.Id, l => l.Code);
        return (await db.BorrowerNotices.AsNoTracking().ToListAsync())
            .Select(n => string.Join('|', Text(n.IssuedOn), codes[n.LoanId], n.Kind, n.Recipient, n.Period, Text(n.DueDate), n.Amount.ToString("0.00", CultureInfo.InvariantCulture), Text(n.Deadline)))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    private static string Text(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

public sealed class SqliteNightlyReminders : NightlyReminders
{
    protected override Task<TestApp> StartAsync(ManualClock clock) => TestApp.StartAsync(clock: clock);
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresNightlyReminders(PostgresCluster cluster) : NightlyReminders
{
    protected override async Task<TestApp> StartAsync(ManualClock clock) =>
        await TestApp.StartAsync(DatabaseProvider.Postgres, await cluster.CreateDatabaseAsync(), clock);
}
