using FastEndpoints;
using Microsoft.AspNetCore.Http.HttpResults;
using ReportService.Api.Infrastructure.Endpoints;
using AccessPolicies = ReportService.Api.Infrastructure.Security.Policies;
using Microsoft.EntityFrameworkCore;
using ReportService.Api.Persistence;

namespace ReportService.Api.Features.Reports.ListRevisions;

/// <summary>The route value of <c>GET /v1/reports/{id}/revisions</c>.</summary>
internal sealed class ListRevisionsRequest
{
    public Guid Id { get; init; }
}

internal sealed class ListRevisionsEndpoint(ReportsDbContext db) : Endpoint<ListRevisionsRequest, Results<Ok<ListRevisionsResponse>, ProblemHttpResult>>
{
    public override void Configure()
    {
        Get("{id:guid}/revisions");
        Group<ReportsGroup>();
        Description(b => b.WithName("ListReportRevisions").RequirePolicy(AccessPolicies.ReadReports)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable));
        Summary(s =>
        {
            s.Summary = "The revision history of a report";
            s.Description = "Every revision, oldest first, with when it was accepted, who submitted it and the SHA-256 of its body; " +
                "read one with GET /v1/reports/{id}/revisions/{revision}.";
        });
    }

    public override async Task<Results<Ok<ListRevisionsResponse>, ProblemHttpResult>> ExecuteAsync(ListRevisionsRequest req, CancellationToken ct)
    {
        var id = req.Id;
        var cancellationToken = ct;
        var report = await db.Reports.AsNoTracking().Where(r => r.Id == id).Select(r => new { r.CurrentRevision, r.ReviewStatus }).FirstOrDefaultAsync(cancellationToken);
        if (report is null)
        {
            return ReportProblems.NotFound(id);
        }

        var revisions = await db.Revisions.AsNoTracking()
            .Where(v => v.ReportId == id)
            .OrderBy(v => v.Revision)
            .Select(v => new { v.Revision, v.SubmittedAt, v.SubmittedBy, v.SubmittedClient, v.Operation, v.ContentHash })
            .ToListAsync(cancellationToken);
        var reviews = await db.Reviews.AsNoTracking().Where(r => r.ReportId == id).OrderBy(r => r.Id).ToListAsync(cancellationToken);
        return TypedResults.Ok(new ListRevisionsResponse
        {
            Id = id,
            CurrentRevision = report.CurrentRevision,
            ReviewStatus = StoredReportReader.ReviewStatusOf(report.ReviewStatus),
            Reviews = [.. reviews.Select(r => new ReviewReport.ReviewResponse
            {
                ReportId = id,
                Revision = r.Revision,
                Decision = Enum.Parse<ReviewReport.ReviewDecision>(r.Decision, ignoreCase: true),
                Comment = r.Comment,
                ReviewedBy = r.ReviewedBy,
                ReviewedClient = r.ReviewedClient,
                ReviewedAt = r.ReviewedAt,
            })],
            Revisions = [.. revisions.Select(v => new ListRevisionsItem
            {
                Revision = v.Revision,
                SubmittedAt = v.SubmittedAt,
                SubmittedBy = v.SubmittedBy,
                SubmittedClient = v.SubmittedClient,
                Operation = v.Operation,
                ContentHash = v.ContentHash,
                Href = $"{ReportRecords.Location(id)}/revisions/{v.Revision}",
            })],
        });
    }
}
