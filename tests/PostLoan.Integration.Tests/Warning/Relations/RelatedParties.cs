using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PostLoan.Domain.Administration;
using PostLoan.Domain.Risk;
using PostLoan.Domain.Warning.Relations;
using PostLoan.Domain.Warning.Signals;
using PostLoan.Infrastructure.Identity;
using PostLoan.Infrastructure.Ledger.CreditSupport;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Infrastructure.Warning.Relations;
using PostLoan.Infrastructure.Warning.Signals;
using PostLoan.Integration.Tests.Support;
using PostLoan.Web.Features.Ledger;
using PostLoan.Web.Features.Warning.Relations;

namespace PostLoan.Integration.Tests.Warning.Relations;

/// <summary>
/// Related parties end to end (关联客户预警, docs/related-parties.md): a red signal climbs a guarantee chain through the real
/// observer with strengths 0.8, 0.64 and 0.512 and one step lower below 0.5; derived signals are never propagated again and
/// a repeated origin refreshes rather than duplicates; a guarantee circle is found in the ledger's guarantees; imports are
/// all or nothing; the neighbourhood graph; a customer in another branch is neither listed nor reachable.
/// </summary>
public abstract class RelatedParties : IAsyncLifetime
{
    /// <summary>Noon in Beijing on 2026-03-10: the loans are opened that day.</summary>
    private static readonly DateTimeOffset Noon = new(2026, 3, 10, 4, 0, 0, TimeSpan.Zero);

    private static readonly DateOnly Today = new(2026, 3, 10);

    private readonly ManualClock _clock = new(Noon);
    private TestApp _app = null!;

    /// <summary>The four customers of 海淀支行 (am.bj01), ascending.</summary>
    private int[] _k = [];

    /// <summary>Their loans (k0, k1, k2), 100,000 each.</summary>
    private long[] _loans = [];

    private int _chaoyang;
    private int _shanghai;

    protected abstract Task<TestApp> StartAsync(ManualClock clock);

    public async Task InitializeAsync()
    {
        _app = await StartAsync(_clock);
        await using var db = _app.SystemDb();
        var amId = await db.Users.Where(u => u.UserName == "am.bj01").Select(u => u.Id).SingleAsync();
        _k = [.. await db.Customers.Where(c => c.AccountManagerId == amId).OrderBy(c => c.Id).Select(c => c.Id).ToListAsync()];
        var bj02 = await db.Organisations.SingleAsync(o => o.Code == "BJ02");
        _chaoyang = await db.Customers.Where(c => c.OrganisationId == bj02.Id).OrderBy(c => c.Id).Select(c => c.Id).FirstAsync();
        var sh01 = await db.Organisations.SingleAsync(o => o.Code == "SH01");
        _shanghai = await db.Customers.Where(c => c.OrganisationId == sh01.Id).OrderBy(c => c.Id).Select(c => c.Id).FirstAsync();
        _loans = [await OpenLoanAsync("L-REL-0", _k[0]), await OpenLoanAsync("L-REL-1", _k[1]), await OpenLoanAsync("L-REL-2", _k[2])];
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_red_signal_climbs_a_three_step_guarantee_chain_with_strengths_0_8_0_64_0_512_and_one_step_lower_below_0_5()
    {
        // k1 guarantees k0's loan, k2 guarantees k1's, k3 guarantees k2's; k0 trades with 朝阳 (0.4).
        await GuaranteeAsync(_k[1], _loans[0], 50_000m);
        await GuaranteeAsync(_k[2], _loans[1], 60_000m);
        await GuaranteeAsync(_k[3], _loans[2], 70_000m);
        await RecordAsync(_k[0], _chaoyang, RelationKind.Transaction);

        var origin = await RaiseAsync(_k[0], SignalSeverity.Red, SignalSource.Manual, "manual:stop");

        var derived = await DerivedAsync();
        var key = "related:" + origin.Id;
        Assert.Equal(
            [
                (_k[1], 0.8, SignalSeverity.Red, key, (long?)origin.Id),
                (_k[2], 0.64, SignalSeverity.Red, key, origin.Id),
                (_k[3], 0.512, SignalSeverity.Red, key, origin.Id),
                (_chaoyang, 0.4, SignalSeverity.Orange, key, origin.Id),
            ],
            derived.Select(s => (s.CustomerId, s.Strength, s.Severity, s.DedupKey, s.OriginSignalId)));
        // New derived signals are assigned to the linked customers' account managers by the workflow.
        Assert.All(derived, s => Assert.Equal((SignalStatus.Assigned, true, Today), (s.Status, s.IsActive, s.RaisedOn)));
        Assert.Equal("关联客户 " + await NameAsync(_k[0]) + " 红色预警", derived[2].Title);
        Assert.StartsWith($"传导路径 {await NameAsync(_k[0])} →担保→ {await NameAsync(_k[1])} →担保→ {await NameAsync(_k[2])} →担保→ {await NameAsync(_k[3])}；强度 0.512（3 层）", derived[2].Detail);

        await using var db = _app.SystemDb();
        var events = await (from v in db.IndicatorValues
                            join i in db.Indicators on v.IndicatorId equals i.Id
                            where i.Code == "related_signals"
                            orderby v.CustomerId
                            select new { v.CustomerId, v.Date, v.Value, v.Reference }).ToListAsync();
        Assert.Equal(new[] { _k[1], _k[2], _k[3], _chaoyang }.Order().Select(id => (id, Today, 1.0, key)), events.Select(e => (e.CustomerId, e.Date, e.Value, e.Reference)));
    }

    [Fact]
    public async Task Derived_signals_are_not_propagated_again_and_a_repeated_origin_refreshes_the_same_derived_signals()
    {
        await GuaranteeAsync(_k[1], _loans[0], 50_000m);
        await GuaranteeAsync(_k[0], _loans[1], 50_000m);
        var origin = await RaiseAsync(_k[0], SignalSeverity.Red, SignalSource.Manual, "manual:first");

        // k0 and k1 guarantee each other: without the rule, k1's derived red signal would come back to k0 and cascade.
        var first = Assert.Single(await DerivedAsync());
        Assert.Equal((_k[1], 0.8, origin.Id), (first.CustomerId, first.Strength, first.OriginSignalId!.Value));

        // A derived signal raised directly (a red one, on k1) derives nothing.
        await RaiseAsync(_k[1], SignalSeverity.Red, SignalSource.RelatedParty, "related:999999");
        Assert.Equal(2, (await DerivedAsync()).Count);

        // The same origin propagated again (a repeat the next day, or the observer told twice): the same signal, refreshed.
        _clock.Advance(TimeSpan.FromDays(1));
        var again = await _app.AsSystemAsync(async s =>
        {
            var db = s.GetRequiredService<PostLoanDbContext>();
            var signal = await db.WarningSignals.SingleAsync(w => w.Id == origin.Id);
            signal.LastSeenOn = Today.AddDays(1);
            return await s.GetRequiredService<RelatedPartyObserver>().PropagateAsync(db, signal, RelationSettings.Default, default);
        });

        var repeat = Assert.Single(again);
        Assert.Equal((first.Id, false, false), (repeat.Signal.Id, repeat.IsNew, repeat.Escalated));
        var derived = await DerivedAsync();
        Assert.Equal(2, derived.Count);
        var refreshed = derived.Single(s => s.Id == first.Id);
        Assert.Equal((2, Today.AddDays(1), 0.8), (refreshed.Occurrences, refreshed.LastSeenOn, refreshed.Strength));
    }

    [Fact]
    public async Task A_whole_night_of_customers_finds_the_same_linked_customers_as_asking_a_few_at_a_time()
    {
        // k1 guarantees k0's loan; k2 trades with 朝阳; 朝阳 and 上海 are one group. k3 is alone in a group and its only
        // relation (to k0) is merely proposed: not linked.
        await GuaranteeAsync(_k[1], _loans[0], 50_000m);
        await RecordAsync(_k[2], _chaoyang, RelationKind.Transaction);
        await using (var db = _app.SystemDb())
        {
            var k3 = await db.Customers.SingleAsync(c => c.Id == _k[3]);
            var pair = new PostLoan.Domain.Ledger.CreditSupport.CustomerGroup { Code = "G-REL-1", Name = "双户集团", OrganisationId = k3.OrganisationId, OrganisationPath = k3.OrganisationPath };
            var single = new PostLoan.Domain.Ledger.CreditSupport.CustomerGroup { Code = "G-REL-2", Name = "单户集团", OrganisationId = k3.OrganisationId, OrganisationPath = k3.OrganisationPath };
            db.CustomerGroups.AddRange(pair, single);
            await db.SaveChangesAsync();
            db.GroupMemberships.AddRange(
                new PostLoan.Domain.Ledger.CreditSupport.GroupMembership { GroupId = pair.Id, CustomerId = _chaoyang },
                new PostLoan.Domain.Ledger.CreditSupport.GroupMembership { GroupId = pair.Id, CustomerId = _shanghai },
                new PostLoan.Domain.Ledger.CreditSupport.GroupMembership { GroupId = single.Id, CustomerId = _k[3] });
            db.CustomerRelations.Add(new CustomerRelation
            {
                FromCustomerId = _k[3], ToCustomerId = _k[0], Kind = RelationKind.Address, Status = RelationStatus.Proposed, Source = RelationSource.Detected,
                FromOrganisationPath = k3.OrganisationPath, ToOrganisationPath = k3.OrganisationPath,
            });
            await db.SaveChangesAsync();
        }

        var asked = new[] { _k[0], _k[1], _k[2], _k[3], _chaoyang, _shanghai };
        var (few, night, all) = await _app.AsSystemAsync(async s =>
        {
            var graph = new RelationGraphService(s.GetRequiredService<PostLoanDbContext>());
            // More than 4,000 customers asked (most of them ids nobody has): the set-based path.
            var many = asked.Concat(Enumerable.Range(1_000_000, 5_000)).ToArray();
            return ((await graph.LinkedAsync(asked, Today)).Order().ToArray(), (await graph.LinkedAsync(many, Today)).Order().ToArray(), (await graph.AllLinkedAsync(Today)).Order().ToArray());
        });

        var expected = new[] { _k[0], _k[1], _k[2], _chaoyang, _shanghai }.Order().ToArray();
        Assert.Equal(expected, few);
        Assert.Equal(expected, night);
        Assert.Equal(expected, all);
    }

    [Fact]
    public async Task A_guarantee_circle_of_three_in_the_ledger_is_listed_with_its_amount_and_worst_category_and_exported()
    {
        // k0 guarantees k1's loan, k1 guarantees k2's, k2 guarantees k0's: 联保圈 k0 → k1 → k2 → k0.
        await GuaranteeAsync(_k[0], _loans[1], 50_000m);
        await GuaranteeAsync(_k[1], _loans[2], 60_000m);
        await GuaranteeAsync(_k[2], _loans[0], 70_000m);
        using var risk = await _app.WithTokenAsync("risk.bj");

        var view = (await risk.GetFromJsonAsync<GuaranteeNetworkView>("/api/relations/guarantee-network", RelationsApi.Json))!;

        Assert.Equal((Today, 1, false), (view.AsOf, view.CircleGroups, view.Truncated));
        var circle = Assert.Single(view.Entries);
        Assert.Equal((GuaranteeStructure.Circle, 180_000.00m, 300_000.00m, (FiveLevelCategory?)FiveLevelCategory.Normal),
            (circle.Type, circle.GuaranteedAmount, circle.Outstanding, circle.WorstCategory));
        Assert.Equal(_k[..3], circle.Members.Select(m => m.CustomerId));
        var csv = await risk.GetStringAsync("/api/relations/guarantee-network.csv");
        var codes = string.Join(" → ", circle.Members.Select(m => m.Code));
        Assert.Equal($"type,size,members,member_codes,guaranteed_amount,outstanding,worst_category\n担保圈,3,{string.Join(" → ", circle.Members.Select(m => m.Name))},{codes},180000.00,300000.00,正常\n", csv.TrimStart('\uFEFF'));
        var workbook = await risk.GetAsync("/api/relations/guarantee-network.xlsx");
        Assert.Equal(HttpStatusCode.OK, workbook.StatusCode);

        using var shanghai = await _app.WithTokenAsync("risk.sh");
        Assert.Empty((await shanghai.GetFromJsonAsync<GuaranteeNetworkView>("/api/relations/guarantee-network", RelationsApi.Json))!.Entries);
    }

    [Fact]
    public async Task An_import_with_a_bad_row_writes_nothing_and_names_row_field_and_reason()
    {
        using var am = await _app.WithTokenAsync("am.bj01");
        var codes = await CodesAsync(_k[0], _k[1], _k[2], _shanghai);

        var refused = await ImportAsync(am,
            "from_code,to_code,kind,direction,annual_amount,strength,evidence,valid_from,valid_to\n" +
            $"{codes[0]},{codes[1]},同一法人,,,,工商登记,2025-01-01,\n" +
            $"{codes[0]},{codes[3]},Phone,,,,,,\n" +
            $"{codes[1]},{codes[2]},Guarantee,,,,,,\n" +
            $"{codes[1]},{codes[2]},Transaction,FromTo,12x,,,2026-01-01,2025-12-31\n");

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var problem = (await refused.Content.ReadFromJsonAsync<ImportProblem>())!;
        Assert.Equal("import.rejected", problem.Title);
        Assert.Equal(
            [
                (3, "to_code", $"no customer '{codes[3]}' in your data scope"),
                (4, "kind", "Guarantee links come from the ledger's guarantees and customer groups, not recorded here"),
                (5, "annual_amount", "'12x' is not a number"),
                (5, "valid_to", "2025-12-31 is before valid_from 2026-01-01"),
            ],
            problem.Issues.Select(i => (i.Row, i.Field, i.Reason)));
        await using (var db = _app.SystemDb())
        {
            Assert.Equal(0, await db.CustomerRelations.CountAsync());
        }

        var accepted = await ImportAsync(am,
            "from_code,to_code,kind,direction,annual_amount,strength,evidence,valid_from,valid_to\n" +
            $"{codes[0]},{codes[1]},同一法人,,,,工商登记,2025-01-01,\n" +
            $"{codes[1]},{codes[2]},Transaction,FromTo,1200000.50,0.45,采购合同,2026-01-01,\n");

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(2, (await accepted.Content.ReadFromJsonAsync<ImportResponse>())!.Written);
        var listed = (await am.GetFromJsonAsync<List<RelationItem>>($"/api/relations?customerId={_k[1]}", RelationsApi.Json))!;
        Assert.Equal(
            [
                (_k[1], _k[2], RelationKind.Transaction, RelationDirection.FromTo, (decimal?)1_200_000.50m, (decimal?)0.45m, RelationSource.Import, "am.bj01"),
                (_k[0], _k[1], RelationKind.LegalRepresentative, RelationDirection.Mutual, null, null, RelationSource.Import, "am.bj01"),
            ],
            listed.Select(r => (r.FromCustomerId, r.ToCustomerId, r.Kind, r.Direction, r.AnnualAmount, r.Strength, r.Source, r.RecordedBy)));
    }

    [Fact]
    public async Task The_graph_endpoint_returns_the_two_step_neighbourhood_with_kinds_and_signal_colours()
    {
        await GuaranteeAsync(_k[1], _loans[0], 50_000m);
        await GuaranteeAsync(_k[2], _loans[1], 60_000m);
        await GuaranteeAsync(_k[3], _loans[2], 70_000m);
        await RecordAsync(_k[0], _k[1], RelationKind.Phone);
        await RaiseAsync(_k[2], SignalSeverity.Orange, SignalSource.Manual, "manual:orange");
        using var am = await _app.WithTokenAsync("am.bj01");

        var graph = (await am.GetFromJsonAsync<NeighbourhoodGraph>($"/api/customers/{_k[0]}/relation-graph?steps=2", RelationsApi.Json))!;

        Assert.Equal((_k[0], 2), (graph.CustomerId, graph.Steps));
        Assert.Equal([(_k[0], 0, (SignalSeverity?)null), (_k[1], 1, null), (_k[2], 2, SignalSeverity.Orange)],
            graph.Nodes.Select(n => (n.CustomerId, n.Distance, n.Severity)));
        Assert.Equal(
            [
                (_k[0], _k[1], RelationKind.Phone, "同一电话", LinkOrigin.Relation, false, (decimal?)null),
                (_k[1], _k[0], RelationKind.Guarantee, "担保", LinkOrigin.Guarantee, true, 50_000m),
                (_k[2], _k[1], RelationKind.Guarantee, "担保", LinkOrigin.Guarantee, true, 60_000m),
            ],
            graph.Edges.Select(e => (e.From, e.To, e.Kind, e.Label, e.Origin, e.Directed, e.Amount)));
        // Rings of 170 and 340 with 90 of margin: 860 square, the centre in the middle, the first ring's customer at the top.
        Assert.Equal((860.0, 860.0), (graph.Width, graph.Height));
        Assert.Equal((430.0, 430.0), (graph.Nodes[0].X, graph.Nodes[0].Y));
        Assert.Equal((430.0, 260.0), (graph.Nodes[1].X, graph.Nodes[1].Y));
    }

    [Fact]
    public async Task A_customer_in_another_branch_is_neither_listed_nor_reachable()
    {
        await RecordAsync(_k[0], _shanghai, RelationKind.Shareholder);
        await RecordAsync(_k[0], _k[1], RelationKind.Address);
        using var am = await _app.WithTokenAsync("am.bj01");
        using var risk = await _app.WithTokenAsync("risk");

        var listed = (await am.GetFromJsonAsync<List<RelationItem>>($"/api/relations?customerId={_k[0]}", RelationsApi.Json))!;
        var graph = (await am.GetFromJsonAsync<NeighbourhoodGraph>($"/api/customers/{_k[0]}/relation-graph", RelationsApi.Json))!;
        var outside = await am.GetAsync($"/api/customers/{_shanghai}/relation-graph");
        var outsideList = await am.GetAsync($"/api/relations?customerId={_shanghai}");
        var headOffice = (await risk.GetFromJsonAsync<NeighbourhoodGraph>($"/api/customers/{_k[0]}/relation-graph", RelationsApi.Json))!;

        Assert.Equal([(_k[0], _k[1], RelationKind.Address)], listed.Select(r => (r.FromCustomerId, r.ToCustomerId, r.Kind)));
        Assert.Equal([_k[0], _k[1]], graph.Nodes.Select(n => n.CustomerId));
        Assert.Equal(HttpStatusCode.Forbidden, outside.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, outsideList.StatusCode);
        Assert.Equal([_k[0], _k[1], _shanghai], headOffice.Nodes.Select(n => n.CustomerId));
        var shanghaiRelation = (await risk.GetFromJsonAsync<List<RelationItem>>($"/api/relations?customerId={_shanghai}", RelationsApi.Json))!.Single();
        Assert.Equal(HttpStatusCode.Forbidden, (await am.DeleteAsync($"/api/relations/{shanghaiRelation.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await am.PutAsJsonAsync("/api/relations/settings", SettingsBody.From(RelationSettings.Default))).StatusCode);
        await using var db = _app.SystemDb();
        Assert.True(await db.AuditEntries.AnyAsync(a => a.Action == AuditAction.AccessDenied && a.Entity == nameof(CustomerRelation) && a.EntityId == shanghaiRelation.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task Settings_are_validated_and_saved_as_parameters_and_orange_propagates_once_switched_on()
    {
        await GuaranteeAsync(_k[1], _loans[0], 50_000m);
        using var risk = await _app.WithTokenAsync("risk");
        var settings = SettingsBody.From(RelationSettings.Default);

        var bad = await risk.PutAsJsonAsync("/api/relations/settings", settings with { Strengths = new(settings.Strengths) { ["Guarantee"] = 1.5m } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("strengths.Guarantee: 1.5 is not between 0 and 1", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var saved = await risk.PutAsJsonAsync("/api/relations/settings", settings with { Strengths = new(settings.Strengths) { ["Guarantee"] = 0.9m }, PropagateOrange = true });
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        await RaiseAsync(_k[0], SignalSeverity.Orange, SignalSource.Manual, "manual:orange");

        var derived = Assert.Single(await DerivedAsync());
        Assert.Equal((_k[1], 0.9, SignalSeverity.Orange), (derived.CustomerId, derived.Strength, derived.Severity));
        await using var db = _app.SystemDb();
        Assert.Equal("0.9", await db.SystemParameters.Where(p => p.Key == "warning.relations.strength.guarantee").Select(p => p.Value).SingleAsync());
    }

    private async Task<List<WarningSignal>> DerivedAsync()
    {
        await using var db = _app.SystemDb();
        return await db.WarningSignals.Where(s => s.Source == SignalSource.RelatedParty).OrderByDescending(s => s.Strength).ThenBy(s => s.Id).ToListAsync();
    }

    private async Task<WarningSignal> RaiseAsync(int customerId, SignalSeverity severity, SignalSource source, string key)
    {
        var raised = await _app.AsSystemAsync(s => s.GetRequiredService<SignalRaiser>().RaiseAsync(
            [new SignalDraft(customerId, source, key, severity, "停产", "现场核实停产", DateOnly.FromDateTime(_clock.GetLocalNow().Date))]));
        return raised.Single().Signal;
    }

    private Task GuaranteeAsync(int guarantor, long loan, decimal amount) => _app.AsSystemAsync(async s =>
    {
        var added = await s.GetRequiredService<CreditSupportService>().AddGuaranteeAsync(loan, new GuaranteeInput(guarantor, null, null, null, amount));
        Assert.True(added.IsSuccess, added.Error?.Message);
        return 0;
    });

    private async Task RecordAsync(int from, int to, RelationKind kind)
    {
        var codes = await CodesAsync(from, to);
        await _app.AsSystemAsync(async s =>
        {
            var created = await s.GetRequiredService<RelationService>().CreateAsync(new RelationInput(codes[0], codes[1], kind.ToString()));
            Assert.True(created.IsSuccess, created.Error?.Message);
            return 0;
        });
    }

    private async Task<string[]> CodesAsync(params int[] ids)
    {
        await using var db = _app.SystemDb();
        var codes = await db.Customers.Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Code);
        return [.. ids.Select(id => codes[id])];
    }

    private async Task<string> NameAsync(int id)
    {
        await using var db = _app.SystemDb();
        return await db.Customers.Where(c => c.Id == id).Select(c => c.Name).SingleAsync();
    }

    private static Task<HttpResponseMessage> ImportAsync(HttpClient client, string csv)
    {
        var content = new MultipartFormDataContent();
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(csv));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        content.Add(file, "file", "relations.csv");
        return client.PostAsync("/api/relations/import", content);
    }

    /// <summary>A clerk opens 100,000 at 4.35% over 12 months (等额本息) through the API.</summary>
    private async Task<long> OpenLoanAsync(string code, int customerId)
    {
        using var clerk = await _app.WithTokenAsync("clerk.bj");
        var response = await clerk.PostAsJsonAsync("/api/loans", new
        {
            code, customerId, productCode = "EQI", principal = 100_000.00m, annualRate = 0.0435m, termMonths = 12, purpose = "流动资金周转", guaranteeMethod = "guarantee",
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<LoanOverview>())!.Id;
    }

    private sealed record ImportProblem(string? Title, List<PostLoan.Domain.Common.ImportIssue> Issues);
}

public sealed class SqliteRelatedParties : RelatedParties
{
    protected override Task<TestApp> StartAsync(ManualClock clock) => TestApp.StartAsync(clock: clock);
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresRelatedParties(PostgresCluster cluster) : RelatedParties
{
    protected override async Task<TestApp> StartAsync(ManualClock clock) =>
        await TestApp.StartAsync(DatabaseProvider.Postgres, await cluster.CreateDatabaseAsync(), clock);
}
