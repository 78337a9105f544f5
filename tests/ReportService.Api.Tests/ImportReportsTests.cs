using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using ReportService.TestSupport;

namespace ReportService.Api.Tests;

public sealed class ImportReportsTests(ServiceFactory factory) : IClassFixture<ServiceFactory>
{
    private const string Route = "/v1/reports/batch";
    private readonly HttpClient _client = factory.CreateClient();

    private static ByteArrayContent Ndjson(IEnumerable<string> lines)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n"));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
        return content;
    }

    private static JsonObject Report(int seed, int year = 2023) =>
        ReportGenerator.Generate(new Random(seed), "2021", year, ReportGenerator.MakeCreditCode("141122", new Random(1000 + seed)));

    [Fact]
    public async Task A_batch_mixing_valid_invalid_malformed_and_duplicate_lines_answers_each_line()
    {
        var alreadyStored = Report(1);
        var storedId = await _client.SubmitAcceptedAsync(alreadyStored);
        var valid = Report(2);
        var withWarning = Report(3).Set("/publishedOn", "2023-12-01");
        var invalid = Report(4).Set("/requests/received/total", 999);
        var lines = new[]
        {
            valid.ToJsonString(),                         // 1 accepted
            "",                                           // 2 blank: skipped
            invalid.ToJsonString(),                       // 3 rejected: T3.ROW_TOTAL
            "{\"format\":\"2021\",\"year\":\"x\"}",       // 4 rejected: not a report
            alreadyStored.ToJsonString(),                 // 5 duplicate of a stored report
            valid.ToJsonString(),                         // 6 duplicate of line 1
            withWarning.ToJsonString(),                   // 7 accepted with a warning
            "not json",                                   // 8 rejected
        };

        var response = await _client.PostAsync(Route, Ndjson(lines));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadObjectAsync();
        Assert.Equal((2, 3, 2), ((int)body["accepted"]!, (int)body["rejected"]!, (int)body["duplicates"]!));
        var answers = body["lines"]!.AsArray().Select(l => l!.AsObject()).ToArray();
        Assert.Equal([1, 3, 4, 5, 6, 7, 8], answers.Select(a => (int)a["line"]!));
        Assert.Equal(["accepted", "rejected", "rejected", "duplicate", "duplicate", "accepted", "rejected"], answers.Select(a => (string)a["status"]!));
        Assert.Contains(answers[1]["violations"]!.AsArray(), v => (string)v!["rule"]! == "T3.ROW_TOTAL");
        Assert.Equal("/year", (string)answers[2]["pointer"]!);
        Assert.Equal(storedId.ToString(), (string)answers[3]["id"]!);
        Assert.Equal(1, (int)answers[4]["duplicateOfLine"]!);
        Assert.Equal("REPORT.PUBLISHED_BEFORE_PERIOD_END", (string)answers[5]["violations"]![0]!["rule"]!);

        var id = (string)answers[0]["id"]!;
        var stored = await (await _client.GetAsync($"/v1/reports/{id}")).ReadObjectAsync();
        Assert.True(JsonNode.DeepEquals(valid, stored["report"]));
        Assert.Equal((int)valid.Get("/requests/received/total")!, await factory.ScalarAsync<int>(
            "SELECT t3_received_total FROM report_revisions WHERE report_id = @id", ("id", Guid.Parse(id))));
        Assert.Equal(0L, await factory.ScalarAsync<long>("SELECT count(*) FROM reports WHERE credit_code = @c",
            ("c", (string)invalid["agency"]!["creditCode"]!)));
    }

    /// <summary>
    /// Issue 16: a batch's rule messages follow Accept-Language as a single submission's do (Chinese by default, English
    /// with en). A line's problem (not a report, not granted) is the English detail of the single submission's 400 or
    /// 403, which no endpoint translates.
    /// </summary>
    [Theory]
    [InlineData(null)]
    [InlineData("en")]
    [InlineData("zh-CN, en;q=0.5")]
    public async Task A_batch_answers_its_rule_messages_in_the_callers_language_like_a_single_submission(string? language)
    {
        // A department's report (a government's is one per region and year) of its own for each case.
        var seed = 600 + (10 * (language?.Length ?? 0));
        var invalid = Report(seed).Set("/requests/received/total", 999);
        var warned = Report(seed + 1).Set("/publishedOn", "2023-12-01").Set("/agency/kind", "department");
        var wrongFormat = Report(seed + 2).Set("/format", "2030");
        var lines = new[] { invalid, warned, wrongFormat }.Select(r => r.ToJsonString()).Append("not json");
        var batch = new HttpRequestMessage(HttpMethod.Post, Route) { Content = Ndjson(lines) };
        if (language is not null)
        {
            batch.Headers.AcceptLanguage.ParseAdd(language);
        }

        var answers = (await (await _client.SendAsync(batch)).ReadObjectAsync())["lines"]!.AsArray().Select(l => l!.AsObject()).ToList();
        Assert.Equal(["rejected", "accepted", "rejected", "rejected"], answers.Select(a => (string)a["status"]!));
        for (var i = 0; i < 3; i++)
        {
            var single = new HttpRequestMessage(HttpMethod.Post, "/v1/reports/validate") { Content = Http.Json(new[] { invalid, warned, wrongFormat }[i]) };
            if (language is not null)
            {
                single.Headers.AcceptLanguage.ParseAdd(language);
            }

            var response = await _client.SendAsync(single);
            var expected = (response.StatusCode == HttpStatusCode.OK ? await response.ReadObjectAsync() : await response.AssertProblemAsync(422))["violations"]!.AsArray()
                .Select(v => ((string)v!["rule"]!, (string)v["message"]!));
            Assert.Equal(expected, answers[i]["violations"]!.AsArray().Select(v => ((string)v!["rule"]!, (string)v["message"]!)));
        }

        var english = language == "en";
        Assert.Equal(english, answers[0]["violations"]!.AsArray().All(v => ((string)v!["message"]!).All(c => c < 0x3000)));
        Assert.StartsWith("The body is not valid JSON", (string)answers[3]["problem"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_line_without_a_date_is_stored_without_one_and_warned_about()
    {
        var undated = Report(40).RemoveAt("/publishedOn").AsObject();
        var response = await _client.PostAsync(Route, Ndjson([undated.ToJsonString()]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var line = (await response.ReadObjectAsync())["lines"]!.AsArray().Single()!;
        Assert.Equal("accepted", (string)line["status"]!);
        Assert.Contains(line["violations"]!.AsArray(), w => (string)w!["rule"]! == "REPORT.PUBLISHED_ON_UNKNOWN");
        var creditCode = (string)undated["agency"]!["creditCode"]!;
        Assert.True(await factory.ScalarAsync<bool>("SELECT published_on IS NULL FROM reports WHERE credit_code = @c", ("c", creditCode)));
    }

    [Fact]
    public async Task Thousands_of_lines_are_stored_in_one_request()
    {
        var reports = Enumerable.Range(0, 3000).Select(i =>
            ReportGenerator.Generate(new Random(i), "2021", 2021 + (i % 3), ReportGenerator.MakeCreditCode("141122", new Random(50_000 + (i / 3))))).ToList();

        var body = await (await _client.PostAsync(Route, Ndjson(reports.Select(r => r.ToJsonString())))).ReadObjectAsync();

        Assert.Equal(3000, (int)body["accepted"]!);
        var codes = reports.Select(r => (string)r["agency"]!["creditCode"]!).Distinct().ToArray();
        Assert.Equal(3000L, await factory.ScalarAsync<long>("SELECT count(*) FROM reports WHERE credit_code = ANY(@codes)", ("codes", codes)));
        var sample = reports[1234];
        var id = Guid.Parse((string)body["lines"]![1234]!["id"]!);
        Assert.Equal((int)sample.Get("/appeals/litigationDirect/total")!, await factory.ScalarAsync<int>(
            "SELECT t4_litigation_direct_total FROM report_revisions WHERE report_id = @id", ("id", id)));
        // Cross-year rules saw the previous year from the same batch.
        Assert.Contains(body["lines"]!.AsArray(), l => l!["violations"]!.AsArray().Any(v => (string)v!["rule"]! == "X.CARRY_OVER"));
    }

    [Fact]
    public async Task A_batch_that_is_not_ndjson_is_415()
    {
        var named = await (await _client.PostAsync(Route, Http.Json(Seeds.Utf8("002")))).AssertProblemAsync(415);
        Assert.Equal(["application/x-ndjson", "application/jsonl", "application/json-seq"], named["accepted"]!.AsArray().Select(t => (string)t!));
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n\n  \r\n")]
    public async Task A_batch_without_a_report_is_400_and_stores_nothing(string body)
    {
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
        var problem = await (await _client.PostAsync(Route, content)).AssertProblemAsync(400);
        Assert.Contains("no report", (string)problem["detail"]!, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("application/jsonl", "")]
    [InlineData("application/json-seq", "\u001e")]
    public async Task Json_lines_and_json_text_sequences_are_imported_like_ndjson(string mediaType, string recordStart)
    {
        var reports = new[] { Report(50 + recordStart.Length), Report(60 + recordStart.Length) };
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(string.Concat(reports.Select(r => recordStart + r.ToJsonString() + "\n"))));
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        var response = await _client.PostAsync(Route, content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await response.ReadObjectAsync();
        Assert.Equal(2, (int)answer["accepted"]!);
    }
}
