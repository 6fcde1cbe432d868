using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using PostLoan.Domain.Ledger.Customers;
using PostLoan.Domain.Warning.Indicators;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Infrastructure.Warning.Indicators;

/// <summary>A customer as an external provider knows it: code, name, kind and region (which court hears its cases).</summary>
public sealed record DemoCustomer(string Code, string Name, bool Enterprise, string? Region);

/// <summary>
/// Generates realistic external events deterministically from a seed and a date: court cases as defendant with case
/// numbers like (2026)沪0115民初12345号, enforcement and dishonest-debtor listings (执), registration changes (legal
/// representative, shareholders, capital reduction, abnormal-operation list), tax arrears, credit-report changes (new
/// overdue elsewhere, multi-lending counts). The same seed, day and customers always give the same events.
/// </summary>
public static class DemoEventGenerator
{
    /// <summary>The provider name of generated events.</summary>
    public const string Provider = "demo";

    private static readonly (string Prefix, string Court, string Code, string Tax)[] Courts =
    [
        ("上海", "上海市浦东新区人民法院", "沪0115", "国家税务总局上海市浦东新区税务局"),
        ("北京", "北京市海淀区人民法院", "京0108", "国家税务总局北京市海淀区税务局"),
        ("广东", "广州市天河区人民法院", "粤0106", "国家税务总局广州市天河区税务局"),
        ("深圳", "深圳市南山区人民法院", "粤0305", "国家税务总局深圳市南山区税务局"),
        ("浙江", "杭州市西湖区人民法院", "浙0106", "国家税务总局杭州市西湖区税务局"),
        ("江苏", "南京市鼓楼区人民法院", "苏0106", "国家税务总局南京市鼓楼区税务局"),
    ];

    private static readonly string[] Plaintiffs =
    [
        "上海宏达建材有限公司", "江苏恒信钢铁贸易有限公司", "广州市瑞丰物流有限公司", "浙江华鑫化工原料有限公司", "北京中联设备租赁有限公司",
        "深圳市联创电子科技有限公司", "中国建设银行股份有限公司上海分行", "平安国际融资租赁有限公司", "苏州金源包装材料有限公司",
    ];

    private static readonly string[] Disputes = ["买卖合同纠纷", "借款合同纠纷", "建设工程施工合同纠纷", "融资租赁合同纠纷", "劳动争议", "租赁合同纠纷"];

    private static readonly string[] People = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆", "赵磊", "黄敏", "周杰", "吴倩"];

    private static readonly string[] Banks = ["招商银行", "中信银行", "浦发银行", "兴业银行", "某消费金融公司", "某小额贷款公司"];

    /// <summary>The events of one day for these customers (about one in three days has one for a book of a hundred customers).</summary>
    public static IReadOnlyList<ExternalEventInput> ForDay(IReadOnlyList<DemoCustomer> customers, int seed, DateOnly day, double eventsPerCustomerPerDay = 0.004)
    {
        if (customers.Count == 0)
        {
            return [];
        }

        var random = new Random(unchecked((seed * 7919) + day.DayNumber));
        var expected = customers.Count * eventsPerCustomerPerDay;
        var count = 0;
        // Poisson draw by inversion (a small mean).
        var threshold = Math.Exp(-expected);
        for (var p = random.NextDouble(); p > threshold; p *= random.NextDouble())
        {
            count++;
        }

        var events = new List<ExternalEventInput>(count);
        for (var n = 0; n < count; n++)
        {
            var customer = customers[random.Next(customers.Count)];
            events.Add(Event(random, customer, day, PickType(random, customer.Enterprise), string.Create(CultureInfo.InvariantCulture, $"DEMO-{day:yyyyMMdd}-{n + 1:D3}")));
        }

        return events;
    }

    /// <summary>One event of <paramref name="type"/> for a customer, with realistic title, parties and numbers drawn from <paramref name="random"/>.</summary>
    public static ExternalEventInput Event(Random random, DemoCustomer customer, DateOnly day, string type, string reference)
    {
        var court = Courts.FirstOrDefault(c => customer.Region?.StartsWith(c.Prefix, StringComparison.Ordinal) == true);
        if (court.Court is null)
        {
            court = Courts[random.Next(Courts.Length)];
        }

        var year = day.Year.ToString(CultureInfo.InvariantCulture);
        var amount = Math.Round((decimal)(50_000 + (random.NextDouble() * random.NextDouble() * 4_950_000)), 2);
        var plaintiff = Plaintiffs[random.Next(Plaintiffs.Length)];
        var date = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var e = new ExternalEventInput { Provider = Provider, Reference = reference, Type = type, CustomerCode = customer.Code, Date = date };
        switch (type)
        {
            case StandardIndicators.LitigationDefendant:
                var dispute = Disputes[random.Next(Disputes.Length)];
                return e with
                {
                    Title = $"{plaintiff}诉{customer.Name}{dispute}", Amount = amount, Counterparty = plaintiff, Court = court.Court,
                    CaseNumber = string.Create(CultureInfo.InvariantCulture, $"({year}){court.Code}民初{random.Next(1000, 40000)}号"),
                };
            case StandardIndicators.Enforcement:
                return e with
                {
                    Title = string.Create(CultureInfo.InvariantCulture, $"被列为被执行人，执行标的{amount:0.00}元"), Amount = amount, Counterparty = plaintiff, Court = court.Court,
                    CaseNumber = string.Create(CultureInfo.InvariantCulture, $"({year}){court.Code}执{random.Next(1000, 20000)}号"),
                };
            case StandardIndicators.DishonestDebtor:
                return e with
                {
                    Title = "被列入失信被执行人名单：有履行能力而拒不履行生效法律文书确定义务", Amount = amount, Counterparty = plaintiff, Court = court.Court,
                    CaseNumber = string.Create(CultureInfo.InvariantCulture, $"({year}){court.Code}执{random.Next(1000, 20000)}号"),
                };
            case StandardIndicators.LegalRepresentativeChange:
                var (from, to) = TwoPeople(random);
                return e with { Title = $"法定代表人由{from}变更为{to}", Counterparty = to };
            case StandardIndicators.ShareholderChange:
                var (seller, buyer) = TwoPeople(random);
                var share = random.Next(10, 61);
                return e with { Title = string.Create(CultureInfo.InvariantCulture, $"股东{seller}将所持{share}%股权转让给{buyer}"), Counterparty = buyer };
            case StandardIndicators.CapitalReduction:
                var before = random.Next(2, 20) * 1000;
                var after = before / random.Next(2, 5);
                return e with
                {
                    Title = string.Create(CultureInfo.InvariantCulture, $"注册资本由{before}万元减少至{after}万元"), Amount = (before - after) * 10_000m,
                };
            case StandardIndicators.AbnormalOperation:
                return e with { Title = "列入经营异常名录：通过登记的住所或者经营场所无法联系", Counterparty = "市场监督管理局" };
            case StandardIndicators.TaxArrears:
                var tax = Math.Round(amount / 10m, 2);
                return e with { Title = string.Create(CultureInfo.InvariantCulture, $"欠缴增值税{tax:0.00}元"), Amount = tax, Counterparty = court.Tax };
            case StandardIndicators.CreditNewOverdue:
                var bank = Banks[random.Next(Banks.Length)];
                var days = random.Next(5, 95);
                return e with { Title = string.Create(CultureInfo.InvariantCulture, $"征信报告新增他行逾期：{bank}贷款逾期{days}天"), Amount = Math.Round(amount / 5m, 2), Counterparty = bank };
            default:
                var lenders = random.Next(3, 10);
                return e with
                {
                    Type = StandardIndicators.MultiLending, Title = string.Create(CultureInfo.InvariantCulture, $"近3个月新增借贷机构{lenders}家（征信查询）"), Value = lenders,
                };
        }
    }

    private static string PickType(Random random, bool enterprise)
    {
        var roll = random.Next(100);
        if (!enterprise)
        {
            return roll switch
            {
                < 40 => StandardIndicators.MultiLending,
                < 75 => StandardIndicators.CreditNewOverdue,
                < 90 => StandardIndicators.LitigationDefendant,
                _ => StandardIndicators.Enforcement,
            };
        }

        return roll switch
        {
            < 28 => StandardIndicators.LitigationDefendant,
            < 38 => StandardIndicators.Enforcement,
            < 42 => StandardIndicators.DishonestDebtor,
            < 50 => StandardIndicators.LegalRepresentativeChange,
            < 60 => StandardIndicators.ShareholderChange,
            < 64 => StandardIndicators.CapitalReduction,
            < 70 => StandardIndicators.AbnormalOperation,
            < 76 => StandardIndicators.TaxArrears,
            < 88 => StandardIndicators.CreditNewOverdue,
            _ => StandardIndicators.MultiLending,
        };
    }

    private static (string From, string To) TwoPeople(Random random)
    {
        var from = random.Next(People.Length);
        var to = (from + 1 + random.Next(People.Length - 1)) % People.Length;
        return (People[from], People[to]);
    }
}

/// <summary>
/// The demo provider adapter: generates the events of each day from the seed <c>Warning:ExternalData:DemoSeed</c> for the
/// customers in the database. Its cursor is the last day delivered (yyyy-MM-dd); one page per day, a week back on the
/// first poll, up to today.
/// </summary>
public sealed class DemoExternalDataProvider(PostLoanDbContext db, IConfiguration configuration, TimeProvider clock) : IExternalDataProvider
{
    /// <summary>The seed unless configured.</summary>
    public const int DefaultSeed = 20260101;

    /// <inheritdoc />
    public string Name => DemoEventGenerator.Provider;

    /// <inheritdoc />
    public async Task<ProviderPage> FetchAsync(string? cursor, CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(clock.GetLocalNow().DateTime);
        var last = cursor is null ? today.AddDays(-8) : DateOnly.ParseExact(cursor, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        if (last >= today)
        {
            return new ProviderPage([], cursor, false);
        }

        var day = last.AddDays(1);
        var customers = await CustomersAsync(db, cancellationToken);
        var seed = configuration.GetValue("Warning:ExternalData:DemoSeed", DefaultSeed);
        return new ProviderPage(DemoEventGenerator.ForDay(customers, seed, day), day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), day < today);
    }

    /// <summary>The customers as the provider knows them, in id order.</summary>
    public static async Task<IReadOnlyList<DemoCustomer>> CustomersAsync(PostLoanDbContext db, CancellationToken cancellationToken) =>
        await db.Customers.IgnoreQueryFilters().AsNoTracking().OrderBy(c => c.Id)
            .Select(c => new DemoCustomer(c.Code, c.Name, c.Kind == CustomerKind.Enterprise, c.Region)).ToListAsync(cancellationToken);
}
