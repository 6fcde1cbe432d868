using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Integration.Tests.Support;

/// <summary>The test run's throwaway PostgreSQL cluster (<see cref="ThrowawayPostgres"/>); each test class asks for its own database.</summary>
public sealed class PostgresCluster : IAsyncLifetime
{
    private readonly ThrowawayPostgres _cluster = new();

    public int Port => _cluster.Port;

    public Task InitializeAsync() => _cluster.StartAsync();

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public Task<string> CreateDatabaseAsync() => _cluster.CreateDatabaseAsync();

    public string ConnectionString(string database) => _cluster.ConnectionString(database);

    public Task DisposeAsync() => _cluster.DisposeAsync().AsTask();
}

/// <summary>Test classes that need PostgreSQL share one cluster.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresCluster>
{
    public const string Name = "PostgreSQL";
}
