using System.Net.Http.Headers;
using ReportService.TestSupport;

namespace ReportService.Api.Tests;

/// <summary>
/// Every error is application/problem+json with a traceId, whatever the client's Accept header says: the
/// framework's own answers (unknown route, wrong method, wrong content type, missing token) as well as the
/// endpoints'. Found by the HTTP fuzzer: with Accept: text/html these were text/plain, problems lost their
/// traceId, and a 401 was a 500.
/// </summary>
public sealed class ProblemResponseTests(ServiceFactory factory) : IClassFixture<ServiceFactory>
{
    public static TheoryData<string> Accepts => ["text/html", "application/xml", "text/csv", "image/png", "application/json"];

    private static HttpRequestMessage Request(HttpMethod method, string path, string accept, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        return request;
    }

    [Theory]
    [MemberData(nameof(Accepts))]
    public async Task An_unknown_route_is_404_problem_json(string accept) =>
        await (await factory.CreateClient().SendAsync(Request(HttpMethod.Get, "/v1/nothing-here", accept))).AssertProblemAsync(404);

    [Theory]
    [MemberData(nameof(Accepts))]
    public async Task A_wrong_method_is_405_problem_json(string accept) =>
        await (await factory.CreateClient().SendAsync(Request(HttpMethod.Delete, "/v1/rules", accept))).AssertProblemAsync(405);

    [Theory]
    [MemberData(nameof(Accepts))]
    public async Task A_body_of_the_wrong_content_type_is_415_problem_json(string accept) =>
        await (await factory.CreateClient().SendAsync(Request(HttpMethod.Post, "/v1/reports/validate", accept, Http.Json(Seeds.Utf8("002"), "text/plain"))))
            .AssertProblemAsync(415);

    [Theory]
    [MemberData(nameof(Accepts))]
    public async Task A_malformed_body_is_400_problem_json_with_its_trace_id(string accept) =>
        await (await factory.CreateClient().SendAsync(Request(HttpMethod.Post, "/v1/reports/validate", accept, Http.Json("{")))).AssertProblemAsync(400);

    [Theory]
    [MemberData(nameof(Accepts))]
    public async Task A_write_without_a_token_is_401_problem_json(string accept) =>
        await (await factory.CreateClient(token: null).SendAsync(Request(HttpMethod.Post, "/v1/reports/validate", accept, Http.Json(Seeds.Utf8("002")))))
            .AssertProblemAsync(401);

    [Theory]
    [MemberData(nameof(Accepts))]
    public async Task A_write_without_the_write_scope_is_403_problem_json(string accept) =>
        await (await factory.CreateClient(ServiceFactory.Token(scopes: "reports:read")).SendAsync(Request(HttpMethod.Post, "/v1/reports/validate", accept, Http.Json(Seeds.Utf8("002")))))
            .AssertProblemAsync(403);

    [Theory]
    [InlineData(null, "报告不符合法定规则", "报告未通过")]
    [InlineData("en", "The report breaks statutory rules", "rule(s) of severity error failed")]
    public async Task A_rule_violations_title_speaks_the_language_of_its_detail(string? language, string title, string detail)
    {
        var problem = await (await factory.CreateClient().SubmitAsync(ReportService.TestSupport.Seeds.Json("004"), language: language)).AssertProblemAsync(422);
        Assert.Equal(title, (string)problem["title"]!);
        Assert.Contains(detail, (string)problem["detail"]!, StringComparison.Ordinal);
    }

    /// <summary>A negative count is answered 422 CELL.COUNT naming the cell, as the document's <c>minimum: 0</c> says (issue 14).</summary>
    [Fact]
    public async Task A_negative_count_is_a_rule_violation_naming_the_cell()
    {
        var report = ReportService.TestSupport.Seeds.Json("002");
        report["requests"]!["received"]!["naturalPerson"] = -1;
        var problem = await (await factory.CreateClient().SubmitAsync(report, language: "en")).AssertProblemAsync(422);
        var violation = problem["violations"]!.AsArray().Single(v => (string)v!["rule"]! == "CELL.COUNT");
        Assert.Equal("/requests/received/naturalPerson", (string)violation!["cells"]![0]!["pointer"]!);
        Assert.Contains("cannot be negative", (string)violation["message"]!, StringComparison.Ordinal);
    }
}
