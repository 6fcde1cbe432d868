using System.Globalization;
using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Administration;
using PostLoan.Domain.Common;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Infrastructure.Administration;

/// <summary>Reads and changes system parameters (系统参数), validating each value against its type.</summary>
public sealed class ParameterService(PostLoanDbContext db)
{
    public async Task<Result<SystemParameter>> UpdateAsync(string key, string value, CancellationToken cancellationToken = default)
    {
        var parameter = await db.SystemParameters.FirstOrDefaultAsync(p => p.Key == key, cancellationToken);
        if (parameter is null)
        {
            return Error.NotFound("parameter.not_found", $"parameter '{key}' does not exist");
        }

        var text = value.Trim();
        var valid = parameter.Type switch
        {
            SystemParameterType.Integer => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) && i >= 0,
            SystemParameterType.Decimal => decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var d) && d >= 0,
            SystemParameterType.Boolean => bool.TryParse(text, out _),
            SystemParameterType.Text => text.Length is > 0 and <= 500,
        };
        if (!valid)
        {
            return Error.Validation("parameter.value", $"value: '{value}' is not a valid {parameter.Type.ToString().ToLowerInvariant()} for {key}");
        }

        parameter.Value = text;
        await db.SaveChangesAsync(cancellationToken);
        return parameter;
    }

    /// <summary>The decimal value of a parameter, or <paramref name="fallback"/> when absent.</summary>
    public async Task<decimal> DecimalAsync(string key, decimal fallback, CancellationToken cancellationToken = default)
    {
        var value = await db.SystemParameters.Where(p => p.Key == key).Select(p => p.Value).FirstOrDefaultAsync(cancellationToken);
        return value is not null && decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out var d) ? d : fallback;
    }
}
