using System.Text.Json.Serialization;

namespace ReportService.Api.Features.Reports.ImportReports;

/// <summary>What became of each line of a bulk import.</summary>
public enum ImportLineStatus
{
    /// <summary>Stored as a new report (revision 1).</summary>
    Accepted,
    /// <summary>Broke a rule of severity error, or was not a readable report: nothing stored.</summary>
    Rejected,
    /// <summary>The agency already has a report for this year and scope (stored before, or earlier in this batch): nothing stored.</summary>
    Duplicate,
    /// <summary>The token does not grant the line's agency (as a 403 of a single submission): nothing stored.</summary>
    Forbidden,
}

/// <summary>The answer to a bulk import: one entry per non-empty line, in order.</summary>
public sealed class ImportReportsResponse
{
    /// <summary>Lines stored.</summary>
    public required int Accepted { get; init; }

    /// <summary>Lines refused for a rule or for not being a report.</summary>
    public required int Rejected { get; init; }

    /// <summary>Lines whose report already existed.</summary>
    public required int Duplicates { get; init; }

    /// <summary>Lines refused because the token does not grant their agency.</summary>
    public required int Forbidden { get; init; }

    /// <summary>Every non-empty line, in order.</summary>
    public required IReadOnlyList<ImportReportsLine> Lines { get; init; }
}

/// <summary>The answer for one line.</summary>
public sealed class ImportReportsLine
{
    /// <summary>1-based line number in the request body.</summary>
    public required int Line { get; init; }

    /// <summary>accepted, rejected, duplicate or forbidden.</summary>
    public required ImportLineStatus Status { get; init; }

    /// <summary>The stored report (accepted) or the existing one (duplicate).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Guid? Id { get; init; }

    /// <summary>The URL of the stored or existing report.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Href { get; init; }

    /// <summary>For a duplicate of an earlier line of this batch: that line's number.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? DuplicateOfLine { get; init; }

    /// <summary>Errors (rejected) or warnings (accepted), as for a single submission.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<RuleViolation>? Violations { get; init; }

    /// <summary>For a line that is not a readable report, or whose agency the token does not grant: what is wrong (as the 400 of a single submission says).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Problem { get; init; }

    /// <summary>For a line that is not a readable report: the JSON pointer of the offending value, when known.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Pointer { get; init; }
}
