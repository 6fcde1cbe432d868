using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PostLoan.Domain.Warning.Indicators;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Infrastructure.Warning.Indicators;
using PostLoan.Integration.Tests.Support;
using PostLoan.Web.Features.Warning.Indicators;

namespace PostLoan.Integration.Tests.Warning.Indicators;

/// <summary>
/// The indicator catalogue (seeded once at migration, custom indicators by risk managers, standard codes fixed) and
/// financial statements (an import with a bad row writes nothing and names it; a good one writes the five statement
/// indicators; a corrected statement replaces its values; a customer outside the scope is refused).
/// </summary>
public sealed class StatementsAndCatalogue : IAsyncLifetime
{
    private TestApp _app = null!;
    private string _beijing = null!;
    private string _beijing2 = null!;
    private string _shanghai = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(clock: new ManualClock(new DateTimeOffset(2026, 5, 10, 4, 0, 0, TimeSpan.Zero)));
        await using var db = _app.SystemDb();
        var amId = await db.Users.Where(u => u.UserName == "am.bj01").Select(u => u.Id).SingleAsync();
        var codes = await db.Customers.Where(c => c.AccountManagerId == amId).OrderBy(c => c.Id).Select(c => c.Code).Take(2).ToListAsync();
        (_beijing, _beijing2) = (codes[0], codes[1]);
        var pudong = await db.Organisations.SingleAsync(o => o.Code == "SH01");
        _shanghai = await db.Customers.Where(c => c.OrganisationId == pudong.Id).OrderBy(c => c.Id).Select(c => c.Code).FirstAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task The_standard_catalogue_is_seeded_once_and_migrating_again_adds_nothing()
    {
        await _app.AsSystemAsync(async s =>
        {
            await s.GetRequiredService<DatabaseMigrator>().MigrateAsync();
            return 0;
        });

        await using var db = _app.SystemDb();
        var codes = await db.Indicators.Select(i => i.Code).ToListAsync();
        Assert.Equal(StandardIndicators.All.Select(s => s.Code).Order(StringComparer.Ordinal), codes.Order(StringComparer.Ordinal));
        Assert.Equal(0, await IndicatorCatalogueService.SeedAsync(db));
        var dpd = await db.Indicators.SingleAsync(i => i.Code == "dpd");
        Assert.Equal(("逾期天数", "天", IndicatorSource.Ledger), (dpd.NameZh, dpd.Unit, dpd.Source));
    }

    [Fact]
    public async Task A_risk_manager_adds_a_custom_indicator_but_cannot_rename_a_standard_one_and_an_account_manager_cannot_edit()
    {
        using var risk = await _app.WithTokenAsync("risk");

        var added = await risk.PostAsJsonAsync("/api/warning/indicators", new
        {
            code = "customs_export", nameZh = "海关出口额", nameEn = "Customs exports", unit = "元", source = "External", frequency = "Monthly", kind = "Numeric",
        });

        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var item = (await added.Content.ReadFromJsonAsync<JsonElement>());
        Assert.Equal(("customs_export", "External", false), (item.GetProperty("code").GetString(), item.GetProperty("source").GetString(), item.GetProperty("standard").GetBoolean()));

        var list = (await risk.GetFromJsonAsync<JsonElement>("/api/warning/indicators"));
        var dpd = list.EnumerateArray().Single(i => i.GetProperty("code").GetString() == "dpd").GetProperty("id").GetInt32();
        var renamed = await risk.PutAsJsonAsync($"/api/warning/indicators/{dpd}", new { code = "days_overdue" });
        Assert.Equal(HttpStatusCode.BadRequest, renamed.StatusCode);
        Assert.Equal("code", (await renamed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
        var relabelled = await risk.PutAsJsonAsync($"/api/warning/indicators/{dpd}", new { nameEn = "DPD (worst loan)" });
        Assert.Equal(HttpStatusCode.OK, relabelled.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await risk.DeleteAsync($"/api/warning/indicators/{dpd}")).StatusCode);
        var reserved = await risk.PostAsJsonAsync("/api/warning/indicators", new { code = "avg", nameZh = "平均", nameEn = "Average", source = "Derived", frequency = "Monthly", kind = "Numeric" });
        Assert.Equal(HttpStatusCode.BadRequest, reserved.StatusCode);

        using var manager = await _app.WithTokenAsync("am.bj01");
        var refused = await manager.PostAsJsonAsync("/api/warning/indicators", new { code = "x_signal", nameZh = "某", nameEn = "X", source = "External", frequency = "Event", kind = "EventCount" });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        await using var db = _app.SystemDb();
        var saved = await db.Indicators.SingleAsync(i => i.Code == "dpd");
        Assert.Equal(("逾期天数", "DPD (worst loan)"), (saved.NameZh, saved.NameEn));
        Assert.False(await db.Indicators.AnyAsync(i => i.Code == "x_signal"));
    }

    [Fact]
    public async Task A_statement_file_with_bad_rows_writes_nothing_and_names_each_row_field_and_reason()
    {
        using var clerk = await _app.WithTokenAsync("clerk.bj");
        var csv = $"""
            customerCode,periodEnd,period,revenue,netProfit,operatingCashFlow,receivables,totalAssets,totalLiabilities
            {_beijing},2026-03-31,quarter,12000000,600000,720000,2500000,48000000,30000000
            {_beijing},2026-03-30,quarter,abc,600000,720000,2500000,48000000,30000000
            NO-SUCH,2026-03-31,季报,1,1,1,1,1,1
            {_shanghai},2025-12-31,年报,1,1,1,1,10,5
            """;

        var response = await UploadAsync(clerk, csv);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var issues = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("issues").EnumerateArray()
            .Select(i => (i.GetProperty("row").GetInt32(), i.GetProperty("field").GetString(), i.GetProperty("reason").GetString())).ToList();
        Assert.Equal(
        [
            (3, "periodEnd", "2026-03-30 is not the end of a Quarter period"),
            (3, "revenue", "is required as a number of yuan"),
            (4, "customerCode", "no customer 'NO-SUCH'"),
            (5, "customerCode", $"customer '{_shanghai}' is outside your data scope"),
        ], issues);
        await using var db = _app.SystemDb();
        Assert.False(await db.FinancialStatements.AnyAsync());
        Assert.False(await db.IndicatorValues.AnyAsync());
    }

    [Fact]
    public async Task A_good_file_writes_the_statement_indicators_and_a_correction_replaces_them()
    {
        using var clerk = await _app.WithTokenAsync("clerk.bj");
        var csv = $"""
            customerCode,periodEnd,period,revenue,netProfit,operatingCashFlow,receivables,totalAssets,totalLiabilities
            {_beijing},2026-03-31,quarter,"12,000,000.00",600000,720000,2500000,48000000,30000000
            {_beijing2},2025-12-31,year,50000000,-1250000,-800000,9000000,80000000,70000000
            """;

        var response = await UploadAsync(clerk, csv);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("written").GetInt32());
        // 30,000,000 / 48,000,000 = 62.50%; 70,000,000 / 80,000,000 = 87.50%.
        Assert.Equal(
        [
            "debt_ratio 2025-12-31 87.5", "net_profit 2025-12-31 -1250000", "operating_cash_flow 2025-12-31 -800000", "receivables 2025-12-31 9000000", "revenue 2025-12-31 50000000",
            "debt_ratio 2026-03-31 62.5", "net_profit 2026-03-31 600000", "operating_cash_flow 2026-03-31 720000", "receivables 2026-03-31 2500000", "revenue 2026-03-31 12000000",
        ], await ValuesAsync());

        var corrected = await clerk.PostAsJsonAsync("/api/warning/statements", new
        {
            customerCode = _beijing, periodEnd = "2026-03-31", period = "quarter", revenue = "8400000", netProfit = "-200000", operatingCashFlow = "-350000",
            receivables = "3100000", totalAssets = "47000000", totalLiabilities = "36190000",
        });

        Assert.Equal(HttpStatusCode.OK, corrected.StatusCode);
        var statement = await corrected.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(77.0m, statement.GetProperty("debtRatio").GetDecimal());
        Assert.Equal(
        [
            "debt_ratio 2025-12-31 87.5", "net_profit 2025-12-31 -1250000", "operating_cash_flow 2025-12-31 -800000", "receivables 2025-12-31 9000000", "revenue 2025-12-31 50000000",
            "debt_ratio 2026-03-31 77", "net_profit 2026-03-31 -200000", "operating_cash_flow 2026-03-31 -350000", "receivables 2026-03-31 3100000", "revenue 2026-03-31 8400000",
        ], await ValuesAsync());
        await using var db = _app.SystemDb();
        Assert.Equal(2, await db.FinancialStatements.CountAsync());

        using var manager = await _app.WithTokenAsync("am.bj01");
        var outside = await manager.PostAsJsonAsync("/api/warning/statements", new
        {
            customerCode = _shanghai, periodEnd = "2026-03-31", period = "quarter", revenue = "1", netProfit = "1", operatingCashFlow = "1", receivables = "1",
            totalAssets = "10", totalLiabilities = "5",
        });
        Assert.Equal(HttpStatusCode.Forbidden, outside.StatusCode);
    }

    private static async Task<HttpResponseMessage> UploadAsync(HttpClient client, string csv)
    {
        using var content = new MultipartFormDataContent();
        using var file = new ByteArrayContent(Encoding.UTF8.GetBytes(csv));
        content.Add(file, "file", "statements.csv");
        return await client.PostAsync("/api/warning/statements/import", content);
    }

    private async Task<List<string>> ValuesAsync()
    {
        await using var db = _app.SystemDb();
        var codes = await db.Indicators.ToDictionaryAsync(i => i.Id, i => i.Code);
        var values = await db.IndicatorValues.ToListAsync();
        return [.. values.OrderBy(v => v.Date).ThenBy(v => codes[v.IndicatorId], StringComparer.Ordinal)
            .Select(v => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{codes[v.IndicatorId]} {v.Date:yyyy-MM-dd} {v.Value}"))];
    }
}
