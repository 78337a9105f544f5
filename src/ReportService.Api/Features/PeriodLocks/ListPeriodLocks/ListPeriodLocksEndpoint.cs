using FastEndpoints;
using Microsoft.AspNetCore.Http.HttpResults;
using ReportService.Api.Infrastructure.Endpoints;

namespace ReportService.Api.Features.PeriodLocks.ListPeriodLocks;

internal sealed class ListPeriodLocksEndpoint(PeriodLockStore store) : EndpointWithoutRequest<Ok<ListPeriodLocksResponse>>
{
    public override void Configure()
    {
        Get("");
        Group<PeriodLocksGroup>();
        Description(b => b.WithName("ListPeriodLocks").ProducesProblem(StatusCodes.Status503ServiceUnavailable));
        Summary(s =>
        {
            s.Summary = "The period locks in force";
            s.Description = "Every report year with a lock: the one stored through PUT /v1/period-locks/{year} (source database), else the configured one " +
                "(source configuration); configured shows the configuration's day also where a stored lock overrides it.";
        });
    }

    public override async Task<Ok<ListPeriodLocksResponse>> ExecuteAsync(CancellationToken cancellationToken) =>
        TypedResults.Ok(new ListPeriodLocksResponse { Locks = await store.ListAsync(cancellationToken) });
}
