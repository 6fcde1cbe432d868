using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using PostLoan.Domain.Administration;
using PostLoan.Domain.Monitoring;
using PostLoan.Infrastructure.Identity;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Infrastructure.Monitoring.Ingest;

/// <summary>What the ingest needs to know of a device: identity, kind, counting mode, site clock, scope and secret hash.</summary>
public sealed record DeviceInfo(
    int Id, string Code, DeviceKind Kind, int SiteId, int CustomerId, string OrganisationPath, string? AccountManagerId,
    string SecretHash, CounterMode CounterMode, double? RolloverAt, int UtcOffsetMinutes, TimeOnly DayStart)
{
    /// <summary>The site's business day of an instant.</summary>
    public DateOnly DayOf(DateTimeOffset at) => SiteClock.DayOf(at, UtcOffsetMinutes, DayStart);
}

/// <summary>Why a device was refused.</summary>
public enum DeviceRefusal
{
    None,
    UnknownDevice,
    BadCredential,
    WrongTopic,
}

/// <summary>
/// Looks devices up by code for every message and checks their secret. Devices are cached for a minute (a change made
/// through <see cref="DeviceService"/> on this node takes effect at once). Refusals are written to the audit log at most
/// once a minute per device code and reason, so a misconfigured or hostile device cannot flood it.
/// </summary>
public sealed class DeviceDirectory(DatabaseOptions database, TimeProvider clock, ILogger<DeviceDirectory> logger)
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan AuditEvery = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, (DeviceInfo? Device, DateTimeOffset Until)> _devices = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Code, DeviceRefusal Reason), DateTimeOffset> _audited = new();

    /// <summary>The device with <paramref name="code"/>, or null when there is none.</summary>
    public async ValueTask<DeviceInfo?> FindAsync(string code, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        if (_devices.TryGetValue(code, out var cached) && cached.Until > now)
        {
            return cached.Device;
        }

        await using var db = database.CreateContext(SystemUser.Instance, clock);
        var device = await (from d in db.Devices
                            join s in db.MonitoringSites on d.SiteId equals s.Id
                            where d.Code == code
                            select new DeviceInfo(d.Id, d.Code, d.Kind, d.SiteId, d.CustomerId, d.OrganisationPath, d.AccountManagerId,
                                d.SecretHash, d.CounterMode, d.RolloverAt, s.UtcOffsetMinutes, s.DayStart)).FirstOrDefaultAsync(cancellationToken);
        if (_devices.Count > 100_000)
        {
            _devices.Clear();
        }

        _devices[code] = (device, now + CacheFor);
        return device;
    }

    /// <summary>The device when <paramref name="secret"/> is its secret; otherwise null and the refusal is audited.</summary>
    public async ValueTask<(DeviceInfo? Device, DeviceRefusal Refusal)> AuthenticateAsync(string? code, string? secret, string transport, string? remote, CancellationToken cancellationToken = default)
    {
        var device = string.IsNullOrWhiteSpace(code) || code.Length > 40 ? null : await FindAsync(code, cancellationToken);
        var refusal = device is null ? DeviceRefusal.UnknownDevice
            : !DeviceCredentials.Matches(secret, device.SecretHash) ? DeviceRefusal.BadCredential
            : DeviceRefusal.None;
        if (refusal != DeviceRefusal.None)
        {
            await RefuseAsync(code ?? "", refusal, transport, remote, cancellationToken);
            return (null, refusal);
        }

        return (device, DeviceRefusal.None);
    }

    /// <summary>Forgets a device after it changed (new secret, other site or kind).</summary>
    public void Invalidate(string code) => _devices.TryRemove(code, out _);

    /// <summary>Writes an access-denied audit line for a refused device, at most once a minute per code and reason.</summary>
    public async Task RefuseAsync(string code, DeviceRefusal refusal, string transport, string? remote, CancellationToken cancellationToken = default)
    {
        var shortCode = code.Length > 40 ? code[..40] : code;
        logger.LogWarning("Device {Code} refused over {Transport} from {Remote}: {Reason}", shortCode, transport, remote, refusal);
        var now = clock.GetUtcNow();
        var key = (shortCode, refusal);
        if (_audited.TryGetValue(key, out var last) && now - last < AuditEvery)
        {
            return;
        }

        if (_audited.Count > 10_000)
        {
            _audited.Clear();
        }

        _audited[key] = now;
        await using var db = database.CreateContext(SystemUser.Instance, clock);
        var reason = refusal switch
        {
            DeviceRefusal.UnknownDevice => "unknown device",
            DeviceRefusal.BadCredential => "bad device credential",
            DeviceRefusal.WrongTopic => "topic of another device",
            DeviceRefusal.None => "refused",
        };
        db.Audit(AuditAction.AccessDenied, "Device", shortCode, $"{reason} ({transport}{(remote is null ? "" : " from " + remote)})");
        await db.SaveChangesAsync(cancellationToken);
    }
}
