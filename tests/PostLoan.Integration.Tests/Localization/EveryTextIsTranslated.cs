using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PostLoan.Web;

namespace PostLoan.Integration.Tests.Localization;

/// <summary>Every text key a page uses exists in Chinese and English, so no page shows a raw key.</summary>
public sealed partial class EveryTextIsTranslated
{
    private static readonly string Root = PostLoan.Integration.Tests.Support.TestPaths.Root;

    [Fact]
    public void Every_key_used_in_a_page_has_chinese_and_english_text()
    {
        var factory = new ResourceManagerStringLocalizerFactory(Options.Create(new LocalizationOptions { ResourcesPath = "Resources" }), NullLoggerFactory.Instance);
        var localizer = factory.Create(typeof(SharedResource));
        var keys = Directory.EnumerateFiles(Path.Combine(Root, "src", "PostLoan.Web"), "*.razor", SearchOption.AllDirectories)
            .SelectMany(file => LiteralKey().Matches(File.ReadAllText(file)).Select(m => m.Groups[1].Value))
            .Distinct()
            .ToList();

        Assert.NotEmpty(keys);
        foreach (var culture in new[] { "zh-CN", "en" })
        {
            CultureInfo.CurrentUICulture = new CultureInfo(culture);
            var missing = keys.Where(k => localizer[k].ResourceNotFound).ToList();
            Assert.True(missing.Count == 0, $"{culture} lacks: {string.Join(", ", missing)}");
        }

        CultureInfo.CurrentUICulture = new CultureInfo("en");
        Assert.Equal("Dashboard", localizer["Dashboard"].Value);
        CultureInfo.CurrentUICulture = new CultureInfo("zh-CN");
        Assert.Equal("工作台", localizer["Dashboard"].Value);
    }

    [GeneratedRegex("""L\["([A-Za-z0-9]+)"[\],]""")]
    private static partial Regex LiteralKey();
}
