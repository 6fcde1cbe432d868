using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.Extensions.Configuration;
using PostLoan.Infrastructure.Identity;

namespace PostLoan.Infrastructure.Persistence;

/// <summary>Which database PostLoan uses: <c>Database:Provider</c> (sqlite | postgres) and <c>ConnectionStrings:PostLoan</c>.</summary>
public sealed record DatabaseOptions(DatabaseProvider Provider, string ConnectionString)
{
    /// <summary>The embedded default: a SQLite file under <c>data/</c> of the working directory.</summary>
    public const string DefaultSqliteConnectionString = "Data Source=data/postloan.db";

    /// <summary>Reads the options from configuration; SQLite under <c>data/</c> when nothing is configured.</summary>
    public static DatabaseOptions FromConfiguration(IConfiguration configuration)
    {
        var providerText = configuration["Database:Provider"] ?? "sqlite";
        var provider = providerText.ToUpperInvariant() switch
        {
            "SQLITE" => DatabaseProvider.Sqlite,
            "POSTGRES" or "POSTGRESQL" or "NPGSQL" => DatabaseProvider.Postgres,
            _ => throw new InvalidOperationException($"Database:Provider '{providerText}' is not supported; use 'sqlite' or 'postgres'."),
        };
        var connectionString = configuration.GetConnectionString("PostLoan");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            connectionString = provider == DatabaseProvider.Sqlite
                ? DefaultSqliteConnectionString
                : throw new InvalidOperationException("ConnectionStrings:PostLoan is required for PostgreSQL.");
        }

        return new DatabaseOptions(provider, connectionString);
    }

    /// <summary>Creates a context for <paramref name="currentUser"/> on this database.</summary>
    public PostLoanDbContext CreateContext(ICurrentUser currentUser, TimeProvider? clock = null) => Provider switch
    {
        DatabaseProvider.Sqlite => new SqlitePostLoanDbContext(SqliteOptions(), currentUser, clock),
        DatabaseProvider.Postgres => new PostgresPostLoanDbContext(PostgresOptions(), currentUser, clock),
    };

    /// <summary>Creates the directory of a SQLite file when it does not exist yet.</summary>
    public void EnsureStorageDirectory()
    {
        if (Provider != DatabaseProvider.Sqlite)
        {
            return;
        }

        var builder = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(ConnectionString);
        var directory = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
        if (!string.IsNullOrEmpty(directory) && builder.DataSource != ":memory:")
        {
            Directory.CreateDirectory(directory);
        }
    }

    private DbContextOptions<SqlitePostLoanDbContext> SqliteOptions() => _sqlite ??=
        new DbContextOptionsBuilder<SqlitePostLoanDbContext>().UseSqlite(ConnectionString).Options;

    private DbContextOptions<PostgresPostLoanDbContext> PostgresOptions() => _postgres ??=
        new DbContextOptionsBuilder<PostgresPostLoanDbContext>().UseNpgsql(ConnectionString).Options;

    private DbContextOptions<SqlitePostLoanDbContext>? _sqlite;
    private DbContextOptions<PostgresPostLoanDbContext>? _postgres;
}

/// <summary>The supported stores.</summary>
public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>Creates a context per request or circuit for the current user, on the configured provider.</summary>
public sealed class PostLoanDbContextFactory(DatabaseOptions database, ICurrentUser currentUser, TimeProvider clock)
    : IDbContextFactory<PostLoanDbContext>
{
    public PostLoanDbContext CreateDbContext() => database.CreateContext(currentUser, clock);
}

/// <summary>Design-time factory for <c>dotnet ef migrations add --context SqlitePostLoanDbContext</c>.</summary>
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqlitePostLoanDbContext>
{
    public SqlitePostLoanDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqlitePostLoanDbContext>().UseSqlite("Data Source=design.db").Options, SystemUser.Instance);
}

/// <summary>Design-time factory for <c>dotnet ef migrations add --context PostgresPostLoanDbContext</c>.</summary>
public sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresPostLoanDbContext>
{
    public PostgresPostLoanDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresPostLoanDbContext>().UseNpgsql("Host=localhost;Database=postloan_design").Options, SystemUser.Instance);
}
