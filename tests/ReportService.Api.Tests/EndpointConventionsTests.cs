using System.Net;
using System.Text;

namespace ReportService.Api.Tests;

/// <summary>
/// What the move to FastEndpoints must not change or add (issue 12): its own routes are not served, a GET
/// ignores a body, a body without Content-Type is the project's 415 problem, a value that does not bind is the
/// project's 400 problem naming the parameter, and the public-data policy alone decides who may read.
/// </summary>
public sealed class EndpointConventionsTests(ServiceFactory factory) : IClassFixture<ServiceFactory>
{
    /// <summary>UseFastEndpoints maps an anonymous route listing every endpoint for its test helpers; it must not answer here.</summary>
    [Fact]
    public async Task FastEndpoints_test_url_list_is_not_served()
    {
        var response = await factory.CreateClient(token: null).GetAsync("/_test_url_cache_");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("v1/", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v1/regions?parent=14")]
    [InlineData("/v1/aggregates?year=2023")]
    [InlineData("/v1/reports?limit=1")]
    public async Task A_get_with_a_json_body_ignores_the_body(string url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url)
        {
            Content = new StringContent("{\"format\":\"2021\",\"parent\":\"99\",\"limit\":\"x\"}", Encoding.UTF8, "application/json"),
        };
        var response = await factory.CreateClient().SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("/v1/reports", "application/json")]
    [InlineData("/v1/reports/validate", "application/json")]
    [InlineData("/v1/reports/batch", "application/x-ndjson")]
    public async Task A_body_without_content_type_is_a_415_problem_naming_what_is_accepted(string url, string accepted)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent("{}"u8.ToArray()) };
        var response = await factory.CreateClient().SendAsync(request);
        var problem = await response.AssertProblemAsync(415);
        Assert.Contains(accepted, problem["accepted"]!.AsArray().Select(a => (string)a!));
        Assert.NotNull(problem["traceId"]);
    }

    [Fact]
    public async Task A_value_that_does_not_bind_is_the_projects_400_problem_and_names_no_internals()
    {
        var response = await factory.CreateClient().GetAsync("/v1/reports/00000000-0000-0000-0000-000000000001/revisions/99999999999");
        // The route constraint {revision:int} does not match a value beyond int: no such resource.
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);

        var problem = await (await factory.CreateClient().GetAsync("/v1/aggregates?toYear=2e3&year=2023")).AssertProblemAsync(400);
        Assert.Equal("toYear", (string)problem["parameter"]!);
        Assert.Equal("toYear cannot be \"2e3\": it must be a whole number.", (string)problem["detail"]!);
        Assert.NotNull(problem["traceId"]);
        Assert.Null(problem["errors"]);
    }

    [Theory]
    [InlineData("/v1/reports/not-a-uuid", "report ids are UUIDs")]
    [InlineData("/v1/reports/12345/revisions", "report ids are UUIDs")]
    [InlineData("/v1/nothing-here", "no resource at /v1/nothing-here")]
    public async Task A_url_that_names_nothing_is_a_404_problem_that_says_why(string url, string words)
    {
        var problem = await (await factory.CreateClient().GetAsync(url)).AssertProblemAsync(404);
        Assert.Contains(words, (string)problem["detail"]!, StringComparison.Ordinal);
    }
}
