using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using ReportService.TestSupport;

namespace ReportService.Api.Tests;

/// <summary>
/// Listeners of activity sources and meters are process-wide: these tests run alone, after the parallel ones, so
/// that no other test's service listens to the sources and meters they look at.
/// </summary>
[CollectionDefinition(nameof(TelemetryListenersTests), DisableParallelization = true)]
public sealed class TelemetryListenersCollection;

/// <summary>
/// What the service's OpenTelemetry providers listen to. No span is started when nothing takes it (no OTLP
/// endpoint, no processor): an unexported span would cost every request, HttpClient call and SQL command its
/// allocations (ADR 2). A source without listeners starts nothing; an instrument nobody reads is not enabled.
/// </summary>
[Collection(nameof(TelemetryListenersTests))]
public sealed class TelemetryListenersTests(ServiceFactory factory) : IClassFixture<ServiceFactory>
{
    private static readonly string[] Sources = ["Microsoft.AspNetCore", "System.Net.Http", "Npgsql", "ReportService"];

    /// <summary>Whether anything in the process listens to the named source (a new source is matched against every listener).</summary>
    private static bool Listened(string name)
    {
        using var source = new ActivitySource(name);
        return source.HasListeners();
    }

    private static readonly string[] Meters =
    [
        "ReportService", "Npgsql", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.RateLimiting", "System.Net.Http", "System.Runtime",
    ];

    /// <summary>Whether anything in the process collects the named meter's instruments (a new instrument is offered to every listener).</summary>
    private static bool Collected(string name)
    {
        using var meter = new Meter(name);
        return meter.CreateCounter<long>("reportservice.test.probe").Enabled;
    }

    private sealed class Collector : BaseProcessor<Activity>;

    [Fact]
    public async Task Without_exporter_or_processor_no_source_is_listened_to()
    {
        var client = factory.CreateClient();
        var report = ReportGenerator.Generate(new Random(41), "2021", 2023, ReportGenerator.MakeCreditCode("141122", new Random(41)));

        Assert.Equal(System.Net.HttpStatusCode.Created, (await client.SubmitAsync(report)).StatusCode);
        Assert.All(Sources, name => Assert.False(Listened(name), name));
    }

    [Fact]
    public async Task A_registered_processor_turns_the_sources_on()
    {
        await using var traced = factory.WithWebHostBuilder(builder =>
            builder.ConfigureServices(services => services.AddSingleton<BaseProcessor<Activity>>(new Collector())));
        var report = ReportGenerator.Generate(new Random(43), "2021", 2023, ReportGenerator.MakeCreditCode("141122", new Random(43)));
        Assert.Equal(System.Net.HttpStatusCode.Created, (await traced.CreateClient().SubmitAsync(report)).StatusCode);

        Assert.All(Sources, name => Assert.True(Listened(name), name));
    }

    /// <summary>A reader that takes what is collected and drops it: enough for the SDK to enable the instruments.</summary>
    private sealed class DroppingExporter : BaseExporter<Metric>
    {
        public override ExportResult Export(in Batch<Metric> batch) => ExportResult.Success;
    }

    [Fact]
    public void The_service_and_framework_meters_are_collected_once_a_reader_takes_them()
    {
        _ = factory.CreateClient();
        Assert.All(Meters, name => Assert.False(Collected(name), name));

        using var read = factory.WithWebHostBuilder(builder => builder.ConfigureServices(services =>
            services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddReader(new BaseExportingMetricReader(new DroppingExporter())))));
        _ = read.CreateClient();

        Assert.All(Meters, name => Assert.True(Collected(name), name));
    }
}
