using System.CommandLine;
using System.Globalization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using PostLoan.Domain.Administration;
using PostLoan.Infrastructure.Administration;
using PostLoan.Infrastructure.Demo;
using PostLoan.Infrastructure.Identity;
using PostLoan.Infrastructure.Persistence;

namespace PostLoan.Cli;

/// <summary>Options of <c>./postloan serve</c>.</summary>
/// <param name="Demo">Seed the demo bank on first start.</param>
/// <param name="Urls">Listen addresses, e.g. <c>http://127.0.0.1:5080</c>.</param>
public sealed record ServeOptions(bool Demo, string? Urls);

/// <summary>
/// The command tree of <c>./postloan</c>. Every command has <c>--help</c>. The web host passes the implementation
/// of <c>serve</c>, so this library does not depend on ASP.NET Core hosting.
/// </summary>
public static class PostLoanCommandLine
{
    public static Task<int> RunAsync(string[] args, Func<ServeOptions, CancellationToken, Task<int>> serve) =>
        Build(serve).Parse(args).InvokeAsync();

    public static RootCommand Build(Func<ServeOptions, CancellationToken, Task<int>> serve)
    {
        var root = new RootCommand("PostLoan 贷后风控平台 — post-loan risk management. Database: Database__Provider (sqlite|postgres), ConnectionStrings__PostLoan.");
        root.Subcommands.Add(ServeCommand(serve));
        root.Subcommands.Add(MigrateCommand());
        root.Subcommands.Add(SeedDemoCommand());
        root.Subcommands.Add(UserCommand());
        root.Subcommands.Add(ImportCommand.Build());
        root.Subcommands.Add(ImportCommand.Calendar());
        root.Subcommands.Add(LoanToolsCommand.Schedule());
        root.Subcommands.Add(LoanToolsCommand.Simulate());
        root.Subcommands.Add(EodCommand.Build());
        root.Subcommands.Add(RiskCommand.Ecl());
        root.Subcommands.Add(MigrationCommand.Build());
        root.Subcommands.Add(BenchCommand.Build());
        return root;
    }

    private static Command ServeCommand(Func<ServeOptions, CancellationToken, Task<int>> serve)
    {
        var demo = new Option<bool>("--demo") { Description = "Seed the demo bank on first start and print the demo logins" };
        var urls = new Option<string?>("--urls") { Description = "Listen addresses (default http://127.0.0.1:5080)" };
        var command = new Command("serve", "Run the web application (migrates the database first)") { demo, urls };
        command.SetAction((result, cancellationToken) => serve(new ServeOptions(result.GetValue(demo), result.GetValue(urls)), cancellationToken));
        return command;
    }

    private static Command MigrateCommand()
    {
        var command = new Command("migrate", "Apply database migrations and reference data");
        command.SetAction(async (_, cancellationToken) =>
        {
            await using var services = CliServices.Build();
            await using var scope = services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken);
            var database = services.GetRequiredService<DatabaseOptions>();
            Console.WriteLine($"Database is up to date ({database.Provider}).");
            return 0;
        });
        return command;
    }

    private static Command SeedDemoCommand()
    {
        var customers = new Option<int>("--customers-per-sub-branch") { Description = "Customers per sub-branch", DefaultValueFactory = _ => 8 };
        var loans = new Option<int>("--loans") { Description = "Demo loans with 24 months of history", DefaultValueFactory = _ => DemoLoanSeeder.DefaultLoans };
        var command = new Command("seed-demo", "Create the demo bank (deterministic): organisations, users of every role, customers, loans with history") { customers, loans };
        command.SetAction(async (result, cancellationToken) =>
        {
            var perSubBranch = result.GetValue(customers);
            if (perSubBranch is < 1 or > 10_000)
            {
                Console.Error.WriteLine("--customers-per-sub-branch: must be between 1 and 10000");
                return 2;
            }

            await using var services = CliServices.Build();
            await using var scope = services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken);
            var loanCount = result.GetValue(loans);
            if (loanCount is < 0 or > 2_000_000)
            {
                Console.Error.WriteLine("--loans: must be between 0 and 2000000");
                return 2;
            }

            var bank = await scope.ServiceProvider.GetRequiredService<DemoBankSeeder>().SeedAsync(perSubBranch, cancellationToken);
            var written = await scope.ServiceProvider.GetRequiredService<DemoLoanSeeder>().SeedAsync(loanCount, cancellationToken);
            await ActivatorUtilities.CreateInstance<DemoCreditSupportSeeder>(scope.ServiceProvider).SeedAsync(cancellationToken);
            await ActivatorUtilities.CreateInstance<DemoRiskSeeder>(scope.ServiceProvider).SeedAsync(cancellationToken);
            await ActivatorUtilities.CreateInstance<DemoRelationSeeder>(scope.ServiceProvider).SeedAsync(cancellationToken);
            if (bank is null)
            {
                Console.WriteLine(written > 0 ? $"The demo bank exists already; added {written} demo loans." : "The demo bank and its loans exist already; nothing was changed.");
                return 0;
            }

            PrintLogins(bank);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Demo loans: {written} with up to 24 months of history; today is the open business date."));
            return 0;
        });
        return command;
    }

    /// <summary>Prints the demo logins as a table.</summary>
    public static void PrintLogins(DemoBank bank)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Demo bank created: 13 organisations, {bank.Logins.Count} users, {bank.Customers} customers."));
        Console.WriteLine($"Every demo user's password: {DemoBankSeeder.DemoPassword}");
        foreach (var login in bank.Logins)
        {
            Console.WriteLine($"  {login.UserName,-16} {login.Role,-17} {login.Organisation}");
        }
    }

    private static Command UserCommand()
    {
        var command = new Command("user", "Manage users");

        var userName = new Option<string>("--user") { Description = "Login name", Required = true };
        var password = new Option<string?>("--password") { Description = "Password (a random one is generated and printed when omitted)" };
        var role = new Option<string>("--role") { Description = "Role: " + string.Join(", ", Roles.All), Required = true };
        var organisation = new Option<string>("--org") { Description = "Organisation code, e.g. HO or BJ01", Required = true };
        var displayName = new Option<string?>("--name") { Description = "Display name" };
        var add = new Command("add", "Create a user") { userName, password, role, organisation, displayName };
        add.SetAction(async (result, cancellationToken) =>
        {
            await using var services = CliServices.Build();
            await using var scope = services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken);
            var users = scope.ServiceProvider.GetRequiredService<UserAdministration>();
            var secret = result.GetValue(password) ?? UserAdministration.GeneratePassword();
            var name = result.GetValue(userName)!;
            var created = await users.CreateAsync(
                new NewUser(name, result.GetValue(displayName) ?? name, result.GetValue(organisation)!, [result.GetValue(role)!], null, secret),
                cancellationToken);
            if (!created.IsSuccess)
            {
                Console.Error.WriteLine(created.Error!.Message);
                return 2;
            }

            Console.WriteLine($"User {name} created.{(result.GetValue(password) is null ? " Password: " + secret : string.Empty)}");
            return 0;
        });

        var resetUser = new Option<string>("--user") { Description = "Login name", Required = true };
        var resetPassword = new Option<string?>("--password") { Description = "New password (generated and printed when omitted)" };
        var reset = new Command("reset-password", "Set a new password and clear a lockout") { resetUser, resetPassword };
        reset.SetAction(async (result, cancellationToken) =>
        {
            await using var services = CliServices.Build();
            await using var scope = services.CreateAsyncScope();
            var users = scope.ServiceProvider.GetRequiredService<UserAdministration>();
            var secret = result.GetValue(resetPassword) ?? UserAdministration.GeneratePassword();
            var name = result.GetValue(resetUser)!;
            var user = await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByNameAsync(name);
            if (user is null)
            {
                Console.Error.WriteLine($"--user: no user named '{name}'");
                return 2;
            }

            var reset = await users.ResetPasswordAsync(user.Id, secret, cancellationToken);
            if (!reset.IsSuccess)
            {
                Console.Error.WriteLine(reset.Error!.Message);
                return 2;
            }

            Console.WriteLine($"Password of {name} reset.{(result.GetValue(resetPassword) is null ? " New password: " + secret : string.Empty)}");
            return 0;
        });

        command.Subcommands.Add(add);
        command.Subcommands.Add(reset);
        return command;
    }
}
