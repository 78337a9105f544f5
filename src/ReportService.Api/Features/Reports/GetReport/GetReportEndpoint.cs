using FastEndpoints;
using Microsoft.AspNetCore.Http.HttpResults;
using ReportService.Api.Infrastructure;
using ReportService.Api.Infrastructure.Endpoints;
using AccessPolicies = ReportService.Api.Infrastructure.Security.Policies;
using ReportService.Api.Persistence;
using ReportService.Statutory.Rules;
using ReportService.Statutory.Validation;

namespace ReportService.Api.Features.Reports.GetReport;

/// <summary>The route value of <c>GET /v1/reports/{id}</c>.</summary>
internal sealed class GetReportRequest
{
    public Guid Id { get; init; }
}

internal sealed class GetReportEndpoint(ReportsDbContext db, ReportValidator validator) : Endpoint<GetReportRequest, Results<Ok<StoredReportResponse>, ProblemHttpResult>>
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
            s.Description = "The report as last submitted, with the warnings stored with it and the cross-year warnings as of now " +
                "(crossYearWarningsNow: the previous year's report may have been corrected since). The ETag is the revision; send it as If-Match to correct the report.";
        });
    }

    public override async Task<Results<Ok<StoredReportResponse>, ProblemHttpResult>> ExecuteAsync(GetReportRequest req, CancellationToken ct)
    {
        var report = await StoredReportReader.ReadAsync(db, req.Id, null, Languages.Preferred(HttpContext.Request), ct);
        if (report is null)
        {
            return ReportProblems.NotFound(req.Id);
        }

        // Today's cross-year warnings, beside the stored ones (which stay as they were written).
        var content = StoredBodies.Read(report.Report.GetRawText());
        var previous = await ReportRecords.PreviousYearAsync(db, content, ct);
        var now = validator.Check(new ReportUnderReview(content, previous)).Where(v => RuleCatalog.Get(v.Rule).NeedsPreviousYear);

        HttpContext.Response.Headers.ETag = ReportRecords.ETag(report.Revision);
        return TypedResults.Ok(report with { CrossYearWarningsNow = RuleViolation.From(now, Languages.Preferred(HttpContext.Request)) });
    }
}
