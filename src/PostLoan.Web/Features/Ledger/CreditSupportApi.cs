using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using PostLoan.Domain.Ledger.CreditSupport;
using PostLoan.Domain.Ledger.Customers;
using PostLoan.Domain.Ledger.Loans;
using PostLoan.Infrastructure.Ledger.CreditSupport;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Web.Common;

namespace PostLoan.Web.Features.Ledger;

/// <summary>
/// Credit support API (集团客户, 担保, 抵质押物) and loan products. The customer, loan, group or collateral named in the
/// path is looked up through <see cref="ScopedAccess"/> first: 403 outside the caller's data scope (audited), 404 when
/// absent. Reading is for every signed-in user within scope (groups and products for staff); recording is for those who
/// maintain customers; products are changed by administrators.
/// </summary>
public static class CreditSupportApi
{
    public static void MapCreditSupportApi(this RouteGroupBuilder api)
    {
        var groups = api.MapGroup("/groups").WithTags("Customer groups").RequireAuthorization(Policies.Staff);
        groups.MapGet("/", async (string? search, CreditSupportService service, CancellationToken ct) =>
            TypedResults.Ok(await service.GroupsAsync(search, ct)));
        groups.MapGet("/{id:int}", async Task<Results<Ok<GroupDetail>, ProblemHttpResult>> (int id, PostLoanDbContext db, CreditSupportService service, CancellationToken ct) =>
        {
            var access = await db.FindInScopeAsync<CustomerGroup>(g => g.Id == id, Key(id), ct);
            return access.Outcome == AccessOutcome.Granted
                ? TypedResults.Ok((await service.GroupAsync(id, ct))!)
                : ProblemResults.From(access, $"group {id}");
        });
        groups.MapPost("/", async Task<Results<Created<GroupDetail>, ProblemHttpResult>> (GroupInput input, CreditSupportService service, CancellationToken ct) =>
        {
            var created = await service.CreateGroupAsync(input, ct);
            return created.IsSuccess
                ? TypedResults.Created($"/api/groups/{created.Value!.Id}", (await service.GroupAsync(created.Value.Id, ct))!)
                : ProblemResults.From(created.Error!);
        }).RequireAuthorization(Policies.CustomerMaintenance);
        groups.MapPost("/{id:int}/members", async Task<Results<Created<GroupDetail>, ProblemHttpResult>> (int id, MemberInput input, PostLoanDbContext db, CreditSupportService service, CancellationToken ct) =>
        {
            var group = await db.FindInScopeAsync<CustomerGroup>(g => g.Id == id, Key(id), ct);
            if (group.Outcome != AccessOutcome.Granted)
            {
                return ProblemResults.From(group, $"group {id}");
            }

            var customer = await db.FindInScopeAsync<Customer>(c => c.Id == input.CustomerId, Key(input.CustomerId), ct);
            if (customer.Outcome != AccessOutcome.Granted)
            {
                return ProblemResults.From(customer, $"customer {input.CustomerId}");
            }

            var added = await service.AddMemberAsync(id, input, ct);
            return added.IsSuccess
                ? TypedResults.Created($"/api/groups/{id}", (await service.GroupAsync(id, ct))!)
                : ProblemResults.From(added.Error!);
        }).RequireAuthorization(Policies.CustomerMaintenance);
        groups.MapDelete("/{id:int}/members/{customerId:int}", async Task<Results<NoContent, ProblemHttpResult>> (int id, int customerId, PostLoanDbContext db, CreditSupportService service, CancellationToken ct) =>
        {
            var customer = await db.FindInScopeAsync<Customer>(c => c.Id == customerId, Key(customerId), ct);
            if (customer.Outcome != AccessOutcome.Granted)
            {
                return ProblemResults.From(customer, $"customer {customerId}");
            }

            var removed = await service.RemoveMemberAsync(id, customerId, ct);
            return removed.IsSuccess ? TypedResults.NoContent() : ProblemResults.From(removed.Error!);
        }).RequireAuthorization(Policies.CustomerMaintenance);

        var customers = api.MapGroup("/customers").WithTags("Credit support");
        customers.MapGet("/{id:int}/group", async Task<Results<Ok<GroupDetail>, NoContent, ProblemHttpResult>> (int id, PostLoanDbContext db, CreditSupportService service, CancellationToken ct) =>
        {
            var access = await FindCustomerAsync(db, id, ct);
            if (access.Outcome != AccessOutcome.Granted)
            {
                return ProblemResults.From(access, $"customer {id}");
            }

            return await service.GroupOfCustomerAsync(id, ct) is { } group ? TypedResults.Ok(group) : TypedResults.NoContent();
        });
        customers.MapGet("/{id:int}/guarantees", (int id, PostLoanDbContext db, CreditSupportService service, CancellationToken ct) =>
            OfCustomerAsync(db, id, ct, () => service.GuaranteesOfCustomerAsync(id, ct)));
        customers.MapGet("/{id:int}/collateral", (int id, PostLoanDbContext db, CreditSupportService service, CancellationToken ct) =>
            OfCustomerAsync(db, id, ct, () => service.CollateralOfCustomerAsync(id, ct)));
        customers.MapPost("/{id:int}/collateral", async Task<Results<Created<CollateralItem>, ProblemHttpResult>> (int id, CollateralInput input, PostLoanDbContext db, CreditSupportService service, CancellationToken ct) =>
        {
            var access = await FindCustomerAsync(db, id, ct);
            if (access.Outcome != AccessOutcome.Granted)
            {
                return ProblemResults.From(access, $"customer {id}");
            }

            var registered = await service.RegisterCollateralAsync(id, input, ct);
            return registered.IsSuccess
                ? TypedResults.Created($"/api/collateral/{registered.Value!.Id}", (await service.CollateralAsync(registered.Value.Id, ct))!)
                : ProblemResults.From(registered.Error!);
        }).RequireAuthorization(Policies.CustomerMaintenance);

        var loans = api.MapGroup("/loans").WithTags("Credit support");
        loans.MapGet("/{id:long}/guarantees", (long id, PostLoanDbContext db, CreditSupportService service, CancellationToken ct) =>
            OfLoanAsync(db, id, ct, () => service.GuaranteesOfLoanAsync(id, ct)));
        loans.MapPost("/{id:long}/guarantees", async Task<Results<Created<GuaranteeItem>, ProblemHttpResult>> (long id, GuaranteeInput input, PostLoanDbContext db, CreditSupportService service, CancellationToken ct) =>
        {
            var access = await FindLoanAsync(db, id, ct);
            if (access.Outcome != AccessOutcome.Granted)
            {
                return ProblemResults.From(access, $"loan {id}");
            }

            var added = await service.AddGuaranteeAsync(id, input, ct);
            return added.IsSuccess
                ? TypedResults.Created($"/api/loans/{id}/guarantees", (await service.GuaranteesOfLoanAsync(id, ct)).First(g => g.Id == added.Value!.Id))
                : ProblemResults.From(added.Error!);
        }).RequireAuthorization(Policies.CustomerMaintenance);
        loans.MapGet("/{id:long}/collateral", (long id, PostLoanDbContext db, CreditSupportService service, CancellationToken ct) =>
            OfLoanAsync(db, id, ct, () => service.CollateralOfLoanAsync(id, ct)));
        loans.MapPost("/{id:long}/collateral", async Task<Results<Created<CollateralItem>, ProblemHttpResult>> (long id, AssignmentInput input, PostLoanDbContext db, CreditSupportService service, CancellationToken ct) =>
        {
            var access = await FindLoanAsync(db, id, ct);
            if (access.Outcome != AccessOutcome.Granted)
            {
                return ProblemResults.From(access, $"loan {id}");
            }

            var assigned = await service.AssignAsync(id, input, ct);
            return assigned.IsSuccess
                ? TypedResults.Created($"/api/collateral/{input.CollateralId}", (await service.CollateralAsync(input.CollateralId, ct))!)
                : ProblemResults.From(assigned.Error!);
        }).RequireAuthorization(Policies.CustomerMaintenance);

        var collateral = api.MapGroup("/collateral").WithTags("Credit support");
        collateral.MapGet("/{id:long}", async Task<Results<Ok<CollateralItem>, ProblemHttpResult>> (long id, PostLoanDbContext db, CreditSupportService service, CancellationToken ct) =>
        {
            var access = await FindCollateralAsync(db, id, ct);
            return access.Outcome == AccessOutcome.Granted
                ? TypedResults.Ok((await service.CollateralAsync(id, ct))!)
                : ProblemResults.From(access, $"collateral {id}");
        });
        collateral.MapGet("/{id:long}/valuations", async Task<Results<Ok<IReadOnlyList<ValuationItem>>, ProblemHttpResult>> (long id, PostLoanDbContext db, CreditSupportService service, CancellationToken ct) =>
        {
            var access = await FindCollateralAsync(db, id, ct);
            return access.Outcome == AccessOutcome.Granted
                ? TypedResults.Ok(await service.ValuationsAsync(id, ct))
                : ProblemResults.From(access, $"collateral {id}");
        });
        collateral.MapPost("/{id:long}/valuations", async Task<Results<Created<CollateralItem>, ProblemHttpResult>> (long id, ValuationInput input, PostLoanDbContext db, CreditSupportService service, CancellationToken ct) =>
        {
            var access = await FindCollateralAsync(db, id, ct);
            if (access.Outcome != AccessOutcome.Granted)
            {
                return ProblemResults.From(access, $"collateral {id}");
            }

            var added = await service.AddValuationAsync(id, input, ct);
            return added.IsSuccess
                ? TypedResults.Created($"/api/collateral/{id}/valuations", (await service.CollateralAsync(id, ct))!)
                : ProblemResults.From(added.Error!);
        }).RequireAuthorization(Policies.CustomerMaintenance);
        collateral.MapPost("/{id:long}/release", async Task<Results<Ok<CollateralItem>, ProblemHttpResult>> (long id, ReleaseInput input, PostLoanDbContext db, CreditSupportService service, CancellationToken ct) =>
        {
            var access = await FindCollateralAsync(db, id, ct);
            if (access.Outcome != AccessOutcome.Granted)
            {
                return ProblemResults.From(access, $"collateral {id}");
            }

            var released = await service.ReleaseCollateralAsync(id, input.ReleasedOn, ct);
            return released.IsSuccess ? TypedResults.Ok((await service.CollateralAsync(id, ct))!) : ProblemResults.From(released.Error!);
        }).RequireAuthorization(Policies.CustomerMaintenance);

        var products = api.MapGroup("/products").WithTags("Loan products").RequireAuthorization(Policies.Staff);
        products.MapGet("/", async (CreditSupportService service, CancellationToken ct) => TypedResults.Ok(await service.ProductsAsync(ct)));
        products.MapPost("/", async Task<Results<Created<ProductItem>, ProblemHttpResult>> (ProductInput input, CreditSupportService service, CancellationToken ct) =>
        {
            var created = await service.CreateProductAsync(input, ct);
            return created.IsSuccess
                ? TypedResults.Created($"/api/products/{created.Value!.Code}", ProductItem.From(created.Value))
                : ProblemResults.From(created.Error!);
        }).RequireAuthorization(Policies.Administration);
        products.MapPut("/{code}", async Task<Results<Ok<ProductItem>, ProblemHttpResult>> (string code, ProductInput input, CreditSupportService service, CancellationToken ct) =>
        {
            var updated = await service.UpdateProductAsync(code, input, ct);
            return updated.IsSuccess ? TypedResults.Ok(ProductItem.From(updated.Value!)) : ProblemResults.From(updated.Error!);
        }).RequireAuthorization(Policies.Administration);
    }

    private static string Key(long id) => id.ToString(CultureInfo.InvariantCulture);

    private static Task<Access<Customer>> FindCustomerAsync(PostLoanDbContext db, int id, CancellationToken ct) =>
        db.FindInScopeAsync<Customer>(c => c.Id == id, Key(id), ct);

    private static Task<Access<Loan>> FindLoanAsync(PostLoanDbContext db, long id, CancellationToken ct) =>
        db.FindInScopeAsync<Loan>(l => l.Id == id, Key(id), ct);

    private static Task<Access<Collateral>> FindCollateralAsync(PostLoanDbContext db, long id, CancellationToken ct) =>
        db.FindInScopeAsync<Collateral>(c => c.Id == id, Key(id), ct);

    /// <summary>A list around a customer: the customer is checked against the scope first.</summary>
    private static async Task<Results<Ok<T>, ProblemHttpResult>> OfCustomerAsync<T>(PostLoanDbContext db, int id, CancellationToken ct, Func<Task<T>> read)
    {
        var access = await FindCustomerAsync(db, id, ct);
        return access.Outcome == AccessOutcome.Granted ? TypedResults.Ok(await read()) : ProblemResults.From(access, $"customer {id}");
    }

    /// <summary>A list around a loan: the loan is checked against the scope first.</summary>
    private static async Task<Results<Ok<T>, ProblemHttpResult>> OfLoanAsync<T>(PostLoanDbContext db, long id, CancellationToken ct, Func<Task<T>> read)
    {
        var access = await FindLoanAsync(db, id, ct);
        return access.Outcome == AccessOutcome.Granted ? TypedResults.Ok(await read()) : ProblemResults.From(access, $"loan {id}");
    }
}

/// <summary>Body of <c>POST /api/collateral/{id}/release</c> (解押); the date defaults to today.</summary>
public sealed record ReleaseInput(DateOnly? ReleasedOn);

/// <summary>Text keys of the credit-support enumerations (Resources/texts.tsv).</summary>
public static class CreditSupportTexts
{
    public static string Kind(CollateralKind kind) => kind switch
    {
        CollateralKind.Mortgage => "CollateralKindMortgage",
        CollateralKind.Pledge => "CollateralKindPledge",
    };

    public static string Type(CollateralType type) => type switch
    {
        CollateralType.RealEstate => "CollateralTypeRealEstate",
        CollateralType.Land => "CollateralTypeLand",
        CollateralType.Equipment => "CollateralTypeEquipment",
        CollateralType.Vehicle => "CollateralTypeVehicle",
        CollateralType.Deposit => "CollateralTypeDeposit",
        CollateralType.Equity => "CollateralTypeEquity",
        CollateralType.Receivable => "CollateralTypeReceivable",
        CollateralType.Other => "CollateralTypeOther",
    };

    public static string Status(CollateralStatus status) => status switch
    {
        CollateralStatus.Registered => "CollateralRegistered",
        CollateralStatus.Released => "CollateralReleased",
    };

    public static string Status(GuaranteeStatus status) => status switch
    {
        GuaranteeStatus.Active => "GuaranteeActive",
        GuaranteeStatus.Released => "GuaranteeReleased",
    };

    public static string Liability(GuaranteeLiability liability) => liability switch
    {
        GuaranteeLiability.JointAndSeveral => "LiabilityJointAndSeveral",
        GuaranteeLiability.General => "LiabilityGeneral",
    };

    public static string Role(GroupRole role) => role switch
    {
        GroupRole.Parent => "GroupRoleParent",
        GroupRole.Member => "GroupRoleMember",
    };

    public static string Allocation(AllocationOrder order) => order switch
    {
        AllocationOrder.OldestInstallmentFirst => "AllocationOldestFirst",
        AllocationOrder.ChargesThenInterestThenPrincipal => "AllocationChargesFirst",
    };

    /// <summary>A loan-to-value as a percentage with 2 decimals (0.6667 → 66.67%), or a dash.</summary>
    public static string Percent(decimal? ratio) =>
        ratio is { } r ? (r * 100m).ToString("0.00", CultureInfo.InvariantCulture) + "%" : "—";
}
