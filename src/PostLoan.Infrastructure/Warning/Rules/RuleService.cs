using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Common;
using PostLoan.Domain.Ledger.Customers;
using PostLoan.Domain.Warning.Rules;
using PostLoan.Domain.Warning.Signals;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Infrastructure.Warning.Rules;

/// <summary>What a version says: expression, severity, scope and effective dates.</summary>
public sealed record RuleVersionInput(
    string? Expression,
    SignalSeverity Severity,
    IReadOnlyList<int>? OrganisationIds,
    IReadOnlyList<int>? ProductIds,
    IReadOnlyList<string>? Industries,
    IReadOnlyList<CustomerKind>? CustomerKinds,
    DateOnly? EffectiveFrom,
    DateOnly? EffectiveTo,
    string? Note);

/// <summary>A new rule with its first version.</summary>
public sealed record RuleInput(string? Code, string? NameZh, string? NameEn, RuleCategory Category, RuleVersionInput Version);

/// <summary>
/// Rule management (规则管理): rules and versions are written by risk managers and administrators; every expression is parsed
/// and type-checked against the indicator catalogue on save; a draft may run in shadow; publishing needs a second risk
/// manager (the author may not publish their own version) and retires the rule's previously published version. Scope
/// organisations must lie in the editor's data scope. Every change goes to the audit log through the context.
/// </summary>
public sealed class RuleService(PostLoanDbContext db, TimeProvider clock)
{
    /// <summary>Checks an expression against the current catalogue.</summary>
    public async Task<RuleCheck> CheckAsync(string? expression, CancellationToken cancellationToken = default) =>
        RuleChecker.Check(expression ?? "", await RuleCatalogue.LoadAsync(db, cancellationToken));

    public async Task<Result<(WarningRule Rule, WarningRuleVersion Version)>> CreateAsync(RuleInput input, CancellationToken cancellationToken = default)
    {
        var code = input.Code?.Trim().ToUpperInvariant();
        if (string.IsNullOrEmpty(code) || code.Length > 40 || !code.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            return Error.Validation("code", "is required: up to 40 letters, digits and _");
        }

        if (string.IsNullOrWhiteSpace(input.NameZh) || input.NameZh.Length > 100 || string.IsNullOrWhiteSpace(input.NameEn) || input.NameEn.Length > 100)
        {
            return Error.Validation(string.IsNullOrWhiteSpace(input.NameZh) || input.NameZh.Length > 100 ? "nameZh" : "nameEn", "is required (up to 100 characters)");
        }

        if (!Enum.IsDefined(input.Category))
        {
            return Error.Validation("category", $"'{input.Category}' is not a rule category");
        }

        if (await db.WarningRules.AnyAsync(r => r.Code == code, cancellationToken))
        {
            return Error.Conflict("rule.code", $"a rule with code {code} already exists");
        }

        var rule = new WarningRule { Code = code, NameZh = input.NameZh.Trim(), NameEn = input.NameEn.Trim(), Category = input.Category, CreatedAt = clock.GetUtcNow() };
        var version = await ValidateAsync(input.Version, cancellationToken);
        if (!version.IsSuccess)
        {
            return version.Error!;
        }

        db.WarningRules.Add(rule);
        await db.SaveChangesAsync(cancellationToken);
        version.Value!.RuleId = rule.Id;
        version.Value.Number = 1;
        db.WarningRuleVersions.Add(version.Value);
        await db.SaveChangesAsync(cancellationToken);
        return (rule, version.Value);
    }

    /// <summary>Adds a draft version to a rule.</summary>
    public async Task<Result<WarningRuleVersion>> AddVersionAsync(int ruleId, RuleVersionInput input, CancellationToken cancellationToken = default)
    {
        if (!await db.WarningRules.AnyAsync(r => r.Id == ruleId, cancellationToken))
        {
            return Error.NotFound("rule.not_found", $"rule {ruleId} does not exist");
        }

        var version = await ValidateAsync(input, cancellationToken);
        if (!version.IsSuccess)
        {
            return version.Error!;
        }

        version.Value!.RuleId = ruleId;
        version.Value.Number = 1 + (await db.WarningRuleVersions.Where(v => v.RuleId == ruleId).MaxAsync(v => (int?)v.Number, cancellationToken) ?? 0);
        db.WarningRuleVersions.Add(version.Value);
        await db.SaveChangesAsync(cancellationToken);
        return version.Value;
    }

    /// <summary>Changes a draft (only drafts may change; later states are history).</summary>
    public async Task<Result<WarningRuleVersion>> UpdateDraftAsync(int versionId, RuleVersionInput input, CancellationToken cancellationToken = default)
    {
        var found = await EditableAsync(versionId, cancellationToken);
        if (!found.IsSuccess)
        {
            return found;
        }

        var version = found.Value!;
        if (version.State != RuleVersionState.Draft)
        {
            return Error.Conflict("version.state", $"version {version.Number} is {version.State}: only a draft can be changed; write a new version");
        }

        var checkedInput = await ValidateAsync(input, cancellationToken);
        if (!checkedInput.IsSuccess)
        {
            return checkedInput.Error!;
        }

        var v = checkedInput.Value!;
        (version.Expression, version.Severity, version.OrganisationIds, version.ProductIds, version.Industries, version.CustomerKinds, version.EffectiveFrom, version.EffectiveTo, version.Note) =
            (v.Expression, v.Severity, v.OrganisationIds, v.ProductIds, v.Industries, v.CustomerKinds, v.EffectiveFrom, v.EffectiveTo, v.Note);
        await db.SaveChangesAsync(cancellationToken);
        return version;
    }

    /// <summary>Starts a shadow run of a draft: evaluated every night, hits recorded, nothing raised.</summary>
    public async Task<Result<WarningRuleVersion>> ShadowAsync(int versionId, CancellationToken cancellationToken = default)
    {
        var found = await EditableAsync(versionId, cancellationToken);
        if (!found.IsSuccess)
        {
            return found;
        }

        if (found.Value!.State != RuleVersionState.Draft)
        {
            return Error.Conflict("version.state", $"version {found.Value.Number} is {found.Value.State}: only a draft can start a shadow run");
        }

        found.Value.State = RuleVersionState.Shadow;
        await db.SaveChangesAsync(cancellationToken);
        return found.Value;
    }

    /// <summary>
    /// Publishes a draft or shadow version. The checker must be a risk manager other than the author; the rule's previously
    /// published version is retired in the same save.
    /// </summary>
    public async Task<Result<WarningRuleVersion>> PublishAsync(int versionId, bool checkerIsRiskManager, CancellationToken cancellationToken = default)
    {
        var found = await EditableAsync(versionId, cancellationToken);
        if (!found.IsSuccess)
        {
            return found;
        }

        var version = found.Value!;
        if (!checkerIsRiskManager)
        {
            return Error.Forbidden("version.checker", "publishing a rule version needs a risk manager");
        }

        if (version.AuthorId == db.CurrentUser.UserId)
        {
            return Error.Forbidden("version.own", "the author of a version cannot publish it: a second risk manager must (maker-checker)");
        }

        if (version.State is not (RuleVersionState.Draft or RuleVersionState.Shadow))
        {
            return Error.Conflict("version.state", $"version {version.Number} is {version.State}: only a draft or shadow version can be published");
        }

        var check = await CheckAsync(version.Expression, cancellationToken);
        if (!check.IsValid)
        {
            return Error.Validation("expression", check.Errors[0].Message);
        }

        var now = clock.GetUtcNow();
        foreach (var previous in await db.WarningRuleVersions.Where(v => v.RuleId == version.RuleId && v.State == RuleVersionState.Published).ToListAsync(cancellationToken))
        {
            previous.State = RuleVersionState.Retired;
            previous.RetiredAt = now;
        }

        version.State = RuleVersionState.Published;
        version.ApprovedById = db.CurrentUser.UserId;
        version.ApprovedByName = db.CurrentUser.UserName;
        version.PublishedAt = now;
        await db.SaveChangesAsync(cancellationToken);
        return version;
    }

    /// <summary>Retires a version (stops a shadow run, or takes a published rule out of service).</summary>
    public async Task<Result<WarningRuleVersion>> RetireAsync(int versionId, CancellationToken cancellationToken = default)
    {
        var found = await EditableAsync(versionId, cancellationToken);
        if (!found.IsSuccess)
        {
            return found;
        }

        if (found.Value!.State == RuleVersionState.Retired)
        {
            return Error.Conflict("version.state", $"version {found.Value.Number} is already retired");
        }

        found.Value.State = RuleVersionState.Retired;
        found.Value.RetiredAt = clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return found.Value;
    }

    /// <summary>A version the current user may change: it exists and its scope organisations are all in the user's scope.</summary>
    private async Task<Result<WarningRuleVersion>> EditableAsync(int versionId, CancellationToken cancellationToken)
    {
        var version = await db.WarningRuleVersions.FirstOrDefaultAsync(v => v.Id == versionId, cancellationToken);
        if (version is null)
        {
            return Error.NotFound("version.not_found", $"rule version {versionId} does not exist");
        }

        var scope = await ScopeErrorAsync(version.OrganisationIds, cancellationToken);
        return scope is null ? version : scope;
    }

    /// <summary>Null when the user may write a rule for these organisations: every one visible to them, and an empty list
    /// (the whole institution) only for a user who sees every organisation.</summary>
    private async Task<Error?> ScopeErrorAsync(IReadOnlyList<int> organisationIds, CancellationToken cancellationToken)
    {
        if (organisationIds.Count == 0)
        {
            var all = await db.Organisations.IgnoreQueryFilters().CountAsync(cancellationToken);
            return await db.Organisations.CountAsync(cancellationToken) == all
                ? null
                : Error.Forbidden("scope.denied", "a rule for every organisation can only be written by a user who sees every organisation: name your organisations");
        }

        var visible = await db.Organisations.Where(o => organisationIds.Contains(o.Id)).Select(o => o.Id).ToListAsync(cancellationToken);
        var outside = organisationIds.Except(visible).ToList();
        return outside.Count == 0 ? null : Error.Forbidden("scope.denied", $"organisation {outside[0]} is outside your data scope");
    }

    private async Task<Result<WarningRuleVersion>> ValidateAsync(RuleVersionInput input, CancellationToken cancellationToken)
    {
        var check = await CheckAsync(input.Expression, cancellationToken);
        if (!check.IsValid)
        {
            return Error.Validation("expression", check.Errors[0].Message);
        }

        if (!Enum.IsDefined(input.Severity))
        {
            return Error.Validation("severity", $"'{input.Severity}' is not a severity: Red, Orange or Yellow");
        }

        if (input.EffectiveFrom is { } from && input.EffectiveTo is { } to && to < from)
        {
            return Error.Validation("effectiveTo", "is before effectiveFrom");
        }

        if (input.Note?.Length > 500)
        {
            return Error.Validation("note", "is too long (500 characters at most)");
        }

        var organisations = (input.OrganisationIds ?? []).Distinct().ToList();
        if (await ScopeErrorAsync(organisations, cancellationToken) is { } scopeError)
        {
            return scopeError;
        }

        var products = (input.ProductIds ?? []).Distinct().ToList();
        var known = await db.LoanProducts.Where(p => products.Contains(p.Id)).Select(p => p.Id).ToListAsync(cancellationToken);
        if (products.Except(known).FirstOrDefault() is var unknown and not 0)
        {
            return Error.Validation("productIds", $"product {unknown} does not exist");
        }

        var kinds = (input.CustomerKinds ?? []).Distinct().ToList();
        if (kinds.Any(k => !Enum.IsDefined(k)))
        {
            return Error.Validation("customerKinds", "must be Person or Enterprise");
        }

        var industries = (input.Industries ?? []).Select(i => i.Trim()).Where(i => i.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (industries.Any(i => i.Contains('|', StringComparison.Ordinal) || i.Length > 100))
        {
            return Error.Validation("industries", "an industry is at most 100 characters without '|'");
        }

        return new WarningRuleVersion
        {
            Expression = input.Expression!,
            Severity = input.Severity,
            OrganisationIds = organisations,
            ProductIds = products,
            Industries = industries,
            CustomerKinds = kinds,
            EffectiveFrom = input.EffectiveFrom,
            EffectiveTo = input.EffectiveTo,
            Note = string.IsNullOrWhiteSpace(input.Note) ? null : input.Note.Trim(),
            State = RuleVersionState.Draft,
            AuthorId = db.CurrentUser.UserId,
            AuthorName = db.CurrentUser.UserName,
            CreatedAt = clock.GetUtcNow(),
        };
    }
}
