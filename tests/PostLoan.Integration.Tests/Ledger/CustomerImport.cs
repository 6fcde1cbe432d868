using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using PostLoan.Integration.Tests.Support;

namespace PostLoan.Integration.Tests.Ledger;

/// <summary>Customer import is all or nothing: a good file writes every row, a file with one bad row writes none and names it.</summary>
public sealed class CustomerImport : IAsyncLifetime
{
    private const string Header = "code,name,kind,idNumber,industry,region,contactName,contactPhone,address,rating,organisationCode,accountManager";
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData("customers.csv")]
    [InlineData("customers.xlsx")]
    [InlineData("customers.json")]
    public async Task Each_sample_file_imports_all_its_rows(string sample)
    {
        using var admin = await _app.WithTokenAsync("admin");
        var before = await CountAsync();

        var response = await UploadAsync(admin, sample, await File.ReadAllBytesAsync(Path.Combine(TestPaths.Root, "samples", sample)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(before + 3, await CountAsync());
        await using var db = _app.SystemDb();
        var person = await db.Customers.SingleAsync(c => c.Code == "K100003");
        Assert.Equal("李秀兰", person.Name);
        Assert.Equal("440106198503120023", person.IdNumber);
        var guangzhou = await db.Organisations.SingleAsync(o => o.Code == "GZ01");
        Assert.Equal(guangzhou.Path, person.OrganisationPath);
    }

    [Fact]
    public async Task A_file_with_one_bad_row_writes_nothing_and_names_the_row_and_field()
    {
        using var clerk = await _app.WithTokenAsync("clerk.bj");
        var csv = Header + "\n"
            + "K200001,北京甲公司,enterprise,91110108MA01ABCD0B,制造业,北京市海淀区,张三,13910001001,地址1,A,BJ01,am.bj01\n"
            + "K200002,王五,person,110101199001011235,个体经营,北京市东城区,王五,13910001002,地址2,BB,BJ02,am.bj02\n"
            + "K200003,北京丙公司,enterprise,91310115MA1K4XYW21,制造业,北京市海淀区,李四,13910001003,地址3,A,BJ03,am.bj03\n";
        var before = await CountAsync();

        var response = await UploadAsync(clerk, "bad.csv", Encoding.UTF8.GetBytes(csv));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var issues = (await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync())).RootElement.GetProperty("issues").EnumerateArray()
            .Select(i => (Row: i.GetProperty("row").GetInt32(), Field: i.GetProperty("field").GetString())).ToList();
        Assert.Equal([(3, "idNumber")], issues);
        Assert.Equal(before, await CountAsync());
    }

    [Fact]
    public async Task A_clerk_cannot_import_customers_into_another_branch()
    {
        using var clerk = await _app.WithTokenAsync("clerk.bj");
        var csv = Header + "\nK300001,上海乙公司,enterprise,91310115MA1K4XYW21,物流,上海市浦东新区,钱六,13910001004,地址,A,SH01,am.sh01\n";

        var response = await UploadAsync(clerk, "other-branch.csv", Encoding.UTF8.GetBytes(csv));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"field\":\"organisationCode\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Duplicate_codes_in_one_file_are_reported_with_the_first_row()
    {
        using var admin = await _app.WithTokenAsync("admin");
        var csv = Header + "\n"
            + "K400001,甲,enterprise,91110108MA01ABCD0B,制造业,,,,,,BJ01,\n"
            + "K400001,乙,enterprise,91310115MA1K4XYW21,制造业,,,,,,BJ01,\n";

        var response = await UploadAsync(admin, "dupes.csv", Encoding.UTF8.GetBytes(csv));

        Assert.Contains("'K400001' appears again (first in row 2)", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_gb18030_csv_from_a_core_system_is_read()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        using var admin = await _app.WithTokenAsync("admin");
        var csv = Header + "\nK500001,北京国标编码有限公司,企业,91110108MA01ABCD0B,制造业,北京市海淀区,赵六,13910001005,地址,A,BJ01,am.bj01\n";

        var response = await UploadAsync(admin, "gbk.csv", Encoding.GetEncoding("GB18030").GetBytes(csv));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var db = _app.SystemDb();
        Assert.Equal("北京国标编码有限公司", (await db.Customers.SingleAsync(c => c.Code == "K500001")).Name);
    }

    [Fact]
    public async Task An_enterprise_user_may_not_import()
    {
        using var company = await _app.WithTokenAsync("ent.demo");
        var response = await UploadAsync(company, "x.csv", Encoding.UTF8.GetBytes(Header + "\n"));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    private async Task<int> CountAsync()
    {
        await using var db = _app.SystemDb();
        return await db.Customers.CountAsync();
    }

    private static Task<HttpResponseMessage> UploadAsync(HttpClient client, string fileName, byte[] content)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", fileName);
        return client.PostAsync("/api/imports/customers", form);
    }
}
