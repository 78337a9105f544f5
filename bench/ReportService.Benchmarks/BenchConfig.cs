using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace ReportService.Benchmarks;

internal static class BenchConfig
{
    /// <summary>
    /// One launch, 5 warm-up and 15 measured iterations: enough to steady the means of microsecond-scale
    /// work on a shared 2-core machine (BenchmarkDotNet's ShortRun, 3 iterations, left the error bars wider
    /// than the differences), while the whole suite still runs in about two minutes.
    /// </summary>
    public static IConfig Create() => DefaultConfig.Instance
        .AddJob(Job.Default
            .WithLaunchCount(1)
            .WithWarmupCount(5)
            .WithIterationCount(15)
            .WithId("Bench"));
}
