using BenchmarkDotNet.Running;

namespace ReportService.Benchmarks;

internal static class Program
{
    /// <summary>dotnet run -c Release --project bench/ReportService.Benchmarks -- --filter '*'</summary>
    private static void Main(string[] args) =>
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, BenchConfig.Create());
}
