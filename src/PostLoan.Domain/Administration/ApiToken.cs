namespace PostLoan.Domain.Administration;

/// <summary>
/// A personal API token (接口令牌) for integrations. Only a SHA-256 hash of the secret is stored; the secret is
/// shown once at creation. A token stops working when revoked or expired.
/// </summary>
public sealed class ApiToken
{
    public int Id { get; set; }

    public required string UserId { get; set; }

    public required string Name { get; set; }

    /// <summary>First characters of the secret, to recognise a token in lists.</summary>
    public required string Prefix { get; set; }

    /// <summary>Lower-case hex SHA-256 of the whole secret.</summary>
    public required string SecretHash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public DateTimeOffset? LastUsedAt { get; set; }

    /// <summary>True when the token may authenticate a request at <paramref name="now"/>.</summary>
    public bool IsUsableAt(DateTimeOffset now) => RevokedAt is null && now < ExpiresAt;
}
