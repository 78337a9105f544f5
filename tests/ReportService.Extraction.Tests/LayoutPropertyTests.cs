using System.Globalization;
using System.Text.Json.Nodes;
using ReportService.Statutory.Model;
using ReportService.TestSupport;
using Xunit.Abstractions;

namespace ReportService.Extraction.Tests;

/// <summary>
/// Generated reports of both formats, valid and with blanked or broken cells, rendered in every layout published
/// reports use, extract back cell for cell; rendered with their cells run together they come back exact or
/// ambiguous, never wrong. Deterministic by seed.
/// </summary>
public sealed class LayoutPropertyTests(ITestOutputHelper output)
{
    private const int Runs = 60;

    public static TheoryData<TextLayout, string> PositionalLayouts()
    {
        var data = new TheoryData<TextLayout, string>();
        foreach (var layout in ReportRenderer.Positional)
        {
            data.Add(layout, ReportFormats.Format2021);
            data.Add(layout, ReportFormats.Format2019);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(PositionalLayouts))]
    public void Generated_reports_extract_back_cell_for_cell(TextLayout layout, string format)
    {
        for (var seed = 0; seed < Runs; seed++)
        {
            var random = new Random(seed);
            var report = ReportGenerator.Generate(random, format);
            if (random.Next(2) == 0)
            {
                // An invalid report: one table-3 or table-4 cell changed, so no identity can have produced it.
                Change(report, random);
            }

            var text = new ReportRenderer(layout, random).Render(report);
            var result = ReportExtractor.FromText(text);
            var differences = Comparison.Differences(report, result);
            Assert.True(differences.Count == 0, $"seed {seed}, {layout}, {format}:\n{Comparison.Describe(differences)}\n---\n{text}");
            Assert.All(result.Cells.Where(c => c.Status == ExtractionStatus.Read), c => Assert.Equal(
                Comparison.Expected(report, c.Pointer)!.Value,
                decimal.Parse(SourceText.NormalizeString(c.Source!.Text).Replace("万元", "", StringComparison.Ordinal), CultureInfo.InvariantCulture)));
        }
    }

    [Theory]
    [InlineData(TextLayout.Tabs)]
    [InlineData(TextLayout.Markdown)]
    [InlineData(TextLayout.Sectioned)]
    [InlineData(TextLayout.PipeLines)]
    [InlineData(TextLayout.SeparatorLines)]
    [InlineData(TextLayout.Shuffled)]
    [InlineData(TextLayout.FullWidth)]
    public void Blank_cells_come_back_missing_never_zero(TextLayout layout)
    {
        for (var seed = 0; seed < Runs; seed++)
        {
            var random = new Random(1000 + seed);
            var report = ReportGenerator.Generate(random, random.Next(2) == 0 ? ReportFormats.Format2019 : ReportFormats.Format2021);
            var blanked = new List<string>();
            for (var i = random.Next(1, 6); i > 0; i--)
            {
                blanked.Add(Blank(report, random));
            }

            var result = ReportExtractor.FromText(new ReportRenderer(layout, random).Render(report));
            var differences = Comparison.Differences(report, result);
            Assert.True(differences.Count == 0, $"seed {seed}, {layout}: blanked {string.Join(", ", blanked)}\n{Comparison.Describe(differences)}");
            Assert.All(blanked.Distinct(), p => Assert.Equal(ExtractionStatus.Missing, result.Cell(p)!.Status));
        }
    }

    [Theory]
    [InlineData(ReportFormats.Format2021)]
    [InlineData(ReportFormats.Format2019)]
    public void Column_aligned_table_3_with_gaps_for_blanks_extracts_back(string format)
    {
        for (var seed = 0; seed < Runs; seed++)
        {
            var random = new Random(4000 + seed);
            var report = ReportGenerator.Generate(random, format);
            var rows = Comparison.Pointers(format).Where(p => p.StartsWith("/requests", StringComparison.Ordinal)).ToList();
            var blanked = new List<string>();
            for (var i = random.Next(1, 12); i > 0; i--)
            {
                var pointer = rows[random.Next(rows.Count)];
                var segments = pointer.Split('/', StringSplitOptions.RemoveEmptyEntries);
                var parent = segments[..^1].Aggregate((JsonNode)report, (node, s) => node[s]!).AsObject();
                if (parent.Count > 2)
                {
                    // Keep at least two numbers in the row: one number alone could as well be digits run together.
                    parent.Remove(segments[^1]);
                    blanked.Add(pointer);
                }
            }

            var text = new ReportRenderer(TextLayout.Aligned, random).Render(report);
            var result = ReportExtractor.FromText(text);
            var differences = Comparison.Differences(report, result);
            Assert.True(differences.Count == 0, $"seed {seed}, {format}: blanked {string.Join(", ", blanked)}\n{Comparison.Describe(differences)}\n---\n{text}");
        }
    }

    [Theory]
    [InlineData(ReportFormats.Format2021, TextLayout.RunTogether)]
    [InlineData(ReportFormats.Format2019, TextLayout.RunTogether)]
    [InlineData(ReportFormats.Format2021, TextLayout.RunTogetherOneLine)]
    [InlineData(ReportFormats.Format2019, TextLayout.RunTogetherOneLine)]
    public void Run_together_cells_come_back_exact_or_ambiguous_never_wrong(string format, TextLayout layout)
    {
        var exact = 0;
        var ambiguous = 0;
        var total = 0;
        for (var seed = 0; seed < Runs; seed++)
        {
            var random = new Random(2000 + seed);
            var report = ReportGenerator.Generate(random, format);
            var result = ReportExtractor.FromText(new ReportRenderer(layout, random).Render(report));
            foreach (var pointer in Comparison.Pointers(format).Where(p => !p.StartsWith("/activeDisclosure", StringComparison.Ordinal)))
            {
                var want = Comparison.Expected(report, pointer);
                var cell = result.Cell(pointer)!;
                total++;
                if (cell.Status is ExtractionStatus.Read or ExtractionStatus.Inferred)
                {
                    Assert.True(want == cell.Value, $"seed {seed}: {pointer} extracted {cell.Value}, printed {want} ({cell.Note})");
                    exact++;
                }
                else
                {
                    ambiguous++;
                    Assert.Equal(ExtractionStatus.Ambiguous, cell.Status);
                    if (cell.Candidates.Count > 0)
                    {
                        Assert.Contains(want!.Value, cell.Candidates);
                    }
                }
            }

            // Table 2 has no identities: a cell comes back with its value or ambiguous (with it among the candidates),
            // a 本年增/减 printed with its sign ("5-342") included; never missing, never wrong.
            foreach (var cell in result.Cells.Where(c => c.Pointer.StartsWith("/activeDisclosure", StringComparison.Ordinal)))
            {
                var want = Comparison.Expected(report, cell.Pointer);
                if (cell.Value is not null)
                {
                    Assert.Equal(want, cell.Value);
                }
                else
                {
                    Assert.True(cell.Status == ExtractionStatus.Ambiguous, $"seed {seed}: {cell.Pointer} {cell.Status}, printed {want} ({cell.Note})");
                }
            }
        }

        // Most generated rows are small numbers, which split one way only; a row of two-digit numbers often has
        // several splits that every identity accepts, and stays ambiguous.
        output.WriteLine($"{format}, {layout}: {exact} of {total} table-3/4 cells settled, {ambiguous} ambiguous");
        Assert.True(exact > total / 2, $"{exact} of {total} table-3/4 cells settled");
    }

    internal static void Change(JsonObject report, Random random)
    {
        var pointers = Comparison.Pointers(report["format"]!.GetValue<string>()).Where(p => !p.StartsWith("/activeDisclosure", StringComparison.Ordinal)).ToList();
        var pointer = pointers[random.Next(pointers.Count)];
        var parent = Parent(report, pointer, out var key);
        parent[key] = parent[key]!.GetValue<int>() + random.Next(1, 30);
    }

    internal static string Blank(JsonObject report, Random random)
    {
        var pointers = Comparison.Pointers(report["format"]!.GetValue<string>()).ToList();
        var pointer = pointers[random.Next(pointers.Count)];
        Parent(report, pointer, out var key).Remove(key);
        return pointer;
    }

    private static JsonObject Parent(JsonObject report, string pointer, out string key)
    {
        var segments = pointer.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var node = report;
        foreach (var segment in segments[..^1])
        {
            node = node[segment]!.AsObject();
        }

        key = segments[^1];
        return node;
    }
}
