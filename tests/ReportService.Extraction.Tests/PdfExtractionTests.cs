using System.Globalization;
using System.Text.Json.Nodes;

namespace ReportService.Extraction.Tests;

/// <summary>
/// PDFs printed by chromium from report pages (scripts/make-test-pdfs; see Pdf/README.md): generated reports with
/// ruled tables (separate and collapsed borders) and as column-aligned text, and the real 2019 report of the
/// development set's d16. The PDFs are committed, so these tests need no browser.
/// </summary>
public sealed class PdfExtractionTests
{
    public static TheoryData<int> Generated() => [.. Enumerable.Range(0, PdfCorpus.Count)];

    [Theory]
    [MemberData(nameof(Generated))]
    public void Generated_pdfs_extract_back_cell_for_cell(int index)
    {
        var name = PdfCorpus.Name(index);
        var expected = JsonNode.Parse(File.ReadAllText(Path.Combine(PdfCorpus.Directory, name + ".json")))!.AsObject();
        var result = ReportExtractor.FromPdf(File.ReadAllBytes(Path.Combine(PdfCorpus.Directory, name + ".pdf")));

        var differences = Comparison.Differences(expected, result);
        Assert.True(differences.Count == 0, $"{name}:\n{Comparison.Describe(differences)}");
        Assert.All(result.Cells.Where(c => c.Status == ExtractionStatus.Read), c =>
        {
            Assert.NotNull(c.Source!.Pdf);
            Assert.Equal(Comparison.Expected(expected, c.Pointer), decimal.Parse(SourceText.NormalizeString(c.Source.Text).Replace("万元", "", StringComparison.Ordinal), CultureInfo.InvariantCulture));
        });
    }

    [Fact]
    public void The_committed_sources_are_what_the_generator_makes()
    {
        var update = Environment.GetEnvironmentVariable("UPDATE_PDF_SOURCES") == "1";
        for (var index = 0; index < PdfCorpus.Count; index++)
        {
            var (report, html) = PdfCorpus.Generate(index);
            var json = PdfCorpus.Json(report);
            if (update)
            {
                Directory.CreateDirectory(PdfCorpus.SourceDirectory());
                File.WriteAllText(Path.Combine(PdfCorpus.SourceDirectory(), PdfCorpus.Name(index) + ".html"), html);
                File.WriteAllText(Path.Combine(PdfCorpus.SourceDirectory(), PdfCorpus.Name(index) + ".json"), json);
                continue;
            }

            Assert.Equal(json, File.ReadAllText(Path.Combine(PdfCorpus.Directory, PdfCorpus.Name(index) + ".json")));
            Assert.Equal(html, File.ReadAllText(Path.Combine(PdfCorpus.Directory, PdfCorpus.Name(index) + ".html")));
        }
    }

    [Fact]
    public void The_real_2019_report_printed_to_pdf_extracts_as_transcribed()
    {
        var expected = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "DevSet", "d16_shanghai_office_2019.json")))!.AsObject();
        var result = ReportExtractor.FromPdf(File.ReadAllBytes(Path.Combine(PdfCorpus.Directory, "d16_shanghai_office_2019.pdf")));

        var differences = Comparison.Differences(expected, result);
        Assert.True(differences.Count == 0, Comparison.Describe(differences));
    }

    [Theory]
    [InlineData("encrypted.pdf", UnreadableReason.Encrypted)]
    [InlineData("no-text.pdf", UnreadableReason.NoText)]
    public void A_pdf_that_cannot_be_read_says_why(string file, UnreadableReason reason)
    {
        var error = Assert.Throws<UnreadableDocumentException>(() => ReportExtractor.FromPdf(File.ReadAllBytes(Path.Combine(PdfCorpus.Directory, file))));
        Assert.Equal(reason, error.Reason);
    }

    [Fact]
    public void A_damaged_pdf_says_so()
    {
        var pdf = File.ReadAllBytes(Path.Combine(PdfCorpus.Directory, "g00.pdf"));
        var junk = new byte[4000];
        new Random(1).NextBytes(junk);

        foreach (var bytes in new[] { pdf[..(pdf.Length / 3)], [.. "%PDF-1.7\n"u8, .. junk], junk })
        {
            var error = Assert.Throws<UnreadableDocumentException>(() => ReportExtractor.FromPdf(bytes));
            Assert.Contains(error.Reason, new[] { UnreadableReason.Damaged, UnreadableReason.NoText });
        }
    }

    [Fact]
    public void A_pdf_over_the_size_limit_is_refused_before_parsing()
    {
        Assert.Throws<ArgumentException>(() => ReportExtractor.FromPdf(new byte[ReportExtractor.MaxPdfBytes + 1]));
    }

    [Fact]
    public void A_cell_is_traced_to_its_page_and_position()
    {
        var result = ReportExtractor.FromPdf(File.ReadAllBytes(Path.Combine(PdfCorpus.Directory, "d16_shanghai_office_2019.pdf")));

        // d16's table 2 is on page 2: 规章 13 | 13 | 524, the first number under 本年新制作数量 (printed at x 290-302, baseline 710).
        var created = result.Cell("/activeDisclosure/regulations/created")!;
        Assert.Equal(ExtractionStatus.Read, created.Status);
        Assert.Equal("13", created.Source!.Text);
        var box = created.Source.Pdf!;
        Assert.True(box.Page == 2, box.ToString());
        Assert.InRange(box.Left, 289, 292);
        Assert.InRange(box.Right, 300, 304);
        Assert.InRange(box.Bottom, 706, 711);
        Assert.InRange(box.Top, 711, 722);
    }

    /// <summary>
    /// Office suites draw a table's borders as stroked lines (chromium as thin filled rectangles, which the
    /// printed tests cover): a frame stroked as a rectangle and inner stroked lines, with an empty cell, comes back as tab-separated rows with the
    /// empty cell kept, in reading order, under the paragraph above it.
    /// </summary>
    [Fact]
    public void A_table_ruled_with_stroked_lines_comes_back_as_rows_with_empty_cells()
    {
        var builder = new UglyToad.PdfPig.Writer.PdfDocumentBuilder();
        var font = builder.AddStandard14Font(UglyToad.PdfPig.Fonts.Standard14Fonts.Standard14Font.Helvetica);
        var page = builder.AddPage(UglyToad.PdfPig.Content.PageSize.A4);
        page.AddText("Heading", 12, new UglyToad.PdfPig.Core.PdfPoint(50, 760), font);
        double[] xs = [50, 150, 200, 250, 300];
        double[] ys = [700, 680, 660];
        // The frame as one stroked rectangle, the inner rulings as stroked lines.
        page.DrawRectangle(new(xs[0], ys[^1]), xs[^1] - xs[0], ys[0] - ys[^1], 0.5, false);
        foreach (var x in xs[1..^1])
        {
            page.DrawLine(new(x, ys[^1]), new(x, ys[0]), 0.5);
        }

        page.DrawLine(new(xs[0], ys[1]), new(xs[^1], ys[1]), 0.5);

        string?[][] cells = [["A", "1", null, "3"], ["B", "4", "5", "6"]];
        for (var r = 0; r < cells.Length; r++)
        {
            for (var c = 0; c < cells[r].Length; c++)
            {
                if (cells[r][c] is { } text)
                {
                    page.AddText(text, 10, new UglyToad.PdfPig.Core.PdfPoint(xs[c] + 5, ys[r + 1] + 6), font);
                }
            }
        }

        var (rendered, locate) = PdfText.Render(builder.Build());

        Assert.Equal("Heading\nA\t1\t\t3\nB\t4\t5\t6\n", rendered);
        var five = rendered.IndexOf('5', StringComparison.Ordinal);
        var box = locate(new CellSource(five, 1, 3, 5, "5", "B\t4\t5\t6")).Pdf!;
        Assert.Equal(1, box.Page);
        Assert.InRange(box.Left, 204, 206);
    }
}
