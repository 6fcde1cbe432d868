using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using PostLoan.Domain.Common;
using PostLoan.Infrastructure.Ledger.Close;
using PostLoan.Infrastructure.Ledger.Loans;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Cli;

/// <summary>
/// <c>./postloan eod --date YYYY-MM-DD</c>: the daily close of one business date (or of every date up to it with
/// <c>--through</c>); <c>./postloan eod reopen --date D --reason TEXT</c> reopens the last closed date.
/// </summary>
public static class EodCommand
{
    public static Command Build()
    {
        var date = new Option<string?>("--date") { Description = "Business date to close, YYYY-MM-DD (default: the open business date)" };
        var through = new Option<string?>("--through") { Description = "Close every date from the open business date through this one" };
        var chunk = new Option<int>("--chunk-size") { Description = "Loans per transaction", DefaultValueFactory = _ => DailyClose.DefaultChunkSize };
        var command = new Command("eod", "Daily close (日终): accrual, overdue, DPD, penalty, category floor, IFRS 9 stage, snapshots. Resumable; idempotent.")
        {
            date, through, chunk,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var chunkSize = result.GetValue(chunk);
            if (chunkSize is < 1 or > 1_000_000)
            {
                return Fail("--chunk-size", "must be between 1 and 1000000");
            }

            await using var services = CliServices.Build();
            await using (var setup = services.CreateAsyncScope())
            {
                await setup.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken);
            }

            DateOnly first;
            await using (var scope = services.CreateAsyncScope())
            {
                first = await scope.ServiceProvider.GetRequiredService<LoanServicing>().OpenBusinessDateAsync(cancellationToken);
            }

            DateOnly last;
            if (result.GetValue(through) is { } throughText)
            {
                if (!TryDate(throughText, out last))
                {
                    return Fail("--through", $"'{throughText}' is not a date YYYY-MM-DD");
                }
            }
            else if (result.GetValue(date) is { } dateText)
            {
                if (!TryDate(dateText, out first))
                {
                    return Fail("--date", $"'{dateText}' is not a date YYYY-MM-DD");
                }

                last = first;
            }
            else
            {
                last = first;
            }

            for (var day = first; day <= last; day = day.AddDays(1))
            {
                await using var scope = services.CreateAsyncScope();
                var outcome = await scope.ServiceProvider.GetRequiredService<DailyClose>().RunAsync(day, chunkSize, cancellationToken);
                if (!outcome.IsSuccess)
                {
                    return Fail("--date", outcome.Error!.Message);
                }

                var summary = outcome.Value!;
                Console.WriteLine(summary.AlreadyClosed
                    ? $"{day:yyyy-MM-dd} is already closed ({summary.LoansClosed} loans); nothing changed."
                    : string.Create(CultureInfo.InvariantCulture, $"Closed {day:yyyy-MM-dd}: {summary.LoansClosed} loans in {summary.Chunks} chunks, {summary.Elapsed.TotalSeconds:0.0} s."));
            }

            return 0;
        });
        command.Subcommands.Add(Reopen());
        return command;
    }

    private static Command Reopen()
    {
        var date = new Option<string>("--date") { Description = "The last closed date", Required = true };
        var reason = new Option<string>("--reason") { Description = "Why the date is reopened (audited)", Required = true };
        var command = new Command("reopen", "Reopen the last closed business date (administrators; audited)") { date, reason };
        command.SetAction(async (result, cancellationToken) =>
        {
            if (!TryDate(result.GetValue(date), out var day))
            {
                return Fail("--date", "is not a date YYYY-MM-DD");
            }

            await using var services = CliServices.Build();
            await using var scope = services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken);
            var outcome = await scope.ServiceProvider.GetRequiredService<DailyClose>().ReopenAsync(day, result.GetValue(reason) ?? "", cancellationToken);
            if (!outcome.IsSuccess)
            {
                return Fail("--" + outcome.Error!.Code, outcome.Error.Message);
            }

            Console.WriteLine($"Reopened {day:yyyy-MM-dd}; close it again with ./postloan eod --date {day:yyyy-MM-dd}.");
            return 0;
        });
        return command;
    }

    private static bool TryDate(string? text, out DateOnly date) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    private static int Fail(string field, string message)
    {
        Console.Error.WriteLine($"{field}: {message}");
        return 2;
    }

    /// <summary>Maps a failed result to exit code 2 with its message.</summary>
    public static int Fail(Error error) => Fail(error.Code, error.Message);
}
