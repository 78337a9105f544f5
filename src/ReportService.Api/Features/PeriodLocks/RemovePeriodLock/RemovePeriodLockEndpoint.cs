using FastEndpoints;
using Microsoft.AspNetCore.Http.HttpResults;
using ReportService.Api.Features.PeriodLocks.SetPeriodLock;
using ReportService.Api.Infrastructure.Endpoints;
using ReportService.Api.Infrastructure.Security;

namespace ReportService.Api.Features.PeriodLocks.RemovePeriodLock;

internal sealed class RemovePeriodLockEndpoint(PeriodLockStore store) : EndpointWithoutRequest<Results<NoContent, ProblemHttpResult>>
{
    public override void Configure()
    {
        Delete("{year:int}");
        Group<PeriodLocksGroup>();
        Description(b => b.WithName("RemovePeriodLock")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable));
        Summary(s =>
        {
            s.Summary = "Remove a report year's stored period lock";
            s.Description = "Removes the lock set through PUT /v1/period-locks/{year}; the configuration's Review:PeriodLocks value for the year, if any, " +
                "applies again. The removal is kept in the period lock history. 404 when no lock is stored for the year.";
        });
    }

    public override async Task<Results<NoContent, ProblemHttpResult>> ExecuteAsync(CancellationToken cancellationToken)
    {
        var year = Route<int>("year");
        if (PeriodLockRoutes.YearProblem(year) is { } problem)
        {
            return problem;
        }

        var caller = Caller.From(HttpContext.User);
        if (await store.RemoveAsync(year, caller.Subject, caller.Client, cancellationToken) is null)
        {
            var configured = store.Configured(year) is { } day ? $" The configuration's lock for {year} ({day:yyyy-MM-dd}) is not changed by this API." : "";
            return TypedResults.Problem(
                title: "No stored period lock",
                detail: $"No period lock is stored for {year}.{configured}",
                statusCode: StatusCodes.Status404NotFound,
                type: "https://report-service/problems/no-period-lock");
        }

        return TypedResults.NoContent();
    }
}
