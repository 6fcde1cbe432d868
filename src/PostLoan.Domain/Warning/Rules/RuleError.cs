namespace PostLoan.Domain.Warning.Rules;

/// <summary>
/// A mistake in a warning-rule expression (预警规则表达式错误), found by the parser or the type checker.
/// </summary>
/// <param name="Position">1-based column of the first offending character (the expression is read as one line;
/// a line break counts as one character).</param>
/// <param name="Length">Number of characters of the offending text (at least 1).</param>
/// <param name="Message">What is wrong, for the risk manager; always starts with <c>column N: </c>.</param>
public sealed record RuleError(int Position, int Length, string Message)
{
    internal static RuleError At(int position, int length, string message) =>
        new(position, Math.Max(1, length), string.Create(System.Globalization.CultureInfo.InvariantCulture, $"column {position}: {message}"));
}
