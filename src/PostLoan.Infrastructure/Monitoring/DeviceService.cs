using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Common;
using PostLoan.Domain.Ledger.Customers;
using PostLoan.Domain.Monitoring;
using PostLoan.Infrastructure.Monitoring.Ingest;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Infrastructure.Monitoring;

/// <summary>What a site is given when created or edited.</summary>
public sealed record SiteInput(
    int CustomerId, string Name, string? Address, TimeOnly OpensAt, TimeOnly ClosesAt, WorkingDays WorkingDays, TimeOnly DayStart, decimal OperatingThreshold);

/// <summary>What a device is given when created or edited.</summary>
public sealed record DeviceInput(
    int SiteId, string Code, string Name, DeviceKind Kind, string? Vendor, string? Model, string? SerialNumber, DateOnly? InstalledOn,
    CounterMode CounterMode, double? RolloverAt);

/// <summary>A device and its new secret, which is shown once.</summary>
public sealed record IssuedDeviceCredential(Device Device, string Secret);

/// <summary>
/// Maintains sites and devices (监控点与设备) of enterprise customers in the caller's scope: validation, the device secret
/// issued once and rotated on demand, and the ingest's device cache kept in step. Changes are audited by the context.
/// </summary>
public sealed class DeviceService(PostLoanDbContext db, DeviceDirectory directory, TimeProvider clock)
{
    public async Task<Result<MonitoringSite>> CreateSiteAsync(SiteInput input, CancellationToken cancellationToken = default)
    {
        var customer = await db.Customers.FirstOrDefaultAsync(c => c.Id == input.CustomerId, cancellationToken);
        if (customer is null)
        {
            return Error.Validation("customerId", $"customerId: customer {input.CustomerId} does not exist or is outside your scope");
        }

        if (customer.Kind != CustomerKind.Enterprise)
        {
            return Error.Validation("customerId", "customerId: sites belong to enterprise customers");
        }

        var site = new MonitoringSite
        {
            Name = "", CustomerId = customer.Id, OrganisationId = customer.OrganisationId, OrganisationPath = customer.OrganisationPath,
            AccountManagerId = customer.AccountManagerId, CreatedAt = clock.GetUtcNow(),
        };
        var applied = Apply(site, input);
        if (applied is not null)
        {
            return applied;
        }

        db.MonitoringSites.Add(site);
        await db.SaveChangesAsync(cancellationToken);
        return site;
    }

    public async Task<Result<MonitoringSite>> UpdateSiteAsync(MonitoringSite site, SiteInput input, CancellationToken cancellationToken = default)
    {
        if (input.CustomerId != site.CustomerId)
        {
            return Error.Validation("customerId", "customerId: a site cannot move to another customer");
        }

        var applied = Apply(site, input);
        if (applied is not null)
        {
            return applied;
        }

        await db.SaveChangesAsync(cancellationToken);
        foreach (var code in await db.Devices.Where(d => d.SiteId == site.Id).Select(d => d.Code).ToListAsync(cancellationToken))
        {
            directory.Invalidate(code);
        }

        return site;
    }

    public async Task<Result<IssuedDeviceCredential>> CreateDeviceAsync(DeviceInput input, CancellationToken cancellationToken = default)
    {
        var site = await db.MonitoringSites.FirstOrDefaultAsync(s => s.Id == input.SiteId, cancellationToken);
        if (site is null)
        {
            return Error.Validation("siteId", $"siteId: site {input.SiteId} does not exist or is outside your scope");
        }

        var code = input.Code?.Trim() ?? "";
        if (await db.Devices.IgnoreQueryFilters().AnyAsync(d => d.Code == code, cancellationToken))
        {
            return Error.Conflict("code", $"code: device code '{code}' is already used");
        }

        var secret = DeviceCredentials.NewSecret();
        var now = clock.GetUtcNow();
        var device = new Device
        {
            Code = code, Name = "", SiteId = site.Id, CustomerId = site.CustomerId, OrganisationPath = site.OrganisationPath,
            AccountManagerId = site.AccountManagerId, SecretHash = DeviceCredentials.Hash(secret), SecretPrefix = DeviceCredentials.Prefix(secret),
            CredentialIssuedAt = now, CreatedAt = now, Status = DeviceStatus.Offline,
        };
        var applied = Apply(device, input with { Code = code });
        if (applied is not null)
        {
            return applied;
        }

        db.Devices.Add(device);
        await db.SaveChangesAsync(cancellationToken);
        directory.Invalidate(code);
        return new IssuedDeviceCredential(device, secret);
    }

    public async Task<Result<Device>> UpdateDeviceAsync(Device device, DeviceInput input, CancellationToken cancellationToken = default)
    {
        if (input.Code?.Trim() != device.Code)
        {
            return Error.Validation("code", "code: the device code is its MQTT identity and cannot change; add a new device instead");
        }

        if (input.SiteId != device.SiteId)
        {
            var site = await db.MonitoringSites.FirstOrDefaultAsync(s => s.Id == input.SiteId, cancellationToken);
            if (site is null || site.CustomerId != device.CustomerId)
            {
                return Error.Validation("siteId", $"siteId: site {input.SiteId} is not a site of the same customer within your scope");
            }

            device.SiteId = site.Id;
        }

        var applied = Apply(device, input);
        if (applied is not null)
        {
            return applied;
        }

        await db.SaveChangesAsync(cancellationToken);
        directory.Invalidate(device.Code);
        return device;
    }

    /// <summary>Issues a new secret; the old one stops working at once on this node and within a minute on others.</summary>
    public async Task<IssuedDeviceCredential> RotateCredentialAsync(Device device, CancellationToken cancellationToken = default)
    {
        var secret = DeviceCredentials.NewSecret();
        device.SecretHash = DeviceCredentials.Hash(secret);
        device.SecretPrefix = DeviceCredentials.Prefix(secret);
        device.CredentialIssuedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        directory.Invalidate(device.Code);
        return new IssuedDeviceCredential(device, secret);
    }

    /// <summary>Edits the site <paramref name="siteId"/> of the caller's scope.</summary>
    public async Task<Result<MonitoringSite>> UpdateSiteAsync(int siteId, SiteInput input, CancellationToken cancellationToken = default) =>
        await db.MonitoringSites.FirstOrDefaultAsync(s => s.Id == siteId, cancellationToken) is { } site
            ? await UpdateSiteAsync(site, input, cancellationToken)
            : Error.NotFound("site.not_found", $"site {siteId} does not exist or is outside your scope");

    /// <summary>Edits the device <paramref name="deviceId"/> of the caller's scope.</summary>
    public async Task<Result<Device>> UpdateDeviceAsync(int deviceId, DeviceInput input, CancellationToken cancellationToken = default) =>
        await db.Devices.FirstOrDefaultAsync(d => d.Id == deviceId, cancellationToken) is { } device
            ? await UpdateDeviceAsync(device, input, cancellationToken)
            : Error.NotFound("device.not_found", $"device {deviceId} does not exist or is outside your scope");

    /// <summary>Rotates the secret of the device <paramref name="deviceId"/> of the caller's scope.</summary>
    public async Task<Result<IssuedDeviceCredential>> RotateCredentialAsync(int deviceId, CancellationToken cancellationToken = default) =>
        await db.Devices.FirstOrDefaultAsync(d => d.Id == deviceId, cancellationToken) is { } device
            ? await RotateCredentialAsync(device, cancellationToken)
            : Error.NotFound("device.not_found", $"device {deviceId} does not exist or is outside your scope");

    private static Error? Apply(MonitoringSite site, SiteInput input)
    {
        var name = input.Name?.Trim() ?? "";
        if (name.Length is 0 or > 100)
        {
            return Error.Validation("name", "name: required, at most 100 characters");
        }

        if (input.Address is { Length: > 200 })
        {
            return Error.Validation("address", "address: at most 200 characters");
        }

        if (input.ClosesAt <= input.OpensAt)
        {
            return Error.Validation("closesAt", "closesAt: must be after opensAt");
        }

        if (input.WorkingDays is WorkingDays.None || (input.WorkingDays & ~WorkingDays.EveryDay) != 0)
        {
            return Error.Validation("workingDays", "workingDays: at least one day of the week");
        }

        if (input.OperatingThreshold < 0)
        {
            return Error.Validation("operatingThreshold", "operatingThreshold: must be ≥ 0");
        }

        site.Name = name;
        site.Address = string.IsNullOrWhiteSpace(input.Address) ? null : input.Address.Trim();
        site.OpensAt = input.OpensAt;
        site.ClosesAt = input.ClosesAt;
        site.WorkingDays = input.WorkingDays;
        site.DayStart = input.DayStart;
        site.OperatingThreshold = input.OperatingThreshold;
        return null;
    }

    private static Error? Apply(Device device, DeviceInput input)
    {
        if (input.Code.Length is < 3 or > 40 || !input.Code.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            return Error.Validation("code", "code: 3–40 letters, digits, '-', '_' or '.' (it is an MQTT topic level)");
        }

        var name = input.Name?.Trim() ?? "";
        if (name.Length is 0 or > 100)
        {
            return Error.Validation("name", "name: required, at most 100 characters");
        }

        if (!Enum.IsDefined(input.Kind))
        {
            return Error.Validation("kind", "kind: unknown device kind");
        }

        if (input.RolloverAt is { } top && (top <= 0 || input.Kind is not (DeviceKind.ElectricityMeter or DeviceKind.WaterMeter)))
        {
            return Error.Validation("rolloverAt", "rolloverAt: a positive register size, for meters only");
        }

        foreach (var (field, value) in new[] { ("vendor", input.Vendor), ("model", input.Model), ("serialNumber", input.SerialNumber) })
        {
            if (value is { Length: > 60 })
            {
                return Error.Validation(field, field + ": at most 60 characters");
            }
        }

        device.Name = name;
        device.Kind = input.Kind;
        device.Vendor = input.Vendor?.Trim();
        device.Model = input.Model?.Trim();
        device.SerialNumber = input.SerialNumber?.Trim();
        device.InstalledOn = input.InstalledOn;
        device.CounterMode = input.CounterMode;
        device.RolloverAt = input.RolloverAt;
        return null;
    }
}
