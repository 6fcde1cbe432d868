namespace PostLoan.Domain.Warning.Rules;

/// <summary>
/// A rule that parsed and type-checked: its tree contains only numbers, booleans, operators and
/// <see cref="FeatureNode"/>s, and its value is a condition. Made by <see cref="RuleChecker.Check"/>.
/// </summary>
public sealed class CheckedRule
{
    internal CheckedRule(string text, RuleNode root, IReadOnlyList<RuleFeature> features)
    {
        Text = text;
        Root = root;
        Features = features;
    }

    /// <summary>The expression as written.</summary>
    public string Text { get; }

    /// <summary>The bound tree.</summary>
    public RuleNode Root { get; }

    /// <summary>The distinct features the rule reads, in order of first appearance.</summary>
    public IReadOnlyList<RuleFeature> Features { get; }
}

/// <summary>The outcome of checking an expression: a rule, or every error found (syntax errors stop at the first).</summary>
public sealed record RuleCheck(CheckedRule? Rule, IReadOnlyList<RuleError> Errors)
{
    /// <summary>True when the expression is a valid rule.</summary>
    public bool IsValid => Rule is not null;
}

/// <summary>
/// Parses and type-checks a rule. Types are number and condition (boolean); the whole rule must be a condition.
/// Function arity and arguments are checked (an indicator code first; for windowed functions a whole number of
/// months from 1 to <see cref="RuleFunctions.MaxWindowMonths"/>), and, given a catalogue, unknown indicators are errors.
/// A bare indicator code means <c>now(code)</c>.
/// </summary>
public static class RuleChecker
{
    private enum RuleType
    {
        Number,
        Condition,
        /// <summary>Already reported: no further error about this subtree.</summary>
        Invalid,
    }

    /// <summary>Parses and checks <paramref name="text"/>; without a catalogue every indicator is accepted as numeric.</summary>
    public static RuleCheck Check(string text, IndicatorCatalogue? catalogue = null)
    {
        var (tree, syntaxError) = RuleParser.Parse(text);
        if (syntaxError is not null)
        {
            return new RuleCheck(null, [syntaxError]);
        }

        var binder = new Binder(catalogue);
        var (bound, type) = binder.Bind(tree!);
        if (type == RuleType.Number)
        {
            binder.Errors.Add(RuleError.At(bound.Position, bound.Length,
                "the rule must be a condition (true or false) but this is a number: compare it, e.g. now(dpd) > 30"));
        }

        return binder.Errors.Count > 0
            ? new RuleCheck(null, binder.Errors)
            : new RuleCheck(new CheckedRule(text, bound, binder.Features), []);
    }

    private sealed class Binder(IndicatorCatalogue? catalogue)
    {
        public List<RuleError> Errors { get; } = [];

        public List<RuleFeature> Features { get; } = [];

        public (RuleNode Node, RuleType Type) Bind(RuleNode node) => node switch
        {
            NumberNode => (node, RuleType.Number),
            BooleanNode => (node, RuleType.Condition),
            IndicatorNode indicator => BindFeature(indicator, RuleFunction.Now, indicator, 0),
            CallNode call => BindCall(call),
            UnaryNode unary => BindUnary(unary),
            BinaryNode binary => BindBinary(binary),
            _ => throw new InvalidOperationException($"The parser does not produce {node.GetType().Name}."),
        };

        private (RuleNode, RuleType) BindUnary(UnaryNode unary)
        {
            var (operand, type) = Bind(unary.Operand);
            var expected = unary.Operator == UnaryOperator.Not ? RuleType.Condition : RuleType.Number;
            if (type != expected && type != RuleType.Invalid)
            {
                Errors.Add(RuleError.At(unary.Position, 1, unary.Operator == UnaryOperator.Not
                    ? "'not' needs a condition but is given a number"
                    : "'-' needs a number but is given a condition"));
                type = RuleType.Invalid;
            }

            return (unary with { Operand = operand }, type == RuleType.Invalid ? RuleType.Invalid : expected);
        }

        private (RuleNode, RuleType) BindBinary(BinaryNode binary)
        {
            var (left, leftType) = Bind(binary.Left);
            var (right, rightType) = Bind(binary.Right);
            var bound = binary with { Left = left, Right = right };
            if (leftType == RuleType.Invalid || rightType == RuleType.Invalid)
            {
                return (bound, RuleType.Invalid);
            }

            var op = RuleOperators.Text(binary.Operator);
            switch (binary.Operator)
            {
                case BinaryOperator.And or BinaryOperator.Or:
                    return Expect(bound, leftType, rightType, RuleType.Condition, $"'{op}' needs conditions on both sides", RuleType.Condition);
                case BinaryOperator.Equal or BinaryOperator.NotEqual:
                    if (leftType != rightType)
                    {
                        return Report(bound, $"'{op}' compares a {Describe(leftType)} with a {Describe(rightType)}");
                    }

                    return (bound, RuleType.Condition);
                case BinaryOperator.Less or BinaryOperator.LessOrEqual or BinaryOperator.Greater or BinaryOperator.GreaterOrEqual:
                    return Expect(bound, leftType, rightType, RuleType.Number, $"'{op}' needs numbers on both sides", RuleType.Condition);
                default:
                    return Expect(bound, leftType, rightType, RuleType.Number, $"'{op}' needs numbers on both sides", RuleType.Number);
            }
        }

        private (RuleNode, RuleType) Expect(BinaryNode node, RuleType left, RuleType right, RuleType operands, string message, RuleType result)
        {
            if (left != operands)
            {
                return Report(node, $"{message} but the left side is a {Describe(left)}");
            }

            return right != operands ? Report(node, $"{message} but the right side is a {Describe(right)}") : (node, result);
        }

        private (RuleNode, RuleType) Report(BinaryNode node, string message)
        {
            Errors.Add(RuleError.At(node.OperatorPosition, RuleOperators.Text(node.Operator).Length, message));
            return (node, RuleType.Invalid);
        }

        private (RuleNode, RuleType) BindCall(CallNode call)
        {
            var name = RuleFunctions.Name(call.Function);
            var windowed = RuleFunctions.IsWindowed(call.Function);
            var arity = windowed ? 2 : 1;
            if (call.Arguments.Count != arity)
            {
                var signature = windowed ? $"{name}(indicator, months)" : $"{name}(indicator)";
                Errors.Add(RuleError.At(call.Position, call.Length,
                    $"{name} takes {arity} argument{(arity == 1 ? "" : "s")}, {signature}, but is given {call.Arguments.Count}"));
                return (call, RuleType.Invalid);
            }

            if (call.Arguments[0] is not IndicatorNode indicator)
            {
                var argument = call.Arguments[0];
                Errors.Add(RuleError.At(argument.Position, argument.Length, $"the first argument of {name} must be an indicator code"));
                return (call, RuleType.Invalid);
            }

            var months = 0;
            if (windowed)
            {
                var window = call.Arguments[1];
                if (window is not NumberNode { Value: >= 1 and <= RuleFunctions.MaxWindowMonths } number || number.Value != Math.Floor(number.Value))
                {
                    Errors.Add(RuleError.At(window.Position, window.Length,
                        $"the window of {name} must be a whole number of months from 1 to {RuleFunctions.MaxWindowMonths}"));
                    return (call, RuleType.Invalid);
                }

                months = (int)number.Value;
            }

            return BindFeature(call, call.Function, indicator, months);
        }

        private (RuleNode, RuleType) BindFeature(RuleNode node, RuleFunction function, IndicatorNode indicator, int months)
        {
            var kind = IndicatorKind.Numeric;
            if (catalogue is not null && !catalogue.TryGetKind(indicator.Code, out kind))
            {
                Errors.Add(RuleError.At(indicator.Position, indicator.Length, $"unknown indicator '{indicator.Code}'"));
                return (node, RuleType.Invalid);
            }

            var feature = new RuleFeature(function, indicator.Code, months, kind);
            if (!Features.Contains(feature))
            {
                Features.Add(feature);
            }

            return (new FeatureNode(node.Position, node.Length, feature), RuleType.Number);
        }

        private static string Describe(RuleType type) => type == RuleType.Number ? "number" : "condition";
    }
}
