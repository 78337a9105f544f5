using System.Net;
using System.Text.Json.Nodes;
using ReportService.TestSupport;

namespace ReportService.Api.Tests;

/// <summary>
/// An agency learned from its reports (nobody registered it) follows them (issue 16, ADR 15): its name, region, level and
/// kind are its latest year's report's, corrections included, in the correction's transaction; its first year is its
/// earliest report's. A registered agency is the supervising office's: no report or correction changes it.
/// </summary>
public sealed class LearnedAgencyTests(ServiceFactory factory) : IClassFixture<ServiceFactory>
{
    private static int _seed = 46_000;

    private readonly HttpClient _clerk = factory.CreateClient(ServiceFactory.Token(regions: ["14"], subject: "agency-clerk", client: "portal"));

    private readonly HttpClient _corrector = factory.CreateClient(ServiceFactory.Token(regions: ["14"], subject: "agency-editor", client: "desk"));

    private static JsonObject Report(string creditCode, int year, string name, string region = "141122", string level = "county", string kind = "department")
    {
        var report = ReportGenerator.Generate(new Random(Interlocked.Increment(ref _seed)), year <= 2020 ? "2019" : "2021", year, creditCode, region);
        report.Set("/agency/name", name).Set("/agency/level", level).Set("/agency/kind", kind).Set("/agency/scope", "agency");
        return report;
    }

    private async Task<(string Name, string Region, string Level, string Kind, int FirstYear, string Source, int Version)> AgencyAsync(string code)
    {
        var agency = await (await _clerk.GetAsync($"/v1/agencies/{code}")).ReadObjectAsync();
        return ((string)agency["name"]!, (string)agency["regionCode"]!, (string)agency["level"]!, (string)agency["kind"]!,
            (int)agency["firstYear"]!, (string)agency["source"]!, (int)agency["version"]!);
    }

    private Task<string> EventsAsync(string code) => factory.ScalarAsync<string>(
        "SELECT string_agg(operation || ':' || version || ':' || name || ':' || first_year || ':' || changed_by, '|' ORDER BY id) FROM agency_events WHERE credit_code = @c",
        ("c", code));

    private async Task CorrectAsync(Guid id, JsonObject report, int revision)
    {
        var response = await _corrector.CorrectAsync(id, report, $"\"{revision}\"");
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_learned_agency_follows_its_latest_years_report_through_corrections_and_a_registered_one_does_not()
    {
        var code = ReportGenerator.MakeCreditCode("141122", new Random(46_000));
        var id2022 = await _clerk.SubmitAcceptedAsync(Report(code, 2022, "交城县统计局"));
        Assert.Equal(("交城县统计局", "141122", "county", "department", 2022, "report", 1), await AgencyAsync(code));

        // The correction renames the agency, moves it to another county and makes it another kind of body: the register follows.
        await CorrectAsync(id2022, Report(code, 2022, "文水县统计调查队", region: "141121", kind: "other"), 1);
        Assert.Equal(("文水县统计调查队", "141121", "county", "other", 2022, "report", 2), await AgencyAsync(code));

        // An earlier year's report moves the first year back but does not rename it: 2022 is its latest word.
        var id2020 = await _clerk.SubmitAcceptedAsync(Report(code, 2020, "交城县统计局（旧）", region: "141121", kind: "other"));
        Assert.Equal(("文水县统计调查队", "141121", "county", "other", 2020, "report", 3), await AgencyAsync(code));
        // Nor does its correction.
        await CorrectAsync(id2020, Report(code, 2020, "交城县统计局（更正）", region: "141121", kind: "other"), 1);
        Assert.Equal(("文水县统计调查队", "141121", "county", "other", 2020, "report", 3), await AgencyAsync(code));

        // A later year's report under a new name is the agency's latest word.
        var id2023 = await _clerk.SubmitAcceptedAsync(Report(code, 2023, "文水县统计局", region: "141121", kind: "other"));
        Assert.Equal(("文水县统计局", "141121", "county", "other", 2020, "report", 4), await AgencyAsync(code));
        // A correction that changes nothing of the agency writes no new version.
        await CorrectAsync(id2023, Report(code, 2023, "文水县统计局", region: "141121", kind: "other"), 1);
        Assert.Equal(4, (await AgencyAsync(code)).Version);

        Assert.Equal(
            "learn:1:交城县统计局:2022:agency-clerk|learn:2:文水县统计调查队:2022:agency-editor|learn:3:文水县统计调查队:2020:agency-clerk" +
            "|learn:4:文水县统计局:2020:agency-clerk",
            await EventsAsync(code));

        // Once a supervising office registered it, the register decides: a correction of its latest report changes nothing.
        var registrar = factory.CreateClient(ServiceFactory.Token(scopes: "agencies:write", regions: ["14"], subject: "office-14"));
        Assert.Equal(HttpStatusCode.OK, (await AgenciesTests.PutAsync(registrar, code, AgenciesTests.Agency(name: "文水县统计局", region: "141121", firstYear: 2021))).StatusCode);
        await CorrectAsync(id2023, Report(code, 2023, "文水县统计和调查局", region: "141122", kind: "other"), 2);
        Assert.Equal(("文水县统计局", "141121", "county", "department", 2021, "register", 5), await AgencyAsync(code));
    }

    [Fact]
    public async Task A_correction_racing_the_next_years_report_leaves_the_name_of_the_latest_year()
    {
        for (var round = 0; round < 40; round++)
        {
            var code = ReportGenerator.MakeCreditCode("141124", new Random(47_000 + round));
            var id = await _clerk.SubmitAcceptedAsync(Report(code, 2022, "临县水利局", region: "141124"));
            // At once: the 2022 report renamed by a correction, and the 2023 report under the agency's newest name.
            var (correction, next) = await AgencyRaceTests.RaceAsync(
                () => _corrector.CorrectAsync(id, Report(code, 2022, "临县水利和水保局", region: "141124"), "\"1\""),
                () => _clerk.SubmitAsync(Report(code, 2023, "临县水务局", region: "141124")));
            Assert.Equal((HttpStatusCode.OK, HttpStatusCode.Created), (correction.StatusCode, next.StatusCode));

            Assert.True((await AgencyAsync(code)) is ("临县水务局", "141124", "county", "department", 2022, "report", _), $"round {round}: {await AgencyAsync(code)}");
        }
    }

    [Fact]
    public async Task A_batch_that_makes_an_agency_known_with_two_years_learns_it_once_from_the_latest()
    {
        var code = ReportGenerator.MakeCreditCode("141123", new Random(46_001));
        var lines = string.Join("\n", Report(code, 2023, "兴县林业局", region: "141123").ToJsonString(), Report(code, 2021, "兴县林业和草原局", region: "141123").ToJsonString());
        var response = await _clerk.PostAsync("/v1/reports/batch", Http.Json(System.Text.Encoding.UTF8.GetBytes(lines), "application/x-ndjson"));
        Assert.Equal(2, (int)(await response.ReadObjectAsync())["accepted"]!);
        Assert.Equal(("兴县林业局", "141123", "county", "department", 2021, "report", 1), await AgencyAsync(code));
        Assert.Equal("learn:1:兴县林业局:2021:agency-clerk", await EventsAsync(code));
    }
}
