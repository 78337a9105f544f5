using System.Text.Json.Nodes;
using ReportService.Extract;
using ReportService.Statutory.Json;
using ReportService.Statutory.Model;
using ReportService.TestSupport;

namespace ReportService.Extraction.Tests;

/// <summary>
/// scripts/extract DIR (the ReportService.Extract command, run in-process) over a temporary folder of texts, a page
/// and PDFs: one NDJSON line per report in file-name order, and a summary line for every document that needs a look.
/// </summary>
public sealed class BulkExtractTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rs-extract-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_folder_becomes_ndjson_for_the_batch_and_a_summary_of_what_needs_a_look()
    {
        await File.WriteAllTextAsync(Path.Combine(_folder, "a_seed004.txt"), Seeds.Text("004"));
        var generated = ReportGenerator.Generate(new Random(42), ReportFormats.Format2021);
        await File.WriteAllTextAsync(Path.Combine(_folder, "b_run_together.txt"), new ReportRenderer(TextLayout.RunTogether, new Random(42)).Render(generated));
        File.Copy(Path.Combine(AppContext.BaseDirectory, "DevSet", "d16_shanghai_office_2019.html"), Path.Combine(_folder, "c_shanghai.html"));
        File.Copy(Path.Combine(PdfCorpus.Directory, "g01.pdf"), Path.Combine(_folder, "d_generated.pdf"));
        File.Copy(Path.Combine(PdfCorpus.Directory, "encrypted.pdf"), Path.Combine(_folder, "e_encrypted.pdf"));
        await File.WriteAllTextAsync(Path.Combine(_folder, "f_notes.txt"), "会议纪要：明天下午三点开会。");
        await File.WriteAllTextAsync(Path.Combine(_folder, "g_ignored.docx"), "not read");

        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await ExtractCommand.RunAsync([_folder, "--parallel", "2"], stdout, stderr);

        var lines = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        var reports = lines.Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        var seed = Seeds.Json("004");
        foreach (var table in new[] { "activeDisclosure", "requests", "appeals" })
        {
            Assert.True(JsonNode.DeepEquals(seed[table], reports[0][table]), table);
        }

        Assert.Equal("2019", (string)reports[2]["format"]!);
        Assert.All(lines, l => Assert.IsNotType<ReportReadResult.Malformed>(ReportReader.Read(System.Text.Encoding.UTF8.GetBytes(l))));

        var summary = stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(summary, s => s.StartsWith("b_run_together.txt (line 2): ", StringComparison.Ordinal) && s.Contains(" inferred (/activeDisclosure/", StringComparison.Ordinal));
        Assert.Contains(summary, s => s.StartsWith("c_shanghai.html (line 3): ", StringComparison.Ordinal) && s.Contains("missing (", StringComparison.Ordinal) && s.Contains("rule errors: ", StringComparison.Ordinal));
        Assert.Contains(summary, s => s.StartsWith("d_generated.pdf (line 4): 3 missing (", StringComparison.Ordinal));
        Assert.Contains(summary, s => s.StartsWith("e_encrypted.pdf (no line): The PDF is encrypted", StringComparison.Ordinal));
        Assert.Contains(summary, s => s.StartsWith("f_notes.txt (no line): not a report", StringComparison.Ordinal));
        Assert.DoesNotContain(summary, s => s.Contains("g_ignored", StringComparison.Ordinal));
        Assert.Equal("6 documents, 4 lines written, 6 need a person's look, 2 gave no line", summary[^1]);
        Assert.Equal(1, code);
    }

    [Fact]
    public async Task Bad_usage_is_refused_with_the_usage()
    {
        var stderr = new StringWriter();
        Assert.Equal(2, await ExtractCommand.RunAsync([Path.Combine(_folder, "missing")], new StringWriter(), stderr));
        Assert.Equal(2, await ExtractCommand.RunAsync(["--parallel", "0", _folder], new StringWriter(), stderr));
        Assert.Contains("usage: scripts/extract DIR", stderr.ToString(), StringComparison.Ordinal);
    }
}
