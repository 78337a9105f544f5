using System.Net;
using System.Text.Json.Nodes;
using ReportService.TestSupport;

namespace ReportService.Api.Tests;

public sealed class ValidateReportTests(ServiceFactory factory) : IClassFixture<ServiceFactory>
{
    private const string Route = "/v1/reports/validate";
    private readonly HttpClient _client = factory.CreateClient();

    private Task<HttpResponseMessage> ValidateAsync(HttpContent content, string? language = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Route) { Content = content };
        if (language is not null)
        {
            request.Headers.AcceptLanguage.ParseAdd(language);
        }

        return _client.SendAsync(request);
    }

    [Fact]
    public async Task Seed_004_is_invalid_with_pointers_to_the_broken_cells()
    {
        var response = await ValidateAsync(Http.Json(Seeds.Utf8("004")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadObjectAsync();
        Assert.False((bool)body["valid"]!);
        var balance = body["violations"]!.AsArray().Select(v => v!.AsObject())
            .Where(v => (string)v["rule"]! == "T3.BALANCE").ToArray();
        Assert.Equal(2, balance.Length);
        var natural = balance[0];
        Assert.Equal("error", (string)natural["severity"]!);
        Assert.Equal(2, (int)natural["expected"]!);
        Assert.Equal(0, (int)natural["actual"]!);
        Assert.Equal("第一项加第二项之和（2）不等于第三项加第四项之和（0）：自然人列", (string)natural["message"]!);
        Assert.Equal(
            ["/requests/received/naturalPerson", "/requests/carriedOver/naturalPerson", "/requests/outcomes/total/naturalPerson", "/requests/carriedForward/naturalPerson"],
            natural["cells"]!.AsArray().Select(c => (string)c!["pointer"]!));
        Assert.Equal([2, 0, 0, 0], natural["cells"]!.AsArray().Select(c => (int)c!["value"]!));
    }

    [Fact]
    public async Task Messages_are_english_when_the_client_asks_for_english()
    {
        var body = await (await ValidateAsync(Http.Json(Seeds.Utf8("004")), "en-GB,en;q=0.9,zh;q=0.5")).ReadObjectAsync();
        var message = (string)body["violations"]![0]!["message"]!;
        Assert.StartsWith("The outcome rows sum to 2", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Seed_001_is_valid_with_its_warning()
    {
        var body = await (await ValidateAsync(Http.Json(Seeds.Utf8("001")))).ReadObjectAsync();
        Assert.True((bool)body["valid"]!);
        var warning = Assert.Single(body["violations"]!.AsArray())!;
        Assert.Equal("REPORT.PUBLISHED_BEFORE_PERIOD_END", (string)warning["rule"]!);
        Assert.Equal("warning", (string)warning["severity"]!);
    }

    [Fact]
    public async Task Seed_000_missing_cells_are_reported_as_missing()
    {
        var body = await (await ValidateAsync(Http.Json(Seeds.Utf8("000")))).ReadObjectAsync();
        Assert.False((bool)body["valid"]!);
        var cells = body["violations"]!.AsArray().Select(v => v!["cells"]![0]!).ToArray();
        Assert.Equal(5, cells.Length);
        Assert.All(cells, c => Assert.True((bool)c["missing"]!));
        Assert.All(cells, c => Assert.Null(c["value"]));
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("{\"format\":\"2021\",\"year\":")]
    [InlineData("[]")]
    public async Task A_body_that_is_not_a_json_report_is_400(string body)
    {
        await (await ValidateAsync(Http.Json(body))).AssertProblemAsync(400);
    }

    [Theory]
    [InlineData("/requests/received/naturalPerson", "\"2\"")]
    [InlineData("/requests/received/naturalPerson", "2147483648")]
    [InlineData("/requests/received/naturalPerson", "1.5")]
    [InlineData("/appeals/reconsideration", "[]")]
    [InlineData("/agency/level", "\"village\"")]
    [InlineData("/agency/extra", "1")]
    public async Task A_value_of_the_wrong_type_is_400_naming_its_pointer(string pointer, string value)
    {
        var body = Seeds.Json("002").Set(pointer, JsonNode.Parse(value));
        var problem = await (await ValidateAsync(Http.Json(body))).AssertProblemAsync(400);
        Assert.Equal(pointer, (string)problem["pointer"]!);
        Assert.Contains(pointer, (string)problem["detail"]!, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/requests/received/naturalPerson", "-1", "CELL.COUNT")]
    [InlineData("/activeDisclosure/fees/amount", "0.1234567", "T2.FEE_AMOUNT")]
    [InlineData("/format", "\"2022\"", "REPORT.FORMAT")]
    [InlineData("/format", "\"2019\"", "REPORT.FORMAT")]
    [InlineData("/agency/creditCode", "\"11654025381749268M\"", "AGENCY.CREDIT_CODE")]
    public async Task A_well_formed_body_that_breaks_a_rule_is_invalid_with_that_rule(string pointer, string value, string rule)
    {
        var body = Seeds.Json("002").Set(pointer, JsonNode.Parse(value));
        var response = await ValidateAsync(Http.Json(body));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await response.ReadObjectAsync();
        Assert.False((bool)result["valid"]!);
        Assert.Contains(result["violations"]!.AsArray(), v => (string)v!["rule"]! == rule);
    }

    [Fact]
    public async Task A_body_over_one_mebibyte_is_413()
    {
        var body = Seeds.Json("002").Set("/text/overview", new string('字', 400_000));
        await (await ValidateAsync(Http.Json(body))).AssertProblemAsync(413);
    }

    [Fact]
    public async Task A_chunked_body_over_one_mebibyte_is_413()
    {
        var body = Seeds.Json("002").Set("/text/overview", new string('a', 1_100_000)).ToUtf8();
        var content = new StreamContent(new NonSeekableStream(body));
        content.Headers.ContentType = new("application/json");
        await (await ValidateAsync(content)).AssertProblemAsync(413);
    }

    [Theory]
    [InlineData("{\"format\":\"\\ud800\"}")]
    [InlineData("{\"\\udc00\":1}")]
    public async Task An_unpaired_surrogate_in_the_format_or_a_key_is_400_not_500(string body)
    {
        await (await ValidateAsync(Http.Json(body))).AssertProblemAsync(400);
    }

    [Fact]
    public async Task Invalid_utf8_in_the_format_is_400_not_500()
    {
        await (await ValidateAsync(Http.Json([.. "{\"format\":\""u8, 0xFF, 0xFE, .. "\"}"u8]))).AssertProblemAsync(400);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    public async Task A_body_that_is_not_declared_json_is_415(string mediaType)
    {
        var problem = await (await ValidateAsync(Http.Json(Seeds.Utf8("002"), mediaType))).AssertProblemAsync(415);
        Assert.Equal(["application/json"], problem["accepted"]!.AsArray().Select(t => (string)t!));
        Assert.Contains("application/json", (string)problem["detail"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_rule_catalogue_lists_every_rule_in_both_languages()
    {
        var body = await (await _client.GetAsync("/v1/rules")).ReadObjectAsync();
        var rules = body["rules"]!.AsArray();
        Assert.Equal(19, rules.Count);
        var balance = rules.Single(r => (string)r!["id"]! == "T3.BALANCE")!;
        Assert.Equal("error", (string)balance["severity"]!);
        Assert.Equal(["2019", "2021"], balance["formats"]!.AsArray().Select(f => (string)f!));
        Assert.Contains("第一项加第二项之和", (string)balance["textZh"]!, StringComparison.Ordinal);
        Assert.True((bool)rules.Single(r => (string)r!["id"]! == "X.CARRY_OVER")!["crossYear"]!);
    }

    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();
    }
}
