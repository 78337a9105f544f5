using FastEndpoints;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using ReportService.Api.Infrastructure;
using ReportService.Api.Infrastructure.Endpoints;
using ReportService.Api.Infrastructure.Security;
using ReportService.Api.Persistence;
using AccessPolicies = ReportService.Api.Infrastructure.Security.Policies;

namespace ReportService.Api.Features.Reports.ReviewReport;

/// <summary>A reviewer's decision on a report's current revision.</summary>
public enum ReviewDecision
{
    /// <summary>The revision is checked and accepted: the report is locked against corrections until returned.</summary>
    Approved,

    /// <summary>Sent back to the agency for correction (with a comment saying why); unlocks an approved report.</summary>
    Returned,
}

/// <summary>The body of <c>POST /v1/reports/{id}/reviews</c>.</summary>
public sealed class ReviewReportRequest
{
    /// <summary>approved or returned.</summary>
    public ReviewDecision? Decision { get; init; }

    /// <summary>The reviewer's comment, at most 2,000 characters; required when the report is returned (say what to correct).</summary>
    public string? Comment { get; init; }
}

internal sealed class ReviewReportValidator : Validator<ReviewReportRequest>
{
    public const int MaxCommentLength = 2000;

    public ReviewReportValidator()
    {
        RuleFor(r => r.Decision).NotNull().WithMessage("decision is required: approved or returned.");
        RuleFor(r => r.Comment).MaximumLength(MaxCommentLength).WithMessage($"comment has at most {MaxCommentLength} characters.");
        RuleFor(r => r.Comment).NotEmpty().When(r => r.Decision == ReviewDecision.Returned)
            .WithMessage("A returned report needs a comment saying what to correct.");
    }
}

/// <summary>One review event: who decided what on which revision, and where the report stands now.</summary>
public sealed class ReviewResponse
{
    /// <summary>The report's id.</summary>
    public required Guid ReportId { get; init; }

    /// <summary>The revision reviewed.</summary>
    public required int Revision { get; init; }

    /// <summary>approved or returned.</summary>
    public required ReviewDecision Decision { get; init; }

    /// <summary>The reviewer's comment, when given.</summary>
    public string? Comment { get; init; }

    /// <summary>The reviewer (the token's subject), when known.</summary>
    public string? ReviewedBy { get; init; }

    /// <summary>The reviewer's OAuth2 client, when known.</summary>
    public string? ReviewedClient { get; init; }

    /// <summary>When the decision was recorded.</summary>
    public required DateTimeOffset ReviewedAt { get; init; }
}

internal sealed class ReviewReportEndpoint(ReportsDbContext db, TimeProvider clock)
    : Endpoint<ReviewReportRequest, Results<Ok<ReviewResponse>, ProblemHttpResult>>
{
    public override void Configure()
    {
        Post("{id:guid}/reviews");
        Group<ReportsGroup>();
        Description(b => b.WithName("ReviewReport").RequirePolicy(AccessPolicies.Review)
            .Accepts<ReviewReportRequest>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable));
        Summary(s =>
        {
            s.Summary = "Review a report: approve it or return it";
            s.Description = "A supervising office's decision on the report's current revision (If-Match names it). " +
                "Approved locks the report: a correction is refused (409) until a reviewer returns it. Returned sends it back " +
                "for correction (a comment is required); the next correction makes it pending again. Every decision is kept, " +
                "audited and listed in GET /v1/reports/{id}/revisions.";
        });
    }

    public override async Task<Results<Ok<ReviewResponse>, ProblemHttpResult>> ExecuteAsync(ReviewReportRequest req, CancellationToken cancellationToken)
    {
        var id = Route<Guid>("id");
        var (ifMatch, precondition) = RevisionPreconditions.Read(HttpContext.Request, id, "review");
        if (precondition is not null)
        {
            return precondition;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // The row lock orders this review against a concurrent correction or review of the same report.
        var report = await db.Reports.FromSql($"SELECT * FROM reports WHERE id = {id} FOR UPDATE").AsNoTracking().FirstOrDefaultAsync(cancellationToken);
        if (report is null)
        {
            return ReportProblems.NotFound(id);
        }

        var caller = Caller.From(HttpContext.User);
        if (!caller.MayReview(report.RegionCode))
        {
            return TypedResults.Problem(
                title: "Not allowed to review this report",
                detail: $"The token may review reports of {(caller.RegionPrefixes.Count == 0 ? "no region" : string.Join(", ", caller.RegionPrefixes.Take(20)))}; " +
                    $"this report is of region {report.RegionCode}.",
                statusCode: StatusCodes.Status403Forbidden,
                type: "https://report-service/problems/region-not-granted");
        }

        if (!RevisionPreconditions.Matches(ifMatch, report.CurrentRevision))
        {
            return RevisionPreconditions.Stale(report.CurrentRevision, "review the current revision and retry");
        }

        var decision = req.Decision!.Value;
        var review = new StoredReview
        {
            ReportId = id,
            Revision = report.CurrentRevision,
            Decision = ContractEnums.Name(decision),
            Comment = string.IsNullOrWhiteSpace(req.Comment) ? null : req.Comment,
            ReviewedBy = caller.Subject,
            ReviewedClient = caller.Client,
            ReviewedAt = clock.GetUtcNow(),
        };
        db.Reviews.Add(review);
        await db.SaveChangesAsync(cancellationToken);
        await db.Database.ExecuteSqlAsync($"UPDATE reports SET review_status = {review.Decision} WHERE id = {id}", cancellationToken);
        // The approved view of the aggregates (ADR 17) changes with the status, in this transaction: an approval adds the
        // current revision, a return of an approved report takes it away (an approved report cannot have been corrected,
        // so its current revision is the approved one); a second approval or a return of a pending report changes nothing.
        var wasApproved = report.ReviewStatus == ReviewStatuses.Approved;
        var sign = (wasApproved, decision) switch
        {
            (false, ReviewDecision.Approved) => 1,
            (true, ReviewDecision.Returned) => -1,
            _ => 0,
        };
        if (sign != 0)
        {
            await AggregateRollups.ApplyApprovedAsync(db, report, sign, cancellationToken);
        }

        // Not cancellable: a review acknowledged to nobody must not be half-known (ADR 12).
        await transaction.CommitAsync(CancellationToken.None);
        if (sign != 0)
        {
            // The aggregates' ETags (ADR 8) follow the approved view too.
            await ReportChanges.AdvanceAsync(db);
        }

        Telemetry.ReportsReviewed.Add(1, new KeyValuePair<string, object?>("decision", review.Decision));
        HttpContext.Response.Headers.ETag = ReportRecords.ETag(report.CurrentRevision);
        return TypedResults.Ok(new ReviewResponse
        {
            ReportId = id,
            Revision = review.Revision,
            Decision = decision,
            Comment = review.Comment,
            ReviewedBy = review.ReviewedBy,
            ReviewedClient = review.ReviewedClient,
            ReviewedAt = review.ReviewedAt,
        });
    }
}
