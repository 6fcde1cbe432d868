using PostLoan.Domain.Monitoring;

namespace PostLoan.Infrastructure.Monitoring.Simulation;

/// <summary>A scripted incident of a simulated site.</summary>
public enum Incident
{
    None,

    /// <summary>The factory stops (停产): from <see cref="SiteProfile.IncidentFrom"/> only a night guard and the base load remain.</summary>
    FactoryStop,

    /// <summary>The people counter is reset at <see cref="SiteProfile.IncidentFrom"/>.</summary>
    CounterReset,

    /// <summary>Goods leave the pledged warehouse from <see cref="SiteProfile.IncidentFrom"/>.</summary>
    GoodsLeaving,
}

/// <summary>What a simulated site looks like: staff, loads, and its scripted incident.</summary>
public sealed record SiteProfile(int Seed, int Staff, double BaseLoadKw, double ProductionKw, Incident Incident = Incident.None, DateTimeOffset? IncidentFrom = null)
{
    /// <summary>True when the incident is in force at <paramref name="at"/>.</summary>
    public bool InIncident(Incident incident, DateTimeOffset at) => Incident == incident && IncidentFrom is { } from && at >= from;
}

/// <summary>
/// Realistic activity of a Chinese factory site through the day, the week and the year (模拟数据): a day shift 08:00–17:30
/// on Monday to Friday with a lighter Saturday, arrivals before eight, a lunch dip 12:00–13:00, a night guard, base load
/// at all hours, more power in summer (cooling) and winter (heating), water following people. The same seed gives the
/// same numbers, so the demo bank's history and the live simulator agree.
/// </summary>
public static class ActivityPattern
{
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

    /// <summary>Share of the staff on site at a local time (0…1).</summary>
    public static double Presence(DateTimeOffset at)
    {
        var local = at.ToOffset(Beijing);
        var hour = local.Hour + local.Minute / 60.0;
        var day = local.DayOfWeek switch
        {
            DayOfWeek.Sunday => 0.05,
            DayOfWeek.Saturday => 0.35,
            _ => 1.0,
        };
        var shift = hour switch
        {
            < 7 => 0.02,
            < 8 => 0.02 + (hour - 7) * 0.9,
            < 12 => 0.97,
            < 13 => 0.55,
            < 17.5 => 0.95,
            < 19 => 0.95 - (hour - 17.5) * 0.6,
            _ => 0.02,
        };
        return Math.Clamp(shift * day, 0.02, 1);
    }

    /// <summary>People entering and leaving in the interval ending at <paramref name="at"/>.</summary>
    public static (int In, int Out) Flow(SiteProfile site, DateTimeOffset at, TimeSpan interval)
    {
        var staff = site.InIncident(Incident.FactoryStop, at) ? 2 : site.Staff;
        var before = Presence(at - interval) * staff;
        var now = Presence(at) * staff;
        // Visitors and errands: some movement both ways while people are there.
        var random = Noise(site.Seed, at);
        var churn = now * 0.04 * interval.TotalHours * (0.5 + random);
        var change = now - before;
        var entering = Math.Max(0, change) + churn;
        var leaving = Math.Max(0, -change) + churn;
        return ((int)Math.Round(entering), (int)Math.Round(leaving));
    }

    /// <summary>Average electrical load in kW at <paramref name="at"/>, with the season.</summary>
    public static double LoadKw(SiteProfile site, DateTimeOffset at)
    {
        var local = at.ToOffset(Beijing);
        var season = local.Month switch
        {
            7 or 8 => 1.25,
            6 or 9 => 1.1,
            12 or 1 or 2 => 1.15,
            _ => 1.0,
        };
        var production = site.InIncident(Incident.FactoryStop, at) ? 0 : site.ProductionKw * Presence(at);
        return (site.BaseLoadKw + production) * season * (0.95 + 0.1 * Noise(site.Seed + 1, at));
    }

    /// <summary>Water in m³ per hour: about 50 litres per person-hour plus a small base.</summary>
    public static double WaterPerHour(SiteProfile site, DateTimeOffset at)
    {
        var staff = site.InIncident(Incident.FactoryStop, at) ? 2 : site.Staff;
        return 0.2 + staff * Presence(at) * 0.05 * (0.9 + 0.2 * Noise(site.Seed + 2, at));
    }

    /// <summary>Warehouse temperature (°C) and relative humidity (%): the season, the day, a little noise.</summary>
    public static (double Temperature, double Humidity) Climate(SiteProfile site, DateTimeOffset at)
    {
        var local = at.ToOffset(Beijing);
        var year = Math.Cos((local.DayOfYear - 200) / 365.0 * 2 * Math.PI);
        var day = Math.Cos((local.Hour + local.Minute / 60.0 - 15) / 24 * 2 * Math.PI);
        var noise = Noise(site.Seed + 3, at) - 0.5;
        return (Math.Round(14 + 12 * year + 3 * day + noise, 1), Math.Round(Math.Clamp(60 + 15 * year - 8 * day + 4 * noise, 20, 98), 1));
    }

    /// <summary>Deterministic noise in 0…1 for a site and a quarter hour.</summary>
    public static double Noise(int seed, DateTimeOffset at)
    {
        var slot = at.ToUnixTimeSeconds() / 900;
        var x = (ulong)(slot * 2654435761L) ^ ((ulong)seed * 0x9E3779B97F4A7C15UL);
        x ^= x >> 33;
        x *= 0xff51afd7ed558ccdUL;
        x ^= x >> 33;
        return (x >> 11) * (1.0 / (1UL << 53));
    }

    /// <summary>The device kinds a simulated site has.</summary>
    public static readonly DeviceKind[] SiteDevices =
    [
        DeviceKind.PeopleCounter, DeviceKind.ElectricityMeter, DeviceKind.WaterMeter, DeviceKind.TemperatureHumiditySensor, DeviceKind.WarehouseCamera,
    ];
}
