using FastEndpoints;
using Microsoft.AspNetCore.Http.HttpResults;
using ReportService.Api.Infrastructure;
using ReportService.Api.Infrastructure.Endpoints;
using AccessPolicies = ReportService.Api.Infrastructure.Security.Policies;
using ReportService.Api.Persistence;

namespace ReportService.Api.Features.Reports.GetReport;

/// <summary>The route value of <c>GET /v1/reports/{id}</c>.</summary>
internal sealed class GetReportRequest
{
    public Guid Id { get; init; }
}

internal sealed class GetReportEndpoint(ReportsDbContext db) : Endpoint<GetReportRequest, Results<Ok<StoredReportResponse>, ProblemHttpResult>>
{
    public override void Configure()
    {
        Get("{id:guid}");
        Group<ReportsGroup>();
        Description(b => b.WithName("GetReport").RequirePolicy(AccessPolicies.ReadReports)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable));
        Summary(s =>
        {
            s.Summary = "The current revision of a report";
            s.Description = "The report as last submitted, with its warnings. The ETag is the revision; send it as If-Match to correct the report.";
        });
    }

    public override async Task<Results<Ok<StoredReportResponse>, ProblemHttpResult>> ExecuteAsync(GetReportRequest req, CancellationToken ct)
    {
        var report = await StoredReportReader.ReadAsync(db, req.Id, null, Languages.Preferred(HttpContext.Request), ct);
        if (report is null)
        {
            return ReportProblems.NotFound(req.Id);
        }

        HttpContext.Response.Headers.ETag = ReportRecords.ETag(report.Revision);
        return TypedResults.Ok(report);
    }
}
