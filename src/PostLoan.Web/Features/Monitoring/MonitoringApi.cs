using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Administration;
using PostLoan.Domain.Common;
using PostLoan.Domain.Monitoring;
using PostLoan.Infrastructure.Monitoring;
using PostLoan.Infrastructure.Monitoring.Ingest;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Web.Common;

namespace PostLoan.Web.Features.Monitoring;

/// <summary>Who may do what in operations monitoring.</summary>
public static class MonitoringRoles
{
    /// <summary>Maintain sites and devices, rotate credentials: administrators and service staff (服务经理).</summary>
    public static readonly string[] Maintain = [Roles.Administrator, Roles.ServiceStaff];

    /// <summary>See sites and devices in scope: also account and risk managers, auditors and the enterprise itself.</summary>
    public static readonly string[] Read = [Roles.Administrator, Roles.ServiceStaff, Roles.AccountManager, Roles.RiskManager, Roles.Auditor, Roles.EnterpriseUser];
}

/// <summary>
/// Sites and devices API (<c>/api/monitoring</c>, docs/monitoring.md) and the device ingest (<c>/api/ingest</c>, device
/// credentials). Lists are limited by the data scope; records asked for by id go through <see cref="ScopedAccess"/>.
/// </summary>
public static class MonitoringApi
{
    public static void MapMonitoringApi(this RouteGroupBuilder api)
    {
        api.MapIngestEndpoints();

        var monitoring = api.MapGroup("/monitoring").WithTags("Monitoring").RequireAuthorization(p => p.RequireRole(MonitoringRoles.Read));
        var maintain = monitoring.MapGroup("").RequireAuthorization(p => p.RequireRole(MonitoringRoles.Maintain));

        monitoring.MapGet("/sites", async (int? customerId, PostLoanDbContext db, CancellationToken ct) =>
        {
            var sites = db.MonitoringSites.AsNoTracking();
            if (customerId is { } id)
            {
                sites = sites.Where(s => s.CustomerId == id);
            }

            var list = await sites.OrderBy(s => s.CustomerId).ThenBy(s => s.Name).ToListAsync(ct);
            var counts = await db.Devices.GroupBy(d => d.SiteId).Select(g => new { g.Key, Total = g.Count(), Online = g.Count(d => d.Status == DeviceStatus.Online) }).ToListAsync(ct);
            var names = await db.Customers.Where(c => list.Select(s => s.CustomerId).Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Name, ct);
            return TypedResults.Ok(list.Select(s =>
            {
                var count = counts.FirstOrDefault(c => c.Key == s.Id);
                return SiteView.From(s, names.GetValueOrDefault(s.CustomerId), count?.Total ?? 0, count?.Online ?? 0);
            }).ToList());
        });

        monitoring.MapGet("/sites/{id:int}", async Task<Results<Ok<SiteDetail>, ProblemHttpResult>> (int id, PostLoanDbContext db, CancellationToken ct) =>
        {
            var access = await FindSiteAsync(db, id, ct);
            if (access.Outcome != AccessOutcome.Granted)
            {
                return ProblemResults.From(access, $"site {id}");
            }

            var devices = await db.Devices.AsNoTracking().Where(d => d.SiteId == id).OrderBy(d => d.Kind).ThenBy(d => d.Code).ToListAsync(ct);
            var name = await db.Customers.Where(c => c.Id == access.Value!.CustomerId).Select(c => c.Name).FirstOrDefaultAsync(ct);
            return TypedResults.Ok(new SiteDetail(SiteView.From(access.Value!, name, devices.Count, devices.Count(d => d.Status == DeviceStatus.Online)),
                devices.Select(DeviceView.From).ToList()));
        });

        maintain.MapPost("/sites", async Task<Results<Created<SiteView>, ProblemHttpResult>> (SiteRequest input, DeviceService service, CancellationToken ct) =>
        {
            var parsed = input.ToInput();
            if (!parsed.IsSuccess)
            {
                return ProblemResults.From(parsed.Error!);
            }

            var site = await service.CreateSiteAsync(parsed.Value!, ct);
            return site.IsSuccess
                ? TypedResults.Created($"/api/monitoring/sites/{site.Value!.Id}", SiteView.From(site.Value, null, 0, 0))
                : ProblemResults.From(site.Error!);
        });

        maintain.MapPut("/sites/{id:int}", async Task<Results<Ok<SiteView>, ProblemHttpResult>> (int id, SiteRequest input, PostLoanDbContext db, DeviceService service, CancellationToken ct) =>
        {
            var access = await FindSiteAsync(db, id, ct);
            if (access.Outcome != AccessOutcome.Granted)
            {
                return ProblemResults.From(access, $"site {id}");
            }

            var parsed = input.ToInput();
            if (!parsed.IsSuccess)
            {
                return ProblemResults.From(parsed.Error!);
            }

            var site = await service.UpdateSiteAsync(access.Value!, parsed.Value!, ct);
            return site.IsSuccess ? TypedResults.Ok(SiteView.From(site.Value!, null, 0, 0)) : ProblemResults.From(site.Error!);
        });

        monitoring.MapGet("/devices", async (int? siteId, int? customerId, DeviceStatus? status, PostLoanDbContext db, CancellationToken ct) =>
        {
            var devices = db.Devices.AsNoTracking();
            devices = siteId is { } s ? devices.Where(d => d.SiteId == s) : devices;
            devices = customerId is { } c ? devices.Where(d => d.CustomerId == c) : devices;
            devices = status is { } st ? devices.Where(d => d.Status == st) : devices;
            var list = await devices.OrderBy(d => d.SiteId).ThenBy(d => d.Code).Take(1000).ToListAsync(ct);
            return TypedResults.Ok(list.Select(DeviceView.From).ToList());
        });

        monitoring.MapGet("/devices/{id:int}", async Task<Results<Ok<DeviceView>, ProblemHttpResult>> (int id, PostLoanDbContext db, CancellationToken ct) =>
        {
            var access = await FindDeviceAsync(db, id, ct);
            return access.Outcome == AccessOutcome.Granted ? TypedResults.Ok(DeviceView.From(access.Value!)) : ProblemResults.From(access, $"device {id}");
        });

        monitoring.MapGet("/devices/{id:int}/events", async Task<Results<Ok<List<DeviceEventView>>, ProblemHttpResult>> (int id, PostLoanDbContext db, CancellationToken ct) =>
        {
            var access = await FindDeviceAsync(db, id, ct);
            if (access.Outcome != AccessOutcome.Granted)
            {
                return ProblemResults.From(access, $"device {id}");
            }

            var events = await db.DeviceEvents.AsNoTracking().Where(e => e.DeviceId == id).OrderByDescending(e => e.Id).Take(200).ToListAsync(ct);
            return TypedResults.Ok(events.Select(e => new DeviceEventView(e.At, e.Kind.ToString(), e.Detail)).ToList());
        });

        maintain.MapPost("/devices", async Task<Results<Created<IssuedDeviceView>, ProblemHttpResult>> (DeviceRequest input, DeviceService service, CancellationToken ct) =>
        {
            var parsed = input.ToInput();
            if (!parsed.IsSuccess)
            {
                return ProblemResults.From(parsed.Error!);
            }

            var issued = await service.CreateDeviceAsync(parsed.Value!, ct);
            return issued.IsSuccess
                ? TypedResults.Created($"/api/monitoring/devices/{issued.Value!.Device.Id}", new IssuedDeviceView(DeviceView.From(issued.Value.Device), issued.Value.Secret))
                : ProblemResults.From(issued.Error!);
        });

        maintain.MapPut("/devices/{id:int}", async Task<Results<Ok<DeviceView>, ProblemHttpResult>> (int id, DeviceRequest input, PostLoanDbContext db, DeviceService service, CancellationToken ct) =>
        {
            var access = await FindDeviceAsync(db, id, ct);
            if (access.Outcome != AccessOutcome.Granted)
            {
                return ProblemResults.From(access, $"device {id}");
            }

            var parsed = input.ToInput();
            if (!parsed.IsSuccess)
            {
                return ProblemResults.From(parsed.Error!);
            }

            var device = await service.UpdateDeviceAsync(access.Value!, parsed.Value!, ct);
            return device.IsSuccess ? TypedResults.Ok(DeviceView.From(device.Value!)) : ProblemResults.From(device.Error!);
        });

        maintain.MapPost("/devices/{id:int}/credential", async Task<Results<Ok<IssuedDeviceView>, ProblemHttpResult>> (int id, PostLoanDbContext db, DeviceService service, CancellationToken ct) =>
        {
            var access = await FindDeviceAsync(db, id, ct);
            if (access.Outcome != AccessOutcome.Granted)
            {
                return ProblemResults.From(access, $"device {id}");
            }

            var issued = await service.RotateCredentialAsync(access.Value!, ct);
            return TypedResults.Ok(new IssuedDeviceView(DeviceView.From(issued.Device), issued.Secret));
        });

        maintain.MapGet("/ingest/rejections", (IngestGateway gateway) =>
            TypedResults.Ok(gateway.MalformedByDevice.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(p => p.Key, p => p.Value)));
    }

    private static Task<Access<MonitoringSite>> FindSiteAsync(PostLoanDbContext db, int id, CancellationToken ct) =>
        db.FindInScopeAsync<MonitoringSite>(s => s.Id == id, id.ToString(CultureInfo.InvariantCulture), ct);

    private static Task<Access<Device>> FindDeviceAsync(PostLoanDbContext db, int id, CancellationToken ct) =>
        db.FindInScopeAsync<Device>(d => d.Id == id, id.ToString(CultureInfo.InvariantCulture), ct);
}

/// <summary>A site as the API shows it.</summary>
public sealed record SiteView(
    int Id, int CustomerId, string? CustomerName, string Name, string? Address, string OpensAt, string ClosesAt, string[] WorkingDays, string DayStart,
    decimal OperatingThreshold, int Devices, int Online)
{
    public static SiteView From(MonitoringSite s, string? customerName, int devices, int online) => new(
        s.Id, s.CustomerId, customerName, s.Name, s.Address, Time(s.OpensAt), Time(s.ClosesAt),
        Enum.GetValues<DayOfWeek>().Where(d => s.WorkingDays.Includes(d)).Select(d => d.ToString()).ToArray(), Time(s.DayStart),
        s.OperatingThreshold, devices, online);

    public static string Time(TimeOnly t) => t.ToString("HH:mm", CultureInfo.InvariantCulture);
}

/// <summary>A site with its devices.</summary>
public sealed record SiteDetail(SiteView Site, List<DeviceView> Devices);

/// <summary>A device as the API shows it (never its secret: only the first characters).</summary>
public sealed record DeviceView(
    int Id, int SiteId, int CustomerId, string Code, string Name, string Kind, string? Vendor, string? Model, string? SerialNumber, DateOnly? InstalledOn,
    string CounterMode, double? RolloverAt, string Status, DateTimeOffset? LastSeenAt, string? FaultReason, string SecretPrefix, DateTimeOffset CredentialIssuedAt)
{
    public static DeviceView From(Device d) => new(
        d.Id, d.SiteId, d.CustomerId, d.Code, d.Name, d.Kind.ToString(), d.Vendor, d.Model, d.SerialNumber, d.InstalledOn, d.CounterMode.ToString(),
        d.RolloverAt, d.Status.ToString(), d.LastSeenAt, d.FaultReason, d.SecretPrefix + "…", d.CredentialIssuedAt);
}

/// <summary>A device with its new secret, shown once.</summary>
public sealed record IssuedDeviceView(DeviceView Device, string Secret);

/// <summary>A device event.</summary>
public sealed record DeviceEventView(DateTimeOffset At, string Kind, string? Detail);

/// <summary>A site to create or edit; times as HH:mm, working days as names (Monday…Sunday).</summary>
public sealed record SiteRequest(int CustomerId, string? Name, string? Address, string? OpensAt, string? ClosesAt, string[]? WorkingDays, string? DayStart, decimal? OperatingThreshold)
{
    public Result<SiteInput> ToInput()
    {
        var opens = ParseTime("opensAt", OpensAt, new TimeOnly(8, 0));
        var closes = ParseTime("closesAt", ClosesAt, new TimeOnly(18, 0));
        var dayStart = ParseTime("dayStart", DayStart, new TimeOnly(4, 0));
        foreach (var time in new[] { opens, closes, dayStart })
        {
            if (!time.IsSuccess)
            {
                return time.Error!;
            }
        }

        var days = Domain.Monitoring.WorkingDays.None;
        foreach (var day in WorkingDays ?? ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"])
        {
            if (!Enum.TryParse<DayOfWeek>(day, ignoreCase: true, out var d))
            {
                return Error.Validation("workingDays", $"workingDays: '{day}' is not a day of the week (Monday…Sunday)");
            }

            days |= WorkingDaysExtensions.Flag(d);
        }

        return new SiteInput(CustomerId, Name ?? "", Address, opens.Value, closes.Value, days, dayStart.Value, OperatingThreshold ?? 5m);
    }

    private static Result<TimeOnly> ParseTime(string field, string? text, TimeOnly fallback)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        return TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
            ? time
            : Error.Validation(field, field + ": HH:mm, e.g. 08:30");
    }
}

/// <summary>A device to create or edit.</summary>
public sealed record DeviceRequest(int SiteId, string? Code, string? Name, string? Kind, string? Vendor, string? Model, string? SerialNumber, DateOnly? InstalledOn, string? CounterMode, double? RolloverAt)
{
    public Result<DeviceInput> ToInput()
    {
        if (!Enum.TryParse<DeviceKind>(Kind, ignoreCase: true, out var kind) || !Enum.IsDefined(kind))
        {
            return Error.Validation("kind", "kind: one of " + string.Join(", ", Enum.GetNames<DeviceKind>()));
        }

        var mode = Domain.Monitoring.CounterMode.Cumulative;
        if (CounterMode is not null && (!Enum.TryParse(CounterMode, ignoreCase: true, out mode) || !Enum.IsDefined(mode)))
        {
            return Error.Validation("counterMode", "counterMode: Cumulative or Delta");
        }

        return new DeviceInput(SiteId, Code ?? "", Name ?? "", kind, Vendor, Model, SerialNumber, InstalledOn, mode, RolloverAt);
    }
}
