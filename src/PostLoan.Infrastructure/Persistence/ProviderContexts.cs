using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using PostLoan.Infrastructure.Identity;

namespace PostLoan.Infrastructure.Persistence;

/// <summary>The model on SQLite, the embedded default (a file under <c>data/</c>). Migrations: Persistence/Migrations/Sqlite.</summary>
public sealed class SqlitePostLoanDbContext(DbContextOptions<SqlitePostLoanDbContext> options, ICurrentUser currentUser, TimeProvider? clock = null)
    : PostLoanDbContext(options, currentUser, clock)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite has no timestamp type: store UTC ticks so instants sort and compare in SQL.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }
}

/// <summary>The model on PostgreSQL, the production store. Migrations: Persistence/Migrations/Postgres.</summary>
public sealed class PostgresPostLoanDbContext(DbContextOptions<PostgresPostLoanDbContext> options, ICurrentUser currentUser, TimeProvider? clock = null)
    : PostLoanDbContext(options, currentUser, clock);
