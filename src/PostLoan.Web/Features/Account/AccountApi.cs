using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using PostLoan.Domain.Administration;
using PostLoan.Infrastructure.Identity;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Web.Common;

namespace PostLoan.Web.Features.Account;

/// <summary>The signed-in user and their API tokens: <c>/api/me</c>, <c>/api/tokens</c>.</summary>
public static class AccountApi
{
    public static void MapAccountApi(this RouteGroupBuilder api)
    {
        api.MapGet("/me", (ClaimsPrincipal user, ICurrentUser current) => TypedResults.Ok(new MeResponse(
            current.UserId,
            current.UserName,
            user.FindFirstValue(PostLoanClaims.DisplayName),
            user.FindAll(ClaimTypes.Role).Select(c => c.Value).ToList(),
            current.Scope.OrganisationPath,
            current.Scope.CustomerId,
            current.Scope.AccountManagerId is not null)));

        var tokens = api.MapGroup("/tokens").WithTags("API tokens");
        tokens.MapGet("/", async (ICurrentUser current, PostLoanDbContext db, CancellationToken ct) =>
            TypedResults.Ok(await db.ApiTokens.Where(t => t.UserId == current.UserId).OrderByDescending(t => t.Id)
                .Select(t => new TokenResponse(t.Id, t.Name, t.Prefix, t.CreatedAt, t.ExpiresAt, t.RevokedAt, t.LastUsedAt))
                .ToListAsync(ct)));

        tokens.MapPost("/", async Task<Results<Created<CreatedTokenResponse>, ProblemHttpResult>> (CreateTokenRequest request, ICurrentUser current, ApiTokenService service, CancellationToken ct) =>
        {
            var result = await service.CreateAsync(current.UserId, request.Name ?? string.Empty, TimeSpan.FromDays(request.ExpiresInDays ?? 90), ct);
            if (!result.IsSuccess)
            {
                return ProblemResults.From(result.Error!);
            }

            var t = result.Value!.Token;
            return TypedResults.Created($"/api/tokens/{t.Id}", new CreatedTokenResponse(t.Id, t.Name, result.Value.Secret, t.ExpiresAt));
        });

        tokens.MapDelete("/{id:int}", async Task<Results<NoContent, ProblemHttpResult>> (int id, ICurrentUser current, ClaimsPrincipal user, ApiTokenService service, CancellationToken ct) =>
        {
            var result = await service.RevokeAsync(id, current.UserId, user.IsInRole(Roles.Administrator), ct);
            return result.IsSuccess ? TypedResults.NoContent() : ProblemResults.From(result.Error!);
        });
    }
}

/// <summary>Who the caller is and what they may see.</summary>
public sealed record MeResponse(string UserId, string? UserName, string? DisplayName, IReadOnlyList<string> Roles, string OrganisationPath, int? CustomerId, bool OwnCustomersOnly);

/// <summary>Request to create an API token; lifetime 1–366 days, default 90.</summary>
public sealed record CreateTokenRequest(string? Name, int? ExpiresInDays);

/// <summary>A token as listed (never with its secret).</summary>
public sealed record TokenResponse(int Id, string Name, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? RevokedAt, DateTimeOffset? LastUsedAt);

/// <summary>A new token with its secret, shown this once.</summary>
public sealed record CreatedTokenResponse(int Id, string Name, string Token, DateTimeOffset ExpiresAt);
