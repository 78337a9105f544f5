using System.Diagnostics;
using System.Diagnostics.Metrics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ReportService.Api.Infrastructure;

/// <summary>
/// Traces and metrics through the OpenTelemetry SDK, wired by hand because OpenTelemetry.Extensions.Hosting
/// and the instrumentation packages are not served here (ADR 2). The framework's own sources carry the
/// instrumentation: ASP.NET Core ("Microsoft.AspNetCore" spans, hosting and Kestrel meters), Npgsql
/// ("Npgsql" spans and meter), HttpClient ("System.Net.Http") and the runtime ("System.Runtime" meter).
/// Export is OTLP, configured by the standard OTEL_* variables, and on only when an endpoint is set.
/// </summary>
internal static class Telemetry
{
    public const string Name = "ReportService";

    public static readonly string[] ActivitySources = ["Microsoft.AspNetCore", "Npgsql", "System.Net.Http", Name];

    public static readonly string[] Meters =
    [
        "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Http.Connections",
        "Microsoft.AspNetCore.Routing", "Microsoft.AspNetCore.Diagnostics", "Microsoft.AspNetCore.RateLimiting",
        "System.Net.Http", "System.Runtime", "Npgsql", Name,
    ];

    private static readonly Meter Meter = new(Name);

    /// <summary>The service's own spans (the group-commit writes of submissions, ADR 10).</summary>
    public static readonly ActivitySource Tracing = new(Name);

    /// <summary>Reports accepted, by operation (submit, correct, batch).</summary>
    public static readonly Counter<long> ReportsAccepted = Meter.CreateCounter<long>(
        "reportservice.reports.accepted", "{report}", "Reports accepted and stored, by operation");

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
        var resource = ResourceBuilder.CreateDefault().AddService(configuration["OTEL_SERVICE_NAME"] ?? "report-service",
            serviceVersion: typeof(Telemetry).Assembly.GetName().Version?.ToString());
        services.AddSingleton(provider =>
        {
            // Spans are recorded only when something takes them (the OTLP exporter, or a processor registered
            // in DI): an unexported span still costs every request and every SQL command its allocations.
            var processors = provider.GetServices<BaseProcessor<Activity>>().ToList();
            var tracing = Sdk.CreateTracerProviderBuilder().SetResourceBuilder(resource);
            if (!export && processors.Count == 0)
            {
                return tracing.Build();
            }

            tracing.AddSource(ActivitySources);
            foreach (var processor in processors)
            {
                tracing.AddProcessor(processor);
            }

            return (export ? tracing.AddOtlpExporter() : tracing).Build();
        });
        services.AddSingleton(_ =>
        {
            var metrics = Sdk.CreateMeterProviderBuilder().SetResourceBuilder(resource).AddMeter(Meters);
            return (export ? metrics.AddOtlpExporter() : metrics).Build();
        });
        return services;
    }

    /// <summary>Builds the providers at start-up so that the first request is traced too; the host disposes them (flush) at shutdown.</summary>
    public static WebApplication UseReportServiceTelemetry(this WebApplication app)
    {
        _ = app.Services.GetRequiredService<TracerProvider>();
        _ = app.Services.GetRequiredService<MeterProvider>();
        return app;
    }
}
