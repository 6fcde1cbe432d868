using Microsoft.AspNetCore.Components.Authorization;

namespace PostLoan.Web.Identity;

/// <summary>
/// Runs work of a Blazor page in a fresh dependency-injection scope that acts as the circuit's signed-in user: services
/// resolved there (the daily close with its steps, the signal workflow) get their own database context and the user's
/// data scope, so a page needs no knowledge of how a service is composed.
/// </summary>
public sealed class UserScopes(IServiceScopeFactory scopeFactory, AuthenticationStateProvider authentication)
{
    /// <summary>Resolves <typeparamref name="TService"/> in a new scope as the current user and runs <paramref name="work"/>.</summary>
    public async Task<TResult> RunAsync<TService, TResult>(Func<TService, Task<TResult>> work)
        where TService : notnull
    {
        var state = await authentication.GetAuthenticationStateAsync();
        await using var scope = scopeFactory.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<ClaimsCurrentUser>().Use(state.User);
        return await work(scope.ServiceProvider.GetRequiredService<TService>());
    }
}
