using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PostLoan.Infrastructure.Ledger.Close;
using PostLoan.Integration.Tests.Support;
using PostLoan.Web.Features.Ledger;
using PostLoan.Web.Features.Risk;

namespace PostLoan.Integration.Tests.Risk;

/// <summary>
/// The IFRS 9 API: only risk managers run the month-end ECL and change its parameters (validated, all or nothing);
/// a loan's ECL and a run's breakdown follow the caller's data scope.
/// </summary>
public sealed class EclApiAccess : IAsyncLifetime
{
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 3, 10, 4, 0, 0, TimeSpan.Zero));
    private TestApp _app = null!;
    private long _loanId;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(clock: _clock);
        await using (var db = _app.SystemDb())
        {
            var haidian = await db.Organisations.SingleAsync(o => o.Code == "BJ01");
            var customer = await db.Customers.Where(c => c.OrganisationId == haidian.Id).OrderBy(c => c.Id).FirstAsync();
            using var clerk = await _app.WithTokenAsync("clerk.bj");
            var response = await clerk.PostAsJsonAsync("/api/loans", new
            {
                code = "L-BJ-ECL", customerId = customer.Id, productCode = "EQI", principal = 100_000.00m, annualRate = 0.0435m, termMonths = 12,
            });
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            _loanId = (await response.Content.ReadFromJsonAsync<LoanOverview>())!.Id;
        }

        for (var day = new DateOnly(2026, 3, 10); day <= new DateOnly(2026, 3, 31); day = day.AddDays(1))
        {
            var closed = await _app.AsSystemAsync(s => s.GetRequiredService<DailyClose>().RunAsync(day));
            Assert.True(closed.IsSuccess, closed.Error?.Message);
            _clock.Advance(TimeSpan.FromDays(1));
        }
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Only_a_risk_manager_runs_the_month_end_and_a_loan_outside_the_scope_is_refused()
    {
        using var anonymous = _app.Client();
        using var clerk = await _app.WithTokenAsync("clerk.bj");
        using var risk = await _app.WithTokenAsync("risk");
        using var beijing = await _app.WithTokenAsync("risk.bj");
        using var shanghai = await _app.WithTokenAsync("risk.sh");

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/risk/ecl-runs", new { month = "2026-03" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await clerk.PostAsJsonAsync("/api/risk/ecl-runs", new { month = "2026-03" })).StatusCode);
        var notAMonth = await risk.PostAsJsonAsync("/api/risk/ecl-runs", new { month = "2026-3" });
        Assert.Equal(HttpStatusCode.BadRequest, notAMonth.StatusCode);
        Assert.Equal("'2026-3' is not a month (yyyy-MM)", (await notAMonth.Content.ReadFromJsonAsync<Problem>())!.Detail);

        var run = await risk.PostAsJsonAsync("/api/risk/ecl-runs", new { month = "2026-03" });
        Assert.Equal(HttpStatusCode.Created, run.StatusCode);

        Assert.Equal(HttpStatusCode.Forbidden, (await shanghai.GetAsync($"/api/loans/{_loanId}/ecl")).StatusCode);
        var own = await beijing.GetFromJsonAsync<List<EclResultItem>>($"/api/loans/{_loanId}/ecl");
        var result = Assert.Single(own!);
        Assert.Equal(("2026-03", Domain.Risk.Ifrs9Stage.Stage1, "Credit", 0.45m, 12), (result.Month, result.Stage, result.Security, result.Lgd, result.Horizon));

        var seenFromShanghai = await shanghai.GetFromJsonAsync<List<EclBreakdownRow>>("/api/risk/ecl-runs/2026-03/breakdown?by=stage");
        var seenFromBeijing = await beijing.GetFromJsonAsync<List<EclBreakdownRow>>("/api/risk/ecl-runs/2026-03/breakdown?by=stage");
        Assert.Empty(seenFromShanghai!);
        Assert.Equal((1L, result.Ead, result.Ecl), (seenFromBeijing![0].Loans, seenFromBeijing[0].Exposure, seenFromBeijing[0].Ecl));
    }

    [Fact]
    public async Task Parameters_are_validated_and_an_override_changes_the_next_run()
    {
        using var risk = await _app.WithTokenAsync("risk");
        using var auditor = await _app.WithTokenAsync("auditor");
        var parameters = (await risk.GetFromJsonAsync<EclParameters>("/api/risk/ecl-parameters"))!;
        Assert.Equal(["base", "upside", "downside"], parameters.Scenarios.Select(s => s.Code));

        var unbalanced = parameters with { Scenarios = [.. parameters.Scenarios.Select(s => s.Code == "base" ? s with { Weight = 0.5m } : s)] };
        var refused = await risk.PutAsJsonAsync("/api/risk/ecl-parameters", unbalanced);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("weights must sum to 1 (they sum to 0.9)", (await refused.Content.ReadFromJsonAsync<Problem>())!.Detail);
        Assert.Equal(HttpStatusCode.Forbidden, (await auditor.PutAsJsonAsync("/api/risk/ecl-parameters", parameters)).StatusCode);

        var withOverride = parameters with { Overrides = [new OverrideInput(null, Domain.Risk.DpdBucket.Current, 0.05m, "监管窗口指导")] };
        Assert.Equal(HttpStatusCode.OK, (await risk.PutAsJsonAsync("/api/risk/ecl-parameters", withOverride)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await risk.PostAsJsonAsync("/api/risk/ecl-runs", new { month = "2026-03" })).StatusCode);

        await using var db = _app.SystemDb();
        var result = await db.EclResults.SingleAsync(r => r.LoanId == _loanId && r.Month == "2026-03");
        Assert.Equal((Domain.Risk.PdSource.Override, 0.05), (result.PdSource, Math.Round(result.Pd12Month, 12)));
        Assert.Equal(3, await db.EclScenarios.CountAsync());
    }

    private sealed record Problem(string? Title, string? Detail);
}
