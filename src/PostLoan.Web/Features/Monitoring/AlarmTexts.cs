using MudBlazor;
using PostLoan.Domain.Monitoring.Alarms;

namespace PostLoan.Web.Features.Monitoring;

/// <summary>Resource keys and colours of alarm values for the pages.</summary>
public static class AlarmTexts
{
    public static string Kind(AlarmKind kind) => "AlmKind" + kind;

    public static string Status(AlarmStatus status) => "AlmStatus" + status;

    public static string Severity(AlarmSeverity severity) => "AlmSeverity" + severity;

    public static string Metric(AlarmMetric metric) => "AlmMetric" + metric;

    public static string Scope(AlarmRuleScope scope) => "AlmScope" + scope;

    public static string Comparison(AlarmComparison comparison) => "AlmCmp" + comparison;

    public static Color SeverityColor(AlarmSeverity severity) => severity switch
    {
        AlarmSeverity.Red => Color.Error,
        AlarmSeverity.Orange => Color.Warning,
        _ => Color.Tertiary,
    };

    public static Color StatusColor(AlarmStatus status) => status switch
    {
        AlarmStatus.Open => Color.Error,
        AlarmStatus.Acknowledged => Color.Warning,
        AlarmStatus.Confirmed => Color.Primary,
        AlarmStatus.Dismissed => Color.Default,
        _ => Color.Success,
    };
}
