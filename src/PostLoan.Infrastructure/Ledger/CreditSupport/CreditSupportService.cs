using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Common;
using PostLoan.Domain.Ledger.CreditSupport;
using PostLoan.Domain.Ledger.Customers;
using PostLoan.Domain.Ledger.Loans;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Infrastructure.Ledger.CreditSupport;

/// <summary>A new customer group (集团客户).</summary>
public sealed record GroupInput(string? Code, string? Name, string? OrganisationCode, string? Note);

/// <summary>An enterprise joining a group: <c>role</c> is parent (母公司) or member (成员企业).</summary>
public sealed record MemberInput(int CustomerId, string? Role = null, DateOnly? JoinedOn = null);

/// <summary>
/// A guarantee of a loan (保证合同): either <c>guarantorCustomerId</c> (a customer of the bank) or the outside guarantor's
/// kind (person/enterprise), name and ID number. Start defaults to the disbursement, end to three years after maturity.
/// </summary>
public sealed record GuaranteeInput(
    int? GuarantorCustomerId, string? GuarantorKind, string? GuarantorName, string? GuarantorIdNumber, decimal Amount,
    string? ContractNumber = null, DateOnly? StartDate = null, DateOnly? EndDate = null, string? Liability = null);

/// <summary>A valuation (估值 / 重估) of a collateral; the date defaults to today.</summary>
public sealed record ValuationInput(decimal Value, DateOnly? ValuationDate, string? Valuer, string? Method = null);

/// <summary>
/// A collateral to register for a customer: kind (mortgage/pledge, 抵押/质押), type (房产, 土地, 设备, 车辆, 存单, 股权,
/// 应收账款, 其他), description and owner (the customer itself when none is given), optionally its first valuation and
/// the loan it secures (secured amount defaults to the loan's principal).
/// </summary>
public sealed record CollateralInput(
    string? Code, string? Kind, string? Type, string? Description, int? OwnerCustomerId = null, string? OwnerName = null,
    string? OwnerIdNumber = null, string? CertificateNumber = null, DateOnly? RegisteredOn = null, ValuationInput? Valuation = null,
    long? LoanId = null, decimal? SecuredAmount = null);

/// <summary>A registered collateral securing one more loan of its customer.</summary>
public sealed record AssignmentInput(long CollateralId, decimal? SecuredAmount = null);

/// <summary>
/// A loan product (贷款产品) to create, or the fields to change (null = unchanged). Method and interest frequency are
/// fixed once created: loans copy them at opening.
/// </summary>
public sealed record ProductInput(
    string? Code = null, string? Name = null, string? Method = null, string? InterestFrequency = null, decimal? PenaltyMarkup = null,
    int? GraceDays = null, string? AllocationOrder = null, bool? ShiftHolidays = null, bool? Active = null);

/// <summary>
/// Records what supports a credit besides the borrower (集团客户, 担保, 抵质押物) and maintains loan products. Every
/// write checks its fields and returns an <see cref="Error"/> whose code names the field; reads return the views the
/// API and the pages share. Rows are read through the context's scope filters.
/// </summary>
public sealed partial class CreditSupportService(PostLoanDbContext db, TimeProvider clock)
{
    /// <summary>PBOC range of the penalty markup (罚息上浮 30%–50%).</summary>
    public const decimal MinPenaltyMarkup = 0.3m, MaxPenaltyMarkup = 0.5m;

    public const int MaxGraceDays = 30;

    private DateOnly Today => DateOnly.FromDateTime(clock.GetLocalNow().Date);

    // ---------------------------------------------------------------- groups (集团客户)

    public async Task<Result<CustomerGroup>> CreateGroupAsync(GroupInput input, CancellationToken cancellationToken = default)
    {
        var code = Blank(input.Code);
        if (code is null || code.Length > 40)
        {
            return Error.Validation("code", "required, at most 40 characters");
        }

        var name = Blank(input.Name);
        if (name is null || name.Length > 200)
        {
            return Error.Validation("name", "required, at most 200 characters");
        }

        var note = Blank(input.Note);
        if (note is { Length: > 500 })
        {
            return Error.Validation("note", "at most 500 characters");
        }

        var organisationCode = Blank(input.OrganisationCode);
        var organisation = organisationCode is null ? null
            : await db.Organisations.FirstOrDefaultAsync(o => o.Code == organisationCode && o.IsActive, cancellationToken);
        if (organisation is null)
        {
            return Error.Validation("organisationCode", $"'{organisationCode}' is not an active organisation in your scope");
        }

        if (await db.CustomerGroups.IgnoreQueryFilters().AnyAsync(g => g.Code == code, cancellationToken))
        {
            return Error.Conflict("code", $"group {code} exists already");
        }

        var group = new CustomerGroup
        {
            Code = code, Name = name, Note = note, OrganisationId = organisation.Id, OrganisationPath = organisation.Path, CreatedAt = clock.GetUtcNow(),
        };
        db.CustomerGroups.Add(group);
        await db.SaveChangesAsync(cancellationToken);
        return group;
    }

    /// <summary>Adds an enterprise to a group; a customer belongs to one group at most, a group has one parent at most.</summary>
    public async Task<Result<GroupMembership>> AddMemberAsync(int groupId, MemberInput input, CancellationToken cancellationToken = default)
    {
        var group = await db.CustomerGroups.FirstOrDefaultAsync(g => g.Id == groupId, cancellationToken);
        if (group is null)
        {
            return Error.NotFound("group", $"group {groupId} does not exist or is outside your scope");
        }

        var customer = await db.Customers.FirstOrDefaultAsync(c => c.Id == input.CustomerId, cancellationToken);
        if (customer is null)
        {
            return Error.Validation("customerId", $"customer {input.CustomerId} does not exist or is outside your scope");
        }

        if (customer.Kind != CustomerKind.Enterprise)
        {
            return Error.Validation("customerId", $"{customer.Name} is a person; only enterprises are members of a customer group (集团客户)");
        }

        if (!TryParse(input.Role, GroupRoles, GroupRole.Member, out var role))
        {
            return Error.Validation("role", $"'{input.Role}' is not parent/member (母公司/成员企业)");
        }

        if (input.JoinedOn is { } joined && joined > Today)
        {
            return Error.Validation("joinedOn", "cannot be in the future");
        }

        var existing = await db.GroupMemberships.IgnoreQueryFilters().Where(m => m.CustomerId == customer.Id)
            .Join(db.CustomerGroups.IgnoreQueryFilters(), m => m.GroupId, g => g.Id, (_, g) => g.Code).FirstOrDefaultAsync(cancellationToken);
        if (existing is not null)
        {
            return Error.Conflict("customerId", $"{customer.Name} is a member of group {existing} already");
        }

        if (role == GroupRole.Parent && await db.GroupMemberships.IgnoreQueryFilters().AnyAsync(m => m.GroupId == groupId && m.Role == GroupRole.Parent, cancellationToken))
        {
            return Error.Conflict("role", $"group {group.Code} has a parent enterprise already");
        }

        var membership = new GroupMembership
        {
            GroupId = groupId, CustomerId = customer.Id, Role = role, JoinedOn = input.JoinedOn,
            OrganisationPath = customer.OrganisationPath, AccountManagerId = customer.AccountManagerId,
        };
        db.GroupMemberships.Add(membership);
        await db.SaveChangesAsync(cancellationToken);
        return membership;
    }

    public async Task<Result<GroupMembership>> RemoveMemberAsync(int groupId, int customerId, CancellationToken cancellationToken = default)
    {
        var membership = await db.GroupMemberships.FirstOrDefaultAsync(m => m.GroupId == groupId && m.CustomerId == customerId, cancellationToken);
        if (membership is null)
        {
            return Error.NotFound("customerId", $"customer {customerId} is not a member of group {groupId} in your scope");
        }

        db.GroupMemberships.Remove(membership);
        await db.SaveChangesAsync(cancellationToken);
        return membership;
    }

    /// <summary>Groups in scope with the members the caller may see and their outstanding principal (集团授信敞口).</summary>
    public async Task<IReadOnlyList<GroupSummary>> GroupsAsync(string? search = null, CancellationToken cancellationToken = default)
    {
        var query = db.CustomerGroups.AsNoTracking();
        if (Blank(search) is { } term)
        {
            query = query.Where(g => g.Name.Contains(term) || g.Code.Contains(term));
        }

        var groups = await query.OrderBy(g => g.Code).Take(500).ToListAsync(cancellationToken);
        var ids = groups.Select(g => g.Id).ToList();
        var members = await db.GroupMemberships.AsNoTracking().Where(m => ids.Contains(m.GroupId)).ToListAsync(cancellationToken);
        var outstanding = await OutstandingByCustomerAsync(members.Select(m => m.CustomerId).ToList(), cancellationToken);
        var organisations = await OrganisationNamesAsync(groups.Select(g => g.OrganisationId), cancellationToken);
        return groups.Select(g =>
        {
            var own = members.Where(m => m.GroupId == g.Id).ToList();
            return new GroupSummary(g.Id, g.Code, g.Name, g.OrganisationId, organisations.GetValueOrDefault(g.OrganisationId), g.Note, own.Count,
                own.Sum(m => outstanding.GetValueOrDefault(m.CustomerId)));
        }).ToList();
    }

    /// <summary>A group with its members in scope (parent first), or null when it is not visible.</summary>
    public async Task<GroupDetail?> GroupAsync(int groupId, CancellationToken cancellationToken = default)
    {
        var group = await db.CustomerGroups.AsNoTracking().FirstOrDefaultAsync(g => g.Id == groupId, cancellationToken);
        return group is null ? null : await DetailAsync(group, cancellationToken);
    }

    /// <summary>The group of a customer (the customer is checked first), with the fellow members the caller may see.</summary>
    public async Task<GroupDetail?> GroupOfCustomerAsync(int customerId, CancellationToken cancellationToken = default)
    {
        var membership = await db.GroupMemberships.AsNoTracking().FirstOrDefaultAsync(m => m.CustomerId == customerId, cancellationToken);
        if (membership is null)
        {
            return null;
        }

        // A visible membership shows its group even when the group is owned above the caller's organisation.
        var group = await db.CustomerGroups.IgnoreQueryFilters().AsNoTracking().FirstAsync(g => g.Id == membership.GroupId, cancellationToken);
        return await DetailAsync(group, cancellationToken);
    }

    private async Task<GroupDetail> DetailAsync(CustomerGroup group, CancellationToken cancellationToken)
    {
        var members = await db.GroupMemberships.AsNoTracking().Where(m => m.GroupId == group.Id)
            .Join(db.Customers.AsNoTracking(), m => m.CustomerId, c => c.Id, (m, c) => new { m, c.Code, c.Name, c.Industry, c.Rating })
            .ToListAsync(cancellationToken);
        var outstanding = await OutstandingByCustomerAsync(members.Select(m => m.m.CustomerId).ToList(), cancellationToken);
        var items = members
            .OrderBy(m => m.m.Role).ThenBy(m => m.Code, StringComparer.Ordinal)
            .Select(m => new GroupMemberItem(m.m.CustomerId, m.Code, m.Name, m.Industry, m.Rating, m.m.Role, m.m.JoinedOn, outstanding.GetValueOrDefault(m.m.CustomerId)))
            .ToList();
        var organisation = (await OrganisationNamesAsync([group.OrganisationId], cancellationToken)).GetValueOrDefault(group.OrganisationId);
        var summary = new GroupSummary(group.Id, group.Code, group.Name, group.OrganisationId, organisation, group.Note, items.Count, items.Sum(i => i.Outstanding));
        return new GroupDetail(summary, items);
    }

    // ---------------------------------------------------------------- guarantees (担保关系)

    public async Task<Result<Guarantee>> AddGuaranteeAsync(long loanId, GuaranteeInput input, CancellationToken cancellationToken = default)
    {
        var loan = await db.Loans.FirstOrDefaultAsync(l => l.Id == loanId, cancellationToken);
        if (loan is null)
        {
            return Error.NotFound("loan", $"loan {loanId} does not exist or is outside your scope");
        }

        if (await IsClosedOutAsync(loanId, cancellationToken))
        {
            return Error.Conflict("loan", $"loan {loan.Code} is settled or written off");
        }

        CustomerKind kind;
        string name;
        string idNumber;
        if (input.GuarantorCustomerId is { } guarantorId)
        {
            var guarantor = await db.Customers.AsNoTracking().FirstOrDefaultAsync(c => c.Id == guarantorId, cancellationToken);
            if (guarantor is null)
            {
                return Error.Validation("guarantorCustomerId", $"customer {guarantorId} does not exist or is outside your scope");
            }

            if (guarantor.Id == loan.CustomerId)
            {
                return Error.Validation("guarantorCustomerId", "the borrower cannot guarantee its own loan");
            }

            (kind, name, idNumber) = (guarantor.Kind, guarantor.Name, guarantor.IdNumber);
        }
        else
        {
            if (!TryParse(input.GuarantorKind, CustomerKinds, null, out kind))
            {
                return Error.Validation("guarantorKind", $"'{input.GuarantorKind}' is not person/enterprise (个人/企业)");
            }

            var guarantorName = Blank(input.GuarantorName);
            if (guarantorName is null || guarantorName.Length > 200)
            {
                return Error.Validation("guarantorName", "required, at most 200 characters");
            }

            name = guarantorName;
            idNumber = Blank(input.GuarantorIdNumber)?.ToUpperInvariant() ?? "";
            if (InvalidIdNumber(kind, idNumber) is { } reason)
            {
                return Error.Validation("guarantorIdNumber", reason);
            }
        }

        if (InvalidAmount(input.Amount) is { } badAmount)
        {
            return Error.Validation("amount", badAmount);
        }

        var contract = Blank(input.ContractNumber);
        if (contract is { Length: > 40 })
        {
            return Error.Validation("contractNumber", "at most 40 characters");
        }

        var start = input.StartDate ?? loan.DisbursementDate;
        var end = input.EndDate ?? loan.MaturityDate.AddYears(3);
        if (end < start)
        {
            return Error.Validation("endDate", $"{end:yyyy-MM-dd} is before the start {start:yyyy-MM-dd}");
        }

        if (!TryParse(input.Liability, Liabilities, GuaranteeLiability.JointAndSeveral, out var liability))
        {
            return Error.Validation("liability", $"'{input.Liability}' is not joint/general (连带责任保证/一般保证)");
        }

        var guarantee = new Guarantee
        {
            LoanId = loan.Id, CustomerId = loan.CustomerId, OrganisationPath = loan.OrganisationPath, AccountManagerId = loan.AccountManagerId,
            GuarantorCustomerId = input.GuarantorCustomerId, GuarantorKind = kind, GuarantorName = name, GuarantorIdNumber = idNumber,
            Liability = liability, Amount = input.Amount, ContractNumber = contract, StartDate = start, EndDate = end, CreatedAt = clock.GetUtcNow(),
        };
        db.Guarantees.Add(guarantee);
        await db.SaveChangesAsync(cancellationToken);
        return guarantee;
    }

    public async Task<IReadOnlyList<GuaranteeItem>> GuaranteesOfLoanAsync(long loanId, CancellationToken cancellationToken = default) =>
        await GuaranteeItemsAsync(db.Guarantees.Where(g => g.LoanId == loanId), cancellationToken);

    /// <summary>Guarantees received on the customer's loans and given by the customer as guarantor for others.</summary>
    public async Task<CustomerGuarantees> GuaranteesOfCustomerAsync(int customerId, CancellationToken cancellationToken = default) => new(
        await GuaranteeItemsAsync(db.Guarantees.Where(g => g.CustomerId == customerId), cancellationToken),
        await GuaranteeItemsAsync(db.Guarantees.Where(g => g.GuarantorCustomerId == customerId), cancellationToken));

    private async Task<IReadOnlyList<GuaranteeItem>> GuaranteeItemsAsync(IQueryable<Guarantee> query, CancellationToken cancellationToken)
    {
        var rows = await query.AsNoTracking()
            .Join(db.Loans.IgnoreQueryFilters(), g => g.LoanId, l => l.Id, (g, l) => new { g, l.Code })
            .Join(db.Customers.IgnoreQueryFilters(), x => x.g.CustomerId, c => c.Id, (x, c) => new { x.g, x.Code, c.Name })
            .OrderBy(x => x.g.Id).Take(1000).ToListAsync(cancellationToken);
        return rows.Select(r => GuaranteeItem.From(r.g, r.Code, r.Name)).ToList();
    }

    // ---------------------------------------------------------------- collateral (抵押物 / 质押物)

    public async Task<Result<Collateral>> RegisterCollateralAsync(int customerId, CollateralInput input, CancellationToken cancellationToken = default)
    {
        var customer = await db.Customers.AsNoTracking().FirstOrDefaultAsync(c => c.Id == customerId, cancellationToken);
        if (customer is null)
        {
            return Error.NotFound("customer", $"customer {customerId} does not exist or is outside your scope");
        }

        var code = Blank(input.Code)?.ToUpperInvariant();
        if (code is null || code.Length > 40)
        {
            return Error.Validation("code", "required, at most 40 characters");
        }

        if (!TryParse(input.Kind, CollateralKinds, null, out var kind))
        {
            return Error.Validation("kind", $"'{input.Kind}' is not mortgage/pledge (抵押/质押)");
        }

        if (!TryParse(input.Type, CollateralTypes, null, out var type))
        {
            return Error.Validation("type", $"'{input.Type}' is not one of real-estate, land, equipment, vehicle, deposit, equity, receivable, other (房产/土地/设备/车辆/存单/股权/应收账款/其他)");
        }

        if (!CollateralTypeRule.Allows(kind, type))
        {
            return Error.Validation("type", $"a {kind.ToString().ToLowerInvariant()} cannot take {type}: real estate and land are mortgaged (抵押), deposits, equity and receivables pledged (质押)");
        }

        var description = Blank(input.Description);
        if (description is null || description.Length > 500)
        {
            return Error.Validation("description", "required, at most 500 characters");
        }

        int? ownerId = null;
        string ownerName;
        string? ownerIdNumber;
        if (input.OwnerCustomerId is { } ownerCustomerId)
        {
            var owner = await db.Customers.AsNoTracking().FirstOrDefaultAsync(c => c.Id == ownerCustomerId, cancellationToken);
            if (owner is null)
            {
                return Error.Validation("ownerCustomerId", $"customer {ownerCustomerId} does not exist or is outside your scope");
            }

            (ownerId, ownerName, ownerIdNumber) = (owner.Id, owner.Name, owner.IdNumber);
        }
        else if (Blank(input.OwnerName) is { } outsideOwner)
        {
            if (outsideOwner.Length > 200)
            {
                return Error.Validation("ownerName", "at most 200 characters");
            }

            ownerName = outsideOwner;
            ownerIdNumber = Blank(input.OwnerIdNumber)?.ToUpperInvariant();
            if (ownerIdNumber is not null && !IdentityNumbers.IsValidResidentId(ownerIdNumber) && !IdentityNumbers.IsValidUscc(ownerIdNumber))
            {
                return Error.Validation("ownerIdNumber", $"'{Masking.IdNumber(ownerIdNumber)}' is neither a valid resident ID (身份证号) nor a unified social credit code (统一社会信用代码)");
            }
        }
        else
        {
            // No owner given: the borrower pledges its own asset.
            (ownerId, ownerName, ownerIdNumber) = (customer.Id, customer.Name, customer.IdNumber);
        }

        var certificate = Blank(input.CertificateNumber);
        if (certificate is { Length: > 64 })
        {
            return Error.Validation("certificateNumber", "at most 64 characters");
        }

        var registeredOn = input.RegisteredOn ?? Today;
        if (registeredOn > Today)
        {
            return Error.Validation("registeredOn", "cannot be in the future");
        }

        if (input.Valuation is { } valuation && InvalidValuation(valuation) is { } badValuation)
        {
            return badValuation;
        }

        Loan? loan = null;
        var securedAmount = 0m;
        if (input.LoanId is { } loanId)
        {
            var checkedLoan = await LoanToSecureAsync(loanId, customer.Id, cancellationToken);
            if (!checkedLoan.IsSuccess)
            {
                return checkedLoan.Error!;
            }

            loan = checkedLoan.Value!;
            securedAmount = input.SecuredAmount ?? loan.Principal;
            if (InvalidAmount(securedAmount) is { } badSecured)
            {
                return Error.Validation("securedAmount", badSecured);
            }
        }

        if (await db.Collaterals.IgnoreQueryFilters().AnyAsync(c => c.Code == code, cancellationToken))
        {
            return Error.Conflict("code", $"collateral {code} exists already");
        }

        var collateral = new Collateral
        {
            Code = code, Kind = kind, Type = type, Description = description, CustomerId = customer.Id, OrganisationPath = customer.OrganisationPath,
            AccountManagerId = customer.AccountManagerId, OwnerCustomerId = ownerId, OwnerName = ownerName, OwnerIdNumber = ownerIdNumber,
            CertificateNumber = certificate, RegisteredOn = registeredOn, CreatedAt = clock.GetUtcNow(),
        };
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.Collaterals.Add(collateral);
        await db.SaveChangesAsync(cancellationToken);
        if (input.Valuation is { } first)
        {
            db.CollateralValuations.Add(NewValuation(collateral.Id, first));
        }

        if (loan is not null)
        {
            db.CollateralAssignments.Add(NewAssignment(collateral.Id, loan, securedAmount));
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return collateral;
    }

    /// <summary>Records a (re)valuation; the collateral's loan-to-value follows from the latest one.</summary>
    public async Task<Result<CollateralValuation>> AddValuationAsync(long collateralId, ValuationInput input, CancellationToken cancellationToken = default)
    {
        var collateral = await db.Collaterals.AsNoTracking().FirstOrDefaultAsync(c => c.Id == collateralId, cancellationToken);
        if (collateral is null)
        {
            return Error.NotFound("collateral", $"collateral {collateralId} does not exist or is outside your scope");
        }

        if (collateral.Status == CollateralStatus.Released)
        {
            return Error.Conflict("collateral", $"collateral {collateral.Code} was released on {collateral.ReleasedOn:yyyy-MM-dd}");
        }

        if (InvalidValuation(input) is { } invalid)
        {
            return invalid;
        }

        var valuation = NewValuation(collateralId, input);
        db.CollateralValuations.Add(valuation);
        await db.SaveChangesAsync(cancellationToken);
        return valuation;
    }

    /// <summary>Lets a registered collateral secure one more loan of its customer.</summary>
    public async Task<Result<CollateralAssignment>> AssignAsync(long loanId, AssignmentInput input, CancellationToken cancellationToken = default)
    {
        var collateral = await db.Collaterals.AsNoTracking().FirstOrDefaultAsync(c => c.Id == input.CollateralId, cancellationToken);
        if (collateral is null)
        {
            return Error.Validation("collateralId", $"collateral {input.CollateralId} does not exist or is outside your scope");
        }

        if (collateral.Status == CollateralStatus.Released)
        {
            return Error.Conflict("collateralId", $"collateral {collateral.Code} is released");
        }

        var checkedLoan = await LoanToSecureAsync(loanId, collateral.CustomerId, cancellationToken);
        if (!checkedLoan.IsSuccess)
        {
            return checkedLoan.Error!;
        }

        var loan = checkedLoan.Value!;
        var securedAmount = input.SecuredAmount ?? loan.Principal;
        if (InvalidAmount(securedAmount) is { } badSecured)
        {
            return Error.Validation("securedAmount", badSecured);
        }

        if (await db.CollateralAssignments.IgnoreQueryFilters().AnyAsync(a => a.CollateralId == collateral.Id && a.LoanId == loan.Id, cancellationToken))
        {
            return Error.Conflict("collateralId", $"collateral {collateral.Code} secures loan {loan.Code} already");
        }

        var assignment = NewAssignment(collateral.Id, loan, securedAmount);
        db.CollateralAssignments.Add(assignment);
        await db.SaveChangesAsync(cancellationToken);
        return assignment;
    }

    /// <summary>Releases a collateral by hand (解押); refused while it secures a loan that is not settled.</summary>
    public async Task<Result<Collateral>> ReleaseCollateralAsync(long collateralId, DateOnly? releasedOn = null, CancellationToken cancellationToken = default)
    {
        var collateral = await db.Collaterals.FirstOrDefaultAsync(c => c.Id == collateralId, cancellationToken);
        if (collateral is null)
        {
            return Error.NotFound("collateral", $"collateral {collateralId} does not exist or is outside your scope");
        }

        if (collateral.Status == CollateralStatus.Released)
        {
            return Error.Conflict("collateral", $"collateral {collateral.Code} was released on {collateral.ReleasedOn:yyyy-MM-dd}");
        }

        var date = releasedOn ?? Today;
        if (date > Today || date < collateral.RegisteredOn)
        {
            return Error.Validation("releasedOn", "must lie between the registration and today");
        }

        var securing = await (from a in db.CollateralAssignments.IgnoreQueryFilters()
                              join p in db.LoanPositions on a.LoanId equals p.LoanId
                              join l in db.Loans.IgnoreQueryFilters() on a.LoanId equals l.Id
                              where a.CollateralId == collateralId && a.ReleasedOn == null && p.Status != LoanStatus.Settled
                              select l.Code).FirstOrDefaultAsync(cancellationToken);
        if (securing is not null)
        {
            return Error.Conflict("collateral", $"collateral {collateral.Code} still secures loan {securing}, which is not settled");
        }

        collateral.Status = CollateralStatus.Released;
        collateral.ReleasedOn = date;
        await db.SaveChangesAsync(cancellationToken);
        return collateral;
    }

    /// <summary>
    /// 清户撤押: when <paramref name="loanId"/> is settled on <paramref name="date"/>, its collateral assignments and
    /// guarantees end, and each of its collateral that secures no other loan still open (not settled) is released.
    /// Only marks the tracked rows: the caller saves them in its own transaction, with the settling payment.
    /// </summary>
    public static async Task<int> ReleaseOnSettlementAsync(PostLoanDbContext db, long loanId, DateOnly date, CancellationToken cancellationToken = default)
    {
        var assignments = await db.CollateralAssignments.IgnoreQueryFilters().Where(a => a.LoanId == loanId && a.ReleasedOn == null).ToListAsync(cancellationToken);
        foreach (var assignment in assignments)
        {
            assignment.ReleasedOn = date;
        }

        var collateralIds = assignments.Select(a => a.CollateralId).Distinct().ToList();
        var stillSecuring = await (from a in db.CollateralAssignments.IgnoreQueryFilters()
                                   join p in db.LoanPositions on a.LoanId equals p.LoanId
                                   where collateralIds.Contains(a.CollateralId) && a.LoanId != loanId && a.ReleasedOn == null && p.Status != LoanStatus.Settled
                                   select a.CollateralId).Distinct().ToListAsync(cancellationToken);
        var released = await db.Collaterals.IgnoreQueryFilters()
            .Where(c => collateralIds.Contains(c.Id) && c.Status == CollateralStatus.Registered && !stillSecuring.Contains(c.Id))
            .ToListAsync(cancellationToken);
        foreach (var collateral in released)
        {
            collateral.Status = CollateralStatus.Released;
            collateral.ReleasedOn = date;
        }

        // The guarantees of a settled debt end with it (主债务清偿，保证责任消灭).
        foreach (var guarantee in await db.Guarantees.IgnoreQueryFilters().Where(g => g.LoanId == loanId && g.Status == GuaranteeStatus.Active).ToListAsync(cancellationToken))
        {
            guarantee.Status = GuaranteeStatus.Released;
            guarantee.ReleasedOn = date;
        }

        return released.Count;
    }

    public async Task<IReadOnlyList<CollateralItem>> CollateralOfCustomerAsync(int customerId, CancellationToken cancellationToken = default) =>
        await CollateralItemsAsync(db.Collaterals.Where(c => c.CustomerId == customerId), cancellationToken);

    public async Task<IReadOnlyList<CollateralItem>> CollateralOfLoanAsync(long loanId, CancellationToken cancellationToken = default) =>
        await CollateralItemsAsync(db.Collaterals.Where(c => db.CollateralAssignments.Any(a => a.CollateralId == c.Id && a.LoanId == loanId)), cancellationToken);

    /// <summary>One collateral with valuations, secured loans and loan-to-value; null when absent or outside the scope.</summary>
    public async Task<CollateralItem?> CollateralAsync(long collateralId, CancellationToken cancellationToken = default) =>
        (await CollateralItemsAsync(db.Collaterals.Where(c => c.Id == collateralId), cancellationToken)).FirstOrDefault();

    private async Task<IReadOnlyList<CollateralItem>> CollateralItemsAsync(IQueryable<Collateral> query, CancellationToken cancellationToken)
    {
        var collateral = await query.AsNoTracking().OrderBy(c => c.Id).Take(1000).ToListAsync(cancellationToken);
        var ids = collateral.Select(c => c.Id).ToList();
        var valuations = (await db.CollateralValuations.AsNoTracking().Where(v => ids.Contains(v.CollateralId)).ToListAsync(cancellationToken))
            .ToLookup(v => v.CollateralId);
        var assignments = (await (from a in db.CollateralAssignments.AsNoTracking()
                                  join l in db.Loans.IgnoreQueryFilters() on a.LoanId equals l.Id
                                  join p in db.LoanPositions on a.LoanId equals p.LoanId
                                  where ids.Contains(a.CollateralId)
                                  select new { a, l.Code, p.PrincipalOutstanding, p.Status }).ToListAsync(cancellationToken))
            .ToLookup(x => x.a.CollateralId);
        return collateral.Select(c =>
        {
            var secured = assignments[c.Id].OrderBy(x => x.a.LoanId).Select(x => new AssignmentItem(
                x.a.LoanId, x.Code, x.a.SecuredAmount, x.PrincipalOutstanding, x.Status, x.a.ReleasedOn,
                x.a.ReleasedOn is null && x.Status != LoanStatus.Settled ? LoanToValue.Exposure(x.PrincipalOutstanding, x.a.SecuredAmount) : 0m)).ToList();
            var history = valuations[c.Id].OrderByDescending(v => v.ValuationDate).ThenByDescending(v => v.Id).Select(ValuationItem.From).ToList();
            var latest = history.FirstOrDefault();
            var exposure = secured.Sum(s => s.Exposure);
            return new CollateralItem(
                c.Id, c.Code, c.Kind, c.Type, c.Description, c.CustomerId, c.OwnerCustomerId, c.OwnerName, Masking.IdNumber(c.OwnerIdNumber),
                c.CertificateNumber, c.Status, c.RegisteredOn, c.ReleasedOn, latest?.Value, latest?.ValuationDate, latest?.Valuer, exposure,
                c.Status == CollateralStatus.Registered ? LoanToValue.Ratio(exposure, latest?.Value) : null, secured, history);
        }).ToList();
    }

    public async Task<IReadOnlyList<ValuationItem>> ValuationsAsync(long collateralId, CancellationToken cancellationToken = default) =>
        (await db.CollateralValuations.AsNoTracking().Where(v => v.CollateralId == collateralId).ToListAsync(cancellationToken))
            .OrderByDescending(v => v.ValuationDate).ThenByDescending(v => v.Id).Select(ValuationItem.From).ToList();

    // ---------------------------------------------------------------- loan products (贷款产品)

    public async Task<IReadOnlyList<ProductItem>> ProductsAsync(CancellationToken cancellationToken = default) =>
        (await db.LoanProducts.AsNoTracking().OrderBy(p => p.Code).ToListAsync(cancellationToken)).Select(ProductItem.From).ToList();

    public async Task<Result<LoanProduct>> CreateProductAsync(ProductInput input, CancellationToken cancellationToken = default)
    {
        var code = Blank(input.Code)?.ToUpperInvariant();
        if (code is null || !ProductCode().IsMatch(code))
        {
            return Error.Validation("code", "required: 2 to 32 letters, digits or hyphens");
        }

        if (!LoanCodes.TryParseMethod(input.Method, out var method))
        {
            return Error.Validation("method", $"'{input.Method}' is not equal-installment, equal-principal, interest-only, bullet or revolving");
        }

        if (!LoanCodes.TryParseFrequency(input.InterestFrequency, out var frequency))
        {
            return Error.Validation("interestFrequency", $"'{input.InterestFrequency}' is not monthly/quarterly");
        }

        if (frequency == InterestFrequency.Quarterly && method != RepaymentMethod.InterestOnly)
        {
            return Error.Validation("interestFrequency", "quarterly interest is for interest-only products (按季付息到期还本)");
        }

        if (await db.LoanProducts.AnyAsync(p => p.Code == code, cancellationToken))
        {
            return Error.Conflict("code", $"product {code} exists already");
        }

        var product = new LoanProduct { Code = code, Name = "", Method = method, InterestFrequency = frequency };
        if (Apply(product, input with { Name = input.Name ?? "" }) is { } invalid)
        {
            return invalid;
        }

        db.LoanProducts.Add(product);
        await db.SaveChangesAsync(cancellationToken);
        return product;
    }

    /// <summary>Changes a product's servicing rules; loans opened earlier keep the rules they copied.</summary>
    public async Task<Result<LoanProduct>> UpdateProductAsync(string code, ProductInput input, CancellationToken cancellationToken = default)
    {
        var product = await db.LoanProducts.FirstOrDefaultAsync(p => p.Code == code, cancellationToken);
        if (product is null)
        {
            return Error.NotFound("code", $"product {code} does not exist");
        }

        if (input.Method is not null && (!LoanCodes.TryParseMethod(input.Method, out var method) || method != product.Method))
        {
            return Error.Validation("method", "cannot change: loans copy the method at opening; create another product");
        }

        if (input.InterestFrequency is not null && (!LoanCodes.TryParseFrequency(input.InterestFrequency, out var frequency) || frequency != product.InterestFrequency))
        {
            return Error.Validation("interestFrequency", "cannot change: loans copy it at opening; create another product");
        }

        if (Apply(product, input) is { } invalid)
        {
            return invalid;
        }

        await db.SaveChangesAsync(cancellationToken);
        return product;
    }

    /// <summary>Checks and applies the editable fields (null = unchanged).</summary>
    private static Error? Apply(LoanProduct product, ProductInput input)
    {
        if (input.Name is not null)
        {
            var name = Blank(input.Name);
            if (name is null || name.Length > 100)
            {
                return Error.Validation("name", "required, at most 100 characters");
            }

            product.Name = name;
        }

        if (input.PenaltyMarkup is { } markup)
        {
            if (markup is < MinPenaltyMarkup or > MaxPenaltyMarkup || decimal.Round(markup, 4) != markup)
            {
                return Error.Validation("penaltyMarkup", "between 0.3 and 0.5 (PBOC 30%–50%), at most 4 decimals");
            }

            product.PenaltyMarkup = markup;
        }

        if (input.GraceDays is { } grace)
        {
            if (grace is < 0 or > MaxGraceDays)
            {
                return Error.Validation("graceDays", $"between 0 and {MaxGraceDays} days");
            }

            product.GraceDays = grace;
        }

        if (input.AllocationOrder is not null)
        {
            if (!TryParse(input.AllocationOrder, AllocationOrders, null, out var order))
            {
                return Error.Validation("allocationOrder", $"'{input.AllocationOrder}' is not oldest-installment-first/charges-first");
            }

            product.AllocationOrder = order;
        }

        if (input.ShiftHolidays is { } shift)
        {
            product.ShiftHolidays = shift;
        }

        if (input.Active is { } active)
        {
            product.Active = active;
        }

        return null;
    }

    // ---------------------------------------------------------------- helpers

    private async Task<Result<Loan>> LoanToSecureAsync(long loanId, int customerId, CancellationToken cancellationToken)
    {
        var loan = await db.Loans.AsNoTracking().FirstOrDefaultAsync(l => l.Id == loanId, cancellationToken);
        if (loan is null)
        {
            return Error.Validation("loanId", $"loan {loanId} does not exist or is outside your scope");
        }

        if (loan.CustomerId != customerId)
        {
            return Error.Validation("loanId", $"loan {loan.Code} belongs to another customer than the collateral");
        }

        if (await IsClosedOutAsync(loanId, cancellationToken))
        {
            return Error.Validation("loanId", $"loan {loan.Code} is settled or written off");
        }

        return loan;
    }

    /// <summary>Settled or written off; a loan paid off today is settled before the night's close marks its position.</summary>
    private async Task<bool> IsClosedOutAsync(long loanId, CancellationToken cancellationToken) =>
        await db.LoanPositions.AnyAsync(p => p.LoanId == loanId && (p.Status == LoanStatus.Settled || p.Status == LoanStatus.WrittenOff), cancellationToken)
        || await db.LedgerEvents.AnyAsync(e => e.LoanId == loanId && e.Kind == LedgerEventKind.Settlement, cancellationToken);

    private Error? InvalidValuation(ValuationInput input)
    {
        if (InvalidAmount(input.Value) is { } badValue)
        {
            return Error.Validation("value", badValue);
        }

        if (input.ValuationDate is { } date && date > Today)
        {
            return Error.Validation("valuationDate", "cannot be in the future");
        }

        var valuer = Blank(input.Valuer);
        if (valuer is null || valuer.Length > 100)
        {
            return Error.Validation("valuer", "required (评估机构或评估人), at most 100 characters");
        }

        return Blank(input.Method) is { Length: > 40 } ? Error.Validation("method", "at most 40 characters") : null;
    }

    private CollateralValuation NewValuation(long collateralId, ValuationInput input) => new()
    {
        CollateralId = collateralId, Value = input.Value, ValuationDate = input.ValuationDate ?? Today, Valuer = Blank(input.Valuer)!,
        Method = Blank(input.Method), RecordedBy = db.CurrentUser.UserName, RecordedAt = clock.GetUtcNow(),
    };

    private static CollateralAssignment NewAssignment(long collateralId, Loan loan, decimal securedAmount) => new()
    {
        CollateralId = collateralId, LoanId = loan.Id, CustomerId = loan.CustomerId, OrganisationPath = loan.OrganisationPath,
        AccountManagerId = loan.AccountManagerId, SecuredAmount = securedAmount,
    };

    private async Task<Dictionary<int, decimal>> OutstandingByCustomerAsync(List<int> customerIds, CancellationToken cancellationToken)
    {
        var rows = await (from l in db.Loans.AsNoTracking()
                          join p in db.LoanPositions.AsNoTracking() on l.Id equals p.LoanId
                          where customerIds.Contains(l.CustomerId) && p.Status != LoanStatus.Settled && p.Status != LoanStatus.WrittenOff
                          select new { l.CustomerId, p.PrincipalOutstanding }).ToListAsync(cancellationToken);
        return rows.GroupBy(r => r.CustomerId).ToDictionary(g => g.Key, g => g.Sum(r => r.PrincipalOutstanding));
    }

    private async Task<Dictionary<int, string>> OrganisationNamesAsync(IEnumerable<int> ids, CancellationToken cancellationToken)
    {
        var list = ids.Distinct().ToList();
        return await db.Organisations.IgnoreQueryFilters().Where(o => list.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Name, cancellationToken);
    }

    private static string? InvalidAmount(decimal amount) =>
        amount <= 0m || Money.RoundCents(amount) != amount ? "must be a positive amount in yuan with at most 2 decimals" : null;

    private static string? InvalidIdNumber(CustomerKind kind, string idNumber) => kind switch
    {
        CustomerKind.Person when !IdentityNumbers.IsValidResidentId(idNumber) => $"'{Masking.IdNumber(idNumber)}' is not a valid 18-digit resident ID (身份证号)",
        CustomerKind.Enterprise when !IdentityNumbers.IsValidUscc(idNumber) => $"'{Masking.IdNumber(idNumber)}' is not a valid unified social credit code (统一社会信用代码)",
        _ => null,
    };

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static bool TryParse<T>(string? text, IReadOnlyDictionary<string, T> names, T? fallback, out T value) where T : struct, Enum
    {
        var key = Blank(text);
        if (key is null && fallback is { } given)
        {
            value = given;
            return true;
        }

        return names.TryGetValue(key ?? "", out value);
    }

    private static Dictionary<string, T> Names<T>(params (T Value, string[] Aliases)[] aliases) where T : struct, Enum
    {
        var names = new Dictionary<string, T>(StringComparer.OrdinalIgnoreCase);
        foreach (var value in Enum.GetValues<T>())
        {
            names[value.ToString()] = value;
        }

        foreach (var (value, list) in aliases)
        {
            foreach (var alias in list)
            {
                names[alias] = value;
            }
        }

        return names;
    }

    private static readonly Dictionary<string, GroupRole> GroupRoles = Names(
        (GroupRole.Parent, ["母公司", "核心企业", "core"]), (GroupRole.Member, ["成员", "成员企业", "subsidiary"]));

    private static readonly Dictionary<string, CustomerKind> CustomerKinds = Names(
        (CustomerKind.Person, ["individual", "个人", "自然人"]), (CustomerKind.Enterprise, ["company", "企业", "法人"]));

    private static readonly Dictionary<string, GuaranteeLiability> Liabilities = Names(
        (GuaranteeLiability.JointAndSeveral, ["joint", "joint-and-several", "连带责任保证", "连带"]), (GuaranteeLiability.General, ["一般保证", "一般"]));

    private static readonly Dictionary<string, CollateralKind> CollateralKinds = Names(
        (CollateralKind.Mortgage, ["抵押"]), (CollateralKind.Pledge, ["质押"]));

    private static readonly Dictionary<string, CollateralType> CollateralTypes = Names(
        (CollateralType.RealEstate, ["real-estate", "房产", "房地产"]), (CollateralType.Land, ["土地", "土地使用权"]),
        (CollateralType.Equipment, ["设备", "机器设备"]), (CollateralType.Vehicle, ["车辆", "交通运输工具"]),
        (CollateralType.Deposit, ["存单"]), (CollateralType.Equity, ["股权"]), (CollateralType.Receivable, ["应收账款"]), (CollateralType.Other, ["其他"]));

    private static readonly Dictionary<string, AllocationOrder> AllocationOrders = Names(
        (AllocationOrder.OldestInstallmentFirst, ["oldest-installment-first", "oldest-first", "按期次"]),
        (AllocationOrder.ChargesThenInterestThenPrincipal, ["charges-then-interest-then-principal", "charges-first", "先费息后本金"]));

    [GeneratedRegex("^[A-Z0-9][A-Z0-9-]{1,31}$")]
    private static partial Regex ProductCode();
}

/// <summary>A customer group with the number of members the caller sees and their outstanding principal.</summary>
public sealed record GroupSummary(int Id, string Code, string Name, int OrganisationId, string? OrganisationName, string? Note, int Members, decimal Outstanding);

/// <summary>A member of a group with its outstanding principal on open loans.</summary>
public sealed record GroupMemberItem(
    int CustomerId, string CustomerCode, string CustomerName, string? Industry, string? Rating,
    [property: JsonConverter(typeof(JsonStringEnumConverter<GroupRole>))] GroupRole Role, DateOnly? JoinedOn, decimal Outstanding);

/// <summary>A group and its members in scope, parent first.</summary>
public sealed record GroupDetail(GroupSummary Group, IReadOnlyList<GroupMemberItem> Members);

/// <summary>A guarantee with the loan and borrower; the guarantor's ID number masked.</summary>
public sealed record GuaranteeItem(
    long Id, long LoanId, string LoanCode, int CustomerId, string CustomerName, int? GuarantorCustomerId,
    [property: JsonConverter(typeof(JsonStringEnumConverter<CustomerKind>))] CustomerKind GuarantorKind,
    string GuarantorName, string GuarantorIdNumberMasked,
    [property: JsonConverter(typeof(JsonStringEnumConverter<GuaranteeLiability>))] GuaranteeLiability Liability,
    decimal Amount, string? ContractNumber, DateOnly StartDate, DateOnly EndDate,
    [property: JsonConverter(typeof(JsonStringEnumConverter<GuaranteeStatus>))] GuaranteeStatus Status, DateOnly? ReleasedOn)
{
    public static GuaranteeItem From(Guarantee g, string loanCode, string customerName) => new(
        g.Id, g.LoanId, loanCode, g.CustomerId, customerName, g.GuarantorCustomerId, g.GuarantorKind, g.GuarantorName, Masking.IdNumber(g.GuarantorIdNumber),
        g.Liability, g.Amount, g.ContractNumber, g.StartDate, g.EndDate, g.Status, g.ReleasedOn);
}

/// <summary>The guarantees around a customer: received on its loans, given for others' loans.</summary>
public sealed record CustomerGuarantees(IReadOnlyList<GuaranteeItem> Received, IReadOnlyList<GuaranteeItem> Given);

/// <summary>A valuation of a collateral.</summary>
public sealed record ValuationItem(long Id, decimal Value, DateOnly ValuationDate, string Valuer, string? Method, string? RecordedBy, DateTimeOffset RecordedAt)
{
    public static ValuationItem From(CollateralValuation v) => new(v.Id, v.Value, v.ValuationDate, v.Valuer, v.Method, v.RecordedBy, v.RecordedAt);
}

/// <summary>A loan a collateral secures, with the exposure that counts in its loan-to-value.</summary>
public sealed record AssignmentItem(
    long LoanId, string LoanCode, decimal SecuredAmount, decimal PrincipalOutstanding,
    [property: JsonConverter(typeof(JsonStringEnumConverter<LoanStatus>))] LoanStatus LoanStatus, DateOnly? ReleasedOn, decimal Exposure);

/// <summary>
/// A collateral with its latest valuation, the loans it secures and its loan-to-value (<see cref="LoanToValue"/>: exposure
/// ÷ latest value, 4 decimals; null once released or without a valuation). Owner ID number masked.
/// </summary>
public sealed record CollateralItem(
    long Id, string Code,
    [property: JsonConverter(typeof(JsonStringEnumConverter<CollateralKind>))] CollateralKind Kind,
    [property: JsonConverter(typeof(JsonStringEnumConverter<CollateralType>))] CollateralType Type,
    string Description, int CustomerId, int? OwnerCustomerId, string OwnerName, string OwnerIdNumberMasked, string? CertificateNumber,
    [property: JsonConverter(typeof(JsonStringEnumConverter<CollateralStatus>))] CollateralStatus Status,
    DateOnly RegisteredOn, DateOnly? ReleasedOn, decimal? LatestValue, DateOnly? LatestValuationDate, string? LatestValuer,
    decimal Exposure, decimal? LoanToValue, IReadOnlyList<AssignmentItem> Loans, IReadOnlyList<ValuationItem> Valuations);

/// <summary>A loan product with its servicing rules.</summary>
public sealed record ProductItem(
    int Id, string Code, string Name, string Method, string InterestFrequency, decimal PenaltyMarkup, int GraceDays,
    [property: JsonConverter(typeof(JsonStringEnumConverter<AllocationOrder>))] AllocationOrder AllocationOrder, bool ShiftHolidays, bool Active)
{
    public static ProductItem From(LoanProduct p) => new(
        p.Id, p.Code, p.Name, LoanCodes.Name(p.Method), p.InterestFrequency == Domain.Ledger.Loans.InterestFrequency.Quarterly ? "quarterly" : "monthly",
        p.PenaltyMarkup, p.GraceDays, p.AllocationOrder, p.ShiftHolidays, p.Active);
}
