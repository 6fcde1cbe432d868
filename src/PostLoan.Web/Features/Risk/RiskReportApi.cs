using Microsoft.AspNetCore.Http.HttpResults;
using PostLoan.Domain.Common;
using PostLoan.Infrastructure.Risk.Reports;
using PostLoan.Web.Common;

namespace PostLoan.Web.Features.Risk;

/// <summary>
/// Risk reports (风险报表): migration matrices (迁徙矩阵) and the provisioning report (拨备报表), as JSON and as Excel
/// workbooks. Risk managers, administrators and auditors; figures cover only loans in the caller's data scope, and an
/// organisation filter outside the scope is refused (403, audited).
/// </summary>
public static class RiskReportApi
{
    private const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    /// <summary>Query of <c>/api/risk/migration</c>: months yyyy-MM, kind category|dpd, optional filters.</summary>
    public sealed record MigrationQuery(string? From, string? To, string? Kind, int? OrganisationId, int? ProductId, string? Industry);

    /// <summary>Query of <c>/api/risk/provisioning</c>: month yyyy-MM, by organisation|product, optional filters.</summary>
    public sealed record ProvisioningQuery(string? Month, string? By, int? OrganisationId, int? ProductId, string? Industry);

    public static void MapRiskReportApi(this RouteGroupBuilder api)
    {
        var risk = api.MapGroup("/risk").WithTags("Risk reports").RequireAuthorization(Policies.Risk);

        risk.MapGet("/migration", async Task<Results<Ok<MigrationMatrix>, ProblemHttpResult>> ([AsParameters] MigrationQuery query, MigrationMatrices matrices, CancellationToken ct) =>
        {
            var matrix = await MigrationAsync(query, matrices, ct);
            return matrix.IsSuccess ? TypedResults.Ok(matrix.Value!) : ProblemResults.From(matrix.Error!);
        });

        risk.MapGet("/migration.xlsx", async Task<Results<FileContentHttpResult, ProblemHttpResult>> ([AsParameters] MigrationQuery query, MigrationMatrices matrices, CancellationToken ct) =>
        {
            var matrix = await MigrationAsync(query, matrices, ct);
            return matrix.IsSuccess
                ? TypedResults.File(RiskReportExports.MatrixWorkbook(matrix.Value!), Xlsx, $"migration-{matrix.Value!.Kind.ToString().ToLowerInvariant()}-{matrix.Value.From}-{matrix.Value.To}.xlsx")
                : ProblemResults.From(matrix.Error!);
        });

        risk.MapGet("/provisioning", async Task<Results<Ok<ProvisioningReportResult>, ProblemHttpResult>> ([AsParameters] ProvisioningQuery query, ProvisioningReport report, CancellationToken ct) =>
        {
            var result = await ProvisioningAsync(query, report, ct);
            return result.IsSuccess ? TypedResults.Ok(result.Value!) : ProblemResults.From(result.Error!);
        });

        risk.MapGet("/provisioning.xlsx", async Task<Results<FileContentHttpResult, ProblemHttpResult>> ([AsParameters] ProvisioningQuery query, ProvisioningReport report, CancellationToken ct) =>
        {
            var result = await ProvisioningAsync(query, report, ct);
            return result.IsSuccess
                ? TypedResults.File(RiskReportExports.ProvisioningWorkbook(result.Value!), Xlsx, $"provisioning-{result.Value!.By.ToString().ToLowerInvariant()}-{result.Value.Month}.xlsx")
                : ProblemResults.From(result.Error!);
        });
    }

    private static async Task<Result<MigrationMatrix>> MigrationAsync(MigrationQuery query, MigrationMatrices matrices, CancellationToken ct)
    {
        var kind = MigrationMatrices.ParseKind(query.Kind);
        return kind.IsSuccess
            ? await matrices.ComputeAsync(query.From, query.To, kind.Value, new ReportFilter(query.OrganisationId, query.ProductId, query.Industry), ct)
            : kind.Error!;
    }

    private static async Task<Result<ProvisioningReportResult>> ProvisioningAsync(ProvisioningQuery query, ProvisioningReport report, CancellationToken ct)
    {
        var by = ProvisioningReport.ParseGrouping(query.By);
        return by.IsSuccess
            ? await report.ComputeAsync(query.Month, by.Value, new ReportFilter(query.OrganisationId, query.ProductId, query.Industry), ct)
            : by.Error!;
    }
}
