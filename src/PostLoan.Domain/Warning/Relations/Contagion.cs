using System.Globalization;
using System.Text;

namespace PostLoan.Domain.Warning.Relations;

/// <summary>One link a derived signal travelled, in the direction it travelled.</summary>
/// <param name="From">The customer the signal came from.</param>
/// <param name="To">The customer it reached.</param>
/// <param name="Relation">The relation walked (for a guarantee, its own From is still the guarantor).</param>
/// <param name="LinkStrength">The strength of that link under the settings used.</param>
public sealed record ContagionStep(int From, int To, Relation Relation, decimal LinkStrength);

/// <summary>
/// A signal derived on a linked customer (关联客户衍生预警): its strength, how many links away it is and the path
/// that gave it that strength.
/// </summary>
/// <param name="CustomerId">The linked customer.</param>
/// <param name="Strength">Source strength × the product of the link strengths along <paramref name="Path"/>.</param>
/// <param name="Distance">Number of links in <paramref name="Path"/> (hops).</param>
/// <param name="Path">The strongest path from the source, first link first.</param>
public sealed record DerivedSignal(int CustomerId, decimal Strength, int Distance, IReadOnlyList<ContagionStep> Path)
{
    /// <summary>The path as text, e.g. "A →担保→ B →同一法人→ C", customers named by <paramref name="name"/> (ids by default).</summary>
    public string Explain(Func<int, string>? name = null)
    {
        name ??= id => id.ToString(CultureInfo.InvariantCulture);
        var text = new StringBuilder(name(Path[0].From));
        foreach (var step in Path)
        {
            text.Append(" →").Append(RelationKinds.Label(step.Relation.Kind)).Append("→ ").Append(name(step.To));
        }

        return text.ToString();
    }
}

/// <summary>
/// Related-party contagion (关联客户预警传导): a severe signal on one customer derives signals on the customers linked
/// to it, weaker with each link.
/// </summary>
/// <remarks>
/// The strength reaching a customer is the source strength times the product of the link strengths along the strongest
/// path of at most <see cref="ContagionSettings.MaxDistance"/> links (a max-product path). Link strengths are at most 1,
/// so a path only weakens as it grows: a best-first search that always extends the strongest open path finds it. Because
/// the distance is bounded, a customer may be reached again by a weaker but shorter path that can still travel further;
/// such a path is kept only while it is shorter than every stronger one already found, so the result is exact within the
/// bound. Paths weaker than <see cref="ContagionSettings.MinimumStrength"/> are dropped and not extended. Ties go to the
/// shorter path, then to the path found first with neighbours taken in ascending id order.
/// </remarks>
public static class Contagion
{
    /// <summary>
    /// Derives signals from a signal on <paramref name="sourceCustomerId"/> onto every customer linked to it within the
    /// settings' distance and strength: each customer once, with its strongest path; the source itself is excluded.
    /// Ordered by strength (strongest first), then distance, then customer id.
    /// </summary>
    /// <param name="graph">The relations in force on the business date.</param>
    /// <param name="sourceCustomerId">The customer with the severe signal.</param>
    /// <param name="sourceStrength">The strength of the source signal in (0, 1] (e.g. 1 for a verified red signal).</param>
    /// <param name="settings">Link strengths, direction and bounds; <see cref="ContagionSettings.Default"/> when null.</param>
    public static IReadOnlyList<DerivedSignal> Propagate(RelationGraph graph, int sourceCustomerId, decimal sourceStrength = 1m, ContagionSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sourceStrength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sourceStrength, 1m);
        settings ??= ContagionSettings.Default;

        var labels = new List<Label> { new(sourceCustomerId, sourceStrength, 0, -1, null, 0m) };
        var open = new PriorityQueue<int, (decimal Strength, int Hops, int Order)>(StrongestFirst.Instance);
        open.Enqueue(0, (sourceStrength, 0, 0));

        // The fewest links of any path already settled on a customer; every later path to it is weaker.
        var settledHops = new Dictionary<int, int>();
        var derived = new List<DerivedSignal>();

        while (open.TryDequeue(out var index, out _))
        {
            var label = labels[index];
            var reachedBefore = settledHops.TryGetValue(label.Customer, out var hops);
            if (reachedBefore && hops <= label.Hops)
            {
                continue;
            }

            settledHops[label.Customer] = label.Hops;
            if (!reachedBefore && label.Customer != sourceCustomerId)
            {
                derived.Add(Signal(labels, index));
            }

            if (label.Hops == settings.MaxDistance)
            {
                continue;
            }

            foreach (var relation in graph.RelationsOf(label.Customer))
            {
                if (!Carries(relation, label.Customer, settings.GuaranteeDirection))
                {
                    continue;
                }

                var next = relation.Other(label.Customer);
                if (settledHops.TryGetValue(next, out var nextHops) && nextHops <= label.Hops + 1)
                {
                    continue;
                }

                var link = settings.StrengthOf(relation);
                var strength = label.Strength * link;
                if (strength < settings.MinimumStrength)
                {
                    continue;
                }

                labels.Add(new Label(next, strength, label.Hops + 1, index, relation, link));
                open.Enqueue(labels.Count - 1, (strength, label.Hops + 1, labels.Count - 1));
            }
        }

        derived.Sort((a, b) =>
        {
            var byStrength = b.Strength.CompareTo(a.Strength);
            if (byStrength != 0)
            {
                return byStrength;
            }

            var byDistance = a.Distance.CompareTo(b.Distance);
            return byDistance != 0 ? byDistance : a.CustomerId.CompareTo(b.CustomerId);
        });
        return derived;
    }

    /// <summary>Whether a signal at <paramref name="at"/> travels along <paramref name="relation"/> to its other end.</summary>
    public static bool Carries(Relation relation, int at, GuaranteeContagion guaranteeDirection)
    {
        ArgumentNullException.ThrowIfNull(relation);
        if (relation.Kind != RelationKind.Guarantee)
        {
            return true;
        }

        var atBorrower = relation.To == at;
        return guaranteeDirection switch
        {
            GuaranteeContagion.ToGuarantors => atBorrower,
            GuaranteeContagion.ToBorrowers => !atBorrower,
            GuaranteeContagion.Both => true,
        };
    }

    private static DerivedSignal Signal(List<Label> labels, int index)
    {
        var target = labels[index];
        var steps = new List<ContagionStep>(target.Hops);
        for (var at = index; labels[at].Parent >= 0; at = labels[at].Parent)
        {
            var label = labels[at];
            steps.Add(new ContagionStep(labels[label.Parent].Customer, label.Customer, label.Via!, label.LinkStrength));
        }

        steps.Reverse();
        return new DerivedSignal(target.Customer, target.Strength, target.Hops, steps);
    }

    /// <summary>A path found by the search: its last customer, strength and length, and how it got there.</summary>
    private sealed record Label(int Customer, decimal Strength, int Hops, int Parent, Relation? Via, decimal LinkStrength);

    /// <summary>Strongest first; then fewer links; then found first.</summary>
    private sealed class StrongestFirst : IComparer<(decimal Strength, int Hops, int Order)>
    {
        public static readonly StrongestFirst Instance = new();

        public int Compare((decimal Strength, int Hops, int Order) x, (decimal Strength, int Hops, int Order) y)
        {
            var byStrength = y.Strength.CompareTo(x.Strength);
            if (byStrength != 0)
            {
                return byStrength;
            }

            var byHops = x.Hops.CompareTo(y.Hops);
            return byHops != 0 ? byHops : x.Order.CompareTo(y.Order);
        }
    }
}
