using PostLoan.Domain.Warning.Relations;

namespace PostLoan.Domain.Tests.Warning;

/// <summary>
/// A severe signal on one customer derives signals on linked customers: source strength × the link strengths along the
/// strongest path, within the maximum distance and above the minimum strength (docs/related-parties.md).
/// </summary>
public class RelatedPartyContagion
{
    private static readonly DateOnly Today = new(2025, 6, 30);

    private static RelationGraph Graph(params Relation[] relations) => RelationGraph.Build(relations, Today);

    private static (int Customer, decimal Strength, int Distance)[] Summary(IReadOnlyList<DerivedSignal> signals) =>
        [.. signals.Select(s => (s.CustomerId, s.Strength, s.Distance))];

    /// <summary>Borrower 1 is guaranteed by 2, whose loan 3 guarantees, whose loan 4 guarantees, whose loan 5 guarantees.</summary>
    private static RelationGraph GuaranteeChain() => Graph(
        new Relation(2, 1, RelationKind.Guarantee),
        new Relation(3, 2, RelationKind.Guarantee),
        new Relation(4, 3, RelationKind.Guarantee),
        new Relation(5, 4, RelationKind.Guarantee));

    [Fact]
    public void A_signal_on_a_borrower_climbs_the_guarantee_chain_weakening_by_0_8_per_link_up_to_three_links()
    {
        var signals = Contagion.Propagate(GuaranteeChain(), 1);

        Assert.Equal([(2, 0.8m, 1), (3, 0.64m, 2), (4, 0.512m, 3)], Summary(signals));
    }

    [Fact]
    public void A_longer_maximum_distance_reaches_the_fourth_guarantor()
    {
        var signals = Contagion.Propagate(GuaranteeChain(), 1, settings: ContagionSettings.Default with { MaxDistance = 4 });

        Assert.Equal([(2, 0.8m, 1), (3, 0.64m, 2), (4, 0.512m, 3), (5, 0.4096m, 4)], Summary(signals));
    }

    [Fact]
    public void Nothing_is_derived_below_the_minimum_strength()
    {
        Assert.Equal([(2, 0.8m, 1), (3, 0.64m, 2)], Summary(Contagion.Propagate(GuaranteeChain(), 1, settings: ContagionSettings.Default with { MinimumStrength = 0.6m })));

        // A weaker source: 0.3 × 0.8 = 0.24 is raised; 0.24 × 0.8 = 0.192 is below 0.2.
        Assert.Equal([(2, 0.24m, 1)], Summary(Contagion.Propagate(GuaranteeChain(), 1, sourceStrength: 0.3m)));
    }

    [Fact]
    public void The_minimum_strength_itself_is_still_derived()
    {
        var signals = Contagion.Propagate(Graph(new Relation(1, 2, RelationKind.Phone)), 1, settings: ContagionSettings.Default with { MinimumStrength = 0.3m });

        Assert.Equal([(2, 0.3m, 1)], Summary(signals));
    }

    [Fact]
    public void The_strongest_of_two_paths_wins_even_when_it_is_longer()
    {
        var graph = Graph(
            new Relation(1, 4, RelationKind.Address),
            new Relation(1, 2, RelationKind.Group),
            new Relation(2, 4, RelationKind.LegalRepresentative));

        var signals = Contagion.Propagate(graph, 1);

        // To 4: directly by address 0.3, or through 2 by group then legal representative 0.7 × 0.6 = 0.42.
        Assert.Equal([(2, 0.7m, 1), (4, 0.42m, 2)], Summary(signals));
        var four = signals[1];
        Assert.Equal([(1, 2, RelationKind.Group, 0.7m), (2, 4, RelationKind.LegalRepresentative, 0.6m)], four.Path.Select(s => (s.From, s.To, s.Relation.Kind, s.LinkStrength)));
        Assert.Equal("1 →同一集团→ 2 →同一法人→ 4", four.Explain());
    }

    [Fact]
    public void A_weaker_shorter_path_still_carries_the_signal_where_the_strongest_path_has_used_up_the_distance()
    {
        var graph = Graph(
            new Relation(1, 2, RelationKind.Group),
            new Relation(2, 3, RelationKind.Group),
            new Relation(3, 4, RelationKind.Group),
            new Relation(1, 4, RelationKind.Address),
            new Relation(4, 5, RelationKind.LegalRepresentative));

        var signals = Contagion.Propagate(graph, 1, settings: ContagionSettings.Default with { MinimumStrength = 0.1m });

        // 4 is strongest through three group links (0.7³ = 0.343, distance 3: no further); 5 is reached through the
        // address link instead: 0.3 × 0.6 = 0.18 at distance 2.
        Assert.Equal([(2, 0.7m, 1), (3, 0.49m, 2), (4, 0.343m, 3), (5, 0.18m, 2)], Summary(signals));
        Assert.Equal("1 →同一地址→ 4 →同一法人→ 5", signals[3].Explain());
    }

    [Fact]
    public void A_guarantee_carries_a_signal_from_the_borrower_to_its_guarantor_by_default_and_not_back()
    {
        var graph = Graph(new Relation(From: 2, To: 1, RelationKind.Guarantee));

        Assert.Equal([(2, 0.8m, 1)], Summary(Contagion.Propagate(graph, 1)));
        Assert.Empty(Contagion.Propagate(graph, 2));
    }

    [Fact]
    public void Guarantees_can_be_set_to_carry_a_signal_to_the_borrowers_or_both_ways()
    {
        var graph = Graph(new Relation(From: 2, To: 1, RelationKind.Guarantee));
        var toBorrowers = ContagionSettings.Default with { GuaranteeDirection = GuaranteeContagion.ToBorrowers };
        var both = ContagionSettings.Default with { GuaranteeDirection = GuaranteeContagion.Both };

        Assert.Empty(Contagion.Propagate(graph, 1, settings: toBorrowers));
        Assert.Equal([(1, 0.8m, 1)], Summary(Contagion.Propagate(graph, 2, settings: toBorrowers)));
        Assert.Equal([(2, 0.8m, 1)], Summary(Contagion.Propagate(graph, 1, settings: both)));
        Assert.Equal([(1, 0.8m, 1)], Summary(Contagion.Propagate(graph, 2, settings: both)));
    }

    [Fact]
    public void Undirected_links_carry_a_signal_both_ways()
    {
        var graph = Graph(new Relation(1, 2, RelationKind.Shareholder));

        Assert.Equal([(2, 0.5m, 1)], Summary(Contagion.Propagate(graph, 1)));
        Assert.Equal([(1, 0.5m, 1)], Summary(Contagion.Propagate(graph, 2)));
    }

    [Fact]
    public void Each_customer_appears_once_and_the_source_never()
    {
        var graph = Graph(
            new Relation(1, 2, RelationKind.Group),
            new Relation(2, 3, RelationKind.Group),
            new Relation(3, 1, RelationKind.Group),
            new Relation(1, 2, RelationKind.Phone),
            new Relation(2, 1, RelationKind.Guarantee));

        var signals = Contagion.Propagate(graph, 1);

        Assert.Equal([(2, 0.8m, 1), (3, 0.7m, 1)], Summary(signals));
        Assert.Equal(RelationKind.Guarantee, signals[0].Path.Single().Relation.Kind);
    }

    [Fact]
    public void Default_strengths_by_kind()
    {
        var settings = ContagionSettings.Default;

        Assert.Equal(
            [0.8m, 0.6m, 0.5m, 0.3m, 0.3m, 0.4m, 0.7m, 0.3m, 0.2m],
            Enum.GetValues<RelationKind>().Select(settings.StrengthOf));
        Assert.Equal(3, settings.MaxDistance);
        Assert.Equal(0.2m, settings.MinimumStrength);
        Assert.Equal(GuaranteeContagion.ToGuarantors, settings.GuaranteeDirection);
    }

    [Fact]
    public void A_link_with_its_own_strength_overrides_its_kind_and_a_kind_set_to_zero_carries_nothing()
    {
        var graph = Graph(
            new Relation(1, 2, RelationKind.Transaction, Strength: 0.9m),
            new Relation(1, 3, RelationKind.Phone));

        var signals = Contagion.Propagate(graph, 1, settings: ContagionSettings.Default with { Phone = 0m });

        Assert.Equal([(2, 0.9m, 1)], Summary(signals));
    }

    [Fact]
    public void Only_relations_in_force_on_the_business_date_carry_a_signal()
    {
        var relations = new[]
        {
            new Relation(2, 1, RelationKind.Guarantee, EffectiveFrom: new DateOnly(2024, 1, 1), EffectiveTo: new DateOnly(2025, 6, 30)),
            new Relation(3, 1, RelationKind.Guarantee, EffectiveTo: new DateOnly(2025, 6, 29)),
            new Relation(4, 1, RelationKind.Guarantee, EffectiveFrom: new DateOnly(2025, 7, 1)),
        };

        var signals = Contagion.Propagate(RelationGraph.Build(relations, Today), 1);

        Assert.Equal([(2, 0.8m, 1)], Summary(signals));
    }

    [Fact]
    public void Paths_are_explained_with_customer_names()
    {
        var graph = Graph(new Relation(2, 1, RelationKind.Guarantee), new Relation(2, 3, RelationKind.LegalRepresentative));
        var names = new Dictionary<int, string> { [1] = "A", [2] = "B", [3] = "C" };

        var signals = Contagion.Propagate(graph, 1);

        Assert.Equal([(2, 0.8m, 1), (3, 0.48m, 2)], Summary(signals));
        Assert.Equal("A →担保→ B →同一法人→ C", signals[1].Explain(id => names[id]));
    }

    [Fact]
    public void A_customer_without_relations_derives_nothing()
    {
        Assert.Empty(Contagion.Propagate(GuaranteeChain(), 42));
    }

    [Fact]
    public void Relations_and_settings_refuse_impossible_values()
    {
        Assert.Throws<ArgumentException>(() => new Relation(1, 1, RelationKind.Group));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Relation(1, 2, RelationKind.Group, Strength: 1.5m));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Relation(1, 2, RelationKind.Group, Strength: 0m));
        Assert.Throws<ArgumentException>(() => new Relation(1, 2, RelationKind.Group, EffectiveFrom: Today, EffectiveTo: Today.AddDays(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => ContagionSettings.Default with { MaxDistance = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => ContagionSettings.Default with { MinimumStrength = 0m });
        Assert.Throws<ArgumentOutOfRangeException>(() => ContagionSettings.Default with { Guarantee = 1.2m });
        Assert.Throws<ArgumentOutOfRangeException>(() => Contagion.Propagate(GuaranteeChain(), 1, sourceStrength: 0m));
    }
}
