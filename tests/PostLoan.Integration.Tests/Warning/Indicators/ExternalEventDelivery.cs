using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Infrastructure.Warning.Indicators;
using PostLoan.Integration.Tests.Support;

namespace PostLoan.Integration.Tests.Warning.Indicators;

/// <summary>
/// External events through <c>POST /api/warning/events</c>: stored with their indicator values and the observers told;
/// a redelivery changes nothing; a batch with a bad item writes nothing and names the item's index, field and reason; a
/// customer outside the caller's scope is refused with 403; an account manager may not deliver events.
/// </summary>
public abstract class ExternalEventDelivery : IAsyncLifetime
{
    private readonly RecordingObserver _observer = new();
    private TestApp _app = null!;
    private Customer _beijing = null!;
    private Customer _shanghai = null!;

    protected abstract Task<TestApp> StartAsync(ManualClock clock, Action<IServiceCollection> services);

    public async Task InitializeAsync()
    {
        _app = await StartAsync(new ManualClock(new DateTimeOffset(2026, 3, 10, 4, 0, 0, TimeSpan.Zero)), s => s.AddSingleton<IIndicatorObserver>(_observer));
        await using var db = _app.SystemDb();
        var amId = await db.Users.Where(u => u.UserName == "am.bj01").Select(u => u.Id).SingleAsync();
        _beijing = await db.Customers.Where(c => c.AccountManagerId == amId).OrderBy(c => c.Id).Select(c => new Customer(c.Id, c.Code, c.IdNumber)).FirstAsync();
        var pudong = await db.Organisations.SingleAsync(o => o.Code == "SH01");
        _shanghai = await db.Customers.Where(c => c.OrganisationId == pudong.Id).OrderBy(c => c.Id).Select(c => new Customer(c.Id, c.Code, c.IdNumber)).FirstAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private object Batch(string? customerCode = null) => new
    {
        provider = "qcc",
        events = new object[]
        {
            new
            {
                reference = "QCC-2026-000123", type = "litigation_defendant", customerCode = customerCode ?? _beijing.Code, date = "2026-03-02",
                title = "上海宏达建材有限公司诉本公司买卖合同纠纷", amount = 1_250_000.00m, counterparty = "上海宏达建材有限公司",
                court = "上海市浦东新区人民法院", caseNumber = "(2026)沪0115民初12345号",
            },
            new { reference = "QCC-2026-000124", type = "multi_lending", idNumber = _beijing.IdNumber, date = "2026-03-05", title = "近3个月新增借贷机构7家", value = 7 },
        },
    };

    [Fact]
    public async Task Events_write_their_indicator_values_tell_the_observers_and_a_redelivery_changes_nothing()
    {
        using var clerk = await _app.WithTokenAsync("clerk.bj");

        var first = await clerk.PostAsJsonAsync("/api/warning/events", Batch());

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var delivery = (await first.Content.ReadFromJsonAsync<EventDelivery>())!;
        Assert.Equal((2, 0, 0), (delivery.Created, delivery.Updated, delivery.Unchanged));
        Assert.Equal([(_beijing.Id, new DateOnly(2026, 3, 10))], _observer.Calls.Select(c => (Assert.Single(c.Customers), c.Date)));
        Assert.Equal(["litigation_defendant 2026-03-02 1", "multi_lending 2026-03-05 7"], await ValuesAsync());
        await using (var db = _app.SystemDb())
        {
            var stored = await db.ExternalEvents.SingleAsync(e => e.ProviderReference == "QCC-2026-000123");
            Assert.Equal(("qcc", _beijing.Id, "(2026)沪0115民初12345号", 1_250_000.00m, "clerk.bj"), (stored.Provider, stored.CustomerId, stored.CaseNumber, stored.Amount, stored.ReceivedBy));
        }

        var again = await clerk.PostAsJsonAsync("/api/warning/events", Batch());

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var redelivery = (await again.Content.ReadFromJsonAsync<EventDelivery>())!;
        Assert.Equal((0, 0, 2), (redelivery.Created, redelivery.Updated, redelivery.Unchanged));
        Assert.Equal(delivery.EventIds, redelivery.EventIds);
        Assert.Single(_observer.Calls);
        Assert.Equal(["litigation_defendant 2026-03-02 1", "multi_lending 2026-03-05 7"], await ValuesAsync());
    }

    [Fact]
    public async Task A_batch_with_an_unknown_customer_writes_nothing_and_names_the_item()
    {
        using var risk = await _app.WithTokenAsync("risk");
        var batch = new
        {
            provider = "qcc",
            events = new object[]
            {
                new { reference = "QCC-1", type = "enforcement", customerCode = _beijing.Code, date = "2026-03-01", title = "被列为被执行人" },
                new { reference = "QCC-2", type = "enforcement", customerCode = "NO-SUCH", date = "2026-03-01", title = "被列为被执行人" },
                new { reference = "QCC-3", type = "lawsuit", customerCode = _beijing.Code, date = "2026-03-31", title = "" },
            },
        };

        var response = await risk.PostAsJsonAsync("/api/warning/events", batch);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("events.rejected", problem.GetProperty("title").GetString());
        var errors = problem.GetProperty("errors").EnumerateArray().Select(e => (e.GetProperty("index").GetInt32(), e.GetProperty("field").GetString())).ToList();
        Assert.Equal([(1, "customerCode"), (2, "type"), (2, "date"), (2, "title")], errors);
        Assert.Contains("no customer with code 'NO-SUCH'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(await ValuesAsync());
        await using var db = _app.SystemDb();
        Assert.False(await db.ExternalEvents.AnyAsync());
        Assert.Empty(_observer.Calls);
    }

    [Fact]
    public async Task A_customer_outside_the_callers_scope_is_refused_with_403()
    {
        using var clerk = await _app.WithTokenAsync("clerk.bj");

        var response = await clerk.PostAsJsonAsync("/api/warning/events", Batch(_shanghai.Code));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("scope.denied", problem.GetProperty("title").GetString());
        var error = Assert.Single(problem.GetProperty("errors").EnumerateArray());
        Assert.Equal((0, "customerCode"), (error.GetProperty("index").GetInt32(), error.GetProperty("field").GetString()));
        await using var db = _app.SystemDb();
        Assert.False(await db.ExternalEvents.AnyAsync());
    }

    [Fact]
    public async Task An_account_manager_may_not_deliver_events()
    {
        using var manager = await _app.WithTokenAsync("am.bj01");

        var response = await manager.PostAsJsonAsync("/api/warning/events", Batch());

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        await using var db = _app.SystemDb();
        Assert.False(await db.ExternalEvents.AnyAsync());
    }

    [Fact]
    public async Task The_demo_provider_is_polled_from_its_cursor_and_a_second_poll_the_same_day_adds_nothing()
    {
        var first = await _app.AsSystemAsync(s => s.GetRequiredService<ExternalDataPoller>().PollAsync(s.GetServices<IExternalDataProvider>().Single(p => p.Name == "demo"), default));

        Assert.Null(first.Error);
        Assert.Equal((8, "2026-03-10"), (first.Pages, first.Cursor));
        var again = await _app.AsSystemAsync(s => s.GetRequiredService<ExternalDataPoller>().PollAsync(s.GetServices<IExternalDataProvider>().Single(p => p.Name == "demo"), default));
        Assert.Equal((1, 0, 0, "2026-03-10"), (again.Pages, again.Created + again.Updated + again.Unchanged, again.Created, again.Cursor));
        await using var db = _app.SystemDb();
        Assert.Equal(first.Created, await db.ExternalEvents.CountAsync(e => e.Provider == "demo"));
        Assert.Equal(first.Created, await db.IndicatorValues.CountAsync(v => v.Reference.StartsWith("event:")));
    }

    private async Task<List<string>> ValuesAsync()
    {
        await using var db = _app.SystemDb();
        var codes = await db.Indicators.ToDictionaryAsync(i => i.Id, i => i.Code);
        var values = await db.IndicatorValues.Where(v => v.Reference.StartsWith("event:")).ToListAsync();
        return [.. values.Select(v => string.Create(CultureInfo.InvariantCulture, $"{codes[v.IndicatorId]} {v.Date:yyyy-MM-dd} {v.Value}")).Order(StringComparer.Ordinal)];
    }

    private sealed record Customer(int Id, string Code, string IdNumber);

    private sealed class RecordingObserver : IIndicatorObserver
    {
        public ConcurrentQueue<(IReadOnlyCollection<int> Customers, DateOnly Date)> Calls { get; } = new();

        public Task OnIndicatorsChangedAsync(IReadOnlyCollection<int> customerIds, DateOnly date, CancellationToken cancellationToken)
        {
            Calls.Enqueue((customerIds, date));
            return Task.CompletedTask;
        }
    }
}

public sealed class SqliteExternalEventDelivery : ExternalEventDelivery
{
    protected override Task<TestApp> StartAsync(ManualClock clock, Action<IServiceCollection> services) => TestApp.StartAsync(clock: clock, services: services);
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresExternalEventDelivery(PostgresCluster cluster) : ExternalEventDelivery
{
    protected override async Task<TestApp> StartAsync(ManualClock clock, Action<IServiceCollection> services) =>
        await TestApp.StartAsync(DatabaseProvider.Postgres, await cluster.CreateDatabaseAsync(), clock, services: services);
}
