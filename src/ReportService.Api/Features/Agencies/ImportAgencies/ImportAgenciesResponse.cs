using System.Text.Json.Serialization;

namespace ReportService.Api.Features.Agencies.ImportAgencies;

/// <summary>A line of an NDJSON batch: an agency's credit code and its registration.</summary>
public sealed class ImportAgencyLine : RegisterAgencyRequest
{
    /// <summary>统一社会信用代码 of the agency (18 characters, GB 32100).</summary>
    public string? CreditCode { get; init; }
}

/// <summary>What became of each line of a batch of registrations.</summary>
public enum ImportAgencyStatus
{
    /// <summary>A new agency, registered (version 1).</summary>
    Created,
    /// <summary>The registration of a known agency replaced (a new version).</summary>
    Replaced,
    /// <summary>The register already said exactly this: nothing written.</summary>
    Unchanged,
    /// <summary>Not a valid registration (<c>problem</c> and <c>pointer</c> say why): nothing written.</summary>
    Rejected,
    /// <summary>The token's region prefixes do not cover the agency's region (or the region it is registered in now): nothing written.</summary>
    Forbidden,
    /// <summary>An earlier line of the batch registers the same agency (<c>duplicateOfLine</c>): nothing written for this one.</summary>
    Duplicate,
}

/// <summary>The answer to a batch of registrations: the counts, and one entry per non-blank line in order.</summary>
public sealed class ImportAgenciesResponse
{
    /// <summary>Lines that registered a new agency.</summary>
    public required int Created { get; init; }

    /// <summary>Lines that replaced a registration.</summary>
    public required int Replaced { get; init; }

    /// <summary>Lines identical to the register.</summary>
    public required int Unchanged { get; init; }

    /// <summary>Lines that are not a valid registration.</summary>
    public required int Rejected { get; init; }

    /// <summary>Lines whose region the token does not cover.</summary>
    public required int Forbidden { get; init; }

    /// <summary>Lines repeating an earlier line's agency.</summary>
    public required int Duplicates { get; init; }

    /// <summary>Every non-blank line (a CSV's header excepted), in order.</summary>
    public required IReadOnlyList<ImportAgencyResult> Lines { get; init; }
}

/// <summary>The answer for one line.</summary>
public sealed class ImportAgencyResult
{
    /// <summary>1-based line number in the request body (a CSV's header is line 1).</summary>
    public required int Line { get; init; }

    /// <summary>created, replaced, unchanged, rejected, forbidden or duplicate.</summary>
    public required ImportAgencyStatus Status { get; init; }

    /// <summary>The line's credit code, when it has a readable one.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? CreditCode { get; init; }

    /// <summary>The agency's URL (created, replaced, unchanged).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Href { get; init; }

    /// <summary>The agency's version after the line (created, replaced, unchanged): its ETag unquoted.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Version { get; init; }

    /// <summary>For a duplicate: the earlier line with the same credit code.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? DuplicateOfLine { get; init; }

    /// <summary>What is wrong (rejected) or not granted (forbidden), in words.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Problem { get; init; }

    /// <summary>For a rejected line: the field at fault as a JSON pointer (<c>/regionCode</c>; a CSV's column of that name).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Pointer { get; init; }
}
