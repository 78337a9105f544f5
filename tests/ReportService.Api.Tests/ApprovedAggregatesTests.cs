using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using ReportService.Statutory.Tables;
using ReportService.TestSupport;

namespace ReportService.Api.Tests;

/// <summary>
/// <c>reviewStatus=approved</c> on the aggregates (issue 16, ADR 17): through a sequence of approvals, returns,
/// corrections of returned reports and decisions that change nothing, every approved-only answer (JSON, CSV, outcomes),
/// asked of two service processes sharing one database after each step, equals the sums computed here from the
/// submitted JSON of the reports approved at that moment. Both processes keep the answers cached between steps, so
/// each step's answers are brought forward by the review's change-log rows.
/// </summary>
public sealed class ApprovedAggregatesTests(ServiceFactory first) : IClassFixture<ServiceFactory>
{
    private const string Query = "region=14&year=2023&groupBy=county";

    private static readonly string ReviewerToken = ServiceFactory.Token(scopes: "reports:review", regions: ["14"], subject: "office-14");

    private static JsonObject Make(int n, string township, string kind)
    {
        var report = ReportGenerator.Generate(new Random(900 + n), "2021", 2023, ReportGenerator.MakeCreditCode(township[..6], new Random(9900 + n)), township);
        report["agency"]!["level"] = "township";
        report["agency"]!["kind"] = kind;
        return report;
    }

    private static long N(JsonNode node) => long.Parse(node.ToJsonString(), CultureInfo.InvariantCulture);

    private static string County(JsonObject report) => ((string)report["agency"]!["regionCode"]!)[..6];

    private static async Task ReviewAsync(HttpClient reviewer, Guid id, int revision, string decision)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/reports/{id}/reviews")
        {
            Content = Http.Json(new JsonObject { ["decision"] = decision, ["comment"] = decision == "returned" ? "table 3 does not match the published page" : null }),
        };
        request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{revision}\""));
        var response = await reviewer.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Every process's approved-only answers equal the sums of <paramref name="approved"/> (JSON: every table 3 cell; CSV; outcomes).</summary>
    private static async Task AssertApprovedAsync(HttpClient[] clients, IReadOnlyCollection<JsonObject> approved, string when)
    {
        var byCounty = approved.GroupBy(County).ToDictionary(g => g.Key, g => g.ToList());
        for (var p = 0; p < clients.Length; p++)
        {
            var groups = (await (await clients[p].GetAsync("/v1/aggregates?reviewStatus=approved&" + Query)).ReadObjectAsync())["groups"]!.AsArray();
            Assert.True(byCounty.Keys.Order().SequenceEqual(groups.Select(g => (string)g!["key"]!["county"]!)), $"{when}, process {p}: counties {groups.ToJsonString()}");
            foreach (var group in groups)
            {
                var reports = byCounty[(string)group!["key"]!["county"]!];
                Assert.Equal(reports.Count, (int)group["reportCount"]!);
                foreach (var pointer in Table3.Rows2021.SelectMany(row => Table3.Columns.Select(row.CellPointer)))
                {
                    var sum = reports.Sum(r => N(r.Get(pointer)!));
                    Assert.True(sum == N(group.Get(pointer)!), $"{when}, process {p}: {pointer} expected {sum}, got {group.Get(pointer)}");
                }
            }

            using var csvRequest = new HttpRequestMessage(HttpMethod.Get, "/v1/aggregates?reviewStatus=approved&" + Query);
            csvRequest.Headers.Accept.ParseAdd("text/csv");
            var lines = (await (await clients[p].SendAsync(csvRequest)).Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
            var header = lines[0].Split(',');
            var receivedRow = Table3.Rows2021.Single(r => r.Role == Table3RowRole.Received);
            var total = Table3.Columns[Table3.TotalColumn];
            var received = Array.IndexOf(header, $"表三·{receivedRow.Label.Chinese}·{total.Label.Chinese}");
            Assert.True(received > 0, lines[0]);
            Assert.Equal(byCounty.Count, lines.Length - 1);
            foreach (var line in lines.Skip(1).Select(l => l.Split(',')))
            {
                var reports = byCounty[line[0]];
                Assert.Equal(reports.Count, long.Parse(line[Array.IndexOf(header, "报告数")], CultureInfo.InvariantCulture));
                Assert.Equal(reports.Sum(r => N(r.Get(receivedRow.CellPointer(total))!)), long.Parse(line[received], CultureInfo.InvariantCulture));
            }

            var outcomes = (await (await clients[p].GetAsync("/v1/aggregates/outcomes?reviewStatus=approved&" + Query)).ReadObjectAsync())["rows"]!.AsArray();
            foreach (var (county, reports) in byCounty)
            {
                var disclosed = outcomes.Single(r => (string)r!["key"]!["county"]! == county && (string)r["category"]! == "disclosed")!;
                Assert.Equal(reports.Sum(r => N(r.Get("/requests/outcomes/disclosed/total")!)), N(disclosed["value"]!));
            }

            Assert.Equal(byCounty.Count * 25, outcomes.Count);
        }
    }

    [Fact]
    public async Task Approved_only_answers_follow_every_review_and_correction_exactly_in_either_process()
    {
        await using var second = new ServiceFactory.Sharing(first.ConnectionString);
        var clients = new[] { first.CreateClient(), second.CreateClient() };
        var reviewers = new[] { first.CreateClient(ReviewerToken), second.CreateClient(ReviewerToken) };
        var reports = new List<JsonObject>
        {
            Make(1, "141122103", "government"), Make(2, "141122104", "department"), Make(3, "141121101", "government"),
            Make(4, "141121102", "department"), Make(5, "140930104", "government"),
        };
        var ids = new List<Guid>();
        foreach (var report in reports)
        {
            ids.Add(await clients[0].SubmitAcceptedAsync(report));
        }

        var approved = new Dictionary<int, JsonObject>();
        // Nothing approved: no group. Asking caches the answers in both processes; every later step brings them forward.
        await AssertApprovedAsync(clients, approved.Values, "before any review");

        await ReviewAsync(reviewers[0], ids[0], 1, "approved");
        approved[0] = reports[0];
        await AssertApprovedAsync(clients, approved.Values, "report 0 approved on process 0");

        await ReviewAsync(reviewers[1], ids[1], 1, "approved");
        await ReviewAsync(reviewers[0], ids[2], 1, "approved");
        approved[1] = reports[1];
        approved[2] = reports[2];
        await AssertApprovedAsync(clients, approved.Values, "reports 1 and 2 approved on processes 1 and 0");

        await ReviewAsync(reviewers[1], ids[1], 1, "returned");
        approved.Remove(1);
        await AssertApprovedAsync(clients, approved.Values, "report 1 returned on process 1");

        // The returned report is corrected (it becomes pending): the approved view does not change ...
        var corrected = Make(11, "141122104", "department");
        corrected["agency"]!["creditCode"] = reports[1]["agency"]!["creditCode"]!.DeepClone();
        Assert.Equal(HttpStatusCode.OK, (await clients[0].CorrectAsync(ids[1], corrected, "\"1\"")).StatusCode);
        await AssertApprovedAsync(clients, approved.Values, "report 1 corrected");

        // ... until its new revision is approved: the new numbers count, not the old ones.
        await ReviewAsync(reviewers[1], ids[1], 2, "approved");
        approved[1] = corrected;
        await AssertApprovedAsync(clients, approved.Values, "report 1's correction approved on process 1");

        // Decisions that change nothing in the approved view: approving an approved report again, returning a pending one.
        await ReviewAsync(reviewers[0], ids[0], 1, "approved");
        await ReviewAsync(reviewers[0], ids[3], 1, "returned");
        await AssertApprovedAsync(clients, approved.Values, "report 0 approved again, report 3 returned while pending");

        // The migration's backfill, run again over this state, rebuilds approved_rollups as the reviews kept it (how to
        // rebuild it after a hand change, docs/operations.md).
        Assert.Equal(await ApprovedRollupsAsync(rebuild: false), await ApprovedRollupsAsync(rebuild: true));

        // Every report is counted without the filter, report 1 with its correction.
        var all = (await (await clients[1].GetAsync("/v1/aggregates?" + Query)).ReadObjectAsync())["groups"]!.AsArray();
        Assert.Equal(5, all.Sum(g => (int)g!["reportCount"]!));
        Assert.Equal(
            reports.Where((_, i) => i != 1).Append(corrected).Where(r => County(r) == "141122").Sum(r => N(r.Get("/requests/received/total")!)),
            N(all.Single(g => (string)g!["key"]!["county"]! == "141122")!.Get("/requests/received/total")!));
    }

    /// <summary>
    /// The non-empty logical rows of approved_rollups (shards summed) as text; with <paramref name="rebuild"/>, after
    /// emptying it and running the backfill of its migration, in a transaction rolled back afterwards.
    /// </summary>
    private async Task<string> ApprovedRollupsAsync(bool rebuild)
    {
        await using var connection = new Npgsql.NpgsqlConnection(first.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        if (rebuild)
        {
            var script = ReportService.Api.Persistence.Migrations.MigrationScripts.Read("20261206050000_ApprovedRollups.sql");
            await using var backfill = new Npgsql.NpgsqlCommand("DELETE FROM approved_rollups; " + script[script.IndexOf("DO $$", StringComparison.Ordinal)..], connection, transaction);
            await backfill.ExecuteNonQueryAsync();
        }

        var sums = string.Join(", ", ReportService.Api.Persistence.CellColumns.All.Select(c => $"trim_scale(sum({c.Name}))"));
        await using var command = new Npgsql.NpgsqlCommand(
            "SELECT coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '') FROM (SELECT grain, region_code, year, level, kind, scope, format, sum(report_count), " + sums +
            " FROM approved_rollups GROUP BY 1, 2, 3, 4, 5, 6, 7 HAVING sum(report_count) <> 0) t", connection, transaction);
        var text = (string)(await command.ExecuteScalarAsync())!;
        await transaction.RollbackAsync();
        Assert.NotEqual("", text);
        return text;
    }

    [Fact]
    public async Task An_aggregate_etag_from_before_a_review_is_not_current_after_it()
    {
        var client = first.CreateClient();
        var id = await client.SubmitAcceptedAsync(Make(20, "141122105", "government"));
        var before = await client.GetAsync("/v1/aggregates?reviewStatus=approved&region=141122105");
        var tag = before.Headers.ETag!;
        using var revalidate = new HttpRequestMessage(HttpMethod.Get, "/v1/aggregates?reviewStatus=approved&region=141122105");
        revalidate.Headers.IfNoneMatch.Add(tag);
        Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(revalidate)).StatusCode);

        await ReviewAsync(first.CreateClient(ReviewerToken), id, 1, "approved");
        using var after = new HttpRequestMessage(HttpMethod.Get, "/v1/aggregates?reviewStatus=approved&region=141122105");
        after.Headers.IfNoneMatch.Add(tag);
        var response = await client.SendAsync(after);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, (int)(await response.ReadObjectAsync())["groups"]![0]!["reportCount"]!);
    }

    /// <summary>
    /// A miss runs its sums after its sync (ADR 11): a review committed in between must be taken away again, or the
    /// answer kept for the sync would count the review twice once the sync's successor brings it forward. The review
    /// commits after a snapshot taken here and before the sums are read at that snapshot.
    /// </summary>
    [Fact]
    public async Task Approved_sums_read_at_an_earlier_snapshot_leave_out_a_review_committed_since()
    {
        var client = first.CreateClient();
        var id = await client.SubmitAcceptedAsync(Make(30, "141122106", "government"));
        var regions = first.Services.GetRequiredService<ReportService.Api.Features.Regions.RegionDirectory>();
        Assert.True(ReportService.Api.Features.Aggregates.AggregateFilter.TryParse(
            new ReportService.Api.Features.Aggregates.AggregateRequest { Region = "141122106", ReviewStatus = "approved" }, regions, false, out var filter, out _));
        await using var connection = new Npgsql.NpgsqlConnection(first.ConnectionString);
        await connection.OpenAsync();
        string snapshot;
        await using (var command = new Npgsql.NpgsqlCommand("SELECT pg_current_snapshot()::text", connection))
        {
            snapshot = (string)(await command.ExecuteScalarAsync())!;
        }

        await ReviewAsync(first.CreateClient(ReviewerToken), id, 1, "approved");
        var atSnapshot = await ReportService.Api.Features.Aggregates.AggregateQuery.RunAtAsync(connection, filter, snapshot, CancellationToken.None);
        Assert.True(atSnapshot.Exact);
        Assert.Equal(0, atSnapshot.Rows.Single().ReportCount);
        var now = await ReportService.Api.Features.Aggregates.AggregateQuery.RunAtAsync(connection, filter, null, CancellationToken.None);
        Assert.Equal(1, now.Rows.Single().ReportCount);
    }

    [Theory]
    [InlineData("/v1/aggregates?reviewStatus=pending")]
    [InlineData("/v1/aggregates?reviewStatus=Approved")]
    [InlineData("/v1/aggregates/outcomes?reviewStatus=returned")]
    [InlineData("/v1/aggregates/outcomes?reviewStatus=")]
    public async Task Any_other_review_status_is_a_400_naming_the_parameter(string path)
    {
        var problem = await (await first.CreateClient().GetAsync(path)).AssertProblemAsync(400);
        Assert.Equal("reviewStatus", (string)problem["parameter"]!);
    }
}
