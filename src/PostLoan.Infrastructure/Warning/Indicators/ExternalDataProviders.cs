using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PostLoan.Domain.Warning.Indicators;
using PostLoan.Infrastructure.Identity;
using PostLoan.Infrastructure.Persistence;
using Quartz;

namespace PostLoan.Infrastructure.Warning.Indicators;

/// <summary>One page of events from a provider and the cursor to continue from.</summary>
/// <param name="Events">The events, in the provider's order; each names its provider reference.</param>
/// <param name="NextCursor">Where the next fetch continues (stored after the page is stored).</param>
/// <param name="HasMore">True when the provider has more events now; the poller fetches again at once.</param>
public sealed record ProviderPage(IReadOnlyList<ExternalEventInput> Events, string? NextCursor, bool HasMore);

/// <summary>
/// An external data provider adapter (企查查-style business registry, court records, the credit bureau, a data
/// aggregator): fetches the events it has since a cursor. Register implementations with
/// <c>services.AddSingleton&lt;IExternalDataProvider, TAdapter&gt;()</c> and enable them by name in
/// <c>Warning:ExternalData:Providers</c>; the polling job stores each page through <see cref="ExternalEventService"/>.
/// </summary>
public interface IExternalDataProvider
{
    /// <summary>The provider's name (a–z, 0–9, '.', '_', '-'): the events' provider and the cursor's key.</summary>
    string Name { get; }

    /// <summary>The events after <paramref name="cursor"/> (null: from the provider's start), at most one page.</summary>
    Task<ProviderPage> FetchAsync(string? cursor, CancellationToken cancellationToken);
}

/// <summary>The registered provider adapters and which of them are enabled by configuration.</summary>
public sealed class ExternalDataProviderRegistry(IEnumerable<IExternalDataProvider> providers, IConfiguration configuration)
{
    /// <summary>Every registered adapter by name.</summary>
    public IReadOnlyDictionary<string, IExternalDataProvider> All { get; } = providers.ToDictionary(p => p.Name, StringComparer.Ordinal);

    /// <summary>The adapters named in <c>Warning:ExternalData:Providers</c> (comma-separated), in that order.</summary>
    public IReadOnlyList<IExternalDataProvider> Enabled => [.. EnabledNames(configuration).Where(All.ContainsKey).Select(n => All[n])];

    /// <summary>The provider names configured for polling.</summary>
    public static IReadOnlyList<string> EnabledNames(IConfiguration configuration) =>
        (configuration["Warning:ExternalData:Providers"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>What one provider's poll did.</summary>
public sealed record PollResult(string Provider, int Pages, int Created, int Updated, int Unchanged, string? Cursor, string? Error);

/// <summary>
/// Polls a provider: fetches pages from its stored cursor, stores each page (all or nothing) and only then moves the
/// cursor, so a failure resumes where it stopped and a redelivered page changes nothing. A refused page stops the
/// provider's poll and is recorded on its cursor row for an administrator.
/// </summary>
public sealed class ExternalDataPoller(PostLoanDbContext db, ExternalEventService events, ExternalDataProviderRegistry registry, TimeProvider clock, ILogger<ExternalDataPoller> logger)
{
    /// <summary>Pages fetched per provider per poll at most, so one busy provider cannot hold the job.</summary>
    public const int MaxPages = 50;

    /// <summary>Polls every enabled provider.</summary>
    public async Task<IReadOnlyList<PollResult>> PollEnabledAsync(CancellationToken cancellationToken)
    {
        var results = new List<PollResult>();
        foreach (var provider in registry.Enabled)
        {
            results.Add(await PollAsync(provider, cancellationToken));
        }

        return results;
    }

    /// <summary>Polls one provider from its stored cursor.</summary>
    public async Task<PollResult> PollAsync(IExternalDataProvider provider, CancellationToken cancellationToken)
    {
        var state = await db.ExternalProviderCursors.FirstOrDefaultAsync(c => c.Provider == provider.Name, cancellationToken);
        if (state is null)
        {
            state = new ExternalProviderCursor { Provider = provider.Name };
            db.ExternalProviderCursors.Add(state);
        }

        int pages = 0, created = 0, updated = 0, unchanged = 0;
        string? error = null;
        try
        {
            var more = true;
            while (more && pages < MaxPages)
            {
                var page = await provider.FetchAsync(state.Cursor, cancellationToken);
                pages++;
                if (page.Events.Count > 0)
                {
                    var (delivery, refusal) = await events.ReceiveAsync(provider.Name, [.. page.Events.Select((e, i) => (i, e with { Provider = provider.Name }))], cancellationToken);
                    if (refusal is not null)
                    {
                        var first = refusal.Issues[0];
                        error = string.Create(CultureInfo.InvariantCulture, $"{refusal.Issues.Count} event(s) refused; first: #{first.Position} {first.Field}: {first.Reason}");
                        break;
                    }

                    (created, updated, unchanged) = (created + delivery!.Created, updated + delivery.Updated, unchanged + delivery.Unchanged);
                }

                state.Cursor = page.NextCursor ?? state.Cursor;
                more = page.HasMore;
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or TimeoutException or InvalidOperationException or FormatException)
        {
            error = ex.Message;
        }

        if (error is not null)
        {
            logger.LogWarning("External data provider {Provider}: {Error}", provider.Name, error);
        }

        state.LastPolledAt = clock.GetUtcNow();
        state.LastReceived = created + updated + unchanged;
        state.LastError = error is { Length: > 1000 } ? error[..1000] : error;
        await db.SaveChangesAsync(cancellationToken);
        return new PollResult(provider.Name, pages, created, updated, unchanged, state.Cursor, error);
    }
}

/// <summary>The scheduled poll of the enabled providers (Quartz.NET), as the system user.</summary>
[DisallowConcurrentExecution]
public sealed class ExternalDataPollJob(IServiceScopeFactory scopes) : IJob
{
    public static readonly JobKey Key = new("external-data-poll", "warning");

    public async Task Execute(IJobExecutionContext context)
    {
        await using var scope = scopes.CreateAsyncScope();
        if (scope.ServiceProvider.GetService<ICurrentUser>() is IActAsSystem system)
        {
            system.ActAsSystem();
        }

        await scope.ServiceProvider.GetRequiredService<ExternalDataPoller>().PollEnabledAsync(context.CancellationToken);
    }
}
