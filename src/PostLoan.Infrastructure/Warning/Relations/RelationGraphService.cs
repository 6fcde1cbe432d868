using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Ledger.CreditSupport;
using PostLoan.Domain.Ledger.Loans;
using PostLoan.Domain.Risk;
using PostLoan.Domain.Warning.Relations;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Infrastructure.Warning.Relations;

/// <summary>Where a link of the graph is kept.</summary>
public enum LinkOrigin
{
    /// <summary>A recorded relation (<c>customer_relations</c>).</summary>
    Relation = 1,

    /// <summary>A guarantee of the ledger (<c>guarantees</c>) given by a customer of the bank.</summary>
    Guarantee = 2,

    /// <summary>Membership of the same customer group (<c>group_members</c>).</summary>
    Group = 3,
}

/// <summary>One link of the graph with where it comes from.</summary>
/// <param name="Relation">The link as the domain sees it (for a guarantee, From is the guarantor).</param>
/// <param name="Origin">Recorded relation, ledger guarantee or group membership.</param>
/// <param name="RecordId">Id of the relation, the guarantee or the group.</param>
/// <param name="Amount">Guaranteed amount, or annual transaction amount, in yuan.</param>
/// <param name="Note">Evidence of a recorded relation, contract number of a guarantee, name of a group.</param>
public sealed record RelationLink(Relation Relation, LinkOrigin Origin, long RecordId, decimal? Amount, string? Note);

/// <summary>The customers within some links of one customer and the links among them.</summary>
/// <param name="CustomerId">The centre.</param>
/// <param name="Distances">Every customer reached with its distance in links (the centre at 0).</param>
/// <param name="Links">The links among those customers in force on the date.</param>
public sealed record Neighbourhood(int CustomerId, IReadOnlyDictionary<int, int> Distances, IReadOnlyList<RelationLink> Links)
{
    /// <summary>The domain graph of the links.</summary>
    public RelationGraph Graph(DateOnly asOf) => RelationGraph.Build(Links.Select(l => l.Relation), asOf);
}

/// <summary>
/// Builds the relationship graph (关联关系图) from the recorded relations and, live, from the ledger: a guarantee given
/// by a customer of the bank is a guarantee link (guarantor → borrower), two members of one customer group are a group
/// link. Everything read goes through the caller's data scope: a customer the caller may not see is neither listed nor
/// passed through. Acting as the system (related-party contagion), the whole book is reachable.
/// </summary>
public sealed class RelationGraphService(PostLoanDbContext db)
{
    /// <summary>The customers within <paramref name="steps"/> links of <paramref name="customerId"/> on <paramref name="asOf"/>, and the links among them.</summary>
    public async Task<Neighbourhood> NeighbourhoodAsync(int customerId, int steps, DateOnly asOf, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        var distances = new Dictionary<int, int> { [customerId] = 0 };
        var links = new Dictionary<(LinkOrigin, long, int, int), RelationLink>();
        var frontier = new List<int> { customerId };
        // One pass more than the steps: the last only adds the links among customers already reached.
        for (var step = 1; step <= steps + 1 && frontier.Count > 0; step++)
        {
            var found = await LinksTouchingAsync(frontier, asOf, cancellationToken);
            var unseen = found.SelectMany(l => new[] { l.Relation.From, l.Relation.To }).Where(id => !distances.ContainsKey(id)).Distinct().ToList();
            var next = step <= steps ? await VisibleAsync(unseen, cancellationToken) : [];
            foreach (var id in next)
            {
                distances[id] = step;
            }

            foreach (var link in found.Where(l => distances.ContainsKey(l.Relation.From) && distances.ContainsKey(l.Relation.To)))
            {
                links.TryAdd((link.Origin, link.RecordId, link.Relation.From, link.Relation.To), link);
            }

            frontier = next;
        }

        var ordered = links.Values
            .OrderBy(l => Math.Min(distances[l.Relation.From], distances[l.Relation.To]))
            .ThenBy(l => l.Relation.From).ThenBy(l => l.Relation.To).ThenBy(l => l.Relation.Kind).ThenBy(l => l.RecordId)
            .ToList();
        return new Neighbourhood(customerId, distances, ordered);
    }

    /// <summary>Every guarantee link in force between customers the caller may see (the input of circle and chain detection).</summary>
    public async Task<IReadOnlyList<RelationLink>> GuaranteeLinksAsync(DateOnly asOf, CancellationToken cancellationToken = default)
    {
        var guarantees = await GuaranteesInForce(asOf).ToListAsync(cancellationToken);
        var visible = (await VisibleAsync([.. guarantees.Select(g => g.GuarantorCustomerId!.Value).Distinct()], cancellationToken)).ToHashSet();
        return [.. guarantees.Where(g => visible.Contains(g.GuarantorCustomerId!.Value)).Select(GuaranteeLink)];
    }

    /// <summary>
    /// Per customer: the worst five-level category of its open loans (null without one) and its outstanding principal,
    /// for the customers given that the caller may see.
    /// </summary>
    public async Task<Dictionary<int, (FiveLevelCategory? Worst, decimal Outstanding)>> ExposureAsync(IReadOnlyCollection<int> customerIds, CancellationToken cancellationToken = default)
    {
        var ids = customerIds.ToList();
        var rows = await (from l in db.Loans
                          join p in db.LoanPositions on l.Id equals p.LoanId
                          where ids.Contains(l.CustomerId) && p.Status != LoanStatus.Settled && p.Status != LoanStatus.WrittenOff
                          select new { l.CustomerId, p.Category, p.PrincipalOutstanding })
            .ToListAsync(cancellationToken);
        return rows.GroupBy(r => r.CustomerId)
            .ToDictionary(g => g.Key, g => ((FiveLevelCategory?)g.Max(r => r.Category), g.Sum(r => r.PrincipalOutstanding)));
    }

    /// <summary>Above this many customers asked, <see cref="LinkedAsync"/> reads every linked customer of the book once instead of asking per chunk.</summary>
    private const int ReadAllLinkedAbove = 4000;

    /// <summary>Those of <paramref name="customers"/> with at least one link in force on <paramref name="asOf"/> (the others cannot pass a signal on).</summary>
    public async Task<HashSet<int>> LinkedAsync(IEnumerable<int> customers, DateOnly asOf, CancellationToken cancellationToken = default)
    {
        var distinct = customers.ToHashSet();
        if (distinct.Count > ReadAllLinkedAbove)
        {
            // A night's hundreds of thousands of signals: the book's linked customers are far fewer than the questions.
            var all = await AllLinkedAsync(asOf, cancellationToken);
            all.IntersectWith(distinct);
            return all;
        }

        var linked = new HashSet<int>();
        foreach (var chunk in distinct.Chunk(2000))
        {
            var asked = chunk.ToHashSet();
            foreach (var link in await LinksTouchingAsync([.. chunk], asOf, cancellationToken))
            {
                foreach (var end in new[] { link.Relation.From, link.Relation.To }.Where(asked.Contains))
                {
                    linked.Add(end);
                }
            }
        }

        return linked;
    }

    /// <summary>
    /// Every customer with at least one link in force on <paramref name="asOf"/>: an end of a confirmed relation or of a
    /// guarantee in force, or a member of a group with another member — set-based, in the caller's data scope.
    /// </summary>
    public async Task<HashSet<int>> AllLinkedAsync(DateOnly asOf, CancellationToken cancellationToken = default)
    {
        var relations = db.CustomerRelations.Where(r => r.Status == RelationStatus.Confirmed
            && (r.ValidFrom == null || r.ValidFrom <= asOf) && (r.ValidTo == null || r.ValidTo >= asOf));
        var guarantees = GuaranteesInForce(asOf);
        var groups = db.GroupMemberships.GroupBy(m => m.GroupId).Where(g => g.Count() > 1).Select(g => g.Key);
        var linked = new HashSet<int>();
        linked.UnionWith(await relations.Select(r => r.FromCustomerId).Union(relations.Select(r => r.ToCustomerId)).ToListAsync(cancellationToken));
        linked.UnionWith(await guarantees.Select(g => g.CustomerId).Union(guarantees.Select(g => g.GuarantorCustomerId!.Value)).ToListAsync(cancellationToken));
        linked.UnionWith(await db.GroupMemberships.Where(m => groups.Contains(m.GroupId)).Select(m => m.CustomerId).Distinct().ToListAsync(cancellationToken));
        return linked;
    }

    /// <summary>The links in force that touch any of <paramref name="customers"/>.</summary>
    private async Task<List<RelationLink>> LinksTouchingAsync(List<int> customers, DateOnly asOf, CancellationToken cancellationToken)
    {
        var relations = await db.CustomerRelations.AsNoTracking()
            .Where(r => r.Status == RelationStatus.Confirmed
                && (customers.Contains(r.FromCustomerId) || customers.Contains(r.ToCustomerId))
                && (r.ValidFrom == null || r.ValidFrom <= asOf) && (r.ValidTo == null || r.ValidTo >= asOf))
            .ToListAsync(cancellationToken);
        var links = relations.Select(r => new RelationLink(r.ToRelation(), LinkOrigin.Relation, r.Id, r.AnnualAmount, r.Evidence)).ToList();

        var guarantees = await GuaranteesInForce(asOf)
            .Where(g => customers.Contains(g.CustomerId) || customers.Contains(g.GuarantorCustomerId!.Value))
            .ToListAsync(cancellationToken);
        links.AddRange(guarantees.Select(GuaranteeLink));

        var groupIds = await db.GroupMemberships.Where(m => customers.Contains(m.CustomerId)).Select(m => m.GroupId).Distinct().ToListAsync(cancellationToken);
        if (groupIds.Count > 0)
        {
            var members = await db.GroupMemberships.AsNoTracking().Where(m => groupIds.Contains(m.GroupId)).ToListAsync(cancellationToken);
            var names = await db.CustomerGroups.IgnoreQueryFilters().Where(g => groupIds.Contains(g.Id)).ToDictionaryAsync(g => g.Id, g => g.Name, cancellationToken);
            var touching = customers.ToHashSet();
            foreach (var group in members.GroupBy(m => m.GroupId))
            {
                var list = group.OrderBy(m => m.CustomerId).ToList();
                for (var i = 0; i < list.Count; i++)
                {
                    for (var j = i + 1; j < list.Count; j++)
                    {
                        var (a, b) = (list[i], list[j]);
                        if (a.CustomerId != b.CustomerId && (touching.Contains(a.CustomerId) || touching.Contains(b.CustomerId)))
                        {
                            var from = Later(a.JoinedOn, b.JoinedOn);
                            links.Add(new RelationLink(new Relation(a.CustomerId, b.CustomerId, RelationKind.Group, null, from), LinkOrigin.Group, group.Key, null, names.GetValueOrDefault(group.Key)));
                        }
                    }
                }
            }
        }

        return links;
    }

    private IQueryable<Guarantee> GuaranteesInForce(DateOnly asOf) => db.Guarantees.AsNoTracking()
        .Where(g => g.Status == GuaranteeStatus.Active && g.GuarantorCustomerId != null && g.GuarantorCustomerId != g.CustomerId
            && g.StartDate <= asOf && g.EndDate >= asOf);

    private static RelationLink GuaranteeLink(Guarantee g) => new(
        new Relation(g.GuarantorCustomerId!.Value, g.CustomerId, RelationKind.Guarantee, null, g.StartDate, g.EndDate),
        LinkOrigin.Guarantee, g.Id, g.Amount, g.ContractNumber);

    /// <summary>Those of <paramref name="ids"/> the caller may see.</summary>
    private async Task<List<int>> VisibleAsync(List<int> ids, CancellationToken cancellationToken) => ids.Count == 0
        ? []
        : await db.Customers.Where(c => ids.Contains(c.Id)).Select(c => c.Id).OrderBy(id => id).ToListAsync(cancellationToken);

    private static DateOnly? Later(DateOnly? a, DateOnly? b) => a is null ? b : b is null ? a : a > b ? a : b;
}
