using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PostLoan.Domain.Ledger.Calendar;
using PostLoan.Infrastructure.Ledger.Import;
using PostLoan.Integration.Tests.Support;

namespace PostLoan.Integration.Tests.Ledger;

/// <summary>The working-day calendar is imported per year from a file; a bad file changes nothing.</summary>
public sealed class CalendarImport : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(seed: false);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task The_2026_sample_imports_and_drives_working_day_deadlines()
    {
        var result = await ImportAsync(Path.Combine(TestPaths.Root, "samples", "calendar-2026.csv"));

        Assert.True(result.Succeeded);
        Assert.Equal(25, result.Written);
        var calendar = await _app.AsSystemAsync(s => s.GetRequiredService<CalendarImporter>().LoadAsync());
        Assert.Equal(new DateOnly(2026, 2, 24), calendar.NextWorkingDayOnOrAfter(new DateOnly(2026, 2, 16)));
        Assert.True(calendar.IsWorkingDay(new DateOnly(2026, 2, 28)));
    }

    [Fact]
    public async Task A_file_with_a_bad_row_changes_nothing()
    {
        await ImportAsync(Path.Combine(TestPaths.Root, "samples", "calendar-2026.csv"));
        var bad = Path.Combine(Path.GetTempPath(), $"calendar-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(bad, "date,kind,name\n2026-05-01,holiday,劳动节\n2026-05-06,workday,错误\n");

        var result = await ImportAsync(bad);

        Assert.False(result.Succeeded);
        var issue = Assert.Single(result.Issues);
        Assert.Equal((3, "kind"), (issue.Row, issue.Field));
        await using var db = _app.SystemDb();
        Assert.Equal(25, await db.CalendarDays.CountAsync());
    }

    [Fact]
    public async Task Reimporting_a_year_replaces_it()
    {
        await ImportAsync(Path.Combine(TestPaths.Root, "samples", "calendar-2026.csv"));
        var replacement = Path.Combine(Path.GetTempPath(), $"calendar-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(replacement, "date,kind,name\n2026-10-01,休,国庆节\n");

        await ImportAsync(replacement);

        await using var db = _app.SystemDb();
        var day = Assert.Single(await db.CalendarDays.ToListAsync());
        Assert.Equal(CalendarDayKind.Holiday, day.Kind);
    }

    private Task<ImportResult> ImportAsync(string path) => _app.AsSystemAsync(async services =>
    {
        await using var stream = File.OpenRead(path);
        return await services.GetRequiredService<CalendarImporter>().ImportAsync(TabularFile.Read(stream, TabularFormat.Csv), Path.GetFileName(path));
    });
}
