using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Administration;
using PostLoan.Infrastructure.Administration;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Web.Common;

namespace PostLoan.Web.Features.Administration;

/// <summary>Administration API (系统管理): organisations, users, roles, parameters, audit log.</summary>
public static class AdministrationApi
{
    public static void MapAdministrationApi(this RouteGroupBuilder api)
    {
        var organisations = api.MapGroup("/organisations").WithTags("Organisations");
        organisations.MapGet("/", async (PostLoanDbContext db, CancellationToken ct) =>
            TypedResults.Ok(await db.Organisations.OrderBy(o => o.Path)
                .Select(o => new OrganisationResponse(o.Id, o.Code, o.Name, o.Level, o.ParentId, o.Path, o.IsActive)).ToListAsync(ct)));
        organisations.MapPost("/", async Task<Results<Created<OrganisationResponse>, ProblemHttpResult>> (CreateOrganisationRequest request, OrganisationService service, CancellationToken ct) =>
        {
            var result = await service.CreateAsync(request.Code ?? string.Empty, request.Name ?? string.Empty, request.ParentId, ct);
            return result.IsSuccess
                ? TypedResults.Created($"/api/organisations/{result.Value!.Id}", OrganisationResponse.From(result.Value))
                : ProblemResults.From(result.Error!);
        }).RequireAuthorization(Policies.Administration);
        organisations.MapPut("/{id:int}", async Task<Results<Ok<OrganisationResponse>, ProblemHttpResult>> (int id, UpdateOrganisationRequest request, OrganisationService service, CancellationToken ct) =>
        {
            var result = await service.UpdateAsync(id, request.Name ?? string.Empty, request.IsActive ?? true, ct);
            return result.IsSuccess ? TypedResults.Ok(OrganisationResponse.From(result.Value!)) : ProblemResults.From(result.Error!);
        }).RequireAuthorization(Policies.Administration);

        var users = api.MapGroup("/users").WithTags("Users").RequireAuthorization(Policies.Administration);
        users.MapGet("/", async (string? search, UserAdministration service, CancellationToken ct) => TypedResults.Ok(await service.ListAsync(search, ct)));
        users.MapPost("/", async Task<Results<Created<UserSummary>, ProblemHttpResult>> (CreateUserRequest request, UserAdministration service, CancellationToken ct) =>
        {
            var result = await service.CreateAsync(
                new NewUser(request.UserName ?? string.Empty, request.DisplayName ?? string.Empty, request.OrganisationCode ?? string.Empty, request.Roles ?? [], request.CustomerId, request.Password ?? string.Empty), ct);
            if (!result.IsSuccess)
            {
                return ProblemResults.From(result.Error!);
            }

            var summary = (await service.ListAsync(result.Value!.UserName, ct)).First(u => u.Id == result.Value.Id);
            return TypedResults.Created($"/api/users/{summary.Id}", summary);
        });
        users.MapPut("/{id}", async Task<Results<NoContent, ProblemHttpResult>> (string id, UpdateUserRequest request, UserAdministration service, CancellationToken ct) =>
        {
            var result = await service.UpdateAsync(id, new UserChanges(request.DisplayName ?? string.Empty, request.OrganisationCode ?? string.Empty, request.Roles ?? [], request.CustomerId, request.IsActive ?? true), ct);
            return result.IsSuccess ? TypedResults.NoContent() : ProblemResults.From(result.Error!);
        });
        users.MapPost("/{id}/reset-password", async Task<Results<NoContent, ProblemHttpResult>> (string id, ResetPasswordRequest request, UserAdministration service, CancellationToken ct) =>
        {
            var result = await service.ResetPasswordAsync(id, request.NewPassword ?? string.Empty, ct);
            return result.IsSuccess ? TypedResults.NoContent() : ProblemResults.From(result.Error!);
        });
        users.MapPost("/{id}/unlock", async Task<Results<NoContent, ProblemHttpResult>> (string id, UserAdministration service, CancellationToken ct) =>
        {
            var result = await service.UnlockAsync(id, ct);
            return result.IsSuccess ? TypedResults.NoContent() : ProblemResults.From(result.Error!);
        });

        api.MapGet("/roles", async (RoleManager<IdentityRole> roles, CancellationToken ct) =>
            TypedResults.Ok(await roles.Roles.Select(r => r.Name!).ToListAsync(ct))).WithTags("Users");

        var parameters = api.MapGroup("/parameters").WithTags("Parameters");
        parameters.MapGet("/", async (PostLoanDbContext db, CancellationToken ct) =>
            TypedResults.Ok(await db.SystemParameters.OrderBy(p => p.Module).ThenBy(p => p.Key).ToListAsync(ct))).RequireAuthorization(Policies.Staff);
        parameters.MapPut("/{key}", async Task<Results<Ok<SystemParameter>, ProblemHttpResult>> (string key, UpdateParameterRequest request, ParameterService service, CancellationToken ct) =>
        {
            var result = await service.UpdateAsync(key, request.Value ?? string.Empty, ct);
            return result.IsSuccess ? TypedResults.Ok(result.Value!) : ProblemResults.From(result.Error!);
        }).RequireAuthorization(Policies.Administration);

        api.MapGet("/audit", async ([AsParameters] AuditQuery query, PostLoanDbContext db, CancellationToken ct) =>
            TypedResults.Ok(await AuditSearch.SearchAsync(db, query, ct))).WithTags("Audit").RequireAuthorization(Policies.AuditLog);
    }
}

public sealed record OrganisationResponse(int Id, string Code, string Name, OrganisationLevel Level, int? ParentId, string Path, bool IsActive)
{
    public static OrganisationResponse From(Organisation o) => new(o.Id, o.Code, o.Name, o.Level, o.ParentId, o.Path, o.IsActive);
}

public sealed record CreateOrganisationRequest(string? Code, string? Name, int? ParentId);

public sealed record UpdateOrganisationRequest(string? Name, bool? IsActive);

public sealed record CreateUserRequest(string? UserName, string? DisplayName, string? OrganisationCode, string[]? Roles, int? CustomerId, string? Password);

public sealed record UpdateUserRequest(string? DisplayName, string? OrganisationCode, string[]? Roles, int? CustomerId, bool? IsActive);

public sealed record ResetPasswordRequest(string? NewPassword);

public sealed record UpdateParameterRequest(string? Value);
