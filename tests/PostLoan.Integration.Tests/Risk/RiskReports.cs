using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PostLoan.Domain.Ledger.Loans;
using PostLoan.Domain.Risk;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Infrastructure.Risk.Reports;
using PostLoan.Integration.Tests.Support;

namespace PostLoan.Integration.Tests.Risk;

/// <summary>
/// Migration matrices and the provisioning report over a hand-built history of two month-ends (2025-11-30 → 2025-12-31),
/// checked by hand. Loans of 北京海淀支行 (BJ01, industry 制造业) unless said otherwise:
/// <code>
/// loan  product  2025-11-30 (status, category, DPD, principal)   2025-12-31
/// R01   EQI      正常   0   100,000.00                            正常   0   95,000.00   ECL stage 1   120.50
/// R02   EQI      正常   0    50,000.00                            关注  15   48,000.00   ECL stage 2 1,234.56
/// R03   BUL      关注  20    30,000.00                            次级  95   30,000.00   ECL stage 3 9,000.00
/// R04   BUL      次级 100    20,000.00                            可疑 131   20,000.00   ECL stage 3 12,000.00
/// R05   EQI      关注  40    10,000.00                            (no snapshot: settled in December)
/// R06   EQI      损失 400     5,000.00                            written off
/// R07   EQI      SH01 (上海浦东支行, 批发和零售业) 正常 0 80,000.00   正常   0   78,000.00   ECL stage 1    95.00
/// R08   EQI      settled already (status 5) — never counted
/// R09   EQI      关注  10    12,345.67                            正常   0   12,000.55   ECL stage 1    30.01
/// R10   EQI      损失 380     3,000.00                            损失 411    3,000.00   ECL stage 3 3,000.00
/// </code>
/// </summary>
public abstract class RiskReports : IAsyncLifetime
{
    private static readonly DateOnly November = new(2025, 11, 30);
    private static readonly DateOnly December = new(2025, 12, 31);

    private TestApp _app = null!;
    private int _bj01;
    private int _shBranch;

    protected abstract Task<TestApp> StartAppAsync();

    public async Task InitializeAsync()
    {
        _app = await StartAppAsync();
        await using var db = _app.SystemDb();
        var bj01 = await db.Organisations.SingleAsync(o => o.Code == "BJ01");
        var sh01 = await db.Organisations.SingleAsync(o => o.Code == "SH01");
        _bj01 = bj01.Id;
        _shBranch = (await db.Organisations.SingleAsync(o => o.Code == "SH")).Id;
        var bjCustomer = await db.Customers.Where(c => c.OrganisationId == bj01.Id).OrderBy(c => c.Id).FirstAsync();
        var shCustomer = await db.Customers.Where(c => c.OrganisationId == sh01.Id).OrderBy(c => c.Id).FirstAsync();
        bjCustomer.Industry = "制造业";
        shCustomer.Industry = "批发和零售业";
        var eqi = (await db.LoanProducts.SingleAsync(p => p.Code == "EQI")).Id;
        var bul = (await db.LoanProducts.SingleAsync(p => p.Code == "BUL")).Id;

        (string Code, int Product, bool Shanghai, Snap? From, Snap? To, (Ifrs9Stage Stage, decimal Ecl)? Ecl)[] loans =
        [
            ("R01", eqi, false, new(LoanStatus.Normal, FiveLevelCategory.Normal, 0, 100_000.00m), new(LoanStatus.Normal, FiveLevelCategory.Normal, 0, 95_000.00m), (Ifrs9Stage.Stage1, 120.50m)),
            ("R02", eqi, false, new(LoanStatus.Normal, FiveLevelCategory.Normal, 0, 50_000.00m), new(LoanStatus.Overdue, FiveLevelCategory.SpecialMention, 15, 48_000.00m), (Ifrs9Stage.Stage2, 1_234.56m)),
            ("R03", bul, false, new(LoanStatus.Overdue, FiveLevelCategory.SpecialMention, 20, 30_000.00m), new(LoanStatus.Overdue, FiveLevelCategory.Substandard, 95, 30_000.00m), (Ifrs9Stage.Stage3, 9_000.00m)),
            ("R04", bul, false, new(LoanStatus.Overdue, FiveLevelCategory.Substandard, 100, 20_000.00m), new(LoanStatus.Overdue, FiveLevelCategory.Doubtful, 131, 20_000.00m), (Ifrs9Stage.Stage3, 12_000.00m)),
            ("R05", eqi, false, new(LoanStatus.Overdue, FiveLevelCategory.SpecialMention, 40, 10_000.00m), null, null),
            ("R06", eqi, false, new(LoanStatus.Overdue, FiveLevelCategory.Loss, 400, 5_000.00m), new(LoanStatus.WrittenOff, FiveLevelCategory.Loss, 431, 0m), null),
            ("R07", eqi, true, new(LoanStatus.Normal, FiveLevelCategory.Normal, 0, 80_000.00m), new(LoanStatus.Normal, FiveLevelCategory.Normal, 0, 78_000.00m), (Ifrs9Stage.Stage1, 95.00m)),
            ("R08", eqi, false, new(LoanStatus.Settled, FiveLevelCategory.Normal, 0, 0m), null, null),
            ("R09", eqi, false, new(LoanStatus.Overdue, FiveLevelCategory.SpecialMention, 10, 12_345.67m), new(LoanStatus.Normal, FiveLevelCategory.Normal, 0, 12_000.55m), (Ifrs9Stage.Stage1, 30.01m)),
            ("R10", eqi, false, new(LoanStatus.Overdue, FiveLevelCategory.Loss, 380, 3_000.00m), new(LoanStatus.Overdue, FiveLevelCategory.Loss, 411, 3_000.00m), (Ifrs9Stage.Stage3, 3_000.00m)),
        ];
        var records = new List<(Loan Loan, Snap? From, Snap? To, (Ifrs9Stage Stage, decimal Ecl)? Ecl)>();
        foreach (var (code, product, shanghai, from, to, ecl) in loans)
        {
            var customer = shanghai ? shCustomer : bjCustomer;
            var loan = new Loan
            {
                Code = code, CustomerId = customer.Id, ProductId = product, OrganisationId = customer.OrganisationId, OrganisationPath = customer.OrganisationPath,
                AccountManagerId = customer.AccountManagerId, Principal = 100_000m, AnnualRate = 0.05m, TermMonths = 24, Method = RepaymentMethod.EqualInstallment,
                DisbursementDate = new DateOnly(2025, 1, 31), MaturityDate = new DateOnly(2027, 1, 31),
            };
            db.Loans.Add(loan);
            records.Add((loan, from, to, ecl));
        }

        await db.SaveChangesAsync();
        foreach (var (loan, from, to, ecl) in records)
        {
            foreach (var (date, snap) in new[] { (November, from), (December, to) })
            {
                if (snap is { } s)
                {
                    db.LoanSnapshots.Add(new LoanSnapshot
                    {
                        LoanId = loan.Id, Date = date, ClosedThrough = date, StartedThrough = date, Status = s.Status, Category = s.Category, DaysPastDue = s.Dpd,
                        Stage = DelinquencyRules.Stage(s.Dpd, s.Category), PrincipalOutstanding = s.Principal, PrincipalNotDue = s.Principal, AnnualRate = 0.05m, LastDueDate = date,
                    });
                }
            }

            if (ecl is { } e)
            {
                db.EclResults.Add(new EclResult
                {
                    Month = "2025-12", LoanId = loan.Id, CustomerId = loan.CustomerId, OrganisationId = loan.OrganisationId, OrganisationPath = loan.OrganisationPath,
                    ProductId = loan.ProductId, Stage = e.Stage, Principal = to!.Value.Principal, Ead = to.Value.Principal, Ecl = e.Ecl, EclBase = e.Ecl,
                });
            }
        }

        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task The_category_matrix_counts_and_sums_every_transition_with_exits_and_write_offs()
    {
        using var admin = await _app.WithTokenAsync("admin");

        var m = (await admin.GetFromJsonAsync<MigrationMatrix>("/api/risk/migration?from=2025-11&to=2025-12&kind=category"))!;

        Assert.Equal(["正常", "关注", "次级", "可疑", "损失", "结清/退出", "核销"], m.ColumnLabels);
        Assert.Equal(["正常", "关注", "次级", "可疑", "损失"], m.RowLabels);
        // 正常: R01, R07 stay; R02 → 关注. 关注: R09 → 正常, R03 → 次级, R05 settled. 次级: R04 → 可疑. 损失: R10 stays, R06 written off.
        Assert.Equal([2L, 1, 0, 0, 0, 0, 0], m.Counts[0]);
        Assert.Equal([1L, 0, 1, 0, 0, 1, 0], m.Counts[1]);
        Assert.Equal([0L, 0, 0, 1, 0, 0, 0], m.Counts[2]);
        Assert.Equal([0L, 0, 0, 0, 0, 0, 0], m.Counts[3]);
        Assert.Equal([0L, 0, 0, 0, 1, 0, 1], m.Counts[4]);
        Assert.Equal([180_000.00m, 50_000.00m, 0m, 0m, 0m, 0m, 0m], m.Balances[0]);
        Assert.Equal([12_345.67m, 0m, 30_000.00m, 0m, 0m, 10_000.00m, 0m], m.Balances[1]);
        Assert.Equal([0m, 0m, 0m, 20_000.00m, 0m, 0m, 0m], m.Balances[2]);
        Assert.Equal([0m, 0m, 0m, 0m, 3_000.00m, 0m, 5_000.00m], m.Balances[4]);
        Assert.Equal([3L, 3, 1, 0, 2], m.RowCounts);
        Assert.Equal([230_000.00m, 52_345.67m, 20_000.00m, 0m, 8_000.00m], m.RowBalances);
        // 2/3 = 66.67%, 1/3 = 33.33%; balances 180,000 / 230,000 = 78.26%, 50,000 / 230,000 = 21.74%;
        // 12,345.67 / 52,345.67 = 23.58%, 30,000 / 52,345.67 = 57.31%, 10,000 / 52,345.67 = 19.10%; 3,000 / 8,000 = 37.50%.
        Assert.Equal([66.67m, 33.33m, 0m, 0m, 0m, 0m, 0m], m.CountPercentages[0]);
        Assert.Equal([33.33m, 0m, 33.33m, 0m, 0m, 33.33m, 0m], m.CountPercentages[1]);
        Assert.Equal([78.26m, 21.74m, 0m, 0m, 0m, 0m, 0m], m.BalancePercentages[0]);
        Assert.Equal([23.58m, 0m, 57.31m, 0m, 0m, 19.10m, 0m], m.BalancePercentages[1]);
        Assert.Equal([0m, 0m, 0m, 0m, 37.50m, 0m, 62.50m], m.BalancePercentages[4]);
    }

    [Fact]
    public async Task The_dpd_matrix_buckets_days_past_due()
    {
        using var risk = await _app.WithTokenAsync("risk");

        var m = (await risk.GetFromJsonAsync<MigrationMatrix>("/api/risk/migration?from=2025-11&to=2025-12&kind=dpd"))!;

        Assert.Equal(["M0", "M1 1-30", "M2 31-60", "M3 61-90", "M4+ >90", "结清/退出", "核销"], m.ColumnLabels);
        // M0: R01, R07 stay, R02 → 15 days (M1). M1: R09 (10) → M0, R03 (20) → 95 (M4+). M2: R05 (40) settled.
        // M4+: R04 100 → 131 and R10 380 → 411 stay, R06 written off.
        Assert.Equal([2L, 1, 0, 0, 0, 0, 0], m.Counts[0]);
        Assert.Equal([1L, 0, 0, 0, 1, 0, 0], m.Counts[1]);
        Assert.Equal([0L, 0, 0, 0, 0, 1, 0], m.Counts[2]);
        Assert.Equal([0L, 0, 0, 0, 0, 0, 0], m.Counts[3]);
        Assert.Equal([0L, 0, 0, 0, 2, 0, 1], m.Counts[4]);
        Assert.Equal([12_345.67m, 0m, 0m, 0m, 30_000.00m, 0m, 0m], m.Balances[1]);
        Assert.Equal([0m, 0m, 0m, 0m, 23_000.00m, 0m, 5_000.00m], m.Balances[4]);
    }

    [Fact]
    public async Task Filters_by_product_and_industry_keep_only_matching_loans()
    {
        using var admin = await _app.WithTokenAsync("admin");
        int bul;
        await using (var db = _app.SystemDb())
        {
            bul = (await db.LoanProducts.SingleAsync(p => p.Code == "BUL")).Id;
        }

        var byProduct = (await admin.GetFromJsonAsync<MigrationMatrix>($"/api/risk/migration?from=2025-11&to=2025-12&productId={bul}"))!;
        Assert.Equal([0L, 1, 1, 0, 0], byProduct.RowCounts);
        Assert.Equal(1, byProduct.Counts[1][2]);
        Assert.Equal(1, byProduct.Counts[2][3]);

        var byIndustry = (await admin.GetFromJsonAsync<MigrationMatrix>($"/api/risk/migration?from=2025-11&to=2025-12&industry={Uri.EscapeDataString("批发和零售业")}"))!;
        Assert.Equal([1L, 0, 0, 0, 0], byIndustry.RowCounts);
        Assert.Equal(80_000.00m, byIndustry.Balances[0][0]);
    }

    [Fact]
    public async Task A_branch_risk_manager_sees_only_the_branch_and_is_refused_another_branch()
    {
        using var beijing = await _app.WithTokenAsync("risk.bj");
        using var shanghai = await _app.WithTokenAsync("risk.sh");

        var bj = (await beijing.GetFromJsonAsync<MigrationMatrix>("/api/risk/migration?from=2025-11&to=2025-12"))!;
        Assert.Equal([2L, 3, 1, 0, 2], bj.RowCounts);
        Assert.Equal([100_000.00m, 50_000.00m, 0m, 0m, 0m, 0m, 0m], bj.Balances[0]);
        var sh = (await shanghai.GetFromJsonAsync<MigrationMatrix>("/api/risk/migration?from=2025-11&to=2025-12"))!;
        Assert.Equal([1L, 0, 0, 0, 0], sh.RowCounts);
        Assert.Equal(80_000.00m, sh.Balances[0][0]);

        var refused = await beijing.GetAsync($"/api/risk/migration?from=2025-11&to=2025-12&organisationId={_shBranch}");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);

        var provisioning = (await shanghai.GetFromJsonAsync<ProvisioningReportResult>("/api/risk/provisioning?month=2025-12"))!;
        var row = Assert.Single(provisioning.Rows);
        Assert.Equal(78_000.00m, row.Current.Balance);
        Assert.Equal(78_000.00m, provisioning.Total.Current.Balance);
        Assert.Equal(95.00m, provisioning.Total.Current.Ecl);
    }

    [Fact]
    public async Task Anonymous_callers_enterprise_users_and_clerks_are_refused()
    {
        using var anonymous = _app.Client();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/risk/migration?from=2025-11&to=2025-12")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/risk/provisioning?month=2025-12")).StatusCode);

        foreach (var user in new[] { "ent.demo", "clerk.bj" })
        {
            using var client = await _app.WithTokenAsync(user);
            foreach (var url in new[] { "/api/risk/migration?from=2025-11&to=2025-12", "/api/risk/migration.xlsx?from=2025-11&to=2025-12", "/api/risk/provisioning?month=2025-12", "/api/risk/provisioning.xlsx?month=2025-12" })
            {
                Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync(url)).StatusCode);
            }
        }
    }

    [Fact]
    public async Task Months_out_of_order_or_without_snapshots_are_validation_errors()
    {
        using var admin = await _app.WithTokenAsync("admin");

        foreach (var (url, field) in new[]
        {
            ("/api/risk/migration?from=2025-12&to=2025-11", "to"),
            ("/api/risk/migration?from=2025-10&to=2025-12", "from"),
            ("/api/risk/migration?from=2025-11&to=2026-01", "to"),
            ("/api/risk/migration?from=2025-11&to=2025-12&kind=stage", "kind"),
            ("/api/risk/migration?from=2025-13&to=2025-12", "from"),
            ("/api/risk/provisioning?month=2025-10", "month"),
            ("/api/risk/provisioning?month=2025-12&by=region", "by"),
        })
        {
            var response = await admin.GetAsync(url);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = (await response.Content.ReadFromJsonAsync<ProblemBody>())!;
            Assert.Equal(field, problem.Title);
        }
    }

    [Fact]
    public async Task The_provisioning_report_by_organisation_computes_both_provisions_and_ratios()
    {
        using var auditor = await _app.WithTokenAsync("auditor");

        var report = (await auditor.GetFromJsonAsync<ProvisioningReportResult>("/api/risk/provisioning?month=2025-12&by=organisation"))!;

        Assert.Equal(new DateOnly(2025, 12, 31), report.AsOf);
        Assert.True(report.HasPrevious);
        Assert.True(report.EclAvailable);
        Assert.False(report.PreviousEclAvailable);
        Assert.Equal(2, report.Rows.Count);
        var bj = report.Rows[0];
        Assert.Equal(_bj01, bj.Id);
        // 正常 95,000 + 12,000.55; 关注 48,000; 次级 30,000; 可疑 20,000; 损失 3,000 (R06 written off, R05 settled: not counted).
        // Provision 1% × 208,000.55 + 2% × 48,000 + 25% × 30,000 + 50% × 20,000 + 100% × 3,000 = 23,540.0055 → 23,540.01.
        // NPL 53,000 / 208,000.55 = 0.2548; coverage 23,540.01 / 53,000 = 0.4442; loan provision ratio 23,540.01 / 208,000.55 = 0.1132.
        // ECL 120.50 + 30.01 | 1,234.56 | 9,000 + 12,000 + 3,000 = 25,385.07: coverage 0.4790, ratio 0.1220.
        Assert.Equal(new ProvisioningFigures(6, 208_000.55m, 107_000.55m, 48_000.00m, 30_000.00m, 20_000.00m, 3_000.00m, 53_000.00m, 0.2548m,
            23_540.01m, 0.4442m, 0.1132m, 25_385.07m, 150.51m, 1_234.56m, 24_000.00m, 0.4790m, 0.1220m), bj.Current);
        // November: 正常 150,000; 关注 30,000 + 10,000 + 12,345.67; 次级 20,000; 损失 5,000 + 3,000 (R08 settled). Provision
        // 2,303.4567 + 1,046.9134 + 5,000 + 8,000 = 16,350.3701 → 16,350.37; NPL 28,000 / 230,345.67 = 0.1216;
        // coverage 16,350.37 / 28,000 = 0.5839; ratio 16,350.37 / 230,345.67 = 0.0710. No ECL run: ECL 0, ratios 0.
        Assert.Equal(new ProvisioningFigures(8, 230_345.67m, 150_000.00m, 52_345.67m, 20_000.00m, 0m, 8_000.00m, 28_000.00m, 0.1216m,
            16_350.37m, 0.5839m, 0.0710m, 0m, 0m, 0m, 0m, 0m, 0m), bj.Previous);
        var sh = report.Rows[1];
        // 78,000 正常: provision 780.00; no NPL, so no coverage ratio; ECL 95.00 / 78,000 = 0.0012.
        Assert.Equal(new ProvisioningFigures(1, 78_000.00m, 78_000.00m, 0m, 0m, 0m, 0m, 0m, 0m, 780.00m, null, 0.0100m, 95.00m, 95.00m, 0m, 0m, null, 0.0012m), sh.Current);
        // Total: 286,000.55; provision 2,860.0055 + 21,460 = 24,320.01; NPL ratio 0.1853; coverage 0.4589, 0.0850; ECL 25,480.07: 0.4808, 0.0891.
        Assert.Equal(new ProvisioningFigures(7, 286_000.55m, 185_000.55m, 48_000.00m, 30_000.00m, 20_000.00m, 3_000.00m, 53_000.00m, 0.1853m,
            24_320.01m, 0.4589m, 0.0850m, 25_480.07m, 245.51m, 1_234.56m, 24_000.00m, 0.4808m, 0.0891m), report.Total.Current);

        var byProduct = (await auditor.GetFromJsonAsync<ProvisioningReportResult>("/api/risk/provisioning?month=2025-12&by=product"))!;
        var bul = byProduct.Rows.Single(r => r.Name.StartsWith("BUL", StringComparison.Ordinal));
        // 次级 30,000 + 可疑 20,000: 500 + 7,500 + 10,000 = 18,000.00, coverage 0.3600; ECL 21,000.
        Assert.Equal(50_000.00m, bul.Current.Balance);
        Assert.Equal(18_000.00m, bul.Current.RegulatoryProvision);
        Assert.Equal(0.3600m, bul.Current.RegulatoryCoverageRatio);
        Assert.Equal(21_000.00m, bul.Current.Ecl);
    }

    [Fact]
    public async Task Both_reports_export_to_excel_with_chinese_headers()
    {
        using var admin = await _app.WithTokenAsync("admin");

        var matrix = await admin.GetAsync("/api/risk/migration.xlsx?from=2025-11&to=2025-12&kind=category");
        Assert.Equal(HttpStatusCode.OK, matrix.StatusCode);
        await using (var stream = new MemoryStream(await matrix.Content.ReadAsByteArrayAsync()))
        {
            Assert.Equal(["笔数", "余额", "笔数占比%", "余额占比%"], MiniExcelLibs.MiniExcel.GetSheetNames(stream));
            stream.Position = 0;
            var rows = MiniExcelLibs.MiniExcel.Query(stream, useHeaderRow: true, sheetName: "余额").Cast<IDictionary<string, object>>().ToList();
            Assert.Equal(5, rows.Count);
            Assert.Equal("关注", rows[1]["2025-11\\2025-12"]);
            Assert.Equal(30_000.00m, Convert.ToDecimal(rows[1]["次级"], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(10_000.00m, Convert.ToDecimal(rows[1]["结清/退出"], System.Globalization.CultureInfo.InvariantCulture));
        }

        var provisioning = await admin.GetAsync("/api/risk/provisioning.xlsx?month=2025-12");
        Assert.Equal(HttpStatusCode.OK, provisioning.StatusCode);
        await using (var stream = new MemoryStream(await provisioning.Content.ReadAsByteArrayAsync()))
        {
            Assert.Equal(["2025-12", "2025-11"], MiniExcelLibs.MiniExcel.GetSheetNames(stream));
            stream.Position = 0;
            var rows = MiniExcelLibs.MiniExcel.Query(stream, useHeaderRow: true, sheetName: "2025-12").Cast<IDictionary<string, object>>().ToList();
            Assert.Equal(3, rows.Count);
            Assert.Equal("合计", rows[2]["机构"]);
            Assert.Equal(24_320.01m, Convert.ToDecimal(rows[2]["监管拨备"], System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public async Task The_cli_prints_the_matrix_as_csv()
    {
        var counts = await _app.AsSystemAsync(async s =>
            (await s.GetRequiredService<MigrationMatrices>().ComputeAsync("2025-11", "2025-12", MigrationKind.Category)).Value!);

        Assert.Equal(
            "from\\to,正常,关注,次级,可疑,损失,结清/退出,核销\n" +
            "正常,2,1,0,0,0,0,0\n" +
            "关注,1,0,1,0,0,1,0\n" +
            "次级,0,0,0,1,0,0,0\n" +
            "可疑,0,0,0,0,0,0,0\n" +
            "损失,0,0,0,0,1,0,1\n",
            RiskReportExports.MatrixCsv(counts, MigrationMeasure.Count));
        Assert.Equal(
            "from\\to,M0,M1 1-30,M2 31-60,M3 61-90,M4+ >90,结清/退出,核销\n" +
            "M0,180000.00,50000.00,0.00,0.00,0.00,0.00,0.00\n" +
            "M1 1-30,12345.67,0.00,0.00,0.00,30000.00,0.00,0.00\n" +
            "M2 31-60,0.00,0.00,0.00,0.00,0.00,10000.00,0.00\n" +
            "M3 61-90,0.00,0.00,0.00,0.00,0.00,0.00,0.00\n" +
            "M4+ >90,0.00,0.00,0.00,0.00,23000.00,0.00,5000.00\n",
            RiskReportExports.MatrixCsv(
                (await _app.AsSystemAsync(async s => await s.GetRequiredService<MigrationMatrices>().ComputeAsync("2025-11", "2025-12", MigrationKind.Dpd))).Value!,
                MigrationMeasure.Balance));
    }

    [Fact]
    public async Task The_pages_render_the_latest_months_for_a_risk_manager()
    {
        using var risk = await _app.SignedInAsync("risk");

        var migration = await risk.GetStringAsync("/risk/migration");
        Assert.Contains("data-testid=\"migration-table\"", migration, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"migration-cell-1-5\"", migration, StringComparison.Ordinal);
        var provisioning = await risk.GetStringAsync("/risk/provisioning");
        Assert.Contains("data-testid=\"provisioning-table\"", provisioning, StringComparison.Ordinal);
        Assert.Contains("25.48%", provisioning, StringComparison.Ordinal);
    }

    private readonly record struct Snap(LoanStatus Status, FiveLevelCategory Category, int Dpd, decimal Principal);

    private sealed record ProblemBody(string? Title, int? Status, string? Detail);
}

public sealed class SqliteRiskReports : RiskReports
{
    protected override Task<TestApp> StartAppAsync() => TestApp.StartAsync();
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresRiskReports(PostgresCluster cluster) : RiskReports
{
    protected override async Task<TestApp> StartAppAsync() =>
        await TestApp.StartAsync(DatabaseProvider.Postgres, await cluster.CreateDatabaseAsync());
}
