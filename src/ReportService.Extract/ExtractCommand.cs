using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using ReportService.Extraction;
using ReportService.Statutory.Json;
using ReportService.Statutory.Model;
using ReportService.Statutory.Validation;

namespace ReportService.Extract;

/// <summary>
/// Reads every .txt, .html/.htm and .pdf of a folder (not its subfolders) with the extractor, in parallel, and
/// writes one report JSON per line, in file-name order, ready for POST /v1/reports/batch after a person's look;
/// then a summary that names, for every document that needs that look, what to look at: cells missing, inferred or
/// ambiguous (with their pointers), warnings, rule errors, or why the document gave no line at all.
/// </summary>
public static class ExtractCommand
{
    private const string Usage =
        "usage: scripts/extract DIR [--out FILE] [--summary FILE] [--parallel N] [--scope agency|regionAggregate]\n" +
        "  Reads DIR's .txt, .html, .htm and .pdf files; writes NDJSON for POST /v1/reports/batch to FILE (default: stdout)\n" +
        "  and the summary of documents that need a person's look to the summary FILE (default: stderr).";

    /// <summary>Runs the command; 0 when every document was read (needing a look or not), 1 when one could not be, 2 on bad usage.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        if (!Options.TryParse(args, out var options, out var error))
        {
            await stderr.WriteLineAsync(error + "\n" + Usage);
            return 2;
        }

        if (!Directory.Exists(options.Directory))
        {
            await stderr.WriteLineAsync($"{options.Directory}: no such folder");
            return 2;
        }

        var files = Directory.EnumerateFiles(options.Directory)
            .Where(f => Path.GetExtension(f).ToLowerInvariant() is ".txt" or ".html" or ".htm" or ".pdf")
            .Order(StringComparer.Ordinal)
            .ToList();
        var (divisions, regions) = Divisions.Load();
        var validator = new ReportValidator(TimeProvider.System, regions);
        var outcomes = new Outcome[files.Count];
        Parallel.For(0, files.Count, new ParallelOptions { MaxDegreeOfParallelism = options.Parallel },
            i => outcomes[i] = Read(files[i], divisions, validator, options));

        var ndjson = options.Out is null ? stdout : new StreamWriter(options.Out, false, new UTF8Encoding(false));
        var summary = options.Summary is null ? stderr : new StreamWriter(options.Summary, false, new UTF8Encoding(false));
        try
        {
            var line = 0;
            var needLook = 0;
            var failed = 0;
            foreach (var outcome in outcomes)
            {
                if (outcome.Line is not null)
                {
                    line++;
                    await ndjson.WriteLineAsync(outcome.Line);
                }

                if (outcome.Notes.Count > 0)
                {
                    needLook++;
                    failed += outcome.Line is null ? 1 : 0;
                    var where = outcome.Line is null ? "no line" : $"line {line}";
                    await summary.WriteLineAsync($"{Path.GetFileName(outcome.File)} ({where}): {string.Join("; ", outcome.Notes)}");
                }
            }

            await summary.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{files.Count} documents, {line} lines written, {needLook} need a person's look, {failed} gave no line"));
            return failed > 0 ? 1 : 0;
        }
        finally
        {
            await ndjson.FlushAsync();
            await summary.FlushAsync();
            if (options.Out is not null)
            {
                await ndjson.DisposeAsync();
            }

            if (options.Summary is not null)
            {
                await summary.DisposeAsync();
            }
        }
    }

    private sealed record Outcome(string File, string? Line, List<string> Notes);

    private static Outcome Read(string file, DivisionIndex divisions, ReportValidator validator, Options options)
    {
        var notes = new List<string>();
        ExtractionResult result;
        try
        {
            result = Path.GetExtension(file).ToLowerInvariant() switch
            {
                ".pdf" => ReportExtractor.FromPdf(File.ReadAllBytes(file), divisions),
                ".html" or ".htm" => ReportExtractor.FromHtml(File.ReadAllText(file), divisions),
                _ => ReportExtractor.FromText(File.ReadAllText(file), divisions),
            };
        }
        catch (UnreadableDocumentException ex)
        {
            return new(file, null, [ex.Message]);
        }
        catch (ArgumentException ex)
        {
            return new(file, null, [ex.Message]);
        }

        if (!result.Recognized)
        {
            return new(file, null, ["not a report: no table row, no section heading"]);
        }

        var overrides = new ExtractionOverrides { Scope = options.Scope };
        foreach (var status in new[] { ExtractionStatus.Missing, ExtractionStatus.Inferred, ExtractionStatus.Ambiguous })
        {
            var cells = result.Cells.Where(c => c.Status == status).Select(c => c.Pointer).ToList();
            if (cells.Count > 0)
            {
                notes.Add($"{cells.Count} {status.ToString().ToLowerInvariant()} ({Shorten(cells)})");
            }
        }

        foreach (var (name, status) in new[] { ("agency name", result.AgencyName.Status), ("region", result.Region.Status), ("year", result.Year.Status) })
        {
            if (status != ExtractionStatus.Read)
            {
                notes.Add($"{name} {status.ToString().ToLowerInvariant()}");
            }
        }

        notes.AddRange(result.Warnings);
        switch (result.ToReport(overrides))
        {
            case ReportReadResult.Parsed parsed:
                var errors = validator.Check(new ReportUnderReview(parsed.Report)).Where(v => v.IsError).Select(v => v.Rule).Distinct().ToList();
                if (errors.Count > 0)
                {
                    notes.Add("rule errors: " + string.Join(", ", errors));
                }

                break;
            case ReportReadResult.Malformed malformed:
                notes.Add("not yet a report: " + (malformed.Pointer is null ? malformed.Detail : $"{malformed.Pointer}: {malformed.Detail}"));
                break;
            case ReportReadResult.WrongFormat wrong:
                notes.Add("rule errors: " + wrong.Violation.Rule);
                break;
        }

        return new(file, JsonSerializer.Serialize(result.ToReportJson(overrides)), notes);
    }

    private static string Shorten(List<string> pointers) =>
        pointers.Count <= 6 ? string.Join(" ", pointers) : string.Join(" ", pointers.Take(5)) + $" and {pointers.Count - 5} more";

    private sealed record Options(string Directory, string? Out, string? Summary, int Parallel, ReportScope? Scope)
    {
        public static bool TryParse(string[] args, out Options options, out string error)
        {
            options = new Options("", null, null, Environment.ProcessorCount, null);
            error = "";
            string? directory = null;
            for (var i = 0; i < args.Length; i++)
            {
                var value = i + 1 < args.Length ? args[i + 1] : null;
                switch (args[i])
                {
                    case "--out" when value is not null:
                        options = options with { Out = value };
                        i++;
                        break;
                    case "--summary" when value is not null:
                        options = options with { Summary = value };
                        i++;
                        break;
                    case "--parallel" when int.TryParse(value, CultureInfo.InvariantCulture, out var n) && n > 0:
                        options = options with { Parallel = n };
                        i++;
                        break;
                    case "--scope" when value is "agency" or "regionAggregate":
                        options = options with { Scope = value == "agency" ? ReportScope.Agency : ReportScope.RegionAggregate };
                        i++;
                        break;
                    case var arg when !arg.StartsWith("--", StringComparison.Ordinal) && directory is null:
                        directory = arg;
                        break;
                    default:
                        error = $"unexpected argument {args[i]}";
                        return false;
                }
            }

            if (directory is null)
            {
                error = "no folder given";
                return false;
            }

            options = options with { Directory = directory };
            return true;
        }
    }
}

/// <summary>The division reference shipped beside the command (the file the service embeds).</summary>
internal sealed class Divisions : IRegionDirectory
{
    private readonly HashSet<string> _codes;

    private Divisions(HashSet<string> codes) => _codes = codes;

    public bool Exists(string normalizedCode) => _codes.Contains(normalizedCode);

    public static (DivisionIndex Index, Divisions Directory) Load()
    {
        using var gzip = new GZipStream(File.OpenRead(Path.Combine(AppContext.BaseDirectory, "divisions.tsv.gz")), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        var regions = new List<DivisionName>(45_000);
        while (reader.ReadLine() is { Length: > 0 } line)
        {
            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            regions.Add(new DivisionName(line[..tab], line[(tab + 1)..]));
        }

        return (new DivisionIndex(regions), new Divisions([.. regions.Select(r => r.Code)]));
    }
}
