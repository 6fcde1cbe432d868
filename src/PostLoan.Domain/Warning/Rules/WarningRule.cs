using PostLoan.Domain.Ledger.Customers;
using PostLoan.Domain.Warning.Signals;

namespace PostLoan.Domain.Warning.Rules;

/// <summary>What a warning rule watches, for grouping the rule list (规则类别).</summary>
public enum RuleCategory
{
    /// <summary>还款行为: days past due, missed payments.</summary>
    Repayment = 1,

    /// <summary>财务状况: statements, ratios, cash flow.</summary>
    Financial = 2,

    /// <summary>外部信息: litigation, enforcement, registration, credit report.</summary>
    External = 3,

    /// <summary>经营监测: devices, electricity, operating rate, inventory.</summary>
    Operations = 4,
}

/// <summary>
/// The lifecycle of a rule version (规则版本状态): a draft is edited; a shadow version is evaluated every night and its hits
/// recorded, never raised (影子运行); a published version raises signals (已发布); a retired one no longer runs (已停用).
/// Publishing a version retires the rule's previously published one.
/// </summary>
public enum RuleVersionState
{
    Draft = 1,
    Shadow = 2,
    Published = 3,
    Retired = 4,
}

/// <summary>A warning rule (预警规则): a stable identity, names and category; what it checks lives in its versions.</summary>
public sealed class WarningRule
{
    public int Id { get; set; }

    /// <summary>Stable code, e.g. <c>DPD30</c>; signals of the rule are deduplicated by the rule id.</summary>
    public required string Code { get; set; }

    public required string NameZh { get; set; }

    public required string NameEn { get; set; }

    public RuleCategory Category { get; set; }

    /// <summary>True for the starter rules the product ships (seeded at start-up).</summary>
    public bool Starter { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// One version of a warning rule: the expression (checked and compiled on save), the severity of the signals it raises,
/// its scope and effective dates, and who wrote and who approved it (maker-checker on publication).
/// </summary>
public sealed class WarningRuleVersion
{
    public int Id { get; set; }

    public int RuleId { get; set; }

    /// <summary>1, 2, … within the rule.</summary>
    public int Number { get; set; }

    /// <summary>The expression (docs/warning-rules.md), at most 4,000 characters.</summary>
    public required string Expression { get; set; }

    public SignalSeverity Severity { get; set; }

    /// <summary>Organisations whose subtrees the rule covers; empty: every organisation.</summary>
    public List<int> OrganisationIds { get; set; } = [];

    /// <summary>Loan products: the rule covers customers with a loan of one of them; empty: every product.</summary>
    public List<int> ProductIds { get; set; } = [];

    /// <summary>Industries (行业) covered, as written on the customer; empty: every industry.</summary>
    public List<string> Industries { get; set; } = [];

    /// <summary>Customer kinds covered (个人 / 企业); empty: both.</summary>
    public List<CustomerKind> CustomerKinds { get; set; } = [];

    /// <summary>First business date the version may run; null: at once.</summary>
    public DateOnly? EffectiveFrom { get; set; }

    /// <summary>Last business date the version may run (inclusive); null: open-ended.</summary>
    public DateOnly? EffectiveTo { get; set; }

    public RuleVersionState State { get; set; } = RuleVersionState.Draft;

    /// <summary>Why this version was written (修改说明).</summary>
    public string? Note { get; set; }

    public required string AuthorId { get; set; }

    public string? AuthorName { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The second risk manager who published it (never the author).</summary>
    public string? ApprovedById { get; set; }

    public string? ApprovedByName { get; set; }

    public DateTimeOffset? PublishedAt { get; set; }

    public DateTimeOffset? RetiredAt { get; set; }

    /// <summary>True when the version may run on <paramref name="date"/> by its effective dates.</summary>
    public bool IsEffectiveOn(DateOnly date) =>
        (EffectiveFrom is not { } from || from <= date) && (EffectiveTo is not { } to || date <= to);
}

/// <summary>A shadow version's hit (影子命中): the version fired for the customer at the date's close; never raised.</summary>
public sealed class ShadowHit
{
    public long Id { get; set; }

    public DateOnly Date { get; set; }

    public int RuleVersionId { get; set; }

    public int RuleId { get; set; }

    public int CustomerId { get; set; }

    /// <summary>True when the rule's published version fired for the same customer that night.</summary>
    public bool PublishedAlsoFired { get; set; }

    /// <summary>Copied from the customer for the data scope.</summary>
    public string OrganisationPath { get; set; } = "/";

    public string? AccountManagerId { get; set; }
}

/// <summary>What one version did at one nightly close (规则运行统计): customers evaluated, hits, unknown for lack of data.</summary>
public sealed class RuleRun
{
    public long Id { get; set; }

    public DateOnly Date { get; set; }

    public int RuleVersionId { get; set; }

    public int RuleId { get; set; }

    public RuleVersionState State { get; set; }

    /// <summary>Customers in the version's scope.</summary>
    public int Evaluated { get; set; }

    /// <summary>Customers for whom the rule was true.</summary>
    public int Hits { get; set; }

    /// <summary>Customers for whom it could not be decided for missing data.</summary>
    public int Unknown { get; set; }

    /// <summary>For a shadow version: hits where the published version also fired.</summary>
    public int Overlap { get; set; }
}

/// <summary>
/// A nightly refresh of an active rule signal, with what it replaced, so that reopening the date can put the signal back
/// (<c>warning_rule_refreshes</c>).
/// </summary>
public sealed class RuleSignalRefresh
{
    public long Id { get; set; }

    public DateOnly Date { get; set; }

    public long SignalId { get; set; }

    public DateOnly PreviousLastSeenOn { get; set; }

    public SignalSeverity PreviousSeverity { get; set; }

    public int? PreviousRuleVersionId { get; set; }
}
