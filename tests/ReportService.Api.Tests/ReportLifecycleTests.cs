using System.Net;
using System.Text.Json.Nodes;
using ReportService.TestSupport;

namespace ReportService.Api.Tests;

public sealed class ReportLifecycleTests(ServiceFactory factory) : IClassFixture<ServiceFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private static JsonObject Unique(JsonObject report, int seed)
    {
        report["agency"]!["creditCode"] = ReportGenerator.MakeCreditCode(((string)report["agency"]!["regionCode"]!)[..6], new Random(seed));
        return report;
    }

    private Task<long> CountAsync(string table, string creditCode) =>
        factory.ScalarAsync<long>($"SELECT count(*) FROM {table} t JOIN reports r ON r.id = {(table == "reports" ? "t.id" : "t.report_id")} WHERE r.credit_code = @c", ("c", creditCode));

    [Theory]
    [InlineData("001")]
    [InlineData("002")]
    [InlineData("003")]
    public async Task A_seed_goes_through_submit_and_get_with_its_statutory_content_unchanged(string seed)
    {
        var submitted = Seeds.Json(seed);
        var response = await _client.SubmitAsync(submitted);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var accepted = await response.ReadObjectAsync();
        var id = (string)accepted["id"]!;
        Assert.Equal($"/v1/reports/{id}", response.Headers.Location!.OriginalString);
        Assert.Equal("\"1\"", response.Headers.ETag!.Tag);
        Assert.Equal(1, (int)accepted["revision"]!);
        Assert.Equal("accepted", (string)accepted["status"]!);

        var get = await _client.GetAsync(response.Headers.Location);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("\"1\"", get.Headers.ETag!.Tag);
        var stored = await get.ReadObjectAsync();
        Assert.True(JsonNode.DeepEquals(submitted, stored["report"]), stored["report"]!.ToJsonString());
        Assert.Equal(id, (string)stored["id"]!);
        Assert.Equal(accepted["warnings"]!.ToJsonString(), stored["warnings"]!.ToJsonString());
    }

    [Fact]
    public async Task A_report_without_a_date_is_stored_without_one_listed_without_one_and_warned_about()
    {
        var undated = Unique(Seeds.Json("003"), 77);
        var response = await _client.SubmitAsync(undated);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var accepted = await response.ReadObjectAsync();
        var warning = Assert.Single(accepted["warnings"]!.AsArray());
        Assert.Equal("REPORT.PUBLISHED_ON_UNKNOWN", (string)warning!["rule"]!);
        var id = (string)accepted["id"]!;
        Assert.True(await factory.ScalarAsync<bool>("SELECT published_on IS NULL FROM reports WHERE id = @id", ("id", Guid.Parse(id))));

        var stored = await (await _client.GetAsync(response.Headers.Location)).ReadObjectAsync();
        Assert.False(stored["report"]!.AsObject().ContainsKey("publishedOn"));
        var listed = await (await _client.GetAsync($"/v1/reports?creditCode={undated["agency"]!["creditCode"]}")).ReadObjectAsync();
        var item = Assert.Single(listed["items"]!.AsArray())!.AsObject();
        Assert.Equal(id, (string)item["id"]!);
        Assert.False(item.ContainsKey("publishedOn"));
    }

    [Fact]
    public async Task Seed_000_with_its_blanks_filled_is_stored_and_every_cell_lands_in_its_typed_column()
    {
        var report = Seeds.Seed000WithReconsiderationZeros();
        report.Set("/requests/received/naturalPerson", 3).Set("/requests/received/total", 3)
            .Set("/requests/outcomes/disclosed/naturalPerson", 2).Set("/requests/outcomes/disclosed/total", 2)
            .Set("/requests/outcomes/total/naturalPerson", 2).Set("/requests/outcomes/total/total", 2)
            .Set("/requests/carriedForward/naturalPerson", 1).Set("/requests/carriedForward/total", 1)
            .Set("/activeDisclosure/fees/amount", JsonNode.Parse("1.234567"));
        var id = await _client.SubmitAcceptedAsync(report);

        Assert.Equal(3, await factory.ScalarAsync<int>("SELECT t3_received_np FROM report_revisions WHERE report_id = @id", ("id", id)));
        Assert.Equal(1, await factory.ScalarAsync<int>("SELECT t3_carried_forward_total FROM report_revisions WHERE report_id = @id", ("id", id)));
        Assert.Equal(1.234567m, await factory.ScalarAsync<decimal>("SELECT t2v21_fees_amount FROM report_revisions WHERE report_id = @id", ("id", id)));
        Assert.Equal(0, await factory.ScalarAsync<int>("SELECT t4_reconsideration_total FROM report_revisions WHERE report_id = @id", ("id", id)));
        Assert.Equal("141122103", await factory.ScalarAsync<string>("SELECT region_code FROM reports WHERE id = @id", ("id", id)));
    }

    [Fact]
    public async Task Seed_004_is_rejected_with_422_violations_and_nothing_is_stored()
    {
        var response = await _client.SubmitAsync(Seeds.Json("004"));

        var problem = await response.AssertProblemAsync(422);
        var violations = problem["violations"]!.AsArray();
        Assert.Equal(["T3.OUTCOME_TOTAL", "T3.OUTCOME_TOTAL", "T3.BALANCE", "T3.BALANCE"], violations.Select(v => (string)v!["rule"]!));
        Assert.Equal(0, await CountAsync("reports", (string)Seeds.Json("004")["agency"]!["creditCode"]!));
    }

    [Fact]
    public async Task Seed_000_as_printed_is_rejected_for_its_blank_cells()
    {
        var problem = await (await _client.SubmitAsync(Seeds.Json("000"))).AssertProblemAsync(422);
        Assert.All(problem["violations"]!.AsArray(), v => Assert.Equal("CELL.COUNT", (string)v!["rule"]!));
    }

    [Fact]
    public async Task A_second_report_for_the_same_agency_year_and_scope_is_409_naming_the_first()
    {
        var report = Unique(Seeds.Json("002"), 11);
        var id = await _client.SubmitAcceptedAsync(report);

        var problem = await (await _client.SubmitAsync(report)).AssertProblemAsync(409);
        Assert.Equal($"/v1/reports/{id}", (string)problem["existing"]!);

        var otherScope = report.DeepClone().Set("/agency/scope", "regionAggregate");
        Assert.Equal(HttpStatusCode.Created, (await _client.SubmitAsync(otherScope)).StatusCode);
    }

    [Fact]
    public async Task A_retry_with_the_same_idempotency_key_returns_the_first_response()
    {
        var report = Unique(Seeds.Json("001"), 12);
        var first = await _client.SubmitAsync(report, "retry-1");
        var second = await _client.SubmitAsync(report, "retry-1");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.Equal((await first.ReadObjectAsync()).ToJsonString(), (await second.ReadObjectAsync()).ToJsonString());
        Assert.Equal(1, await CountAsync("reports", (string)report["agency"]!["creditCode"]!));
    }

    [Fact]
    public async Task The_same_idempotency_key_with_another_body_is_refused()
    {
        var report = Unique(Seeds.Json("002"), 13);
        Assert.Equal(HttpStatusCode.Created, (await _client.SubmitAsync(report, "reuse-1")).StatusCode);

        var changed = report.DeepClone().Set("/text/overview", "另一份报告");
        var problem = await (await _client.SubmitAsync(changed, "reuse-1")).AssertProblemAsync(422);
        Assert.Contains("idempotency", (string)problem["type"]!, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Parallel_identical_submissions_end_as_one_report(bool withKey)
    {
        var report = Unique(Seeds.Json("003"), withKey ? 14 : 15);
        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ =>
            factory.CreateClient().SubmitAsync(report, withKey ? "parallel-key" : null)));

        var created = responses.Count(r => r.StatusCode == HttpStatusCode.Created);
        Assert.Equal(withKey ? 12 : 1, created);
        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict));
        Assert.Single(responses.Where(r => r.IsSuccessStatusCode).Select(r => r.Headers.Location).Distinct());
        Assert.Equal(1, await CountAsync("reports", (string)report["agency"]!["creditCode"]!));
        Assert.Equal(1, await CountAsync("report_revisions", (string)report["agency"]!["creditCode"]!));
    }

    [Fact]
    public async Task Two_corrections_leave_a_history_of_three_revisions()
    {
        var original = Unique(Seeds.Json("002"), 16);
        var id = await _client.SubmitAcceptedAsync(original);
        var first = original.DeepClone().Set("/activeDisclosure/licensing/decisions", 5);
        var second = first.DeepClone().Set("/activeDisclosure/licensing/decisions", 7).Set("/publishedOn", "2023-12-30");

        var r2 = await _client.CorrectAsync(id, first, "\"1\"");
        Assert.Equal(HttpStatusCode.OK, r2.StatusCode);
        Assert.Equal("\"2\"", r2.Headers.ETag!.Tag);
        var r3 = await _client.CorrectAsync(id, second, "\"2\"");
        Assert.Equal(HttpStatusCode.OK, r3.StatusCode);
        var accepted = await r3.ReadObjectAsync();
        Assert.Equal(3, (int)accepted["revision"]!);
        Assert.Equal("REPORT.PUBLISHED_BEFORE_PERIOD_END", (string)accepted["warnings"]![0]!["rule"]!);

        var current = await (await _client.GetAsync($"/v1/reports/{id}")).ReadObjectAsync();
        Assert.Equal(3, (int)current["revision"]!);
        Assert.Equal(7, (int)current["report"]!.Get("/activeDisclosure/licensing/decisions")!);

        var history = await (await _client.GetAsync($"/v1/reports/{id}/revisions")).ReadObjectAsync();
        Assert.Equal([1, 2, 3], history["revisions"]!.AsArray().Select(r => (int)r!["revision"]!));
        Assert.Equal(3, (int)history["currentRevision"]!);
        foreach (var (revision, decisions) in new[] { (1, 0), (2, 5), (3, 7) })
        {
            var old = await (await _client.GetAsync($"/v1/reports/{id}/revisions/{revision}")).ReadObjectAsync();
            Assert.Equal(decisions, (int)old["report"]!.Get("/activeDisclosure/licensing/decisions")!);
            Assert.Equal(revision, (int)old["revision"]!);
            Assert.Equal(3, (int)old["currentRevision"]!);
        }

        Assert.Equal(7, await factory.ScalarAsync<int>(
            "SELECT v.t2v21_licensing_decisions FROM reports r JOIN report_revisions v ON v.report_id = r.id AND v.revision = r.current_revision WHERE r.id = @id", ("id", id)));
    }

    [Fact]
    public async Task A_correction_without_if_match_is_428_and_a_stale_one_412()
    {
        var report = Unique(Seeds.Json("002"), 17);
        var id = await _client.SubmitAcceptedAsync(report);

        await (await _client.CorrectAsync(id, report, null)).AssertProblemAsync(428);
        foreach (var unquoted in new[] { "1", "W/1", "revision 1" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, $"/v1/reports/{id}") { Content = Http.Json(report) };
            request.Headers.TryAddWithoutValidation("If-Match", unquoted);
            var problem = await (await _client.SendAsync(request)).AssertProblemAsync(400);
            Assert.Equal("If-Match", (string)problem["parameter"]!);
            Assert.Contains("quotes included", (string)problem["detail"]!, StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.OK, (await _client.CorrectAsync(id, report, "\"1\"")).StatusCode);
        await (await _client.CorrectAsync(id, report, "\"1\"")).AssertProblemAsync(412);
        Assert.Equal(2, await CountAsync("report_revisions", (string)report["agency"]!["creditCode"]!));
    }

    [Fact]
    public async Task A_correction_that_breaks_a_rule_is_422_and_stores_nothing()
    {
        var report = Unique(Seeds.Json("002"), 18);
        var id = await _client.SubmitAcceptedAsync(report);
        var broken = report.DeepClone().Set("/requests/received/naturalPerson", 4);

        var problem = await (await _client.CorrectAsync(id, broken, "\"1\"")).AssertProblemAsync(422);
        Assert.Contains(problem["violations"]!.AsArray(), v => (string)v!["rule"]! == "T3.ROW_TOTAL");
        Assert.Equal(1, await CountAsync("report_revisions", (string)report["agency"]!["creditCode"]!));
        Assert.Equal("\"1\"", (await _client.GetAsync($"/v1/reports/{id}")).Headers.ETag!.Tag);
    }

    [Fact]
    public async Task A_correction_cannot_move_a_report_to_another_year()
    {
        var report = Unique(Seeds.Json("002"), 19);
        var id = await _client.SubmitAcceptedAsync(report);
        var moved = report.DeepClone().Set("/year", 2022).Set("/publishedOn", "2023-01-10");
        await (await _client.CorrectAsync(id, moved, "\"1\"")).AssertProblemAsync(422);
    }

    [Fact]
    public async Task Unknown_reports_and_revisions_are_404()
    {
        await (await _client.GetAsync($"/v1/reports/{Guid.NewGuid()}")).AssertProblemAsync(404);
        await (await _client.GetAsync($"/v1/reports/{Guid.NewGuid()}/revisions")).AssertProblemAsync(404);
        await (await _client.CorrectAsync(Guid.NewGuid(), Seeds.Json("002"), "\"1\"")).AssertProblemAsync(404);
        var id = await _client.SubmitAcceptedAsync(Unique(Seeds.Json("002"), 20));
        await (await _client.GetAsync($"/v1/reports/{id}/revisions/2")).AssertProblemAsync(404);
    }

    [Fact]
    public async Task Carry_over_is_checked_against_the_stored_previous_year_on_submit_and_validate()
    {
        var creditCode = ReportGenerator.MakeCreditCode("141122", new Random(21));
        var previous = ReportGenerator.Generate(new Random(1), "2021", 2022, creditCode);
        await _client.SubmitAcceptedAsync(previous);
        var current = ReportGenerator.Generate(new Random(2), "2021", 2023, creditCode);
        var carried = (int)previous.Get("/requests/carriedForward/total")!;
        Assert.NotEqual(carried, (int)current.Get("/requests/carriedOver/total")!);

        var validated = await (await _client.PostAsync("/v1/reports/validate", Http.Json(current))).ReadObjectAsync();
        Assert.Contains(validated["violations"]!.AsArray(), v => (string)v!["rule"]! == "X.CARRY_OVER");

        var accepted = await (await _client.SubmitAsync(current)).ReadObjectAsync();
        var warning = accepted["warnings"]!.AsArray().First(v => (string)v!["rule"]! == "X.CARRY_OVER" && ((string)v!["cells"]![0]!["pointer"]!).EndsWith("/total", StringComparison.Ordinal))!;
        Assert.Equal(carried, (int)warning["expected"]!);
        Assert.Equal("warning", (string)warning["severity"]!);
    }

    [Fact]
    public async Task A_report_shows_todays_cross_year_warnings_beside_the_stored_ones_once_the_previous_year_changes()
    {
        // 2023 is submitted before 2022 exists: no cross-year warning is stored with it.
        var creditCode = ReportGenerator.MakeCreditCode("141122", new Random(22));
        var current = ReportGenerator.Generate(new Random(2), "2021", 2023, creditCode);
        var id = await _client.SubmitAcceptedAsync(current);
        var before = await (await _client.GetAsync($"/v1/reports/{id}")).ReadObjectAsync();
        Assert.DoesNotContain(before["warnings"]!.AsArray(), v => (string)v!["rule"]! == "X.CARRY_OVER");
        Assert.Empty(before["crossYearWarningsNow"]!.AsArray());

        // Then 2022 arrives with another carried-forward count: 2023's stored warnings stay as written (the audit),
        // today's cross-year warnings name the difference.
        var previous = ReportGenerator.Generate(new Random(1), "2021", 2022, creditCode);
        await _client.SubmitAcceptedAsync(previous);
        var after = await (await _client.GetAsync($"/v1/reports/{id}")).ReadObjectAsync();
        Assert.Equal(before["warnings"]!.ToJsonString(), after["warnings"]!.ToJsonString());
        var now = after["crossYearWarningsNow"]!.AsArray();
        Assert.Contains(now, v => (string)v!["rule"]! == "X.CARRY_OVER");
        Assert.All(now, v => Assert.StartsWith("X.", (string)v!["rule"]!, StringComparison.Ordinal));

        // A revision read shows what was stored, and no "now".
        var revision = await (await _client.GetAsync($"/v1/reports/{id}/revisions/1")).ReadObjectAsync();
        Assert.False(revision.ContainsKey("crossYearWarningsNow"));
    }
}
