using Microsoft.Extensions.DependencyInjection;
using PostLoan.Infrastructure.Warning.Signals;

namespace PostLoan.Infrastructure.Warning.Relations;

/// <summary>Registers the related-party services (关联客户) and the contagion observer.</summary>
public static class RelationServices
{
    public static IServiceCollection AddRelations(this IServiceCollection services)
    {
        services.AddScoped<RelationGraphService>();
        services.AddScoped<RelationService>();
        services.AddScoped<RelationSettingsStore>();
        services.AddScoped<GuaranteeNetworkService>();
        services.AddScoped<NeighbourhoodGraphService>();
        services.AddScoped<RelatedPartyObserver>();
        services.AddScoped<ISignalObserver>(sp => sp.GetRequiredService<RelatedPartyObserver>());
        return services;
    }
}
