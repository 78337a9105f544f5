using System.Text.Json;
using ReportService.Statutory.Rules;

namespace ReportService.Api.Features.Reports;

/// <summary>Warnings are stored in both languages, so that each reader gets its own.</summary>
internal static class StoredWarnings
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static string Serialize(IEnumerable<Violation> warnings) =>
        JsonSerializer.Serialize(warnings.Select(w => new Stored(w.Rule, w.Message.Chinese, w.Message.English,
            [.. w.Cells.Select(c => new StoredCell(c.Pointer, c.Value, c.Missing))], w.Expected, w.Actual)).ToArray(), Options);

    public static IReadOnlyList<Violation> Deserialize(string json) =>
        [.. (JsonSerializer.Deserialize<Stored[]>(json, Options) ?? []).Select(s => new Violation(
            s.Rule, RuleSeverity.Warning, new LocalizedText(s.MessageZh, s.MessageEn),
            [.. s.Cells.Select(c => new ViolationCell(c.Pointer, c.Value, c.Missing))], s.Expected, s.Actual))];

    private sealed record Stored(string Rule, string MessageZh, string MessageEn, StoredCell[] Cells, long? Expected, long? Actual);

    private sealed record StoredCell(string Pointer, object? Value, bool Missing);
}
