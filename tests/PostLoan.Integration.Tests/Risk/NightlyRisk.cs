using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PostLoan.Domain.Ledger.Customers;
using PostLoan.Domain.Ledger.Loans;
using PostLoan.Domain.Risk;
using PostLoan.Infrastructure.Ledger.Close;
using PostLoan.Infrastructure.Ledger.Loans;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Infrastructure.Risk.Classification;
using PostLoan.Infrastructure.Risk.Ecl;
using PostLoan.Integration.Tests.Support;

namespace PostLoan.Integration.Tests.Risk;

/// <summary>
/// The nightly classification inside the daily close (restructuring and its observation period, credit impairment,
/// non-retail contagion) and the month-end ECL run over real closes, on SQLite and PostgreSQL.
/// </summary>
public abstract class NightlyRisk
{
    private static readonly DateOnly Opened = LedgerBook.Opened; // 2026-01-31

    protected abstract Task<TestApp> StartAsync(ManualClock clock);

    [Fact]
    public async Task A_performing_restructured_loan_stays_special_mention_through_its_observation_period_then_the_floor_lifts()
    {
        var clock = LedgerBook.Clock();
        await using var app = await StartAsync(clock);
        var person = await CustomerAsync(app, CustomerKind.Person);
        var loan = await OpenAsync(app, "R-1", person, 120_000m);
        await CloseAsync(app, clock, Opened, new DateOnly(2026, 2, 2));

        var restructured = await app.AsSystemAsync(s => s.GetRequiredService<LoanServicing>().RecordAsync(loan,
            new EventRequest(LedgerEventKind.Restructuring, new DateOnly(2026, 2, 3), "审批人 王强", "经营周转困难，延长期限", NewTermMonths: 24)));
        Assert.True(restructured.IsSuccess, restructured.Error?.Message);
        await CloseAsync(app, clock, new DateOnly(2026, 2, 3), new DateOnly(2026, 2, 10));

        var row = await RowAsync(app, loan);
        Assert.Equal((FiveLevelCategory.SpecialMention, Ifrs9Stage.Stage2, FiveLevelCategory.SpecialMention, ClassificationReasons.Restructured),
            (row.Category, row.Stage, row.Floor, row.Reasons));
        Assert.Equal((new DateOnly(2026, 2, 3), FiveLevelCategory.SpecialMention), (row.RestructuredOn, row.RestructureFloor));
        Assert.Equal(new DateOnly(2027, 2, 3), row.ObservationEnds); // one year: longer than two monthly periods
        await using (var db = app.SystemDb())
        {
            var snapshot = await db.LoanSnapshots.SingleAsync(s => s.LoanId == loan && s.Date == new DateOnly(2026, 2, 10));
            Assert.Equal((FiveLevelCategory.SpecialMention, Ifrs9Stage.Stage2), (snapshot.Category, snapshot.Stage));
            var history = await db.ClassificationChanges.Where(c => c.LoanId == loan).OrderBy(c => c.Id).ToListAsync();
            var change = Assert.Single(history);
            Assert.Equal((new DateOnly(2026, 2, 3), FiveLevelCategory.Normal, FiveLevelCategory.SpecialMention, ChangeSource.Rule, ChangeState.Applied),
                (change.Date, change.From, change.To, change.Source, change.State));
        }

        // Let the observation period end on 02-12 (a year is too long for a test): on 02-11 the floor still holds, on 02-12 it lifts.
        await using (var db = app.SystemDb())
        {
            await db.LoanClassifications.Where(c => c.LoanId == loan).ExecuteUpdateAsync(s => s.SetProperty(c => c.ObservationEnds, new DateOnly(2026, 2, 12)));
        }

        await CloseAsync(app, clock, new DateOnly(2026, 2, 11), new DateOnly(2026, 2, 11));
        Assert.Equal(FiveLevelCategory.SpecialMention, (await RowAsync(app, loan)).Category);
        await CloseAsync(app, clock, new DateOnly(2026, 2, 12), new DateOnly(2026, 2, 12));
        row = await RowAsync(app, loan);
        Assert.Equal((FiveLevelCategory.Normal, Ifrs9Stage.Stage1, ClassificationReasons.None), (row.Category, row.Stage, row.Reasons));
    }

    [Fact]
    public async Task A_loan_restructured_while_non_performing_keeps_substandard_and_its_upgrade_waits_for_a_risk_manager()
    {
        var clock = LedgerBook.Clock();
        await using var app = await StartAsync(clock);
        var person = await CustomerAsync(app, CustomerKind.Person);
        var loan = await OpenAsync(app, "R-2", person, 80_000m);
        var flag = await FlagAsync(app, person, loan, new DateOnly(2026, 2, 1));
        await CloseAsync(app, clock, Opened, new DateOnly(2026, 2, 3));
        Assert.Equal((FiveLevelCategory.Substandard, ClassificationReasons.CreditImpaired), ((await RowAsync(app, loan)).Category, (await RowAsync(app, loan)).Reasons));

        var restructured = await app.AsSystemAsync(s => s.GetRequiredService<LoanServicing>().RecordAsync(loan,
            new EventRequest(LedgerEventKind.Restructuring, new DateOnly(2026, 2, 4), "审批人 王强", "破产重整计划批准后的债务重组", NewTermMonths: 36)));
        Assert.True(restructured.IsSuccess, restructured.Error?.Message);
        var ended = await app.AsSystemAsync(s => s.GetRequiredService<ClassificationService>().EndFlagAsync(flag, new DateOnly(2026, 2, 5)));
        Assert.True(ended.IsSuccess, ended.Error?.Message);
        await CloseAsync(app, clock, new DateOnly(2026, 2, 4), new DateOnly(2026, 2, 6));

        var row = await RowAsync(app, loan);
        Assert.Equal((FiveLevelCategory.Substandard, FiveLevelCategory.Substandard, ClassificationReasons.Restructured, Ifrs9Stage.Stage3),
            (row.Category, row.RestructureFloor, row.Reasons, row.Stage));

        await using (var db = app.SystemDb())
        {
            await db.LoanClassifications.Where(c => c.LoanId == loan).ExecuteUpdateAsync(s => s.SetProperty(c => c.ObservationEnds, new DateOnly(2026, 2, 8)));
        }

        await CloseAsync(app, clock, new DateOnly(2026, 2, 7), new DateOnly(2026, 2, 8));
        row = await RowAsync(app, loan);
        Assert.Equal((FiveLevelCategory.Substandard, FiveLevelCategory.Normal, FiveLevelCategory.Normal), (row.Category, row.Floor, row.Proposed));
        await using (var db = app.SystemDb())
        {
            var pending = await db.ClassificationChanges.SingleAsync(c => c.LoanId == loan && c.State == ChangeState.Pending);
            Assert.Equal((ChangeSource.Rule, FiveLevelCategory.Substandard, FiveLevelCategory.Normal, new DateOnly(2026, 2, 8)), (pending.Source, pending.From, pending.To, pending.Date));
        }

        // Rerunning the proposal for the same date changes nothing (no second pending change).
        await app.AsSystemAsync(s => s.GetRequiredService<ClassificationEngine>().RunAsync(new DateOnly(2026, 2, 8)));
        await using (var db = app.SystemDb())
        {
            Assert.Equal(1, await db.ClassificationChanges.CountAsync(c => c.LoanId == loan && c.State == ChangeState.Pending));
        }
    }

    [Fact]
    public async Task More_than_ten_percent_non_performing_makes_all_of_a_corporate_debtors_loans_non_performing_but_not_a_persons()
    {
        var clock = LedgerBook.Clock();
        await using var app = await StartAsync(clock);
        var company = await CustomerAsync(app, CustomerKind.Enterprise);
        var person = await CustomerAsync(app, CustomerKind.Person);
        var companyBig = await OpenAsync(app, "C-BIG", company, 100_000m);
        var companySmall = await OpenAsync(app, "C-SMALL", company, 20_000m); // 20,000 / 120,000 = 16.7% > 10%
        var personBig = await OpenAsync(app, "P-BIG", person, 100_000m);
        var personSmall = await OpenAsync(app, "P-SMALL", person, 20_000m);
        await FlagAsync(app, company, companySmall, Opened);
        await FlagAsync(app, person, personSmall, Opened);
        await CloseAsync(app, clock, Opened, new DateOnly(2026, 2, 1));

        Assert.Equal((FiveLevelCategory.Substandard, ClassificationReasons.CreditImpaired | ClassificationReasons.Contagion), Of(await RowAsync(app, companySmall)));
        Assert.Equal((FiveLevelCategory.Substandard, ClassificationReasons.Contagion), Of(await RowAsync(app, companyBig)));
        Assert.Equal((FiveLevelCategory.Substandard, ClassificationReasons.CreditImpaired), Of(await RowAsync(app, personSmall)));
        Assert.Equal((FiveLevelCategory.Normal, ClassificationReasons.None), Of(await RowAsync(app, personBig)));
        Assert.Equal(Ifrs9Stage.Stage3, (await RowAsync(app, companyBig)).Stage);

        static (FiveLevelCategory, ClassificationReasons) Of(LoanClassification row) => (row.Category, row.Reasons);
    }

    [Fact]
    public async Task The_month_end_ecl_of_a_performing_loan_is_the_hand_computed_twelve_month_loss_with_fallback_pd()
    {
        var clock = LedgerBook.Clock();
        await using var app = await StartAsync(clock);
        await LedgerBook.RunAsync(app, clock, new DateOnly(2026, 3, 31));

        var run = await app.AsSystemAsync(s => s.GetRequiredService<EclEngine>().RunAsync("2026-03"));
        Assert.True(run.IsSuccess, run.Error?.Message);
        Assert.Equal((3L, new DateOnly(2026, 3, 31)), (run.Value!.Loans, run.Value.AsOf));

        await using var db = app.SystemDb();
        var iom = await db.Loans.SingleAsync(l => l.Code == "T-IOM");
        var snapshot = await db.LoanSnapshots.SingleAsync(s => s.LoanId == iom.Id && s.Date == new DateOnly(2026, 3, 31));
        var result = await db.EclResults.SingleAsync(r => r.Month == "2026-03" && r.LoanId == iom.Id);

        // 200,000 interest-only at 5%, maturity 07-31: 4 months left, unsecured (LGD 45%), too little history for a
        // matrix → fallback 12-month PD 2% as a constant hazard: PD(t) = 1 − 0.98^(t/12). EAD₁ = principal + interest.
        var ead1 = snapshot.PrincipalOutstanding + snapshot.DueInterest + snapshot.InterestAccrued;
        double Loss(double multiplier)
        {
            double sum = 0, previous = 0;
            for (var t = 1; t <= 4; t++)
            {
                var cumulative = Math.Min(1, multiplier * (1 - Math.Pow(0.98, t / 12d)));
                sum += (cumulative - previous) * (t == 1 ? (double)ead1 : 200_000d) * Math.Pow(1 + 0.05 / 12, -t);
                previous = cumulative;
            }

            return 0.45 * sum;
        }

        var expected = Math.Round(0.6 * Loss(1) + 0.2 * Loss(0.8) + 0.2 * Loss(1.3), 2, MidpointRounding.AwayFromZero);
        Assert.Equal((Ifrs9Stage.Stage1, PdSource.Fallback, "Credit", 0.45m, 4, 4), (result.Stage, result.PdSource, result.Security, result.Lgd, result.RemainingMonths, result.Horizon));
        Assert.Equal(ead1, result.Ead);
        Assert.Equal((decimal)expected, result.Ecl);
        Assert.Equal(await db.EclResults.Where(r => r.Month == "2026-03").SumAsync(r => r.Ecl), (await db.EclRuns.SingleAsync(r => r.Month == "2026-03")).Ecl);

        var notClosed = await app.AsSystemAsync(s => s.GetRequiredService<EclEngine>().RunAsync("2026-04"));
        Assert.Equal("the month-end 2026-04-30 has not been closed yet (last closed date: 2026-03-31)", notClosed.Error!.Message);
    }

    private static async Task<int> CustomerAsync(TestApp app, CustomerKind kind)
    {
        await using var db = app.SystemDb();
        return await db.Customers.Where(c => c.Kind == kind).OrderBy(c => c.Id).Select(c => c.Id).FirstAsync();
    }

    private static async Task<long> OpenAsync(TestApp app, string code, int customer, decimal principal)
    {
        var loan = await app.AsSystemAsync(s => s.GetRequiredService<LoanServicing>().OpenAsync(new NewLoan(code, customer, "EQI", principal, 0.06m, 12, Opened)));
        Assert.True(loan.IsSuccess, loan.Error?.Message);
        return loan.Value!.Id;
    }

    private static async Task<long> FlagAsync(TestApp app, int customer, long loan, DateOnly since)
    {
        var flag = await app.AsSystemAsync(s => s.GetRequiredService<ClassificationService>().FlagAsync(
            new RiskFlagRequest(customer, loan, RiskFlagKind.CreditImpaired, since, "法院受理破产申请", "(2026)京01破12号")));
        Assert.True(flag.IsSuccess, flag.Error?.Message);
        return flag.Value!.Id;
    }

    private static Task CloseAsync(TestApp app, ManualClock clock, DateOnly from, DateOnly through) => LedgerBook.CloseAsync(app, clock, from, through);

    private static async Task<LoanClassification> RowAsync(TestApp app, long loan)
    {
        await using var db = app.SystemDb();
        return await db.LoanClassifications.AsNoTracking().SingleAsync(c => c.LoanId == loan);
    }
}

public sealed class SqliteNightlyRisk : NightlyRisk
{
    protected override Task<TestApp> StartAsync(ManualClock clock) => TestApp.StartAsync(clock: clock);
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresNightlyRisk(PostgresCluster cluster) : NightlyRisk
{
    protected override async Task<TestApp> StartAsync(ManualClock clock) =>
        await TestApp.StartAsync(DatabaseProvider.Postgres, await cluster.CreateDatabaseAsync(), clock);
}
