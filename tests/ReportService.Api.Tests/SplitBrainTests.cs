using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Npgsql;
using ReportService.TestSupport;
using Xunit.Abstractions;

namespace ReportService.Api.Tests;

/// <summary>
/// Acknowledged means on the synchronous standby, also when the failover goes wrong (ADR 19): an old primary that
/// comes back unfenced beside the promoted one is refused, and a commit whose wait for the standby was cut short
/// (PostgreSQL then reports success with a warning) is not acknowledged, by its own request or by a retry's replay.
/// </summary>
public sealed class SplitBrainTests(ReplicaPair pair, ITestOutputHelper output) : IClassFixture<ReplicaPair>
{
    private static JsonObject Report(int seed) =>
        ReportGenerator.Generate(new Random(seed), "2021", 2023, ReportGenerator.MakeCreditCode("141122", new Random(seed)));

    private static async Task<Guid> IdOf(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return Guid.Parse((string)(await response.ReadObjectAsync())["id"]!);
    }

    private async Task<T> OnNodeAsync<T>(int node, ServiceFactory service, string sql)
    {
        await using var connection = new NpgsqlConnection(pair.NodeConnectionString(node, new NpgsqlConnectionStringBuilder(service.ConnectionString).Database!));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task An_old_primary_that_returns_unfenced_is_refused_and_every_write_goes_to_the_promoted_one()
    {
        // Host Recheck Seconds=1: Npgsql asks the hosts for their roles again at once, so the returned old primary (first
        // in the host list) is a candidate for every new connection, not hidden as "offline" for 10 s.
        await using var service = new ReplicaServiceFactory(pair.ConnectionString, serverOptions: ";Host Recheck Seconds=1");
        var client = service.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(60);
        var first = await IdOf(await client.SubmitAsync(Report(11), "split-" + Guid.NewGuid().ToString("N")));

        await pair.StopPrimaryAsync("immediate");
        await pair.PromoteAsync();
        // The promoted primary acknowledges alone (no standby to rebuild while the old primary holds its place).
        await OnNodeAsync<object>(1, service, "ALTER SYSTEM SET synchronous_standby_names = ''");
        await OnNodeAsync<object>(1, service, "SELECT pg_reload_conf()");
        var clock = Stopwatch.StartNew();
        await DatabaseOutageTests.RetryWhileUnavailableAsync(() => client.GetAsync($"{ReportClient.Reports}/{first}"), HttpStatusCode.OK, clock);
        Assert.Equal(2, await OnNodeAsync<int>(1, service, "SELECT ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int"));

        // The old primary is back, on timeline 1, and acknowledges commits alone too: two primaries.
        await pair.ReturnOldPrimaryAsync("async");
        try
        {
            Assert.False(await OnNodeAsync<bool>(0, service, "SELECT pg_is_in_recovery()"));
            await Task.Delay(TimeSpan.FromSeconds(2));

            var ids = new List<Guid>();
            for (var i = 0; i < 6; i++)
            {
                ids.Add(await IdOf(await DatabaseOutageTests.RetryWhileUnavailableAsync(
                    () => client.SubmitAsync(Report(20 + i), "split-" + Guid.NewGuid().ToString("N")), HttpStatusCode.Created, Stopwatch.StartNew())));
                await Task.Delay(TimeSpan.FromMilliseconds(300));
            }

            var onOld = await OnNodeAsync<long>(0, service, "SELECT count(*) FROM reports");
            var onNew = await OnNodeAsync<long>(1, service, "SELECT count(*) FROM reports");
            output.WriteLine($"reports on the old primary: {onOld}, on the promoted one: {onNew}");
            Assert.Equal(1L, onOld);
            Assert.Equal(7L, onNew);
        }
        finally
        {
            // The promoted primary waits for a standby again, and the old primary is fenced: killed and rebuilt as its standby.
            await OnNodeAsync<object>(1, service, "ALTER SYSTEM RESET synchronous_standby_names");
            await OnNodeAsync<object>(1, service, "SELECT pg_reload_conf()");
            await pair.RebuildAsync();
        }
    }

    [Fact]
    public async Task A_commit_whose_wait_for_the_standby_is_cancelled_is_answered_503_and_its_retry_waits_for_the_standby()
    {
        await using var service = new ReplicaServiceFactory(pair.ConnectionString);
        var client = service.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(120);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
        var primary = pair.NodeConnectionString(await OnNodeAsync<bool>(0, service, "SELECT pg_is_in_recovery()") ? 1 : 0,
            new NpgsqlConnectionStringBuilder(service.ConnectionString).Database!);
        await pair.StopStandbyAsync("lose");
        var rebuilt = false;
        try
        {
            var report = Report(31);
            var key = "cancelled-" + Guid.NewGuid().ToString("N");
            var submission = client.SubmitAsync(report, key);

            // The commit waits for the standby; someone (an operator, a monitoring tool, a statement timeout) cancels it.
            await using var admin = new NpgsqlConnection(primary);
            await admin.OpenAsync();
            var cancelled = 0;
            for (var i = 0; i < 100 && cancelled == 0; i++)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100));
                await using var cancel = new NpgsqlCommand(
                    "SELECT count(*) FILTER (WHERE pg_cancel_backend(pid)) FROM pg_stat_activity WHERE wait_event = 'SyncRep'", admin);
                cancelled = (int)(long)(await cancel.ExecuteScalarAsync())!;
            }

            Assert.True(cancelled > 0, "no commit waited for the standby");
            var answer = await submission;
            // PostgreSQL kept the commit on the primary alone and reported success with a warning: not acknowledged.
            await DatabaseOutageTests.AssertUnavailableAsync(answer);
            await using (var stored = new NpgsqlCommand("SELECT count(*) FROM reports", admin))
            {
                Assert.Equal(1L, (long)(await stored.ExecuteScalarAsync())!);
            }

            // The retry finds the key's record on the primary, but answers only once a standby has it.
            var retry = client.SubmitAsync(report, key);
            if (await Task.WhenAny(retry, Task.Delay(TimeSpan.FromSeconds(5))) == retry)
            {
                var early = await retry;
                Assert.Fail($"the retry answered {(int)early.StatusCode} while no standby held the report: {await early.Content.ReadAsStringAsync()}");
            }

            await pair.RebuildAsync();
            rebuilt = true;
            var id = await IdOf(await retry);
            Assert.Equal(1L, await OnNodeAsync<long>(await OnNodeAsync<bool>(0, service, "SELECT pg_is_in_recovery()") ? 0 : 1, service,
                $"SELECT count(*) FROM reports WHERE id = '{id}'"));
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
