using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using ReportService.Statutory.Model;
using ReportService.TestSupport;

namespace ReportService.Extraction.Tests;

/// <summary>
/// The generated reports behind the committed test PDFs (tests/ReportService.Extraction.Tests/Pdf/gNN.*): the page
/// each was printed from and the report JSON it must extract back to. <c>scripts/make-test-pdfs</c> writes the
/// sources (through <see cref="PdfExtractionTests"/> with UPDATE_PDF_SOURCES=1) and prints each page with chromium,
/// so the tests need no browser; a test checks that the committed sources are still what this code generates.
/// </summary>
internal static class PdfCorpus
{
    public const int Count = 12;

    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Pdf");

    public static string SourceDirectory()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ReportService.sln")))
        {
            dir = dir.Parent;
        }

        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("ReportService.sln not found above the test binaries."),
            "tests", "ReportService.Extraction.Tests", "Pdf");
    }

    public static string Name(int index) => $"g{index:00}";

    /// <summary>
    /// Both formats; valid, with blanked cells, or with a changed cell; tables with separate borders (the browser's
    /// default) or collapsed ones (shared rulings, as office suites draw them); the last two as column-aligned text
    /// in a &lt;pre&gt; (no rulings at all), on a landscape page wide enough for its lines, in a font whose Chinese
    /// characters are exactly two Latin ones wide (so the text's columns are the page's).
    /// </summary>
    public static (JsonObject Report, string Html) Generate(int index)
    {
        var random = new Random(5000 + index);
        var format = index % 2 == 0 ? ReportFormats.Format2021 : ReportFormats.Format2019;
        var report = ReportGenerator.Generate(random, format);
        var aligned = index >= Count - 2;
        switch (index % 3)
        {
            case 1 when aligned:
                // Column-aligned text shows a blank only as a gap, which is read under table 3's header labels alone.
                var table3 = Comparison.Pointers(format).Where(p => p.StartsWith("/requests", StringComparison.Ordinal)).ToList();
                for (var i = random.Next(1, 4); i > 0; i--)
                {
                    var pointer = table3[random.Next(table3.Count)];
                    var segments = pointer.Split('/', StringSplitOptions.RemoveEmptyEntries);
                    segments[..^1].Aggregate((JsonNode)report, (node, s) => node[s]!).AsObject().Remove(segments[^1]);
                }

                break;
            case 1:
                for (var i = random.Next(1, 5); i > 0; i--)
                {
                    LayoutPropertyTests.Blank(report, random);
                }

                break;
            case 2:
                LayoutPropertyTests.Change(report, random);
                break;
        }

        string html;
        if (aligned)
        {
            var text = new ReportRenderer(TextLayout.Aligned, random).Render(report);
            html = "<html><head><meta charset=\"utf-8\"><style>@page{size:A4 landscape}pre{font-size:6pt;font-family:\"Noto Sans Mono CJK SC\",monospace}</style></head><body><pre>" + WebUtility.HtmlEncode(text) + "</pre></body></html>";
        }
        else
        {
            html = HtmlExtractionTests.Page(report, wrapInLayoutTable: false)
                .Replace("<head>", index % 4 >= 2
                    ? "<head><meta charset=\"utf-8\"><style>table{border-collapse:collapse}</style>"
                    : "<head><meta charset=\"utf-8\">", StringComparison.Ordinal);
        }

        return (report, html);
    }

    public static string Json(JsonObject report) =>
        report.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
}
