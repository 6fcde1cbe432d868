using System.Globalization;
using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Administration;
using PostLoan.Domain.Ledger.Customers;
using PostLoan.Domain.Ledger.Loans;
using PostLoan.Domain.Warning.Signals;
using PostLoan.Infrastructure.Ledger.CreditLines;
using PostLoan.Infrastructure.Ledger.Loans;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Infrastructure.Warning.Signals;

namespace PostLoan.Infrastructure.Demo;

/// <summary>
/// The demo bank's credit lines and first warning signals, after its loans: a general line for every customer with open
/// loans (1.5 × the outstanding principal, rounded up to 100,000, at least 500,000, for two years), demo e-mail addresses
/// and phone numbers of the account and risk managers (so the e-mail and SMS file sinks have recipients), and three
/// signals on customers of <c>am.bj01</c>, assigned to them by the workflow. Deterministic and run once.
/// </summary>
public sealed class DemoSignalSeeder(PostLoanDbContext db, CreditLineService creditLines, SignalRaiser raiser, LoanServicing servicing)
{
    public async Task<bool> SeedAsync(CancellationToken cancellationToken = default)
    {
        if (await db.CreditLines.IgnoreQueryFilters().AnyAsync(cancellationToken) || !await db.Loans.IgnoreQueryFilters().AnyAsync(cancellationToken))
        {
            return false;
        }

        var staff = await (from u in db.Users
                           join ur in db.UserRoles on u.Id equals ur.UserId
                           join r in db.Roles on ur.RoleId equals r.Id
                           where (r.Name == Roles.AccountManager || r.Name == Roles.RiskManager) && u.Email == null
                           orderby u.UserName
                           select u).ToListAsync(cancellationToken);
        for (var i = 0; i < staff.Count; i++)
        {
            staff[i].Email = staff[i].UserName + "@demo-bank.cn";
            staff[i].PhoneNumber = string.Create(CultureInfo.InvariantCulture, $"1380010{i + 1:0000}");
        }

        await db.SaveChangesAsync(cancellationToken);

        var date = await servicing.OpenBusinessDateAsync(cancellationToken);
        var outstanding = await (from l in db.Loans.IgnoreQueryFilters()
                                 join p in db.LoanPositions on l.Id equals p.LoanId
                                 where p.Status != LoanStatus.Settled && p.Status != LoanStatus.WrittenOff
                                 select new { l.CustomerId, p.PrincipalOutstanding }).ToListAsync(cancellationToken);
        var customers = await db.Customers.IgnoreQueryFilters().OrderBy(c => c.Id).Select(c => new { c.Id, c.Code }).ToListAsync(cancellationToken);
        foreach (var customer in customers)
        {
            var drawn = outstanding.Where(o => o.CustomerId == customer.Id).Sum(o => o.PrincipalOutstanding);
            if (drawn <= 0m)
            {
                continue;
            }

            var amount = Math.Max(500_000m, Math.Ceiling(drawn * 1.5m / 100_000m) * 100_000m);
            var created = await creditLines.CreateAsync(new NewCreditLine("CL-" + customer.Code, customer.Id, null, amount, date.AddYears(-1), date.AddYears(1)), cancellationToken);
            if (!created.IsSuccess)
            {
                throw new InvalidOperationException($"demo credit line of {customer.Code}: {created.Error!.Message}");
            }
        }

        var manager = await db.Users.Where(u => u.UserName == "am.bj01").Select(u => u.Id).FirstOrDefaultAsync(cancellationToken);
        var own = await db.Customers.IgnoreQueryFilters().Where(c => c.AccountManagerId == manager && c.Kind == CustomerKind.Enterprise)
            .OrderBy(c => c.Id).Select(c => c.Id).Take(3).ToListAsync(cancellationToken);
        var signals = new (SignalSeverity Severity, string Title, string Detail)[]
        {
            (SignalSeverity.Red, "实际控制人被列为失信被执行人", "中国执行信息公开网：（2026）京0108执1234号，失信被执行人"),
            (SignalSeverity.Orange, "连续两月用电量下降超过40%", "电表读数：上月 12,480 kWh，本月 7,310 kWh"),
            (SignalSeverity.Yellow, "应收账款周转天数较上年同期上升35%", "2026年三季度财务报表"),
        };
        for (var i = 0; i < own.Count; i++)
        {
            var (severity, title, detail) = signals[i];
            await raiser.RaiseAsync([new SignalDraft(own[i], SignalSource.Manual, "manual:demo-" + (i + 1).ToString(CultureInfo.InvariantCulture), severity, title, detail, date)], cancellationToken);
        }

        return true;
    }
}
