using PostLoan.Domain.Warning.Rules;

namespace PostLoan.Domain.Tests.Warning;

/// <summary>Every node of the syntax tree knows the 1-based column and length of its text.</summary>
public class RuleSourcePositions
{
    [Fact]
    public void Nodes_carry_the_column_and_length_of_their_text()
    {
        // 'and' at column 28, '-0.3' at 23, the second comparison starts at 32 with '<' at 50, '*' at 56, '12' at 73.
        const string rule = "change_yoy(revenue) < -0.3 and avg(power_kwh, 3) < 0.5 * avg(power_kwh, 12)";

        var (tree, error) = RuleParser.Parse(rule);

        Assert.Null(error);
        var and = Assert.IsType<BinaryNode>(tree);
        Assert.Equal((1, 75, 28), (and.Position, and.Length, and.OperatorPosition));

        var yoy = Assert.IsType<BinaryNode>(and.Left);
        var call = Assert.IsType<CallNode>(yoy.Left);
        Assert.Equal((1, 19), (call.Position, call.Length));
        Assert.Equal((12, 7), (call.Arguments[0].Position, call.Arguments[0].Length));
        var negated = Assert.IsType<UnaryNode>(yoy.Right);
        Assert.Equal((23, 4), (negated.Position, negated.Length));

        var power = Assert.IsType<BinaryNode>(and.Right);
        Assert.Equal((32, 44, 50), (power.Position, power.Length, power.OperatorPosition));
        var product = Assert.IsType<BinaryNode>(power.Right);
        Assert.Equal((52, 24, 56), (product.Position, product.Length, product.OperatorPosition));
        var window = Assert.IsType<CallNode>(product.Right).Arguments[1];
        Assert.Equal((73, 2), (window.Position, window.Length));
    }

    [Fact]
    public void A_parenthesised_expression_spans_its_parentheses_and_checked_features_keep_the_call_position()
    {
        var check = RuleChecker.Check("not (now(dpd) > 30)");

        var not = Assert.IsType<UnaryNode>(check.Rule!.Root);
        Assert.Equal((1, 19), (not.Position, not.Length));
        var comparison = Assert.IsType<BinaryNode>(not.Operand);
        Assert.Equal((5, 15), (comparison.Position, comparison.Length));
        var feature = Assert.IsType<FeatureNode>(comparison.Left);
        Assert.Equal((6, 8, "now(dpd)"), (feature.Position, feature.Length, feature.Feature.ToString()));
    }
}
