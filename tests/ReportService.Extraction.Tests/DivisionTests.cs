using System.IO.Compression;
using ReportService.Statutory.Model;
using ReportService.TestSupport;

namespace ReportService.Extraction.Tests;

/// <summary>The agency's region and level from its name, through the service's division reference.</summary>
public sealed class DivisionTests
{
    private static readonly Lazy<DivisionIndex> Divisions = new(() =>
    {
        using var gzip = new GZipStream(File.OpenRead(Path.Combine(AppContext.BaseDirectory, "divisions.tsv.gz")), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        var regions = new List<DivisionName>();
        while (reader.ReadLine() is { Length: > 0 } line)
        {
            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            regions.Add(new DivisionName(line[..tab], line[(tab + 1)..]));
        }

        return new DivisionIndex(regions);
    });

    [Theory]
    [MemberData(nameof(SeedExtractionTests.All), MemberType = typeof(SeedExtractionTests))]
    public void A_seed_agency_is_placed_in_its_fixture_region(string seed)
    {
        var result = ReportExtractor.FromText(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Seeds", seed + ".txt")), Divisions.Value);

        Assert.Equal(Seeds.Json(seed)["agency"]!["regionCode"]!.GetValue<string>(), result.Region.Value);
        Assert.Equal(ExtractionStatus.Inferred, result.Region.Status);
        Assert.Equal(AgencyLevel.Township, result.Level.Value);
        Assert.Equal(AgencyKind.Government, result.Kind.Value);
    }

    [Theory]
    [InlineData("交城县水峪贯镇人民政府", "141122103", AgencyLevel.Township)]
    [InlineData("山西省交城县水峪贯镇人民政府", "141122103", AgencyLevel.Township)]
    [InlineData("双塔区人民政府", "211302", AgencyLevel.County)]
    [InlineData("蓬江區發展和改革局", "440703", AgencyLevel.County)]
    [InlineData("上海市人民政府办公厅", "31", AgencyLevel.Province)]
    public void A_name_is_read_down_the_division_tree(string name, string code, AgencyLevel level)
    {
        Assert.Equal(code, Divisions.Value.RegionOf(name).Value);
        Assert.Equal(level, DivisionIndex.LevelOf(code));
    }

    [Fact]
    public void A_name_several_regions_share_is_ambiguous()
    {
        // Seven townships are called 旧县镇; without the county the name does not say which.
        var region = Divisions.Value.RegionOf("旧县镇人民政府");

        Assert.Equal(ExtractionStatus.Ambiguous, region.Status);
        Assert.Null(region.Value);
        Assert.Contains("140930104", region.Note, StringComparison.Ordinal);
    }

    [Fact]
    public void A_name_that_is_no_place_gives_no_region()
    {
        Assert.Equal(ExtractionStatus.Missing, Divisions.Value.RegionOf("市政府研究室").Status);
    }
}
