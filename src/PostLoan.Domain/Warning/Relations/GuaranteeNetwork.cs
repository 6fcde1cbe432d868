using QuikGraph;
using QuikGraph.Algorithms;

namespace PostLoan.Domain.Warning.Relations;

/// <summary>
/// A guarantee circle (担保圈): customers each guaranteeing the next one's loan, the last guaranteeing the first's.
/// Two members are a mutual guarantee (互保); more are a joint guarantee circle (联保圈).
/// </summary>
/// <param name="Members">Distinct customers in guarantee order, rotated to start at the smallest id: each member
/// guarantees the next, and the last guarantees the first.</param>
public sealed record GuaranteeCircle(IReadOnlyList<int> Members)
{
    /// <summary>Whether the circle is two customers guaranteeing each other (互保).</summary>
    public bool IsMutual => Members.Count == 2;
}

/// <summary>
/// A guarantee chain (担保链): at least three distinct customers, none in a guarantee circle, each guaranteeing the next
/// one's loan, that cannot be extended at either end by a customer outside circles.
/// </summary>
/// <param name="Members">In guarantee order: the first is a guarantor nobody outside circles guarantees, the last a
/// borrower who guarantees nobody outside circles.</param>
public sealed record GuaranteeChain(IReadOnlyList<int> Members);

/// <summary>What <see cref="GuaranteeNetwork.Analyze"/> found.</summary>
/// <param name="CircleGroups">Each strongly connected group of two or more customers (every one reaches every other
/// through guarantees), members ascending; groups ordered by their smallest member.</param>
/// <param name="Circles">Every elementary circle, once, ordered by size, then members.</param>
/// <param name="Chains">Every maximal chain, ordered by length (longest first), then members.</param>
/// <param name="Truncated">Whether listing stopped at the limit of circles or chains (dense networks have very many).</param>
public sealed record GuaranteeNetworkReport(
    IReadOnlyList<IReadOnlyList<int>> CircleGroups,
    IReadOnlyList<GuaranteeCircle> Circles,
    IReadOnlyList<GuaranteeChain> Chains,
    bool Truncated);

/// <summary>
/// Guarantee circles and chains (担保圈 / 担保链) in the directed guarantee graph: an edge runs from each guarantor to
/// each borrower it guarantees (relations of kind <see cref="RelationKind.Guarantee"/> in force on the graph's date).
/// </summary>
/// <remarks>
/// Circles: the strongly connected components (Tarjan, QuikGraph) with two or more customers are the circle groups;
/// the elementary cycles inside each group are listed with Johnson's algorithm, each once, starting at its smallest
/// member. Chains: the customers outside every circle group form an acyclic graph; a chain is a maximal path in it
/// with at least three customers (two guarantees in a row). Customers linked to a circle are not part of a chain
/// through the circle: the circle group is reported instead.
/// </remarks>
public static class GuaranteeNetwork
{
    /// <summary>Default limit on the circles and on the chains listed.</summary>
    public const int DefaultLimit = 10_000;

    /// <summary>Finds the circle groups, circles and chains of the guarantee relations in <paramref name="graph"/>.</summary>
    /// <param name="graph">The relations in force on the business date; kinds other than guarantees are ignored.</param>
    /// <param name="limit">The most circles, and the most chains, listed before <see cref="GuaranteeNetworkReport.Truncated"/> is set.</param>
    public static GuaranteeNetworkReport Analyze(RelationGraph graph, int limit = DefaultLimit)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);

        var guarantees = new AdjacencyGraph<int, SEdge<int>>(allowParallelEdges: false);
        foreach (var relation in graph.Relations.Where(r => r.Kind == RelationKind.Guarantee).OrderBy(r => r.From).ThenBy(r => r.To))
        {
            guarantees.AddVerticesAndEdge(new SEdge<int>(relation.From, relation.To));
        }

        var component = new Dictionary<int, int>();
        guarantees.StronglyConnectedComponents(component);

        var groups = component
            .GroupBy(pair => pair.Value, pair => pair.Key)
            .Select(group => group.Order().ToList())
            .Where(members => members.Count >= 2)
            .OrderBy(members => members[0])
            .ToList();
        var inCircle = groups.SelectMany(members => members).ToHashSet();

        var circles = new List<GuaranteeCircle>();
        var truncated = false;
        foreach (var members in groups)
        {
            truncated |= !new ElementaryCircles(guarantees, members, circles, limit).Find();
        }

        circles.Sort((a, b) => CompareMembers(a.Members, b.Members, longestFirst: false));

        var chains = new List<GuaranteeChain>();
        truncated |= !FindChains(guarantees, inCircle, chains, limit);
        chains.Sort((a, b) => CompareMembers(a.Members, b.Members, longestFirst: true));

        return new GuaranteeNetworkReport(groups, circles, chains, truncated);
    }

    /// <summary>Every maximal path of three or more customers in the acyclic graph of customers outside circles; false when cut at the limit.</summary>
    private static bool FindChains(AdjacencyGraph<int, SEdge<int>> guarantees, HashSet<int> inCircle, List<GuaranteeChain> chains, int limit)
    {
        List<int> Next(int customer) => [.. guarantees.OutEdges(customer).Select(e => e.Target).Where(t => !inCircle.Contains(t)).Order()];

        var guaranteed = guarantees.Edges
            .Where(e => !inCircle.Contains(e.Source) && !inCircle.Contains(e.Target))
            .Select(e => e.Target)
            .ToHashSet();
        var starts = guarantees.Vertices.Where(v => !inCircle.Contains(v) && !guaranteed.Contains(v)).Order();

        foreach (var start in starts)
        {
            // Depth-first over all paths from the start, without recursion: the path and, for each member, its next successor to try.
            var path = new List<int> { start };
            var successors = new List<List<int>> { Next(start) };
            var tried = new List<int> { 0 };
            while (path.Count > 0)
            {
                var last = path.Count - 1;
                if (successors[last].Count == 0 && path.Count >= 3)
                {
                    if (chains.Count == limit)
                    {
                        return false;
                    }

                    chains.Add(new GuaranteeChain([.. path]));
                }

                if (tried[last] < successors[last].Count)
                {
                    var next = successors[last][tried[last]++];
                    path.Add(next);
                    successors.Add(Next(next));
                    tried.Add(0);
                }
                else
                {
                    path.RemoveAt(last);
                    successors.RemoveAt(last);
                    tried.RemoveAt(last);
                }
            }
        }

        return true;
    }

    private static int CompareMembers(IReadOnlyList<int> a, IReadOnlyList<int> b, bool longestFirst)
    {
        var byLength = longestFirst ? b.Count.CompareTo(a.Count) : a.Count.CompareTo(b.Count);
        if (byLength != 0)
        {
            return byLength;
        }

        for (var i = 0; i < a.Count; i++)
        {
            var byMember = a[i].CompareTo(b[i]);
            if (byMember != 0)
            {
                return byMember;
            }
        }

        return 0;
    }

    /// <summary>
    /// Johnson's algorithm inside one strongly connected group: for each member s in ascending order, the circles through
    /// s whose other members are all larger than s, so each circle is found once, already in its canonical rotation.
    /// </summary>
    private sealed class ElementaryCircles(AdjacencyGraph<int, SEdge<int>> guarantees, List<int> members, List<GuaranteeCircle> found, int limit)
    {
        private readonly HashSet<int> group = [.. members];
        private readonly HashSet<int> blocked = [];
        private readonly Dictionary<int, HashSet<int>> blockedBy = [];
        private readonly List<int> stack = [];
        private int start;
        private bool full;

        /// <summary>Adds the group's circles to the list; false when the limit was reached first.</summary>
        public bool Find()
        {
            foreach (var s in members)
            {
                start = s;
                blocked.Clear();
                blockedBy.Clear();
                Circuit(s);
                if (full)
                {
                    return false;
                }
            }

            return true;
        }

        private IEnumerable<int> Successors(int v) =>
            guarantees.OutEdges(v).Select(e => e.Target).Where(w => w >= start && group.Contains(w)).Order();

        private bool Circuit(int v)
        {
            var closed = false;
            stack.Add(v);
            blocked.Add(v);
            foreach (var w in Successors(v))
            {
                if (full)
                {
                    break;
                }

                if (w == start)
                {
                    if (found.Count == limit)
                    {
                        full = true;
                        break;
                    }

                    found.Add(new GuaranteeCircle([.. stack]));
                    closed = true;
                }
                else if (!blocked.Contains(w) && Circuit(w))
                {
                    closed = true;
                }
            }

            if (closed)
            {
                Unblock(v);
            }
            else
            {
                foreach (var w in Successors(v))
                {
                    if (!blockedBy.TryGetValue(w, out var waiting))
                    {
                        waiting = [];
                        blockedBy.Add(w, waiting);
                    }

                    waiting.Add(v);
                }
            }

            stack.RemoveAt(stack.Count - 1);
            return closed;
        }

        private void Unblock(int u)
        {
            blocked.Remove(u);
            if (blockedBy.Remove(u, out var waiting))
            {
                foreach (var w in waiting.Where(blocked.Contains))
                {
                    Unblock(w);
                }
            }
        }
    }
}
