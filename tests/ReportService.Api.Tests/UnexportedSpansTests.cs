using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using ReportService.TestSupport;

namespace ReportService.Api.Tests;

/// <summary>
/// Listeners of an ActivitySource are process-wide: these tests run alone, after the parallel ones, so that no
/// other test's service listens to the sources they look at.
/// </summary>
[CollectionDefinition(nameof(UnexportedSpansTests), DisableParallelization = true)]
public sealed class UnexportedSpansCollection;

/// <summary>
/// No span is started when nothing takes it (no OTLP endpoint, no processor): an unexported span would cost every
/// request, HttpClient call and SQL command its allocations (ADR 2). A source without listeners starts nothing.
/// </summary>
[Collection(nameof(UnexportedSpansTests))]
public sealed class UnexportedSpansTests(ServiceFactory factory) : IClassFixture<ServiceFactory>
{
    private static readonly string[] Sources = ["Microsoft.AspNetCore", "System.Net.Http", "Npgsql", "ReportService"];

    /// <summary>Whether anything in the process listens to the named source (a new source is matched against every listener).</summary>
    private static bool Listened(string name)
    {
        using var source = new ActivitySource(name);
        return source.HasListeners();
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
    public void A_registered_processor_turns_the_sources_on_until_the_service_stops()
    {
        var traced = factory.WithWebHostBuilder(builder =>
            builder.ConfigureServices(services => services.AddSingleton<BaseProcessor<Activity>>(new Collector())));
        _ = traced.CreateClient();

        Assert.All(Sources, name => Assert.True(Listened(name), name));
        traced.Dispose();
        Assert.All(Sources, name => Assert.False(Listened(name), name));
    }
}
