using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using PostLoan.Domain.Common;
using PostLoan.Domain.Ledger.Loans;

namespace PostLoan.Cli;

/// <summary>
/// The stable command-line contracts other tools call: <c>./postloan schedule</c> (CSV) and
/// <c>./postloan simulate --scenario FILE.json</c> (one JSON object). Bad input exits 2 with a message on stderr.
/// </summary>
public static class LoanToolsCommand
{
    public static Command Schedule()
    {
        var principal = new Option<decimal>("--principal") { Description = "Loan amount in yuan", Required = true };
        var rate = new Option<decimal>("--annual-rate") { Description = "Annual rate as a fraction, 0.0435 for 4.35%", Required = true };
        var term = new Option<int>("--term") { Description = "Term in months", Required = true };
        var method = new Option<string>("--method") { Description = "equal-installment | equal-principal | interest-only | bullet | revolving", Required = true };
        var start = new Option<string>("--start") { Description = "Disbursement date YYYY-MM-DD", Required = true };
        var frequency = new Option<string?>("--interest-frequency") { Description = "monthly | quarterly (interest-only loans)" };
        var command = new Command("schedule", "Print a repayment schedule as CSV: period,due_date,principal,interest,total,balance")
        {
            principal, rate, term, method, start, frequency,
        };
        command.SetAction(result =>
        {
            var terms = ParseTerms(result.GetValue(principal), result.GetValue(rate), result.GetValue(term), result.GetValue(method),
                result.GetValue(start), result.GetValue(frequency), "--");
            if (!terms.IsSuccess)
            {
                return Fail(terms.Error!);
            }

            Console.Out.Write(ScheduleCsv.Write(ScheduleGenerator.Generate(terms.Value!)));
            return 0;
        });
        return command;
    }

    public static Command Simulate()
    {
        var scenario = new Option<FileInfo>("--scenario") { Description = "Scenario JSON: {loan:{…}, payments:[{date, amount}], asOf}", Required = true };
        var command = new Command("simulate", "Run a loan through every daily close to asOf and print its state as JSON") { scenario };
        command.SetAction(result =>
        {
            var file = result.GetValue(scenario)!;
            if (!file.Exists)
            {
                return Fail(Error.Validation("scenario", $"{file.FullName} does not exist"));
            }

            var outcome = RunScenario(File.ReadAllText(file.FullName));
            if (!outcome.IsSuccess)
            {
                return Fail(outcome.Error!);
            }

            Console.Out.WriteLine(outcome.Value);
            return 0;
        });
        return command;
    }

    /// <summary>Parses a scenario, runs it and returns the JSON line to print.</summary>
    public static Result<string> RunScenario(string json)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            return Error.Validation("scenario", $"is not valid JSON: {e.Message}");
        }

        if (root is not JsonObject scenario || scenario["loan"] is not JsonObject loan)
        {
            return Error.Validation("loan", "is required (an object)");
        }

        try
        {
            var terms = ParseTerms(Number(loan, "principal", "loan.principal"), Number(loan, "annualRate", "loan.annualRate"),
                Integer(loan, "termMonths", "loan.termMonths"), Text(loan, "method", "loan.method"), Text(loan, "disbursementDate", "loan.disbursementDate"),
                loan["interestFrequency"] is null ? null : Text(loan, "interestFrequency", "loan.interestFrequency"), "loan.");
            if (!terms.IsSuccess)
            {
                return terms.Error!;
            }

            var rules = new ServicingRules(
                loan["penaltyMarkup"] is null ? 0.5m : Number(loan, "penaltyMarkup", "loan.penaltyMarkup"),
                loan["graceDays"] is null ? 0 : Integer(loan, "graceDays", "loan.graceDays"));
            var payments = new List<ScenarioPayment>();
            if (scenario["payments"] is JsonArray array)
            {
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is not JsonObject payment)
                    {
                        return Error.Validation($"payments[{i}]", "must be an object {date, amount}");
                    }

                    var date = Date(Text(payment, "date", $"payments[{i}].date"), $"payments[{i}].date");
                    if (!date.IsSuccess)
                    {
                        return date.Error!;
                    }

                    payments.Add(new ScenarioPayment(date.Value, Number(payment, "amount", $"payments[{i}].amount")));
                }
            }
            else if (scenario["payments"] is not null)
            {
                return Error.Validation("payments", "must be an array");
            }

            var asOf = Date(Text(scenario, "asOf", "asOf"), "asOf");
            if (!asOf.IsSuccess)
            {
                return asOf.Error!;
            }

            var run = LoanSimulator.Run(terms.Value!, rules, payments, asOf.Value);
            if (!run.IsSuccess)
            {
                return run.Error!;
            }

            var r = run.Value!;
            var output = new JsonObject
            {
                ["asOf"] = r.AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["daysPastDue"] = r.DaysPastDue,
                ["category"] = r.Category.ToString(),
                ["stage"] = (int)r.Stage,
                ["outstandingPrincipal"] = Cents(r.OutstandingPrincipal),
                ["overduePrincipal"] = Cents(r.OverduePrincipal),
                ["overdueInterest"] = Cents(r.OverdueInterest),
                ["penaltyInterest"] = Cents(r.PenaltyInterest),
                ["compoundInterest"] = Cents(r.CompoundInterest),
                ["payoffAmount"] = Cents(r.PayoffAmount),
            };
            return output.ToJsonString();
        }
        catch (ScenarioException e)
        {
            return e.Error;
        }
    }

    private static decimal Cents(decimal amount) => decimal.Parse(Money.RoundCents(amount).ToString("0.00", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private static Result<LoanTerms> ParseTerms(decimal principal, decimal rate, int term, string? method, string? start, string? frequency, string prefix)
    {
        string Field(string name) => prefix == "--" ? "--" + name : prefix + name;
        if (!LoanCodes.TryParseMethod(method, out var parsedMethod))
        {
            return Error.Validation(Field(prefix == "--" ? "method" : "method"), $"'{method}' is not one of equal-installment, equal-principal, interest-only, bullet, revolving");
        }

        if (!LoanCodes.TryParseFrequency(frequency, out var parsedFrequency))
        {
            return Error.Validation(Field(prefix == "--" ? "interest-frequency" : "interestFrequency"), $"'{frequency}' is not monthly or quarterly");
        }

        var date = Date(start, Field(prefix == "--" ? "start" : "disbursementDate"));
        if (!date.IsSuccess)
        {
            return date.Error!;
        }

        if (date.Value.Year is < 1900 or > 2999)
        {
            // Keeps every due date (up to 600 months later) inside the calendar instead of failing with an exception.
            return Error.Validation(Field(prefix == "--" ? "start" : "disbursementDate"), "must be a date between 1900 and 2999");
        }

        var terms = new LoanTerms(principal, rate, term, parsedMethod, date.Value, parsedFrequency);
        if (terms.Validate() is { } invalid)
        {
            var name = prefix == "--"
                ? invalid.Code switch { "annualRate" => "annual-rate", "termMonths" => "term", _ => invalid.Code }
                : invalid.Code;
            return Error.Validation(Field(name), invalid.Message);
        }

        return terms;
    }

    private static Result<DateOnly> Date(string? text, string field) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : Error.Validation(field, $"'{text}' is not a date YYYY-MM-DD");

    private static decimal Number(JsonObject node, string name, string field)
    {
        try
        {
            return node[name] switch
            {
                null => throw new ScenarioException(Error.Validation(field, "is required")),
                JsonValue value when value.TryGetValue<decimal>(out var number) => number,
                JsonValue value when value.TryGetValue<string>(out var text) && decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var parsed) => parsed,
                _ => throw new ScenarioException(Error.Validation(field, "must be a number")),
            };
        }
        catch (InvalidOperationException)
        {
            throw new ScenarioException(Error.Validation(field, "must be a number"));
        }
    }

    private static int Integer(JsonObject node, string name, string field)
    {
        var number = Number(node, name, field);
        return number == decimal.Truncate(number) && number is >= int.MinValue and <= int.MaxValue
            ? (int)number
            : throw new ScenarioException(Error.Validation(field, "must be a whole number"));
    }

    private static string Text(JsonObject node, string name, string field) =>
        node[name] is JsonValue value && value.TryGetValue<string>(out var text)
            ? text
            : throw new ScenarioException(Error.Validation(field, node[name] is null ? "is required" : "must be a string"));

    private static int Fail(Error error)
    {
        Console.Error.WriteLine($"{error.Code}: {error.Message}");
        return 2;
    }

    private sealed class ScenarioException(Error error) : Exception(error.Message)
    {
        public Error Error { get; } = error;
    }
}
