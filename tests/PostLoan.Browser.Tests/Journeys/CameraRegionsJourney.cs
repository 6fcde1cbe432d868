using Microsoft.Playwright;
using PostLoan.Browser.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace PostLoan.Browser.Tests.Journeys;

/// <summary>
/// Service staff open a demo warehouse camera from the site's device list, draw a new region (画框) on the base image by
/// dragging with the mouse, name it, mark it as a control region and save; the region is there after a reload.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class CameraRegionsJourney(BrowserFixture fixture)
{
    [Fact]
    public async Task Service_staff_draw_a_region_on_the_base_image_and_save_it()
    {
        var page = await fixture.NewPageAsync();
        await BrowserFixture.SignInAsync(page, "service");
        await BrowserFixture.GotoInteractiveAsync(page, "/monitoring/sites");
        await page.Locator("[data-testid=monitoring-sites] tbody tr").First.ClickAsync();
        await page.Locator("[data-testid=camera-link]").First.ClickAsync();
        var overlay = page.Locator("[data-testid=camera-regions]");
        await Expect(overlay).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await page.Locator("[data-testid=interactive]").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await Expect(overlay.Locator("[data-testid=camera-region]")).ToHaveCountAsync(10);
        await Expect(page.Locator("[data-testid=camera-snapshots]")).ToContainTextAsync("#");

        // The back wall above the rack (base-image pixels 300,40 to 700,200 of 1920×1080) holds no region yet.
        var box = (await overlay.BoundingBoxAsync())!;
        float X(double pixels) => (float)(box.X + pixels * box.Width / 1920);
        float Y(double pixels) => (float)(box.Y + pixels * box.Height / 1080);
        await page.Mouse.MoveAsync(X(300), Y(40));
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(X(500), Y(120), new() { Steps = 5 });
        await page.Mouse.MoveAsync(X(700), Y(200), new() { Steps = 5 });
        await page.Mouse.UpAsync();

        await Expect(overlay.Locator("[data-testid=camera-region]")).ToHaveCountAsync(11);
        var name = Input(page, "camera-region-name");
        await Expect(name).ToHaveValueAsync("货物区11");
        await name.FillAsync("后墙标识");
        await Input(page, "camera-region-control").CheckAsync(new() { Force = true });
        await page.Locator("[data-testid=camera-save]").ClickAsync();
        await Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("已保存");
        await BrowserFixture.CaptureAsync(page, "camera-regions");

        await page.ReloadAsync();
        var saved = page.Locator("[data-testid=camera-region][data-name='后墙标识'] rect");
        await Expect(saved).ToHaveCountAsync(1, new() { Timeout = 30_000 });
        var x = double.Parse((await saved.GetAttributeAsync("x"))!, System.Globalization.CultureInfo.InvariantCulture);
        var width = double.Parse((await saved.GetAttributeAsync("width"))!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(x, 295, 305);
        Assert.InRange(width, 390, 410);
        await Expect(page.Locator("[data-testid=camera-region][data-name='后墙标识'] rect")).ToHaveAttributeAsync("stroke", "#1e88e5");   // a control region

        // On a phone the base image fills the width and the regions lie on it; the editor follows below.
        await page.SetViewportSizeAsync(390, 844);
        await page.ReloadAsync();
        await page.Locator("[data-testid=interactive]").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await Expect(overlay.Locator("[data-testid=camera-region]")).ToHaveCountAsync(11, new() { Timeout = 30_000 });
        // The interactive render replaces the prerendered overlay: measure once it stays in place.
        LocatorBoundingBoxResult? measured = null;
        for (var attempt = 0; attempt < 50 && measured is null; attempt++)
        {
            measured = await overlay.BoundingBoxAsync();
            if (measured is null)
            {
                await Task.Delay(100);
            }
        }

        var phone = Assert.IsType<LocatorBoundingBoxResult>(measured);
        Assert.InRange(phone.Width, 300, 390);
        Assert.Equal(phone.Width * 1080 / 1920, phone.Height, 1.0);
    }

    /// <summary>MudBlazor puts the test id on the input itself or on its wrapper.</summary>
    private static ILocator Input(IPage page, string testId) => page.Locator($"input[data-testid={testId}], [data-testid={testId}] input").First;
}
