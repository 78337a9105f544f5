using BenchmarkDotNet.Attributes;
using ReportService.Extraction;
using ReportService.TestSupport;

namespace ReportService.Benchmarks;

/// <summary>
/// Extraction of one report (issue 15's Performance section): from text (the baseline), from an HTML page, from
/// a PDF. Target: at most 5 ms for text and HTML; for PDF the figure per page (the pages are counted in setup).
/// bench/extraction/run.sh runs these and the bulk command; figures in docs/benchmarks.md.
/// </summary>
[MemoryDiagnoser]
public class ExtractionBenchmarks
{
    private string seed004 = "";
    private string seed001 = "";
    private string generatedPage = "";
    private string shanghaiPage = "";
    private byte[] generatedPdf = [];
    private byte[] shanghaiPdf = [];

    [GlobalSetup]
    public void Setup()
    {
        seed004 = Seeds.Text("004");
        seed001 = Seeds.Text("001");
        var dir = Path.Combine(AppContext.BaseDirectory, "Extraction");
        generatedPage = File.ReadAllText(Path.Combine(dir, "g00.html"));
        shanghaiPage = File.ReadAllText(Path.Combine(dir, "d16_shanghai_office_2019.html"));
        generatedPdf = File.ReadAllBytes(Path.Combine(dir, "g00.pdf"));
        shanghaiPdf = File.ReadAllBytes(Path.Combine(dir, "d16_shanghai_office_2019.pdf"));

        // Guard against measuring the wrong thing: every input must read as a report, with cells.
        foreach (var (name, result) in new[]
        {
            ("seed 004", ReportExtractor.FromText(seed004)), ("seed 001", ReportExtractor.FromText(seed001)),
            ("g00.html", ReportExtractor.FromHtml(generatedPage)), ("d16.html", ReportExtractor.FromHtml(shanghaiPage)),
            ("g00.pdf", ReportExtractor.FromPdf(generatedPdf)), ("d16.pdf", ReportExtractor.FromPdf(shanghaiPdf)),
        })
        {
            var read = result.Cells.Count(c => c.Status == ExtractionStatus.Read);
            if (!result.Recognized || read < 50)
            {
                throw new InvalidOperationException($"{name}: {read} cells read");
            }
        }

        Console.WriteLine($"// pages: g00.pdf {Pages(generatedPdf)}, d16.pdf {Pages(shanghaiPdf)}");
    }

    private static int Pages(byte[] pdf) =>
        ReportExtractor.FromPdf(pdf).Cells.Where(c => c.Source?.Pdf is not null).Max(c => c.Source!.Pdf!.Page);

    [Benchmark(Baseline = true, Description = "Text: seed 004 (township, 2021)")]
    public ExtractionResult TextSeed004() => ReportExtractor.FromText(seed004);

    [Benchmark(Description = "Text: seed 001 (stray cells)")]
    public ExtractionResult TextSeed001() => ReportExtractor.FromText(seed001);

    [Benchmark(Description = "HTML: generated page (merged headers)")]
    public ExtractionResult HtmlGenerated() => ReportExtractor.FromHtml(generatedPage);

    [Benchmark(Description = "HTML: d16 Shanghai 2019 page")]
    public ExtractionResult HtmlShanghai() => ReportExtractor.FromHtml(shanghaiPage);

    [Benchmark(Description = "PDF: g00 (generated, chromium)")]
    public ExtractionResult PdfGenerated() => ReportExtractor.FromPdf(generatedPdf);

    [Benchmark(Description = "PDF: d16 Shanghai 2019 (chromium)")]
    public ExtractionResult PdfShanghai() => ReportExtractor.FromPdf(shanghaiPdf);
}
