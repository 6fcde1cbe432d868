using System.Globalization;

namespace PostLoan.Web.Features.Warning.Rules;

/// <summary>Display helpers of the rule pages.</summary>
public static class RuleTexts
{
    /// <summary>The rule's name in the UI language.</summary>
    public static string Name(string zh, string en) =>
        CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en" ? en : zh;

    /// <summary>
    /// The part of <paramref name="current"/> that differs from <paramref name="previous"/>: the common prefix, the changed
    /// middle of each, and the common suffix (a one-line expression diff).
    /// </summary>
    public static (string Prefix, string Removed, string Added, string Suffix) Diff(string previous, string current)
    {
        var prefix = 0;
        while (prefix < previous.Length && prefix < current.Length && previous[prefix] == current[prefix])
        {
            prefix++;
        }

        var suffix = 0;
        while (suffix < previous.Length - prefix && suffix < current.Length - prefix && previous[^(suffix + 1)] == current[^(suffix + 1)])
        {
            suffix++;
        }

        return (current[..prefix], previous[prefix..^suffix], current[prefix..^suffix], current[^suffix..]);
    }
}
