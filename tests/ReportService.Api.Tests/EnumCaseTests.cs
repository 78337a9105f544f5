using ReportService.TestSupport;

namespace ReportService.Api.Tests;

/// <summary>
/// Enum values of a report body are read in any letter case and answered in the one spelling the document lists
/// (issue 14): a report stored with <c>TOWNSHIP</c> reads back as <c>township</c>, so the answer stays within its schema's
/// enum; query parameters take the listed spelling only.
/// </summary>
public sealed class EnumCaseTests(ServiceFactory factory) : IClassFixture<ServiceFactory>
{
    [Fact]
    public async Task A_report_sent_in_another_letter_case_is_answered_in_the_documented_spelling()
    {
        var client = factory.CreateClient();
        var report = Seeds.Json("003");
        report["agency"]!["level"] = "TOWNSHIP";
        report["agency"]!["kind"] = "Government";
        report["agency"]!["scope"] = "AGENCY";
        var id = await client.SubmitAcceptedAsync(report);

        foreach (var path in new[] { $"/v1/reports/{id}", $"/v1/reports/{id}/revisions/1" })
        {
            var agency = (await (await client.GetAsync(path)).ReadObjectAsync())["report"]!["agency"]!;
            Assert.Equal("township", (string)agency["level"]!);
            Assert.Equal("government", (string)agency["kind"]!);
            Assert.Equal("agency", (string)agency["scope"]!);
            Assert.Equal("滑县四间房镇人民政府", (string)agency["name"]!);
        }

        var listed = (await (await client.GetAsync("/v1/reports?level=township")).ReadObjectAsync())["items"]!.AsArray();
        Assert.Equal(id.ToString(), (string)listed.Single()!["id"]!);
        var problem = await (await client.GetAsync("/v1/reports?level=Township")).AssertProblemAsync(400);
        Assert.Equal("level", (string)problem["parameter"]!);
    }
}
