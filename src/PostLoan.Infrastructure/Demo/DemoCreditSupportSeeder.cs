using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using PostLoan.Domain.Ledger.CreditSupport;
using PostLoan.Domain.Ledger.Customers;
using PostLoan.Domain.Ledger.Loans;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Infrastructure.Demo;

/// <summary>
/// Adds the demo bank's credit support after its loans (deterministic): one customer group (集团客户) of enterprises per
/// branch, a guarantor (保证人) on every guaranteed demo loan, a collateral (抵押物/质押物) with two or three valuations on
/// every mortgage or pledge loan, released (清户撤押) with the guarantees when the loan was settled. Covers the first
/// <see cref="MaxLoans"/> demo loans so large benchmark books stay quick to seed. Writes with bulk inserts.
/// </summary>
public sealed class DemoCreditSupportSeeder(PostLoanDbContext db, TimeProvider clock)
{
    /// <summary>Demo loans (by id) that receive guarantees or collateral.</summary>
    public const int MaxLoans = 20_000;

    private static readonly (string Branch, string Code, string Name)[] Groups =
    [
        ("BJ", "JT-BJ-001", "京华控股集团"),
        ("SH", "JT-SH-001", "申江实业集团"),
        ("GZ", "JT-GZ-001", "粤海投资集团"),
    ];

    private static readonly string[] Surnames = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵"];
    private static readonly string[] GivenNames = ["建国", "志明", "秀兰", "海涛", "丽华", "文斌", "晓峰", "桂英"];
    private static readonly string[] Valuers = ["中联资产评估集团有限公司", "北京天健兴业资产评估有限公司", "上海东洲资产评估有限公司", "银信资产评估有限公司", "内部评估"];
    private static readonly string[] Roads = ["中关村大街", "建国路", "世纪大道", "南京西路", "天河路", "环市东路", "长安街", "淮海中路"];

    /// <summary>Seeds once; returns the number of guarantees and collaterals written (0 when present or without demo loans).</summary>
    public async Task<int> SeedAsync(CancellationToken cancellationToken = default)
    {
        if (await db.CustomerGroups.IgnoreQueryFilters().AnyAsync(g => g.Code.StartsWith("JT-"), cancellationToken)
            || await db.Collaterals.IgnoreQueryFilters().AnyAsync(c => c.Code.StartsWith("DC"), cancellationToken))
        {
            return 0;
        }

        var customers = await db.Customers.IgnoreQueryFilters().AsNoTracking().OrderBy(c => c.Id).ToListAsync(cancellationToken);
        var organisations = await db.Organisations.IgnoreQueryFilters().AsNoTracking().ToListAsync(cancellationToken);
        var loans = await (from l in db.Loans.IgnoreQueryFilters().AsNoTracking()
                           join p in db.LoanPositions.AsNoTracking() on l.Id equals p.LoanId
                           where l.Code.StartsWith("DL") && l.GuaranteeMethod != GuaranteeMethod.Credit
                           orderby l.Id
                           select new { Loan = l, p.Status }).Take(MaxLoans).ToListAsync(cancellationToken);
        var settledIds = loans.Where(l => l.Status == LoanStatus.Settled).Select(l => l.Loan.Id).ToList();
        var settledOn = (await db.LedgerEvents.AsNoTracking().Where(e => e.Kind == LedgerEventKind.Settlement && settledIds.Contains(e.LoanId))
                .Select(e => new { e.LoanId, e.EffectiveDate }).ToListAsync(cancellationToken))
            .GroupBy(e => e.LoanId).ToDictionary(g => g.Key, g => g.Max(e => e.EffectiveDate));
        var today = DateOnly.FromDateTime(clock.GetLocalNow().Date);
        var now = clock.GetUtcNow();
        var random = new Random(20261124);
        var rows = new Rows
        {
            NextGroupId = (await db.CustomerGroups.IgnoreQueryFilters().MaxAsync(g => (int?)g.Id, cancellationToken) ?? 0) + 1,
            NextMemberId = (await db.GroupMemberships.IgnoreQueryFilters().MaxAsync(m => (int?)m.Id, cancellationToken) ?? 0) + 1,
            NextGuaranteeId = (await db.Guarantees.IgnoreQueryFilters().MaxAsync(g => (long?)g.Id, cancellationToken) ?? 0) + 1,
            NextCollateralId = (await db.Collaterals.IgnoreQueryFilters().MaxAsync(c => (long?)c.Id, cancellationToken) ?? 0) + 1,
            NextValuationId = (await db.CollateralValuations.MaxAsync(v => (long?)v.Id, cancellationToken) ?? 0) + 1,
            NextAssignmentId = (await db.CollateralAssignments.IgnoreQueryFilters().MaxAsync(a => (long?)a.Id, cancellationToken) ?? 0) + 1,
        };

        // Groups: the first four enterprises of each branch, the first of them the parent company.
        var groupOf = new Dictionary<int, List<Customer>>();
        foreach (var (branchCode, code, name) in Groups)
        {
            var branch = organisations.FirstOrDefault(o => o.Code == branchCode);
            if (branch is null)
            {
                continue;
            }

            var members = customers.Where(c => c.Kind == CustomerKind.Enterprise && c.OrganisationPath.StartsWith(branch.Path, StringComparison.Ordinal)).Take(4).ToList();
            if (members.Count < 2)
            {
                continue;
            }

            var groupId = rows.NextGroupId++;
            rows.Groups.Add([groupId, code, name, "演示集团：成员企业交叉持股、共同实际控制人", branch.Id, branch.Path, now]);
            for (var i = 0; i < members.Count; i++)
            {
                var member = members[i];
                rows.Members.Add([rows.NextMemberId++, groupId, member.Id, i == 0 ? GroupRole.Parent : GroupRole.Member,
                    today.AddDays(-400 + 30 * i), member.OrganisationPath, member.AccountManagerId]);
                groupOf[member.Id] = members;
            }
        }

        var byId = customers.ToDictionary(c => c.Id);
        foreach (var (loan, status) in loans.Select(l => (l.Loan, l.Status)))
        {
            var customer = byId[loan.CustomerId];
            DateOnly? released = status == LoanStatus.Settled ? settledOn.GetValueOrDefault(loan.Id, today.AddDays(-1)) : null;
            switch (loan.GuaranteeMethod)
            {
                case GuaranteeMethod.Guarantee:
                    AddGuarantee(rows, random, loan, customer, groupOf, customers, released, now);
                    break;
                case GuaranteeMethod.Mortgage:
                case GuaranteeMethod.Pledge:
                    AddCollateral(rows, random, loan, customer, released, today, now);
                    break;
                case GuaranteeMethod.Credit:
                    break;
            }
        }

        await WriteAsync(rows, cancellationToken);
        return rows.Guarantees.Count + rows.Collateral.Count;
    }

    private static void AddGuarantee(Rows rows, Random random, Loan loan, Customer borrower, Dictionary<int, List<Customer>> groupOf, List<Customer> customers, DateOnly? released, DateTimeOffset now)
    {
        // A fellow group member guarantees first; otherwise another enterprise of the branch office, an outside person or a guarantee company.
        Customer? guarantor = groupOf.TryGetValue(borrower.Id, out var group) ? group.First(c => c.Id != borrower.Id) : null;
        var pick = random.Next(3);
        if (guarantor is null && pick == 0)
        {
            guarantor = customers.FirstOrDefault(c => c.Id != borrower.Id && c.Kind == CustomerKind.Enterprise && c.OrganisationId == borrower.OrganisationId);
        }

        var areaCode = borrower.IdNumber.Length == 18 ? borrower.IdNumber.Substring(borrower.Kind == CustomerKind.Person ? 0 : 2, 6) : "110108";
        var (kind, name, idNumber) = guarantor is not null ? (guarantor.Kind, guarantor.Name, guarantor.IdNumber)
            : pick == 1 ? (CustomerKind.Person, Surnames[random.Next(Surnames.Length)] + GivenNames[random.Next(GivenNames.Length)], ResidentId(random, areaCode))
            : (CustomerKind.Enterprise, (borrower.Region is { Length: >= 3 } region ? region[..3] : "北京市") + "中小企业融资担保有限公司", Uscc(random, areaCode));
        rows.Guarantees.Add([
            rows.NextGuaranteeId++, loan.Id, loan.CustomerId, loan.OrganisationPath, loan.AccountManagerId, guarantor?.Id, kind, name, idNumber,
            GuaranteeLiability.JointAndSeveral, loan.Principal, "BZ" + (loan.ContractNumber ?? loan.Code), loan.DisbursementDate, loan.MaturityDate.AddYears(3),
            released is null ? GuaranteeStatus.Active : GuaranteeStatus.Released, released, now,
        ]);
    }

    private static void AddCollateral(Rows rows, Random random, Loan loan, Customer borrower, DateOnly? released, DateOnly today, DateTimeOffset now)
    {
        var kind = loan.GuaranteeMethod == GuaranteeMethod.Mortgage ? CollateralKind.Mortgage : CollateralKind.Pledge;
        var type = (kind, borrower.Kind) switch
        {
            (CollateralKind.Mortgage, CustomerKind.Person) => CollateralType.RealEstate,
            (CollateralKind.Mortgage, _) => new[] { CollateralType.RealEstate, CollateralType.RealEstate, CollateralType.Land, CollateralType.Equipment }[random.Next(4)],
            (CollateralKind.Pledge, CustomerKind.Person) => CollateralType.Deposit,
            _ => new[] { CollateralType.Deposit, CollateralType.Equity, CollateralType.Receivable }[random.Next(3)],
        };
        var region = borrower.Region ?? "北京市海淀区";
        var description = type switch
        {
            CollateralType.RealEstate => string.Create(CultureInfo.InvariantCulture,
                $"{region}{Roads[random.Next(Roads.Length)]}{random.Next(1, 300)}号 {(borrower.Kind == CustomerKind.Person ? "住宅" : "厂房")} {random.Next(60, 2000)}㎡"),
            CollateralType.Land => string.Create(CultureInfo.InvariantCulture, $"{region}工业用地使用权 {random.Next(2000, 30000)}㎡"),
            CollateralType.Equipment => string.Create(CultureInfo.InvariantCulture, $"数控加工中心等生产设备 {random.Next(5, 60)} 台套"),
            CollateralType.Deposit => string.Create(CultureInfo.InvariantCulture, $"本行定期存单 {random.Next(1, 5)} 张"),
            CollateralType.Equity => string.Create(CultureInfo.InvariantCulture, $"{borrower.Name}持有的子公司 {random.Next(20, 80)}% 股权"),
            CollateralType.Receivable => "对下游客户的应收账款（中登网已登记）",
            CollateralType.Vehicle or CollateralType.Other => "其他财产",
        };

        // Deposits are worth their face value; other assets are valued well above the loan (抵押率 40%–75%).
        var ratio = type == CollateralType.Deposit ? 0.9m : random.Next(40, 76) / 100m;
        var value = Math.Round(loan.Principal / ratio / 1000m, 0, MidpointRounding.AwayFromZero) * 1000m;
        var registered = loan.DisbursementDate.AddDays(-random.Next(1, 8));
        var collateralId = rows.NextCollateralId++;
        rows.Collateral.Add([
            collateralId, "DC" + collateralId.ToString("D7", CultureInfo.InvariantCulture), kind, type, description, borrower.Id, borrower.OrganisationPath,
            borrower.AccountManagerId, borrower.Id, borrower.Name, borrower.IdNumber,
            (kind == CollateralKind.Mortgage ? "DY" : "ZY") + registered.ToString("yyyyMMdd", CultureInfo.InvariantCulture) + collateralId.ToString("D6", CultureInfo.InvariantCulture),
            released is null ? CollateralStatus.Registered : CollateralStatus.Released, registered, released, now,
        ]);

        // Two or three valuations: before disbursement, then revaluations spread up to yesterday (or the settlement).
        var count = random.Next(2, 4);
        var first = registered.AddDays(-random.Next(3, 20));
        var last = released ?? today.AddDays(-1);
        var span = Math.Max(count - 1, last.DayNumber - loan.DisbursementDate.DayNumber);
        for (var i = 0; i < count; i++)
        {
            var date = i == 0 ? first : loan.DisbursementDate.AddDays(span * i / (count - 1));
            var drift = i == 0 ? 1m : 1m + (random.Next(-8, 6) / 100m);
            value = type == CollateralType.Deposit ? value : Math.Round(value * drift / 1000m, 0, MidpointRounding.AwayFromZero) * 1000m;
            rows.Valuations.Add([rows.NextValuationId++, collateralId, value, date, type == CollateralType.Deposit ? "内部评估" : Valuers[random.Next(Valuers.Length)],
                type == CollateralType.Deposit ? "面值法" : i == 0 ? "市场法" : "重估", "demo", now]);
        }

        rows.Assignments.Add([rows.NextAssignmentId++, collateralId, loan.Id, loan.CustomerId, loan.OrganisationPath, loan.AccountManagerId, loan.Principal, released]);
    }

    private async Task WriteAsync(Rows rows, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var tx = transaction.GetDbTransaction();
            await BulkWriter.InsertAsync(connection, tx, "customer_groups", GroupColumns, rows.Groups, cancellationToken);
            await BulkWriter.InsertAsync(connection, tx, "group_members", MemberColumns, rows.Members, cancellationToken);
            await BulkWriter.InsertAsync(connection, tx, "guarantees", GuaranteeColumns, rows.Guarantees, cancellationToken);
            await BulkWriter.InsertAsync(connection, tx, "collateral", CollateralColumns, rows.Collateral, cancellationToken);
            await BulkWriter.InsertAsync(connection, tx, "collateral_valuations", ValuationColumns, rows.Valuations, cancellationToken);
            await BulkWriter.InsertAsync(connection, tx, "collateral_assignments", AssignmentColumns, rows.Assignments, cancellationToken);
            await BulkWriter.ResetIdentitiesAsync(connection, tx, cancellationToken,
                "customer_groups", "group_members", "guarantees", "collateral", "collateral_valuations", "collateral_assignments");

            await transaction.CommitAsync(cancellationToken);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>An 18-digit resident ID (身份证号) with a valid check character.</summary>
    private static string ResidentId(Random random, string areaCode)
    {
        var birth = new DateOnly(1960, 1, 1).AddDays(random.Next(0, 365 * 35));
        var body = string.Create(CultureInfo.InvariantCulture, $"{areaCode}{birth:yyyyMMdd}{random.Next(0, 1000):000}");
        return body + IdentityNumbers.ResidentIdCheck(body);
    }

    /// <summary>A unified social credit code (统一社会信用代码) with a valid check character.</summary>
    private static string Uscc(Random random, string areaCode)
    {
        var body = string.Create(CultureInfo.InvariantCulture, $"91{areaCode}{random.Next(0, 1_000_000_000):000000000}");
        return body + IdentityNumbers.UsccCheck(body);
    }

    private static readonly IReadOnlyList<BulkColumn> GroupColumns =
    [
        new("Id", typeof(int)), new("Code", typeof(string)), new("Name", typeof(string)), new("Note", typeof(string)), new("OrganisationId", typeof(int)),
        new("OrganisationPath", typeof(string)), new("CreatedAt", typeof(DateTimeOffset)),
    ];

    private static readonly IReadOnlyList<BulkColumn> MemberColumns =
    [
        new("Id", typeof(int)), new("GroupId", typeof(int)), new("CustomerId", typeof(int)), new("Role", typeof(int)), new("JoinedOn", typeof(DateOnly)),
        new("OrganisationPath", typeof(string)), new("AccountManagerId", typeof(string)),
    ];

    private static readonly IReadOnlyList<BulkColumn> GuaranteeColumns =
    [
        new("Id", typeof(long)), new("LoanId", typeof(long)), new("CustomerId", typeof(int)), new("OrganisationPath", typeof(string)),
        new("AccountManagerId", typeof(string)), new("GuarantorCustomerId", typeof(int)), new("GuarantorKind", typeof(int)), new("GuarantorName", typeof(string)),
        new("GuarantorIdNumber", typeof(string)), new("Liability", typeof(int)), new("Amount", typeof(decimal)), new("ContractNumber", typeof(string)),
        new("StartDate", typeof(DateOnly)), new("EndDate", typeof(DateOnly)), new("Status", typeof(int)), new("ReleasedOn", typeof(DateOnly)),
        new("CreatedAt", typeof(DateTimeOffset)),
    ];

    private static readonly IReadOnlyList<BulkColumn> CollateralColumns =
    [
        new("Id", typeof(long)), new("Code", typeof(string)), new("Kind", typeof(int)), new("Type", typeof(int)), new("Description", typeof(string)),
        new("CustomerId", typeof(int)), new("OrganisationPath", typeof(string)), new("AccountManagerId", typeof(string)), new("OwnerCustomerId", typeof(int)),
        new("OwnerName", typeof(string)), new("OwnerIdNumber", typeof(string)), new("CertificateNumber", typeof(string)), new("Status", typeof(int)),
        new("RegisteredOn", typeof(DateOnly)), new("ReleasedOn", typeof(DateOnly)), new("CreatedAt", typeof(DateTimeOffset)),
    ];

    private static readonly IReadOnlyList<BulkColumn> ValuationColumns =
    [
        new("Id", typeof(long)), new("CollateralId", typeof(long)), new("Value", typeof(decimal)), new("ValuationDate", typeof(DateOnly)),
        new("Valuer", typeof(string)), new("Method", typeof(string)), new("RecordedBy", typeof(string)), new("RecordedAt", typeof(DateTimeOffset)),
    ];

    private static readonly IReadOnlyList<BulkColumn> AssignmentColumns =
    [
        new("Id", typeof(long)), new("CollateralId", typeof(long)), new("LoanId", typeof(long)), new("CustomerId", typeof(int)),
        new("OrganisationPath", typeof(string)), new("AccountManagerId", typeof(string)), new("SecuredAmount", typeof(decimal)), new("ReleasedOn", typeof(DateOnly)),
    ];

    private sealed class Rows
    {
        public int NextGroupId { get; set; }
        public int NextMemberId { get; set; }
        public long NextGuaranteeId { get; set; }
        public long NextCollateralId { get; set; }
        public long NextValuationId { get; set; }
        public long NextAssignmentId { get; set; }
        public List<object?[]> Groups { get; } = [];
        public List<object?[]> Members { get; } = [];
        public List<object?[]> Guarantees { get; } = [];
        public List<object?[]> Collateral { get; } = [];
        public List<object?[]> Valuations { get; } = [];
        public List<object?[]> Assignments { get; } = [];
    }
}
