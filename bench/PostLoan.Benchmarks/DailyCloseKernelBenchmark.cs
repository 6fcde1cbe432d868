using BenchmarkDotNet.Attributes;
using PostLoan.Domain.Ledger.Loans;

namespace PostLoan.Benchmarks;

/// <summary>
/// The in-memory part of the daily close: one business day over 100,000 positions (one in twenty in arrears),
/// single-threaded. Divide by the mean to get loans per second per core.
/// </summary>
[MemoryDiagnoser]
public class DailyCloseKernelBenchmark
{
    private const int Loans = 100_000;
    private static readonly DateOnly Date = new(2026, 6, 30);
    private LoanPosition[] _pristine = [];
    private LoanPosition[] _work = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        _pristine = new LoanPosition[Loans];
        for (var i = 0; i < Loans; i++)
        {
            var terms = new LoanTerms(random.Next(10, 300) * 1000m, random.Next(300, 1200) / 10_000m, 12, RepaymentMethod.EqualInstallment, Date.AddDays(-random.Next(1, 360)));
            var account = LoanAccount.Open(i, terms, ServicingRules.Default);
            var arrears = i % 20 == 0;
            for (var day = terms.DisbursementDate; day < Date; day = day.AddDays(1))
            {
                if (!arrears && account.Position.NextDueDate == day)
                {
                    account.Pay(day, account.Position.NextPrincipal + account.Position.NextInterest);
                }

                account.CloseDay(day);
            }

            _pristine[i] = account.Position;
        }

        _work = new LoanPosition[Loans];
    }

    [IterationSetup]
    public void Reset() => Array.Copy(_pristine, _work, Loans);

    [Benchmark(Description = "close one day, 100k loans")]
    public decimal CloseOneDay()
    {
        var accrued = 0m;
        var span = _work.AsSpan();
        for (var i = 0; i < span.Length; i++)
        {
            accrued += DailyCloseKernel.CloseDay(ref span[i], Date, UpcomingInstallment.None).InterestAccrual;
        }

        return accrued;
    }
}
