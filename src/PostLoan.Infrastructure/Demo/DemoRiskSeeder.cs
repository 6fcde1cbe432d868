using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Administration;
using PostLoan.Domain.Ledger.Customers;
using PostLoan.Domain.Ledger.Loans;
using PostLoan.Domain.Risk;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Infrastructure.Risk.Classification;
using PostLoan.Infrastructure.Risk.Ecl;

namespace PostLoan.Infrastructure.Demo;

/// <summary>
/// Risk data of the demo bank, after its loans: a credit-impaired debtor and a verified red signal, the nightly
/// classification of the last closed date, two requests waiting for a risk manager's approval (made by a branch risk
/// manager, so the head-office <c>risk</c> login can decide them), and the ECL of the last two complete months.
/// Deterministic and run once.
/// </summary>
public sealed class DemoRiskSeeder(PostLoanDbContext db, ClassificationEngine classification, EclEngine ecl, TimeProvider clock)
{
    public async Task<bool> SeedAsync(CancellationToken cancellationToken = default)
    {
        var closed = await db.CloseRuns.Where(r => r.State == CloseRunState.Completed).MaxAsync(r => (DateOnly?)r.Date, cancellationToken);
        if (closed is not { } date || await db.LoanClassifications.IgnoreQueryFilters().AnyAsync(cancellationToken))
        {
            return false;
        }

        var enterprises = await (from p in db.LoanPositions.IgnoreQueryFilters()
                                 join l in db.Loans.IgnoreQueryFilters() on p.LoanId equals l.Id
                                 join c in db.Customers.IgnoreQueryFilters() on l.CustomerId equals c.Id
                                 where c.Kind == CustomerKind.Enterprise && p.Status != LoanStatus.Settled && p.Status != LoanStatus.WrittenOff
                                 orderby p.DaysPastDue descending, l.Id
                                 select new { c.Id, c.OrganisationPath, c.AccountManagerId, p.DaysPastDue }).Take(40).ToListAsync(cancellationToken);
        var impaired = enterprises.FirstOrDefault(e => e.DaysPastDue is > 0 and <= 90);
        var red = enterprises.LastOrDefault(e => e.DaysPastDue == 0);
        foreach (var (debtor, kind, note) in new[]
                 {
                     (impaired, RiskFlagKind.CreditImpaired, "法院受理破产重整申请 · bankruptcy reorganisation petition accepted"),
                     (red, RiskFlagKind.RedSignal, "连续两月用电量下降超过60%，现场核实停产 · power use down 60% two months running, site visit confirmed stoppage"),
                 })
        {
            if (debtor is not null)
            {
                db.RiskFlags.Add(new RiskFlag
                {
                    CustomerId = debtor.Id, OrganisationPath = debtor.OrganisationPath, AccountManagerId = debtor.AccountManagerId, Kind = kind,
                    Since = date.AddDays(-20), Source = kind == RiskFlagKind.RedSignal ? "warning" : "manual", Note = note, RecordedBy = "risk",
                    RecordedAt = clock.GetUtcNow(),
                });
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        await classification.RunAsync(date, cancellationToken);

        var maker = await (from u in db.Users
                           join ur in db.UserRoles on u.Id equals ur.UserId
                           join r in db.Roles on ur.RoleId equals r.Id
                           where r.Name == Roles.RiskManager && u.UserName != "risk"
                           orderby u.UserName
                           select new { u.Id, u.UserName, u.DisplayName }).FirstOrDefaultAsync(cancellationToken);
        if (maker is not null)
        {
            var candidates = await db.LoanClassifications.IgnoreQueryFilters()
                .Where(c => c.Category == FiveLevelCategory.Normal && c.Floor == FiveLevelCategory.Normal)
                .OrderBy(c => c.LoanId).Take(2).ToListAsync(cancellationToken);
            var reasons = new[]
            {
                ("主营业务收入同比下降45%，对外担保代偿压力大 · revenue down 45% year on year, heavy guarantee obligations", "2026年三季度财务报表; 贷后检查报告"),
                ("实际控制人涉及民间借贷诉讼 · controlling shareholder sued over private lending", "裁判文书网检索结果"),
            };
            for (var i = 0; i < candidates.Count; i++)
            {
                var row = candidates[i];
                db.ClassificationChanges.Add(new ClassificationChange
                {
                    LoanId = row.LoanId, CustomerId = row.CustomerId, OrganisationId = row.OrganisationId, OrganisationPath = row.OrganisationPath,
                    AccountManagerId = row.AccountManagerId, Date = date.AddDays(1), From = row.Category, To = FiveLevelCategory.SpecialMention,
                    Floor = row.Floor, Reasons = row.Reasons, Source = ChangeSource.Manual, State = ChangeState.Pending, Reason = reasons[i].Item1,
                    Evidence = reasons[i].Item2, ProposedBy = maker.Id, ProposedByName = maker.DisplayName ?? maker.UserName, ProposedAt = clock.GetUtcNow(),
                });
            }

            await db.SaveChangesAsync(cancellationToken);
        }

        // The last two complete months, so the provisioning report has its month-over-month comparison.
        var monthEnd = date.AddDays(1).Day == 1 ? date : new DateOnly(date.Year, date.Month, 1).AddDays(-1);
        foreach (var end in new[] { new DateOnly(monthEnd.Year, monthEnd.Month, 1).AddDays(-1), monthEnd })
        {
            await ecl.RunAsync(end.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture), cancellationToken);
        }
        return true;
    }
}
