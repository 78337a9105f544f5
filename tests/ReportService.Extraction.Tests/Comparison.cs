using System.Globalization;
using System.Text.Json.Nodes;
using ReportService.Statutory.Model;
using ReportService.Statutory.Tables;

namespace ReportService.Extraction.Tests;

/// <summary>Compares an extraction with a hand transcription, cell by cell, in both directions.</summary>
internal static class Comparison
{
    public static IEnumerable<string> Pointers(string format) =>
        Table2.CellsOf(format).Select(c => c.Pointer)
            .Concat(Table3.RowsOf(format).SelectMany(r => Table3.Columns.Select(r.CellPointer)))
            .Concat(Table4.Groups.SelectMany(g => Table4.Fields.Select(g.CellPointer)));

    public static decimal? Expected(JsonObject report, string pointer)
    {
        JsonNode? node = report;
        foreach (var segment in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            node = node is JsonObject o ? o[segment] : null;
        }

        // Parsed JSON and JsonValues built from ints hold different CLR types; the JSON text is the number either way.
        return node is JsonValue value ? decimal.Parse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture) : null;
    }

    public static decimal? Extracted(ExtractionResult result, string pointer) =>
        result.Cell(pointer) is { Status: ExtractionStatus.Read or ExtractionStatus.Inferred, Value: { } v } ? v : null;

    /// <summary>
    /// Every difference, keyed by what differs ("format", "year", "publishedOn", "agency/name" or a cell
    /// pointer), with both values. Checks every cell of the format, so a cell the transcription leaves out must
    /// come back without a value, and one it has must come back with exactly that value.
    /// </summary>
    public static Dictionary<string, string> Differences(JsonObject expected, ExtractionResult result, bool compareName = true)
    {
        var differences = new Dictionary<string, string>(StringComparer.Ordinal);
        void Compare(string key, string? want, string? got)
        {
            if (want != got)
            {
                differences[key] = $"expected {want ?? "(none)"}, extracted {got ?? "(none)"}";
            }
        }

        var format = expected["format"]?.GetValue<string>();
        Compare("format", format, result.Format.Value);
        Compare("year", expected["year"]?.GetValue<int>().ToString(CultureInfo.InvariantCulture), result.Year.Value?.ToString(CultureInfo.InvariantCulture));
        Compare("publishedOn", expected["publishedOn"]?.GetValue<string>(), result.PublishedOn.Value?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        if (compareName)
        {
            Compare("agency/name", expected["agency"]?["name"]?.GetValue<string>(), result.AgencyName.Value);
        }

        foreach (var pointer in Pointers(format ?? ReportFormats.Format2021))
        {
            var want = Expected(expected, pointer);
            var got = Extracted(result, pointer);
            if (want != got)
            {
                var cell = result.Cell(pointer);
                differences[pointer] = $"expected {want?.ToString(CultureInfo.InvariantCulture) ?? "(none)"}, extracted {got?.ToString(CultureInfo.InvariantCulture) ?? "(none)"} ({cell?.Status}: {cell?.Note})";
            }
        }

        return differences;
    }

    public static string Describe(Dictionary<string, string> differences) =>
        string.Join("\n", differences.Select(d => $"  {d.Key}: {d.Value}"));
}
