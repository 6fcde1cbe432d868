using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using PostLoan.Domain.Administration;
using PostLoan.Domain.Ledger.Loans;
using PostLoan.Domain.Risk;
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
        if (database.Provider == DatabaseProvider.Sqlite)
        {
            // Write-ahead logging: pages read while the daily close writes, and commits are cheaper. Kept in the file.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
        else
        {
            // The daily close rewrites every live position each night: free space in each page lets PostgreSQL update
            // in place (HOT) without touching the indexes. Storage tuning, not schema, so it is set here.
            await db.Database.ExecuteSqlRawAsync("ALTER TABLE loan_positions SET (fillfactor = 50);", cancellationToken);

            // Likewise the nightly rule run refreshes every active signal that fires again (last seen, occurrences, the
            // values read: no indexed column), so those updates stay in the page too.
            await db.Database.ExecuteSqlRawAsync("ALTER TABLE warning_signals SET (fillfactor = 50);", cancellationToken);
        }

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

        var products = await db.LoanProducts.Select(p => p.Code).ToListAsync(cancellationToken);
        foreach (var product in ReferenceData.Products.Where(p => !products.Contains(p.Code)))
        {
            db.LoanProducts.Add(new LoanProduct
            {
                Code = product.Code, Name = product.Name, Method = product.Method, InterestFrequency = product.InterestFrequency,
                PenaltyMarkup = product.PenaltyMarkup, GraceDays = product.GraceDays, AllocationOrder = product.AllocationOrder,
            });
        }

        if (!await db.EclScenarios.AnyAsync(cancellationToken))
        {
            db.EclScenarios.AddRange(ReferenceData.Scenarios.Select(s => new EclScenario { Code = s.Code, Name = s.Name, Weight = s.Weight, PdMultiplier = s.PdMultiplier, Order = s.Order }));
        }

        if (!await db.LgdRules.AnyAsync(cancellationToken))
        {
            db.LgdRules.AddRange(ReferenceData.LgdRules.Select(r => new LgdRule { Security = r.Security, MinCoverage = r.MinCoverage, Lgd = r.Lgd }));
        }

        await db.SaveChangesAsync(cancellationToken);
        await Warning.Indicators.IndicatorCatalogueService.SeedAsync(db, cancellationToken);
        await Warning.Rules.StarterRuleSeeder.SeedAsync(db, cancellationToken);
        await Monitoring.Alarms.StarterAlarmRules.SeedAsync(db, cancellationToken);
    }
}
