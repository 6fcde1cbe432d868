using System.Globalization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Administration;
using PostLoan.Domain.Ledger.Customers;
using PostLoan.Infrastructure.Administration;
using PostLoan.Infrastructure.Identity;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Infrastructure.Demo;

/// <summary>
/// Builds the demo bank (示范银行): a deterministic institution with 1 head office, 3 branches and 9 sub-branches,
/// a user for every role, and enterprise and individual customers with their account managers. The same seed
/// always produces the same bank, so screenshots, tests and documentation agree.
/// </summary>
public sealed class DemoBankSeeder(PostLoanDbContext db, OrganisationService organisations, UserManager<ApplicationUser> users, TimeProvider clock)
{
    /// <summary>The password of every demo user.</summary>
    public const string DemoPassword = "PostLoan@2026";

    /// <summary>Code of the head office; its presence means the demo bank was seeded.</summary>
    public const string HeadOfficeCode = "HO";

    private static readonly (string Code, string Name, string City, string[] SubBranches)[] Branches =
    [
        ("BJ", "北京分行", "北京", ["海淀支行", "朝阳支行", "西城支行"]),
        ("SH", "上海分行", "上海", ["浦东支行", "静安支行", "徐汇支行"]),
        ("GZ", "广州分行", "广州", ["天河支行", "越秀支行", "海珠支行"]),
    ];

    private static readonly string[] Industries =
        ["制造业", "批发和零售业", "建筑业", "交通运输、仓储和邮政业", "住宿和餐饮业", "农、林、牧、渔业", "信息传输、软件和信息技术服务业", "科学研究和技术服务业"];

    private static readonly string[] IndustryWords = ["机械制造", "商贸", "建设工程", "物流", "餐饮管理", "农业发展", "信息技术", "科技"];

    private static readonly string[] BrandWords =
        ["恒达", "华信", "鑫源", "永盛", "瑞丰", "金泰", "宏图", "嘉禾", "盛世", "联创", "天成", "博远", "汇通", "新锐", "东方", "润发", "中联", "安信", "佳和", "荣昌"];

    private static readonly string[] Surnames = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭"];

    private static readonly string[] GivenNames = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰", "军", "涛", "明", "超", "秀英", "建华", "志强", "海燕", "晓东", "丽娟"];

    private static readonly string[] Ratings = ["AAA", "AA", "A", "BBB", "BB", "B"];

    private static readonly (string Region, string AreaCode)[] Regions =
    [
        ("北京市海淀区", "110108"), ("北京市朝阳区", "110105"), ("北京市西城区", "110102"),
        ("上海市浦东新区", "310115"), ("上海市静安区", "310106"), ("上海市徐汇区", "310104"),
        ("广州市天河区", "440106"), ("广州市越秀区", "440104"), ("广州市海珠区", "440105"),
    ];

    /// <summary>True when the demo bank (or any head office) exists already.</summary>
    public Task<bool> IsSeededAsync(CancellationToken cancellationToken = default) =>
        db.Organisations.IgnoreQueryFilters().AnyAsync(o => o.ParentId == null, cancellationToken);

    /// <summary>Enterprise and personal customers created per sub-branch by default.</summary>
    public const int DefaultCustomersPerSubBranch = 8;

    /// <summary>Seeds the demo bank with <paramref name="customersPerSubBranch"/> customers per sub-branch. Does nothing when seeded.</summary>
    public async Task<DemoBank?> SeedAsync(int customersPerSubBranch = DefaultCustomersPerSubBranch, CancellationToken cancellationToken = default)
    {
        if (await IsSeededAsync(cancellationToken))
        {
            return null;
        }

        var random = new Random(20261122);
        var logins = new List<DemoLogin>();

        var headOffice = Value(await organisations.CreateAsync(HeadOfficeCode, "示范银行总行", null, cancellationToken));
        logins.Add(await AddUserAsync("admin", "系统管理员", headOffice, Roles.Administrator, null));
        logins.Add(await AddUserAsync("risk", "风控经理 周敏", headOffice, Roles.RiskManager, null));
        logins.Add(await AddUserAsync("service", "服务经理 孙磊", headOffice, Roles.ServiceStaff, null));
        logins.Add(await AddUserAsync("auditor", "稽核 吴静", headOffice, Roles.Auditor, null));

        var customerNumber = 0;
        DemoLogin? enterpriseLogin = null;
        var regionIndex = 0;
        foreach (var (code, name, city, subBranches) in Branches)
        {
            var branch = Value(await organisations.CreateAsync(code, name, headOffice.Id, cancellationToken));
            var lower = code.ToLowerInvariant();
            logins.Add(await AddUserAsync($"risk.{lower}", $"{name}风控经理", branch, Roles.RiskManager, null));
            logins.Add(await AddUserAsync($"clerk.{lower}", $"{name}信息员", branch, Roles.InformationClerk, null));
            logins.Add(await AddUserAsync($"collector.{lower}", $"{name}催收员", branch, Roles.Collector, null));

            for (var s = 0; s < subBranches.Length; s++)
            {
                var subCode = string.Create(CultureInfo.InvariantCulture, $"{code}{s + 1:00}");
                var subBranch = Value(await organisations.CreateAsync(subCode, city + subBranches[s], branch.Id, cancellationToken));
                var managerLogin = await AddUserAsync($"am.{subCode.ToLowerInvariant()}", $"{city}{subBranches[s]}客户经理 {PersonName(random)}", subBranch, Roles.AccountManager, null);
                logins.Add(managerLogin);
                var (region, areaCode) = Regions[regionIndex++ % Regions.Length];

                for (var c = 0; c < customersPerSubBranch; c++)
                {
                    customerNumber++;
                    var customer = c % 3 == 2
                        ? Person(random, customerNumber, region, areaCode)
                        : Enterprise(random, customerNumber, city, region, areaCode);
                    customer.OrganisationId = subBranch.Id;
                    customer.OrganisationPath = subBranch.Path;
                    customer.AccountManagerId = managerLogin.UserId;
                    customer.CreatedAt = clock.GetUtcNow();
                    db.Customers.Add(customer);
                }

                await db.SaveChangesAsync(cancellationToken);

                if (enterpriseLogin is null)
                {
                    var company = await db.Customers.IgnoreQueryFilters()
                        .Where(x => x.OrganisationId == subBranch.Id && x.Kind == CustomerKind.Enterprise)
                        .OrderBy(x => x.Id)
                        .FirstAsync(cancellationToken);
                    enterpriseLogin = await AddUserAsync("ent.demo", company.Name, subBranch, Roles.EnterpriseUser, company.Id);
                    logins.Add(enterpriseLogin);
                }
            }
        }

        return new DemoBank(logins, customerNumber);
    }

    private async Task<DemoLogin> AddUserAsync(string userName, string displayName, Organisation organisation, string role, int? customerId)
    {
        var user = new ApplicationUser
        {
            UserName = userName,
            DisplayName = displayName,
            OrganisationId = organisation.Id,
            CustomerId = customerId,
            CreatedAt = clock.GetUtcNow(),
        };
        var created = await users.CreateAsync(user, DemoPassword);
        if (!created.Succeeded)
        {
            throw new InvalidOperationException($"Demo user {userName}: {string.Join("; ", created.Errors.Select(e => e.Description))}");
        }

        await users.AddToRoleAsync(user, role);
        return new DemoLogin(user.Id, userName, role, organisation.Name);
    }

    private static Customer Enterprise(Random random, int number, string city, string region, string areaCode)
    {
        var industry = random.Next(Industries.Length);
        var name = $"{city}{BrandWords[random.Next(BrandWords.Length)]}{IndustryWords[industry]}有限公司";
        return new Customer
        {
            Code = string.Create(CultureInfo.InvariantCulture, $"C{number:000000}"),
            Name = name,
            Kind = CustomerKind.Enterprise,
            IdNumber = Uscc(random, areaCode),
            Industry = Industries[industry],
            Region = region,
            ContactName = PersonName(random),
            ContactPhone = Phone(random),
            Address = $"{region}{random.Next(1, 300)}号",
            Rating = Ratings[Math.Min(Ratings.Length - 1, random.Next(4) + random.Next(3))],
        };
    }

    private static Customer Person(Random random, int number, string region, string areaCode)
    {
        var name = PersonName(random);
        return new Customer
        {
            Code = string.Create(CultureInfo.InvariantCulture, $"C{number:000000}"),
            Name = name,
            Kind = CustomerKind.Person,
            IdNumber = ResidentId(random, areaCode),
            Industry = "个体经营",
            Region = region,
            ContactName = name,
            ContactPhone = Phone(random),
            Address = $"{region}{random.Next(1, 300)}号",
            Rating = Ratings[Math.Min(Ratings.Length - 1, random.Next(3) + random.Next(3))],
        };
    }

    private static string PersonName(Random random) => Surnames[random.Next(Surnames.Length)] + GivenNames[random.Next(GivenNames.Length)];

    private static string Phone(Random random) =>
        string.Create(CultureInfo.InvariantCulture, $"1{"3578"[random.Next(4)]}{random.Next(0, 10)}{random.Next(0, 100000000):00000000}");

    /// <summary>An 18-digit resident ID (身份证号) with a valid ISO 7064 MOD 11-2 check character.</summary>
    private static string ResidentId(Random random, string areaCode)
    {
        var birth = new DateOnly(1960, 1, 1).AddDays(random.Next(0, 365 * 40));
        var body = string.Create(CultureInfo.InvariantCulture, $"{areaCode}{birth:yyyyMMdd}{random.Next(0, 1000):000}");
        return body + IdentityNumbers.ResidentIdCheck(body);
    }

    /// <summary>An 18-character unified social credit code (统一社会信用代码) with a valid GB 32100 check character.</summary>
    private static string Uscc(Random random, string areaCode)
    {
        const string alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
        var organisationCode = new char[9];
        for (var i = 0; i < 9; i++)
        {
            organisationCode[i] = alphabet[random.Next(i < 8 ? alphabet.Length : 10)];
        }

        var body = "91" + areaCode + new string(organisationCode);
        return body + IdentityNumbers.UsccCheck(body);
    }

    private static Organisation Value(PostLoan.Domain.Common.Result<Organisation> result) =>
        result.Value ?? throw new InvalidOperationException(result.Error!.Message);
}

/// <summary>What the seeder created: the demo logins to print and the number of customers.</summary>
public sealed record DemoBank(IReadOnlyList<DemoLogin> Logins, int Customers);

/// <summary>A demo user: login name, role and organisation.</summary>
public sealed record DemoLogin(string UserId, string UserName, string Role, string Organisation);
