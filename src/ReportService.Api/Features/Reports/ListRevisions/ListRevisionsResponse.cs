namespace ReportService.Api.Features.Reports.ListRevisions;

/// <summary>The history of a report, oldest revision first.</summary>
public sealed class ListRevisionsResponse
{
    /// <summary>The report's id.</summary>
    public required Guid Id { get; init; }

    /// <summary>The current revision number.</summary>
    public required int CurrentRevision { get; init; }

    /// <summary>Every revision, oldest first.</summary>
    public required IReadOnlyList<ListRevisionsItem> Revisions { get; init; }

    /// <summary>The report's review status now: pending, approved or returned.</summary>
    public required ReportReviewStatus ReviewStatus { get; init; }

    /// <summary>Every review decision, oldest first, each naming the revision it judged.</summary>
    public required IReadOnlyList<ReviewReport.ReviewResponse> Reviews { get; init; }
}

/// <summary>One revision in a report's history.</summary>
public sealed class ListRevisionsItem
{
    /// <summary>1 for the submission, then one more per correction.</summary>
    public required int Revision { get; init; }

    /// <summary>When it was accepted.</summary>
    public required DateTimeOffset SubmittedAt { get; init; }

    /// <summary>Who submitted it (the token's subject), when known.</summary>
    public string? SubmittedBy { get; init; }

    /// <summary>The OAuth2 client that wrote it (the token's <c>client_id</c>), when known.</summary>
    public string? SubmittedClient { get; init; }

    /// <summary>How it was written: <c>submit</c>, <c>correct</c> or <c>import</c>.</summary>
    public required string Operation { get; init; }

    /// <summary>SHA-256 (hex) of the body as submitted.</summary>
    public required string ContentHash { get; init; }

    /// <summary>The URL of the revision.</summary>
    public required string Href { get; init; }
}
