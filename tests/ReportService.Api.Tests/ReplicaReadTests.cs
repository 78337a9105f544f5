using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ReportService.Api.Persistence;
using ReportService.TestSupport;

namespace ReportService.Api.Tests;

/// <summary>
/// Aggregates read from a standby (<c>ConnectionStrings:ReportsRead</c>, ADR 12) keep the contract: a report accepted
/// by one request is counted by the next aggregate request, every time, also when the standby lags.
/// </summary>
public sealed class ReplicaReadTests(ReplicaPair pair) : IClassFixture<ReplicaPair>
{
    private const string Query = "/v1/aggregates?region=141122&year=2023";

    private static long N(JsonNode node) => long.Parse(node.ToJsonString(), CultureInfo.InvariantCulture);

    private static JsonObject Report(int seed) =>
        ReportGenerator.Generate(new Random(seed), "2021", 2023, ReportGenerator.MakeCreditCode("141122", new Random(seed)));

    private static async Task<(long Reports, long Received)> ReadAsync(HttpClient client)
    {
        var response = await client.GetAsync(Query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var group = Assert.Single((await response.ReadObjectAsync())["groups"]!.AsArray())!;
        return N(group["reportCount"]!) == 0 ? (0, 0) : (N(group["reportCount"]!), N(group.Get("/requests/received/total")!));
    }

    /// <summary>Writes one report after another, each followed at once by the aggregate: it must count every report so far.</summary>
    private static async Task WriteAndReadAsync(HttpClient client, int from, int count, List<long> received)
    {
        for (var seed = from; seed < from + count; seed++)
        {
            var report = Report(seed);
            await client.SubmitAcceptedAsync(report);
            received.Add(N(report.Get("/requests/received/total")!));
            var (reports, sum) = await ReadAsync(client);
            Assert.True(reports == received.Count && sum == received.Sum(),
                $"stale aggregate after report {received.Count}: {reports} reports, received {sum} (expected {received.Count}, {received.Sum()})");
        }
    }

    /// <summary>
    /// Without the answer cache every read is a computation on the standby; with it, the answers after the first are
    /// brought forward by the change log read on the primary (ADR 11) and the standby would not be asked again.
    /// </summary>
    private sealed class UncachedServiceFactory(string server, string readServer) : ReplicaServiceFactory(server, readServer)
    {
        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting(ReportService.Api.Features.Aggregates.AggregateAnswerCache.CapacitySetting, "0");
        }
    }

    private static async Task SetAsync(string server, string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        foreach (var statement in new[] { sql, "SELECT pg_reload_conf()" })
        {
            await using var command = new NpgsqlCommand(statement, connection);
            await command.ExecuteNonQueryAsync();
        }
    }

    [Fact]
    public async Task Every_aggregate_read_from_the_standby_counts_the_report_accepted_just_before_it_also_when_the_standby_lags()
    {
        await using var service = new UncachedServiceFactory(pair.ConnectionString, pair.StandbyConnectionString);
        var client = service.CreateClient();
        var reads = service.Services.GetRequiredService<AggregateReadSource>();
        Assert.True(reads.Enabled);
        var received = new List<long>();

        // As shipped: a synchronous standby with remote_apply has applied a commit before the client hears of it.
        await WriteAndReadAsync(client, 1, 150, received);
        Assert.Equal(150, reads.ReplicaReads);
        Assert.Equal(0, reads.PrimaryFallbacks);

        // A standby that lags: commits no longer wait for it to apply (synchronous_commit = on) and it applies every
        // commit 100 ms late. The reads wait until it has replayed the primary's position, and are still exact.
        await SetAsync(pair.ConnectionString, "ALTER SYSTEM SET synchronous_commit = 'on'");
        await SetAsync(pair.StandbyConnectionString, "ALTER SYSTEM SET recovery_min_apply_delay = '100ms'");
        try
        {
            await WriteAndReadAsync(client, 151, 40, received);
            Assert.Equal(190, reads.ReplicaReads);
            Assert.True(reads.ReplicaWaits >= 20, $"{reads.ReplicaWaits} reads waited for the standby");
            Assert.Equal(0, reads.PrimaryFallbacks);
        }
        finally
        {
            await SetAsync(pair.StandbyConnectionString, "ALTER SYSTEM RESET recovery_min_apply_delay");
            await SetAsync(pair.ConnectionString, "ALTER SYSTEM RESET synchronous_commit");
        }
    }

    /// <summary>Expected and reported of the one completeness group of county 141121 in 2024.</summary>
    private static async Task<(int Expected, int Reported)> CompletenessAsync(HttpClient client)
    {
        var response = await client.GetAsync("/v1/completeness?year=2024&region=141121");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var group = Assert.Single((await response.ReadObjectAsync())["groups"]!.AsArray())!;
        return ((int)group["expected"]!, (int)group["reported"]!);
    }

    /// <summary>
    /// Alternately a township government's report and a department's registration, each followed at once by completeness:
    /// it must count each (reported + 1, expected + 1).
    /// </summary>
    private static async Task WriteAndCountAsync(HttpClient client, HttpClient registrar, List<string> townships, int from, int count, (int Expected, int Reported) counts)
    {
        for (var i = from; i < from + count; i++)
        {
            if (i % 2 == 0)
            {
                var township = townships[i / 2];
                var report = ReportGenerator.Generate(new Random(i), "2021", 2024, ReportGenerator.MakeCreditCode("141121", new Random(1000 + i)), township);
                report["agency"]!["level"] = "township";
                report["agency"]!["kind"] = "government";
                await client.SubmitAcceptedAsync(report);
                counts.Reported++;
            }
            else
            {
                var body = AgenciesTests.Agency(name: "文水县测试局" + i.ToString(CultureInfo.InvariantCulture), region: "141121", firstYear: 2024);
                Assert.Equal(HttpStatusCode.Created, (await AgenciesTests.PutAsync(registrar, ReportGenerator.MakeCreditCode("141121", new Random(2000 + i)), body)).StatusCode);
                counts.Expected++;
            }

            Assert.Equal(counts, await CompletenessAsync(client));
        }
    }

    [Fact]
    public async Task Completeness_read_from_the_standby_counts_the_report_or_registration_accepted_just_before_it_also_when_the_standby_lags()
    {
        await using var service = new ReplicaServiceFactory(pair.ConnectionString, pair.StandbyConnectionString);
        var client = service.CreateClient();
        var registrar = service.CreateClient(ServiceFactory.Token(scopes: "agencies:write", regions: ["14"]));
        var reads = service.Services.GetRequiredService<AggregateReadSource>();
        var townships = (await (await client.GetAsync("/v1/regions?parent=141121")).ReadObjectAsync())["items"]!.AsArray().Select(i => (string)i!["code"]!).ToList();
        Assert.True(townships.Count >= 8, $"{townships.Count} townships");

        // The first request loads the year on the standby; each request after a write reloads the region there.
        var counts = await CompletenessAsync(client);
        Assert.Equal(0, counts.Reported);
        await WriteAndCountAsync(client, registrar, townships, 0, 8, counts);
        Assert.Equal(9, reads.ReplicaReads);
        Assert.Equal(0, reads.PrimaryFallbacks);

        await SetAsync(pair.ConnectionString, "ALTER SYSTEM SET synchronous_commit = 'on'");
        await SetAsync(pair.StandbyConnectionString, "ALTER SYSTEM SET recovery_min_apply_delay = '100ms'");
        try
        {
            counts = await CompletenessAsync(client);
            await WriteAndCountAsync(client, registrar, townships, 8, 8, counts);
            Assert.True(reads.ReplicaWaits >= 4, $"{reads.ReplicaWaits} reads waited for the standby");
            Assert.Equal(0, reads.PrimaryFallbacks);
        }
        finally
        {
            await SetAsync(pair.StandbyConnectionString, "ALTER SYSTEM RESET recovery_min_apply_delay");
            await SetAsync(pair.ConnectionString, "ALTER SYSTEM RESET synchronous_commit");
        }
    }
}
