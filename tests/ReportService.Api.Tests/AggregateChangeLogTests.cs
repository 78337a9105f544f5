using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ReportService.Api.Persistence;
using ReportService.TestSupport;

namespace ReportService.Api.Tests;

/// <summary>The aggregate change log itself (ADR 11): what a write logs, and pruning that a process has not caught up with.</summary>
public sealed class AggregateChangeLogTests(ServiceFactory factory) : IClassFixture<ServiceFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private static JsonObject ReportIn(string township, int seed) =>
        ReportGenerator.Generate(new Random(seed), "2021", 2022, ReportGenerator.MakeCreditCode(township[..6], new Random(seed)), township);

    private async Task<long> CountAsync(string region)
    {
        var response = await _client.GetAsync($"/v1/aggregates?region={region}&year=2022");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return long.Parse(Assert.Single((await response.ReadObjectAsync())["groups"]!.AsArray())!["reportCount"]!.ToJsonString(), CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task A_correction_logs_the_old_revision_negative_and_the_new_one_positive_each_under_its_own_region_and_level()
    {
        var report = ReportIn("141123101", 1);
        var id = await _client.SubmitAcceptedAsync(report);
        var moved = report.DeepClone().Set("/agency/regionCode", "141123").Set("/agency/level", "county");
        Assert.Equal(HttpStatusCode.OK, (await _client.CorrectAsync(id, moved, "\"1\"")).StatusCode);

        await using var connection = new NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT region_code, level, report_count, cells[array_position(@names, 't3_received_total')] FROM aggregate_changes " +
            "WHERE starts_with(region_code, '141123') ORDER BY xid, report_count", connection);
        command.Parameters.AddWithValue("names", CellColumns.All.Select(c => c.Name).ToArray());
        var rows = new List<(string, string, long, decimal)>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                rows.Add((reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetDecimal(3)));
            }
        }

        var received = decimal.Parse(report.Get("/requests/received/total")!.ToJsonString(), CultureInfo.InvariantCulture);
        Assert.Equal(
            [("141123101", "township", 1L, received), ("141123101", "township", -1L, -received), ("141123", "county", 1L, received)],
            rows);
    }

    [Fact]
    public async Task A_process_whose_log_position_was_pruned_recomputes_instead_of_missing_the_pruned_writes()
    {
        const string region = "141124101";
        await using var other = new SecondProcess(factory.ConnectionString, new NpgsqlConnectionStringBuilder(factory.ConnectionString).Database!);
        var writer = other.CreateClient(); // started (and its start-up reset logged) before this process caches the answer
        Assert.Equal(0, await CountAsync(region));

        // The other process writes, and the log is pruned past the write before this process reads the log again.
        await writer.SubmitAcceptedAsync(ReportIn(region, 2));
        var dataSource = factory.Services.GetRequiredService<NpgsqlDataSource>();
        // The horizon trails the oldest transaction running in the whole cluster (other test classes write meanwhile):
        // prune until the write's row is gone.
        for (var attempt = 0; await factory.ScalarAsync<long>("SELECT count(*) FROM aggregate_changes WHERE region_code = '141124101'") > 0; attempt++)
        {
            Assert.True(attempt < 200, "the write's log row was not pruned within 20 s");
            await AggregateChangePruner.PruneAsync(dataSource, 0, CancellationToken.None);
            await Task.Delay(100);
        }

        Assert.Equal(1, await CountAsync(region));
    }

    private sealed class SecondProcess(string server, string database) : ServiceFactory(server, database);
}
