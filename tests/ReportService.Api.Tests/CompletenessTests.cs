using System.Net;
using System.Text.Json.Nodes;
using ReportService.TestSupport;

namespace ReportService.Api.Tests;

/// <summary>GET /v1/completeness and /missing (issue 16 items 1-2): expected governments from the division reference, on time and late at the deadlines' edges.</summary>
public sealed class CompletenessTests(ServiceFactory factory) : IClassFixture<ServiceFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private static int _seed = 9000;

    private static JsonObject Report(string region, string level, string kind, string scope, string? publishedOn, int year = 2024)
    {
        var seed = Interlocked.Increment(ref _seed);
        var report = ReportGenerator.Generate(new Random(seed), "2021", year, ReportGenerator.MakeCreditCode(region[..6], new Random(seed)), region);
        report.Set("/agency/level", level).Set("/agency/kind", kind).Set("/agency/scope", scope);
        if (publishedOn is null)
        {
            report.Remove("publishedOn");
        }
        else
        {
            report["publishedOn"] = publishedOn;
        }

        return report;
    }

    private async Task<List<string>> TownshipsOfAsync(string county) =>
        [.. (await (await _client.GetAsync($"/v1/regions?parent={county}")).ReadObjectAsync())["items"]!.AsArray().Select(i => (string)i!["code"]!)];

    private static JsonObject Group(JsonObject answer, string level, string scope) =>
        answer["groups"]!.AsArray().Select(g => g!.AsObject()).Single(g => (string)g["key"]!["level"]! == level && (string)g["key"]!["scope"]! == scope);

    [Fact]
    public async Task A_countys_governments_are_expected_and_counted_on_time_or_late_at_the_deadlines_edges()
    {
        const string county = "141122";
        var townships = await TownshipsOfAsync(county);
        Assert.True(townships.Count > 4);
        await _client.SubmitAcceptedAsync(Report(townships[0], "township", "government", "agency", "2025-01-31")); // the deadline day: on time
        await _client.SubmitAcceptedAsync(Report(townships[1], "township", "government", "agency", "2025-02-01")); // a day late
        await _client.SubmitAcceptedAsync(Report(townships[2], "township", "government", "agency", null));         // no date: first submitted 2026-06-01, late
        await _client.SubmitAcceptedAsync(Report(townships[3], "township", "department", "agency", "2025-01-10")); // a department: learned from its report, counted under kind department
        await _client.SubmitAcceptedAsync(Report(county, "county", "government", "agency", "2025-03-31"));         // a county government: 31 March
        await _client.SubmitAcceptedAsync(Report(county, "county", "government", "regionAggregate", "2025-02-21")); // the county's aggregate: 20 February

        var answer = await (await _client.GetAsync($"/v1/completeness?year=2024&region={county}&groupBy=level,scope&kind=government")).ReadObjectAsync();
        Assert.Contains("publishedOn", (string)answer["timeliness"]!, StringComparison.Ordinal);
        var township = Group(answer, "township", "agency");
        Assert.Equal(
            (townships.Count, 3, 1, 2, townships.Count - 3, 1),
            ((int)township["expected"]!, (int)township["reported"]!, (int)township["onTime"]!, (int)township["late"]!, (int)township["missing"]!, (int)township["judgedBySubmission"]!));
        Assert.Equal(Math.Round(3.0 / townships.Count, 6), (double)township["reportedRate"]!);
        var own = Group(answer, "county", "agency");
        Assert.Equal((1, 1, 1, 0), ((int)own["expected"]!, (int)own["reported"]!, (int)own["onTime"]!, (int)own["late"]!));
        var aggregate = Group(answer, "county", "regionAggregate");
        Assert.Equal((1, 1, 0, 1), ((int)aggregate["expected"]!, (int)aggregate["reported"]!, (int)aggregate["onTime"]!, (int)aggregate["late"]!));
        Assert.Equal(3, answer["groups"]!.AsArray().Count);

        // By township: one group per township, each expecting its government's own report.
        var byTownship = await (await _client.GetAsync($"/v1/completeness?year=2024&region={county}&groupBy=township&scope=agency&kind=government")).ReadObjectAsync();
        var rows = byTownship["groups"]!.AsArray().Where(g => g!["key"]!["township"] is not null).ToList();
        Assert.Equal(townships.Count, rows.Count);
        Assert.All(rows, r => Assert.Equal(1, (int)r!["expected"]!));
        Assert.Equal(townships.Take(3).ToHashSet(), rows.Where(r => (int)r!["reported"]! == 1).Select(r => (string)r!["key"]!["township"]!).ToHashSet());

        // Who is missing, page by page: every other township, and nothing else.
        var missing = new List<string>();
        string? cursor = null;
        do
        {
            var page = await (await _client.GetAsync($"/v1/completeness/missing?year=2024&region={county}&limit=3{(cursor is null ? "" : "&cursor=" + cursor)}")).ReadObjectAsync();
            missing.AddRange(page["items"]!.AsArray().Select(i => $"{(string)i!["regionCode"]!}/{(string)i["scope"]!}"));
            cursor = (string?)page["nextCursor"];
        }
        while (cursor is not null);
        Assert.Equal(townships.Skip(3).Select(t => $"{t}/agency").ToList(), missing);

        // Fresh: the next report is counted by the next request.
        await _client.SubmitAcceptedAsync(Report(townships[4], "township", "government", "agency", "2025-01-02"));
        var after = Group(await (await _client.GetAsync($"/v1/completeness?year=2024&region={county}&groupBy=level,scope&kind=government")).ReadObjectAsync(), "township", "agency");
        Assert.Equal((4, 2), ((int)after["reported"]!, (int)after["onTime"]!));
    }

    [Fact]
    public async Task Several_years_are_counted_per_year_with_groupBy_year_and_summed_without_it()
    {
        const string county = "330106";
        var townships = await TownshipsOfAsync(county);
        Assert.True(townships.Count > 2);
        await _client.SubmitAcceptedAsync(Report(townships[0], "township", "government", "agency", "2023-01-20", 2022)); // on time
        await _client.SubmitAcceptedAsync(Report(townships[0], "township", "government", "agency", "2024-01-05", 2023)); // on time
        await _client.SubmitAcceptedAsync(Report(townships[1], "township", "government", "agency", "2024-02-05", 2023)); // late
        const string filters = $"region={county}&scope=agency&kind=government";

        var byYear = await (await _client.GetAsync($"/v1/completeness?fromYear=2022&toYear=2023&{filters}&groupBy=year,level")).ReadObjectAsync();
        Assert.Equal((2022, 2023), ((int)byYear["year"]!, (int)byYear["toYear"]!));
        JsonObject Row(JsonObject answer, string year) =>
            answer["groups"]!.AsArray().Select(g => g!.AsObject()).Single(g => (string?)g["key"]!["year"] == year && (string)g["key"]!["level"]! == "township");
        Assert.Equal((townships.Count, 1, 1, 0), Counts(Row(byYear, "2022")));
        Assert.Equal((townships.Count, 2, 1, 1), Counts(Row(byYear, "2023")));
        Assert.Equal(4, byYear["groups"]!.AsArray().Count); // township and county governments, each year

        // Each year's rows are that year's own answer.
        foreach (var year in new[] { "2022", "2023" })
        {
            var single = await (await _client.GetAsync($"/v1/completeness?year={year}&{filters}&groupBy=level")).ReadObjectAsync();
            var township = single["groups"]!.AsArray().Select(g => g!.AsObject()).Single(g => (string)g["key"]!["level"]! == "township");
            Assert.Equal(Counts(township), Counts(Row(byYear, year)));
            Assert.Equal((int)single["year"]!, (int)single["toYear"]!);
        }

        // Without groupBy=year a group counts its reporters once per year.
        var summed = await (await _client.GetAsync($"/v1/completeness?fromYear=2022&toYear=2023&{filters}&level=township")).ReadObjectAsync();
        var all = summed["groups"]!.AsArray().Single()!.AsObject();
        Assert.Equal((2 * townships.Count, 3, 2, 1), Counts(all));

        static (int, int, int, int) Counts(JsonObject g) => ((int)g["expected"]!, (int)g["reported"]!, (int)g["onTime"]!, (int)g["late"]!);
    }

    [Theory]
    [InlineData("fromYear=2022", "toYear")]
    [InlineData("toYear=2022", "fromYear")]
    [InlineData("year=2022&fromYear=2021&toYear=2022", "year")]
    [InlineData("fromYear=2023&toYear=2022", "fromYear")]
    [InlineData("fromYear=2020&toYear=2030", "toYear")]
    [InlineData("fromYear=1900&toYear=2022", "fromYear")]
    [InlineData("region=14", "year")]
    [InlineData("year=1900", "year")]
    [InlineData("year=2024&region=99", "region")]
    [InlineData("year=2024&scope=all", "scope")]
    [InlineData("year=2024&groupBy=planet", "groupBy")]
    public async Task A_bad_completeness_query_is_400_naming_the_parameter(string query, string parameter)
    {
        var problem = await (await _client.GetAsync("/v1/completeness?" + query)).AssertProblemAsync(400);
        Assert.Equal(parameter, (string)problem["parameter"]!);
    }

    [Theory]
    [InlineData("year=2024&limit=0", "limit")]
    [InlineData("year=2024&cursor=garbage", "cursor")]
    public async Task A_bad_missing_query_is_400_naming_the_parameter(string query, string parameter)
    {
        var problem = await (await _client.GetAsync("/v1/completeness/missing?" + query)).AssertProblemAsync(400);
        Assert.Equal(parameter, (string)problem["parameter"]!);
    }

    [Fact]
    public async Task The_nation_by_province_expects_every_provinces_governments()
    {
        var answer = await (await _client.GetAsync("/v1/completeness?year=2023&groupBy=province")).ReadObjectAsync();
        var groups = answer["groups"]!.AsArray();
        var provinces = (await (await _client.GetAsync("/v1/regions")).ReadObjectAsync())["items"]!.AsArray().Count;
        Assert.Equal(provinces, groups.Count);
        Assert.All(groups, g => Assert.True((int)g!["expected"]! >= 2));
        Assert.Equal(HttpStatusCode.OK, (await factory.CreateClient(token: null).GetAsync("/v1/completeness?year=2023")).StatusCode);
    }

    [Fact]
    public async Task With_reviewStatus_approved_only_approved_reports_count()
    {
        const string county = "141121";
        var townships = await TownshipsOfAsync(county);
        var approved = await _client.SubmitAcceptedAsync(Report(townships[0], "township", "government", "agency", "2025-01-20"));
        await _client.SubmitAcceptedAsync(Report(townships[1], "township", "government", "agency", "2025-01-20"));
        var reviewer = factory.CreateClient(ServiceFactory.Token(scopes: "reports:review", regions: [county]));
        using var review = new HttpRequestMessage(HttpMethod.Post, $"/v1/reports/{approved}/reviews") { Content = Http.Json(new JsonObject { ["decision"] = "approved" }) };
        review.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue("\"1\""));
        Assert.Equal(HttpStatusCode.OK, (await reviewer.SendAsync(review)).StatusCode);

        async Task<int> ReportedAsync(string extra) => (int)Group(
            await (await _client.GetAsync($"/v1/completeness?year=2024&region={county}&groupBy=level,scope{extra}")).ReadObjectAsync(), "township", "agency")["reported"]!;
        Assert.Equal((2, 1), (await ReportedAsync(""), await ReportedAsync("&reviewStatus=approved")));
        var missing = await (await _client.GetAsync($"/v1/completeness/missing?year=2024&region={county}&scope=agency&reviewStatus=approved&limit=1000")).ReadObjectAsync();
        Assert.Equal(townships.Count - 1, missing["items"]!.AsArray().Count(i => ((string)i!["regionCode"]!).Length == 9));
        var problem = await (await _client.GetAsync("/v1/completeness?year=2024&reviewStatus=pending")).AssertProblemAsync(400);
        Assert.Equal("reviewStatus", (string)problem["parameter"]!);
    }
}
