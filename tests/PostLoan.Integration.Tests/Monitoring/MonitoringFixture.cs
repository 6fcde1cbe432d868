using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PostLoan.Domain.Ledger.Customers;
using PostLoan.Domain.Monitoring;
using PostLoan.Infrastructure.Monitoring;
using PostLoan.Infrastructure.Monitoring.Ingest;
using PostLoan.Integration.Tests.Support;

namespace PostLoan.Integration.Tests.Monitoring;

/// <summary>Arranges monitoring data: the demo enterprise's site with devices, and device clients for the HTTP ingest.</summary>
public static class MonitoringFixture
{
    /// <summary>A site of the demo enterprise customer (the one <c>ent.demo</c> belongs to).</summary>
    public static async Task<MonitoringSite> SiteAsync(TestApp app, string name = "一号厂区")
    {
        var customerId = await EnterpriseCustomerAsync(app);
        return await app.AsSystemAsync(async services =>
        {
            var site = await services.GetRequiredService<DeviceService>().CreateSiteAsync(new SiteInput(
                customerId, name, "测试路1号", new TimeOnly(8, 0), new TimeOnly(18, 0), WorkingDays.MondayToFriday, new TimeOnly(4, 0), 5m));
            Assert.True(site.IsSuccess, site.Error?.Message);
            return site.Value!;
        });
    }

    /// <summary>An account manager who does not manage the site's customer: outside its data scope.</summary>
    public static async Task<int> EnterpriseCustomerAsync(TestApp app)
    {
        await using var db = app.SystemDb();
        return await db.Users.Where(u => u.UserName == "ent.demo").Select(u => u.CustomerId!.Value).SingleAsync();
    }

    /// <summary>The first account manager (by user name) who does not manage <paramref name="customerId"/>: outside its scope.</summary>
    public static async Task<string> OutsiderAccountManagerAsync(TestApp app, int customerId)
    {
        await using var db = app.SystemDb();
        var customer = await db.Customers.SingleAsync(c => c.Id == customerId);
        return await (from u in db.Users
                      join ur in db.UserRoles on u.Id equals ur.UserId
                      join r in db.Roles on ur.RoleId equals r.Id
                      where r.Name == PostLoan.Domain.Administration.Roles.AccountManager && u.Id != customer.AccountManagerId
                      orderby u.UserName
                      select u.UserName!).FirstAsync();
    }

    /// <summary>Adds a device; returns it with its secret.</summary>
    public static Task<IssuedDeviceCredential> DeviceAsync(TestApp app, int siteId, string code, DeviceKind kind, CounterMode mode = CounterMode.Cumulative, double? rolloverAt = null) =>
        app.AsSystemAsync(async services =>
        {
            var issued = await services.GetRequiredService<DeviceService>().CreateDeviceAsync(new DeviceInput(
                siteId, code, code + " 设备", kind, "海康威视", "DS-2CD", "SN-" + code, new DateOnly(2026, 1, 5), mode, rolloverAt));
            Assert.True(issued.IsSuccess, issued.Error?.Message);
            return issued.Value!;
        });

    /// <summary>An HTTP client that authenticates as the device.</summary>
    public static HttpClient DeviceClient(TestApp app, string code, string secret)
    {
        var client = app.Client();
        client.DefaultRequestHeaders.Add(IngestEndpoints.CodeHeader, code);
        client.DefaultRequestHeaders.Add(IngestEndpoints.KeyHeader, secret);
        return client;
    }

    /// <summary>Posts readings as JSON text; returns the response.</summary>
    public static Task<HttpResponseMessage> PostReadingsAsync(HttpClient client, string json) =>
        client.PostAsync("/api/ingest/readings", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

    public static async Task<IngestAnswer> StoredAsync(HttpResponseMessage response)
    {
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<IngestAnswer>())!;
    }

    public static async Task<DeviceDailyTotal> TotalAsync(TestApp app, int deviceId)
    {
        await using var db = app.SystemDb();
        return await db.DeviceDailyTotals.SingleAsync(t => t.DeviceId == deviceId);
    }

    public sealed record IngestAnswer(int Received, int Stored, int Duplicates);
}
