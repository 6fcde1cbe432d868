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

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);

        // The daily close reads and writes a million positions: their cent amounts are integers of cents on SQLite
        // (no text parsing, native comparisons); full-precision accruals and rates stay exact decimals.
        foreach (var entity in new[] { typeof(Domain.Ledger.Loans.LoanPositionRecord), typeof(Domain.Ledger.Loans.LoanSnapshot) })
        {
            foreach (var column in Ledger.Close.PositionColumns.CentColumns)
            {
                builder.Entity(entity).Property(column).HasConversion(Cents);
            }
        }

        // A million ECL results a month are summed by the provisioning report: whole cents too.
        foreach (var column in Risk.Ecl.EclColumns.CentColumns)
        {
            builder.Entity<Domain.Risk.EclResult>().Property(column).HasConversion(Cents);
        }
    }

    /// <summary>Yuan with at most 2 decimals stored as whole cents.</summary>
    public static readonly ValueConverter<decimal, long> Cents = new(
        yuan => decimal.ToInt64(decimal.Round(yuan * 100m, 0, MidpointRounding.AwayFromZero)),
        cents => cents / 100m);
}

/// <summary>The model on PostgreSQL, the production store. Migrations: Persistence/Migrations/Postgres.</summary>
public sealed class PostgresPostLoanDbContext(DbContextOptions<PostgresPostLoanDbContext> options, ICurrentUser currentUser, TimeProvider? clock = null)
    : PostLoanDbContext(options, currentUser, clock);
