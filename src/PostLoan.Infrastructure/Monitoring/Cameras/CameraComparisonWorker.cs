using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PostLoan.Domain.Monitoring;
using PostLoan.Domain.Monitoring.Alarms;
using PostLoan.Domain.Monitoring.Images;
using PostLoan.Infrastructure.Identity;
using PostLoan.Infrastructure.Monitoring.Alarms;
using PostLoan.Infrastructure.Monitoring.Images;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Infrastructure.Monitoring.Cameras;

/// <summary>
/// Compares every stored snapshot of a camera that has a usable policy with its approved base image (质押物监控,
/// docs/warehouse-images.md), durably: what is still to compare is read from the database (snapshots after the policy's
/// cursor), each result is stored with the cursor and the persistence state in one transaction, so a restart resumes
/// where it stopped. When the persistence rule trips, the evidence crops are written under the snapshot root and a
/// GoodsChange alarm is raised through <see cref="AlarmStore"/>; a comparison whose alarm was not raised yet (a crash
/// in between) is raised on the next round. Runs on a signal from <see cref="Ingest.SnapshotStore"/> and every
/// <see cref="PollInterval"/>.
/// </summary>
public sealed class CameraComparisonWorker(DatabaseOptions database, MonitoringOptions options, CameraFiles files, AlarmStore alarms, SnapshotSignal signal, TimeProvider clock, ILogger<CameraComparisonWorker> logger)
    : BackgroundService
{
    /// <summary>The rule code of the alarms it raises.</summary>
    public const string RuleCode = "image";

    /// <summary>Snapshots compared per camera in one transaction.</summary>
    private const int Batch = 20;

    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly Dictionary<int, Prepared> prepared = [];

    /// <summary>How often the database is checked without a signal.</summary>
    public TimeSpan PollInterval => options.ComparePollInterval;

    /// <summary>Compares everything pending and raises the alarms due; returns the number of snapshots compared.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            List<int> cameras;
            await using (var db = database.CreateContext(SystemUser.Instance, clock))
            {
                cameras = await db.CameraPolicies.Where(p => p.BaseImageId != null).Select(p => p.DeviceId).ToListAsync(cancellationToken);
            }

            var compared = 0;
            foreach (var camera in cameras)
            {
                int done;
                while ((done = await CompareBatchAsync(camera, cancellationToken)) > 0)
                {
                    compared += done;
                }
            }

            await RaisePendingAlarmsAsync(cancellationToken);
            return compared;
        }
        finally
        {
            gate.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken);
                await signal.WaitAsync(PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "camera comparison round failed; retrying in 5 s");
                await Task.Delay(TimeSpan.FromSeconds(5), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    public override void Dispose()
    {
        foreach (var entry in prepared.Values)
        {
            entry.Image?.Dispose();
        }

        prepared.Clear();
        gate.Dispose();
        base.Dispose();
    }

    /// <summary>Compares the camera's next snapshots; 0 when nothing is pending or the policy cannot compare.</summary>
    private async Task<int> CompareBatchAsync(int deviceId, CancellationToken cancellationToken)
    {
        await using var db = database.CreateContext(SystemUser.Instance, clock);
        var policy = await db.CameraPolicies.FirstOrDefaultAsync(p => p.DeviceId == deviceId, cancellationToken);
        var image = policy?.BaseImageId is { } id ? await db.CameraBaseImages.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, cancellationToken) : null;
        if (policy is null || image is null)
        {
            return 0;
        }

        var snapshots = await db.DeviceSnapshots.AsNoTracking()
            .Where(s => s.DeviceId == deviceId && s.Id > policy.LastSnapshotId).OrderBy(s => s.Id).Take(Batch).ToListAsync(cancellationToken);
        if (snapshots.Count == 0)
        {
            return 0;
        }

        var baseImage = await PrepareAsync(policy, image, cancellationToken);
        if (baseImage is null)
        {
            return 0;
        }

        var device = await db.Devices.AsNoTracking().Where(d => d.Id == deviceId).Select(d => new { d.SiteId, d.CustomerId }).FirstAsync(cancellationToken);
        foreach (var snapshot in snapshots)
        {
            var comparison = new CameraComparison
            {
                SnapshotId = snapshot.Id, DeviceId = deviceId, SiteId = device.SiteId, CustomerId = device.CustomerId, BaseImageId = image.Id,
                PolicyVersion = policy.Version, TakenAt = snapshot.TakenAt, ComparedAt = clock.GetUtcNow(),
                OrganisationPath = snapshot.OrganisationPath, AccountManagerId = snapshot.AccountManagerId,
            };
            var jpeg = await files.ReadAsync(snapshot.Path, cancellationToken);
            var result = jpeg is null ? default : SnapshotComparer.Compare(baseImage, jpeg);
            if (jpeg is null || !result.IsSuccess)
            {
                comparison.Note = jpeg is null ? "现图文件缺失，未比对" : "未比对：" + result.Error!.Message;
                comparison.ConsecutiveChanged = policy.ConsecutiveChanged;
                comparison.ConsecutiveInconclusive = policy.ConsecutiveInconclusive;
            }
            else
            {
                await RecordAsync(policy, comparison, result.Value!, cancellationToken);
            }

            db.CameraComparisons.Add(comparison);
            policy.LastSnapshotId = snapshot.Id;
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex)
        {
            // The policy changed meanwhile (new base image or regions: version check) or another node compared these
            // snapshots: start again from what is stored.
            logger.LogInformation(ex, "camera {DeviceId}: comparison batch superseded; reloading", deviceId);
            return 0;
        }

        return snapshots.Count;
    }

    /// <summary>Applies the verdict to the persistence state and, when the rule trips, writes the evidence.</summary>
    private async Task RecordAsync(CameraPolicy policy, CameraComparison comparison, SnapshotComparison result, CancellationToken cancellationToken)
    {
        var before = policy.State;
        var after = before.Next(result.Verdict);
        var raises = after.IsAlarming(policy.PersistenceCount) && !before.IsAlarming(policy.PersistenceCount);
        comparison.Verdict = result.Verdict;
        comparison.WeightedChange = Math.Round(result.WeightedChange, 4);
        comparison.ControlChange = Math.Round(result.ControlChange, 4);
        comparison.ShiftX = Math.Round(result.MeasuredShiftX, 2);
        comparison.ShiftY = Math.Round(result.MeasuredShiftY, 2);
        comparison.Regions = [.. result.Regions.Select(Rounded)];
        comparison.ConsecutiveChanged = after.ConsecutiveChanged;
        comparison.ConsecutiveInconclusive = after.ConsecutiveInconclusive;
        comparison.RaisesAlarm = raises;
        comparison.Note = CameraNotes.Describe(policy, result, after, raises);
        if (raises && result.Evidence.Count > 0)
        {
            (comparison.EvidenceBasePath, comparison.EvidenceCurrentPath) =
                await files.WriteEvidenceAsync(comparison.SiteId, comparison.DeviceId, comparison.SnapshotId, result.Evidence, cancellationToken);
        }

        policy.ConsecutiveChanged = after.ConsecutiveChanged;
        policy.ConsecutiveInconclusive = after.ConsecutiveInconclusive;
    }

    private static RegionScore Rounded(RegionScore r) => r with
    {
        Ssim = Math.Round(r.Ssim, 4), EdgeDensityBase = Math.Round(r.EdgeDensityBase, 4), EdgeDensityCurrent = Math.Round(r.EdgeDensityCurrent, 4), Change = Math.Round(r.Change, 4),
    };

    /// <summary>Raises the alarm of every comparison that tripped the persistence rule and has none yet.</summary>
    private async Task RaisePendingAlarmsAsync(CancellationToken cancellationToken)
    {
        await using var db = database.CreateContext(SystemUser.Instance, clock);
        var pending = await db.CameraComparisons.Where(c => c.RaisesAlarm && c.AlarmId == null).OrderBy(c => c.SnapshotId).ToListAsync(cancellationToken);
        foreach (var comparison in pending)
        {
            var camera = await db.Devices.AsNoTracking().Where(d => d.Id == comparison.DeviceId).Select(d => new { d.Name, d.Code }).FirstAsync(cancellationToken);
            var severity = await db.CameraPolicies.Where(p => p.DeviceId == comparison.DeviceId).Select(p => (AlarmSeverity?)p.Severity).FirstOrDefaultAsync(cancellationToken)
                ?? AlarmSeverity.Orange;
            var draft = new AlarmDraft(comparison.DeviceId, AlarmKind.GoodsChange, RuleCode, severity, Truncate($"质押物变化：{camera.Name}（{camera.Code}）", 120),
                Truncate(comparison.Note ?? "", 1000), comparison.TakenAt)
            {
                Value = comparison.WeightedChange,
                EvidenceBasePath = comparison.EvidenceBasePath,
                EvidenceCurrentPath = comparison.EvidenceCurrentPath,
                SnapshotId = comparison.SnapshotId,
            };
            var raised = await alarms.RaiseAsync(draft, cancellationToken);
            comparison.AlarmId = raised?.Alarm.Id ?? 0;
            await db.SaveChangesAsync(cancellationToken);
            logger.LogInformation("goods-change alarm {AlarmId} on camera {DeviceId} from snapshot {SnapshotId}", comparison.AlarmId, comparison.DeviceId, comparison.SnapshotId);
        }
    }

    /// <summary>The camera's base image prepared for its policy, kept until the base image or the policy changes; null when
    /// the policy does not fit (no regions drawn yet) or the file is missing.</summary>
    private async Task<BaseImage?> PrepareAsync(CameraPolicy policy, CameraBaseImage image, CancellationToken cancellationToken)
    {
        if (prepared.TryGetValue(policy.DeviceId, out var entry) && entry.BaseImageId == image.Id && entry.Version == policy.Version)
        {
            return entry.Image;
        }

        entry?.Image?.Dispose();
        BaseImage? loaded = null;
        var jpeg = await files.ReadAsync(image.Path, cancellationToken);
        var comparison = policy.ToComparisonPolicy();
        if (jpeg is null)
        {
            logger.LogWarning("camera {DeviceId}: base image file {Path} is missing", policy.DeviceId, image.Path);
        }
        else if (CameraPolicyRules.Validate(comparison, policy.Severity, image.Width, image.Height) is { Count: > 0 } problems)
        {
            logger.LogDebug("camera {DeviceId}: policy cannot compare yet ({Problem})", policy.DeviceId, problems[0].Message);
        }
        else
        {
            var result = BaseImage.Load(jpeg, comparison);
            loaded = result.Value;
            if (!result.IsSuccess)
            {
                logger.LogWarning("camera {DeviceId}: base image not usable: {Problem}", policy.DeviceId, result.Error!.Message);
            }
        }

        prepared[policy.DeviceId] = new Prepared(image.Id, policy.Version, loaded);
        return loaded;
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";

    private sealed record Prepared(long BaseImageId, int Version, BaseImage? Image);
}

/// <summary>What a comparison means, in the words staff read on the camera page and in the alarm.</summary>
public static class CameraNotes
{
    public static string Describe(CameraPolicy policy, SnapshotComparison result, PersistenceState after, bool raises)
    {
        var inv = CultureInfo.InvariantCulture;
        switch (result.Verdict)
        {
            case ComparisonVerdict.Inconclusive:
                var controls = string.Join("、", result.Regions.Where(r => r.Role == RegionRole.Control && r.Changed).Select(r => string.Create(inv, $"{r.Name} {r.Change:0.000}")));
                return string.Create(inv,
                    $"结果不确定：对照区变化（{controls}，阈值 {policy.ControlChangeThreshold:0.00}），摄像头可能被移动、遮挡或光照异常；不计入持续规则，不告警（已连续 {after.ConsecutiveInconclusive} 张）。");
            case ComparisonVerdict.Changed:
                var goods = string.Join("、", result.Regions.Where(r => r.Role == RegionRole.Goods && r.Changed)
                    .Select(r => string.Create(inv, $"{r.Name} {r.Change:0.000}（权重 {r.Weight:0.##}）")));
                var head = string.Create(inv, $"货物区变化：{goods}；加权变化 {result.WeightedChange:0.000} ≥ {policy.WeightedChangeThreshold:0.00}；对照区最大变化 {result.ControlChange:0.000}；");
                return head + (raises
                    ? string.Create(inv, $"连续 {after.ConsecutiveChanged} 张现图变化，达到持续规则 N = {policy.PersistenceCount}，告警。")
                    : after.IsAlarming(policy.PersistenceCount)
                        ? string.Create(inv, $"连续 {after.ConsecutiveChanged} 张现图变化，告警已存在。")
                        : string.Create(inv, $"连续 {after.ConsecutiveChanged} / {policy.PersistenceCount} 张，尚未告警。"));
            case ComparisonVerdict.Unchanged:
                return string.Create(inv, $"无变化：加权变化 {result.WeightedChange:0.000} < {policy.WeightedChangeThreshold:0.00}，持续计数清零。");
            default:
                throw new ArgumentOutOfRangeException(nameof(result));
        }
    }
}
