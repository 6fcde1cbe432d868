namespace PostLoan.Domain.Warning.Relations;

/// <summary>Which way a signal travels along a guarantee (担保传导方向).</summary>
public enum GuaranteeContagion
{
    /// <summary>From a borrower to its guarantors: the guarantor may have to pay in its place (代偿). The default.</summary>
    ToGuarantors,
    /// <summary>From a guarantor to the borrowers it guarantees: their credit support weakens.</summary>
    ToBorrowers,
    /// <summary>Both ways.</summary>
    Both,
}

/// <summary>
/// Parameters of related-party contagion (关联客户预警传导): the strength of each kind of link, the direction of
/// guarantees, how far a signal travels and the weakest derived signal worth raising.
/// </summary>
/// <remarks>
/// Defaults: guarantee 0.8, group 0.7, legal representative 0.6, shareholder 0.5, transaction 0.4, address 0.3,
/// phone 0.3, litigation 0.3, other 0.2; at most 3 links away; nothing derived below 0.2; guarantees carry a signal from the
/// borrower to its guarantors. A kind set to 0 carries nothing. See docs/related-parties.md.
/// </remarks>
public sealed record ContagionSettings
{
    /// <summary>The documented defaults.</summary>
    public static ContagionSettings Default { get; } = new();

    /// <summary>Strength of a guarantee link (担保), default 0.8.</summary>
    public decimal Guarantee { get; init => field = Link(value); } = 0.8m;

    /// <summary>Strength of a group link (同一集团), default 0.7.</summary>
    public decimal Group { get; init => field = Link(value); } = 0.7m;

    /// <summary>Strength of a shared legal representative (同一法人), default 0.6.</summary>
    public decimal LegalRepresentative { get; init => field = Link(value); } = 0.6m;

    /// <summary>Strength of a shared shareholder (同一股东), default 0.5.</summary>
    public decimal Shareholder { get; init => field = Link(value); } = 0.5m;

    /// <summary>Strength of a supplier/buyer link (交易往来), default 0.4.</summary>
    public decimal Transaction { get; init => field = Link(value); } = 0.4m;

    /// <summary>Strength of a shared address (同一地址), default 0.3.</summary>
    public decimal Address { get; init => field = Link(value); } = 0.3m;

    /// <summary>Strength of a shared phone number (同一电话), default 0.3.</summary>
    public decimal Phone { get; init => field = Link(value); } = 0.3m;

    /// <summary>Strength of a litigation counterparty link (诉讼关联), default 0.3.</summary>
    public decimal Litigation { get; init => field = Link(value); } = 0.3m;

    /// <summary>Strength of any other recorded link (其他关联), default 0.2.</summary>
    public decimal Other { get; init => field = Link(value); } = 0.2m;

    /// <summary>Which way a signal travels along a guarantee; default <see cref="GuaranteeContagion.ToGuarantors"/>.</summary>
    public GuaranteeContagion GuaranteeDirection { get; init; } = GuaranteeContagion.ToGuarantors;

    /// <summary>The farthest a signal travels, in links (hops); default 3. At least 1.</summary>
    public int MaxDistance
    {
        get;
        init => field = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(MaxDistance), value, "At least one link.");
    } = 3;

    /// <summary>A derived strength below this raises nothing (and is not carried further); default 0.2. In (0, 1].</summary>
    public decimal MinimumStrength
    {
        get;
        init => field = value is > 0m and <= 1m ? value : throw new ArgumentOutOfRangeException(nameof(MinimumStrength), value, "A minimum lies in (0, 1].");
    } = 0.2m;

    /// <summary>The default strength of a kind of link.</summary>
    public decimal StrengthOf(RelationKind kind) => kind switch
    {
        RelationKind.Guarantee => Guarantee,
        RelationKind.LegalRepresentative => LegalRepresentative,
        RelationKind.Shareholder => Shareholder,
        RelationKind.Address => Address,
        RelationKind.Phone => Phone,
        RelationKind.Transaction => Transaction,
        RelationKind.Group => Group,
        RelationKind.Litigation => Litigation,
        RelationKind.Other => Other,
    };

    /// <summary>The strength of one link: its own, if recorded, else its kind's.</summary>
    public decimal StrengthOf(Relation relation) => relation.Strength ?? StrengthOf(relation.Kind);

    private static decimal Link(decimal value) =>
        value is >= 0m and <= 1m ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "A strength lies in [0, 1].");
}
