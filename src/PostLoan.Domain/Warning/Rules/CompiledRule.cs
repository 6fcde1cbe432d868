namespace PostLoan.Domain.Warning.Rules;

/// <summary>
/// The value of a rule for one customer. Conditions follow three-valued (Kleene) logic: a comparison with a missing
/// value is <see cref="Unknown"/>, <c>not Unknown</c> is Unknown, <c>false and Unknown</c> is False,
/// <c>true or Unknown</c> is True. A rule raises a signal only when it is <see cref="True"/>.
/// </summary>
public enum RuleTruth
{
    /// <summary>The condition does not hold.</summary>
    False,
    /// <summary>The condition holds: the rule raises a signal.</summary>
    True,
    /// <summary>Data the condition depends on is missing: no signal.</summary>
    Unknown,
}

/// <summary>
/// A rule compiled once into postfix code for a small stack machine over doubles (a condition is 1, 0 or NaN for
/// unknown); <c>and</c>/<c>or</c> skip their right side when the left side decides. <see cref="Evaluate"/> reads only the feature vector and allocates nothing, so one instance serves every
/// customer, on any number of threads.
/// </summary>
public sealed class CompiledRule
{
    private readonly Instruction[] code;
    private readonly int maxStack;

    internal CompiledRule(CheckedRule rule, Instruction[] code, int maxStack, int[] slots)
    {
        Rule = rule;
        this.code = code;
        this.maxStack = maxStack;
        Slots = slots;
    }

    /// <summary>The rule that was compiled.</summary>
    public CheckedRule Rule { get; }

    /// <summary>The slots of the layout this rule reads, one per entry of <see cref="CheckedRule.Features"/>.</summary>
    public IReadOnlyList<int> Slots { get; }

    /// <summary>True when the rule raises a signal for the customer whose features are <paramref name="features"/>.</summary>
    public bool Fires(ReadOnlySpan<double> features) => Evaluate(features) == RuleTruth.True;

    /// <summary>The rule's value for the customer whose features are <paramref name="features"/> (laid out by the
    /// <see cref="FeatureLayout"/> the rule was compiled against; NaN = missing).</summary>
    public RuleTruth Evaluate(ReadOnlySpan<double> features)
    {
        var code = this.code;
        Span<double> stack = maxStack <= 32 ? stackalloc double[maxStack] : new double[maxStack];
        var top = -1;
        for (var pc = 0; pc < code.Length; pc++)
        {
            var instruction = code[pc];
            switch (instruction.Op)
            {
                case OpCode.Constant:
                    stack[++top] = instruction.Constant;
                    break;
                case OpCode.Feature:
                    stack[++top] = features[instruction.Operand];
                    break;
                case OpCode.Negate:
                    stack[top] = -stack[top];
                    break;
                case OpCode.Not:
                    stack[top] = RuleMath.Not(stack[top]);
                    break;
                case OpCode.SkipIfFalse:
                    // false and … is false whatever the right side: leave the false and jump past the right side and the And.
                    if (stack[top] == 0)
                    {
                        pc = instruction.Operand;
                    }

                    break;
                case OpCode.SkipIfTrue:
                    if (stack[top] == 1)
                    {
                        pc = instruction.Operand;
                    }

                    break;
                case OpCode.Add:
                    top--;
                    stack[top] += stack[top + 1];
                    break;
                case OpCode.Subtract:
                    top--;
                    stack[top] -= stack[top + 1];
                    break;
                case OpCode.Multiply:
                    top--;
                    stack[top] *= stack[top + 1];
                    break;
                case OpCode.Less:
                    top--;
                    stack[top] = RuleMath.Compare(stack[top], stack[top + 1], stack[top] < stack[top + 1]);
                    break;
                case OpCode.LessOrEqual:
                    top--;
                    stack[top] = RuleMath.Compare(stack[top], stack[top + 1], stack[top] <= stack[top + 1]);
                    break;
                case OpCode.Greater:
                    top--;
                    stack[top] = RuleMath.Compare(stack[top], stack[top + 1], stack[top] > stack[top + 1]);
                    break;
                case OpCode.GreaterOrEqual:
                    top--;
                    stack[top] = RuleMath.Compare(stack[top], stack[top + 1], stack[top] >= stack[top + 1]);
                    break;
                default:
                    top--;
                    stack[top] = RuleMath.Apply((BinaryOperator)(instruction.Op - OpCode.Binary), stack[top], stack[top + 1]);
                    break;
            }
        }

        return RuleMath.Truth(stack[0]);
    }
}

/// <summary>Compiles checked rules against a shared <see cref="FeatureLayout"/>.</summary>
public static class RuleCompiler
{
    /// <summary>Compiles <paramref name="rule"/>, adding the features it reads to <paramref name="layout"/>.</summary>
    public static CompiledRule Compile(CheckedRule rule, FeatureLayout layout)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(layout);
        var code = new List<Instruction>();
        var maxStack = Emit(rule.Root, layout, code);
        var slots = rule.Features.Select(layout.SlotOf).ToArray();
        return new CompiledRule(rule, [.. code], maxStack, slots);
    }

    // Emits postfix code and returns the stack depth the node needs.
    private static int Emit(RuleNode node, FeatureLayout layout, List<Instruction> code)
    {
        switch (node)
        {
            case NumberNode number:
                code.Add(new Instruction(OpCode.Constant, 0, number.Value));
                return 1;
            case BooleanNode boolean:
                code.Add(new Instruction(OpCode.Constant, 0, boolean.Value ? 1 : 0));
                return 1;
            case FeatureNode feature:
                code.Add(new Instruction(OpCode.Feature, layout.SlotOf(feature.Feature), 0));
                return 1;
            case UnaryNode unary:
                var depth = Emit(unary.Operand, layout, code);
                code.Add(new Instruction(unary.Operator == UnaryOperator.Not ? OpCode.Not : OpCode.Negate, 0, 0));
                return depth;
            case BinaryNode binary:
                var left = Emit(binary.Left, layout, code);
                var skip = -1;
                if (binary.Operator is BinaryOperator.And or BinaryOperator.Or)
                {
                    skip = code.Count;
                    code.Add(new Instruction(binary.Operator == BinaryOperator.And ? OpCode.SkipIfFalse : OpCode.SkipIfTrue, 0, 0));
                }

                var right = Emit(binary.Right, layout, code);
                code.Add(new Instruction((OpCode)((int)OpCode.Binary + (int)binary.Operator), 0, 0));
                if (skip >= 0)
                {
                    // Jump to the operator itself: the loop's pc++ continues after it.
                    code[skip] = code[skip] with { Operand = code.Count - 1 };
                }

                return Math.Max(left, right + 1);
            default:
                throw new InvalidOperationException($"A checked rule contains no {node.GetType().Name}.");
        }
    }
}

/// <summary>
/// The straightforward meaning of a rule: walks the tree and computes each feature from the series on its own.
/// Slow; for explaining one customer's result and as the reference the compiled code is tested against.
/// </summary>
public static class RuleInterpreter
{
    /// <summary>The rule's value for one customer; <paramref name="seriesOf"/> gives the customer's series of an indicator code.</summary>
    public static RuleTruth Evaluate(CheckedRule rule, DateOnly evaluationDate, Func<string, IIndicatorSeries?> seriesOf, IIndustryStatistics? industry)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return RuleMath.Truth(Value(rule.Root, evaluationDate, seriesOf, industry));
    }

    /// <summary>The value of any node of a checked rule (a condition is 1, 0 or NaN).</summary>
    public static double Value(RuleNode node, DateOnly evaluationDate, Func<string, IIndicatorSeries?> seriesOf, IIndustryStatistics? industry) => node switch
    {
        NumberNode number => number.Value,
        BooleanNode boolean => boolean.Value ? 1 : 0,
        FeatureNode feature => IndicatorWindows.Compute(feature.Feature, seriesOf(feature.Feature.Indicator), industry, evaluationDate),
        UnaryNode { Operator: UnaryOperator.Not } unary => RuleMath.Not(Value(unary.Operand, evaluationDate, seriesOf, industry)),
        UnaryNode unary => -Value(unary.Operand, evaluationDate, seriesOf, industry),
        BinaryNode binary => RuleMath.Apply(binary.Operator,
            Value(binary.Left, evaluationDate, seriesOf, industry), Value(binary.Right, evaluationDate, seriesOf, industry)),
        _ => throw new InvalidOperationException($"A checked rule contains no {node.GetType().Name}."),
    };
}

/// <summary>Operators over doubles: numbers with NaN for missing, conditions as 1 / 0 / NaN (unknown).</summary>
internal static class RuleMath
{
    public static double Apply(BinaryOperator op, double left, double right) => op switch
    {
        BinaryOperator.Add => left + right,
        BinaryOperator.Subtract => left - right,
        BinaryOperator.Multiply => left * right,
        BinaryOperator.Divide => right == 0 ? double.NaN : left / right,
        BinaryOperator.Less => Compare(left, right, left < right),
        BinaryOperator.LessOrEqual => Compare(left, right, left <= right),
        BinaryOperator.Greater => Compare(left, right, left > right),
        BinaryOperator.GreaterOrEqual => Compare(left, right, left >= right),
        BinaryOperator.Equal => Compare(left, right, left == right),
        BinaryOperator.NotEqual => Compare(left, right, left != right),
        BinaryOperator.And => left == 0 || right == 0 ? 0 : double.IsNaN(left) || double.IsNaN(right) ? double.NaN : 1,
        BinaryOperator.Or => left == 1 || right == 1 ? 1 : double.IsNaN(left) || double.IsNaN(right) ? double.NaN : 0,
    };

    public static double Not(double condition) => double.IsNaN(condition) ? double.NaN : 1 - condition;

    public static RuleTruth Truth(double condition) =>
        double.IsNaN(condition) ? RuleTruth.Unknown : condition == 1 ? RuleTruth.True : RuleTruth.False;

    public static double Compare(double left, double right, bool result) =>
        double.IsNaN(left) || double.IsNaN(right) ? double.NaN : result ? 1 : 0;
}

internal enum OpCode : byte
{
    Constant,
    Feature,
    Negate,
    Not,
    /// <summary>Jumps to <see cref="Instruction.Operand"/> (the matching And) when the top of the stack is false.</summary>
    SkipIfFalse,
    /// <summary>Jumps to <see cref="Instruction.Operand"/> (the matching Or) when the top of the stack is true.</summary>
    SkipIfTrue,
    /// <summary>The first of the binary operators: <c>Binary + (int)BinaryOperator</c>.</summary>
    Binary,
    Or = Binary + (int)BinaryOperator.Or,
    And = Binary + (int)BinaryOperator.And,
    Add = Binary + (int)BinaryOperator.Add,
    Subtract = Binary + (int)BinaryOperator.Subtract,
    Multiply = Binary + (int)BinaryOperator.Multiply,
    Less = Binary + (int)BinaryOperator.Less,
    LessOrEqual = Binary + (int)BinaryOperator.LessOrEqual,
    Greater = Binary + (int)BinaryOperator.Greater,
    GreaterOrEqual = Binary + (int)BinaryOperator.GreaterOrEqual,
}

/// <param name="Op">What to do.</param>
/// <param name="Operand">The feature slot (<see cref="OpCode.Feature"/>) or the jump target (<see cref="OpCode.SkipIfFalse"/>, <see cref="OpCode.SkipIfTrue"/>).</param>
/// <param name="Constant">The value pushed by <see cref="OpCode.Constant"/>.</param>
internal readonly record struct Instruction(OpCode Op, int Operand, double Constant);
