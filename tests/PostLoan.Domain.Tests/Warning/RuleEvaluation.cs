using System.Linq.Expressions;
using PostLoan.Domain.Warning.Rules;

namespace PostLoan.Domain.Tests.Warning;

/// <summary>Evaluating rules: precedence, missing data, and compiled code against the straightforward interpretation.</summary>
public class RuleEvaluation
{
    private static readonly DateOnly EvaluationDate = new(2025, 6, 15);

    private static readonly IndicatorCatalogue Catalogue = new(new Dictionary<string, IndicatorKind>
    {
        ["dpd"] = IndicatorKind.Numeric,
        ["revenue"] = IndicatorKind.Numeric,
        ["power_kwh"] = IndicatorKind.Numeric,
        ["debt_ratio"] = IndicatorKind.Numeric,
        ["litigation_defendant"] = IndicatorKind.EventCount,
    });

    [Theory]
    [InlineData("a + b * c < d and e or f", "((((now(a) + (now(b) * now(c))) < now(d)) and now(e)) or now(f))")]
    [InlineData("not a > 1 and b > 2", "((not (now(a) > 1)) and (now(b) > 2))")]
    [InlineData("a - b - c == 0", "(((now(a) - now(b)) - now(c)) == 0)")]
    [InlineData("-a * 2 > b / c / 2", "(((-now(a)) * 2) > ((now(b) / now(c)) / 2))")]
    [InlineData("a > 1 || b > 2 && !(c > 3)", "((now(a) > 1) or ((now(b) > 2) and (not (now(c) > 3))))")]
    public void Operators_bind_or_then_and_then_not_then_comparisons_then_sums_then_products(string rule, string parenthesised)
    {
        var (tree, error) = RuleParser.Parse(rule);

        Assert.Null(error);
        Assert.Equal(parenthesised, Render(tree!));
    }

    [Theory]
    [InlineData("1 + 2 * 3 == 7", RuleTruth.True)]
    [InlineData("(1 + 2) * 3 == 9", RuleTruth.True)]
    [InlineData("10 - 4 - 3 == 3", RuleTruth.True)]
    [InlineData("12 / 3 / 2 == 2", RuleTruth.True)]
    [InlineData("-2 * 3 == -6", RuleTruth.True)]
    [InlineData("true or false and false", RuleTruth.True)]
    [InlineData("not false and false", RuleTruth.False)]
    [InlineData("not 1 > 2", RuleTruth.True)]
    [InlineData("TRUE AND NOT FALSE", RuleTruth.True)]
    [InlineData("1 != 1 || 2 >= 2 && 0.5 <= 0.25 * 2", RuleTruth.True)]
    public void Constant_rules(string rule, RuleTruth expected)
    {
        Assert.Equal(expected, CompileAndEvaluate(rule, new Customer()));
    }

    [Theory]
    [InlineData("now(dpd) > 30", RuleTruth.Unknown)]
    [InlineData("now(dpd) <= 30", RuleTruth.Unknown)]
    [InlineData("now(dpd) != 0", RuleTruth.Unknown)]
    [InlineData("not (now(dpd) > 30)", RuleTruth.Unknown)]
    [InlineData("now(dpd) > 30 and false", RuleTruth.False)]
    [InlineData("now(dpd) > 30 or true", RuleTruth.True)]
    [InlineData("now(dpd) > 30 or count(litigation_defendant, 6) >= 2", RuleTruth.True)] // two lawsuits in April
    [InlineData("now(dpd) > 30 or count(litigation_defendant, 1) >= 2", RuleTruth.Unknown)]
    [InlineData("now(revenue) / 0 > 1", RuleTruth.Unknown)] // division by zero is missing
    [InlineData("count(dpd, 12) == 0", RuleTruth.True)] // counting is never missing
    [InlineData("now(debt_ratio) > industry_median(debt_ratio) * 1.5", RuleTruth.True)] // 0.8 > 0.5 × 1.5
    [InlineData("now(debt_ratio) > industry_median(revenue)", RuleTruth.Unknown)] // no median for revenue
    public void Missing_data_makes_a_comparison_unknown_and_only_true_fires(string rule, RuleTruth expected)
    {
        var customer = new Customer
        {
            ["revenue"] = WindowFunctionValues.Series(("2025-06-10", 60)),
            ["debt_ratio"] = WindowFunctionValues.Series(("2025-05-31", 0.8)),
            ["litigation_defendant"] = WindowFunctionValues.Series(("2025-04-20", 2)),
        };

        Assert.Equal(expected, CompileAndEvaluate(rule, customer));
        Assert.Equal(expected, RuleInterpreter.Evaluate(Check(rule), EvaluationDate, customer.SeriesOf, Industry));
    }

    [Fact]
    public void The_example_rule_fires_when_revenue_falls_and_electricity_halves()
    {
        const string rule = "change_yoy(revenue) < -0.3 and avg(power_kwh, 3) < 0.5 * avg(power_kwh, 12)";
        var power = Enumerable.Range(0, 12).Select(m => (new DateOnly(2024, 7, 28).AddMonths(m).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), m < 9 ? 100.0 : 10.0)).ToArray();
        var customer = new Customer
        {
            ["revenue"] = WindowFunctionValues.Series(("2024-06-30", 100), ("2025-06-10", 60)),
            ["power_kwh"] = WindowFunctionValues.Series(power),
        };

        // change_yoy = −0.4 < −0.3; avg(3) = 10 < 0.5 × (9 × 100 + 3 × 10) / 12 = 38.75
        Assert.Equal(RuleTruth.True, CompileAndEvaluate(rule, customer));

        customer["revenue"] = WindowFunctionValues.Series(("2024-06-30", 100), ("2025-06-10", 80));
        Assert.Equal(RuleTruth.False, CompileAndEvaluate(rule, customer));
    }

    [Fact]
    public void Compiled_once_and_evaluated_for_many_customers_gives_the_interpreters_result()
    {
        string[] rules =
        [
            "change_yoy(revenue) < -0.3 and avg(power_kwh, 3) < 0.5 * avg(power_kwh, 12)",
            "now(dpd) > 30 or count(litigation_defendant, 6) >= 2",
            "now(debt_ratio) > industry_median(debt_ratio) * 1.5",
            "not (change(revenue) > -0.1) and (max(dpd, 3) - min(dpd, 3)) / 2 >= 5",
            "sum(power_kwh, 6) / count(power_kwh, 6) != avg(power_kwh, 6) or prev(dpd) == now(dpd)",
            "-now(revenue) + 2 * prev(revenue) > sum(revenue, 24) / 24 && !(now(litigation_defendant) == 0)",
        ];
        var layout = new FeatureLayout();
        var checkedRules = rules.Select(Check).ToArray();
        var compiled = checkedRules.Select(rule => RuleCompiler.Compile(rule, layout)).ToArray();
        var random = new Random(20250615);
        var vector = new double[layout.Count];
        var series = new IIndicatorSeries?[layout.Indicators.Count];
        var outcomes = new int[3];

        for (var c = 0; c < 2000; c++)
        {
            var customer = RandomCustomer(random);
            for (var i = 0; i < series.Length; i++)
            {
                series[i] = customer.SeriesOf(layout.Indicators[i].Code);
            }

            layout.Fill(EvaluationDate, series, Industry, vector);
            for (var r = 0; r < rules.Length; r++)
            {
                var expected = RuleInterpreter.Evaluate(checkedRules[r], EvaluationDate, customer.SeriesOf, Industry);
                Assert.Equal(expected, compiled[r].Evaluate(vector));
                outcomes[(int)expected]++;
            }
        }

        // Equal features of different rules share a slot, and every outcome occurred.
        Assert.Equal(checkedRules.SelectMany(r => r.Features).Distinct().Count(), layout.Count);
        Assert.True(checkedRules.Sum(r => r.Features.Count) > layout.Count);
        Assert.All(outcomes, count => Assert.True(count > 100));
    }

    [Theory]
    [InlineData("now(dpd) < now(revenue)", 0, 2, RuleTruth.True)]
    [InlineData("now(dpd) < now(revenue)", 2, 0, RuleTruth.False)]
    [InlineData("now(dpd) < now(revenue)", 0, 0, RuleTruth.False)]
    [InlineData("now(dpd) < now(revenue)", double.NaN, 0, RuleTruth.Unknown)]
    [InlineData("now(dpd) < now(revenue)", 0, double.NaN, RuleTruth.Unknown)]
    [InlineData("now(dpd) <= now(revenue)", 0, 0, RuleTruth.True)]
    [InlineData("now(dpd) <= now(revenue)", 2, 0, RuleTruth.False)]
    [InlineData("now(dpd) <= now(revenue)", double.NaN, 0, RuleTruth.Unknown)]
    [InlineData("now(dpd) > now(revenue)", 2, 0, RuleTruth.True)]
    [InlineData("now(dpd) > now(revenue)", 0, 0, RuleTruth.False)]
    [InlineData("now(dpd) > now(revenue)", 0, double.NaN, RuleTruth.Unknown)]
    [InlineData("now(dpd) >= now(revenue)", 0, 0, RuleTruth.True)]
    [InlineData("now(dpd) >= now(revenue)", 0, 2, RuleTruth.False)]
    [InlineData("now(dpd) >= now(revenue)", double.NaN, double.NaN, RuleTruth.Unknown)]
    [InlineData("now(dpd) == now(revenue)", 2, 2, RuleTruth.True)]
    [InlineData("now(dpd) == now(revenue)", 0, 2, RuleTruth.False)]
    [InlineData("now(dpd) == now(revenue)", double.NaN, double.NaN, RuleTruth.Unknown)]
    [InlineData("now(dpd) != now(revenue)", 0, 2, RuleTruth.True)]
    [InlineData("now(dpd) != now(revenue)", 2, 2, RuleTruth.False)]
    [InlineData("now(dpd) != now(revenue)", double.NaN, 2, RuleTruth.Unknown)]
    [InlineData("now(dpd) / now(revenue) > 0", 2, 2, RuleTruth.True)]
    [InlineData("now(dpd) / now(revenue) > 0", -1, 2, RuleTruth.False)]
    [InlineData("now(dpd) / now(revenue) > 0", 2, 0, RuleTruth.Unknown)]
    [InlineData("now(dpd) - now(revenue) * 2 == -2", 2, 2, RuleTruth.True)]
    [InlineData("-now(dpd) + now(revenue) > 0", -1, 0, RuleTruth.True)]
    [InlineData("-now(dpd) + now(revenue) > 0", double.NaN, 0, RuleTruth.Unknown)]
    [InlineData("not (now(dpd) > 0)", -1, 0, RuleTruth.True)]
    [InlineData("not (now(dpd) > 0)", 2, 0, RuleTruth.False)]
    [InlineData("not (now(dpd) > 0)", double.NaN, 0, RuleTruth.Unknown)]
    [InlineData("now(dpd) > 0 and now(revenue) > 0", 2, 2, RuleTruth.True)]
    [InlineData("now(dpd) > 0 and now(revenue) > 0", -1, double.NaN, RuleTruth.False)]
    [InlineData("now(dpd) > 0 and now(revenue) > 0", double.NaN, -1, RuleTruth.False)]
    [InlineData("now(dpd) > 0 and now(revenue) > 0", 2, double.NaN, RuleTruth.Unknown)]
    [InlineData("now(dpd) > 0 and now(revenue) > 0", double.NaN, 2, RuleTruth.Unknown)]
    [InlineData("now(dpd) > 0 or now(revenue) > 0", 2, double.NaN, RuleTruth.True)]
    [InlineData("now(dpd) > 0 or now(revenue) > 0", double.NaN, 2, RuleTruth.True)]
    [InlineData("now(dpd) > 0 or now(revenue) > 0", -1, double.NaN, RuleTruth.Unknown)]
    [InlineData("now(dpd) > 0 or now(revenue) > 0", -1, -1, RuleTruth.False)]
    public void Compiled_operators_follow_three_valued_logic_on_the_vector(string rule, double dpd, double revenue, RuleTruth expected)
    {
        var layout = new FeatureLayout();
        var compiled = RuleCompiler.Compile(Check(rule), layout);
        var vector = new double[layout.Count];
        for (var slot = 0; slot < layout.Count; slot++)
        {
            vector[slot] = layout.Features[slot].Indicator == "dpd" ? dpd : revenue;
        }

        Assert.Equal(expected, compiled.Evaluate(vector));
        Assert.Equal(expected == RuleTruth.True, compiled.Fires(vector));
    }

    [Fact]
    public void Compiled_code_holds_only_arithmetic_comparisons_and_reads_of_the_vector()
    {
        var catalogue = new IndicatorCatalogue(PostLoan.Domain.Warning.Indicators.StandardIndicators.All.Select(i => KeyValuePair.Create(i.Code, i.Kind)));
        var rules = StarterRules.All.Select(r => r.Expression).Concat(
        [
            "not (now(debt_ratio) / now(revenue) == 0) or -prev(revenue) != 1 and now(revenue) - 2 * now(revenue) <= 3",
            "true and not false or now(dpd) >= industry_median(dpd)",
        ]);
        var allowed = new HashSet<ExpressionType>
        {
            ExpressionType.Lambda, ExpressionType.Parameter, ExpressionType.Constant, ExpressionType.ArrayIndex, ExpressionType.Block,
            ExpressionType.Assign, ExpressionType.Conditional, ExpressionType.OrElse, ExpressionType.Negate, ExpressionType.Add,
            ExpressionType.Subtract, ExpressionType.Multiply, ExpressionType.Divide, ExpressionType.LessThan,
            ExpressionType.LessThanOrEqual, ExpressionType.GreaterThan, ExpressionType.GreaterThanOrEqual, ExpressionType.Equal,
            ExpressionType.NotEqual,
        };

        foreach (var rule in rules)
        {
            var check = RuleChecker.Check(rule, catalogue);
            Assert.True(check.IsValid, rule);
            var nodes = new NodeTypes();
            nodes.Visit(RuleCompiler.Express(check.Rule!, new FeatureLayout()));

            Assert.Empty(nodes.Seen.Except(allowed));
            Assert.All(nodes.Types, type => Assert.True(type == typeof(double) || type == typeof(double[]) || type == typeof(int) || type == typeof(bool) || type == typeof(Func<double[], double>), $"{rule}: {type}"));
            Assert.All(nodes.Binaries, b => Assert.Null(b.Method)); // no operator overload: the IL instruction itself
        }
    }

    /// <summary>Collects every node's kind and type, and the binary nodes.</summary>
    private sealed class NodeTypes : ExpressionVisitor
    {
        public HashSet<ExpressionType> Seen { get; } = [];

        public HashSet<Type> Types { get; } = [];

        public List<BinaryExpression> Binaries { get; } = [];

        public override Expression? Visit(Expression? node)
        {
            if (node is not null)
            {
                Seen.Add(node.NodeType);
                Types.Add(node.Type);
                if (node is BinaryExpression binary)
                {
                    Binaries.Add(binary);
                }
            }

            return base.Visit(node);
        }
    }

    [Fact]
    public void Filling_the_vector_and_evaluating_allocate_nothing_per_customer()
    {
        var layout = new FeatureLayout();
        var compiled = Enumerable.Range(0, 50)
            .Select(i => RuleCompiler.Compile(Check($"change_yoy(revenue) < -0.{i % 9 + 1} and avg(power_kwh, {i % 12 + 1}) < 0.5 * avg(power_kwh, 12) or now(dpd) > {i} or count(litigation_defendant, 6) >= 2"), layout))
            .ToArray();
        var customer = RandomCustomer(new Random(7));
        var series = layout.Indicators.Select(i => customer.SeriesOf(i.Code)).ToArray();
        var vector = new double[layout.Count];
        var fired = 0;
        void Run()
        {
            for (var c = 0; c < 1000; c++)
            {
                layout.Fill(EvaluationDate, series, Industry, vector);
                foreach (var rule in compiled)
                {
                    fired += rule.Fires(vector) ? 1 : 0;
                }
            }
        }

        Run();
        var before = GC.GetAllocatedBytesForCurrentThread();
        Run();

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(fired > 0);
    }

    private static readonly WindowFunctionValues.Industry Industry = new(("debt_ratio", 0.5));

    private static CheckedRule Check(string rule)
    {
        var check = RuleChecker.Check(rule, Catalogue);
        Assert.True(check.IsValid, string.Join("; ", check.Errors.Select(e => e.Message)));
        return check.Rule!;
    }

    private static RuleTruth CompileAndEvaluate(string rule, Customer customer)
    {
        var layout = new FeatureLayout();
        var compiled = RuleCompiler.Compile(Check(rule), layout);
        var vector = new double[layout.Count];
        layout.Fill(EvaluationDate, layout.Indicators.Select(i => customer.SeriesOf(i.Code)).ToArray(), Industry, vector);
        return compiled.Evaluate(vector);
    }

    // Up to 30 months of history per indicator, with gaps, several values in a month and missing series.
    private static Customer RandomCustomer(Random random)
    {
        var customer = new Customer();
        foreach (var code in new[] { "dpd", "revenue", "power_kwh", "debt_ratio", "litigation_defendant" })
        {
            if (random.Next(8) == 0)
            {
                continue;
            }

            var observations = new List<IndicatorObservation>();
            for (var month = 30; month >= -1; month--)
            {
                var count = random.Next(4) == 0 ? 0 : random.Next(1, 3);
                for (var k = 0; k < count; k++)
                {
                    var date = new DateOnly(2025, 6, 1).AddMonths(-month).AddDays(random.Next(28));
                    var value = code switch
                    {
                        "dpd" => random.Next(3) == 0 ? random.Next(0, 60) : 0,
                        "litigation_defendant" => 1,
                        "debt_ratio" => Math.Round(random.NextDouble(), 2),
                        _ => random.Next(0, 5) * 10,
                    };
                    observations.Add(new IndicatorObservation(date, value));
                }
            }

            customer[code] = new IndicatorSeries(observations);
        }

        return customer;
    }

    private static string Render(RuleNode node) => node switch
    {
        NumberNode number => number.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
        BooleanNode boolean => boolean.Value ? "true" : "false",
        IndicatorNode indicator => $"now({indicator.Code})",
        CallNode call => $"{RuleFunctions.Name(call.Function)}({string.Join(", ", call.Arguments.Select(Render))})",
        UnaryNode unary => unary.Operator == UnaryOperator.Not ? $"(not {Render(unary.Operand)})" : $"(-{Render(unary.Operand)})",
        BinaryNode binary => $"({Render(binary.Left)} {RuleOperators.Text(binary.Operator)} {Render(binary.Right)})",
        _ => throw new InvalidOperationException(),
    };

    private sealed class Customer : Dictionary<string, IIndicatorSeries>
    {
        public IIndicatorSeries? SeriesOf(string code) => TryGetValue(code, out var series) ? series : null;
    }
}
