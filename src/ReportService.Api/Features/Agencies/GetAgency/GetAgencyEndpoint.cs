using FastEndpoints;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using ReportService.Api.Infrastructure.Endpoints;
using ReportService.Api.Persistence;
using AccessPolicies = ReportService.Api.Infrastructure.Security.Policies;

namespace ReportService.Api.Features.Agencies.GetAgency;

internal sealed class GetAgencyEndpoint(ReportsDbContext db) : EndpointWithoutRequest<Results<Ok<AgencyResponse>, ProblemHttpResult>>
{
    public override void Configure()
    {
        Get("{creditCode}");
        Group<AgenciesGroup>();
        Description(b => b.WithName("GetAgency").RequirePolicy(AccessPolicies.ReadPublicData)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable));
        Summary(s =>
        {
            s.Summary = "An agency of the register";
            s.Description = "The agency as registered, or as learned from its reports (source report: its latest year's report gives name, region, level and kind, " +
                "and a correction of that report changes them with a new version), with its version as ETag: send it as If-Match to replace the registration.";
        });
    }

    public override async Task<Results<Ok<AgencyResponse>, ProblemHttpResult>> ExecuteAsync(CancellationToken ct)
    {
        var creditCode = Route<string>("creditCode") ?? "";
        var agency = await db.Agencies.AsNoTracking().FirstOrDefaultAsync(a => a.CreditCode == creditCode, ct);
        if (agency is null)
        {
            return TypedResults.Problem(title: "Agency not found",
                detail: $"No agency {(creditCode.Length <= 40 ? creditCode : creditCode[..40] + "…")} is registered or known from a report. PUT {AgencyRecords.Prefix}/{{creditCode}} registers one.",
                statusCode: StatusCodes.Status404NotFound);
        }

        HttpContext.Response.Headers.ETag = AgencyRecords.ETag(agency.Version);
        return TypedResults.Ok(AgencyRecords.Response(agency));
    }
}
