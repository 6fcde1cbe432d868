using PostLoan.Domain.Warning.Relations;
using PostLoan.Infrastructure.Warning.Relations;

namespace PostLoan.Web.Features.Warning.Relations;

/// <summary>Text keys of the related-party enumerations (Resources/texts.tsv).</summary>
public static class RelationTexts
{
    public static string Kind(RelationKind kind) => kind switch
    {
        RelationKind.Guarantee => "RelationsKindGuarantee",
        RelationKind.LegalRepresentative => "RelationsKindLegalRepresentative",
        RelationKind.Shareholder => "RelationsKindShareholder",
        RelationKind.Address => "RelationsKindAddress",
        RelationKind.Phone => "RelationsKindPhone",
        RelationKind.Transaction => "RelationsKindTransaction",
        RelationKind.Group => "RelationsKindGroup",
        RelationKind.Litigation => "RelationsKindLitigation",
        RelationKind.Other => "RelationsKindOther",
    };

    public static string Origin(LinkOrigin origin) => origin switch
    {
        LinkOrigin.Relation => "RelationsOriginRelation",
        LinkOrigin.Guarantee => "RelationsOriginGuarantee",
        LinkOrigin.Group => "RelationsOriginGroup",
    };

    public static string Source(RelationSource source) => source switch
    {
        RelationSource.Manual => "RelationsSourceManual",
        RelationSource.Import => "RelationsSourceImport",
        RelationSource.Detected => "RelationsSourceDetected",
    };

    public static string Status(RelationStatus status) => status switch
    {
        RelationStatus.Proposed => "RelationsStatusProposed",
        RelationStatus.Confirmed => "RelationsStatusConfirmed",
        RelationStatus.Rejected => "RelationsStatusRejected",
    };

    public static string Direction(RelationDirection direction) => direction switch
    {
        RelationDirection.Mutual => "RelationsDirectionMutual",
        RelationDirection.FromTo => "RelationsDirectionFromTo",
    };

    public static string GuaranteeDirection(GuaranteeContagion direction) => direction switch
    {
        GuaranteeContagion.ToGuarantors => "RelationsToGuarantors",
        GuaranteeContagion.ToBorrowers => "RelationsToBorrowers",
        GuaranteeContagion.Both => "RelationsBothWays",
    };

    /// <summary>The key of a guarantee structure's label: 互保, 担保圈 or 担保链.</summary>
    public static string Structure(NetworkEntry entry) =>
        entry.IsMutual ? "RelationsMutual" : entry.Type == GuaranteeStructure.Circle ? "RelationsCircle" : "RelationsChain";
}
