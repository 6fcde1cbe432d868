using PostLoan.Domain.Warning.Relations;
using PostLoan.Domain.Warning.Signals;

namespace PostLoan.Domain.Tests.Warning;

/// <summary>
/// The severity of a derived signal (docs/related-parties.md): the origin's from strength 0.5, one step lower below it
/// (red → orange, orange → yellow, yellow stays yellow); and the "other" kind of link, 0.2 by default.
/// </summary>
public class DerivedSignalSeverity
{
    [Theory]
    [InlineData(SignalSeverity.Red, "1", SignalSeverity.Red)]
    [InlineData(SignalSeverity.Red, "0.512", SignalSeverity.Red)]
    [InlineData(SignalSeverity.Red, "0.5", SignalSeverity.Red)]
    [InlineData(SignalSeverity.Red, "0.4999", SignalSeverity.Orange)]
    [InlineData(SignalSeverity.Red, "0.2", SignalSeverity.Orange)]
    [InlineData(SignalSeverity.Orange, "0.64", SignalSeverity.Orange)]
    [InlineData(SignalSeverity.Orange, "0.42", SignalSeverity.Yellow)]
    [InlineData(SignalSeverity.Yellow, "0.8", SignalSeverity.Yellow)]
    [InlineData(SignalSeverity.Yellow, "0.3", SignalSeverity.Yellow)]
    public void Keeps_the_origin_severity_from_strength_0_5_and_is_one_step_lower_below(SignalSeverity origin, string strength, SignalSeverity expected) =>
        Assert.Equal(expected, DerivedSeverity.Of(origin, decimal.Parse(strength, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void An_other_link_carries_0_2_by_default_and_its_own_strength_when_recorded()
    {
        var graph = RelationGraph.Build([new Relation(1, 2, RelationKind.Other), new Relation(1, 3, RelationKind.Other, 0.45m)], new DateOnly(2026, 3, 10));

        var signals = Contagion.Propagate(graph, 1);

        Assert.Equal([(3, 0.45m, 1), (2, 0.2m, 1)], signals.Select(s => (s.CustomerId, s.Strength, s.Distance)));
        Assert.Equal("1 →其他关联→ 3", signals[0].Explain());
    }

    [Fact]
    public void Only_links_that_do_not_come_from_the_ledger_are_recorded()
    {
        Assert.Equal(
            [RelationKind.LegalRepresentative, RelationKind.Shareholder, RelationKind.Address, RelationKind.Phone, RelationKind.Transaction, RelationKind.Litigation, RelationKind.Other],
            Enum.GetValues<RelationKind>().Where(CustomerRelation.IsRecordable));
    }
}
