using PostLoan.Infrastructure.Warning.Push;
using PostLoan.Web.Features.Ledger.CreditLines;
using PostLoan.Web.Features.Warning.Signals;

namespace PostLoan.Web.Features.Notifications;

/// <summary>The web side of the signal workflow, credit lines and push: SignalR, the live feed, the APIs and the hub.</summary>
public static class WarningSignalsWeb
{
    public static IServiceCollection AddWarningSignalsWeb(this IServiceCollection services)
    {
        services.AddSignalR();
        services.AddSingleton<NotificationFeed>();
        services.AddScoped<INotificationPush, HubNotificationPush>();
        services.AddSingleton<NotificationRelay>();
        services.AddHostedService(sp => sp.GetRequiredService<NotificationRelay>());
        return services;
    }

    /// <summary>Maps <c>/api/warning/signals</c>, <c>/api/notifications</c>, <c>/api/credit-lines</c> and the hub <c>/hubs/notifications</c>.</summary>
    public static void MapWarningSignals(this WebApplication app, RouteGroupBuilder api)
    {
        api.MapSignalApi();
        api.MapNotificationApi();
        api.MapCreditLineApi();
        app.MapHub<NotificationHub>(NotificationHub.Path);
    }
}
