using System.Net;
using ReportService.TestSupport;

namespace ReportService.Api.Tests;

/// <summary>Seven reports across years, regions and scopes, submitted once for the whole class.</summary>
public sealed class ListReportsFixture : ServiceFactory
{
    public List<Guid> Reports { get; } = [];

    public override async Task InitializeAsync()
    {
        var client = CreateClient();
        var random = new Random(99);
        foreach (var (year, region, scope) in new[]
        {
            (2022, "141122103", "agency"), (2023, "141122103", "agency"), (2023, "141122202", "agency"),
            (2023, "140930104", "agency"), (2023, "410526112", "agency"), (2023, "141122103", "regionAggregate"), (2021, "140825101", "agency"),
        })
        {
            var report = ReportGenerator.Generate(random, "2021", year, regionCode: region);
            report["agency"]!["scope"] = scope;
            Reports.Add(await client.SubmitAcceptedAsync(report));
        }
    }
}

public sealed class ListReportsTests(ListReportsFixture fixture) : IClassFixture<ListReportsFixture>
{
    private readonly HttpClient _client = fixture.CreateClient();

    [Theory]
    [InlineData("year=2023", 5)]
    [InlineData("region=14", 6)]
    [InlineData("region=140000", 6)]
    [InlineData("region=1411", 4)]
    [InlineData("region=141122&year=2023&scope=agency", 2)]
    [InlineData("scope=regionAggregate", 1)]
    [InlineData("level=township&year=2021", 1)]
    [InlineData("level=county", 0)]
    public async Task Filters_select_exactly_the_matching_reports(string query, int expected)
    {
        var body = await (await _client.GetAsync($"/v1/reports?{query}&limit=500")).ReadObjectAsync();
        Assert.Equal(expected, body["items"]!.AsArray().Count);
        Assert.False(body.ContainsKey("nextCursor"));
    }

    [Fact]
    public async Task Cursor_paging_visits_every_report_once()
    {
        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var body = await (await _client.GetAsync($"/v1/reports?limit=2{(cursor is null ? "" : "&cursor=" + cursor)}")).ReadObjectAsync();
            var items = body["items"]!.AsArray();
            Assert.InRange(items.Count, 1, 2);
            seen.AddRange(items.Select(i => (string)i!["id"]!));
            cursor = (string?)body["nextCursor"];
        }
        while (cursor is not null);

        Assert.Equal(fixture.Reports.Select(r => r.ToString()).Order(), seen.Order());
        Assert.Equal(seen.Count, seen.Distinct().Count());
    }

    [Fact]
    public async Task A_filtered_list_pages_through_its_own_reports_and_its_cursor_refuses_other_filters()
    {
        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var body = await (await _client.GetAsync($"/v1/reports?year=2023&region=14&limit=1{(cursor is null ? "" : "&cursor=" + cursor)}")).ReadObjectAsync();
            seen.AddRange(body["items"]!.AsArray().Select(i => (string)i!["id"]!));
            cursor = (string?)body["nextCursor"];
            if (cursor is not null)
            {
                // Alone, or with other filters, the cursor would widen or change the list: refused, not followed.
                foreach (var other in new[] { "", "year=2023&", "year=2022&region=14&", "year=2023&region=1411&", "year=2023&region=14&scope=agency&" })
                {
                    var problem = await (await _client.GetAsync($"/v1/reports?{other}limit=1&cursor={cursor}")).AssertProblemAsync(400);
                    Assert.Equal("cursor", (string)problem["parameter"]!);
                }

                // The same filters in another form (a six-digit province code) are the same filters.
                Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync($"/v1/reports?region=140000&year=2023&limit=1&cursor={cursor}")).StatusCode);
            }
        }
        while (cursor is not null);

        Assert.Equal(4, seen.Count);
        Assert.Equal(seen.Count, seen.Distinct().Count());
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=501")]
    [InlineData("cursor=nonsense!")]
    [InlineData("region=abc")]
    [InlineData("region=99")]
    [InlineData("region=141122999")]
    [InlineData("year=twenty")]
    [InlineData("level=village")]
    public async Task A_bad_query_is_400(string query)
    {
        var response = await _client.GetAsync($"/v1/reports?{query}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await response.AssertProblemAsync(400);
    }
}
