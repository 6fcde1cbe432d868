using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;

namespace PostLoan.Web.Identity;

/// <summary>Keeps <see cref="ClaimsCurrentUser"/> of a Blazor circuit in step with its authentication state.</summary>
public sealed class CurrentUserCircuitHandler(AuthenticationStateProvider authentication, ClaimsCurrentUser currentUser)
    : CircuitHandler, IDisposable
{
    public override Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        authentication.AuthenticationStateChanged += OnAuthenticationChanged;
        return base.OnCircuitOpenedAsync(circuit, cancellationToken);
    }

    public override async Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        var state = await authentication.GetAuthenticationStateAsync();
        currentUser.Use(state.User);
    }

    public void Dispose() => authentication.AuthenticationStateChanged -= OnAuthenticationChanged;

    private void OnAuthenticationChanged(Task<AuthenticationState> task) =>
        _ = task.ContinueWith(t => currentUser.Use(t.Result.User), TaskContinuationOptions.OnlyOnRanToCompletion);
}
