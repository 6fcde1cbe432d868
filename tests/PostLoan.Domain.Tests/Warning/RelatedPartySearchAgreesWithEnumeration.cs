using PostLoan.Domain.Warning.Relations;

namespace PostLoan.Domain.Tests.Warning;

/// <summary>
/// On small random networks (fixed seeds), the best-first contagion search and Johnson's circle listing agree with a
/// plain enumeration of every simple path and every simple cycle.
/// </summary>
public class RelatedPartySearchAgreesWithEnumeration
{
    private static readonly DateOnly Today = new(2025, 6, 30);

    private static List<Relation> RandomRelations(int seed, int customers, int links)
    {
        var random = new Random(seed);
        var kinds = Enum.GetValues<RelationKind>();
        var relations = new List<Relation>();
        while (relations.Count < links)
        {
            var from = random.Next(1, customers + 1);
            var to = random.Next(1, customers + 1);
            if (from != to)
            {
                // Half guarantees, so circles and chains appear; some links carry their own strength.
                var kind = random.Next(2) == 0 ? RelationKind.Guarantee : kinds[random.Next(kinds.Length)];
                decimal? strength = random.Next(4) == 0 ? random.Next(1, 11) / 10m : null;
                relations.Add(new Relation(from, to, kind, strength));
            }
        }

        return relations;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Contagion_finds_the_strongest_path_within_the_distance_for_every_customer(int seed)
    {
        var relations = RandomRelations(seed, customers: 9, links: 20);
        var graph = RelationGraph.Build(relations, Today);
        var settings = ContagionSettings.Default with { MaxDistance = 4, MinimumStrength = 0.05m, GuaranteeDirection = (GuaranteeContagion)(seed % 3) };

        for (var source = 1; source <= 9; source++)
        {
            var expected = new Dictionary<int, (decimal Strength, int Distance)>();
            void Walk(int at, decimal strength, int hops, HashSet<int> visited)
            {
                if (hops > 0 && (!expected.TryGetValue(at, out var best) || strength > best.Strength || (strength == best.Strength && hops < best.Distance)))
                {
                    expected[at] = (strength, hops);
                }

                if (hops == settings.MaxDistance)
                {
                    return;
                }

                foreach (var relation in relations.Where(r => (r.From == at || r.To == at) && Contagion.Carries(r, at, settings.GuaranteeDirection)))
                {
                    var next = relation.From == at ? relation.To : relation.From;
                    var reached = strength * settings.StrengthOf(relation);
                    if (!visited.Contains(next) && reached >= settings.MinimumStrength)
                    {
                        visited.Add(next);
                        Walk(next, reached, hops + 1, visited);
                        visited.Remove(next);
                    }
                }
            }

            Walk(source, 1m, 0, [source]);

            var signals = Contagion.Propagate(graph, source, settings: settings);

            Assert.Equal(expected.OrderBy(e => e.Key).Select(e => (e.Key, e.Value.Strength, e.Value.Distance)), signals.OrderBy(s => s.CustomerId).Select(s => (s.CustomerId, s.Strength, s.Distance)));
            foreach (var signal in signals)
            {
                Assert.Equal(source, signal.Path[0].From);
                Assert.Equal(signal.CustomerId, signal.Path[^1].To);
                Assert.Equal(signal.Strength, signal.Path.Aggregate(1m, (s, step) => s * step.LinkStrength));
                Assert.Equal(signal.Distance + 1, signal.Path.Select(p => p.To).Append(source).Distinct().Count());
            }
        }
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    [InlineData(14)]
    public void Every_guarantee_cycle_is_listed_once(int seed)
    {
        var relations = RandomRelations(seed, customers: 7, links: 24);
        var edges = relations.Where(r => r.Kind == RelationKind.Guarantee).Select(r => (r.From, r.To)).Distinct().ToList();

        var expected = new List<string>();
        void Walk(int start, List<int> path)
        {
            foreach (var (_, next) in edges.Where(e => e.From == path[^1]).OrderBy(e => e.To))
            {
                if (next == start)
                {
                    expected.Add(string.Join(',', path));
                }
                else if (next > start && !path.Contains(next))
                {
                    path.Add(next);
                    Walk(start, path);
                    path.RemoveAt(path.Count - 1);
                }
            }
        }

        for (var start = 1; start <= 7; start++)
        {
            Walk(start, [start]);
        }

        var report = GuaranteeNetwork.Analyze(RelationGraph.Build(relations, Today));

        Assert.NotEmpty(expected);
        Assert.Equal(expected.Order(), report.Circles.Select(c => string.Join(',', c.Members)).Order());
    }
}
