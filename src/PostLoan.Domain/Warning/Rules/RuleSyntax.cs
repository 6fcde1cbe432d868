namespace PostLoan.Domain.Warning.Rules;

/// <summary>A node of a rule's syntax tree, with the place of its text in the expression.</summary>
/// <param name="Position">1-based column of the node's first character.</param>
/// <param name="Length">Number of characters the node spans.</param>
public abstract record RuleNode(int Position, int Length);

/// <summary>A decimal number literal such as <c>0.5</c>.</summary>
public sealed record NumberNode(int Position, int Length, double Value) : RuleNode(Position, Length);

/// <summary><c>true</c> or <c>false</c>.</summary>
public sealed record BooleanNode(int Position, int Length, bool Value) : RuleNode(Position, Length);

/// <summary>An indicator code (指标代码) such as <c>debt_ratio</c>: an argument of a function, or alone meaning <c>now(code)</c>.</summary>
public sealed record IndicatorNode(int Position, int Length, string Code) : RuleNode(Position, Length);

/// <summary>A call of a whitelisted function, e.g. <c>avg(power_kwh, 3)</c>. Only the parser produces it; the type checker binds it to a <see cref="FeatureNode"/>.</summary>
public sealed record CallNode(int Position, int Length, RuleFunction Function, IReadOnlyList<RuleNode> Arguments) : RuleNode(Position, Length);

/// <summary>A checked reference to one value the rule reads from the customer's feature vector.</summary>
public sealed record FeatureNode(int Position, int Length, RuleFeature Feature) : RuleNode(Position, Length);

/// <summary>A prefix operator applied to one operand.</summary>
public sealed record UnaryNode(int Position, int Length, UnaryOperator Operator, RuleNode Operand) : RuleNode(Position, Length);

/// <summary>An infix operator applied to two operands; <see cref="RuleNode.Position"/> is where the left operand starts, <see cref="OperatorPosition"/> where the operator is.</summary>
public sealed record BinaryNode(int Position, int Length, BinaryOperator Operator, int OperatorPosition, RuleNode Left, RuleNode Right) : RuleNode(Position, Length);

/// <summary>Prefix operators.</summary>
public enum UnaryOperator
{
    /// <summary><c>-x</c>.</summary>
    Negate,
    /// <summary><c>not c</c> or <c>!c</c>.</summary>
    Not,
}

/// <summary>Infix operators, from the loosest to the tightest binding: or; and; comparisons; + −; × ÷.</summary>
public enum BinaryOperator
{
    Or,
    And,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Equal,
    NotEqual,
    Add,
    Subtract,
    Multiply,
    Divide,
}

/// <summary>How operators are written back in messages and in <see cref="RuleFeature.ToString"/>.</summary>
public static class RuleOperators
{
    /// <summary>The canonical spelling of an infix operator.</summary>
    public static string Text(BinaryOperator op) => op switch
    {
        BinaryOperator.Or => "or",
        BinaryOperator.And => "and",
        BinaryOperator.Less => "<",
        BinaryOperator.LessOrEqual => "<=",
        BinaryOperator.Greater => ">",
        BinaryOperator.GreaterOrEqual => ">=",
        BinaryOperator.Equal => "==",
        BinaryOperator.NotEqual => "!=",
        BinaryOperator.Add => "+",
        BinaryOperator.Subtract => "-",
        BinaryOperator.Multiply => "*",
        BinaryOperator.Divide => "/",
    };

    /// <summary>True for <c>&lt; &lt;= &gt; &gt;= == !=</c>.</summary>
    public static bool IsComparison(BinaryOperator op) => op is >= BinaryOperator.Less and <= BinaryOperator.NotEqual;
}
