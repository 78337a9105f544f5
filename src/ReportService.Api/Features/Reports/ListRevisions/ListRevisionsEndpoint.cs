using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using ReportService.Api.Persistence;

namespace ReportService.Api.Features.Reports.ListRevisions;

internal static class ListRevisionsEndpoint
{
    public static RouteHandlerBuilder MapListRevisions(this IEndpointRouteBuilder reports) =>
        reports.MapGet("/{id:guid}/revisions", HandleAsync)
            .WithName("ListReportRevisions")
            .WithSummary("The revision history of a report")
            .WithDescription("Every revision, oldest first, with when it was accepted, who submitted it and the SHA-256 of its body; " +
                "read one with GET /v1/reports/{id}/revisions/{revision}.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    internal static async Task<Results<Ok<ListRevisionsResponse>, ProblemHttpResult>> HandleAsync(
        Guid id, ReportsDbContext db, CancellationToken cancellationToken)
    {
        var current = await db.Reports.AsNoTracking().Where(r => r.Id == id).Select(r => (int?)r.CurrentRevision).FirstOrDefaultAsync(cancellationToken);
        if (current is null)
        {
            return ReportProblems.NotFound(id);
        }

        var revisions = await db.Revisions.AsNoTracking()
            .Where(v => v.ReportId == id)
            .OrderBy(v => v.Revision)
            .Select(v => new { v.Revision, v.SubmittedAt, v.SubmittedBy, v.SubmittedClient, v.Operation, v.ContentHash })
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new ListRevisionsResponse
        {
            Id = id,
            CurrentRevision = current.Value,
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
