using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using PostLoan.Domain.Administration;
using PostLoan.Infrastructure.Administration;

namespace PostLoan.Infrastructure.Persistence;

/// <summary>Applies the provider's migrations and the reference data (roles, default parameters). Safe to run again.</summary>
public sealed class DatabaseMigrator(DatabaseOptions database, PostLoanDbContext db, RoleManager<IdentityRole> roles, ILogger<DatabaseMigrator> logger)
{
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        database.EnsureStorageDirectory();
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        await db.Database.MigrateAsync(cancellationToken);
        if (pending.Count > 0)
        {
            logger.LogInformation("Applied {Count} migration(s) on {Provider}: {Migrations}", pending.Count, database.Provider, string.Join(", ", pending));
        }

        foreach (var role in Roles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                await roles.CreateAsync(new IdentityRole(role));
            }
        }

        var existing = await db.SystemParameters.Select(p => p.Key).ToListAsync(cancellationToken);
        foreach (var parameter in ReferenceData.Parameters.Where(p => !existing.Contains(p.Key)))
        {
            db.SystemParameters.Add(new SystemParameter
            {
                Key = parameter.Key,
                Value = parameter.Value,
                Description = parameter.Description,
                Module = parameter.Module,
                Type = parameter.Type,
            });
        }

        await db.SaveChangesAsync(cancellationToken);
    }
}
