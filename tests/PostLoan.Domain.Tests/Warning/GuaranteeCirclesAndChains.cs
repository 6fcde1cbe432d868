using PostLoan.Domain.Warning.Relations;

namespace PostLoan.Domain.Tests.Warning;

/// <summary>
/// Guarantee circles (担保圈: 互保, 联保) are the cycles of the directed guarantee graph (guarantor → borrower), each
/// listed once from its smallest member; guarantee chains (担保链) are the maximal paths of three or more customers
/// outside every circle.
/// </summary>
public class GuaranteeCirclesAndChains
{
    private static readonly DateOnly Today = new(2025, 6, 30);

    /// <summary>Each pair is (guarantor, borrower).</summary>
    private static GuaranteeNetworkReport Analyze(params (int Guarantor, int Borrower)[] guarantees) =>
        GuaranteeNetwork.Analyze(RelationGraph.Build(guarantees.Select(g => new Relation(g.Guarantor, g.Borrower, RelationKind.Guarantee)), Today));

    private static int[][] Members(IEnumerable<GuaranteeCircle> circles) => [.. circles.Select(c => c.Members.ToArray())];

    private static int[][] Members(IEnumerable<GuaranteeChain> chains) => [.. chains.Select(c => c.Members.ToArray())];

    [Fact]
    public void A_circle_of_three_is_listed_once_in_guarantee_order_from_its_smallest_member()
    {
        // 9 guarantees 5, 5 guarantees 2, 2 guarantees 9.
        var report = Analyze((9, 5), (5, 2), (2, 9));

        Assert.Equal([[2, 9, 5]], Members(report.Circles));
        Assert.False(report.Circles[0].IsMutual);
        Assert.Equal([[2, 5, 9]], report.CircleGroups.Select(g => g.ToArray()));
        Assert.Empty(report.Chains);
        Assert.False(report.Truncated);
    }

    [Fact]
    public void A_mutual_guarantee_is_a_circle_of_two()
    {
        var report = Analyze((7, 4), (4, 7));

        Assert.Equal([[4, 7]], Members(report.Circles));
        Assert.True(report.Circles[0].IsMutual);
    }

    [Fact]
    public void A_group_holding_a_mutual_guarantee_and_a_circle_of_three_lists_both_once()
    {
        var report = Analyze((1, 2), (2, 1), (2, 3), (3, 1));

        Assert.Equal([[1, 2], [1, 2, 3]], Members(report.Circles));
        Assert.Equal([[1, 2, 3]], report.CircleGroups.Select(g => g.ToArray()));
    }

    [Fact]
    public void Separate_circles_are_separate_groups()
    {
        var report = Analyze((1, 2), (2, 1), (10, 11), (11, 12), (12, 10), (2, 10));

        Assert.Equal([[1, 2], [10, 11, 12]], Members(report.Circles));
        Assert.Equal([[1, 2], [10, 11, 12]], report.CircleGroups.Select(g => g.ToArray()));
    }

    [Fact]
    public void Every_elementary_circle_of_four_customers_all_guaranteeing_each_other_is_found()
    {
        var all = new[] { 1, 2, 3, 4 };
        var report = Analyze([.. all.SelectMany(a => all.Where(b => b != a).Select(b => (a, b)))]);

        // 6 pairs + 4 triples × 2 directions + 6 orders of all four (starting at 1) = 20.
        Assert.Equal(20, report.Circles.Count);
        Assert.Equal(6, report.Circles.Count(c => c.IsMutual));
        Assert.Equal(report.Circles.Count, report.Circles.Select(c => string.Join(',', c.Members)).Distinct().Count());
        Assert.All(report.Circles, c => Assert.Equal(c.Members.Min(), c.Members[0]));
        Assert.Contains(report.Circles, c => c.Members.SequenceEqual([1, 4, 3, 2]));
        Assert.Equal([[1, 2, 3, 4]], report.CircleGroups.Select(g => g.ToArray()));
    }

    [Fact]
    public void Listing_stops_at_the_limit_and_says_so()
    {
        var all = new[] { 1, 2, 3, 4 };
        var relations = all.SelectMany(a => all.Where(b => b != a).Select(b => new Relation(a, b, RelationKind.Guarantee)));

        var report = GuaranteeNetwork.Analyze(RelationGraph.Build(relations, Today), limit: 5);

        Assert.Equal(5, report.Circles.Count);
        Assert.True(report.Truncated);
    }

    [Fact]
    public void Chains_are_the_maximal_guarantee_paths_of_three_or_more_customers()
    {
        // 1 guarantees 2, 2 guarantees 3, 3 guarantees 4 and 5; 6 guarantees 7 only (two customers: not a chain).
        var report = Analyze((1, 2), (2, 3), (3, 4), (3, 5), (6, 7));

        Assert.Equal([[1, 2, 3, 4], [1, 2, 3, 5]], Members(report.Chains));
        Assert.Empty(report.Circles);
        Assert.Empty(report.CircleGroups);
    }

    [Fact]
    public void Two_guarantors_of_one_borrower_start_two_chains()
    {
        var report = Analyze((1, 3), (2, 3), (3, 4));

        Assert.Equal([[1, 3, 4], [2, 3, 4]], Members(report.Chains));
    }

    [Fact]
    public void A_chain_leaving_a_circle_starts_at_the_first_customer_outside_it()
    {
        // 1 and 2 guarantee each other; 2 also guarantees 3, who guarantees 4, who guarantees 5.
        var report = Analyze((1, 2), (2, 1), (2, 3), (3, 4), (4, 5));

        Assert.Equal([[1, 2]], Members(report.Circles));
        Assert.Equal([[3, 4, 5]], Members(report.Chains));
    }

    [Fact]
    public void A_graph_without_cycles_has_no_circles()
    {
        var report = Analyze((1, 2), (1, 3), (2, 4), (3, 4));

        Assert.Empty(report.Circles);
        Assert.Empty(report.CircleGroups);
        Assert.Equal([[1, 2, 4], [1, 3, 4]], Members(report.Chains));
    }

    [Fact]
    public void Only_guarantees_in_force_count_and_other_kinds_of_link_never_make_a_circle()
    {
        var relations = new[]
        {
            new Relation(1, 2, RelationKind.Group),
            new Relation(2, 3, RelationKind.Group),
            new Relation(3, 1, RelationKind.Group),
            new Relation(4, 5, RelationKind.Guarantee),
            new Relation(5, 4, RelationKind.Guarantee, EffectiveTo: new DateOnly(2025, 6, 29)),
        };

        var report = GuaranteeNetwork.Analyze(RelationGraph.Build(relations, Today));

        Assert.Empty(report.Circles);
        Assert.Empty(report.CircleGroups);
        Assert.Empty(report.Chains);
    }
}
