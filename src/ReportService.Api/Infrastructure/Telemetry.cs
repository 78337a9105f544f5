using System.Diagnostics;
using System.Diagnostics.Metrics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using Npgsql;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ReportService.Api.Infrastructure;

/// <summary>
/// Traces and metrics through <c>AddOpenTelemetry()</c> (OpenTelemetry.Extensions.Hosting) and the instrumentation
/// packages: ASP.NET Core (request spans, hosting and Kestrel meters), HttpClient, the runtime and Npgsql (SQL spans
/// and meter), plus the service's own source and meter. Export is OTLP, configured by the standard OTEL_* settings,
/// and on only when an endpoint is set. Spans are recorded only when something takes them (ADR 2).
/// </summary>
internal static class Telemetry
{
    public const string Name = "ReportService";

    private static readonly Meter Meter = new(Name);

    /// <summary>The service's own spans (the group-commit writes of submissions, ADR 10).</summary>
    public static readonly ActivitySource Tracing = new(Name);

    /// <summary>Reports accepted, by operation (submit, correct, batch).</summary>
    public static readonly Counter<long> ReportsAccepted = Meter.CreateCounter<long>(
        "reportservice.reports.accepted", "{report}", "Reports accepted and stored, by operation");

    /// <summary>Review decisions recorded, by decision (approved, returned).</summary>
    public static readonly Counter<long> ReportsReviewed = Meter.CreateCounter<long>(
        "reportservice.reports.reviewed", "{review}", "Review decisions recorded, by decision");

    /// <summary>Agency registrations, by outcome (created, replaced, unchanged) and operation (put, batch).</summary>
    public static readonly Counter<long> AgenciesRegistered = Meter.CreateCounter<long>(
        "reportservice.agencies.registered", "{agency}", "Agency registrations written or found unchanged, by outcome and operation");

    /// <summary>Rejections by rule id: one per broken rule of severity error of a rejected report.</summary>
    public static readonly Counter<long> Rejections = Meter.CreateCounter<long>(
        "reportservice.reports.rejections", "{rule}", "Rules of severity error broken by rejected reports, by rule id and operation");

    /// <summary>Bulk import lines, by status (accepted, rejected, duplicate).</summary>
    public static readonly Counter<long> BatchLines = Meter.CreateCounter<long>(
        "reportservice.batch.lines", "{line}", "Bulk import lines, by status");

    /// <summary>Submissions committed together by one writer (ADR 10); together=false when the group was refused and written one by one.</summary>
    public static readonly Histogram<int> SubmissionGroupSize = Meter.CreateHistogram<int>(
        "reportservice.submissions.group_size", "{report}", "Submissions one writer stored in one transaction");

    /// <summary>Aggregate computations (cache misses) refused by the computation budget, by reason (client_share: 429, busy: 503).</summary>
    public static readonly Counter<long> AggregateComputationsRefused = Meter.CreateCounter<long>(
        "reportservice.aggregates.computations_refused", "{request}", "Aggregate computations refused by the computation budget, by reason");

    /// <summary>Requests refused with 429 by the per-client rate limit.</summary>
    public static readonly Counter<long> RateLimited = Meter.CreateCounter<long>(
        "reportservice.requests.rate_limited", "{request}", "Requests refused by the per-client rate limit");

    /// <summary>Writes refused because the token does not grant the report's agency (403), by operation.</summary>
    public static readonly Counter<long> WritesForbidden = Meter.CreateCounter<long>(
        "reportservice.writes.forbidden", "{report}", "Writes refused because the token does not grant the agency, by operation");

    /// <summary>Aggregate query durations, by endpoint and rollup grain.</summary>
    public static readonly Histogram<double> AggregateDuration = Meter.CreateHistogram<double>(
        "reportservice.aggregate.duration", "s", "Time to compute an aggregate answer in the database, by endpoint and grain");

    public static void CountRejection(string operation, IEnumerable<ReportService.Statutory.Rules.Violation> violations)
    {
        foreach (var rule in violations.Where(v => v.IsError).Select(v => v.Rule).Distinct())
        {
            Rejections.Add(1, new KeyValuePair<string, object?>("rule", rule), new KeyValuePair<string, object?>("operation", operation));
        }
    }

    public static IServiceCollection AddReportServiceTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var export = !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(configuration["OTEL_SERVICE_NAME"] ?? "report-service",
                serviceVersion: typeof(Telemetry).Assembly.GetName().Version?.ToString()))
            .WithTracing(tracing =>
            {
                tracing.AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddNpgsql().AddSource(Name);
                if (export)
                {
                    tracing.AddOtlpExporter();
                }
            })
            .WithMetrics(metrics =>
            {
                metrics.AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddRuntimeInstrumentation()
                    .AddNpgsqlInstrumentation().AddMeter(Name);
                if (export)
                {
                    metrics.AddOtlpExporter();
                }
            });
        // Processors registered in DI (a test's collector) take the spans too.
        services.ConfigureOpenTelemetryTracerProvider((provider, tracing) =>
        {
            foreach (var processor in provider.GetServices<BaseProcessor<Activity>>())
            {
                tracing.AddProcessor(processor);
            }
        });
        RecordSpansOnlyWhenTaken(services, export);
        return services;
    }

    /// <summary>
    /// The SDK's tracer provider listens to its sources and instruments whether or not anything takes the spans:
    /// every request, HttpClient call and SQL command would allocate and fill a span nobody reads. Unless the
    /// OTLP exporter is on or a processor is registered in DI (a test's collector), the host gets a provider
    /// that listens to nothing instead, and the instrumentations are never created. The decision waits for the
    /// service provider because processors may be registered after this method runs.
    /// </summary>
    private static void RecordSpansOnlyWhenTaken(IServiceCollection services, bool export)
    {
        var sdk = services.Last(d => d.ServiceType == typeof(TracerProvider));
        var build = sdk.ImplementationFactory
            ?? throw new InvalidOperationException("OpenTelemetry registered its TracerProvider without a factory; the tracing gate cannot wrap it.");
        services.Remove(sdk);
        services.AddSingleton<TracerProvider>(provider =>
            export || provider.GetServices<BaseProcessor<Activity>>().Any() ? (TracerProvider)build(provider) : new Untaken());
    }

    /// <summary>A tracer provider that listens to no source: no span is started, none is recorded.</summary>
    private sealed class Untaken : TracerProvider;

    /// <summary>Builds the providers at start-up so that the first request is traced too; the host disposes them (flush) at shutdown.</summary>
    public static WebApplication UseReportServiceTelemetry(this WebApplication app)
    {
        _ = app.Services.GetRequiredService<TracerProvider>();
        _ = app.Services.GetRequiredService<MeterProvider>();
        return app;
    }
}
