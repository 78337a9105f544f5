using System.Text.Json.Nodes;
using ReportService.TestSupport;

namespace ReportService.Api.Tests;

/// <summary>
/// U+0000 is valid JSON ("\u0000") but PostgreSQL stores it in neither text nor jsonb. A body with it is
/// malformed (400, with the pointer) and nothing is stored, whichever string holds it. Found by the HTTP fuzzer:
/// it was a 500 (22021/22P05 from PostgreSQL), on validate too when the credit code held it.
/// </summary>
public sealed class NulCharacterTests(ServiceFactory factory) : IClassFixture<ServiceFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    public static TheoryData<string> Pointers =>
        ["/agency/creditCode", "/agency/name", "/agency/regionCode", "/text/overview", "/text/otherMatters", "/publishedOn"];

    private static JsonObject WithNul(string pointer, int seed)
    {
        var report = ReportGenerator.Generate(new Random(seed), "2021");
        report.Set(pointer, (string)report.Get(pointer)! + "\u0000x");
        return report;
    }

    [Theory]
    [MemberData(nameof(Pointers))]
    public async Task A_nul_in_a_string_is_rejected_by_validate_submit_and_correct_and_nothing_is_stored(string pointer)
    {
        var before = await factory.ScalarAsync<long>("SELECT count(*) FROM report_revisions");
        var seed = pointer.Sum(c => (int)c);

        var problem = await (await _client.PostAsync("/v1/reports/validate", Http.Json(WithNul(pointer, seed)))).AssertProblemAsync(400);
        Assert.Equal(pointer, (string)problem["pointer"]!);
        await (await _client.SubmitAsync(WithNul(pointer, seed))).AssertProblemAsync(400);

        var id = await _client.SubmitAcceptedAsync(ReportGenerator.Generate(new Random(seed), "2021"));
        await (await _client.CorrectAsync(id, WithNul(pointer, seed), "\"1\"")).AssertProblemAsync(400);

        Assert.Equal(before + 1, await factory.ScalarAsync<long>("SELECT count(*) FROM report_revisions"));
    }
}
