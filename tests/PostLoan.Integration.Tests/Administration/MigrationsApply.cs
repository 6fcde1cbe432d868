using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Administration;
using PostLoan.Infrastructure.Identity;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Integration.Tests.Support;

namespace PostLoan.Integration.Tests.Administration;

/// <summary>The committed migrations create the whole model on each provider, match it exactly, and can be re-applied.</summary>
public abstract class MigrationsApply
{
    protected abstract Task<DatabaseOptions> EmptyDatabaseAsync();

    /// <summary>Removes what <see cref="EmptyDatabaseAsync"/> made, when the cluster does not.</summary>
    protected virtual void Remove(DatabaseOptions database)
    {
    }

    [Fact]
    public async Task Migrations_create_the_model_and_reapplying_changes_nothing()
    {
        var database = await EmptyDatabaseAsync();
        try
        {
            await MigrateTwiceAsync(database);
        }
        finally
        {
            Remove(database);
        }
    }

    private static async Task MigrateTwiceAsync(DatabaseOptions database)
    {
        await using (var app = await TestApp.StartAsync(database.Provider, database.ConnectionString, seed: false))
        {
            await using var db = app.SystemDb();
            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
            Assert.False(db.Database.HasPendingModelChanges(), "the model has changes no migration captures: add a migration for both providers");
            Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
            Assert.Equal(Roles.All.Order(), (await db.Roles.Select(r => r.Name!).ToListAsync()).Order());
            Assert.True(await db.SystemParameters.AnyAsync(p => p.Key == "ledger.penaltyMarkup" && p.Value == "0.5"));
        }

        // A second start migrates again: idempotent, reference data not duplicated.
        await using var again = await TestApp.StartAsync(database.Provider, database.ConnectionString, seed: false);
        await using var check = again.SystemDb();
        Assert.Equal(Roles.All.Count, await check.Roles.CountAsync());
    }
}

public sealed class SqliteMigrationsApply : MigrationsApply
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"postloan-migrate-{Guid.NewGuid():N}.db");

    protected override Task<DatabaseOptions> EmptyDatabaseAsync() => Task.FromResult(new DatabaseOptions(DatabaseProvider.Sqlite, $"Data Source={_file}"));

    protected override void Remove(DatabaseOptions database)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _file, _file + "-wal", _file + "-shm" })
        {
            File.Delete(file);
        }
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresMigrationsApply(PostgresCluster cluster) : MigrationsApply
{
    protected override async Task<DatabaseOptions> EmptyDatabaseAsync() => new(DatabaseProvider.Postgres, await cluster.CreateDatabaseAsync());
}
