using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/PostLoan.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(PostLoan.Benchmarks.DailyCloseKernelBenchmark).Assembly).Run(args);
