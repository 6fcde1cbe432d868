using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Infrastructure.Risk.Reports;

namespace PostLoan.Cli;

/// <summary>
/// <c>./postloan migration --from YYYY-MM --to YYYY-MM [--kind category|dpd] [--measure count|balance]</c>: the
/// migration matrix (迁徙矩阵) between two month-ends as CSV on stdout (<see cref="RiskReportExports.MatrixCsv"/>).
/// Bad input: a message on stderr and exit code 2.
/// </summary>
public static class MigrationCommand
{
    public static Command Build()
    {
        var from = new Option<string?>("--from") { Description = "From month-end, YYYY-MM" };
        var to = new Option<string?>("--to") { Description = "To month-end, YYYY-MM (later than --from)" };
        var kind = new Option<string?>("--kind") { Description = "category (five-level, default) or dpd (M0…M4+)" };
        var measure = new Option<string?>("--measure") { Description = "count (default), balance (principal at --from) or percent (row %)" };
        var command = new Command("migration", "Migration matrix between two month-ends as CSV (header: to-states; one row per from-state)")
        {
            from, to, kind, measure,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var parsedKind = MigrationMatrices.ParseKind(result.GetValue(kind));
            if (!parsedKind.IsSuccess)
            {
                return Fail(parsedKind.Error!);
            }

            var parsedMeasure = RiskReportExports.ParseMeasure(result.GetValue(measure));
            if (!parsedMeasure.IsSuccess)
            {
                return Fail(parsedMeasure.Error!);
            }

            if (result.GetValue(from) is null || result.GetValue(to) is null)
            {
                return Fail(PostLoan.Domain.Common.Error.Validation(result.GetValue(from) is null ? "from" : "to", "is required (YYYY-MM)"));
            }

            await using var services = CliServices.Build();
            await using var scope = services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken);
            var matrix = await scope.ServiceProvider.GetRequiredService<MigrationMatrices>()
                .ComputeAsync(result.GetValue(from), result.GetValue(to), parsedKind.Value, null, cancellationToken);
            if (!matrix.IsSuccess)
            {
                return Fail(matrix.Error!);
            }

            await Console.Out.WriteAsync(RiskReportExports.MatrixCsv(matrix.Value!, parsedMeasure.Value).AsMemory(), cancellationToken);
            return 0;
        });
        return command;
    }

    /// <summary>Prints <c>--field: message</c> on stderr; exit code 2.</summary>
    private static int Fail(PostLoan.Domain.Common.Error error) => EodCommand.Fail(error with { Code = "--" + error.Code });
}
