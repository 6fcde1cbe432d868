using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Administration;
using PostLoan.Domain.Common;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Infrastructure.Identity;

/// <summary>
/// Issues, validates and revokes personal API tokens. A token is <c>plt_</c> followed by 32 random bytes in
/// URL-safe base64; only its SHA-256 hash is stored.
/// </summary>
public sealed class ApiTokenService(PostLoanDbContext db, TimeProvider clock)
{
    /// <summary>Longest lifetime a token may be given.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(366);

    private const string Scheme = "plt_";

    /// <summary>Creates a token for <paramref name="userId"/>; the returned secret is shown once and never stored.</summary>
    public async Task<Result<IssuedApiToken>> CreateAsync(string userId, string name, TimeSpan lifetime, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 100)
        {
            return Error.Validation("token.name", "name: required, at most 100 characters");
        }

        if (lifetime <= TimeSpan.Zero || lifetime > MaxLifetime)
        {
            return Error.Validation("token.lifetime", "expiresInDays: must be between 1 and 366 days");
        }

        var secret = Scheme + Base64Url(RandomNumberGenerator.GetBytes(32));
        var now = clock.GetUtcNow();
        var token = new ApiToken
        {
            UserId = userId,
            Name = name.Trim(),
            Prefix = secret[..10],
            SecretHash = Hash(secret),
            CreatedAt = now,
            ExpiresAt = now + lifetime,
        };
        db.ApiTokens.Add(token);
        await db.SaveChangesAsync(cancellationToken);
        return new IssuedApiToken(token, secret);
    }

    /// <summary>Finds the usable token for a presented secret and stamps its last use; null when unknown, revoked or expired.</summary>
    public async Task<ApiToken?> ValidateAsync(string secret, CancellationToken cancellationToken = default)
    {
        if (!secret.StartsWith(Scheme, StringComparison.Ordinal) || secret.Length > 100)
        {
            return null;
        }

        var hash = Hash(secret);
        var token = await db.ApiTokens.FirstOrDefaultAsync(t => t.SecretHash == hash, cancellationToken);
        var now = clock.GetUtcNow();
        if (token is null || !token.IsUsableAt(now))
        {
            return null;
        }

        // Stamp at most once a minute so a busy integration does not write on every call.
        if (token.LastUsedAt is null || now - token.LastUsedAt > TimeSpan.FromMinutes(1))
        {
            await db.ApiTokens.Where(t => t.Id == token.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now), cancellationToken);
        }

        return token;
    }

    /// <summary>Revokes a token of <paramref name="userId"/>; administrators may revoke anyone's.</summary>
    public async Task<Result<ApiToken>> RevokeAsync(int tokenId, string userId, bool isAdministrator, CancellationToken cancellationToken = default)
    {
        var token = await db.ApiTokens.FirstOrDefaultAsync(t => t.Id == tokenId, cancellationToken);
        if (token is null || (token.UserId != userId && !isAdministrator))
        {
            return Error.NotFound("token.not_found", $"API token {tokenId} does not exist");
        }

        if (token.RevokedAt is null)
        {
            token.RevokedAt = clock.GetUtcNow();
            await db.SaveChangesAsync(cancellationToken);
        }

        return token;
    }

    private static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>A newly created token and its secret, which is shown to the user once.</summary>
public sealed record IssuedApiToken(ApiToken Token, string Secret);
