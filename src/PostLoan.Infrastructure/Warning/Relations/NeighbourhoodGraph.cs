using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Warning.Relations;
using PostLoan.Domain.Warning.Signals;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Infrastructure.Warning.Relations;

/// <summary>A customer in the picture of a neighbourhood.</summary>
/// <param name="CustomerId">The customer.</param>
/// <param name="Code">Customer number.</param>
/// <param name="Name">Customer name.</param>
/// <param name="Distance">Links from the centre (0 for the centre).</param>
/// <param name="Severity">Worst active warning signal, null without one (the node's colour).</param>
/// <param name="X">Horizontal position in the picture, from its left edge.</param>
/// <param name="Y">Vertical position, from its top edge.</param>
public sealed record GraphNode(int CustomerId, string Code, string Name, int Distance, SignalSeverity? Severity, double X, double Y);

/// <summary>A link in the picture.</summary>
/// <param name="From">First customer (the guarantor of a guarantee).</param>
/// <param name="To">Second customer (the borrower of a guarantee).</param>
/// <param name="Kind">Kind of link (the edge's label).</param>
/// <param name="Label">Chinese label of the kind (担保, 同一法人 …).</param>
/// <param name="Origin">Recorded relation, ledger guarantee or group membership.</param>
/// <param name="RecordId">Id of the relation, guarantee or group.</param>
/// <param name="Directed">Whether it is drawn as an arrow (a guarantee, a one-way relation).</param>
/// <param name="Amount">Guaranteed or annual transaction amount.</param>
/// <param name="Note">Evidence, contract number or group name.</param>
public sealed record GraphEdge(int From, int To, RelationKind Kind, string Label, LinkOrigin Origin, long RecordId, bool Directed, decimal? Amount, string? Note);

/// <summary>A customer's neighbourhood laid out for drawing (关联关系图谱).</summary>
/// <param name="CustomerId">The centre.</param>
/// <param name="Steps">How many links out it reaches.</param>
/// <param name="AsOf">The business date of the links.</param>
/// <param name="Width">Width of the picture.</param>
/// <param name="Height">Height of the picture.</param>
/// <param name="Nodes">The centre first, then by distance and id.</param>
/// <param name="Edges">The links among the nodes.</param>
public sealed record NeighbourhoodGraph(int CustomerId, int Steps, DateOnly AsOf, double Width, double Height, IReadOnlyList<GraphNode> Nodes, IReadOnlyList<GraphEdge> Edges);

/// <summary>
/// Builds the picture of a customer's neighbourhood: the customers within some links (in the caller's scope), coloured by
/// their worst active signal, placed by a radial layout computed here (the centre in the middle, each ring of distance
/// further out, every customer in the angular sector of the nearer customer it hangs from), so no script library is needed.
/// </summary>
public sealed class NeighbourhoodGraphService(PostLoanDbContext db)
{
    /// <summary>Space kept around the rings for the names.</summary>
    public const double Margin = 90;

    /// <summary>Radius of the first ring; each further ring adds at least as much.</summary>
    public const double RingStep = 170;

    /// <summary>Arc length kept per customer on a ring, so names do not overlap.</summary>
    public const double ArcPerNode = 120;

    public async Task<NeighbourhoodGraph> BuildAsync(int customerId, int steps, DateOnly asOf, CancellationToken cancellationToken = default)
    {
        var neighbourhood = await new RelationGraphService(db).NeighbourhoodAsync(customerId, steps, asOf, cancellationToken);
        var ids = neighbourhood.Distances.Keys.ToList();
        var customers = await db.Customers.Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => (c.Code, c.Name), cancellationToken);
        var severities = await db.WarningSignals.Where(s => s.IsActive && ids.Contains(s.CustomerId))
            .GroupBy(s => s.CustomerId).Select(g => new { g.Key, Worst = g.Max(s => s.Severity) })
            .ToDictionaryAsync(g => g.Key, g => g.Worst, cancellationToken);
        var positions = Layout(customerId, neighbourhood.Distances, neighbourhood.Links);
        var nodes = neighbourhood.Distances
            .OrderBy(d => d.Value).ThenBy(d => d.Key)
            .Select(d =>
            {
                var (code, name) = customers[d.Key];
                var (x, y) = positions.Points[d.Key];
                return new GraphNode(d.Key, code, name, d.Value, severities.TryGetValue(d.Key, out var s) ? s : null, x, y);
            })
            .ToList();
        var edges = neighbourhood.Links.Select(l => new GraphEdge(
            l.Relation.From, l.Relation.To, l.Relation.Kind, RelationKinds.Label(l.Relation.Kind), l.Origin, l.RecordId,
            RelationKinds.IsDirected(l.Relation.Kind), l.Amount, l.Note)).ToList();
        return new NeighbourhoodGraph(customerId, steps, asOf, positions.Width, positions.Height, nodes, edges);
    }

    /// <summary>
    /// The radial layout: ring d has radius max(d × <see cref="RingStep"/>, the previous ring + step, room for its customers);
    /// ring 1 is shared evenly; each later customer sits in the sector of its parent (the nearer customer it is linked to
    /// with the smallest angle), its siblings spread evenly across that sector.
    /// </summary>
    public static (Dictionary<int, (double X, double Y)> Points, double Width, double Height) Layout(int centre, IReadOnlyDictionary<int, int> distances, IReadOnlyList<RelationLink> links)
    {
        ArgumentNullException.ThrowIfNull(distances);
        ArgumentNullException.ThrowIfNull(links);
        var neighbours = new Dictionary<int, List<int>>();
        foreach (var link in links)
        {
            Add(neighbours, link.Relation.From, link.Relation.To);
            Add(neighbours, link.Relation.To, link.Relation.From);
        }

        var angle = new Dictionary<int, double> { [centre] = 0 };
        var sector = new Dictionary<int, double> { [centre] = 2 * Math.PI };
        var radius = new Dictionary<int, double> { [0] = 0 };
        var maxDistance = distances.Values.DefaultIfEmpty(0).Max();
        for (var d = 1; d <= maxDistance; d++)
        {
            var ring = distances.Where(p => p.Value == d).Select(p => p.Key).Order().ToList();
            radius[d] = Math.Max(radius[d - 1] + RingStep, ring.Count * ArcPerNode / (2 * Math.PI));
            var byParent = ring
                .GroupBy(id => neighbours.GetValueOrDefault(id, [])
                    .Where(n => distances.TryGetValue(n, out var nd) && nd == d - 1 && angle.ContainsKey(n))
                    .OrderBy(n => angle[n]).ThenBy(n => n)
                    .DefaultIfEmpty(centre).First())
                .OrderBy(g => angle[g.Key]);
            foreach (var group in byParent)
            {
                var children = group.ToList();
                // The first ring shares the whole circle; later rings the parent's sector, at most a little under it.
                var width = d == 1 ? 2 * Math.PI : sector[group.Key] * 0.9;
                var step = width / children.Count;
                var start = d == 1 ? -Math.PI / 2 : angle[group.Key] - width / 2 + step / 2;
                for (var i = 0; i < children.Count; i++)
                {
                    angle[children[i]] = start + i * step;
                    sector[children[i]] = step;
                }
            }
        }

        var outer = radius[maxDistance];
        var size = 2 * (outer + Margin);
        var points = distances.Keys.ToDictionary(id => id, id =>
        {
            var r = radius[distances[id]];
            return (Math.Round(size / 2 + r * Math.Cos(angle[id]), 1), Math.Round(size / 2 + r * Math.Sin(angle[id]), 1));
        });
        return (points, size, size);
    }

    private static void Add(Dictionary<int, List<int>> neighbours, int from, int to)
    {
        if (!neighbours.TryGetValue(from, out var list))
        {
            list = [];
            neighbours.Add(from, list);
        }

        list.Add(to);
    }
}
