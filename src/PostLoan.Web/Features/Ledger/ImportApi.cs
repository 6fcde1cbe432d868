using Microsoft.AspNetCore.Http.HttpResults;
using PostLoan.Domain.Common;
using PostLoan.Infrastructure.Ledger.Import;
using PostLoan.Web.Common;

namespace PostLoan.Web.Features.Ledger;

/// <summary>File imports from the core system (CSV, Excel, JSON): all or nothing, every bad row reported.</summary>
public static class ImportApi
{
    /// <summary>Largest file accepted.</summary>
    public const long MaxFileBytes = 50L * 1024 * 1024;

    public static void MapImportApi(this RouteGroupBuilder api)
    {
        var imports = api.MapGroup("/imports").WithTags("Imports").RequireAuthorization(Policies.DataEntry).DisableAntiforgery();
        imports.MapPost("/customers", async Task<Results<Ok<ImportResponse>, ProblemHttpResult>> (IFormFile file, CustomerImporter importer, CancellationToken ct) =>
        {
            var read = Read(file);
            if (read.Error is { } error)
            {
                return ProblemResults.From(error);
            }

            var result = await importer.ImportAsync(read.Value!, file.FileName, ct);
            return ToResponse(result);
        });
        // Loans with generated schedules, or their existing ones: JSON rows with "schedule", or a second form file "schedules".
        imports.MapPost("/loans", async Task<Results<Ok<ImportResponse>, ProblemHttpResult>> (IFormFile file, HttpRequest request, LoanImporter importer, CancellationToken ct) =>
        {
            var read = Read(file);
            if (read.Error is { } error)
            {
                return ProblemResults.From(error);
            }

            IReadOnlyList<ImportRow>? schedules = null;
            if (request.Form.Files.GetFile("schedules") is { } scheduleFile)
            {
                var scheduleRead = Read(scheduleFile);
                if (scheduleRead.Error is { } scheduleError)
                {
                    return ProblemResults.From(scheduleError);
                }

                schedules = scheduleRead.Value;
            }

            return ToResponse(await importer.ImportAsync(read.Value!, file.FileName, schedules, ct));
        });
        imports.MapPost("/repayments", async Task<Results<Ok<ImportResponse>, ProblemHttpResult>> (IFormFile file, RepaymentImporter importer, CancellationToken ct) =>
        {
            var read = Read(file);
            if (read.Error is { } error)
            {
                return ProblemResults.From(error);
            }

            return ToResponse(await importer.ImportAsync(read.Value!, file.FileName, ct));
        });
        // An auto-debit result file (批量扣款结果): successful debits posted, failed ones returned in "failed".
        imports.MapPost("/auto-debit", async Task<Results<Ok<AutoDebitResponse>, ProblemHttpResult>> (IFormFile file, RepaymentImporter importer, CancellationToken ct) =>
        {
            var read = Read(file);
            if (read.Error is { } error)
            {
                return ProblemResults.From(error);
            }

            var result = await importer.ImportAutoDebitAsync(read.Value!, file.FileName, ct);
            return result.Succeeded
                ? TypedResults.Ok(new AutoDebitResponse(result.Written, [], result.Failed))
                : Rejected(result.Import);
        });
    }

    /// <summary>Parses an uploaded file; a file that cannot be read is one problem naming the file.</summary>
    public static Result<IReadOnlyList<ImportRow>> Read(IFormFile file)
    {
        if (file.Length == 0 || file.Length > MaxFileBytes)
        {
            return Error.Validation("import.file", "file: empty or larger than 50 MB");
        }

        try
        {
            using var stream = file.OpenReadStream();
            return Result<IReadOnlyList<ImportRow>>.Ok(TabularFile.Read(stream, TabularFile.FormatOf(file.FileName)));
        }
        catch (Exception ex) when (ex is FormatException or System.Text.Json.JsonException or InvalidDataException or InvalidOperationException)
        {
            return Error.Validation("import.unreadable", ex.Message);
        }
    }

    public static Results<Ok<ImportResponse>, ProblemHttpResult> ToResponse(ImportResult result) => result.Succeeded
        ? TypedResults.Ok(new ImportResponse(result.Written, []))
        : Rejected(result);

    /// <summary>400 with every issue in <c>issues</c>.</summary>
    public static ProblemHttpResult Rejected(ImportResult result) => TypedResults.Problem(
            title: "import.rejected",
            detail: $"{result.Issues.Count} problem(s); nothing was written. First: {result.Issues[0]}",
            statusCode: StatusCodes.Status400BadRequest,
            extensions: new Dictionary<string, object?> { ["issues"] = result.Issues });
}

/// <summary>Rows written by an import, or the issues that stopped it.</summary>
public sealed record ImportResponse(int Written, IReadOnlyList<ImportIssue> Issues);

/// <summary>Debits posted from an auto-debit result file, and the failed debits it listed (not posted).</summary>
public sealed record AutoDebitResponse(int Written, IReadOnlyList<ImportIssue> Issues, IReadOnlyList<AutoDebitFailure> Failed);
