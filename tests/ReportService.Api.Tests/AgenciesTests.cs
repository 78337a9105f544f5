using System.Net;
using System.Text.Json.Nodes;
using ReportService.TestSupport;

namespace ReportService.Api.Tests;

/// <summary>The agencies register (issue 16 item 1): PUT /v1/agencies/{creditCode}, GET, the list, scope agencies:write by region prefix, audit.</summary>
public sealed class AgenciesTests(ServiceFactory factory) : IClassFixture<ServiceFactory>
{
    private static int _seed = 16_000;

    /// <summary>A registrar (supervising office) for Shanxi (14).</summary>
    private readonly HttpClient _registrar14 = factory.CreateClient(ServiceFactory.Token(scopes: "agencies:write", regions: ["14"], subject: "office-14", client: "register-app"));

    internal static string NewCreditCode(string county = "141122") => ReportGenerator.MakeCreditCode(county, new Random(Interlocked.Increment(ref _seed)));

    internal static JsonObject Agency(string name = "交城县教育局", string region = "141122", string level = "county", string kind = "department", int firstYear = 2020, int? lastYear = null)
    {
        var body = new JsonObject { ["name"] = name, ["regionCode"] = region, ["level"] = level, ["kind"] = kind, ["firstYear"] = firstYear };
        if (lastYear is { } last)
        {
            body["lastYear"] = last;
        }

        return body;
    }

    internal static Task<HttpResponseMessage> PutAsync(HttpClient client, string creditCode, JsonNode body, string? ifMatch = null, string? ifNoneMatch = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"/v1/agencies/{creditCode}") { Content = Http.Json(body) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        if (ifNoneMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        }

        return client.SendAsync(request);
    }

    [Fact]
    public async Task Register_replace_and_dissolve_an_agency_with_versions_ETags_and_audit()
    {
        var code = NewCreditCode();
        var created = await PutAsync(_registrar14, code, Agency());
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"/v1/agencies/{code}", created.Headers.Location?.OriginalString);
        Assert.Equal("\"1\"", created.Headers.ETag?.Tag);
        var body = await created.ReadObjectAsync();
        Assert.Equal(("register", 1, "county", 2020), ((string)body["source"]!, (int)body["version"]!, (string)body["level"]!, (int)body["firstYear"]!));
        Assert.Null(body["lastYear"]);

        // The same PUT again: idempotent, 200, no new version.
        var again = await PutAsync(_registrar14, code, Agency());
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("\"1\"", again.Headers.ETag?.Tag);

        // Dissolved after 2024: a replacement with lastYear, conditional on the version read.
        var stale = await PutAsync(_registrar14, code, Agency(lastYear: 2024), ifMatch: "\"7\"");
        Assert.Equal(412, (int)(await stale.AssertProblemAsync(412))["status"]!);
        var dissolved = await PutAsync(_registrar14, code, Agency(lastYear: 2024), ifMatch: "\"1\"");
        Assert.Equal(HttpStatusCode.OK, dissolved.StatusCode);
        Assert.Equal("\"2\"", dissolved.Headers.ETag?.Tag);

        var read = await factory.CreateClient(token: null).GetAsync($"/v1/agencies/{code}");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("\"2\"", read.Headers.ETag?.Tag);
        Assert.Equal(2024, (int)(await read.ReadObjectAsync())["lastYear"]!);

        // If-None-Match: * creates only.
        await (await PutAsync(_registrar14, code, Agency(), ifNoneMatch: "*")).AssertProblemAsync(412);
        await (await PutAsync(_registrar14, NewCreditCode(), Agency(), ifMatch: "\"1\"")).AssertProblemAsync(412);
        await (await PutAsync(_registrar14, code, Agency(), ifMatch: "1")).AssertProblemAsync(400);

        // Audited by the database: who, which client, every version (the unchanged PUT wrote none).
        Assert.Equal("register:1:office-14:register-app|replace:2:office-14:register-app", await factory.ScalarAsync<string>(
            "SELECT string_agg(operation || ':' || version || ':' || changed_by || ':' || changed_client, '|' ORDER BY id) FROM agency_events WHERE credit_code = @c",
            ("c", code)));
        await Assert.ThrowsAnyAsync<Npgsql.PostgresException>(() => factory.ScalarAsync<int>("DELETE FROM agency_events RETURNING 1"));
    }

    [Theory]
    [InlineData("name", null, "/name")]
    [InlineData("name", "", "/name")]
    [InlineData("name", "交城县\u0000教育局", "/name")]
    [InlineData("regionCode", "99", "/regionCode")]
    [InlineData("regionCode", "14112", "/regionCode")]
    [InlineData("kind", "government", "/kind")]
    [InlineData("kind", "ministry", "/kind")]
    [InlineData("level", null, "/level")]
    [InlineData("firstYear", 2018, "/firstYear")]
    [InlineData("firstYear", null, "/firstYear")]
    [InlineData("lastYear", 2019, "/lastYear")]
    [InlineData("lastYear", 2101, "/lastYear")]
    [InlineData("unknown", 1, "/unknown")]
    public async Task A_bad_registration_is_400_naming_the_field(string field, object? value, string pointer)
    {
        var body = Agency();
        body[field] = value switch { null => null, int i => i, _ => (string)value };
        if (value is null)
        {
            body.Remove(field);
        }

        var code = NewCreditCode();
        var problem = await (await PutAsync(_registrar14, code, body)).AssertProblemAsync(400);
        Assert.Equal(pointer, (string)problem["pointer"]!);
        Assert.Equal(HttpStatusCode.NotFound, (await _registrar14.GetAsync($"/v1/agencies/{code}")).StatusCode);
    }

    [Theory]
    [InlineData("11141122703158621")]   // 17 characters
    [InlineData("11141122703158621I")]  // I is not in the alphabet
    [InlineData("11141122703158621X")]  // wrong check character
    public async Task A_bad_credit_code_is_400_naming_it(string code)
    {
        var valid = NewCreditCode();
        Assert.NotEqual(code, valid);
        var problem = await (await PutAsync(_registrar14, code, Agency())).AssertProblemAsync(400);
        Assert.Equal("creditCode", (string)problem["parameter"]!);
    }

    [Fact]
    public async Task Registering_needs_agencies_write_for_a_prefix_that_covers_the_region()
    {
        var code = NewCreditCode("440103");
        var guangdong = Agency(name: "广州市荔湾区教育局", region: "440103");

        // A writer of reports may not register; nor may a registrar for Shanxi register a Guangdong agency.
        var writer = factory.CreateClient(ServiceFactory.Token(scopes: "reports:write", regions: ["*"]));
        Assert.Equal("https://report-service/problems/scope-missing", (string)(await (await PutAsync(writer, code, guangdong)).AssertProblemAsync(403))["type"]!);
        Assert.Equal("https://report-service/problems/region-not-granted", (string)(await (await PutAsync(_registrar14, code, guangdong)).AssertProblemAsync(403))["type"]!);
        // A credit-code grant does not let an agency register itself.
        var self = factory.CreateClient(ServiceFactory.Token(scopes: "agencies:write", creditCodes: [code]));
        await (await PutAsync(self, code, guangdong)).AssertProblemAsync(403);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PutAsync(factory.CreateClient(token: null), code, guangdong)).StatusCode);

        var registrar44 = factory.CreateClient(ServiceFactory.Token(scopes: "agencies:write", regions: ["44"]));
        Assert.Equal(HttpStatusCode.Created, (await PutAsync(registrar44, code, guangdong)).StatusCode);
        // Shanxi may not take it over by moving it into Shanxi either.
        await (await PutAsync(_registrar14, code, Agency(region: "141122"))).AssertProblemAsync(403);
        Assert.Equal(0L, await factory.ScalarAsync<long>("SELECT count(*) FROM agencies WHERE credit_code = @c AND region_code = '141122'", ("c", code)));
    }

    [Fact]
    public async Task The_list_filters_by_region_level_kind_year_in_force_and_pages_with_a_cursor()
    {
        const string county = "141124";
        var codes = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var code = NewCreditCode(county);
            codes.Add(code);
            var body = Agency(name: $"临县第{i}局", region: county, kind: i == 4 ? "other" : "department", firstYear: 2020 + i, lastYear: i == 0 ? 2021 : null);
            Assert.Equal(HttpStatusCode.Created, (await PutAsync(_registrar14, code, body)).StatusCode);
        }

        var anonymous = factory.CreateClient(token: null);
        async Task<List<string>> ListAsync(string query)
        {
            var all = new List<string>();
            string? cursor = null;
            do
            {
                var page = await (await anonymous.GetAsync($"/v1/agencies?region={county}&limit=2{query}{(cursor is null ? "" : "&cursor=" + cursor)}")).ReadObjectAsync();
                Assert.True(page["items"]!.AsArray().Count <= 2);
                all.AddRange(page["items"]!.AsArray().Select(i => (string)i!["creditCode"]!));
                cursor = (string?)page["nextCursor"];
            }
            while (cursor is not null);
            return all;
        }

        var sorted = codes.Order(StringComparer.Ordinal).ToList();
        Assert.Equal(sorted, await ListAsync(""));
        // In force in 2022: created 2020 (dissolved after 2021) is out; created 2023 and 2024 are not yet in.
        Assert.Equal(new[] { codes[1], codes[2] }.Order(StringComparer.Ordinal), await ListAsync("&year=2022"));
        Assert.Equal([codes[4]], await ListAsync("&kind=other"));
        Assert.Empty(await ListAsync("&level=township"));

        var first = await (await anonymous.GetAsync($"/v1/agencies?region={county}&limit=2")).ReadObjectAsync();
        var problem = await (await anonymous.GetAsync($"/v1/agencies?region=14&limit=2&cursor={(string)first["nextCursor"]!}")).AssertProblemAsync(400);
        Assert.Equal("cursor", (string)problem["parameter"]!);
    }

    [Theory]
    [InlineData("region=99", "region")]
    [InlineData("level=planet", "level")]
    [InlineData("kind=ministry", "kind")]
    [InlineData("year=1900", "year")]
    [InlineData("source=rumour", "source")]
    [InlineData("limit=0", "limit")]
    [InlineData("cursor=garbage", "cursor")]
    public async Task A_bad_list_query_is_400_naming_the_parameter(string query, string parameter)
    {
        var problem = await (await factory.CreateClient(token: null).GetAsync("/v1/agencies?" + query)).AssertProblemAsync(400);
        Assert.Equal(parameter, (string)problem["parameter"]!);
    }

    private static Task<HttpResponseMessage> BatchAsync(HttpClient client, string body, string mediaType) =>
        client.PostAsync("/v1/agencies/batch", Http.Json(System.Text.Encoding.UTF8.GetBytes(body), mediaType));

    [Fact]
    public async Task An_ndjson_batch_stores_every_good_line_and_names_the_bad_one()
    {
        var codes = Enumerable.Range(0, 4).Select(_ => NewCreditCode("141123")).ToList();
        var lines = new[]
        {
            Line(codes[0], Agency(name: "兴县财政局", region: "141123")),
            Line(codes[1], Agency(name: "兴县审计局", region: "141123", firstYear: 2019, lastYear: 2022)),
            Line(codes[2], Agency(name: "兴县教育局", region: "141199")),                   // no such region
            Line(codes[0], Agency(name: "兴县财政局（重复）", region: "141123")),             // the same agency again
            "{\"creditCode\":\"" + codes[3] + "\",\"name\":\"x\",\"firstYear\":\"2020\"}",   // a year as a string
            Line(codes[3], Agency(name: "广州市某局", region: "4401")),                         // not this registrar's region
        };
        var response = await BatchAsync(_registrar14, string.Join("\n", lines) + "\n", "application/x-ndjson");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await response.ReadObjectAsync();
        Assert.Equal((2, 2, 1, 1), ((int)answer["created"]!, (int)answer["rejected"]!, (int)answer["duplicates"]!, (int)answer["forbidden"]!));
        var results = answer["lines"]!.AsArray().Select(l => l!.AsObject()).ToList();
        Assert.Equal(["created", "created", "rejected", "duplicate", "rejected", "forbidden"], results.Select(r => (string)r["status"]!));
        Assert.Equal(("/regionCode", 3), ((string)results[2]["pointer"]!, (int)results[2]["line"]!));
        Assert.Equal("/firstYear", (string)results[4]["pointer"]!);
        Assert.Equal(1, (int)results[3]["duplicateOfLine"]!);
        Assert.Equal(2, await factory.ScalarAsync<long>("SELECT count(*) FROM agencies WHERE credit_code = ANY(@c)", ("c", codes.ToArray())));
        Assert.Equal(2022, (int)(await (await _registrar14.GetAsync($"/v1/agencies/{codes[1]}")).ReadObjectAsync())["lastYear"]!);

        // Sent again: unchanged; nothing new audited.
        var events = await factory.ScalarAsync<long>("SELECT count(*) FROM agency_events");
        var again = await (await BatchAsync(_registrar14, string.Join("\n", lines.Take(2)), "application/x-ndjson")).ReadObjectAsync();
        Assert.Equal(2, (int)again["unchanged"]!);
        Assert.Equal(events, await factory.ScalarAsync<long>("SELECT count(*) FROM agency_events"));
    }

    [Fact]
    public async Task A_csv_batch_with_a_header_stores_every_good_line_and_names_the_bad_one()
    {
        var codes = Enumerable.Range(0, 3).Select(_ => NewCreditCode("141125")).ToList();
        var csv = "\uFEFFcreditCode,name,regionCode,level,kind,firstYear,lastYear\r\n" +
            $"{codes[0]},\"柳林县文化和旅游局, 文物局\",141125,county,department,2020,\r\n" +
            $"{codes[1]},柳林县气象局,141125,county,other,2021,2023\r\n" +
            $"{codes[2]},柳林县某局,141125,county,department,2024,2022\r\n" +   // dissolved before it was created
            "11141125ABCDEFGHIJ,柳林县某局,141125,county,department,2024,\r\n";   // not a credit code
        var answer = await (await BatchAsync(_registrar14, csv, "text/csv")).ReadObjectAsync();
        var results = answer["lines"]!.AsArray().Select(l => l!.AsObject()).ToList();
        Assert.Equal(["created", "created", "rejected", "rejected"], results.Select(r => (string)r["status"]!));
        Assert.Equal([2, 3, 4, 5], results.Select(r => (int)r["line"]!));
        Assert.Equal(("/lastYear", "/creditCode"), ((string)results[2]["pointer"]!, (string)results[3]["pointer"]!));
        var first = await (await _registrar14.GetAsync($"/v1/agencies/{codes[0]}")).ReadObjectAsync();
        Assert.Equal(("柳林县文化和旅游局, 文物局", "department", null), ((string)first["name"]!, (string)first["kind"]!, (int?)first["lastYear"]));

        var badHeader = await (await BatchAsync(_registrar14, "code,name\r\n1,2\r\n", "text/csv")).AssertProblemAsync(400);
        Assert.Equal("/", (string)badHeader["pointer"]!);
        await (await BatchAsync(_registrar14, "creditCode,name\r\n", "text/csv")).AssertProblemAsync(400);
        var unsupported = await (await BatchAsync(_registrar14, "x", "application/xml")).AssertProblemAsync(415);
        Assert.Contains("text/csv", unsupported["accepted"]!.AsArray().Select(a => (string)a!));
        await (await BatchAsync(factory.CreateClient(ServiceFactory.Token(scopes: "reports:write", regions: ["*"])), csv, "text/csv")).AssertProblemAsync(403);
    }

    private static string Line(string creditCode, JsonObject agency)
    {
        agency["creditCode"] = creditCode;
        return agency.ToJsonString();
    }
}
