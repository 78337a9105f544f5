using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ReportService.Api.Features.Reports.SubmitReport;
using ReportService.TestSupport;

namespace ReportService.Api.Tests;

/// <summary>One writer, so that submissions arriving while it waits queue up behind it and are taken as one group.</summary>
public sealed class OneWriterServiceFactory : ServiceFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Submissions:Writers", "1");
    }
}

/// <summary>
/// Group commit of single submissions (ADR 10): submissions that wait while a commit is in progress are
/// stored together in one transaction, and every request still gets exactly the answer it would get alone.
/// A session holding an exclusive lock on the rollups keeps the writer's first commit waiting meanwhile.
/// </summary>
public sealed class GroupCommitTests(OneWriterServiceFactory factory) : IClassFixture<OneWriterServiceFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private SubmissionWriter Writer => factory.Services.GetRequiredService<SubmissionWriter>();

    private static JsonObject Report(int seed, int year, string township) => ReportGenerator.Generate(new Random(seed), "2021", year,
        ReportGenerator.MakeCreditCode(township[..6], new Random(seed)), township);

    private static long N(JsonNode node) => long.Parse(node.ToJsonString(), CultureInfo.InvariantCulture);

    /// <summary>
    /// Sends <paramref name="first"/>, whose commit then waits for the lock, then the others while it waits,
    /// and releases the lock after giving them time to queue behind it.
    /// </summary>
    private async Task<(HttpResponseMessage First, HttpResponseMessage[] Others)> SubmitWhileTheWriterWaitsAsync(
        JsonObject first, List<(JsonObject Report, string? Key)> others)
    {
        await using var blocker = new NpgsqlConnection(factory.ConnectionString);
        await blocker.OpenAsync();
        await using var hold = await blocker.BeginTransactionAsync();
        await using (var lockRollups = new NpgsqlCommand("LOCK TABLE aggregate_rollups IN EXCLUSIVE MODE", blocker, hold))
        {
            await lockRollups.ExecuteNonQueryAsync();
        }

        var firstResponse = _client.SubmitAsync(first);
        await WaitForLockWaitAsync(factory.ConnectionString, firstResponse);
        var otherResponses = Task.WhenAll(others.Select(o => factory.CreateClient().SubmitAsync(o.Report, o.Key)));
        // Requests are checked (and read the previous year) before they queue: release the lock once all of
        // them wait for the writer.
        for (var i = 0; i < 600 && Writer.Waiting < others.Count; i++)
        {
            await Task.Delay(50);
        }

        Assert.Equal(others.Count, Writer.Waiting);
        await hold.RollbackAsync();
        return (await firstResponse.WaitAsync(TimeSpan.FromSeconds(60)), await otherResponses.WaitAsync(TimeSpan.FromSeconds(60)));
    }

    /// <summary>
    /// Waits until some session waits for a lock, i.e. the writer's commit is held up. On a connection of its
    /// own: pg_stat_activity is a snapshot taken once per transaction, and the blocker's is open.
    /// </summary>
    internal static async Task WaitForLockWaitAsync(string connectionString, Task<HttpResponseMessage> first)
    {
        await using var observer = new NpgsqlConnection(connectionString);
        await observer.OpenAsync();
        for (var i = 0; i < 300; i++)
        {
            if (first.IsCompleted)
            {
                var response = await first;
                Assert.Fail($"the first submission was answered while the rollups were locked: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }

            await using var command = new NpgsqlCommand(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()", observer);
            if ((long)(await command.ExecuteScalarAsync())! > 0)
            {
                return;
            }

            await Task.Delay(100);
        }

        await using var activity = new NpgsqlCommand(
            "SELECT string_agg(coalesce(datname,'-') || ' ' || coalesce(state,'-') || ' ' || coalesce(wait_event_type,'-') || ' ' || coalesce(wait_event,'-') || ' ' || left(coalesce(query,''), 80), E'\\n') FROM pg_stat_activity", observer);
        Assert.Fail("the first submission never waited for the rollup lock:\n" + await activity.ExecuteScalarAsync());
    }

    private async Task<(long Reports, long Received)> AggregateAsync(string region, int year)
    {
        var response = await _client.GetAsync($"/v1/aggregates?region={region}&year={year}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var group = Assert.Single((await response.ReadObjectAsync())["groups"]!.AsArray())!;
        return (N(group["reportCount"]!), N(group.Get("/requests/received/total")!));
    }

    [Fact]
    public async Task Submissions_that_arrive_during_a_commit_are_stored_together_each_once_and_counted_at_once()
    {
        var first = Report(100, 2022, "141122105");
        var others = Enumerable.Range(101, 10).Select(seed => (Report(seed, 2022, seed % 2 == 0 ? "141122105" : "141122103"), (string?)null)).ToList();
        var togetherBefore = Writer.GroupsTogether;

        var (firstResponse, responses) = await SubmitWhileTheWriterWaitsAsync(first, others);

        Assert.Equal(HttpStatusCode.Created, firstResponse.StatusCode);
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var ids = new List<Guid> { Guid.Parse((string)(await firstResponse.ReadObjectAsync())["id"]!) };
        foreach (var response in responses)
        {
            var accepted = await response.ReadObjectAsync();
            ids.Add(Guid.Parse((string)accepted["id"]!));
            Assert.Equal($"/v1/reports/{accepted["id"]}", response.Headers.Location!.OriginalString);
            Assert.Equal("\"1\"", response.Headers.ETag!.Tag);
        }

        Assert.Equal(11, ids.Distinct().Count());
        Assert.True(Writer.GroupsTogether > togetherBefore, "the submissions that waited were not stored together");
        Assert.True(Writer.LargestGroup >= others.Count, $"largest group {Writer.LargestGroup}");

        // Every report once, each with its one revision, and in the aggregates the moment it was answered.
        Assert.Equal(11L, await factory.ScalarAsync<long>("SELECT count(*) FROM reports WHERE year = 2022"));
        Assert.Equal(11L, await factory.ScalarAsync<long>("SELECT count(*) FROM report_revisions v JOIN reports r ON r.id = v.report_id WHERE r.year = 2022"));
        var all = others.Select(o => o.Item1).Append(first).ToList();
        Assert.Equal((11L, all.Sum(r => N(r.Get("/requests/received/total")!))), await AggregateAsync("141122", 2022));
        var in105 = all.Where(r => (string)r["agency"]!["regionCode"]! == "141122105").ToList();
        Assert.Equal((in105.Count, in105.Sum(r => N(r.Get("/requests/received/total")!))), await AggregateAsync("141122105", 2022));
    }

    [Fact]
    public async Task A_group_with_a_duplicate_and_a_repeated_key_is_written_one_by_one_and_each_request_gets_its_own_answer()
    {
        var first = Report(200, 2021, "141122105");
        var distinct = Enumerable.Range(201, 4).Select(seed => Report(seed, 2021, "141122105")).ToList();
        var twice = Report(210, 2021, "141122105");
        var keyed = Report(211, 2021, "141122105");
        var others = distinct.Select(r => (r, (string?)null))
            .Append((twice, null)).Append((twice.DeepClone().AsObject(), null))
            .Append((keyed, "group-key")).Append((keyed.DeepClone().AsObject(), "group-key"))
            .ToList();
        var oneByOneBefore = Writer.GroupsOneByOne;

        var (firstResponse, responses) = await SubmitWhileTheWriterWaitsAsync(first, others);

        Assert.Equal(HttpStatusCode.Created, firstResponse.StatusCode);
        Assert.All(responses[..4], r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));

        // The same report twice without a key: one is stored, the other is told which one.
        var pair = responses[4..6];
        var stored = Assert.Single(pair, r => r.StatusCode == HttpStatusCode.Created);
        var refused = Assert.Single(pair, r => r.StatusCode == HttpStatusCode.Conflict);
        var problem = await refused.AssertProblemAsync(409);
        Assert.Equal(stored.Headers.Location!.OriginalString, (string)problem["existing"]!);

        // The same report twice with one key: both are the first answer.
        Assert.All(responses[6..8], r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        Assert.Equal(responses[6].Headers.Location, responses[7].Headers.Location);

        Assert.True(Writer.GroupsOneByOne > oneByOneBefore, "no group was refused and written one by one");
        Assert.Equal(7L, await factory.ScalarAsync<long>("SELECT count(*) FROM reports WHERE year = 2021"));
        Assert.Equal(7L, await factory.ScalarAsync<long>("SELECT count(*) FROM report_revisions v JOIN reports r ON r.id = v.report_id WHERE r.year = 2021"));
        Assert.Equal(1L, await factory.ScalarAsync<long>("SELECT count(*) FROM idempotency_keys WHERE key = 'group-key'"));
        var all = distinct.Append(first).Append(twice).Append(keyed).ToList();
        Assert.Equal((7L, all.Sum(r => N(r.Get("/requests/received/total")!))), await AggregateAsync("141122105", 2021));
    }
}

/// <summary>A stopping service: the writer gives up waiting at the host's deadline, and takes no new submissions.</summary>
public sealed class SubmissionWriterStopTests(OneWriterServiceFactory factory) : IClassFixture<OneWriterServiceFactory>
{
    [Fact]
    public async Task Stopping_returns_at_the_deadline_while_a_commit_is_held_up_and_later_submissions_get_503_while_the_held_one_still_lands()
    {
        var client = factory.CreateClient();
        var writer = factory.Services.GetRequiredService<SubmissionWriter>();
        await using var blocker = new NpgsqlConnection(factory.ConnectionString);
        await blocker.OpenAsync();
        await using var hold = await blocker.BeginTransactionAsync();
        await using (var lockRollups = new NpgsqlCommand("LOCK TABLE aggregate_rollups IN EXCLUSIVE MODE", blocker, hold))
        {
            await lockRollups.ExecuteNonQueryAsync();
        }

        var held = client.SubmitAsync(ReportGenerator.Generate(new Random(300), "2021", 2023,
            ReportGenerator.MakeCreditCode("141122", new Random(300)), "141122105"));
        await GroupCommitTests.WaitForLockWaitAsync(factory.ConnectionString, held);

        using var deadline = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await writer.StopAsync(deadline.Token).WaitAsync(TimeSpan.FromSeconds(10));

        var late = await client.SubmitAsync(ReportGenerator.Generate(new Random(301), "2021", 2023,
            ReportGenerator.MakeCreditCode("141122", new Random(301)), "141122105"));
        await late.AssertProblemAsync(503);
        Assert.True(late.Headers.Contains("Retry-After"));

        await hold.RollbackAsync();
        Assert.Equal(HttpStatusCode.Created, (await held.WaitAsync(TimeSpan.FromSeconds(60))).StatusCode);
        Assert.Equal(1L, await factory.ScalarAsync<long>("SELECT count(*) FROM reports"));
    }
}
