using PostLoan.Domain.Monitoring.Alarms;

namespace PostLoan.Domain.Tests.Monitoring.Alarms;

/// <summary>Review steps: acknowledge, confirm, dismiss with a reason, clear; only active alarms; false-alarm rates.</summary>
public class AlarmReviewSteps
{
    private static readonly DateTimeOffset At = new(2026, 11, 23, 10, 0, 0, TimeSpan.FromHours(8));

    private static MonitoringAlarm Open() => new() { Id = 7, RuleCode = "temp-high", Title = "仓库温度过高" };

    [Fact]
    public void Acknowledge_then_confirm_records_who_and_when()
    {
        var alarm = Open();
        Assert.Null(AlarmReview.Acknowledge(alarm, "service", At));
        Assert.Equal((AlarmStatus.Acknowledged, "service", At), (alarm.Status, alarm.AcknowledgedBy, alarm.AcknowledgedAt));
        Assert.Equal("alarm.not_active", AlarmReview.Acknowledge(alarm, "service", At)!.Code);

        Assert.Null(AlarmReview.Confirm(alarm, "admin", At.AddMinutes(5), "  "));
        Assert.Equal((AlarmStatus.Confirmed, "admin", At.AddMinutes(5), null, "service"), (alarm.Status, alarm.ReviewedBy, alarm.ReviewedAt, alarm.ReviewNote, alarm.AcknowledgedBy));
        Assert.Equal("alarm.not_active", AlarmReview.Dismiss(alarm, "admin", At, "误报")!.Code);
        Assert.False(AlarmReview.Clear(alarm, At, "设备恢复在线"));
    }

    [Fact]
    public void A_dismissal_needs_a_reason_and_acknowledges_on_the_way()
    {
        var alarm = Open();
        Assert.Equal("reason", AlarmReview.Dismiss(alarm, "service", At, null)!.Code);
        Assert.Equal("reason", AlarmReview.Dismiss(alarm, "service", At, new string('x', 501))!.Code);
        Assert.Equal(AlarmStatus.Open, alarm.Status);

        Assert.Null(AlarmReview.Dismiss(alarm, "service", At, " 光线变化 "));
        Assert.Equal((AlarmStatus.Dismissed, "光线变化", "service", At), (alarm.Status, alarm.ReviewNote, alarm.AcknowledgedBy, alarm.AcknowledgedAt));
    }

    [Fact]
    public void False_alarm_rate_is_dismissed_over_reviewed()
    {
        var rates = FalseAlarmRate.Of(
        [
            ("temp-high", "温度", AlarmStatus.Confirmed), ("temp-high", "温度", AlarmStatus.Dismissed), ("temp-high", "温度", AlarmStatus.Dismissed),
            ("image", "质押物", AlarmStatus.Open), ("image", "质押物", AlarmStatus.Acknowledged), ("image", "质押物", AlarmStatus.Cleared),
            ("power", "用电", AlarmStatus.Confirmed), ("power", "用电", AlarmStatus.Confirmed), ("power", "用电", AlarmStatus.Dismissed),
        ]);

        Assert.Equal(
            [new FalseAlarmRate("image", "质押物", 3, 0, 0, 2, 1), new FalseAlarmRate("power", "用电", 3, 2, 1, 0, 0), new FalseAlarmRate("temp-high", "温度", 3, 1, 2, 0, 0)],
            rates);
        Assert.Equal([null, 33.3, 66.7], rates.Select(r => r.Rate));
    }
}
