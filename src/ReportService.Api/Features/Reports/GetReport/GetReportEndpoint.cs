using Microsoft.AspNetCore.Http.HttpResults;
using ReportService.Api.Infrastructure;
using ReportService.Api.Persistence;

namespace ReportService.Api.Features.Reports.GetReport;

internal static class GetReportEndpoint
{
    public static RouteHandlerBuilder MapGetReport(this IEndpointRouteBuilder reports) =>
        reports.MapGet("/{id:guid}", HandleAsync)
            .WithName("GetReport")
            .WithSummary("The current revision of a report")
            .WithDescription("The report as last submitted, with its warnings. The ETag is the revision; send it as If-Match to correct the report.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    internal static async Task<Results<Ok<StoredReportResponse>, ProblemHttpResult>> HandleAsync(
        Guid id, ReportsDbContext db, HttpContext context, CancellationToken cancellationToken)
    {
        var report = await StoredReportReader.ReadAsync(db, id, null, Languages.Preferred(context.Request), cancellationToken);
        if (report is null)
        {
            return ReportProblems.NotFound(id);
        }

        context.Response.Headers.ETag = ReportRecords.ETag(report.Revision);
        return TypedResults.Ok(report);
    }
}
