using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using PostLoan.Infrastructure.Ledger.Import;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Cli;

/// <summary><c>./postloan import customers FILE</c>: all or nothing; prints every bad row and exits 2.</summary>
public static class ImportCommand
{
    public static Command Build()
    {
        var command = new Command("import", "Import from the core system (CSV, .xlsx or JSON; all or nothing)");
        var file = new Argument<FileInfo>("file") { Description = "File to import (.csv, .xlsx, .json)" };
        var customers = new Command("customers", "Import customers (columns: see samples/customers.csv)") { file };
        customers.SetAction(async (result, cancellationToken) =>
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
            var imported = await scope.ServiceProvider.GetRequiredService<CustomerImporter>().ImportAsync(rows, path.Name, cancellationToken);
            return Report(imported, "customers");
        });
        command.Subcommands.Add(customers);

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

    /// <summary>Prints the outcome; exit code 0 when written, 2 when refused.</summary>
    public static int Report(ImportResult result, string what)
    {
        if (result.Succeeded)
        {
            Console.WriteLine($"Imported {result.Written} {what}.");
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
