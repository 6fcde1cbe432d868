using System.Security.Cryptography;
using System.Text;

namespace PostLoan.Infrastructure.Monitoring;

/// <summary>
/// Device secrets (设备密钥): <c>pld_</c> followed by 24 random bytes in URL-safe base64, shown once; only the SHA-256
/// hash is stored, as for API tokens.
/// </summary>
public static class DeviceCredentials
{
    private const string Scheme = "pld_";

    /// <summary>A new secret.</summary>
    public static string NewSecret() =>
        Scheme + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Lower-case hex SHA-256 of a secret.</summary>
    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>The characters of a secret shown in lists.</summary>
    public static string Prefix(string secret) => secret[..Math.Min(10, secret.Length)];

    /// <summary>True when <paramref name="secret"/> hashes to <paramref name="hash"/> (constant time).</summary>
    public static bool Matches(string? secret, string hash)
    {
        if (string.IsNullOrEmpty(secret) || secret.Length > 100)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(secret)), Encoding.ASCII.GetBytes(hash));
    }
}
