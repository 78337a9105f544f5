using System.Net;
using System.Text.Json.Nodes;
using ReportService.TestSupport;

namespace ReportService.Api.Tests;

/// <summary>
/// Completeness with registered agencies (issue 16 items 1-2): departments and other bodies in force in the year asked are
/// expected beside the governments, for several groupings; /missing lists them (JSON and CSV); a report of an agency
/// nobody registered makes it known.
/// </summary>
public sealed class AgencyCompletenessTests(ServiceFactory factory) : IClassFixture<ServiceFactory>
{
    private const string County = "141122";

    private static int _seed = 26_000;

    private readonly HttpClient _client = factory.CreateClient();

    private readonly HttpClient _registrar = factory.CreateClient(ServiceFactory.Token(scopes: "agencies:write", regions: ["14"]));

    private sealed record Registered(string Code, string Region, string Level, string Kind, int First, int? Last);

    private static JsonObject Report(string creditCode, string region, string level, string kind, int year, string? publishedOn)
    {
        var seed = Interlocked.Increment(ref _seed);
        var report = ReportGenerator.Generate(new Random(seed), year <= 2020 ? "2019" : "2021", year, creditCode, region);
        report.Set("/agency/level", level).Set("/agency/kind", kind).Set("/agency/scope", "agency");
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

    private static string NewCode(string region) => ReportGenerator.MakeCreditCode(region[..6], new Random(Interlocked.Increment(ref _seed)));

    private async Task<List<string>> TownshipsAsync() =>
        [.. (await (await _client.GetAsync($"/v1/regions?parent={County}")).ReadObjectAsync())["items"]!.AsArray().Select(i => (string)i!["code"]!)];

    private static string Key(JsonObject group) =>
        string.Join(",", group["key"]!.AsObject().OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Key}={(string)k.Value!}"));

    [Fact]
    public async Task Completeness_equals_the_count_of_what_was_registered_and_submitted_for_several_groupings_and_years()
    {
        var townships = await TownshipsAsync();
        var agencies = new List<Registered>
        {
            new(NewCode(County), County, "county", "department", 2020, null),      // in force throughout
            new(NewCode(County), County, "county", "department", 2020, 2022),      // dissolved after 2022
            new(NewCode(County), County, "county", "other", 2024, null),           // created in 2024
            new(NewCode(County), townships[0], "township", "department", 2019, null),
            new(NewCode(County), townships[1], "township", "other", 2023, 2023),   // one year only
        };
        foreach (var a in agencies)
        {
            var body = AgenciesTests.Agency(name: "机关" + a.Code[^6..], region: a.Region, level: a.Level, kind: a.Kind, firstYear: a.First, lastYear: a.Last);
            Assert.Equal(HttpStatusCode.Created, (await AgenciesTests.PutAsync(_registrar, a.Code, body)).StatusCode);
        }

        // Reports (credit code, year) → publishedOn; null: no date, judged by first submission (2026-06-01, late).
        var reports = new Dictionary<(string Code, int Year), string?>
        {
            [(agencies[0].Code, 2023)] = "2024-01-31",  // the deadline day: on time
            [(agencies[0].Code, 2024)] = "2025-02-01",  // a day late
            [(agencies[1].Code, 2022)] = "2023-01-05",
            [(agencies[2].Code, 2024)] = null,
            [(agencies[3].Code, 2024)] = "2025-01-02",
            [(agencies[4].Code, 2023)] = "2024-01-10",
        };
        foreach (var ((code, year), published) in reports)
        {
            var a = agencies.Single(x => x.Code == code);
            await _client.SubmitAcceptedAsync(Report(code, a.Region, a.Level, a.Kind, year, published));
        }

        // A government report too, so that groups mixing both kinds count both.
        await _client.SubmitAcceptedAsync(Report(ReportGenerator.MakeCreditCode(County, new Random(1)), townships[2], "township", "government", 2024, "2025-01-20"));

        foreach (var year in new[] { 2022, 2023, 2024 })
        {
            // The expected rows, computed from what was submitted: governments of the county (none reported but townships[2] in 2024) and registered agencies in force.
            var rows = new List<(Dictionary<string, string> Dims, bool Reported, bool OnTime)>();
            void Add(string region, string level, string kind, string scope, bool reported, bool onTime) => rows.Add((new Dictionary<string, string>
            {
                ["county"] = region[..6], ["township"] = region.Length == 9 ? region : "", ["level"] = level, ["kind"] = kind, ["scope"] = scope,
            }, reported, onTime));
            Add(County, "county", "government", "agency", false, false);
            Add(County, "county", "government", "regionAggregate", false, false);
            foreach (var t in townships)
            {
                var reported = year == 2024 && t == townships[2];
                Add(t, "township", "government", "agency", reported, reported);
            }

            foreach (var a in agencies.Where(a => a.First <= year && (a.Last is null || year <= a.Last)))
            {
                var reported = reports.TryGetValue((a.Code, year), out var published);
                var deadline = new DateOnly(year + 1, 1, 31);
                Add(a.Region, a.Level, a.Kind, "agency", reported, reported && published is not null && DateOnly.Parse(published, System.Globalization.CultureInfo.InvariantCulture) <= deadline);
            }

            foreach (var groupBy in new[] { "kind", "level,kind", "kind,scope", "township,kind", "" })
            {
                var dims = groupBy.Split(',', StringSplitOptions.RemoveEmptyEntries);
                var computed = rows
                    .GroupBy(r => string.Join(",", dims.Where(d => r.Dims[d] != "").Order(StringComparer.Ordinal).Select(d => $"{d}={r.Dims[d]}")))
                    .ToDictionary(g => g.Key, g => (Expected: g.Count(), Reported: g.Count(r => r.Reported), OnTime: g.Count(r => r.OnTime)));
                var answer = await (await _client.GetAsync($"/v1/completeness?year={year}&region={County}{(groupBy.Length == 0 ? "" : "&groupBy=" + groupBy)}")).ReadObjectAsync();
                var served = answer["groups"]!.AsArray().Select(g => g!.AsObject()).ToDictionary(Key, g => (
                    Expected: (int)g["expected"]!, Reported: (int)g["reported"]!, OnTime: (int)g["onTime"]!));
                Assert.True(computed.OrderBy(c => c.Key, StringComparer.Ordinal).SequenceEqual(served.OrderBy(c => c.Key, StringComparer.Ordinal)),
                    $"year {year}, groupBy {groupBy}: computed {string.Join("; ", computed.OrderBy(c => c.Key, StringComparer.Ordinal))} served {string.Join("; ", served.OrderBy(c => c.Key, StringComparer.Ordinal))}");
            }

            // The missing list names exactly the registered agencies in force without a report.
            var missing = await (await _client.GetAsync($"/v1/completeness/missing?year={year}&region={County}&kind=department&limit=1000")).ReadObjectAsync();
            var missingOther = await (await _client.GetAsync($"/v1/completeness/missing?year={year}&region={County}&kind=other&limit=1000")).ReadObjectAsync();
            Assert.Equal(
                agencies.Where(a => a.First <= year && (a.Last is null || year <= a.Last) && !reports.ContainsKey((a.Code, year))).Select(a => a.Code).Order(StringComparer.Ordinal),
                missing["items"]!.AsArray().Concat(missingOther["items"]!.AsArray()).Select(i => (string)i!["creditCode"]!).Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public async Task Missing_answers_csv_when_accept_prefers_it_with_the_next_page_linked()
    {
        const string county = "141121";
        var codes = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var code = NewCode(county);
            codes.Add(code);
            Assert.Equal(HttpStatusCode.Created, (await AgenciesTests.PutAsync(_registrar, code,
                AgenciesTests.Agency(name: $"文水县\"第{i}\",局", region: county, firstYear: 2021))).StatusCode);
        }

        codes.Sort(StringComparer.Ordinal);
        var url = $"/v1/completeness/missing?year=2023&region={county}&kind=department&limit=2";
        using var csvRequest = new HttpRequestMessage(HttpMethod.Get, url);
        csvRequest.Headers.TryAddWithoutValidation("Accept", "application/json;q=0.5, text/csv;q=0.9");
        var csv = await _client.SendAsync(csvRequest);
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("区划代码,机关名称,统一社会信用代码,行政层级,机关类型,报告范围,来源", lines[0]);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith($"{county},\"文水县\"\"第", lines[1], StringComparison.Ordinal);
        Assert.EndsWith($",{codes[0]},county,department,agency,register", lines[1], StringComparison.Ordinal);
        var link = string.Join(",", csv.Headers.GetValues("Link"));
        Assert.Contains("rel=\"next\"", link, StringComparison.Ordinal);

        var nextUrl = link[(link.IndexOf('<', StringComparison.Ordinal) + 1)..link.IndexOf('>', StringComparison.Ordinal)];
        using var nextRequest = new HttpRequestMessage(HttpMethod.Get, nextUrl);
        nextRequest.Headers.TryAddWithoutValidation("Accept", "text/csv");
        var rest = (await (await _client.SendAsync(nextRequest)).Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, rest.Length);
        Assert.Contains(codes[2], rest[1], StringComparison.Ordinal);

        // JSON when JSON is preferred (or equal and named first), and by default.
        using var jsonRequest = new HttpRequestMessage(HttpMethod.Get, url);
        jsonRequest.Headers.TryAddWithoutValidation("Accept", "application/json, text/csv;q=0.5");
        var json = await _client.SendAsync(jsonRequest);
        Assert.Equal("application/json", json.Content.Headers.ContentType?.MediaType);
        Assert.Equal(codes.Take(2), (await json.ReadObjectAsync())["items"]!.AsArray().Select(i => (string)i!["creditCode"]!));
    }

    [Fact]
    public async Task A_report_of_an_agency_nobody_registered_makes_it_known_and_expected_from_its_year_on()
    {
        const string county = "141124";
        var code = NewCode(county);
        var submitter = factory.CreateClient(ServiceFactory.Token(regions: ["14"], subject: "agency-clerk", client: "portal"));
        await submitter.SubmitAcceptedAsync(Report(code, county, "county", "department", 2023, "2024-01-15"));

        var agency = await (await _client.GetAsync($"/v1/agencies/{code}")).ReadObjectAsync();
        Assert.Equal(("report", 2023, county, "department"), ((string)agency["source"]!, (int)agency["firstYear"]!, (string)agency["regionCode"]!, (string)agency["kind"]!));
        Assert.Contains(code, (await (await _client.GetAsync($"/v1/agencies?region={county}&source=report")).ReadObjectAsync())["items"]!.AsArray().Select(i => (string)i!["creditCode"]!));

        // Expected (and reported) in 2023, expected and missing in 2024, not expected in 2022.
        async Task<JsonObject> DepartmentsAsync(int year) =>
            (await (await _client.GetAsync($"/v1/completeness?year={year}&region={county}&kind=department")).ReadObjectAsync())["groups"]!.AsArray().Single()!.AsObject();
        Assert.Equal((1, 1, 1), ((int)(await DepartmentsAsync(2023))["expected"]!, (int)(await DepartmentsAsync(2023))["reported"]!, (int)(await DepartmentsAsync(2023))["onTime"]!));
        Assert.Equal((1, 0), ((int)(await DepartmentsAsync(2024))["expected"]!, (int)(await DepartmentsAsync(2024))["reported"]!));
        Assert.Empty((await (await _client.GetAsync($"/v1/completeness?year=2022&region={county}&kind=department")).ReadObjectAsync())["groups"]!.AsArray());
        var missing = (await (await _client.GetAsync($"/v1/completeness/missing?year=2024&region={county}&kind=department")).ReadObjectAsync())["items"]!.AsArray().Single()!;
        Assert.Equal((code, "report"), ((string)missing["creditCode"]!, (string)missing["source"]!));

        // A report for an earlier year moves a learned agency's first year back; audited with who sent the report.
        await submitter.SubmitAcceptedAsync(Report(code, county, "county", "department", 2021, "2022-01-15"));
        Assert.Equal(2021, (int)(await (await _client.GetAsync($"/v1/agencies/{code}")).ReadObjectAsync())["firstYear"]!);
        Assert.Equal("learn:2023:agency-clerk:portal|learn:2021:agency-clerk:portal", await factory.ScalarAsync<string>(
            "SELECT string_agg(operation || ':' || first_year || ':' || changed_by || ':' || changed_client, '|' ORDER BY id) FROM agency_events WHERE credit_code = @c", ("c", code)));

        // Once registered, the register decides: a report never changes it.
        Assert.Equal(HttpStatusCode.OK, (await AgenciesTests.PutAsync(_registrar, code, AgenciesTests.Agency(name: "临县统计局", region: county, firstYear: 2022))).StatusCode);
        await submitter.SubmitAcceptedAsync(Report(code, county, "county", "department", 2020, "2021-01-15"));
        var registered = await (await _client.GetAsync($"/v1/agencies/{code}")).ReadObjectAsync();
        Assert.Equal(("register", 2022, "临县统计局"), ((string)registered["source"]!, (int)registered["firstYear"]!, (string)registered["name"]!));

        // Governments are never learned: they follow from the division reference.
        var government = NewCode(county);
        await submitter.SubmitAcceptedAsync(Report(government, county, "county", "government", 2023, "2024-03-01"));
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync($"/v1/agencies/{government}")).StatusCode);
    }
}
