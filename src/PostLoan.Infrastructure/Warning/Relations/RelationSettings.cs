using System.Globalization;
using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Administration;
using PostLoan.Domain.Common;
using PostLoan.Domain.Warning.Relations;
using PostLoan.Domain.Warning.Signals;
using PostLoan.Infrastructure.Administration;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Infrastructure.Warning.Relations;

/// <summary>
/// The related-party settings in force: the contagion parameters and which severities of an origin signal propagate
/// (red by default; orange and yellow can be switched on).
/// </summary>
/// <param name="Contagion">Link strengths per kind, guarantee direction, maximum distance and minimum strength.</param>
/// <param name="PropagateRed">Whether a red signal derives signals on linked customers.</param>
/// <param name="PropagateOrange">Whether an orange signal does.</param>
/// <param name="PropagateYellow">Whether a yellow signal does.</param>
public sealed record RelationSettings(ContagionSettings Contagion, bool PropagateRed = true, bool PropagateOrange = false, bool PropagateYellow = false)
{
    /// <summary>The documented defaults.</summary>
    public static RelationSettings Default { get; } = new(ContagionSettings.Default);

    /// <summary>Whether a signal of <paramref name="severity"/> propagates.</summary>
    public bool Propagates(SignalSeverity severity) => severity switch
    {
        SignalSeverity.Red => PropagateRed,
        SignalSeverity.Orange => PropagateOrange,
        SignalSeverity.Yellow => PropagateYellow,
    };
}

/// <summary>
/// Reads and saves <see cref="RelationSettings"/> as system parameters (module <c>Warning</c>, keys
/// <c>warning.relations.*</c>), validating ranges the generic parameter page cannot know (a strength at most 1).
/// </summary>
public sealed class RelationSettingsStore(PostLoanDbContext db, ParameterService parameters)
{
    private const string Prefix = "warning.relations.";
    private const string MaxDistanceKey = Prefix + "maxDistance";
    private const string MinimumStrengthKey = Prefix + "minimumStrength";
    private const string DirectionKey = Prefix + "guaranteeDirection";
    private const string PropagateRedKey = Prefix + "propagate.red";
    private const string PropagateOrangeKey = Prefix + "propagate.orange";
    private const string PropagateYellowKey = Prefix + "propagate.yellow";

    private static readonly (RelationKind Kind, string Name)[] KindKeys =
    [
        (RelationKind.Guarantee, "担保"), (RelationKind.Group, "同一集团"), (RelationKind.LegalRepresentative, "同一法人"),
        (RelationKind.Shareholder, "同一股东"), (RelationKind.Transaction, "交易往来"), (RelationKind.Address, "同一地址"),
        (RelationKind.Phone, "同一电话"), (RelationKind.Litigation, "诉讼关联"), (RelationKind.Other, "其他关联"),
    ];

    /// <summary>The parameters every installation starts with (the documented defaults), added by the migrator.</summary>
    public static IReadOnlyList<SystemParameter> Parameters { get; } =
    [
        .. KindKeys.Select(k => Parameter(StrengthKey(k.Kind), Text(ContagionSettings.Default.StrengthOf(k.Kind)),
            $"关联传导强度: {k.Name} · contagion strength of a {k.Kind} link (0–1, 0 switches the kind off)", SystemParameterType.Decimal)),
        Parameter(MaxDistanceKey, "3", "关联传导最大层级 · farthest a derived signal travels, in links", SystemParameterType.Integer),
        Parameter(MinimumStrengthKey, "0.2", "关联传导最低强度 · weakest derived signal raised", SystemParameterType.Decimal),
        Parameter(DirectionKey, nameof(GuaranteeContagion.ToGuarantors), "担保传导方向 · guarantee direction: ToGuarantors, ToBorrowers or Both", SystemParameterType.Text),
        Parameter(PropagateRedKey, "true", "红色预警传导 · red signals derive signals on linked customers", SystemParameterType.Boolean),
        Parameter(PropagateOrangeKey, "false", "橙色预警传导 · orange signals derive signals on linked customers", SystemParameterType.Boolean),
        Parameter(PropagateYellowKey, "false", "黄色预警传导 · yellow signals derive signals on linked customers", SystemParameterType.Boolean),
    ];

    /// <summary>The settings in force; a parameter that is missing or out of range falls back to its default.</summary>
    public async Task<RelationSettings> LoadAsync(CancellationToken cancellationToken = default)
    {
        var values = await db.SystemParameters.AsNoTracking().Where(p => p.Key.StartsWith(Prefix))
            .ToDictionaryAsync(p => p.Key, p => p.Value, cancellationToken);
        var defaults = ContagionSettings.Default;
        decimal Strength(RelationKind kind) => Number(values, StrengthKey(kind)) is { } v && v is >= 0m and <= 1m ? v : defaults.StrengthOf(kind);
        var distance = Number(values, MaxDistanceKey) is { } d && d is >= 1m and <= 10m && decimal.IsInteger(d) ? (int)d : defaults.MaxDistance;
        var minimum = Number(values, MinimumStrengthKey) is { } m && m is > 0m and <= 1m ? m : defaults.MinimumStrength;
        var direction = values.TryGetValue(DirectionKey, out var text) && Enum.TryParse<GuaranteeContagion>(text, out var parsed) && Enum.IsDefined(parsed)
            ? parsed : defaults.GuaranteeDirection;
        var contagion = new ContagionSettings
        {
            Guarantee = Strength(RelationKind.Guarantee),
            Group = Strength(RelationKind.Group),
            LegalRepresentative = Strength(RelationKind.LegalRepresentative),
            Shareholder = Strength(RelationKind.Shareholder),
            Transaction = Strength(RelationKind.Transaction),
            Address = Strength(RelationKind.Address),
            Phone = Strength(RelationKind.Phone),
            Litigation = Strength(RelationKind.Litigation),
            Other = Strength(RelationKind.Other),
            MaxDistance = distance,
            MinimumStrength = minimum,
            GuaranteeDirection = direction,
        };
        return new RelationSettings(contagion, Flag(values, PropagateRedKey, true), Flag(values, PropagateOrangeKey, false), Flag(values, PropagateYellowKey, false));
    }

    /// <summary>Validates and saves every setting (each change audited as a parameter change).</summary>
    public async Task<Result<RelationSettings>> SaveAsync(RelationSettingsInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        foreach (var (kind, _) in KindKeys)
        {
            var strength = input.Strengths.GetValueOrDefault(kind, ContagionSettings.Default.StrengthOf(kind));
            if (strength is < 0m or > 1m)
            {
                return Error.Validation("relations.strength", $"strengths.{kind}: {Text(strength)} is not between 0 and 1");
            }
        }

        if (input.MaxDistance is < 1 or > 10)
        {
            return Error.Validation("relations.maxDistance", $"maxDistance: {input.MaxDistance} is not between 1 and 10 links");
        }

        if (input.MinimumStrength is <= 0m or > 1m)
        {
            return Error.Validation("relations.minimumStrength", $"minimumStrength: {Text(input.MinimumStrength)} is not above 0 and at most 1");
        }

        if (!Enum.IsDefined(input.GuaranteeDirection))
        {
            return Error.Validation("relations.guaranteeDirection", "guaranteeDirection: use ToGuarantors, ToBorrowers or Both");
        }

        var changes = KindKeys.Select(k => (StrengthKey(k.Kind), Text(input.Strengths.GetValueOrDefault(k.Kind, ContagionSettings.Default.StrengthOf(k.Kind)))))
            .Append((MaxDistanceKey, input.MaxDistance.ToString(CultureInfo.InvariantCulture)))
            .Append((MinimumStrengthKey, Text(input.MinimumStrength)))
            .Append((DirectionKey, input.GuaranteeDirection.ToString()))
            .Append((PropagateRedKey, Bool(input.PropagateRed)))
            .Append((PropagateOrangeKey, Bool(input.PropagateOrange)))
            .Append((PropagateYellowKey, Bool(input.PropagateYellow)));
        await EnsureParametersAsync(cancellationToken);
        foreach (var (key, value) in changes)
        {
            var saved = await parameters.UpdateAsync(key, value, cancellationToken);
            if (!saved.IsSuccess)
            {
                return saved.Error!;
            }
        }

        return await LoadAsync(cancellationToken);
    }

    /// <summary>The input a settings form starts from: the settings in force.</summary>
    public static RelationSettingsInput InputFrom(RelationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new RelationSettingsInput(
            KindKeys.ToDictionary(k => k.Kind, k => settings.Contagion.StrengthOf(k.Kind)),
            settings.Contagion.MaxDistance, settings.Contagion.MinimumStrength, settings.Contagion.GuaranteeDirection,
            settings.PropagateRed, settings.PropagateOrange, settings.PropagateYellow);
    }

    /// <summary>Adds parameters a database migrated before this module lacks.</summary>
    private async Task EnsureParametersAsync(CancellationToken cancellationToken)
    {
        var existing = await db.SystemParameters.Where(p => p.Key.StartsWith(Prefix)).Select(p => p.Key).ToListAsync(cancellationToken);
        foreach (var parameter in Parameters.Where(p => !existing.Contains(p.Key)))
        {
            db.SystemParameters.Add(Parameter(parameter.Key, parameter.Value, parameter.Description, parameter.Type));
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    private static string StrengthKey(RelationKind kind) => Prefix + "strength." + char.ToLowerInvariant(kind.ToString()[0]) + kind.ToString()[1..];

    private static decimal? Number(Dictionary<string, string> values, string key) =>
        values.TryGetValue(key, out var text) && decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static bool Flag(Dictionary<string, string> values, string key, bool fallback) =>
        values.TryGetValue(key, out var text) && bool.TryParse(text, out var value) ? value : fallback;

    private static string Text(decimal value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    private static string Bool(bool value) => value ? "true" : "false";

    private static SystemParameter Parameter(string key, string value, string description, SystemParameterType type) =>
        new() { Key = key, Value = value, Description = description, Module = "Warning", Type = type };
}

/// <summary>The related-party settings as edited on the settings page or sent to <c>PUT /api/relations/settings</c>.</summary>
/// <param name="Strengths">Strength per kind in [0, 1]; a kind left out keeps its default.</param>
/// <param name="MaxDistance">Farthest a signal travels, 1 to 10 links.</param>
/// <param name="MinimumStrength">Weakest derived signal, in (0, 1].</param>
/// <param name="GuaranteeDirection">Which way a guarantee carries a signal.</param>
/// <param name="PropagateRed">Red signals propagate.</param>
/// <param name="PropagateOrange">Orange signals propagate.</param>
/// <param name="PropagateYellow">Yellow signals propagate.</param>
public sealed record RelationSettingsInput(
    Dictionary<RelationKind, decimal> Strengths,
    int MaxDistance,
    decimal MinimumStrength,
    GuaranteeContagion GuaranteeDirection,
    bool PropagateRed,
    bool PropagateOrange,
    bool PropagateYellow);
