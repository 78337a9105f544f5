using System.Text.Json;

namespace ReportService.Api.Features.Reports;

/// <summary>Where a report stands.</summary>
public enum ReportStatus
{
    /// <summary>Accepted: it broke no rule of severity error; its warnings are kept with it.</summary>
    Accepted,
}

/// <summary>Where a supervisor's review of a report stands (issue 16).</summary>
public enum ReportReviewStatus
{
    /// <summary>The current revision has not been reviewed (every new revision starts here).</summary>
    Pending,

    /// <summary>A reviewer approved the current revision: corrections are refused until a reviewer returns it.</summary>
    Approved,

    /// <summary>A reviewer returned it for correction.</summary>
    Returned,
}

/// <summary>The answer to an accepted submission or correction.</summary>
public sealed class ReportAcceptedResponse
{
    /// <summary>The report's id; its URL is <c>/v1/reports/{id}</c>.</summary>
    public required Guid Id { get; init; }

    /// <summary>The revision just stored: 1 for a submission, then one more per correction.</summary>
    public required int Revision { get; init; }

    /// <summary>Always <c>accepted</c> here.</summary>
    public required ReportStatus Status { get; init; }

    /// <summary>The warnings stored with this revision.</summary>
    public required IReadOnlyList<RuleViolation> Warnings { get; init; }
}

/// <summary>A stored revision of a report, with the body exactly as submitted.</summary>
public sealed record StoredReportResponse
{
    /// <summary>The report's id.</summary>
    public required Guid Id { get; init; }

    /// <summary>This revision's number (the current one for <c>GET /v1/reports/{id}</c>).</summary>
    public required int Revision { get; init; }

    /// <summary>The report's current revision number.</summary>
    public required int CurrentRevision { get; init; }

    /// <summary>Always <c>accepted</c>: only accepted reports are stored.</summary>
    public required ReportStatus Status { get; init; }

    /// <summary>The report's review status now (of its current revision, whichever revision this is): pending, approved or returned.</summary>
    public required ReportReviewStatus ReviewStatus { get; init; }

    /// <summary>When this revision was accepted.</summary>
    public required DateTimeOffset SubmittedAt { get; init; }

    /// <summary>Who submitted this revision (the token's subject), when known.</summary>
    public string? SubmittedBy { get; init; }

    /// <summary>The OAuth2 client that wrote it (the token's <c>client_id</c>), when known.</summary>
    public string? SubmittedClient { get; init; }

    /// <summary>How it was written: <c>submit</c>, <c>correct</c> or <c>import</c>.</summary>
    public required string Operation { get; init; }

    /// <summary>SHA-256 (hex) of the body as submitted.</summary>
    public required string ContentHash { get; init; }

    /// <summary>The warnings stored with this revision when it was written: kept as they were, the audit of what the writer was told.</summary>
    public required IReadOnlyList<RuleViolation> Warnings { get; init; }

    /// <summary>
    /// GET /v1/reports/{id} only: the cross-year rules run now, against the agency's current report of the
    /// previous year. A correction of that report after this one was written makes the stored cross-year
    /// warnings stale; these are today's. Absent on GET of a revision.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<RuleViolation>? CrossYearWarningsNow { get; init; }

    /// <summary>The report as submitted (a <c>Report</c>: format 2019 or 2021), its agency level, kind and scope in their listed spelling.</summary>
    public required JsonElement Report { get; init; }
}
