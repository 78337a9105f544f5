using System.Text.RegularExpressions;
using ReportService.Statutory.Json;
using ReportService.Statutory.Model;
using ReportService.Statutory.Validation;
using ReportService.TestSupport;

namespace ReportService.Extraction.Tests;

/// <summary>
/// The five seed reports (shared/seeds, complete texts) extract to exactly their hand-written fixtures, every
/// cell, and are judged by the rules exactly as the fixtures are.
/// </summary>
public sealed partial class SeedExtractionTests
{
    /// <summary>
    /// The fixtures take 002's and 003's county from shared/seeds/README.md; the texts print the name without it,
    /// and the extractor reads what is printed.
    /// </summary>
    private static readonly Dictionary<string, Dictionary<string, string>> KnownDifferences = new()
    {
        ["002"] = new() { ["agency/name"] = "the text prints 阿勒玛勒镇人民政府; the fixture adds the county 新源县 from the seeds' README" },
        ["003"] = new() { ["agency/name"] = "the text prints 四间房镇; the fixture adds the county 滑县 from the seeds' README" },
    };

    private static readonly ReportValidator Validator = new(FixedClock.Default);

    public static TheoryData<string> All() => [.. Seeds.All];

    private static ExtractionResult Extract(string seed) =>
        ReportExtractor.FromText(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Seeds", seed + ".txt")));

    [Theory]
    [MemberData(nameof(All))]
    public void Seed_extracts_to_its_fixture_cell_for_cell(string seed)
    {
        var differences = Comparison.Differences(Seeds.Json(seed), Extract(seed));
        var known = KnownDifferences.GetValueOrDefault(seed) ?? [];
        Assert.True(
            differences.Keys.Order(StringComparer.Ordinal).SequenceEqual(known.Keys.Order(StringComparer.Ordinal)),
            $"{seed}: differences\n{Comparison.Describe(differences)}");
    }

    [Theory]
    [MemberData(nameof(All))]
    public void Seed_text_sections_are_the_fixtures_apart_from_line_breaks_and_spaces(string seed)
    {
        var fixture = Seeds.Json(seed)["text"]!;
        var text = Extract(seed).Text;
        Assert.Equal(Squeeze(fixture["overview"]!.GetValue<string>()), Squeeze(text.Overview));
        Assert.Equal(Squeeze(fixture["problemsAndImprovements"]!.GetValue<string>()), Squeeze(text.ProblemsAndImprovements));
        Assert.Equal(Squeeze(fixture["otherMatters"]!.GetValue<string>()), Squeeze(text.OtherMatters));
    }

    [Theory]
    [MemberData(nameof(All))]
    public void Seed_draft_is_judged_as_its_fixture(string seed)
    {
        var fixture = Seeds.Json(seed);
        var agency = fixture["agency"]!;
        var draft = Extract(seed).ToReport(new ExtractionOverrides
        {
            CreditCode = agency["creditCode"]!.GetValue<string>(),
            RegionCode = agency["regionCode"]!.GetValue<string>(),
            Name = agency["name"]!.GetValue<string>(),
            Level = AgencyLevel.Township,
            Kind = AgencyKind.Government,
        });

        var extracted = Judge(Assert.IsType<ReportReadResult.Parsed>(draft).Report);
        var expected = Judge(Assert.IsType<ReportReadResult.Parsed>(ReportReader.Read(fixture.ToUtf8())).Report);
        Assert.Equal(expected, extracted);
    }

    private static List<string> Judge(Report report) =>
        [.. Validator.Check(new ReportUnderReview(report, null))
            .Select(v => $"{v.Rule} {v.Severity} {string.Join(",", v.Cells.Select(c => c.Pointer))}")];

    private static string Squeeze(string? text) => Whitespace().Replace(text ?? "", "");

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
