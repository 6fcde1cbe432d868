using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using PostLoan.Infrastructure.Persistence;
using PostLoan.Infrastructure.Risk.Ecl;

namespace PostLoan.Cli;

/// <summary><c>./postloan ecl --month YYYY-MM</c>: the month-end IFRS 9 expected credit loss run (月末减值计提).</summary>
public static class RiskCommand
{
    public static Command Ecl()
    {
        var month = new Option<string>("--month") { Description = "Month to provision, YYYY-MM (its last day must be closed)", Required = true };
        var command = new Command("ecl", "Month-end IFRS 9 expected credit loss for every open loan; rerunning a month replaces it") { month };
        command.SetAction(async (result, cancellationToken) =>
        {
            await using var services = CliServices.Build();
            await using (var setup = services.CreateAsyncScope())
            {
                await setup.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken);
            }

            await using var scope = services.CreateAsyncScope();
            var run = await scope.ServiceProvider.GetRequiredService<EclEngine>().RunAsync(result.GetValue(month)!, cancellationToken);
            if (!run.IsSuccess)
            {
                Console.Error.WriteLine($"--month: {run.Error!.Message}");
                return 2;
            }

            var s = run.Value!;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
                ECL {s.Month} (as of {s.AsOf:yyyy-MM-dd}): {s.Loans} loans, EAD {s.Exposure:#,0.00}
                  stage 1 {s.Stage1,18:#,0.00}
                  stage 2 {s.Stage2,18:#,0.00}
                  stage 3 {s.Stage3,18:#,0.00}
                  total   {s.Ecl,18:#,0.00}
                PD calibrated on {s.Transitions} month-to-month transitions; {s.Elapsed.TotalSeconds:0.0} s.
                """));
            return 0;
        });
        return command;
    }
}
