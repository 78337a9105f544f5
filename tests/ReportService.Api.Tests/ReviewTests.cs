using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using ReportService.TestSupport;

namespace ReportService.Api.Tests;

/// <summary>The service with period locks: 2022's reports closed on 2026-05-31, 2023's close on 2026-06-01 (the test clock's day, UTC+8).</summary>
public sealed class PeriodLockServiceFactory : ServiceFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Review:PeriodLocks:2022", "2026-05-31");
        builder.UseSetting("Review:PeriodLocks:2023", "2026-06-01");
    }
}

/// <summary>Supervisors review reports (issue 16 item 3): approve (locks), return (unlocks), audit, history, permissions, races, period locks.</summary>
public sealed class ReviewTests(PeriodLockServiceFactory factory) : IClassFixture<PeriodLockServiceFactory>
{
    private readonly HttpClient _writer = factory.CreateClient();
    private readonly HttpClient _reviewer14 = factory.CreateClient(ServiceFactory.Token(scopes: "reports:review reports:read", regions: ["14"], subject: "office-14", client: "supervision"));

    private static int _seed = 5000;

    private static JsonObject NewReport(int year = 2024, string township = "141122103")
    {
        var seed = Interlocked.Increment(ref _seed);
        return ReportGenerator.Generate(new Random(seed), "2021", year, ReportGenerator.MakeCreditCode(township[..6], new Random(seed)), township);
    }

    private static Task<HttpResponseMessage> ReviewAsync(HttpClient client, Guid id, string? ifMatch, string body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/reports/{id}/reviews") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (ifMatch is not null)
        {
            request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(ifMatch));
        }

        return client.SendAsync(request);
    }

    private static string Decision(string decision, string? comment = null) =>
        new JsonObject { ["decision"] = decision, ["comment"] = comment }.ToJsonString();

    private async Task<string> StatusAsync(Guid id) => (string)(await (await _writer.GetAsync($"/v1/reports/{id}")).ReadObjectAsync())["reviewStatus"]!;

    [Fact]
    public async Task An_approved_report_is_locked_until_a_reviewer_returns_it_and_every_decision_is_in_its_history_and_audited()
    {
        var report = NewReport();
        var id = await _writer.SubmitAcceptedAsync(report);
        Assert.Equal("pending", await StatusAsync(id));

        var approved = await ReviewAsync(_reviewer14, id, "\"1\"", Decision("approved", "checked against the published page"));
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        var review = await approved.ReadObjectAsync();
        Assert.Equal(("approved", 1, "office-14", "supervision"), ((string)review["decision"]!, (int)review["revision"]!, (string)review["reviewedBy"]!, (string)review["reviewedClient"]!));
        Assert.Equal("approved", await StatusAsync(id));

        var refused = await _writer.CorrectAsync(id, report.DeepClone(), "\"1\"");
        var problem = await refused.AssertProblemAsync(409);
        Assert.Equal("https://report-service/problems/report-approved", (string)problem["type"]!);
        Assert.Equal(1, (int)problem["review"]!["revision"]!);
        Assert.Contains("office-14", (string)problem["detail"]!, StringComparison.Ordinal);
        Assert.Equal(1L, await factory.ScalarAsync<long>("SELECT count(*) FROM report_revisions WHERE report_id = @id", ("id", id)));

        Assert.Equal(HttpStatusCode.OK, (await ReviewAsync(_reviewer14, id, "\"1\"", Decision("returned", "table 3 row (七) does not add up"))).StatusCode);
        Assert.Equal("returned", await StatusAsync(id));
        Assert.Equal(HttpStatusCode.OK, (await _writer.CorrectAsync(id, report.DeepClone(), "\"1\"")).StatusCode);
        Assert.Equal("pending", await StatusAsync(id));

        var history = await (await _writer.GetAsync($"/v1/reports/{id}/revisions")).ReadObjectAsync();
        Assert.Equal("pending", (string)history["reviewStatus"]!);
        Assert.Equal(["approved", "returned"], history["reviews"]!.AsArray().Select(r => (string)r!["decision"]!));
        Assert.Equal([1, 1], history["reviews"]!.AsArray().Select(r => (int)r!["revision"]!));

        var audit = await factory.ScalarAsync<string>(
            "SELECT string_agg(operation || ':' || revision || ':' || coalesce(subject, '-'), ',' ORDER BY id) FROM audit_events WHERE report_id = @id", ("id", id));
        Assert.Equal("submit:1:test-subject,review:approved:1:office-14,review:returned:1:office-14,correct:2:test-subject", audit);
        await Assert.ThrowsAnyAsync<Npgsql.PostgresException>(() => factory.ScalarAsync<long>("DELETE FROM report_reviews WHERE report_id = @id RETURNING 1", ("id", id)));
    }

    [Fact]
    public async Task Only_a_reviewer_of_the_reports_region_may_review_it()
    {
        var id = await _writer.SubmitAcceptedAsync(NewReport());
        var reviewer44 = factory.CreateClient(ServiceFactory.Token(scopes: "reports:review", regions: ["44"]));
        var problem = await (await ReviewAsync(reviewer44, id, "\"1\"", Decision("approved"))).AssertProblemAsync(403);
        Assert.Contains("141122103", (string)problem["detail"]!, StringComparison.Ordinal);

        // A writer for every region is not a reviewer; a reviewer by credit code alone has no region to review.
        await (await ReviewAsync(_writer, id, "\"1\"", Decision("approved"))).AssertProblemAsync(403);
        var byCreditCode = factory.CreateClient(ServiceFactory.Token(scopes: "reports:review", creditCodes: ["X"]));
        await (await ReviewAsync(byCreditCode, id, "\"1\"", Decision("approved"))).AssertProblemAsync(403);
        await (await ReviewAsync(factory.CreateClient(token: null), id, "\"1\"", Decision("approved"))).AssertProblemAsync(401);

        Assert.Equal("pending", await StatusAsync(id));
        Assert.Equal(0L, await factory.ScalarAsync<long>("SELECT count(*) FROM report_reviews WHERE report_id = @id", ("id", id)));
    }

    [Theory]
    [InlineData(null, "{\"decision\":\"approved\"}", 428, null)]
    [InlineData("\"2\"", "{\"decision\":\"approved\"}", 412, null)]
    [InlineData("\"1\"", "{\"decision\":\"maybe\"}", 400, "/decision")]
    [InlineData("\"1\"", "{\"comment\":\"no decision\"}", 400, "/decision")]
    [InlineData("\"1\"", "{\"decision\":\"returned\"}", 400, "/comment")]
    [InlineData("\"1\"", "{\"decision\":\"approved\",\"comment\":42}", 400, "/comment")]
    [InlineData("\"1\"", "[1,2]", 400, null)]
    [InlineData("\"1\"", "{\"decision\":", 400, null)]
    public async Task A_bad_review_is_a_problem_and_records_nothing(string? ifMatch, string body, int status, string? pointer)
    {
        var id = await _writer.SubmitAcceptedAsync(NewReport());
        var problem = await (await ReviewAsync(_reviewer14, id, ifMatch, body)).AssertProblemAsync(status);
        if (pointer is not null)
        {
            Assert.Equal(pointer, (string)problem["pointer"]!);
        }

        Assert.DoesNotContain("ReportService.", problem.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("System.", problem.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(0L, await factory.ScalarAsync<long>("SELECT count(*) FROM report_reviews WHERE report_id = @id", ("id", id)));
        Assert.Equal("pending", await StatusAsync(id));
    }

    [Fact]
    public async Task A_review_of_an_unknown_report_is_404()
    {
        await (await ReviewAsync(_reviewer14, Guid.NewGuid(), "\"1\"", Decision("approved"))).AssertProblemAsync(404);
    }

    [Fact]
    public async Task A_review_and_a_correction_of_the_same_revision_at_once_never_both_win()
    {
        for (var i = 0; i < 8; i++)
        {
            var report = NewReport();
            var id = await _writer.SubmitAcceptedAsync(report);
            var review = ReviewAsync(_reviewer14, id, "\"1\"", Decision("approved"));
            var correction = _writer.CorrectAsync(id, report.DeepClone(), "\"1\"");
            var (reviewed, corrected) = (await review, await correction);

            var revisions = await factory.ScalarAsync<long>("SELECT count(*) FROM report_revisions WHERE report_id = @id", ("id", id));
            var status = await StatusAsync(id);
            if (reviewed.StatusCode == HttpStatusCode.OK)
            {
                // The approval came first: the correction was refused, and the approved revision is the current one.
                Assert.Equal(HttpStatusCode.Conflict, corrected.StatusCode);
                Assert.Equal((1L, "approved"), (revisions, status));
            }
            else
            {
                // The correction came first: the approval named a revision that is no longer current.
                Assert.Equal(HttpStatusCode.PreconditionFailed, reviewed.StatusCode);
                Assert.Equal(HttpStatusCode.OK, corrected.StatusCode);
                Assert.Equal((2L, "pending"), (revisions, status));
            }
        }
    }

    [Fact]
    public async Task After_its_period_lock_a_years_report_is_corrected_only_once_a_reviewer_returned_it()
    {
        var locked = NewReport(year: 2022);
        var id = await _writer.SubmitAcceptedAsync(locked);
        var problem = await (await _writer.CorrectAsync(id, locked.DeepClone(), "\"1\"")).AssertProblemAsync(409);
        Assert.Equal("https://report-service/problems/period-locked", (string)problem["type"]!);
        Assert.Equal("2026-05-31", (string)problem["lockedAfter"]!);

        Assert.Equal(HttpStatusCode.OK, (await ReviewAsync(_reviewer14, id, "\"1\"", Decision("returned", "please fix the fees table"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _writer.CorrectAsync(id, locked.DeepClone(), "\"1\"")).StatusCode);
        // Pending again, and still in a locked period: the next correction needs another return.
        await (await _writer.CorrectAsync(id, locked.DeepClone(), "\"2\"")).AssertProblemAsync(409);

        // 2023 closes at the end of the test clock's day (UTC+8): still open.
        var open = NewReport(year: 2023);
        var openId = await _writer.SubmitAcceptedAsync(open);
        Assert.Equal(HttpStatusCode.OK, (await _writer.CorrectAsync(openId, open.DeepClone(), "\"1\"")).StatusCode);
    }
}
