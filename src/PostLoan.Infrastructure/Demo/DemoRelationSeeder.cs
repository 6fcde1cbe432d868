using System.Globalization;
using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Ledger.CreditSupport;
using PostLoan.Domain.Ledger.Customers;
using PostLoan.Domain.Ledger.Loans;
using PostLoan.Domain.Warning.Relations;
using PostLoan.Domain.Warning.Signals;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Infrastructure.Warning.Relations;
using PostLoan.Infrastructure.Warning.Signals;

namespace PostLoan.Infrastructure.Demo;

/// <summary>
/// Adds the demo bank's related parties after its credit support (deterministic): in the Beijing branch a guarantee circle
/// of three enterprises (A guarantees B's loan, B guarantees C's, C guarantees A's) and a guarantee chain of four
/// (D → E → F → G), recorded relations of every kind around them (a shared legal representative, a shareholding, a
/// supplier with its annual amount, a lawsuit, one link to a Shanghai customer), one address the detection proposes,
/// and a red signal on the chain's last borrower whose derived signals climb the chain.
/// </summary>
public sealed class DemoRelationSeeder(PostLoanDbContext db, RelationService relations, SignalRaiser signals, TimeProvider clock)
{
    /// <summary>Contract numbers of the demo's circle and chain guarantees start with this.</summary>
    public const string ContractPrefix = "BZGL-";

    /// <summary>Seeds once; returns the number of guarantees and relations written (0 when present or without demo loans).</summary>
    public async Task<int> SeedAsync(CancellationToken cancellationToken = default)
    {
        if (await db.Guarantees.IgnoreQueryFilters().AnyAsync(g => g.ContractNumber != null && g.ContractNumber.StartsWith(ContractPrefix), cancellationToken))
        {
            return 0;
        }

        var beijing = await db.Organisations.IgnoreQueryFilters().FirstOrDefaultAsync(o => o.Code == "BJ", cancellationToken);
        var shanghai = await db.Organisations.IgnoreQueryFilters().FirstOrDefaultAsync(o => o.Code == "SH", cancellationToken);
        if (beijing is null)
        {
            return 0;
        }

        // The first open loan of each Beijing enterprise, outside the demo groups (their members guarantee one another already).
        var grouped = await db.GroupMemberships.IgnoreQueryFilters().Select(m => m.CustomerId).ToListAsync(cancellationToken);
        var candidates = await (from l in db.Loans.IgnoreQueryFilters()
                                join p in db.LoanPositions on l.Id equals p.LoanId
                                join cu in db.Customers.IgnoreQueryFilters() on l.CustomerId equals cu.Id
                                where cu.Kind == CustomerKind.Enterprise && cu.OrganisationPath.StartsWith(beijing.Path)
                                      && p.Status != LoanStatus.Settled && p.Status != LoanStatus.WrittenOff && !grouped.Contains(cu.Id)
                                orderby cu.Id, l.Id
                                select new { Customer = cu, Loan = l }).ToListAsync(cancellationToken);
        var firstLoans = candidates.GroupBy(x => x.Customer.Id).Select(g => g.First()).Take(7).ToList();
        if (firstLoans.Count < 7)
        {
            return 0;
        }

        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(clock.GetLocalNow().Date);
        var (a, b, c, d, e, f, g) = (firstLoans[0], firstLoans[1], firstLoans[2], firstLoans[3], firstLoans[4], firstLoans[5], firstLoans[6]);
        var number = 0;
        void Guarantee(Customer guarantor, Loan loan)
        {
            number++;
            db.Guarantees.Add(new Guarantee
            {
                LoanId = loan.Id, CustomerId = loan.CustomerId, OrganisationPath = loan.OrganisationPath, AccountManagerId = loan.AccountManagerId,
                GuarantorCustomerId = guarantor.Id, GuarantorKind = guarantor.Kind, GuarantorName = guarantor.Name, GuarantorIdNumber = guarantor.IdNumber,
                Liability = GuaranteeLiability.JointAndSeveral, Amount = Math.Round(loan.Principal * 0.6m / 10_000m, 0, MidpointRounding.AwayFromZero) * 10_000m,
                ContractNumber = ContractPrefix + number.ToString("D3", CultureInfo.InvariantCulture), StartDate = loan.DisbursementDate,
                EndDate = loan.MaturityDate.AddYears(3), CreatedAt = now,
            });
        }

        // 联保圈: A → B → C → A.
        Guarantee(a.Customer, b.Loan);
        Guarantee(b.Customer, c.Loan);
        Guarantee(c.Customer, a.Loan);
        // 担保链: D → E → F → G.
        Guarantee(d.Customer, e.Loan);
        Guarantee(e.Customer, f.Loan);
        Guarantee(f.Customer, g.Loan);

        // Two companies in one office: the detection proposes the address link for a person to accept.
        var office = await db.Customers.IgnoreQueryFilters().FirstAsync(x => x.Id == g.Customer.Id, cancellationToken);
        office.Address = d.Customer.Address;
        await db.SaveChangesAsync(cancellationToken);

        var from = today.AddYears(-2);
        var inputs = new List<RelationInput>
        {
            new(a.Customer.Code, d.Customer.Code, "LegalRepresentative", Evidence: "法定代表人均为同一人（工商登记）", ValidFrom: from),
            new(b.Customer.Code, e.Customer.Code, "Shareholder", "FromTo", Evidence: $"{b.Customer.Name}持有{e.Customer.Name} 35% 股权", ValidFrom: from),
            new(c.Customer.Code, f.Customer.Code, "Transaction", "FromTo", AnnualAmount: 18_600_000m, Evidence: "上游原材料供应商，2025年采购额1,860万元", ValidFrom: from),
            new(e.Customer.Code, g.Customer.Code, "Litigation", "FromTo", Evidence: "(2026)京0108民初1234号 买卖合同纠纷", ValidFrom: today.AddMonths(-3)),
        };
        if (shanghai is not null
            && await db.Customers.IgnoreQueryFilters().Where(x => x.Kind == CustomerKind.Enterprise && x.OrganisationPath.StartsWith(shanghai.Path))
                .OrderBy(x => x.Id).Select(x => x.Code).FirstOrDefaultAsync(cancellationToken) is { } shanghaiCode)
        {
            inputs.Add(new(a.Customer.Code, shanghaiCode, "Transaction", "Mutual", AnnualAmount: 7_200_000m, Evidence: "长期购销合作（跨分行）", ValidFrom: from));
        }

        var written = number;
        foreach (var input in inputs)
        {
            var created = await relations.CreateAsync(input, cancellationToken);
            written += created.IsSuccess ? 1 : 0;
        }

        written += await relations.DetectAsync(cancellationToken);

        // A red signal on the chain's last borrower: its guarantors up the chain receive derived signals.
        await signals.RaiseAsync(
        [
            new SignalDraft(g.Customer.Id, SignalSource.Manual, "manual:demo-relations", SignalSeverity.Red, "停产：现场核实",
                "客户经理现场检查发现厂区停工，设备封存 · site visit found the plant stopped", today),
        ], cancellationToken);
        return written;
    }
}
