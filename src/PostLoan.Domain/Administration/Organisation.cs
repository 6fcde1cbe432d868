namespace PostLoan.Domain.Administration;

/// <summary>
/// A node of the lender's organisation tree (机构): head office → branch → sub-branch (总行/分行/支行).
/// <see cref="Path"/> holds the ids from the root down, e.g. <c>/1/4/12/</c>, so a subtree is a prefix match.
/// </summary>
public sealed class Organisation
{
    public int Id { get; set; }

    /// <summary>Short code unique in the institution, e.g. <c>BJ01</c>.</summary>
    public required string Code { get; set; }

    public required string Name { get; set; }

    public OrganisationLevel Level { get; set; }

    public int? ParentId { get; set; }

    /// <summary>Materialised path of ids from the root, with leading and trailing slashes.</summary>
    public string Path { get; set; } = "/";

    public bool IsActive { get; set; } = true;

    /// <summary>Builds the path of a child of <paramref name="parentPath"/> with id <paramref name="id"/>.</summary>
    public static string ChildPath(string? parentPath, int id) =>
        string.Concat(parentPath ?? "/", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "/");

    /// <summary>True when this organisation lies in the subtree rooted at <paramref name="ancestorPath"/> (itself included).</summary>
    public bool IsWithin(string ancestorPath) => Path.StartsWith(ancestorPath, StringComparison.Ordinal);
}

/// <summary>Level of an organisation in the tree.</summary>
public enum OrganisationLevel
{
    /// <summary>总行</summary>
    HeadOffice = 0,

    /// <summary>分行</summary>
    Branch = 1,

    /// <summary>支行</summary>
    SubBranch = 2,
}
