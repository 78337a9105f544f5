using FastEndpoints;
using Microsoft.AspNetCore.Http.HttpResults;
using ReportService.Api.Infrastructure;
using ReportService.Api.Infrastructure.Endpoints;
using AccessPolicies = ReportService.Api.Infrastructure.Security.Policies;
using ReportService.Api.Persistence;

namespace ReportService.Api.Features.Reports.GetRevision;

/// <summary>The route values of <c>GET /v1/reports/{id}/revisions/{revision}</c>.</summary>
internal sealed class GetRevisionRequest
{
    public Guid Id { get; init; }

    public int Revision { get; init; }
}

internal sealed class GetRevisionEndpoint(ReportsDbContext db) : Endpoint<GetRevisionRequest, Results<Ok<StoredReportResponse>, ProblemHttpResult>>
{
    public override void Configure()
    {
        Get("{id:guid}/revisions/{revision:int}");
        Group<ReportsGroup>();
        Description(b => b.WithName("GetReportRevision").RequirePolicy(AccessPolicies.ReadReports)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable));
        Summary(s =>
        {
            s.Summary = "One revision of a report";
            s.Description = "Any revision, current or superseded, exactly as it was submitted, with who submitted it and when.";
        });
    }

    public override async Task<Results<Ok<StoredReportResponse>, ProblemHttpResult>> ExecuteAsync(GetRevisionRequest req, CancellationToken ct)
    {
        var report = await StoredReportReader.ReadAsync(db, req.Id, req.Revision, Languages.Preferred(HttpContext.Request), ct);
        return report is null
            ? TypedResults.Problem(title: "Revision not found", detail: $"Report {req.Id} has no revision {req.Revision}.", statusCode: StatusCodes.Status404NotFound)
            : TypedResults.Ok(report);
    }
}
