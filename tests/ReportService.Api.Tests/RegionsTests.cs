using System.Net;
using ReportService.TestSupport;

namespace ReportService.Api.Tests;

public sealed class RegionsTests(ServiceFactory factory) : IClassFixture<ServiceFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Theory]
    [InlineData("14", "14", "山西省", "province", null)]
    [InlineData("140000", "14", "山西省", "province", null)]
    [InlineData("141100", "1411", "吕梁市", "city", "14")]
    [InlineData("141122", "141122", "交城县", "county", "1411")]
    [InlineData("141122103", "141122103", "水峪贯镇", "township", "141122")]
    public async Task A_region_is_found_by_any_form_of_its_code(string asked, string code, string name, string level, string? parent)
    {
        var region = await (await _client.GetAsync($"/v1/regions/{asked}")).ReadObjectAsync();
        Assert.Equal(code, (string)region["code"]!);
        Assert.Equal(name, (string)region["name"]!);
        Assert.Equal(level, (string)region["level"]!);
        Assert.Equal(parent, (string?)region["parent"]?["code"]);
        // Absent, not null: the schema says object-or-absent.
        Assert.Equal(parent is not null, region.ContainsKey("parent"));
    }

    [Fact]
    public async Task A_county_lists_its_townships()
    {
        var county = await (await _client.GetAsync("/v1/regions/141122")).ReadObjectAsync();
        var children = county["children"]!.AsArray().Select(c => (string)c!["code"]!).ToArray();
        Assert.Contains("141122103", children);
        Assert.All(children, c => Assert.StartsWith("141122", c, StringComparison.Ordinal));
        Assert.All(county["children"]!.AsArray(), c => Assert.Equal("township", (string)c!["level"]!));

        var list = await (await _client.GetAsync("/v1/regions?parent=141122")).ReadObjectAsync();
        Assert.Equal(children, list["items"]!.AsArray().Select(c => (string)c!["code"]!));
    }

    [Fact]
    public async Task Without_a_parent_the_list_is_the_31_provinces()
    {
        var list = await (await _client.GetAsync("/v1/regions")).ReadObjectAsync();
        Assert.Equal(31, list["items"]!.AsArray().Count);
        Assert.False(list.ContainsKey("parent"));
    }

    [Theory]
    [InlineData("/v1/regions/999999")]
    [InlineData("/v1/regions/abc")]
    [InlineData("/v1/regions?parent=141122999")]
    public async Task An_unknown_region_is_404(string url) =>
        await (await _client.GetAsync(url)).AssertProblemAsync(404);

    [Fact]
    public async Task The_reference_is_loaded_into_postgresql()
    {
        Assert.True(await factory.ScalarAsync<long>("SELECT count(*) FROM regions") > 44_000);
        Assert.Equal("水峪贯镇", await factory.ScalarAsync<string>("SELECT name FROM regions WHERE code = '141122103'"));
        Assert.Equal("141122", await factory.ScalarAsync<string>("SELECT parent_code FROM regions WHERE code = '141122103'"));
    }

    [Fact]
    public async Task A_submission_with_an_unknown_region_code_is_rejected_for_agency_region()
    {
        var report = Seeds.Json("002").Set("/publishedOn", "2024-01-10").Set("/agency/regionCode", "654025999");
        var problem = await (await _client.SubmitAsync(report)).AssertProblemAsync(422);
        var violation = Assert.Single(problem["violations"]!.AsArray())!;
        Assert.Equal("AGENCY.REGION", (string)violation["rule"]!);
        Assert.Equal("/agency/regionCode", (string)violation["cells"]![0]!["pointer"]!);
    }

    [Fact]
    public async Task Six_digit_province_and_prefecture_codes_are_normalised_when_stored()
    {
        var report = ReportGenerator.Generate(new Random(5), "2021", 2023, ReportGenerator.MakeCreditCode("141100", new Random(5)), "141100");
        report["agency"]!["level"] = "city";
        var response = await _client.SubmitAsync(report);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = Guid.Parse((string)(await response.ReadObjectAsync())["id"]!);
        Assert.Equal("1411", await factory.ScalarAsync<string>("SELECT region_code FROM reports WHERE id = @id", ("id", id)));
    }
}
