namespace PostLoan.Domain.Warning.Rules;

/// <summary>
/// Hand-written recursive-descent parser of the rule language (see <c>docs/warning-rules.md</c>). It stops at the
/// first syntax error. Anything that is not an indicator code, a whitelisted function, a number, <c>true</c>/<c>false</c>,
/// an operator or a parenthesis is refused where it stands: member access, indexers, assignment, lambdas,
/// <c>new</c>, <c>typeof</c>, string literals and calls of anything else.
/// </summary>
/// <remarks>
/// <code>
/// rule       = or END
/// or         = and { ("or" | "||") and }
/// and        = not { ("and" | "&amp;&amp;") not }
/// not        = ("not" | "!") not | comparison
/// comparison = additive [ ("&lt;" | "&lt;=" | "&gt;" | "&gt;=" | "==" | "!=") additive ]
/// additive   = term { ("+" | "-") term }
/// term       = unary { ("*" | "/") unary }
/// unary      = "-" unary | primary
/// primary    = NUMBER | "true" | "false" | "(" or ")" | FUNCTION "(" INDICATOR [ "," NUMBER ] ")" | INDICATOR
/// </code>
/// </remarks>
public static class RuleParser
{
    /// <summary>Deeper nesting than this is refused, so a hostile expression cannot exhaust the stack.</summary>
    public const int MaxNesting = 64;

    /// <summary>Longer expressions than this are refused.</summary>
    public const int MaxLength = 4000;

    // Words of C# (and of expression languages) that must never read as an indicator code.
    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal)
    {
        "new", "typeof", "nameof", "sizeof", "default", "this", "base", "null", "is", "as", "in", "out", "ref",
        "await", "async", "stackalloc", "checked", "unchecked", "delegate", "throw", "return", "var", "dynamic",
        "object", "string", "class", "struct", "static", "using", "void", "unsafe", "fixed", "lock", "goto",
        "if", "else", "for", "foreach", "while", "do", "switch", "case", "operator", "implicit", "explicit",
        "params", "event", "import", "eval", "exec", "lambda",
    };

    /// <summary>Parses an expression into a syntax tree, or returns the first syntax error.</summary>
    public static (RuleNode? Tree, RuleError? Error) Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxLength)
        {
            return (null, RuleError.At(MaxLength + 1, text.Length - MaxLength, $"the rule is longer than {MaxLength} characters"));
        }

        var parser = new Parser(RuleTokenizer.Tokenize(text));
        try
        {
            return (parser.ParseRule(), null);
        }
        catch (RuleSyntaxException e)
        {
            return (null, e.Error);
        }
    }

    /// <summary>True for a valid indicator code: a lowercase ASCII letter, then lowercase letters, digits and underscores.</summary>
    public static bool IsIndicatorCode(string word)
    {
        if (word.Length == 0 || !char.IsAsciiLetterLower(word[0]))
        {
            return false;
        }

        foreach (var c in word)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_'))
            {
                return false;
            }
        }

        return true;
    }

    private sealed class RuleSyntaxException(RuleError error) : Exception(error.Message)
    {
        public RuleError Error { get; } = error;
    }

    private sealed class Parser(List<Token> tokens)
    {
        private int index;
        private int depth;

        private Token Current => tokens[index];

        public RuleNode ParseRule()
        {
            if (Current.Kind == TokenKind.End)
            {
                throw Fail(1, 1, "the rule is empty");
            }

            var tree = ParseOr();
            if (Current.Kind != TokenKind.End)
            {
                throw Unexpected(Current, "expected an operator or the end of the rule");
            }

            return tree;
        }

        private RuleNode ParseOr()
        {
            var left = ParseAnd();
            while (IsWord(Current, "or") || Current.Kind == TokenKind.OrOr)
            {
                var op = Take();
                left = Binary(BinaryOperator.Or, op, left, ParseAnd());
            }

            return left;
        }

        private RuleNode ParseAnd()
        {
            var left = ParseNot();
            while (IsWord(Current, "and") || Current.Kind == TokenKind.AndAnd)
            {
                var op = Take();
                left = Binary(BinaryOperator.And, op, left, ParseNot());
            }

            return left;
        }

        private RuleNode ParseNot()
        {
            if (IsWord(Current, "not") || Current.Kind == TokenKind.Bang)
            {
                var op = Take();
                var operand = Nested(ParseNot);
                return new UnaryNode(op.Position, End(operand) - op.Position, UnaryOperator.Not, operand);
            }

            return ParseComparison();
        }

        private RuleNode ParseComparison()
        {
            var left = ParseAdditive();
            if (ComparisonOf(Current) is not { } comparison)
            {
                return left;
            }

            var op = Take();
            var node = Binary(comparison, op, left, ParseAdditive());
            if (ComparisonOf(Current) is not null)
            {
                throw Fail(Current.Position, Current.Length, $"comparisons cannot be chained ('{Current.Text}' after '{op.Text}'): combine them with 'and'");
            }

            return node;
        }

        private RuleNode ParseAdditive()
        {
            var left = ParseTerm();
            while (Current.Kind is TokenKind.Plus or TokenKind.Minus)
            {
                var op = Take();
                left = Binary(op.Kind == TokenKind.Plus ? BinaryOperator.Add : BinaryOperator.Subtract, op, left, ParseTerm());
            }

            return left;
        }

        private RuleNode ParseTerm()
        {
            var left = ParseUnary();
            while (Current.Kind is TokenKind.Star or TokenKind.Slash)
            {
                var op = Take();
                left = Binary(op.Kind == TokenKind.Star ? BinaryOperator.Multiply : BinaryOperator.Divide, op, left, ParseUnary());
            }

            return left;
        }

        private RuleNode ParseUnary()
        {
            if (Current.Kind == TokenKind.Minus)
            {
                var op = Take();
                var operand = Nested(ParseUnary);
                return new UnaryNode(op.Position, End(operand) - op.Position, UnaryOperator.Negate, operand);
            }

            var primary = ParsePrimary();
            RefusePostfix(primary);
            return primary;
        }

        private RuleNode ParsePrimary()
        {
            var token = Current;
            switch (token.Kind)
            {
                case TokenKind.Number:
                    Take();
                    return new NumberNode(token.Position, token.Length, token.Number);
                case TokenKind.LeftParen:
                    Take();
                    var inner = Nested(ParseOr);
                    var close = Expect(TokenKind.RightParen, "')' to close the '(' at column " + token.Position.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    return Reposition(inner, token.Position, close.Position + 1 - token.Position);
                case TokenKind.Identifier:
                    return ParseName();
                case TokenKind.End:
                    throw Fail(token.Position, 1, "the rule ends too early: expected a value");
                default:
                    throw Unexpected(token, "expected a value");
            }
        }

        private RuleNode ParseName()
        {
            var first = Take();
            if (IsWord(first, "true") || IsWord(first, "false"))
            {
                return new BooleanNode(first.Position, first.Length, IsWord(first, "true"));
            }

            if (IsWord(first, "and") || IsWord(first, "or") || IsWord(first, "not"))
            {
                throw Fail(first.Position, first.Length, $"'{first.Text}' needs a value before it");
            }

            // A dotted name (System.IO.File.Delete, revenue.GetType) is named whole in the error.
            var name = first.Text;
            var end = first.Position + first.Length;
            while (Current.Kind == TokenKind.Dot && tokens[index + 1].Kind == TokenKind.Identifier)
            {
                Take();
                var part = Take();
                name += "." + part.Text;
                end = part.Position + part.Length;
            }

            if (name.Contains('.', StringComparison.Ordinal))
            {
                throw NotAllowed(first.Position, end - first.Position, name);
            }

            if (RuleFunctions.TryFind(name, out var function))
            {
                if (Current.Kind != TokenKind.LeftParen)
                {
                    var usage = RuleFunctions.IsWindowed(function) ? $"{name}(indicator, months)" : $"{name}(indicator)";
                    throw Fail(first.Position, first.Length, $"'{name}' is a function: write {usage}");
                }

                return ParseCall(first, function);
            }

            if (Current.Kind == TokenKind.LeftParen || Reserved.Contains(name) || !IsIndicatorCode(name))
            {
                throw NotAllowed(first.Position, first.Length, name);
            }

            return new IndicatorNode(first.Position, first.Length, name);
        }

        private CallNode ParseCall(Token name, RuleFunction function)
        {
            Take();
            var arguments = new List<RuleNode>();
            if (Current.Kind != TokenKind.RightParen)
            {
                arguments.Add(Nested(ParseOr));
                while (Current.Kind == TokenKind.Comma)
                {
                    Take();
                    arguments.Add(Nested(ParseOr));
                }
            }

            var close = Expect(TokenKind.RightParen, $"',' or ')' in the arguments of {name.Text}");
            return new CallNode(name.Position, close.Position + 1 - name.Position, function, arguments);
        }

        private void RefusePostfix(RuleNode primary)
        {
            var token = Current;
            switch (token.Kind)
            {
                case TokenKind.Dot:
                    throw Fail(token.Position, 1, $"member access ('.') is not allowed: {RuleFunctions.Whitelist}");
                case TokenKind.LeftBracket:
                    throw Fail(token.Position, 1, $"indexers ('[') are not allowed: {RuleFunctions.Whitelist}");
                case TokenKind.LeftParen:
                    throw Fail(token.Position, 1, primary is CallNode
                        ? "a function result cannot be called"
                        : $"only the functions {string.Join(", ", RuleFunctions.All.Select(RuleFunctions.Name))} can be called");
                case TokenKind.Number or TokenKind.Identifier when !IsOperatorWord(token):
                    throw Unexpected(token, "expected an operator between two values");
            }
        }

        private T Nested<T>(Func<T> parse)
        {
            if (++depth > MaxNesting)
            {
                // Reported at the parenthesis, operator or comma that opened one level too many.
                var opener = tokens[index - 1];
                throw Fail(opener.Position, opener.Length, $"the rule is nested more than {MaxNesting} levels deep");
            }

            var result = parse();
            depth--;
            return result;
        }

        private Token Take() => tokens[index++];

        private Token Expect(TokenKind kind, string what)
        {
            if (Current.Kind == kind)
            {
                return Take();
            }

            if (Current.Kind == TokenKind.End)
            {
                throw Fail(Current.Position, 1, $"the rule ends too early: expected {what}");
            }

            throw Unexpected(Current, "expected " + what);
        }

        private static BinaryNode Binary(BinaryOperator op, Token token, RuleNode left, RuleNode right) =>
            new(left.Position, End(right) - left.Position, op, token.Position, left, right);

        private static int End(RuleNode node) => node.Position + node.Length;

        private static RuleNode Reposition(RuleNode node, int position, int length) => node with { Position = position, Length = length };

        private static bool IsWord(Token token, string word) =>
            token.Kind == TokenKind.Identifier && string.Equals(token.Text, word, StringComparison.OrdinalIgnoreCase);

        private static bool IsOperatorWord(Token token) => IsWord(token, "and") || IsWord(token, "or");

        private static BinaryOperator? ComparisonOf(Token token) => token.Kind switch
        {
            TokenKind.Less => BinaryOperator.Less,
            TokenKind.LessEqual => BinaryOperator.LessOrEqual,
            TokenKind.Greater => BinaryOperator.Greater,
            TokenKind.GreaterEqual => BinaryOperator.GreaterOrEqual,
            TokenKind.EqualEqual => BinaryOperator.Equal,
            TokenKind.NotEqual => BinaryOperator.NotEqual,
            _ => null,
        };

        private static RuleSyntaxException NotAllowed(int position, int length, string name) =>
            Fail(position, length, $"'{name}' is not allowed: {RuleFunctions.Whitelist}");

        private static RuleSyntaxException Unexpected(Token token, string expected) => token.Kind switch
        {
            TokenKind.String => Fail(token.Position, token.Length, "text in quotes is not allowed: a rule compares numbers"),
            TokenKind.Assign => Fail(token.Position, 1, "assignment ('=') is not allowed: write '==' to compare"),
            TokenKind.Arrow => Fail(token.Position, 2, $"lambdas ('=>') are not allowed: {RuleFunctions.Whitelist}"),
            TokenKind.LeftBracket => Fail(token.Position, 1, $"indexers ('[') are not allowed: {RuleFunctions.Whitelist}"),
            TokenKind.Dot => Fail(token.Position, 1, $"member access ('.') is not allowed: {RuleFunctions.Whitelist}"),
            TokenKind.End => Fail(token.Position, 1, $"the rule ends too early: {expected}"),
            _ => Fail(token.Position, token.Length, $"unexpected '{token.Text}': {expected}"),
        };

        private static RuleSyntaxException Fail(int position, int length, string message) =>
            new(RuleError.At(position, length, message));
    }
}
