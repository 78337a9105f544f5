using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Npgsql;
using ReportService.TestSupport;
using Xunit.Abstractions;

namespace ReportService.Api.Tests;

/// <summary>
/// The service against <see cref="ReplicaPair"/>'s multi-host connection string; with <paramref name="readServer"/>,
/// aggregates are read from there (<c>ConnectionStrings:ReportsRead</c>, the same database).
/// </summary>
public class ReplicaServiceFactory(string server, string? readServer = null, string? serverOptions = null) : ServiceFactory(server + serverOptions)
{
    protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        if (readServer is not null)
        {
            builder.UseSetting("ConnectionStrings:ReportsRead", new NpgsqlConnectionStringBuilder(readServer)
            {
                Database = new NpgsqlConnectionStringBuilder(ConnectionString).Database,
            }.ConnectionString);

            // The tests count every read on the standby; on a loaded machine a standby applying 100 ms late once
            // took longer than the default 1 s wait and that read went (exactly) to the primary. 10 s keeps the
            // count about the design, not about the machine's load.
            builder.UseSetting(ReportService.Api.Persistence.AggregateReadSource.WaitSetting, "10000");
        }
    }
}

/// <summary>
/// What a client sees when the database machine is lost (ADR 12): 503 with Retry-After while there is no primary, the
/// promoted standby found by the service itself, and every acknowledged report on it, a retried key answered with
/// its first id.
/// </summary>
public sealed class ReplicaFailoverTests(ReplicaPair pair, ITestOutputHelper output) : IClassFixture<ReplicaPair>
{
    private static JsonObject Report(int seed) =>
        ReportGenerator.Generate(new Random(seed), "2021", 2023, ReportGenerator.MakeCreditCode("141122", new Random(seed)));

    private static async Task<Guid> IdOf(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return Guid.Parse((string)(await response.ReadObjectAsync())["id"]!);
    }

    [Fact]
    public async Task When_the_primary_machine_is_lost_the_service_answers_503_finds_the_promoted_standby_by_itself_and_loses_nothing_acknowledged()
    {
        var clock = Stopwatch.StartNew();
        await using var service = new ReplicaServiceFactory(pair.ConnectionString);
        var client = service.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(30);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
        output.WriteLine($"service started and migrated in {clock.ElapsedMilliseconds} ms");

        // Acknowledged before the loss: with a synchronous standby it is on both machines.
        var first = Report(1);
        var firstKey = "failover-" + Guid.NewGuid().ToString("N");
        var firstId = await IdOf(await client.SubmitAsync(first, firstKey));

        clock.Restart();
        await pair.StopPrimaryAsync("lose");
        output.WriteLine($"primary SIGKILLed and its data directory deleted in {clock.ElapsedMilliseconds} ms");

        // No primary: the standby answers but is not one. Writes and reads are 503 + Retry-After, never 500.
        var second = Report(2);
        var secondKey = "failover-" + Guid.NewGuid().ToString("N");
        await DatabaseOutageTests.AssertUnavailableAsync(await client.SubmitAsync(second, secondKey));
        await DatabaseOutageTests.AssertUnavailableAsync(await client.GetAsync($"{ReportClient.Reports}/{firstId}"));
        await DatabaseOutageTests.AssertUnavailableAsync(await client.GetAsync("/v1/aggregates?groupBy=province"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/health/ready")).StatusCode);

        clock.Restart();
        await pair.PromoteAsync();
        output.WriteLine($"standby promoted in {clock.ElapsedMilliseconds} ms");

        // The service finds the new primary by itself: the roles Npgsql cached during the outage ("standby") would
        // hold for 10 s, but a request that finds no primary makes the next one ask the hosts again. So at most one
        // more 503, then the report is read from the new primary.
        var read = await client.GetAsync($"{ReportClient.Reports}/{firstId}");
        if (read.StatusCode != HttpStatusCode.OK)
        {
            await DatabaseOutageTests.AssertUnavailableAsync(read);
            read = await client.GetAsync($"{ReportClient.Reports}/{firstId}");
        }

        Assert.True(read.StatusCode == HttpStatusCode.OK, $"{(int)read.StatusCode} {await read.Content.ReadAsStringAsync()}");
        Assert.True(JsonNode.DeepEquals(first, (await read.ReadObjectAsync())["report"]));

        // Writes wait until the new primary has a synchronous standby again (nothing is acknowledged on one machine).
        clock.Restart();
        await pair.RebuildAsync();
        output.WriteLine($"standby rebuilt from the new primary in {clock.ElapsedMilliseconds} ms");

        clock.Restart();
        var secondId = await IdOf(await DatabaseOutageTests.RetryWhileUnavailableAsync(() => client.SubmitAsync(second, secondKey), HttpStatusCode.Created, clock));
        output.WriteLine($"first write after the rebuild in {clock.ElapsedMilliseconds} ms");

        // The client that never saw the first answer retries with the same key: the same report, not a second one.
        Assert.Equal(firstId, await IdOf(await client.SubmitAsync(first, firstKey)));
        Assert.Equal(secondId, await IdOf(await client.SubmitAsync(second, secondKey)));
        Assert.Equal(2L, await service.ScalarAsync<long>("SELECT count(*) FROM reports"));
        Assert.Equal(2L, await service.ScalarAsync<long>("SELECT count(*) FROM idempotency_keys"));

        // The rebuilt standby holds both (remote_apply: applied there before the 201).
        await using var standby = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(pair.StandbyConnectionString)
        {
            Database = new NpgsqlConnectionStringBuilder(service.ConnectionString).Database,
            Pooling = false,
        }.ConnectionString);
        await standby.OpenAsync();
        await using var onStandby = new NpgsqlCommand("SELECT pg_is_in_recovery(), (SELECT count(*) FROM reports)", standby);
        await using var row = await onStandby.ExecuteReaderAsync();
        Assert.True(await row.ReadAsync());
        Assert.True(row.GetBoolean(0));
        Assert.Equal(2L, row.GetInt64(1));
    }

    [Fact]
    public async Task Without_a_standby_a_submission_is_not_acknowledged_until_one_is_back_even_past_the_command_timeout()
    {
        // A Command Timeout of 2 s: past it Npgsql would cancel the commit's wait for the standby, and PostgreSQL would
        // report the commit as done while only the primary has it.
        await using var service = new ReplicaServiceFactory(pair.ConnectionString, serverOptions: ";Command Timeout=2");
        var client = service.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(60);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
        await pair.StopStandbyAsync("lose");

        var report = Report(3);
        var submission = client.SubmitAsync(report, "standby-gone-" + Guid.NewGuid().ToString("N"));
        var waited = await Task.WhenAny(submission, Task.Delay(TimeSpan.FromSeconds(5)));
        if (waited == submission)
        {
            var early = await submission;
            Assert.Fail($"answered {(int)early.StatusCode} while no standby held the report: {await early.Content.ReadAsStringAsync()}");
        }

        var clock = Stopwatch.StartNew();
        await pair.RebuildAsync();
        var id = await IdOf(await submission);
        output.WriteLine($"acknowledged {clock.ElapsedMilliseconds} ms after the rebuild started");

        await using var standby = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(pair.StandbyConnectionString)
        {
            Database = new NpgsqlConnectionStringBuilder(service.ConnectionString).Database,
            Pooling = false,
        }.ConnectionString);
        await standby.OpenAsync();
        await using var onStandby = new NpgsqlCommand("SELECT count(*) FROM reports WHERE id = @id", standby);
        onStandby.Parameters.AddWithValue("id", id);
        Assert.Equal(1L, (long)(await onStandby.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task Without_a_standby_a_correction_is_not_committed_on_the_primary_alone_even_after_30_s()
    {
        // The service's own connection defaults: Npgsql's Command Timeout (30 s) used to cancel the commit's wait for
        // the standby, after which PostgreSQL kept the correction on the primary alone and reported success.
        await using var service = new ReplicaServiceFactory(pair.ConnectionString);
        var client = service.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(90);
        var report = Report(4);
        var id = await client.SubmitAcceptedAsync(report);
        await pair.StopStandbyAsync("lose");
        var rebuilt = false;
        try
        {
            var corrected = report.DeepClone().Set("/activeDisclosure/penalties/decisions", 777);
            var correction = client.CorrectAsync(id, corrected, "\"1\"");
            if (await Task.WhenAny(correction, Task.Delay(TimeSpan.FromSeconds(33))) == correction)
            {
                var early = await correction;
                Assert.Fail($"answered {(int)early.StatusCode} while no standby held the correction: {await early.Content.ReadAsStringAsync()}");
            }

            Assert.Equal(1, await service.ScalarAsync<int>("SELECT current_revision FROM reports WHERE id = @id", ("id", id)));
            await pair.RebuildAsync();
            rebuilt = true;
            Assert.Equal(HttpStatusCode.OK, (await correction).StatusCode);
            Assert.Equal(2, await service.ScalarAsync<int>("SELECT current_revision FROM reports WHERE id = @id", ("id", id)));
        }
        finally
        {
            if (!rebuilt)
            {
                await pair.RebuildAsync();
            }
        }
    }
}
