using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PostLoan.Infrastructure.Ledger.Close;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Infrastructure.Risk.Ecl;

namespace PostLoan.Cli;

/// <summary>
/// <c>./postloan bench ecl --loans N</c>: on the synthetic book, closes the month-end (2026-06-30), gives the book a
/// history and a spread of stages (a 2026-05-31 month-end derived from it, one loan in 50 at 45 days past due — stage 2
/// with a lifetime projection —, one in 97 non-performing, half of them 45 days late a month earlier), then times one month-end ECL run end to end: PD calibration
/// from the two month-ends, reading every loan, the lifetime cash-flow projection and writing every result.
/// </summary>
internal static class EclBench
{
    public static async Task<int> RunAsync(IServiceProvider services, int count, DateOnly monthEnd, CancellationToken cancellationToken)
    {
        await using (var scope = services.CreateAsyncScope())
        {
            var close = await scope.ServiceProvider.GetRequiredService<DailyClose>().RunAsync(monthEnd, cancellationToken: cancellationToken);
            if (!close.IsSuccess)
            {
                Console.Error.WriteLine(close.Error!.Message);
                return 1;
            }

            var db = scope.ServiceProvider.GetRequiredService<PostLoanDbContext>();
            var previous = monthEnd.AddDays(-monthEnd.Day);
            await db.Database.ExecuteSqlRawAsync("""
                UPDATE loan_snapshots SET "DaysPastDue" = 45, "Category" = 2, "Stage" = 2 WHERE "Date" = {0} AND "LoanId" % 50 = 0;
                UPDATE loan_snapshots SET "DaysPastDue" = 120, "Category" = 3, "Stage" = 3 WHERE "Date" = {0} AND "LoanId" % 97 = 0;
                """, monthEnd);
            var columns = PositionColumns.List();
            var select = string.Join(", ", PositionColumns.All.Select(c => c.Name switch
            {
                "Date" or "ClosedThrough" => "{0}",
                // A month earlier: half the defaulted loans were 45 days late and half current, the 45-day ones 15 days
                // late, the rest a month less late (31 → 1); PD is measured on those transitions.
                "DaysPastDue" => "CASE WHEN \"LoanId\" % 97 = 0 THEN (CASE WHEN \"LoanId\" % 2 = 0 THEN 45 ELSE 0 END) WHEN \"LoanId\" % 7 = 0 THEN 0 " +
                    "WHEN \"LoanId\" % 50 = 0 THEN 15 WHEN \"DaysPastDue\" > 30 THEN \"DaysPastDue\" - 30 ELSE \"DaysPastDue\" END",
                "Category" => "CASE WHEN \"LoanId\" % 97 = 0 AND \"LoanId\" % 2 = 0 THEN 2 WHEN \"LoanId\" % 97 = 0 OR \"LoanId\" % 50 = 0 THEN 1 ELSE \"Category\" END",
                "Stage" => "CASE WHEN \"LoanId\" % 97 = 0 AND \"LoanId\" % 2 = 0 THEN 2 WHEN \"LoanId\" % 97 = 0 OR \"LoanId\" % 50 = 0 THEN 1 ELSE \"Stage\" END",
                _ => BulkWriter.Quote(c.Name),
            }));
#pragma warning disable EF1003 // the SQL is built from the fixed column list, values are parameters
            await db.Database.ExecuteSqlRawAsync(
                "INSERT INTO loan_snapshots (" + columns + ") SELECT " + select + " FROM loan_snapshots WHERE \"Date\" = {1}", previous, monthEnd);
#pragma warning restore EF1003
        }

        await BenchSettle.RunAsync(services, cancellationToken);
        GC.Collect();
        var watch = Stopwatch.StartNew();
        EclSummary summary;
        await using (var scope = services.CreateAsyncScope())
        {
            var run = await scope.ServiceProvider.GetRequiredService<EclEngine>().RunAsync(monthEnd.ToString("yyyy-MM", CultureInfo.InvariantCulture), cancellationToken);
            if (!run.IsSuccess)
            {
                Console.Error.WriteLine(run.Error!.Message);
                return 1;
            }

            summary = run.Value!;
        }

        var seconds = watch.Elapsed.TotalSeconds;
        var peakMb = Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ECL {summary.Month}: {summary.Loans} loans, EAD {summary.Exposure:#,0.00}, ECL {summary.Ecl:#,0.00} (stage 1 {summary.Stage1:#,0.00}, stage 2 {summary.Stage2:#,0.00}, stage 3 {summary.Stage3:#,0.00}), {summary.Transitions} transitions calibrated; peak memory {peakMb:0} MB."));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"loans\":{summary.Loans},\"seconds\":{seconds:0.00},\"loansPerSecond\":{summary.Loans / seconds:0}}}"));
        return 0;
    }
}
