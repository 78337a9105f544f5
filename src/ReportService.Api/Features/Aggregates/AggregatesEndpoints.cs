using ReportService.Api.Features.Aggregates.QueryAggregates;
using ReportService.Api.Features.Aggregates.QueryOutcomes;
using ReportService.Api.Persistence;

namespace ReportService.Api.Features.Aggregates;

internal static class AggregatesEndpoints
{
    public const string Prefix = "/v1/aggregates";

    public static IEndpointRouteBuilder MapAggregatesEndpoints(this IEndpointRouteBuilder app)
    {
        var aggregates = app.MapGroup(Prefix).WithTags("Aggregates").AddEndpointFilter<RequiresDatabase>();
        aggregates.MapQueryAggregates();
        aggregates.MapQueryOutcomes();
        return app;
    }
}
