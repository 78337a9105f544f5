using Microsoft.AspNetCore.Http.HttpResults;
using ReportService.Api.Infrastructure;
using ReportService.Api.Persistence;

namespace ReportService.Api.Features.Reports.GetRevision;

internal static class GetRevisionEndpoint
{
    public static RouteHandlerBuilder MapGetRevision(this IEndpointRouteBuilder reports) =>
        reports.MapGet("/{id:guid}/revisions/{revision:int}", HandleAsync)
            .WithName("GetReportRevision")
            .WithSummary("One revision of a report")
            .WithDescription("Any revision, current or superseded, exactly as it was submitted, with who submitted it and when.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    internal static async Task<Results<Ok<StoredReportResponse>, ProblemHttpResult>> HandleAsync(
        Guid id, int revision, ReportsDbContext db, HttpContext context, CancellationToken cancellationToken)
    {
        var report = await StoredReportReader.ReadAsync(db, id, revision, Languages.Preferred(context.Request), cancellationToken);
        return report is null
            ? TypedResults.Problem(title: "Revision not found", detail: $"Report {id} has no revision {revision}.", statusCode: StatusCodes.Status404NotFound)
            : TypedResults.Ok(report);
    }
}
