using ReportService.Statutory.Model;

namespace ReportService.Api.Persistence;

/// <summary>
/// One report: an agency, a year and a scope. Its identity never changes; its current revision does.
/// The agency's region, level and kind are those of the current revision, for filtering and grouping.
/// </summary>
internal sealed class StoredReport
{
    public Guid Id { get; set; }

    public required string CreditCode { get; set; }

    public int Year { get; set; }

    public ReportScope Scope { get; set; }

    public required string Format { get; set; }

    public required string AgencyName { get; set; }

    /// <summary>Normalised statistical code (2, 4, 6 or 9 digits).</summary>
    public required string RegionCode { get; set; }

    public AgencyLevel Level { get; set; }

    public AgencyKind Kind { get; set; }

    public DateOnly? PublishedOn { get; set; }

    public int CurrentRevision { get; set; }

    /// <summary>pending, approved or returned (<see cref="ReviewStatuses"/>): where a supervisor's review stands.</summary>
    public string ReviewStatus { get; set; } = ReviewStatuses.Pending;

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>
/// One revision of a report, append-only: the body as submitted, its warnings, and every statutory cell
/// in a typed column (shadow properties named by <see cref="CellColumns"/>).
/// </summary>
internal sealed class StoredRevision
{
    public Guid ReportId { get; set; }

    public int Revision { get; set; }

    public DateTimeOffset SubmittedAt { get; set; }

    /// <summary>The token's subject (<c>sub</c>) of the write.</summary>
    public string? SubmittedBy { get; set; }

    /// <summary>The OAuth2 client of the write.</summary>
    public string? SubmittedClient { get; set; }

    /// <summary>submit, correct or import (<see cref="RevisionOperations"/>).</summary>
    public required string Operation { get; set; }

    /// <summary>SHA-256 of the submitted body, hex.</summary>
    public required string ContentHash { get; set; }

    /// <summary>The body exactly as submitted (jsonb).</summary>
    public required string Body { get; set; }

    /// <summary>The warnings of this revision, in both languages (jsonb).</summary>
    public required string Warnings { get; set; }
}

/// <summary>The first response to a POST with an Idempotency-Key, replayed to retries of the same request.</summary>
internal sealed class IdempotencyRecord
{
    public required string Key { get; set; }

    /// <summary>SHA-256 of the request body: the same key with another body is refused.</summary>
    public required string RequestHash { get; set; }

    public Guid ReportId { get; set; }

    public int Revision { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>One review event of a report (append-only, audited by the database): a decision on one revision.</summary>
internal sealed class StoredReview
{
    public long Id { get; set; }

    public Guid ReportId { get; set; }

    public int Revision { get; set; }

    /// <summary>approved or returned.</summary>
    public required string Decision { get; set; }

    public string? Comment { get; set; }

    /// <summary>The reviewer's token subject (<c>sub</c>).</summary>
    public string? ReviewedBy { get; set; }

    /// <summary>The reviewer's OAuth2 client.</summary>
    public string? ReviewedClient { get; set; }

    public DateTimeOffset ReviewedAt { get; set; }
}

/// <summary>A report's review status: a new revision is pending; a reviewer approves it (which locks it) or returns it.</summary>
internal static class ReviewStatuses
{
    public const string Pending = "pending";
    public const string Approved = "approved";
    public const string Returned = "returned";
}

/// <summary>How a revision came to be (report_revisions.operation, copied into audit_events).</summary>
internal static class RevisionOperations
{
    public const string Submit = "submit";
    public const string Correct = "correct";
    public const string Import = "import";
}

/// <summary>
/// A department or other body that owes a report in the years it is in force (first to last year; no last year:
/// still in force). Written by the register or learned from a report (<see cref="AgencySources"/>); every
/// version is audited into agency_events by the database.
/// </summary>
internal sealed class StoredAgency
{
    public required string CreditCode { get; set; }

    public required string Name { get; set; }

    /// <summary>Normalised statistical code (2, 4, 6 or 9 digits).</summary>
    public required string RegionCode { get; set; }

    public AgencyLevel Level { get; set; }

    public AgencyKind Kind { get; set; }

    public int FirstYear { get; set; }

    public int? LastYear { get; set; }

    /// <summary>register or report.</summary>
    public required string Source { get; set; }

    /// <summary>1 on creation, one more per change: the agency's ETag.</summary>
    public int Version { get; set; }

    public DateTimeOffset ChangedAt { get; set; }

    public string? ChangedBy { get; set; }

    public string? ChangedClient { get; set; }
}

/// <summary>Where an agency row comes from: the register (a supervisor's PUT or batch) or a report of an agency nobody registered.</summary>
internal static class AgencySources
{
    public const string Register = "register";
    public const string Report = "report";
}
