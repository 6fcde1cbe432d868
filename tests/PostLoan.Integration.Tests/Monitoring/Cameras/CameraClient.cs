using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PostLoan.Domain.Monitoring;
using PostLoan.Domain.Monitoring.Images;
using PostLoan.Infrastructure.Monitoring.Cameras;
using PostLoan.Infrastructure.Monitoring.Images;
using PostLoan.Integration.Tests.Monitoring.Images;
using PostLoan.Integration.Tests.Support;
using static PostLoan.Integration.Tests.Monitoring.MonitoringFixture;

namespace PostLoan.Integration.Tests.Monitoring.Cameras;

/// <summary>
/// A warehouse camera of the demo enterprise set up as staff would: the synthetic warehouse (seed 7) uploaded as its
/// base image by service staff, its regions stored through the API; snapshots sent through the real HTTP ingest.
/// </summary>
internal sealed class CameraClient : IDisposable
{
    private readonly TestApp _app;
    private readonly ManualClock _clock;
    private readonly HttpClient _device;

    private CameraClient(TestApp app, ManualClock clock, int deviceId, int siteId, HttpClient device, HttpClient staff)
    {
        _app = app;
        _clock = clock;
        DeviceId = deviceId;
        SiteId = siteId;
        _device = device;
        Staff = staff;
    }

    public int DeviceId { get; }

    public int SiteId { get; }

    /// <summary>Service staff (服务经理), signed in.</summary>
    public HttpClient Staff { get; }

    public string Url => string.Create(CultureInfo.InvariantCulture, $"/api/monitoring/cameras/{DeviceId}");

    public static async Task<CameraClient> CreateAsync(TestApp app, ManualClock clock, string code = "CAM-WH-1")
    {
        var site = await SiteAsync(app);
        var issued = await DeviceAsync(app, site.Id, code, DeviceKind.WarehouseCamera);
        return new CameraClient(app, clock, issued.Device.Id, site.Id, DeviceClient(app, code, issued.Secret), await app.SignedInAsync("service"));
    }

    /// <summary>Uploads the synthetic warehouse's base shot and stores its policy with <paramref name="persistenceCount"/>.</summary>
    public async Task SetUpAsync(int persistenceCount)
    {
        Assert.Equal(HttpStatusCode.OK, (await UploadBaseAsync(new WarehouseShot())).StatusCode);
        var saved = await PutPolicyAsync(Policy(Warehouse.Scene.Regions, persistenceCount));
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
    }

    public Task<HttpResponseMessage> UploadBaseAsync(WarehouseShot shot) => Staff.PostAsync(Url + "/base-image", Form(Warehouse.Scene.Render(shot)));

    public Task<HttpResponseMessage> PutPolicyAsync(object policy) => Staff.PutAsJsonAsync(Url + "/policy", policy);

    /// <summary>A policy request with these regions, the default thresholds and severity red.</summary>
    public static object Policy(IEnumerable<ComparisonRegion> regions, int persistenceCount = 2) => new
    {
        regions = regions.Select(r => new
        {
            name = r.Name, rect = new { x = r.Rect.X, y = r.Rect.Y, width = r.Rect.Width, height = r.Rect.Height }, weight = r.Weight,
            role = r.Role == RegionRole.Control ? "control" : "goods",
        }).ToList(),
        persistenceCount,
        severity = "Red",
    };

    /// <summary>Sends a snapshot of the shot through the HTTP ingest ten minutes after the previous one; returns its id.</summary>
    public async Task<long> SendAsync(WarehouseShot shot)
    {
        _clock.Advance(TimeSpan.FromMinutes(10));
        var response = await _device.PostAsync("/api/ingest/snapshots", Form(Warehouse.Scene.Render(shot)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<Stored>())!.Id;
    }

    /// <summary>
    /// One round of the comparison worker (after a round the hosted worker may be running on the ingest's signal), so
    /// every snapshot sent is compared; returns how many comparisons the camera has.
    /// </summary>
    public async Task<int> CompareAsync()
    {
        await _app.Services.GetRequiredService<CameraComparisonWorker>().RunOnceAsync();
        await using var db = _app.SystemDb();
        return await db.CameraComparisons.CountAsync(c => c.DeviceId == DeviceId);
    }

    public static MultipartFormDataContent Form(byte[] jpeg)
    {
        var form = new MultipartFormDataContent();
        var content = new ByteArrayContent(jpeg);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("image/jpeg");
        form.Add(content, "image", "shot.jpg");
        return form;
    }

    public void Dispose()
    {
        _device.Dispose();
        Staff.Dispose();
    }

    private sealed record Stored(long Id, bool Duplicate);
}
