using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using ReportService.Statutory.Tables;
using ReportService.TestSupport;

namespace ReportService.Api.Tests;

/// <summary>
/// A spread of reports over provinces, counties, townships, levels, kinds, scopes, years and both formats,
/// submitted once; every aggregate is checked against sums computed here from the submitted JSON.
/// </summary>
public sealed class AggregatesFixture : ServiceFactory
{
    public static readonly string[] Townships = ["141122103", "141122104", "141122202", "140930104", "654025107", "410526112"];

    public List<JsonObject> Reports { get; } = [];

    public override async Task InitializeAsync()
    {
        var client = CreateClient();
        var random = new Random(4242);
        var n = 0;
        foreach (var township in Townships)
        {
            foreach (var year in new[] { 2020, 2022, 2023 })
            {
                Reports.Add(Make(random, township, year, "township", "government", "agency", n++));
            }
        }

        foreach (var county in new[] { "141122", "654025" })
        {
            Reports.Add(Make(random, county, 2023, "county", "department", "agency", n++));
            Reports.Add(Make(random, county, 2023, "county", "government", "regionAggregate", n++));
        }

        foreach (var report in Reports)
        {
            await client.SubmitAcceptedAsync(report);
        }
    }

    private static JsonObject Make(Random random, string region, int year, string level, string kind, string scope, int n)
    {
        var report = ReportGenerator.Generate(random, year >= 2021 ? "2021" : "2019", year,
            ReportGenerator.MakeCreditCode(region[..6], new Random(7000 + n)), region);
        report["agency"]!["level"] = level;
        report["agency"]!["kind"] = kind;
        report["agency"]!["scope"] = scope;
        return report;
    }
}

public sealed class AggregatesTests(AggregatesFixture fixture) : IClassFixture<AggregatesFixture>
{
    private readonly HttpClient _client = fixture.CreateClient();

    private static readonly string[] OtherDisposal2021 = ["correctionOverdue", "feeUnpaid", "other"];

    public static TheoryData<string> Queries =>
    [
        "",
        "groupBy=year",
        "groupBy=province",
        "groupBy=city",
        "groupBy=county",
        "groupBy=township",
        "groupBy=level",
        "groupBy=kind",
        "groupBy=province,year",
        "groupBy=county&groupBy=kind&year=2023",
        "year=2023&groupBy=township",
        "fromYear=2022&toYear=2023&groupBy=year",
        "region=1411&groupBy=township",
        "region=141100&groupBy=county",
        "region=141122103",
        "level=township&groupBy=province",
        "kind=department&groupBy=county",
        "scope=regionAggregate&groupBy=county",
        "year=2020&groupBy=province",
    ];

    [Theory]
    [MemberData(nameof(Queries))]
    public async Task Aggregates_equal_sums_computed_from_the_submitted_reports(string query)
    {
        var response = await _client.GetAsync("/v1/aggregates?" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var groups = (await response.ReadObjectAsync())["groups"]!.AsArray();

        var expected = Expected(query);
        Assert.Equal(expected.Keys.Order(), groups.Select(g => KeyText(g!["key"]!)).Order());
        foreach (var group in groups)
        {
            var reports = expected[KeyText(group!["key"]!)];
            Assert.Equal(reports.Count, (int)group["reportCount"]!);
            Assert.Equal(reports.Count(r => (string)r["format"]! == "2019"), (int)group["formats"]!["2019"]!);
            foreach (var row in Table3.Rows2021)
            {
                foreach (var column in Table3.Columns)
                {
                    var pointer = row.CellPointer(column);
                    var sum = reports.Where(r => (string)r["format"]! == "2021" || !OtherDisposal2021.Any(k => pointer.Contains("/otherDisposal/" + k, StringComparison.Ordinal)))
                        .Sum(r => N(r.Get(pointer)!));
                    Assert.True(sum == N(group.Get(pointer)!), $"{query}: {pointer} expected {sum}, got {group.Get(pointer)}");
                }
            }

            foreach (var column in Table3.Columns.Select(c => c.Key))
            {
                long Sum(string path) => reports.Sum(r => r.Get(path) is JsonObject obj ? obj.Where(p => p.Value is JsonObject).Sum(p => N(p.Value![column]!)) : (r.Get(path + "/" + column) is { } v ? N(v) : 0));
                Assert.Equal(Sum("/requests/outcomes/withheld"), N(group.Get("/subtotals/withheld/" + column)!));
                Assert.Equal(Sum("/requests/outcomes/notProcessed"), N(group.Get("/subtotals/notProcessed/" + column)!));
                // The 2019 single 其他处理 row counts in the subtotal only.
                var otherDisposal = reports.Sum(r => (string)r["format"]! == "2019"
                    ? N(r.Get("/requests/outcomes/otherDisposal/" + column)!)
                    : OtherDisposal2021.Sum(k => N(r.Get($"/requests/outcomes/otherDisposal/{k}/{column}")!)));
                Assert.Equal(otherDisposal, N(group.Get("/subtotals/otherDisposal/" + column)!));
            }

            foreach (var pointer in Table4.Groups.SelectMany(g => Table4.Fields.Select(g.CellPointer)))
            {
                Assert.Equal(reports.Sum(r => N(r.Get(pointer)!)), N(group.Get(pointer)!));
            }

            foreach (var format in new[] { "2019", "2021" })
            {
                var ofFormat = reports.Where(r => (string)r["format"]! == format).ToList();
                var table = group["activeDisclosure"]![format];
                Assert.Equal(ofFormat.Count > 0, table is not null);
                foreach (var cell in ofFormat.Count == 0 ? [] : Table2.CellsOf(format))
                {
                    var path = cell.Pointer["/activeDisclosure".Length..];
                    Assert.Equal(ofFormat.Sum(r => decimal.Parse(r.Get(cell.Pointer)!.ToJsonString(), CultureInfo.InvariantCulture)),
                        decimal.Parse(table!.Get(path)!.ToJsonString(), CultureInfo.InvariantCulture));
                }
            }
        }
    }

    [Fact]
    public async Task The_sum_of_valid_2021_reports_passes_the_table_3_and_4_rules()
    {
        var groups = (await (await _client.GetAsync("/v1/aggregates?year=2023&groupBy=county")).ReadObjectAsync())["groups"]!.AsArray();
        Assert.NotEmpty(groups);
        foreach (var group in groups)
        {
            var asReport = Seeds.Json("002");
            asReport["requests"] = group!["requests"]!.DeepClone();
            asReport["appeals"] = group["appeals"]!.DeepClone();
            var result = await (await _client.PostAsync("/v1/reports/validate", Http.Json(asReport))).ReadObjectAsync();
            Assert.DoesNotContain(result["violations"]!.AsArray(), v => ((string)v!["rule"]!).StartsWith('T'));
            Assert.True((bool)result["valid"]!, result.ToJsonString());
        }
    }

    [Fact]
    public async Task Outcomes_are_tidy_rows_with_labels_values_and_shares()
    {
        var body = await (await _client.GetAsync("/v1/aggregates/outcomes?groupBy=province&year=2023&applicant=naturalPerson")).ReadObjectAsync();
        Assert.Equal("naturalPerson", (string)body["applicant"]!);
        var rows = body["rows"]!.AsArray().Select(r => r!.AsObject()).ToList();
        var shanxi = rows.Where(r => (string)r["key"]!["province"]! == "14").ToList();
        Assert.Equal(21 + 4, shanxi.Count);
        Assert.Equal("山西省", (string)shanxi[0]["key"]!["provinceName"]!);
        var reports = fixture.Reports.Where(r => (int)r["year"]! == 2023 && (string)r["agency"]!["scope"]! == "agency" && ((string)r["agency"]!["regionCode"]!).StartsWith("14", StringComparison.Ordinal)).ToList();
        var disclosed = reports.Sum(r => N(r.Get("/requests/outcomes/disclosed/naturalPerson")!));
        var total = reports.Sum(r => N(r.Get("/requests/outcomes/total/naturalPerson")!));
        var row = shanxi.Single(r => (string)r["category"]! == "disclosed");
        Assert.Equal("（一）予以公开", (string)row["label"]!);
        Assert.Equal(disclosed, N(row["value"]!));
        Assert.Equal(Math.Round((double)disclosed / total, 6), (double)row["share"]!, 6);
        Assert.True((bool)shanxi.Single(r => (string)r["category"]! == "withheld")["subtotal"]!);
    }

    [Fact]
    public async Task Region_aggregate_reports_are_never_summed_with_agency_reports()
    {
        var agency = await (await _client.GetAsync("/v1/aggregates?region=141122&year=2023")).ReadObjectAsync();
        var aggregates = await (await _client.GetAsync("/v1/aggregates?region=141122&year=2023&scope=regionAggregate")).ReadObjectAsync();
        Assert.Equal(4, (int)agency["groups"]![0]!["reportCount"]!);
        Assert.Equal(1, (int)aggregates["groups"]![0]!["reportCount"]!);
    }

    [Fact]
    public async Task Csv_has_a_chinese_header_and_one_line_per_group()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/v1/aggregates?groupBy=province&year=2023");
        request.Headers.Accept.ParseAdd("text/csv");
        var response = await _client.SendAsync(request);
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].Split(',');
        Assert.Equal(["省级区划代码", "省级名称", "报告数"], header[..3]);
        Assert.Contains("表三·一、本年新收政府信息公开申请数量·自然人", header);
        var json = (await (await _client.GetAsync("/v1/aggregates?groupBy=province&year=2023")).ReadObjectAsync())["groups"]!.AsArray();
        Assert.Equal(json.Count + 1, lines.Length);
        var shanxi = lines.Single(l => l.StartsWith("14,", StringComparison.Ordinal)).Split(',');
        var group = json.Single(g => (string)g!["key"]!["province"]! == "14")!;
        Assert.Equal("山西省", shanxi[1]);
        Assert.Equal((string)group["reportCount"]!.ToJsonString(), shanxi[2]);
        var column = Array.IndexOf(header, "表三·一、本年新收政府信息公开申请数量·自然人");
        Assert.Equal(group.Get("/requests/received/naturalPerson")!.ToJsonString(), shanxi[column]);

        var outcomes = new HttpRequestMessage(HttpMethod.Get, "/v1/aggregates/outcomes?groupBy=province");
        outcomes.Headers.Accept.ParseAdd("text/csv");
        var text = await (await _client.SendAsync(outcomes)).Content.ReadAsStringAsync();
        Assert.StartsWith("省级区划代码,省级名称,报告数,类别,办理结果,小计", text, StringComparison.Ordinal);
    }

    /// <summary>
    /// The CSV's header row follows Accept-Language like the messages of violations (issue 14: Chinese-only headers): English
    /// with <c>en</c>, Chinese by default and when Chinese is preferred; the rows are the same. Each language is its own
    /// representation (its own ETag, Content-Language, and Vary: Accept, Accept-Language for caches).
    /// </summary>
    [Fact]
    public async Task Csv_headers_are_english_when_english_is_preferred()
    {
        async Task<HttpResponseMessage> Get(string path, string? language)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Accept.ParseAdd("text/csv");
            if (language is not null)
            {
                request.Headers.AcceptLanguage.ParseAdd(language);
            }

            return await _client.SendAsync(request);
        }

        var english = await Get("/v1/aggregates?groupBy=province&year=2023", "en");
        var chinese = await Get("/v1/aggregates?groupBy=province&year=2023", "zh-CN, en;q=0.5");
        var byDefault = await Get("/v1/aggregates?groupBy=province&year=2023", null);
        var englishLines = (await english.Content.ReadAsStringAsync()).Split("\r\n");
        var chineseLines = (await chinese.Content.ReadAsStringAsync()).Split("\r\n");
        Assert.Equal(await byDefault.Content.ReadAsStringAsync(), string.Join("\r\n", chineseLines));
        var header = Fields(englishLines[0]);
        Assert.Equal(["province code", "province name", "reports", "format-2019 reports", "format-2021 reports"], header[..5]);
        Assert.Contains("Table 3 · I. new requests received this year · natural persons", header);
        Assert.Contains("Table 4 · administrative reconsideration · upheld", header);
        Assert.Contains("Table 3 · (3) withheld, subtotal · total", header);
        Assert.Equal(Fields(chineseLines[0]).Count, header.Count);
        Assert.Equal(chineseLines[1..], englishLines[1..]);
        Assert.Equal("en", english.Content.Headers.ContentLanguage.Single());
        Assert.Equal("zh", chinese.Content.Headers.ContentLanguage.Single());
        Assert.NotEqual(english.Headers.ETag, chinese.Headers.ETag);
        Assert.Equal(chinese.Headers.ETag, byDefault.Headers.ETag);
        Assert.Equal(["Accept", "Accept-Language"], english.Headers.Vary);

        var outcomes = await (await Get("/v1/aggregates/outcomes?groupBy=province&applicant=naturalPerson", "en")).Content.ReadAsStringAsync();
        Assert.StartsWith("province code,province name,reports,category,outcome,subtotal,count (natural persons),share of (7) outcomes total\r\n", outcomes, StringComparison.Ordinal);
        Assert.Contains(",withheld.stateSecret,(3) withheld", outcomes, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\p{IsCJKUnifiedIdeographs}", string.Join("\n", outcomes.Split("\r\n").Select(l => string.Join(',', Fields(l).Skip(2)))));
    }

    /// <summary>
    /// The CSV columns the document lists for /v1/aggregates (issue 14: undocumented) are the CSV's columns, in order, and
    /// each holds the value of the JSON member the document names beside it, in every group.
    /// </summary>
    [Fact]
    public async Task Every_csv_column_is_documented_with_the_json_member_it_equals()
    {
        var document = JsonNode.Parse(await _client.GetStringAsync("/openapi/v1.json"))!;
        var description = (string)document["paths"]!["/v1/aggregates"]!["get"]!["description"]!;
        var documented = System.Text.RegularExpressions.Regex.Matches(description, @"^\| (\d+) \| (.+?) \| (.+?) \| `(.+?)` \|$", System.Text.RegularExpressions.RegexOptions.Multiline)
            .Select(m => (Chinese: m.Groups[2].Value, English: m.Groups[3].Value, Member: m.Groups[4].Value)).ToList();
        Assert.True(documented.Count > 150, $"only {documented.Count} columns documented");

        var request = new HttpRequestMessage(HttpMethod.Get, "/v1/aggregates?groupBy=year&groupBy=province");
        request.Headers.Accept.ParseAdd("text/csv");
        var lines = (await (await _client.SendAsync(request)).Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var groups = (await (await _client.GetAsync("/v1/aggregates?groupBy=year&groupBy=province")).ReadObjectAsync())["groups"]!.AsArray();
        var header = Fields(lines[0]);
        Assert.Equal(["年度", "省级区划代码", "省级名称"], header[..3]);
        Assert.Equal(documented.Select(d => d.Chinese), header.Skip(3));
        Assert.Equal(groups.Count, lines.Length - 1);
        Assert.Contains(groups, g => (long)g!["formats"]!["2019"]! > 0);
        foreach (var (line, group) in lines.Skip(1).Select(Fields).Zip(groups))
        {
            Assert.Equal(group!["key"]!["year"]!.ToJsonString(), line[0]);
            Assert.Equal((string)group["key"]!["province"]!, line[1]);
            for (var i = 0; i < documented.Count; i++)
            {
                var value = documented[i].Member.Split('.').Aggregate<string, JsonNode?>(group, (node, key) => node?[key]);
                var cell = line[3 + i];
                if (value is null)
                {
                    Assert.True(cell == "", $"{documented[i].Member} is absent but the CSV has {cell}");
                }
                else
                {
                    Assert.True(decimal.Parse(cell, CultureInfo.InvariantCulture) == value.GetValue<decimal>(), $"{documented[i].Member}: JSON {value.ToJsonString()}, CSV {cell}");
                }
            }
        }
    }

    /// <summary>The fields of one CSV line (RFC 4180: a quoted field may hold commas and doubled quotes).</summary>
    private static List<string> Fields(string line)
    {
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        fields.Add(field.ToString());
        return fields;
    }

    [Theory]
    [InlineData("groupBy=village")]
    [InlineData("region=abc")]
    [InlineData("year=2023&fromYear=2022")]
    [InlineData("fromYear=2024&toYear=2022")]
    [InlineData("scope=both")]
    [InlineData("level=village")]
    [InlineData("kind=x")]
    [InlineData("region=99")]
    [InlineData("region=141122999")]
    [InlineData("year=0")]
    [InlineData("year=99999")]
    [InlineData("year=2018")]
    [InlineData("fromYear=1000")]
    [InlineData("fromYear=2021&toYear=2101")]
    public async Task A_bad_aggregate_query_is_400(string query)
    {
        var problem = await (await _client.GetAsync("/v1/aggregates?" + query)).AssertProblemAsync(400);
        Assert.NotNull(problem["parameter"]);
        await (await _client.GetAsync("/v1/aggregates/outcomes?" + query)).AssertProblemAsync(400);
    }

    [Theory]
    [InlineData("/v1/aggregates?year=abc", "year")]
    [InlineData("/v1/aggregates/outcomes?fromYear=1e3", "fromYear")]
    [InlineData("/v1/reports?year=twenty", "year")]
    [InlineData("/v1/reports?limit=many", "limit")]
    public async Task A_value_that_is_not_a_number_is_400_naming_its_parameter(string url, string parameter)
    {
        var problem = await (await _client.GetAsync(url)).AssertProblemAsync(400);
        Assert.Equal(parameter, (string)problem["parameter"]!);
        Assert.Contains("whole number", (string)problem["detail"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_applicant_column_is_for_outcomes_only()
    {
        var problem = await (await _client.GetAsync("/v1/aggregates?applicant=naturalPerson")).AssertProblemAsync(400);
        Assert.Equal("applicant", (string)problem["parameter"]!);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/v1/aggregates/outcomes?applicant=naturalPerson")).StatusCode);
    }

    [Theory]
    [InlineData("text/csv", true)]
    [InlineData("text/csv;q=0.5, application/json", false)]
    [InlineData("application/json;q=0.4, text/csv;q=0.9", true)]
    [InlineData("text/csv, application/json", true)]
    [InlineData("application/json, text/csv", false)]
    [InlineData("text/csv, */*", true)]
    [InlineData("*/*;q=0.8, text/csv;q=0.5", false)]
    [InlineData("text/*", true)]
    [InlineData("text/csv;q=0", false)]
    [InlineData("*/*", false)]
    public async Task The_accept_header_chooses_csv_by_its_q_values(string accept, bool csv)
    {
        foreach (var path in new[] { "/v1/aggregates?year=2023&groupBy=province", "/v1/aggregates/outcomes?year=2023" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.TryAddWithoutValidation("Accept", accept);
            var response = await _client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(csv ? "text/csv" : "application/json", response.Content.Headers.ContentType!.MediaType);
        }
    }

    [Fact]
    public async Task An_unknown_applicant_column_is_400() =>
        await (await _client.GetAsync("/v1/aggregates/outcomes?applicant=robots")).AssertProblemAsync(400);

    private static long N(JsonNode node) => long.Parse(node.ToJsonString(), CultureInfo.InvariantCulture);

    private Dictionary<string, List<JsonObject>> Expected(string query)
    {
        var parameters = query.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=')).ToList();
        string? Param(string name) => parameters.LastOrDefault(p => p[0] == name)?[1];
        var groupBy = parameters.Where(p => p[0] == "groupBy").SelectMany(p => p[1].Split(',')).ToList();
        var region = Param("region") is { } r ? (r.Length == 6 && r.EndsWith("00", StringComparison.Ordinal) ? r.TrimEnd('0').PadRight(r.EndsWith("0000", StringComparison.Ordinal) ? 2 : 4, '0')[..(r.EndsWith("0000", StringComparison.Ordinal) ? 2 : 4)] : r) : null;
        var selected = fixture.Reports.Where(report =>
        {
            var agency = report["agency"]!;
            var year = (int)report["year"]!;
            return (string)agency["scope"]! == (Param("scope") ?? "agency")
                && (Param("year") is not { } y || year == int.Parse(y, CultureInfo.InvariantCulture))
                && (Param("fromYear") is not { } from || year >= int.Parse(from, CultureInfo.InvariantCulture))
                && (Param("toYear") is not { } to || year <= int.Parse(to, CultureInfo.InvariantCulture))
                && (region is null || ((string)agency["regionCode"]!).StartsWith(region, StringComparison.Ordinal))
                && (Param("level") is not { } level || (string)agency["level"]! == level)
                && (Param("kind") is not { } kind || (string)agency["kind"]! == kind);
        });
        return selected.GroupBy(report => string.Join("|", groupBy.Select(d => KeyPart(report, d)).OfType<string>().Order(StringComparer.Ordinal)))
            .ToDictionary(g => g.Key, g => g.ToList());
    }

    /// <summary>Null where the report's agency sits above the dimension's level: the API omits that key.</summary>
    private static string? KeyPart(JsonObject report, string dimension)
    {
        var code = (string)report["agency"]!["regionCode"]!;
        return dimension switch
        {
            "year" => "year=" + (int)report["year"]!,
            "province" => "province=" + code[..2],
            "city" => code.Length >= 4 ? "city=" + code[..4] : null,
            "county" => code.Length >= 6 ? "county=" + code[..6] : null,
            "township" => code.Length == 9 ? "township=" + code : null,
            _ => dimension + "=" + (string)report["agency"]![dimension]!,
        };
    }

    private static string KeyText(JsonNode key) => string.Join("|", key.AsObject()
        .Where(p => !p.Key.EndsWith("Name", StringComparison.Ordinal))
        .Select(p => $"{p.Key}={p.Value}")
        .Order(StringComparer.Ordinal));
}
