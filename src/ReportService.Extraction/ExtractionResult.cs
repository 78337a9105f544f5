using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ReportService.Statutory.Json;
using ReportService.Statutory.Model;
using ReportService.Statutory.Tables;

namespace ReportService.Extraction;

/// <summary>
/// What the caller knows that the document cannot say (the credit code), or wants to set over what was read or
/// inferred. Null leaves the extracted value.
/// </summary>
public sealed record ExtractionOverrides
{
    /// <summary>统一社会信用代码: no published report prints it.</summary>
    public string? CreditCode { get; init; }

    /// <summary>统计用区划代码, over the region inferred from the name.</summary>
    public string? RegionCode { get; init; }

    /// <summary>行政层级, over the level inferred from the name or region.</summary>
    public AgencyLevel? Level { get; init; }

    /// <summary>机关类型, over the kind inferred from the name.</summary>
    public AgencyKind? Kind { get; init; }

    /// <summary>报告范围; <c>agency</c> when not given (a document does not say reliably whether it is the 本级政府汇总).</summary>
    public ReportScope? Scope { get; init; }

    /// <summary>报告年度, over the year read.</summary>
    public int? Year { get; init; }

    /// <summary>发布日期, over the date read.</summary>
    public DateOnly? PublishedOn { get; init; }

    /// <summary>机关名称, over the name read.</summary>
    public string? Name { get; init; }
}

/// <summary>The draft read from a document: every field and cell with its status and source.</summary>
public sealed class ExtractionResult
{
    private readonly Dictionary<string, ExtractedCell> _byPointer;

    internal ExtractionResult(
        ExtractedField<string> format, ExtractedField<int?> year, ExtractedField<DateOnly?> publishedOn,
        ExtractedField<string> agencyName, ExtractedField<string> region, ExtractedText text, IReadOnlyList<ExtractedCell> cells, IReadOnlyList<string> warnings)
    {
        Format = format;
        Year = year;
        PublishedOn = publishedOn;
        AgencyName = agencyName;
        Region = region;
        Text = text;
        Cells = cells;
        Warnings = warnings;
        _byPointer = cells.ToDictionary(c => c.Pointer, StringComparer.Ordinal);
        var (level, kind) = DocumentReader.LevelAndKind(agencyName.Value);
        level = DivisionIndex.LevelOf(region.Value) ?? level;
        Level = new(level, level is null ? ExtractionStatus.Missing : ExtractionStatus.Inferred, null,
            level is null ? null : region.Value is null ? "from the agency's name" : "from the level of the agency's region");
        Kind = new(kind, kind is null ? ExtractionStatus.Missing : ExtractionStatus.Inferred, null, kind is null ? null : "from the agency's name");
    }

    /// <summary>The statutory format, from the tables' own labels, else from the year.</summary>
    public ExtractedField<string> Format { get; }

    public ExtractedField<int?> Year { get; }

    public ExtractedField<DateOnly?> PublishedOn { get; }

    public ExtractedField<string> AgencyName { get; }

    /// <summary>The agency's region (统计用区划代码), inferred from its name when a division reference was given.</summary>
    public ExtractedField<string> Region { get; }

    public ExtractedField<AgencyLevel?> Level { get; }

    public ExtractedField<AgencyKind?> Kind { get; }

    public ExtractedText Text { get; }

    /// <summary>Every statutory cell of the format (tables 2, 3 and 4), in printed order.</summary>
    public IReadOnlyList<ExtractedCell> Cells { get; }

    /// <summary>Things a person should know (stray cells, mixed formats), in English.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>
    /// False when nothing of a report was found: no table cell (not even a blank one under a found label), no
    /// section heading, no table labels. Such a document (a blank page, binary junk, another text) is not a
    /// report, and a caller should say so rather than offer an empty draft.
    /// </summary>
    public bool Recognized =>
        Format.Status == ExtractionStatus.Read || Text.Overview is not null || Text.ProblemsAndImprovements is not null ||
        Cells.Any(c => c.Status != ExtractionStatus.Missing || c.Source is not null || c.Note is "blank as printed");

    /// <summary>True when any cell is not plainly read, or anything was warned about.</summary>
    public bool NeedsReview => Warnings.Count > 0 || Cells.Any(c => c.Status != ExtractionStatus.Read);

    public ExtractedCell? Cell(string pointer) => _byPointer.GetValueOrDefault(pointer);

    /// <summary>
    /// The draft in the public report JSON: every cell with a value, and an empty object for every row or group
    /// whose cells are all missing, so that the rule check names them (CELL.COUNT) instead of guessing zeros.
    /// </summary>
    public JsonObject ToReportJson(ExtractionOverrides? overrides = null)
    {
        overrides ??= new ExtractionOverrides();
        var format = Format.Value ?? ReportFormats.ForYear(overrides.Year ?? Year.Value ?? 2021);
        var report = new JsonObject
        {
            ["format"] = format,
        };
        if ((overrides.Year ?? Year.Value) is { } year)
        {
            report["year"] = year;
        }

        var agency = new JsonObject
        {
            ["name"] = overrides.Name ?? AgencyName.Value ?? "",
            ["creditCode"] = overrides.CreditCode ?? "",
            ["regionCode"] = overrides.RegionCode ?? Region.Value ?? "",
        };
        if ((overrides.Level ?? Level.Value) is { } level)
        {
            agency["level"] = JsonNamingPolicy.CamelCase.ConvertName(level.ToString());
        }

        if ((overrides.Kind ?? Kind.Value) is { } kind)
        {
            agency["kind"] = JsonNamingPolicy.CamelCase.ConvertName(kind.ToString());
        }

        agency["scope"] = JsonNamingPolicy.CamelCase.ConvertName((overrides.Scope ?? ReportScope.Agency).ToString());
        report["agency"] = agency;
        if ((overrides.PublishedOn ?? PublishedOn.Value) is { } date)
        {
            report["publishedOn"] = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }

        report["text"] = new JsonObject
        {
            ["overview"] = Text.Overview ?? "",
            ["problemsAndImprovements"] = Text.ProblemsAndImprovements ?? "",
            ["otherMatters"] = Text.OtherMatters ?? "",
        };

        var pointers = Table2.CellsOf(format).Select(c => c.Pointer)
            .Concat(Table3.RowsOf(format).SelectMany(r => Table3.Columns.Select(r.CellPointer)))
            .Concat(Table4.Groups.SelectMany(g => Table4.Fields.Select(g.CellPointer)));
        foreach (var pointer in pointers)
        {
            var parent = Parent(report, pointer, out var key);
            if (Cell(pointer) is { Value: { } value, Status: ExtractionStatus.Read or ExtractionStatus.Inferred })
            {
                parent[key] = decimal.Truncate(value) == value && Math.Abs(value) <= long.MaxValue ? JsonValue.Create((long)value) : JsonValue.Create(value);
            }
        }

        return report;
    }

    /// <summary>The draft as the model the rules check (through the same strict reader as a submitted body).</summary>
    public ReportReadResult ToReport(ExtractionOverrides? overrides = null) =>
        ReportReader.Read(JsonSerializer.SerializeToUtf8Bytes(ToReportJson(overrides)));

    private static JsonObject Parent(JsonObject root, string pointer, out string key)
    {
        var segments = pointer.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var node = root;
        for (var i = 0; i < segments.Length - 1; i++)
        {
            if (node[segments[i]] is not JsonObject child)
            {
                child = [];
                node[segments[i]] = child;
            }

            node = child;
        }

        key = segments[^1];
        return node;
    }
}
