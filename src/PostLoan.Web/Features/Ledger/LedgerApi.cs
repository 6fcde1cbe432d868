using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Common;
using PostLoan.Domain.Ledger.Customers;
using PostLoan.Infrastructure.Ledger.Customers;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Web.Common;

namespace PostLoan.Web.Features.Ledger;

/// <summary>Ledger API (贷后信息管理): customers within the caller's data scope.</summary>
public static class LedgerApi
{
    public static void MapLedgerApi(this RouteGroupBuilder api)
    {
        var customers = api.MapGroup("/customers").WithTags("Customers");
        customers.MapGet("/", async (string? search, int? page, int? pageSize, PostLoanDbContext db, CancellationToken ct) =>
            TypedResults.Ok(await CustomerQueries.ListAsync(db, search, page ?? 1, pageSize ?? 50, ct)));
        customers.MapGet("/{id:int}", async Task<Results<Ok<CustomerDetail>, ProblemHttpResult>> (int id, PostLoanDbContext db, CancellationToken ct) =>
        {
            var access = await db.FindInScopeAsync<Customer>(c => c.Id == id, id.ToString(System.Globalization.CultureInfo.InvariantCulture), ct);
            return access.Outcome == AccessOutcome.Granted
                ? TypedResults.Ok(CustomerDetail.From(access.Value!))
                : ProblemResults.From(access, $"customer {id}");
        });
        customers.MapPost("/", async Task<Results<Created<CustomerDetail>, ProblemHttpResult>> (CustomerInput input, CustomerService service, CancellationToken ct) =>
        {
            var result = await service.CreateAsync(input, ct);
            return result.IsSuccess
                ? TypedResults.Created($"/api/customers/{result.Value!.Id}", CustomerDetail.From(result.Value))
                : ProblemResults.From(result.Error!);
        }).RequireAuthorization(Policies.CustomerMaintenance);
        customers.MapPut("/{id:int}", async Task<Results<Ok<CustomerDetail>, ProblemHttpResult>> (int id, CustomerInput input, CustomerService service, CancellationToken ct) =>
        {
            var result = await service.UpdateAsync(id, input, ct);
            return result.IsSuccess ? TypedResults.Ok(CustomerDetail.From(result.Value!)) : ProblemResults.From(result.Error!);
        }).RequireAuthorization(Policies.CustomerMaintenance);
    }
}

/// <summary>Customer queries shared by the API and the pages.</summary>
public static class CustomerQueries
{
    public static async Task<CustomerPage> ListAsync(PostLoanDbContext db, string? search, int page, int pageSize, CancellationToken ct)
    {
        var query = db.Customers.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(search))
        {
            var term = search.Trim();
            query = query.Where(c => c.Name.Contains(term) || c.Code.Contains(term));
        }

        page = Math.Max(1, page);
        pageSize = Math.Clamp(pageSize, 1, 200);
        var total = await query.CountAsync(ct);
        var rows = await query.OrderBy(c => c.Code).Skip((page - 1) * pageSize).Take(pageSize)
            .Select(c => new { c.Id, c.Code, c.Name, c.Kind, c.IdNumber, c.Industry, c.Region, c.ContactPhone, c.Rating, c.OrganisationId })
            .ToListAsync(ct);
        var items = rows.Select(c => new CustomerListItem(
            c.Id, c.Code, c.Name, c.Kind, Masking.IdNumber(c.IdNumber), c.Industry, c.Region, Masking.Phone(c.ContactPhone), c.Rating, c.OrganisationId)).ToList();
        return new CustomerPage(total, page, pageSize, items);
    }
}

/// <summary>A page of customers; identifiers masked.</summary>
public sealed record CustomerPage(int Total, int Page, int PageSize, IReadOnlyList<CustomerListItem> Items);

/// <summary>A customer in a list: ID number and phone masked.</summary>
public sealed record CustomerListItem(int Id, string Code, string Name, CustomerKind Kind, string IdNumberMasked, string? Industry, string? Region, string ContactPhoneMasked, string? Rating, int OrganisationId);

/// <summary>One customer as a user in scope sees it.</summary>
public sealed record CustomerDetail(int Id, string Code, string Name, CustomerKind Kind, string IdNumber, string? Industry, string? Region, string? ContactName, string? ContactPhone, string? Address, string? Rating, int OrganisationId, string? AccountManagerId)
{
    public static CustomerDetail From(Customer c) =>
        new(c.Id, c.Code, c.Name, c.Kind, c.IdNumber, c.Industry, c.Region, c.ContactName, c.ContactPhone, c.Address, c.Rating, c.OrganisationId, c.AccountManagerId);
}
