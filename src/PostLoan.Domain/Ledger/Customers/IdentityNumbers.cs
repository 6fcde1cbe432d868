namespace PostLoan.Domain.Ledger.Customers;

/// <summary>
/// Check characters of Chinese identifiers: the 18-character resident ID (居民身份证号, GB 11643, ISO 7064
/// MOD 11-2) and the unified social credit code (统一社会信用代码, GB 32100).
/// </summary>
public static class IdentityNumbers
{
    private const string UsccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    private static readonly int[] ResidentWeights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    private static readonly int[] UsccWeights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

    /// <summary>The check character of the first 17 digits of a resident ID.</summary>
    public static char ResidentIdCheck(ReadOnlySpan<char> first17)
    {
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += (first17[i] - '0') * ResidentWeights[i];
        }

        return "10X98765432"[sum % 11];
    }

    /// <summary>The check character of the first 17 characters of a USCC.</summary>
    public static char UsccCheck(ReadOnlySpan<char> first17)
    {
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += UsccAlphabet.IndexOf(first17[i]) * UsccWeights[i];
        }

        return UsccAlphabet[(31 - (sum % 31)) % 31];
    }

    /// <summary>True for an 18-character resident ID with digits, a valid birth date and the right check character.</summary>
    public static bool IsValidResidentId(string? value)
    {
        if (value is not { Length: 18 } || !AllDigits(value.AsSpan(0, 17)))
        {
            return false;
        }

        if (!DateOnly.TryParseExact(value.AsSpan(6, 8), "yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out _))
        {
            return false;
        }

        return char.ToUpperInvariant(value[17]) == ResidentIdCheck(value);
    }

    /// <summary>True for an 18-character USCC over the allowed alphabet with the right check character.</summary>
    public static bool IsValidUscc(string? value)
    {
        if (value is not { Length: 18 })
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!UsccAlphabet.Contains(c, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return value[17] == UsccCheck(value);
    }

    /// <summary>True for a mainland mobile number: 11 digits starting with 1[3-9].</summary>
    public static bool IsValidMobile(string? value) =>
        value is { Length: 11 } && value[0] == '1' && value[1] is >= '3' and <= '9' && AllDigits(value);

    private static bool AllDigits(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
