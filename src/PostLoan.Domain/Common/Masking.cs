namespace PostLoan.Domain.Common;

/// <summary>
/// Masks personal identifiers (身份证号, 统一社会信用代码, phone numbers) for logs and lists:
/// only the first and last few characters stay readable.
/// </summary>
public static class Masking
{
    /// <summary>ID or USCC number: keeps the first 3 and last 4 characters, e.g. <c>110***********1234</c>.</summary>
    public static string IdNumber(string? value) => Mask(value, keepStart: 3, keepEnd: 4);

    /// <summary>Phone number: keeps the first 3 and last 4 digits, e.g. <c>138****5678</c>.</summary>
    public static string Phone(string? value) => Mask(value, keepStart: 3, keepEnd: 4);

    private static string Mask(string? value, int keepStart, int keepEnd)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        if (value.Length <= keepStart + keepEnd)
        {
            return new string('*', value.Length);
        }

        return string.Concat(value.AsSpan(0, keepStart), new string('*', value.Length - keepStart - keepEnd), value.AsSpan(value.Length - keepEnd));
    }
}
