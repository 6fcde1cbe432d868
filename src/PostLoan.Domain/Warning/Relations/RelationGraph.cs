namespace PostLoan.Domain.Warning.Relations;

/// <summary>
/// The relationship graph between customers (关联关系图) on one business date: the relations in force that day,
/// indexed by customer. Several relations may link the same two customers.
/// </summary>
public sealed class RelationGraph
{
    private static readonly IReadOnlyList<Relation> NoRelations = [];

    private readonly Dictionary<int, List<Relation>> byCustomer = [];

    private RelationGraph(DateOnly asOf, List<Relation> relations)
    {
        AsOf = asOf;
        Relations = relations;
        foreach (var relation in relations)
        {
            Add(relation.From, relation);
            Add(relation.To, relation);
        }

        // A fixed order (other customer, kind, strongest first) makes every search deterministic whatever order the relations came in.
        foreach (var (customer, links) in byCustomer)
        {
            links.Sort((a, b) =>
            {
                var byOther = a.Other(customer).CompareTo(b.Other(customer));
                if (byOther != 0)
                {
                    return byOther;
                }

                var byKind = a.Kind.CompareTo(b.Kind);
                return byKind != 0 ? byKind : (b.Strength ?? 0m).CompareTo(a.Strength ?? 0m);
            });
        }
    }

    /// <summary>The business date the graph describes.</summary>
    public DateOnly AsOf { get; }

    /// <summary>The relations in force on <see cref="AsOf"/>, in the order given.</summary>
    public IReadOnlyList<Relation> Relations { get; }

    /// <summary>Every customer with at least one relation in force, ascending.</summary>
    public IEnumerable<int> Customers => byCustomer.Keys.Order();

    /// <summary>The relations in force on <paramref name="asOf"/> among <paramref name="relations"/>.</summary>
    public static RelationGraph Build(IEnumerable<Relation> relations, DateOnly asOf)
    {
        ArgumentNullException.ThrowIfNull(relations);
        return new RelationGraph(asOf, [.. relations.Where(r => r.IsEffectiveOn(asOf))]);
    }

    /// <summary>The relations touching a customer at either end, ordered by the other customer's id, then kind.</summary>
    public IReadOnlyList<Relation> RelationsOf(int customerId) => byCustomer.TryGetValue(customerId, out var links) ? links : NoRelations;

    private void Add(int customer, Relation relation)
    {
        if (!byCustomer.TryGetValue(customer, out var links))
        {
            links = [];
            byCustomer.Add(customer, links);
        }

        links.Add(relation);
    }
}

/// <summary>Helpers on a relation seen from one of its ends.</summary>
internal static class RelationEnds
{
    /// <summary>The customer at the other end from <paramref name="customer"/>.</summary>
    public static int Other(this Relation relation, int customer) => relation.From == customer ? relation.To : relation.From;
}
