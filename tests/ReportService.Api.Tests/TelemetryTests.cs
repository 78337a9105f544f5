using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using ReportService.TestSupport;

namespace ReportService.Api.Tests;

public sealed class TelemetryTests(ServiceFactory factory) : IClassFixture<ServiceFactory>
{
    /// <summary>Collects finished spans through the service's own tracer provider.</summary>
    private sealed class Collector : BaseProcessor<Activity>
    {
        public ConcurrentBag<Activity> Ended { get; } = [];

        public override void OnEnd(Activity data) => Ended.Add(data);
    }

    [Fact]
    public async Task A_submission_yields_a_server_span_with_database_child_spans()
    {
        var collector = new Collector();
        using var traced = factory.WithWebHostBuilder(builder =>
            builder.ConfigureServices(services => services.AddSingleton<BaseProcessor<Activity>>(collector)));
        var client = traced.CreateClient();
        var traceId = ActivityTraceId.CreateRandom();
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/reports")
        {
            Content = Http.Json(ReportGenerator.Generate(new Random(31), "2021", 2023, ReportGenerator.MakeCreditCode("141122", new Random(31)))),
        };
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");

        var response = await client.SendAsync(request);

        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        Activity? server = null;
        for (var i = 0; i < 50 && server is null; i++)
        {
            server = collector.Ended.FirstOrDefault(a => a.TraceId == traceId && a.Kind == ActivityKind.Server);
            await Task.Delay(20);
        }

        Assert.NotNull(server);
        Assert.Equal("Microsoft.AspNetCore", server.Source.Name);
        // The write goes through the group-commit writer (ADR 10): alone, its span is a child of the request's,
        // and the SQL that stores the report is a child of the write's span, in the request's trace.
        var write = Assert.Single(collector.Ended, a => a.TraceId == traceId && a.Source.Name == "ReportService");
        Assert.Equal("write submission", write.DisplayName);
        Assert.Equal(server.SpanId, write.ParentSpanId);
        Assert.Equal(1, write.GetTagItem("reportservice.submissions.group_size"));
        Assert.Equal(1, server.GetTagItem("reportservice.submission.group_size"));
        var database = collector.Ended.Where(a => a.TraceId == traceId && a.Source.Name == "Npgsql").ToList();
        Assert.NotEmpty(database);
        Assert.All(database, span => Assert.Contains(span.ParentSpanId, new[] { server.SpanId, write.SpanId }));
        Assert.Contains(database, span => span.ParentSpanId == write.SpanId && span.Kind == ActivityKind.Client);
        Assert.Contains(database, span => span.ParentSpanId == server.SpanId);
    }

    [Fact]
    public async Task Rejections_are_counted_by_rule_id()
    {
        var counted = new ConcurrentBag<(string Rule, string Operation, long Value)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "ReportService" && instrument.Name == "reportservice.reports.rejections")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string? rule = null, operation = null;
            foreach (var tag in tags)
            {
                rule = tag.Key == "rule" ? tag.Value as string : rule;
                operation = tag.Key == "operation" ? tag.Value as string : operation;
            }

            counted.Add((rule!, operation!, value));
        });
        listener.Start();

        var client = factory.CreateClient();
        var rejected = Seeds.Json("004").Set("/agency/creditCode", ReportGenerator.MakeCreditCode("140825", new Random(77)));
        await (await client.SubmitAsync(rejected)).AssertProblemAsync(422);

        Assert.Contains(counted, c => c is { Rule: "T3.BALANCE", Operation: "submit", Value: 1 });
        Assert.Contains(counted, c => c is { Rule: "T3.OUTCOME_TOTAL", Operation: "submit", Value: 1 });
    }
}
