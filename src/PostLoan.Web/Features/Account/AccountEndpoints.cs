using System.Security.Claims;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;

namespace PostLoan.Web.Features.Account;

/// <summary>Form endpoints outside Blazor: sign-out and the language switch.</summary>
public static class AccountEndpoints
{
    public static void MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        // A form post with an antiforgery token, from the navigation bar.
        app.MapPost("/account/logout", async (ClaimsPrincipal user, SignInService signIn, [FromForm] string? returnUrl) =>
        {
            await signIn.SignOutAsync(user.FindFirstValue(ClaimTypes.NameIdentifier), user.Identity?.Name);
            return TypedResults.LocalRedirect("/account/login");
        });

        app.MapGet("/culture", (string culture, string? redirectUri, HttpContext context) =>
        {
            if (PostLoanWebApp.Cultures.Any(c => c.Name == culture))
            {
                context.Response.Cookies.Append(
                    CookieRequestCultureProvider.DefaultCookieName,
                    CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
                    new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), IsEssential = true, SameSite = SameSiteMode.Lax });
            }

            return TypedResults.LocalRedirect(redirectUri is { Length: > 0 } && redirectUri.StartsWith('/') && !redirectUri.StartsWith("//", StringComparison.Ordinal) ? redirectUri : "/");
        }).AllowAnonymous();
    }
}
