namespace PostLoan.Domain.Warning.Relations;

/// <summary>How two customers are linked (关联关系类型). Only <see cref="Guarantee"/> is directed.</summary>
public enum RelationKind
{
    /// <summary>One customer guarantees the other's loan (担保): directed, from the guarantor to the borrower.</summary>
    Guarantee,
    /// <summary>Both have the same legal representative (同一法定代表人).</summary>
    LegalRepresentative,
    /// <summary>Both have a shareholder in common, or one holds shares of the other (同一股东 / 股权关联).</summary>
    Shareholder,
    /// <summary>Both are registered or operate at the same address (同一地址).</summary>
    Address,
    /// <summary>Both gave the same phone number (同一电话).</summary>
    Phone,
    /// <summary>Supplier and buyer of one another (交易往来 / 上下游).</summary>
    Transaction,
    /// <summary>Members of the same group of companies (同一集团).</summary>
    Group,
    /// <summary>Counterparties in a lawsuit (诉讼关联).</summary>
    Litigation,
    /// <summary>Any other link the lender records, explained by its evidence (其他关联), e.g. the same outside guarantor.</summary>
    Other,
}

/// <summary>Labels of the relation kinds, as used in explanations of a derived signal.</summary>
public static class RelationKinds
{
    /// <summary>The Chinese label of a kind, e.g. 担保 or 同一法人 (used in "A →担保→ B").</summary>
    public static string Label(RelationKind kind) => kind switch
    {
        RelationKind.Guarantee => "担保",
        RelationKind.LegalRepresentative => "同一法人",
        RelationKind.Shareholder => "同一股东",
        RelationKind.Address => "同一地址",
        RelationKind.Phone => "同一电话",
        RelationKind.Transaction => "交易往来",
        RelationKind.Group => "同一集团",
        RelationKind.Litigation => "诉讼关联",
        RelationKind.Other => "其他关联",
    };

    /// <summary>Whether the kind has a direction: only a guarantee (guarantor → borrower).</summary>
    public static bool IsDirected(RelationKind kind) => kind == RelationKind.Guarantee;
}

/// <summary>
/// A link between two customers of the bank (关联关系), as recorded by the lender.
/// </summary>
/// <remarks>
/// <para>Direction: for <see cref="RelationKind.Guarantee"/>, <see cref="From"/> is the guarantor (担保人) and
/// <see cref="To"/> the borrower whose loan is guaranteed (被担保人). Every other kind is undirected: the order of
/// <see cref="From"/> and <see cref="To"/> carries no meaning. How a signal travels along each kind is decided by
/// <see cref="ContagionSettings"/>, not here.</para>
/// <para>Effective dates are business dates, both inclusive; null means open-ended.</para>
/// </remarks>
/// <param name="From">Customer id; for a guarantee, the guarantor.</param>
/// <param name="To">Customer id; for a guarantee, the borrower. Must differ from <paramref name="From"/>.</param>
/// <param name="Kind">The kind of link.</param>
/// <param name="Strength">This link's own strength in (0, 1]; when set it replaces the kind's default from
/// <see cref="ContagionSettings"/> (e.g. a transaction link weighted by the share of the buyer's purchases).</param>
/// <param name="EffectiveFrom">First business date the link holds, or null.</param>
/// <param name="EffectiveTo">Last business date the link holds, or null.</param>
public sealed record Relation(
    int From,
    int To,
    RelationKind Kind,
    decimal? Strength = null,
    DateOnly? EffectiveFrom = null,
    DateOnly? EffectiveTo = null)
{
    /// <summary>Customer id; for a guarantee, the guarantor.</summary>
    public int From { get; init; } = From != To ? From : throw new ArgumentException("A relation links two different customers.", nameof(From));

    /// <summary>This link's own strength in (0, 1], or null for the kind's default.</summary>
    public decimal? Strength { get; init; } = Strength is null or (> 0m and <= 1m)
        ? Strength
        : throw new ArgumentOutOfRangeException(nameof(Strength), Strength, "A link strength lies in (0, 1].");

    /// <summary>Last business date the link holds, or null.</summary>
    public DateOnly? EffectiveTo { get; init; } = EffectiveFrom is null || EffectiveTo is null || EffectiveFrom <= EffectiveTo
        ? EffectiveTo
        : throw new ArgumentException("A relation cannot end before it starts.", nameof(EffectiveTo));

    /// <summary>Whether the link holds on the business date (both ends inclusive).</summary>
    public bool IsEffectiveOn(DateOnly date) => (EffectiveFrom is null || EffectiveFrom <= date) && (EffectiveTo is null || date <= EffectiveTo);
}
