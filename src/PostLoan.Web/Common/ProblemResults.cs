using Microsoft.AspNetCore.Http.HttpResults;
using PostLoan.Domain.Common;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Web.Common;

/// <summary>Maps expected failures to RFC 7807 problem details, once for the whole API.</summary>
public static class ProblemResults
{
    public static ProblemHttpResult From(Error error) => TypedResults.Problem(
        detail: error.Message,
        statusCode: error.Kind switch
        {
            ErrorKind.Validation => StatusCodes.Status400BadRequest,
            ErrorKind.NotFound => StatusCodes.Status404NotFound,
            ErrorKind.Conflict => StatusCodes.Status409Conflict,
            ErrorKind.Forbidden => StatusCodes.Status403Forbidden,
        },
        title: error.Code,
        type: "https://postloan.local/problems/" + error.Code);

    /// <summary>403 for a record outside the caller's scope, 404 for one that does not exist.</summary>
    public static ProblemHttpResult From<T>(Access<T> access, string what) => access.Outcome switch
    {
        AccessOutcome.Denied => From(Error.Forbidden("scope.denied", $"{what} is outside your data scope")),
        _ => From(Error.NotFound("not_found", $"{what} does not exist")),
    };
}
