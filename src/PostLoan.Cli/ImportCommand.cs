using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using PostLoan.Infrastructure.Ledger.Import;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Cli;

/// <summary>
/// <c>./postloan import customers FILE</c>, <c>./postloan calendar import FILE</c>, <c>./postloan import template</c>:
/// all or nothing; a refused file prints every bad row and exits 2.
/// </summary>
public static class ImportCommand
{
    public static Command Build()
    {
        var command = new Command("import", "Import from the core system (CSV, .xlsx or JSON; all or nothing)");
        command.Subcommands.Add(FileImport("customers", "Import customers (columns: see samples/customers.csv)",
            (services, rows, source, ct) => services.GetRequiredService<CustomerImporter>().ImportAsync(rows, source, ct)));

        var kind = new Argument<string>("kind") { Description = "customers" };
        var output = new Option<FileInfo>("--out") { Description = "File to write (.csv, .xlsx or .json)", Required = true };
        var template = new Command("template", "Write an example import file with valid rows") { kind, output };
        template.SetAction(result =>
        {
            if (result.GetValue(kind) != "customers")
            {
                Console.Error.WriteLine("kind: only 'customers' has a template so far");
                return 2;
            }

            var target = result.GetValue(output)!;
            ImportTemplates.WriteCustomers(target.FullName);
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

    /// <summary>A command that reads FILE, migrates the database and hands the rows to an importer, as the system user.</summary>
    public static Command FileImport(string name, string description, Func<IServiceProvider, IReadOnlyList<ImportRow>, string, CancellationToken, Task<ImportResult>> import)
    {
        var file = new Argument<FileInfo>("file") { Description = "File to import (.csv, .xlsx, .json)" };
        var command = new Command(name, description) { file };
        command.SetAction(async (result, cancellationToken) =>
        {
            var path = result.GetValue(file)!;
            if (!path.Exists)
            {
                Console.Error.WriteLine($"file: {path.FullName} does not exist");
                return 2;
            }

            IReadOnlyList<ImportRow> rows;
            try
            {
                await using var stream = path.OpenRead();
                rows = TabularFile.Read(stream, TabularFile.FormatOf(path.Name));
            }
            catch (Exception ex) when (ex is FormatException or System.Text.Json.JsonException or InvalidDataException or InvalidOperationException)
            {
                Console.Error.WriteLine(ex.Message);
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
