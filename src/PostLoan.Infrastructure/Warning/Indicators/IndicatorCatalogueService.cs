using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Common;
using PostLoan.Domain.Warning.Indicators;
using PostLoan.Domain.Warning.Rules;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Infrastructure.Warning.Indicators;

/// <summary>What a person enters to add or edit an indicator; for a standard indicator only the names, unit, description and activity change.</summary>
public sealed record IndicatorInput(
    string? Code,
    string? NameZh,
    string? NameEn,
    string? Unit,
    IndicatorSource? Source,
    IndicatorFrequency? Frequency,
    IndicatorKind? Kind,
    string? Description,
    bool? Active);

/// <summary>
/// The indicator catalogue (指标库): the standard indicators are seeded at migration (missing codes added, nothing
/// overwritten); administrators and risk managers add custom indicators and edit names. Standard codes cannot be
/// renamed or deleted because code writes them; a custom indicator can be renamed or deleted only while it has no values.
/// </summary>
public sealed partial class IndicatorCatalogueService(PostLoanDbContext db)
{
    /// <summary>Adds every standard indicator whose code is missing; returns how many were added. Safe to run again.</summary>
    public static async Task<int> SeedAsync(PostLoanDbContext db, CancellationToken cancellationToken = default)
    {
        var existing = (await db.Indicators.Select(i => i.Code).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        var added = 0;
        foreach (var s in StandardIndicators.All.Where(s => !existing.Contains(s.Code)))
        {
            db.Indicators.Add(new Indicator
            {
                Code = s.Code, NameZh = s.NameZh, NameEn = s.NameEn, Unit = s.Unit, Source = s.Source, Frequency = s.Frequency, Kind = s.Kind,
            });
            added++;
        }

        if (added > 0)
        {
            await db.SaveChangesAsync(cancellationToken);
        }

        return added;
    }

    /// <summary>Whether <paramref name="code"/> is one of the shipped codes.</summary>
    public static bool IsStandard(string code) => StandardIndicators.All.Any(s => s.Code == code);

    public Task<List<Indicator>> ListAsync(CancellationToken cancellationToken = default) =>
        db.Indicators.AsNoTracking().OrderBy(i => i.Source).ThenBy(i => i.Id).ToListAsync(cancellationToken);

    /// <summary>Adds a custom indicator.</summary>
    public async Task<Result<Indicator>> AddAsync(IndicatorInput input, CancellationToken cancellationToken = default)
    {
        var code = input.Code?.Trim() ?? "";
        if (CodeError(code) is { } error)
        {
            return error;
        }

        if (await db.Indicators.AnyAsync(i => i.Code == code, cancellationToken))
        {
            return Error.Conflict("code", $"indicator '{code}' exists already");
        }

        if (input.Source is null || input.Frequency is null || input.Kind is null)
        {
            return Error.Validation(input.Source is null ? "source" : input.Frequency is null ? "frequency" : "kind", "is required");
        }

        var indicator = new Indicator { Code = code, NameZh = "", NameEn = "", Source = input.Source.Value, Frequency = input.Frequency.Value, Kind = input.Kind.Value };
        if (Apply(indicator, input) is { } invalid)
        {
            return invalid;
        }

        db.Indicators.Add(indicator);
        await db.SaveChangesAsync(cancellationToken);
        return indicator;
    }

    /// <summary>Edits an indicator: names, unit, description, activity; for a custom one without values also code, source, frequency and kind.</summary>
    public async Task<Result<Indicator>> UpdateAsync(int id, IndicatorInput input, CancellationToken cancellationToken = default)
    {
        var indicator = await db.Indicators.FirstOrDefaultAsync(i => i.Id == id, cancellationToken);
        if (indicator is null)
        {
            return Error.NotFound("not_found", $"indicator {id} does not exist");
        }

        var standard = IsStandard(indicator.Code);
        var code = input.Code?.Trim();
        var structural = (code is not null && code != indicator.Code) || (input.Source is { } s && s != indicator.Source)
            || (input.Frequency is { } f && f != indicator.Frequency) || (input.Kind is { } k && k != indicator.Kind);
        if (structural && standard)
        {
            return Error.Validation("code", $"'{indicator.Code}' is a standard indicator: its code, source, frequency and kind are fixed");
        }

        if (structural)
        {
            if (await HasValuesAsync(indicator.Id, cancellationToken))
            {
                return Error.Conflict("code", $"'{indicator.Code}' has values: its code, source, frequency and kind can no longer change");
            }

            if (code is not null && code != indicator.Code)
            {
                if (CodeError(code) is { } error)
                {
                    return error;
                }

                if (await db.Indicators.AnyAsync(i => i.Code == code, cancellationToken))
                {
                    return Error.Conflict("code", $"indicator '{code}' exists already");
                }

                indicator.Code = code;
            }

            indicator.Source = input.Source ?? indicator.Source;
            indicator.Frequency = input.Frequency ?? indicator.Frequency;
            indicator.Kind = input.Kind ?? indicator.Kind;
        }

        if (Apply(indicator, input) is { } invalid)
        {
            return invalid;
        }

        await db.SaveChangesAsync(cancellationToken);
        return indicator;
    }

    /// <summary>Deletes a custom indicator that has no values.</summary>
    public async Task<Result<Indicator>> DeleteAsync(int id, CancellationToken cancellationToken = default)
    {
        var indicator = await db.Indicators.FirstOrDefaultAsync(i => i.Id == id, cancellationToken);
        if (indicator is null)
        {
            return Error.NotFound("not_found", $"indicator {id} does not exist");
        }

        if (IsStandard(indicator.Code))
        {
            return Error.Validation("code", $"'{indicator.Code}' is a standard indicator and cannot be deleted");
        }

        if (await HasValuesAsync(indicator.Id, cancellationToken))
        {
            return Error.Conflict("code", $"'{indicator.Code}' has values; deactivate it instead");
        }

        db.Indicators.Remove(indicator);
        await db.SaveChangesAsync(cancellationToken);
        return indicator;
    }

    private Task<bool> HasValuesAsync(int indicatorId, CancellationToken cancellationToken) =>
        db.IndicatorValues.IgnoreQueryFilters().AnyAsync(v => v.IndicatorId == indicatorId, cancellationToken);

    /// <summary>A code rules can name: lower snake case, not a function name or literal of the rule language.</summary>
    private static Error? CodeError(string code)
    {
        if (!CodePattern().IsMatch(code))
        {
            return Error.Validation("code", "must be 2–60 characters: a lower-case letter, then lower-case letters, digits or '_'");
        }

        return code is "true" or "false" || RuleFunctions.TryFind(code, out _)
            ? Error.Validation("code", $"'{code}' is a word of the rule language")
            : null;
    }

    private static Error? Apply(Indicator indicator, IndicatorInput input)
    {
        var nameZh = input.NameZh?.Trim() ?? indicator.NameZh;
        var nameEn = input.NameEn?.Trim() ?? indicator.NameEn;
        if (nameZh.Length is 0 or > 100)
        {
            return Error.Validation("nameZh", "is required, at most 100 characters");
        }

        if (nameEn.Length is 0 or > 100)
        {
            return Error.Validation("nameEn", "is required, at most 100 characters");
        }

        var unit = input.Unit?.Trim() ?? indicator.Unit;
        if (unit.Length > 20)
        {
            return Error.Validation("unit", "at most 20 characters");
        }

        var description = input.Description is null ? indicator.Description : input.Description.Trim();
        if (description?.Length > 500)
        {
            return Error.Validation("description", "at most 500 characters");
        }

        indicator.NameZh = nameZh;
        indicator.NameEn = nameEn;
        indicator.Unit = unit;
        indicator.Description = string.IsNullOrEmpty(description) ? null : description;
        indicator.Active = input.Active ?? indicator.Active;
        return null;
    }

    [GeneratedRegex("^[a-z][a-z0-9_]{1,59}$")]
    private static partial Regex CodePattern();
}
