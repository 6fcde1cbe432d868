using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using PostLoan.Infrastructure.Ledger.Import;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Cli;

/// <summary>
/// <c>./postloan import customers|loans|repayments|auto-debit FILE</c>, <c>./postloan calendar import FILE</c>,
/// <c>./postloan import template KIND --out FILE</c>: all or nothing; a refused file prints every bad row and exits 2.
/// </summary>
public static class ImportCommand
{
    public static Command Build()
    {
        var command = new Command("import", "Import from the core system (CSV, .xlsx or JSON; all or nothing)");
        command.Subcommands.Add(FileImport("customers", "Import customers (columns: see samples/customers.csv)",
            (services, rows, source, ct) => services.GetRequiredService<CustomerImporter>().ImportAsync(rows, source, ct)));
        command.Subcommands.Add(Loans());
        command.Subcommands.Add(FileImport("repayments", "Post repayments (columns: loanCode, valueDate, amount, kind, mode, reference; see samples/repayments.csv)",
            (services, rows, source, ct) => services.GetRequiredService<RepaymentImporter>().ImportAsync(rows, source, ct)));
        command.Subcommands.Add(AutoDebit());

        var kind = new Argument<string>("kind") { Description = "customers, loans, loan-schedules, repayments or auto-debit" };
        var output = new Option<FileInfo>("--out") { Description = "File to write (.csv, .xlsx or .json)", Required = true };
        var template = new Command("template", "Write an example import file with valid rows") { kind, output };
        template.SetAction(result =>
        {
            var target = result.GetValue(output)!;
            (IReadOnlyList<string> Columns, IReadOnlyList<string?[]> Rows)? template = result.GetValue(kind) switch
            {
                "customers" => (ImportTemplates.CustomerColumns, ImportTemplates.CustomerExamples),
                "loans" => (LoanImporter.TemplateColumns, LoanImporter.TemplateExamples),
                "loan-schedules" => (LoanImporter.ScheduleColumns, LoanImporter.ScheduleExamples),
                "repayments" => (RepaymentImporter.TemplateColumns, RepaymentImporter.TemplateExamples),
                "auto-debit" => (RepaymentImporter.AutoDebitColumns, RepaymentImporter.AutoDebitExamples),
                _ => null,
            };
            if (template is not { } chosen)
            {
                Console.Error.WriteLine("kind: one of customers, loans, loan-schedules, repayments, auto-debit");
                return 2;
            }

            try
            {
                ImportTemplates.Write(target.FullName, chosen.Columns, chosen.Rows);
            }
            catch (FormatException ex)
            {
                Console.Error.WriteLine(ex.Message);
                return 2;
            }

            Console.WriteLine($"Wrote {target.FullName}");
            return 0;
        });
        command.Subcommands.Add(template);
        return command;
    }

    public static Command Calendar()
    {
        var command = new Command("calendar", "The working-day calendar (holidays and make-up working days)");
        command.Subcommands.Add(FileImport("import", "Replace the calendar of the years in FILE (columns: date, kind holiday|workday, name; see samples/calendar-2026.csv)",
            (services, rows, source, ct) => services.GetRequiredService<CalendarImporter>().ImportAsync(rows, source, ct)));
        return command;
    }

    /// <summary><c>import loans FILE [--schedules FILE]</c>: loans with generated schedules, or their existing ones.</summary>
    private static Command Loans()
    {
        var file = new Argument<FileInfo>("file") { Description = "Loans to import (.csv, .xlsx, .json; JSON rows may carry \"schedule\":[{period,dueDate,principal,interest}])" };
        var schedules = new Option<FileInfo>("--schedules") { Description = "Existing schedules (columns: loanCode, period, dueDate, principal, interest; see samples/loan-schedules.csv)" };
        var command = new Command("loans", "Import loans (columns: see samples/loans.csv); schedules are generated unless given") { file, schedules };
        command.SetAction(async (result, cancellationToken) =>
        {
            if (await ReadAsync(result.GetValue(file)!) is not { } rows)
            {
                return 2;
            }

            IReadOnlyList<ImportRow>? scheduleRows = null;
            if (result.GetValue(schedules) is { } schedulePath && (scheduleRows = await ReadAsync(schedulePath)) is null)
            {
                return 2;
            }

            await using var services = CliServices.Build();
            await using var scope = services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken);
            return Report(await scope.ServiceProvider.GetRequiredService<LoanImporter>().ImportAsync(rows, result.GetValue(file)!.Name, scheduleRows, cancellationToken));
        });
        return command;
    }

    /// <summary><c>import auto-debit FILE</c>: a bank's batch debit result file; successful lines are posted, failed ones listed.</summary>
    private static Command AutoDebit()
    {
        var file = new Argument<FileInfo>("file") { Description = "Auto-debit result file (columns: loanCode, valueDate, amount, result, reference, failureReason)" };
        var command = new Command("auto-debit", "Post an auto-debit result file (批量扣款结果); failed debits are listed, not posted") { file };
        command.SetAction(async (result, cancellationToken) =>
        {
            if (await ReadAsync(result.GetValue(file)!) is not { } rows)
            {
                return 2;
            }

            await using var services = CliServices.Build();
            await using var scope = services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken);
            var outcome = await scope.ServiceProvider.GetRequiredService<RepaymentImporter>().ImportAutoDebitAsync(rows, result.GetValue(file)!.Name, cancellationToken);
            var code = Report(outcome.Import);
            if (outcome.Succeeded && outcome.Failed.Count > 0)
            {
                Console.WriteLine($"{outcome.Failed.Count} failed debit(s), not posted:");
                foreach (var failed in outcome.Failed)
                {
                    Console.WriteLine($"  row {failed.Row.ToString(System.Globalization.CultureInfo.InvariantCulture)}, {failed.LoanCode} {failed.ValueDate} {failed.Amount} {failed.Reference}: {failed.FailureReason}");
                }
            }

            return code;
        });
        return command;
    }

    /// <summary>Reads an import file; null (after printing why) when it is missing or unreadable.</summary>
    private static async Task<IReadOnlyList<ImportRow>?> ReadAsync(FileInfo path)
    {
        if (!path.Exists)
        {
            Console.Error.WriteLine($"file: {path.FullName} does not exist");
            return null;
        }

        try
        {
            await using var stream = path.OpenRead();
            return TabularFile.Read(stream, TabularFile.FormatOf(path.Name));
        }
        catch (Exception ex) when (ex is FormatException or System.Text.Json.JsonException or InvalidDataException or InvalidOperationException)
        {
            Console.Error.WriteLine(ex.Message);
            return null;
        }
    }

    /// <summary>A command that reads FILE, migrates the database and hands the rows to an importer, as the system user.</summary>
    public static Command FileImport(string name, string description, Func<IServiceProvider, IReadOnlyList<ImportRow>, string, CancellationToken, Task<ImportResult>> import)
    {
        var file = new Argument<FileInfo>("file") { Description = "File to import (.csv, .xlsx, .json)" };
        var command = new Command(name, description) { file };
        command.SetAction(async (result, cancellationToken) =>
        {
            var path = result.GetValue(file)!;
            if (await ReadAsync(path) is not { } rows)
            {
                return 2;
            }

            await using var services = CliServices.Build();
            await using var scope = services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken);
            return Report(await import(scope.ServiceProvider, rows, path.Name, cancellationToken));
        });
        return command;
    }

    /// <summary>Prints the outcome; exit code 0 when written, 2 when refused.</summary>
    public static int Report(ImportResult result)
    {
        if (result.Succeeded)
        {
            Console.WriteLine($"Imported {result.Written} rows.");
            return 0;
        }

        Console.Error.WriteLine($"Nothing was imported: {result.Issues.Count} problem(s).");
        foreach (var issue in result.Issues)
        {
            Console.Error.WriteLine($"  {issue}");
        }

        return 2;
    }
}
