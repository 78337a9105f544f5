using ReportService.Api.Features.Regions;
using ReportService.Api.Persistence;

namespace ReportService.Api.Features.Aggregates.QueryAggregates;

internal static class QueryAggregatesEndpoint
{
    public static RouteHandlerBuilder MapQueryAggregates(this IEndpointRouteBuilder aggregates) =>
        aggregates.MapGet("/", HandleAsync)
            .WithName("QueryAggregates")
            .WithSummary("Sums of accepted reports by region, year and more")
            .WithDescription("Sums the current revision of every accepted report matching the filters, grouped by the groupBy dimensions. " +
                "Only one scope is summed at a time (default agency), so region-wide aggregate reports never double count. " +
                "Fresh: a report accepted or corrected by one request is counted by the next. Answers text/csv with Accept: text/csv. " +
                "ETag and Cache-Control: no-cache make revalidation cheap (304).")
            .Produces<QueryAggregatesResponse>(StatusCodes.Status200OK, "application/json", "text/csv")
            .Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    internal static async Task<IResult> HandleAsync(
        [Microsoft.AspNetCore.Http.AsParameters] AggregateRequest request, ReportsDbContext db, RegionDirectory regions, AggregateAnswerCache cache, HttpContext context,
        CancellationToken cancellationToken)
    {
        var csv = AggregateExecution.WantsCsv(request);
        return await AggregateExecution.AnswerAsync(request, outcomes: false, db, context, cache, (filter, rows) => csv
            ? AggregateExecution.Csv(AggregateCsv.Aggregates(filter, rows, regions))
            : new AggregateAnswer(AggregateJson.Aggregates(rows, regions, AggregateExecution.JsonOptions(context)), AggregateExecution.JsonMediaType),
            cancellationToken);
    }
}
