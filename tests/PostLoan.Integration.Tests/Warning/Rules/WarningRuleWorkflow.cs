using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PostLoan.Domain.Ledger.Customers;
using PostLoan.Domain.Ledger.Loans;
using PostLoan.Domain.Risk;
using PostLoan.Domain.Warning.Indicators;
using PostLoan.Domain.Warning.Push;
using PostLoan.Domain.Warning.Rules;
using PostLoan.Domain.Warning.Signals;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Infrastructure.Warning.Indicators;
using PostLoan.Infrastructure.Warning.Rules;
using PostLoan.Infrastructure.Warning.Signals;
using PostLoan.Integration.Tests.Support;
using PostLoan.Web.Features.Warning.Rules;

namespace PostLoan.Integration.Tests.Warning.Rules;

/// <summary>
/// Warning rules end to end (domain.md §5): expressions are checked on save with the offending column; publication needs a
/// second risk manager; a rule scoped to one organisation does not fire on another's customer; the nightly step raises,
/// refreshes without duplicates, reruns idempotently and is undone on reopen; the packed series the nightly run reads follow
/// every insert, change and delete of values; shadow versions never raise; an arriving
/// value raises in real time; a backtest on a hand-built history gives exact counts; users outside role or scope are refused.
/// </summary>
public abstract class WarningRuleWorkflow : IAsyncLifetime
{
    private static readonly DateTimeOffset Noon = new(2026, 3, 10, 4, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Day1 = new(2026, 3, 10);
    private static readonly DateOnly Day2 = new(2026, 3, 11);

    private readonly ManualClock _clock = new(Noon);
    private TestApp _app = null!;
    private int _beijingCustomer;
    private int _shanghaiCustomer;
    private int _beijingBranch;
    private int _shanghaiBranch;

    protected abstract Task<TestApp> StartAsync(ManualClock clock);

    public async Task InitializeAsync()
    {
        _app = await StartAsync(_clock);
        await using var db = _app.SystemDb();
        var amId = await db.Users.Where(u => u.UserName == "am.bj01").Select(u => u.Id).SingleAsync();
        _beijingCustomer = await db.Customers.Where(c => c.AccountManagerId == amId).OrderBy(c => c.Id).Select(c => c.Id).FirstAsync();
        var pudong = await db.Organisations.SingleAsync(o => o.Code == "SH01");
        _shanghaiCustomer = await db.Customers.Where(c => c.OrganisationId == pudong.Id).OrderBy(c => c.Id).Select(c => c.Id).FirstAsync();
        _beijingBranch = await db.Organisations.Where(o => o.Code == "BJ").Select(o => o.Id).SingleAsync();
        _shanghaiBranch = await db.Organisations.Where(o => o.Code == "SH").Select(o => o.Id).SingleAsync();
        foreach (var standard in StandardIndicators.All.Where(s => !db.Indicators.Any(i => i.Code == s.Code)))
        {
            db.Indicators.Add(new Indicator { Code = standard.Code, NameZh = standard.NameZh, NameEn = standard.NameEn, Unit = standard.Unit, Source = standard.Source, Frequency = standard.Frequency, Kind = standard.Kind });
        }

        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task The_starter_rules_are_seeded_once_as_published_versions()
    {
        await _app.AsSystemAsync(async s => { await s.GetRequiredService<DatabaseMigrator>().MigrateAsync(); return 0; });

        await using var db = _app.SystemDb();
        Assert.Equal(18, await db.WarningRules.CountAsync(r => r.Starter));
        Assert.Equal(18, await db.WarningRuleVersions.CountAsync(v => v.State == RuleVersionState.Published && v.Number == 1));
        var catalogue = RuleCatalogue.From([]);
        foreach (var version in await db.WarningRuleVersions.ToListAsync())
        {
            Assert.True(RuleChecker.Check(version.Expression, catalogue).IsValid, version.Expression);
        }
    }

    [Fact]
    public async Task Saving_a_bad_expression_is_refused_with_the_column_of_the_error()
    {
        using var risk = await _app.WithTokenAsync("risk");

        var response = await risk.PostAsJsonAsync("/api/warning/rules", NewRule("BAD1", "now(dpd) > 30 and revenue.GetType()", []));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("expression", problem.GetProperty("field").GetString());
        Assert.Equal(19, problem.GetProperty("position").GetInt32());
        Assert.StartsWith("column 19: 'revenue.GetType' is not allowed", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var unknown = await risk.PostAsJsonAsync("/api/warning/rules", NewRule("BAD2", "now(revenu) > 1", []));
        var second = await unknown.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((HttpStatusCode.BadRequest, 5, "column 5: unknown indicator 'revenu'"),
            (unknown.StatusCode, second.GetProperty("position").GetInt32(), second.GetProperty("detail").GetString()));
        await using var db = _app.SystemDb();
        Assert.False(await db.WarningRules.AnyAsync(r => r.Code.StartsWith("BAD")));
    }

    [Fact]
    public async Task Publishing_needs_a_second_risk_manager_and_retires_the_previous_version()
    {
        using var maker = await _app.WithTokenAsync("risk.bj");
        using var checker = await _app.WithTokenAsync("risk");
        var created = await maker.PostAsJsonAsync("/api/warning/rules", NewRule("BJ_DPD5", "now(dpd) >= 5", [_beijingBranch]));
        Assert.True(HttpStatusCode.Created == created.StatusCode, await created.Content.ReadAsStringAsync());
        var rule = (await created.Content.ReadFromJsonAsync<RuleDetailView>())!;
        var first = Assert.Single(rule.Versions);
        Assert.Equal((1, RuleVersionState.Draft, "risk.bj"), (first.Number, first.State, first.AuthorName));

        var own = await maker.PostAsync($"/api/warning/rule-versions/{first.Id}/publish", null);
        Assert.Equal(HttpStatusCode.Forbidden, own.StatusCode);
        Assert.Equal("version.own", (await own.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());

        var published = await checker.PostAsync($"/api/warning/rule-versions/{first.Id}/publish", null);
        Assert.Equal(HttpStatusCode.OK, published.StatusCode);
        var v1 = (await published.Content.ReadFromJsonAsync<RuleVersionView>())!;
        Assert.Equal((RuleVersionState.Published, "risk"), (v1.State, v1.ApprovedByName));

        var second = await maker.PostAsJsonAsync($"/api/warning/rules/{rule.Id}/versions", Version("now(dpd) >= 10", [_beijingBranch]));
        var v2 = (await second.Content.ReadFromJsonAsync<RuleVersionView>())!;
        Assert.Equal((2, RuleVersionState.Draft), (v2.Number, v2.State));
        Assert.Equal(HttpStatusCode.OK, (await checker.PostAsync($"/api/warning/rule-versions/{v2.Id}/publish", null)).StatusCode);

        var detail = (await checker.GetFromJsonAsync<RuleDetailView>($"/api/warning/rules/{rule.Id}"))!;
        Assert.Equal([(2, RuleVersionState.Published), (1, RuleVersionState.Retired)], detail.Versions.Select(v => (v.Number, v.State)));
        await using var db = _app.SystemDb();
        Assert.True(await db.AuditEntries.AnyAsync(a => a.Entity == nameof(WarningRuleVersion) && a.EntityId == v1.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task Users_outside_the_role_or_the_scope_are_refused()
    {
        using var manager = await _app.WithTokenAsync("am.bj01");
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.PostAsJsonAsync("/api/warning/rules", NewRule("AM1", "now(dpd) > 1", []))).StatusCode);

        using var beijing = await _app.WithTokenAsync("risk.bj");
        var shanghaiRule = await beijing.PostAsJsonAsync("/api/warning/rules", NewRule("SH_RULE", "now(dpd) > 1", [_shanghaiBranch]));
        Assert.Equal(HttpStatusCode.Forbidden, shanghaiRule.StatusCode);
        Assert.Equal("scope.denied", (await shanghaiRule.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
        var everywhere = await beijing.PostAsJsonAsync("/api/warning/rules", NewRule("ALL_RULE", "now(dpd) > 1", []));
        Assert.Equal(HttpStatusCode.Forbidden, everywhere.StatusCode);

        var evaluate = await beijing.PostAsync($"/api/warning/customers/{_shanghaiCustomer}/evaluate", null);
        Assert.Equal(HttpStatusCode.Forbidden, evaluate.StatusCode);
    }

    [Fact]
    public async Task A_rule_for_one_organisation_does_not_fire_on_another_organisations_customer()
    {
        var rule = await PublishedRuleAsync("BJ_ONLY", "now(dpd) >= 5", [_beijingBranch]);
        await AddValuesAsync(StandardIndicators.DaysPastDue, (_beijingCustomer, Day1, 10), (_shanghaiCustomer, Day1, 10));

        await RunNightAsync(Day1);

        await using var db = _app.SystemDb();
        var signal = Assert.Single(await db.WarningSignals.Where(s => s.RuleId == rule).ToListAsync());
        Assert.Equal((_beijingCustomer, "rule:" + rule, SignalSeverity.Orange, "now(dpd) = 10"), (signal.CustomerId, signal.DedupKey, signal.Severity, signal.Detail));
    }

    [Fact]
    public async Task The_nightly_step_raises_then_refreshes_without_a_duplicate_and_a_reopen_puts_it_back()
    {
        await AddValuesAsync(StandardIndicators.DaysPastDue, (_beijingCustomer, Day1, 35));
        await using var db = _app.SystemDb();
        var dpd30 = await db.WarningRules.Where(r => r.Code == "DPD30").Select(r => r.Id).SingleAsync();

        var first = await RunNightAsync(Day1);
        var again = await RunNightAsync(Day1);
        var second = await RunNightAsync(Day2);

        Assert.Equal((1, 0, 0, 0, 0, 1), (first.NewSignals, first.Refreshed, again.NewSignals, again.Refreshed, second.NewSignals, second.Refreshed));
        var signal = Assert.Single(await db.WarningSignals.AsNoTracking().Where(s => s.CustomerId == _beijingCustomer).ToListAsync());
        // The nightly run tells the observers: the workflow assigned the new signal to the customer's account manager.
        Assert.Equal((dpd30, 2, Day1, Day2, SignalSeverity.Yellow, SignalStatus.Assigned, "DPD30"),
            (signal.RuleId!.Value, signal.Occurrences, signal.RaisedOn, signal.LastSeenOn, signal.Severity, signal.Status, await db.WarningRules.Where(r => r.Id == signal.RuleId).Select(r => r.Code).SingleAsync()));
        Assert.Equal("逾期30天以上", signal.Title);
        // Stored with its first steps and the account manager's notification, in the run's own transaction.
        var steps = await db.SignalSteps.Where(t => t.SignalId == signal.Id).OrderBy(t => t.Id).Select(t => new { t.Kind, t.To, t.AssigneeId }).ToListAsync();
        Assert.Equal([(SignalStepKind.Raised, SignalStatus.Assigned, signal.AccountManagerId)], steps.Select(t => (t.Kind, t.To, t.AssigneeId)));
        var told = Assert.Single(await db.Notifications.Where(n => n.SignalId == signal.Id).ToListAsync());
        Assert.Equal((signal.AccountManagerId, NotificationKind.SignalNew, "[黄色预警·新信号] 逾期30天以上"), (told.UserId, told.Kind, told.Title));
        var run = await db.RuleRuns.SingleAsync(r => r.Date == Day2 && r.RuleId == dpd30);
        // Every other customer has no DPD value: unknown, not false.
        var customers = await db.Customers.CountAsync();
        Assert.Equal((customers, 1, customers - 1), (run.Evaluated, run.Hits, run.Unknown));

        await UndoAsync(Day2);

        var undone = await db.WarningSignals.AsNoTracking().SingleAsync(s => s.CustomerId == _beijingCustomer);
        Assert.Equal((1, Day1), (undone.Occurrences, undone.LastSeenOn));
        Assert.False(await db.RuleRuns.AnyAsync(r => r.Date == Day2));
    }

    [Fact]
    public async Task A_night_written_in_parts_beside_the_evaluation_stores_everything_and_tells_the_manager_once()
    {
        // Two customers of one account manager, each firing 14 starter rules: 28 new signals, written three at a time.
        await using var db = _app.SystemDb();
        var manager = await db.Users.Where(u => u.UserName == "am.bj01").Select(u => u.Id).SingleAsync();
        var two = await db.Customers.Where(c => c.AccountManagerId == manager).OrderBy(c => c.Id).Select(c => c.Id).Take(2).ToListAsync();
        foreach (var (code, value) in new (string, double)[]
        {
            (StandardIndicators.DaysPastDue, 95), (StandardIndicators.OperatingCashFlow, -1), (StandardIndicators.DebtRatio, 90), (StandardIndicators.LitigationDefendant, 1),
            (StandardIndicators.Enforcement, 1), (StandardIndicators.LegalRepresentativeChange, 1), (StandardIndicators.CapitalReduction, 1), (StandardIndicators.AbnormalOperation, 1),
            (StandardIndicators.CreditNewOverdue, 1), (StandardIndicators.MultiLending, 6), (StandardIndicators.OperatingRate, 10), (StandardIndicators.InventoryChange, -60),
        })
        {
            await AddValuesAsync(code, (two[0], Day1, value), (two[1], Day1, value));
        }

        var first = await RunNightAsync(Day1, partSize: 3);
        // The observers (contagion) are told of every new signal exactly as it was stored, though the night kept only a
        // little of each once written and makes them again for the observers.
        var stored = await db.WarningSignals.AsNoTracking().Where(s => s.Source == SignalSource.Rule).OrderBy(s => s.Id).ToListAsync();
        var recorder = _app.Services.GetRequiredService<RecordingObserver>();
        var observed = recorder.Told.OrderBy(s => s.Id).ToList();
        // What observers choose by (contagion: source, severity, customer) says the same as the signal made afterwards.
        Assert.Equal(recorder.Told.Select(s => (s.CustomerId, s.Source, s.Severity, s.LastSeenOn, s.IsActive)), recorder.Facts);
        Assert.Equal(28, stored.Count);
        Assert.Equal(stored.Count, observed.Count);
        foreach (var (wasStored, wasTold) in stored.Zip(observed))
        {
            EntityColumns.AssertSame(db, wasStored, wasTold);
        }

        var second = await RunNightAsync(Day2, partSize: 3);

        Assert.Equal((28, 0, 0, 28), (first.NewSignals, first.Refreshed, second.NewSignals, second.Refreshed));
        var signals = await db.WarningSignals.AsNoTracking().Where(s => s.Source == SignalSource.Rule).OrderBy(s => s.Id).ToListAsync();
        // In customer order, then the rules' order, whichever part or batch they were written in; each seen on both nights.
        Assert.Equal(Enumerable.Repeat(two[0], 14).Concat(Enumerable.Repeat(two[1], 14)), signals.Select(s => s.CustomerId));
        Assert.All(signals, s => Assert.Equal((2, Day2, SignalStatus.Assigned, manager), (s.Occurrences, s.LastSeenOn, s.Status, s.AssignedToId)));
        var ids = signals.Select(s => s.Id).ToList();
        // Each stored with its one step: raised and assigned to the manager.
        var steps = await db.SignalSteps.Where(t => ids.Contains(t.SignalId)).OrderBy(t => t.Id).Select(t => new { t.SignalId, t.Kind, t.To, t.AssigneeId }).ToListAsync();
        Assert.Equal(ids.Select(id => (id, SignalStepKind.Raised, SignalStatus.Assigned, (string?)manager)), steps.Select(t => (t.SignalId, t.Kind, t.To, t.AssigneeId)));
        if (db.Database.IsSqlite())
        {
            // Written without SQLite's per-row foreign-key checks (BatchPragmas): every reference holds all the same.
            Assert.Empty(await db.Database.SqlQueryRaw<string>("SELECT \"table\" AS \"Value\" FROM pragma_foreign_key_check").ToListAsync());
        }

        // One summary for the manager, not one per part: the notifications are composed over the whole night.
        var told = Assert.Single(await db.Notifications.Where(n => n.UserId == manager && n.Kind == NotificationKind.SignalNew).ToListAsync());
        Assert.Equal(("[红色预警·新信号] 本批共 28 条", (long?)null), (told.Title, told.SignalId));
    }

    [Fact]
    public async Task Hits_handed_on_while_the_run_goes_on_are_the_collected_hits_in_customer_order()
    {
        // A rule every customer without DPD values meets, over 10,000 customers: three batches on two evaluators.
        await PublishedRuleAsync("NO_DPD", "count(dpd, 3) == 0", [_beijingBranch]);
        await using var db = _app.SystemDb();
        var set = await _app.Services.GetRequiredService<RuleSetCache>().LoadAsync(db, Day1, includeShadow: false, default);
        var organisation = await db.Organisations.SingleAsync(o => o.Id == _beijingBranch);
        var customers = Enumerable.Range(1_000_001, 10_000).Select(id => new RuleCustomer(id, organisation.Id, organisation.Path, null, CustomerKind.Enterprise, null, [])).ToList();
        await db.Database.OpenConnectionAsync();
        var connection = db.Database.GetDbConnection();
        var prepared = await RuleRunner.PrepareAsync(connection, set, Day1, onlyListed: false, default);

        var collected = await RuleRunner.RunAsync(connection, set, Day1, customers, onlyListed: false, prepared, default);
        var handed = new List<RuleHit>();
        var parts = 0;
        var streamed = await RuleRunner.RunAsync(connection, set, Day1, customers, onlyListed: false, prepared, async (hits, token) =>
        {
            await foreach (var part in hits.WithCancellation(token))
            {
                handed.AddRange(part);
                parts++;
            }
        }, default);

        var entry = Array.FindIndex(set.Entries, e => e.Rule.Code == "NO_DPD");
        Assert.Equal(customers.Select(c => (c.Id, entry)), collected.Hits.Where(h => h.Entry == entry).Select(h => (h.CustomerId, h.Entry)));
        Assert.Equal(collected.Hits, handed);
        Assert.Empty(streamed.Hits);
        Assert.Equal((3, collected.Evaluated.Sum(), collected.HitCounts[entry]), (parts, streamed.Evaluated.Sum(), streamed.HitCounts[entry]));

        // A writer that fails after its first part stops the run with its own error.
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => RuleRunner.RunAsync(connection, set, Day1, customers, onlyListed: false, prepared, async (hits, token) =>
        {
            await foreach (var _ in hits.WithCancellation(token))
            {
                throw new InvalidOperationException("disk full");
            }
        }, default));
        Assert.Equal("disk full", failure.Message);
    }

    [Fact]
    public async Task A_reopen_puts_back_a_repeat_after_a_gap_from_the_log_and_removes_a_signal_nobody_worked_on()
    {
        var day3 = Day2.AddDays(1);
        await AddValuesAsync(StandardIndicators.DaysPastDue, (_beijingCustomer, Day1, 35), (_shanghaiCustomer, Day2, 40));
        await RunNightAsync(Day1);
        await using var db = _app.SystemDb();
        var dpd = await db.Indicators.Where(i => i.Code == StandardIndicators.DaysPastDue).Select(i => i.Id).SingleAsync();
        await db.IndicatorValues.Where(v => v.CustomerId == _beijingCustomer && v.IndicatorId == dpd).ExecuteUpdateAsync(u => u.SetProperty(v => v.Value, 0.0));
        await RunNightAsync(Day2); // the Beijing signal is not seen on day 2; the Shanghai customer's is raised
        await db.IndicatorValues.Where(v => v.CustomerId == _beijingCustomer && v.IndicatorId == dpd).ExecuteUpdateAsync(u => u.SetProperty(v => v.Value, 50.0));
        await RunNightAsync(day3); // seen again after a gap: logged

        var beijing = await db.WarningSignals.AsNoTracking().SingleAsync(s => s.CustomerId == _beijingCustomer);
        Assert.Equal((2, day3), (beijing.Occurrences, beijing.LastSeenOn));
        Assert.True(await db.RuleSignalRefreshes.AnyAsync(r => r.SignalId == beijing.Id && r.Date == day3));

        await UndoAsync(day3);
        beijing = await db.WarningSignals.AsNoTracking().SingleAsync(s => s.CustomerId == _beijingCustomer);
        Assert.Equal((1, Day1), (beijing.Occurrences, beijing.LastSeenOn));

        await UndoAsync(Day2);
        Assert.False(await db.WarningSignals.AnyAsync(s => s.CustomerId == _shanghaiCustomer && s.Source == SignalSource.Rule));
        Assert.Empty(await db.Notifications.Where(n => n.SignalId != null && !db.WarningSignals.Any(s => s.Id == n.SignalId)).ToListAsync());
    }

    [Fact]
    public async Task The_packed_series_follow_every_insert_change_and_delete_of_values()
    {
        await AddValuesAsync(StandardIndicators.DaysPastDue, (_beijingCustomer, Day1, 35), (_beijingCustomer, Day2, 36));
        Assert.Contains((StandardIndicators.DaysPastDue, Day1, 35.0), await PackedAsync(_beijingCustomer));
        Assert.Equal(await StoredAsync(_beijingCustomer), await PackedAsync(_beijingCustomer));

        await using var db = _app.SystemDb();
        var dpd = await db.Indicators.Where(i => i.Code == StandardIndicators.DaysPastDue).Select(i => i.Id).SingleAsync();
        await db.IndicatorValues.Where(v => v.CustomerId == _beijingCustomer && v.IndicatorId == dpd && v.Date == Day1).ExecuteUpdateAsync(u => u.SetProperty(v => v.Value, 40.0));
        var changed = await PackedAsync(_beijingCustomer);
        Assert.Contains((StandardIndicators.DaysPastDue, Day1, 40.0), changed);
        Assert.DoesNotContain((StandardIndicators.DaysPastDue, Day1, 35.0), changed);

        await db.IndicatorValues.Where(v => v.CustomerId == _beijingCustomer && v.IndicatorId == dpd).ExecuteDeleteAsync();
        var deleted = await PackedAsync(_beijingCustomer);
        Assert.DoesNotContain(deleted, p => p.Code == StandardIndicators.DaysPastDue);
        Assert.Equal(await StoredAsync(_beijingCustomer), deleted);
        Assert.False(await db.Set<StaleIndicatorSeries>().AnyAsync());
    }

    [Fact]
    public async Task The_customer_read_gives_each_customer_the_distinct_products_of_its_loans_and_equal_sets_share_one_array()
    {
        await using var db = _app.SystemDb();
        var products = await db.LoanProducts.OrderBy(p => p.Id).Select(p => p.Id).Take(2).ToListAsync();
        var (first, second) = (products[0], products[1]);
        var beijing = await db.Customers.SingleAsync(c => c.Id == _beijingCustomer);
        var shanghai = await db.Customers.SingleAsync(c => c.Id == _shanghaiCustomer);
        // Two customers added last: one without loans, then one whose loans end the book's product rows.
        Customer Added(string code) => new()
        {
            Code = code, Name = "读取测试客户", IdNumber = "91110000MA0000" + code[^4..], Kind = CustomerKind.Enterprise, Industry = "制造业",
            OrganisationId = beijing.OrganisationId, OrganisationPath = beijing.OrganisationPath, AccountManagerId = beijing.AccountManagerId, CreatedAt = Noon,
        };
        var noLoans = Added("RC-0001");
        var last = Added("RC-0002");
        db.Customers.AddRange(noLoans, last);
        await db.SaveChangesAsync();
        Assert.True(_beijingCustomer < _shanghaiCustomer && _shanghaiCustomer < noLoans.Id && noLoans.Id < last.Id);

        // The same two products for the Beijing and the Shanghai customer (one of them twice, in another order), one for the last.
        var n = 0;
        foreach (var (customer, product) in new[] { (beijing, second), (beijing, first), (beijing, second), (shanghai, first), (shanghai, second), (last, second) })
        {
            db.Loans.Add(new Loan
            {
                Code = $"RC-{++n}", CustomerId = customer.Id, ProductId = product, OrganisationId = customer.OrganisationId,
                OrganisationPath = customer.OrganisationPath, AccountManagerId = customer.AccountManagerId, Principal = 50_000m, AnnualRate = 0.05m,
                TermMonths = 12, DisbursementDate = Day1.AddMonths(-1), MaturityDate = Day1.AddMonths(11), CreatedAt = Noon,
            });
        }

        await db.SaveChangesAsync();
        var others = await db.Loans.Where(l => l.CustomerId != _beijingCustomer && l.CustomerId != _shanghaiCustomer && l.CustomerId != last.Id)
            .Select(l => new { l.CustomerId, l.ProductId }).ToListAsync();
        var othersExpected = others.GroupBy(l => l.CustomerId).ToDictionary(g => g.Key, g => g.Select(l => l.ProductId).Distinct().Order().ToArray());
        var customers = await db.Customers.OrderBy(c => c.Id).Select(c => new { c.Id, c.OrganisationId, c.OrganisationPath, c.AccountManagerId, c.Kind, c.Industry }).ToListAsync();

        await db.Database.OpenConnectionAsync();
        var connection = db.Database.GetDbConnection();
        var book = await RuleCustomers.LoadAsync(connection, null, CancellationToken.None);

        Assert.Equal(customers.Select(c => (c.Id, c.OrganisationId, c.OrganisationPath, c.AccountManagerId, c.Kind, c.Industry)),
            book.Select(c => (c.Id, c.OrganisationId, c.OrganisationPath, c.AccountManagerId, c.Kind, c.Industry)));
        int[] Products(int id) => book.Single(c => c.Id == id).Products;
        Assert.Equal(new[] { first, second }, Products(_beijingCustomer));
        Assert.Equal(new[] { first, second }, Products(_shanghaiCustomer));
        Assert.Same(Products(_beijingCustomer), Products(_shanghaiCustomer)); // one array per distinct set
        Assert.Equal(new[] { second }, Products(last.Id));
        Assert.Empty(Products(noLoans.Id));
        Assert.All(book.Where(c => c.Id != _beijingCustomer && c.Id != _shanghaiCustomer && c.Id != last.Id),
            c => Assert.Equal(othersExpected.GetValueOrDefault(c.Id, []), c.Products));

        // The listed customers (real time) read the same way.
        var listed = await RuleCustomers.LoadAsync(connection, [last.Id, noLoans.Id, _shanghaiCustomer], CancellationToken.None);
        Assert.Equal(new[] { (_shanghaiCustomer, $"{first},{second}"), (noLoans.Id, ""), (last.Id, $"{second}") }, listed.Select(c => (c.Id, string.Join(',', c.Products))));
    }

    [Fact]
    public async Task A_shadow_version_records_its_hits_and_never_raises()
    {
        using var risk = await _app.WithTokenAsync("risk");
        var created = (await (await risk.PostAsJsonAsync("/api/warning/rules", NewRule("SHADOW5", "now(dpd) >= 5", []))).Content.ReadFromJsonAsync<RuleDetailView>())!;
        var shadow = await risk.PostAsync($"/api/warning/rule-versions/{created.Versions[0].Id}/shadow", null);
        Assert.Equal(RuleVersionState.Shadow, (await shadow.Content.ReadFromJsonAsync<RuleVersionView>())!.State);
        await AddValuesAsync(StandardIndicators.DaysPastDue, (_beijingCustomer, Day1, 7), (_shanghaiCustomer, Day1, 2));

        var summary = await RunNightAsync(Day1);

        await using var db = _app.SystemDb();
        Assert.Equal(0, summary.NewSignals);
        Assert.False(await db.WarningSignals.AnyAsync(s => s.RuleId == created.Id));
        var hit = Assert.Single(await db.ShadowHits.Where(h => h.RuleId == created.Id).ToListAsync());
        Assert.Equal((Day1, created.Versions[0].Id, _beijingCustomer, false), (hit.Date, hit.RuleVersionId, hit.CustomerId, hit.PublishedAlsoFired));
        var days = (await risk.GetFromJsonAsync<List<ShadowDay>>($"/api/warning/rules/{created.Id}/shadow-results"))!;
        var day = Assert.Single(days);
        var version = Assert.Single(day.Shadows);
        Assert.Equal((Day1, (int?)null, 1, 0), (day.Date, day.PublishedVersionId, version.Hits, version.Overlap));
    }

    [Fact]
    public async Task An_arriving_value_raises_in_real_time_and_evaluate_now_shows_each_rule()
    {
        await AddValuesAsync(StandardIndicators.LitigationDefendant, (_beijingCustomer, Day1, 1));

        await _app.AsSystemAsync(async s =>
        {
            foreach (var observer in s.GetServices<IIndicatorObserver>())
            {
                await observer.OnIndicatorsChangedAsync([_beijingCustomer], Day1, default);
            }

            return 0;
        });

        await using var db = _app.SystemDb();
        var signal = Assert.Single(await db.WarningSignals.Where(s => s.CustomerId == _beijingCustomer).ToListAsync());
        Assert.Equal(("近3个月作为被告涉诉", SignalSeverity.Orange, "count(litigation_defendant, 3) = 1", 1), (signal.Title, signal.Severity, signal.Detail, signal.Occurrences));

        using var manager = await _app.WithTokenAsync("am.bj01");
        var response = await manager.PostAsync($"/api/warning/customers/{_beijingCustomer}/evaluate", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var evaluation = (await response.Content.ReadFromJsonAsync<CustomerEvaluation>())!;
        Assert.Equal(18, evaluation.Rules.Count);
        Assert.Equal(["LITIGATION"], evaluation.Rules.Where(r => r.Truth == RuleTruth.True).Select(r => r.RuleCode));
        Assert.Equal(RuleTruth.Unknown, evaluation.Rules.Single(r => r.RuleCode == "DPD30").Truth);
        Assert.Equal(RuleTruth.False, evaluation.Rules.Single(r => r.RuleCode == "ENFORCEMENT").Truth);
        Assert.Equal((0, 1), (evaluation.Raised, evaluation.Refreshed));
    }

    [Fact]
    public async Task A_backtest_on_a_hand_built_history_gives_exact_counts()
    {
        // Today 2026-03-10: month-ends from the first value (2025-01) to 2026-02-28 are replayed.
        await using var db = _app.SystemDb();
        var customers = await db.Customers.OrderBy(c => c.Id).Select(c => c.Id).Take(5).ToListAsync();
        var (a, b, c, d, e) = (customers[0], customers[1], customers[2], customers[3], customers[4]);
        await AddValuesAsync(StandardIndicators.DaysPastDue,
            (a, new DateOnly(2025, 1, 31), 0), (a, new DateOnly(2025, 3, 31), 40), // a: signal 2025-03-31 (dpd 40 stays the latest value)
            (b, new DateOnly(2025, 1, 31), 45), (b, new DateOnly(2025, 2, 28), 0), (b, new DateOnly(2025, 6, 30), 31), // b: signals 2025-01-31 and 2025-06-30
            (c, new DateOnly(2025, 5, 31), 35), (c, new DateOnly(2025, 6, 30), 0), // c: signal 2025-05-31, never deteriorates: false alarm
            (d, new DateOnly(2025, 1, 31), 0)); // d: no signal, deteriorates: missed
        await DeteriorateAsync(a, new DateOnly(2025, 5, 15)); // 45 days after a's signal
        await DeteriorateAsync(b, new DateOnly(2025, 11, 30)); // 153 days after b's second signal, 303 after the first
        await DeteriorateAsync(d, new DateOnly(2025, 8, 1));
        await DeteriorateAsync(e, new DateOnly(2024, 12, 1)); // before the replayed period: neither hit nor missed
        var dpd30 = await db.WarningRuleVersions.Where(v => v.RuleId == db.WarningRules.Single(r => r.Code == "DPD30").Id).Select(v => v.Id).SingleAsync();
        using var risk = await _app.WithTokenAsync("risk");

        var report = (await risk.GetFromJsonAsync<BacktestReport>($"/api/warning/rule-versions/{dpd30}/backtest"))!;

        Assert.Equal((new DateOnly(2025, 1, 31), new DateOnly(2026, 2, 28), 14), (report.From, report.To, report.Months));
        var r = report.Result;
        // Leads: a 45 days (within 3 months), b's second signal 153 days (within 6), b's first 303 days (within 12); c is a false alarm.
        Assert.Equal((4, 3, 1, 2, 3), (r.Signals, r.Customers, r.Within3Months, r.Within6Months, r.Within12Months));
        Assert.Equal((167.0, 153.0, 0.75, 0.25), (r.MeanLeadDays!.Value, r.MedianLeadDays!.Value, r.HitRate!.Value, r.FalseAlarmRate!.Value));
        Assert.Equal([(d, new DateOnly(2025, 8, 1))], r.Missed.Select(m => (m.CustomerId, m.DeterioratedOn)));
        Assert.Equal([(b, new DateOnly(2025, 1, 31)), (a, new DateOnly(2025, 3, 31)), (c, new DateOnly(2025, 5, 31)), (b, new DateOnly(2025, 6, 30))],
            report.Signals.Select(s => (s.CustomerId, s.Date)));
    }

    private static object NewRule(string code, string expression, int[] organisations) => new
    {
        code, nameZh = "测试规则 " + code, nameEn = "Test rule " + code, category = "Repayment", version = Version(expression, organisations),
    };

    private static object Version(string expression, int[] organisations) => new
    {
        expression, severity = "Orange", organisationIds = organisations, productIds = Array.Empty<int>(), industries = Array.Empty<string>(),
        customerKinds = Array.Empty<string>(), note = "测试",
    };

    private async Task<int> PublishedRuleAsync(string code, string expression, int[] organisations)
    {
        using var maker = await _app.WithTokenAsync("risk.bj");
        using var checker = await _app.WithTokenAsync("risk");
        var created = (await (await maker.PostAsJsonAsync("/api/warning/rules", NewRule(code, expression, organisations))).Content.ReadFromJsonAsync<RuleDetailView>())!;
        Assert.Equal(HttpStatusCode.OK, (await checker.PostAsync($"/api/warning/rule-versions/{created.Versions[0].Id}/publish", null)).StatusCode);
        return created.Id;
    }

    private Task UndoAsync(DateOnly date) => _app.AsSystemAsync(async s =>
    {
        var context = s.GetRequiredService<PostLoanDbContext>();
        var connection = context.Database.GetDbConnection();
        await context.Database.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await s.GetRequiredService<NightlyRuleRun>().UndoAsync(connection, tx, date, default);
        await tx.CommitAsync();
        return 0;
    });

    /// <summary>Registers a <see cref="RecordingObserver"/> with the app's signal observers.</summary>
    protected static void Record(IServiceCollection services)
    {
        services.AddSingleton<RecordingObserver>();
        services.AddScoped<ISignalObserver>(sp => sp.GetRequiredService<RecordingObserver>());
    }

    /// <summary>Keeps every new signal the observers are told of, and what its facts said before the signal was asked for.</summary>
    protected sealed class RecordingObserver : ISignalObserver
    {
        public List<WarningSignal> Told { get; } = [];

        /// <summary>Each told signal's customer, source, severity, last seen and whether active, read before the signal (in <see cref="Told"/>'s order).</summary>
        public List<(int, SignalSource, SignalSeverity, DateOnly, bool)> Facts { get; } = [];

        public Task OnRaisedAsync(IReadOnlyList<RaisedSignal> signals, CancellationToken cancellationToken)
        {
            lock (Told)
            {
                foreach (var raised in signals.Where(s => s.IsNew))
                {
                    Facts.Add((raised.CustomerId, raised.Source, raised.Severity, raised.LastSeenOn, raised.IsActive));
                    Told.Add(raised.Signal);
                }
            }

            return Task.CompletedTask;
        }
    }

    private Task<RuleRunSummary> RunNightAsync(DateOnly date, int? partSize = null) =>
        _app.AsSystemAsync(s =>
        {
            var run = s.GetRequiredService<NightlyRuleRun>();
            run.PartSize = partSize ?? run.PartSize;
            return run.RunAsync(date);
        });

    private async Task AddValuesAsync(string code, params (int Customer, DateOnly Date, double Value)[] values)
    {
        await using var db = _app.SystemDb();
        var indicator = await db.Indicators.SingleAsync(i => i.Code == code);
        foreach (var (customer, date, value) in values)
        {
            var owner = await db.Customers.SingleAsync(c => c.Id == customer);
            db.IndicatorValues.Add(new IndicatorValue
            {
                IndicatorId = indicator.Id, CustomerId = customer, Date = date, Value = value, Reference = "test:" + date.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture),
                RecordedBy = "test", RecordedAt = Noon, OrganisationPath = owner.OrganisationPath, AccountManagerId = owner.AccountManagerId,
            });
        }

        await db.SaveChangesAsync();
    }

    /// <summary>Refreshes the packed series and decodes the customer's row: (code, date, value) in indicator, date order.</summary>
    private async Task<List<(string Code, DateOnly Date, double Value)>> PackedAsync(int customerId)
    {
        await using var db = _app.SystemDb();
        await db.Database.OpenConnectionAsync();
        await IndicatorSeriesPacker.RefreshAsync(db.Database.GetDbConnection());
        var codes = await db.Indicators.ToDictionaryAsync(i => i.Id, i => i.Code);
        var row = await db.Set<PackedIndicatorSeries>().SingleOrDefaultAsync(p => p.CustomerId == customerId);
        var slots = Enumerable.Range(0, codes.Keys.Max() + 1).ToArray();
        var sink = new ListSink([]);
        PackedSeries.Read(row?.Data ?? [], slots, DateOnly.MinValue.DayNumber, DateOnly.MaxValue.DayNumber, ref sink);
        return sink.Values.Select(v => (codes[v.Slot], DateOnly.FromDayNumber(v.Day), v.Value)).ToList();
    }

    /// <summary>The customer's values as indicator_values holds them, in the packed order (indicator id, date, id).</summary>
    private async Task<List<(string Code, DateOnly Date, double Value)>> StoredAsync(int customerId)
    {
        await using var db = _app.SystemDb();
        var codes = await db.Indicators.ToDictionaryAsync(i => i.Id, i => i.Code);
        var values = await db.IndicatorValues.Where(v => v.CustomerId == customerId).OrderBy(v => v.IndicatorId).ThenBy(v => v.Date).ThenBy(v => v.Id)
            .Select(v => new { v.IndicatorId, v.Date, v.Value }).ToListAsync();
        return values.Select(v => (codes[v.IndicatorId], v.Date, v.Value)).ToList();
    }

    private readonly struct ListSink(List<(int Slot, int Day, double Value)> values) : ISeriesSink
    {
        public List<(int Slot, int Day, double Value)> Values { get; } = values;

        public void Add(int slot, int day, double value) => Values.Add((slot, day, value));
    }

    /// <summary>The customer's loan enters 关注 on <paramref name="date"/> (an applied change, as the nightly classification records it).</summary>
    private async Task DeteriorateAsync(int customerId, DateOnly date)
    {
        await using var db = _app.SystemDb();
        var customer = await db.Customers.SingleAsync(c => c.Id == customerId);
        var product = await db.LoanProducts.OrderBy(p => p.Id).FirstAsync();
        var loan = new Loan
        {
            Code = $"BT-{customerId}-{date:yyyyMMdd}", CustomerId = customerId, ProductId = product.Id, OrganisationId = customer.OrganisationId,
            OrganisationPath = customer.OrganisationPath, AccountManagerId = customer.AccountManagerId, Principal = 100_000m, AnnualRate = 0.0435m,
            TermMonths = 12, DisbursementDate = date.AddMonths(-6), MaturityDate = date.AddMonths(6), CreatedAt = Noon,
        };
        db.Loans.Add(loan);
        await db.SaveChangesAsync();
        db.ClassificationChanges.Add(new ClassificationChange
        {
            LoanId = loan.Id, CustomerId = customerId, OrganisationId = customer.OrganisationId, OrganisationPath = customer.OrganisationPath,
            AccountManagerId = customer.AccountManagerId, Date = date, From = FiveLevelCategory.Normal, To = FiveLevelCategory.SpecialMention,
            Floor = FiveLevelCategory.SpecialMention, Source = ChangeSource.Rule, State = ChangeState.Applied, ProposedBy = "system", ProposedAt = Noon,
        });
        await db.SaveChangesAsync();
    }
}

public sealed class SqliteWarningRuleWorkflow : WarningRuleWorkflow
{
    protected override Task<TestApp> StartAsync(ManualClock clock) => TestApp.StartAsync(clock: clock, services: Record);
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresWarningRuleWorkflow(PostgresCluster cluster) : WarningRuleWorkflow
{
    protected override async Task<TestApp> StartAsync(ManualClock clock) =>
        await TestApp.StartAsync(DatabaseProvider.Postgres, await cluster.CreateDatabaseAsync(), clock, services: Record);
}
