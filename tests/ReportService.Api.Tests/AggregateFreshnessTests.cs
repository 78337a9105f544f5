using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using ReportService.TestSupport;

namespace ReportService.Api.Tests;

public sealed class AggregateFreshnessTests(ServiceFactory factory) : IClassFixture<ServiceFactory>
{
    private const string Query = "/v1/aggregates?region=141122105&year=2023";
    private readonly HttpClient _client = factory.CreateClient();

    private static long N(JsonNode node) => long.Parse(node.ToJsonString(), CultureInfo.InvariantCulture);

    private static JsonObject Report(int seed) => ReportGenerator.Generate(new Random(seed), "2021", 2023,
        ReportGenerator.MakeCreditCode("141122", new Random(seed)), "141122105");

    private async Task<(long Reports, long Received, long Penalties, EntityTagHeaderValue ETag)> ReadAsync()
    {
        var response = await _client.GetAsync(Query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl!.NoCache);
        // Without groupBy there is always one group, with reportCount 0 when nothing matches.
        var group = Assert.Single((await response.ReadObjectAsync())["groups"]!.AsArray())!;
        return N(group["reportCount"]!) == 0
            ? (0, 0, 0, response.Headers.ETag!)
            : (N(group["reportCount"]!), N(group.Get("/requests/received/total")!), N(group.Get("/activeDisclosure/2021/penalties/decisions")!), response.Headers.ETag!);
    }

    private async Task<HttpStatusCode> RevalidateAsync(EntityTagHeaderValue etag)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, Query);
        request.Headers.IfNoneMatch.Add(etag);
        return (await _client.SendAsync(request)).StatusCode;
    }

    [Fact]
    public async Task Accepted_and_corrected_reports_are_reflected_by_the_next_request_and_revalidation_is_a_304_until_then()
    {
        var (count, _, _, etag) = await ReadAsync();
        Assert.Equal(0, count);
        Assert.Equal(HttpStatusCode.NotModified, await RevalidateAsync(etag));

        var first = Report(1);
        var id = await _client.SubmitAcceptedAsync(first);
        Assert.Equal(HttpStatusCode.OK, await RevalidateAsync(etag));
        var afterSubmit = await ReadAsync();
        Assert.Equal((1, N(first.Get("/requests/received/total")!), N(first.Get("/activeDisclosure/penalties/decisions")!)),
            (afterSubmit.Reports, afterSubmit.Received, afterSubmit.Penalties));
        Assert.Equal(HttpStatusCode.NotModified, await RevalidateAsync(afterSubmit.ETag));

        var corrected = first.DeepClone().Set("/activeDisclosure/penalties/decisions", 777);
        Assert.Equal(HttpStatusCode.OK, (await _client.CorrectAsync(id, corrected, "\"1\"")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, await RevalidateAsync(afterSubmit.ETag));
        var afterCorrection = await ReadAsync();
        Assert.Equal((1, 777), (afterCorrection.Reports, afterCorrection.Penalties));

        var second = Report(2);
        await _client.SubmitAcceptedAsync(second);
        var afterSecond = await ReadAsync();
        Assert.Equal(2, afterSecond.Reports);
        Assert.Equal(N(first.Get("/requests/received/total")!) + N(second.Get("/requests/received/total")!), afterSecond.Received);
        Assert.Equal(777 + N(second.Get("/activeDisclosure/penalties/decisions")!), afterSecond.Penalties);
    }

    [Fact]
    public async Task A_rejected_submission_changes_no_aggregate()
    {
        var before = await ReadAsync();
        var broken = Report(3).Set("/requests/received/total", 12345);
        await (await _client.SubmitAsync(broken)).AssertProblemAsync(422);
        var after = await ReadAsync();
        Assert.Equal((before.Reports, before.Received), (after.Reports, after.Received));
    }

    [Fact]
    public async Task A_correction_that_moves_a_report_to_another_region_moves_its_numbers_too()
    {
        var report = ReportGenerator.Generate(new Random(9), "2021", 2022, ReportGenerator.MakeCreditCode("141122", new Random(9)), "141122106");
        var id = await _client.SubmitAcceptedAsync(report);
        async Task<long> CountAsync(string region)
        {
            var groups = (await (await _client.GetAsync($"/v1/aggregates?region={region}&year=2022&groupBy=township")).ReadObjectAsync())["groups"]!.AsArray();
            return groups.Sum(g => N(g!["reportCount"]!));
        }

        Assert.Equal((1, 0), (await CountAsync("141122106"), await CountAsync("141122104")));
        var moved = report.DeepClone().Set("/agency/regionCode", "141122104");
        Assert.Equal(HttpStatusCode.OK, (await _client.CorrectAsync(id, moved, "\"1\"")).StatusCode);
        Assert.Equal((0, 1), (await CountAsync("141122106"), await CountAsync("141122104")));
        Assert.Equal(1, await CountAsync("1411"));
    }

    private async Task<long> CountOnceAnsweredAsync(string query)
    {
        for (var attempt = 0; ; attempt++)
        {
            var response = await _client.GetAsync(query);
            if (attempt < 50 && response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable)
            {
                await Task.Delay(50);
                continue;
            }

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return N(Assert.Single((await response.ReadObjectAsync())["groups"]!.AsArray())!["reportCount"]!);
        }
    }

    private async Task<long> CountAsync(string query)
    {
        var response = await _client.GetAsync(query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return N(Assert.Single((await response.ReadObjectAsync())["groups"]!.AsArray())!["reportCount"]!);
    }

    private static JsonObject ReportIn(string township, int year, int seed) =>
        ReportGenerator.Generate(new Random(seed), "2021", year, ReportGenerator.MakeCreditCode(township[..6], new Random(seed)), township);

    [Fact]
    public async Task A_repeated_question_is_answered_from_the_cache_byte_for_byte_until_a_write_makes_it_stale()
    {
        const string query = "/v1/aggregates?region=141121101&year=2024&groupBy=township";
        var cache = factory.Services.GetRequiredService<ReportService.Api.Features.Aggregates.AggregateAnswerCache>();
        Assert.True(cache.Enabled);
        await _client.SubmitAcceptedAsync(ReportIn("141121101", 2024, 21));

        foreach (var accept in new[] { "application/json", "text/csv" })
        {
            async Task<(byte[] Body, string? Type, string? ETag)> GetAsync()
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, query);
                request.Headers.Accept.ParseAdd(accept);
                var response = await _client.SendAsync(request);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                return (await response.Content.ReadAsByteArrayAsync(), response.Content.Headers.ContentType?.ToString(), response.Headers.ETag?.Tag);
            }

            var computed = await GetAsync();
            var entries = cache.Size.Count;
            var cached = await GetAsync();
            Assert.Equal(entries, cache.Size.Count); // a hit: nothing new was stored
            Assert.Equal(computed.Body, cached.Body);
            Assert.Equal((computed.Type, computed.ETag), (cached.Type, cached.ETag));
        }

        Assert.Equal(1, await CountAsync(query));
        var id = await _client.SubmitAcceptedAsync(ReportIn("141121101", 2024, 22));
        Assert.Equal(2, await CountAsync(query));
        var moved = ReportIn("141121101", 2024, 22).Set("/agency/regionCode", "141121102");
        Assert.Equal(HttpStatusCode.OK, (await _client.CorrectAsync(id, moved, "\"1\"")).StatusCode);
        Assert.Equal(1, await CountAsync(query));
    }

    [Fact]
    public async Task Under_concurrent_readers_every_acknowledged_write_is_in_the_next_answer()
    {
        // Readers keep the cache busy with the same question (misses computed while writes commit, answers
        // stored out of order); after each acknowledged write, a new request must count it.
        const string query = "/v1/aggregates?region=141121103&year=2022";
        using var stop = new CancellationTokenSource();
        // The readers are other clients, and an answer refused by the computation budget (429/503, ADR 8) is
        // asked again: the budget is not under test here, what an answer counts is.
        var readers = Enumerable.Range(0, 4).Select(n => Task.Run(async () =>
        {
            var reader = factory.CreateClient(ServiceFactory.Token(scopes: "reports:read", client: $"reader-{n}"));
            while (!stop.IsCancellationRequested)
            {
                (await reader.GetAsync(query)).Dispose();
            }
        })).ToArray();
        try
        {
            for (var i = 1; i <= 12; i++)
            {
                await _client.SubmitAcceptedAsync(ReportIn("141121103", 2022, 100 + i));
                Assert.Equal(i, await CountOnceAnsweredAsync(query));
            }
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(readers);
        }
    }
}
