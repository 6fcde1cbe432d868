using System.Globalization;

namespace PostLoan.Domain.Warning.Rules;

internal enum TokenKind
{
    Number,
    Identifier,
    String,
    Plus,
    Minus,
    Star,
    Slash,
    Less,
    LessEqual,
    Greater,
    GreaterEqual,
    EqualEqual,
    NotEqual,
    AndAnd,
    OrOr,
    Bang,
    LeftParen,
    RightParen,
    Comma,
    Dot,
    LeftBracket,
    Assign,
    Arrow,
    /// <summary>Any other character: never valid, reported by the parser where it stands.</summary>
    Other,
    End,
}

/// <summary>A token; <see cref="Position"/> is its 1-based column.</summary>
internal readonly record struct Token(TokenKind Kind, int Position, int Length, string Text, double Number = 0);

/// <summary>Splits a rule expression into tokens. It never fails: characters that cannot start a token become
/// <see cref="TokenKind.Other"/> and the parser reports them in context.</summary>
internal static class RuleTokenizer
{
    public static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            var start = i;
            if (char.IsAsciiDigit(c))
            {
                while (i < text.Length && char.IsAsciiDigit(text[i]))
                {
                    i++;
                }

                if (i + 1 < text.Length && text[i] == '.' && char.IsAsciiDigit(text[i + 1]))
                {
                    i++;
                    while (i < text.Length && char.IsAsciiDigit(text[i]))
                    {
                        i++;
                    }
                }

                if (i < text.Length && (char.IsLetter(text[i]) || text[i] == '_'))
                {
                    // "3abc" or "1e5": one bad word rather than a number followed by a name.
                    while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '_'))
                    {
                        i++;
                    }

                    tokens.Add(new Token(TokenKind.Other, start + 1, i - start, text[start..i]));
                    continue;
                }

                var number = double.Parse(text.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
                tokens.Add(new Token(TokenKind.Number, start + 1, i - start, text[start..i], number));
                continue;
            }

            if (char.IsLetter(c) || c == '_')
            {
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '_'))
                {
                    i++;
                }

                tokens.Add(new Token(TokenKind.Identifier, start + 1, i - start, text[start..i]));
                continue;
            }

            if (c is '"' or '\'')
            {
                i++;
                while (i < text.Length && text[i] != c)
                {
                    i++;
                }

                i = Math.Min(i + 1, text.Length);
                tokens.Add(new Token(TokenKind.String, start + 1, i - start, text[start..i]));
                continue;
            }

            var next = i + 1 < text.Length ? text[i + 1] : '\0';
            var (kind, length) = (c, next) switch
            {
                ('<', '=') => (TokenKind.LessEqual, 2),
                ('>', '=') => (TokenKind.GreaterEqual, 2),
                ('=', '=') => (TokenKind.EqualEqual, 2),
                ('!', '=') => (TokenKind.NotEqual, 2),
                ('&', '&') => (TokenKind.AndAnd, 2),
                ('|', '|') => (TokenKind.OrOr, 2),
                ('=', '>') => (TokenKind.Arrow, 2),
                ('<', _) => (TokenKind.Less, 1),
                ('>', _) => (TokenKind.Greater, 1),
                ('=', _) => (TokenKind.Assign, 1),
                ('!', _) => (TokenKind.Bang, 1),
                ('+', _) => (TokenKind.Plus, 1),
                ('-', _) => (TokenKind.Minus, 1),
                ('*', _) => (TokenKind.Star, 1),
                ('/', _) => (TokenKind.Slash, 1),
                ('(', _) => (TokenKind.LeftParen, 1),
                (')', _) => (TokenKind.RightParen, 1),
                (',', _) => (TokenKind.Comma, 1),
                ('.', _) => (TokenKind.Dot, 1),
                ('[', _) => (TokenKind.LeftBracket, 1),
                _ => (TokenKind.Other, char.IsSurrogatePair(c, next) ? 2 : 1),
            };
            tokens.Add(new Token(kind, start + 1, length, text.Substring(start, length)));
            i += length;
        }

        tokens.Add(new Token(TokenKind.End, text.Length + 1, 1, ""));
        return tokens;
    }
}
