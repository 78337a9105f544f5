using FastEndpoints;
using ReportService.Api.Features.Regions;
using ReportService.Api.Infrastructure.Endpoints;
using ReportService.Api.Persistence;

namespace ReportService.Api.Features.Aggregates.QueryAggregates;

internal sealed class QueryAggregatesEndpoint(ReportsDbContext db, RegionDirectory regions, AggregateAnswerCache cache)
    : Endpoint<AggregateRequest, IResult>
{
    public override void Configure()
    {
        Get("");
        Group<AggregatesGroup>();
        Description(b => b.WithName("QueryAggregates")
            .Produces<QueryAggregatesResponse>(StatusCodes.Status200OK, "application/json", "text/csv")
            .Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable));
        Summary(s =>
        {
            s.Summary = "Sums of accepted reports by region, year and more";
            s.Description = "Sums the current revision of every accepted report matching the filters, grouped by the groupBy dimensions. " +
                "Only one scope is summed at a time (default agency), so region-wide aggregate reports never double count. " +
                "Fresh: a report accepted or corrected by one request is counted by the next. With reviewStatus=approved only reports a reviewer " +
                "approved count (DHIS2's \"hide unapproved data\"); a review is counted by the next request. Answers text/csv with Accept: text/csv: " +
                "one row per group, its header row in Chinese statutory labels by default and in English with Accept-Language: en " +
                "(the same columns and values; Content-Language says which). " +
                "ETag and Cache-Control: no-cache make revalidation cheap (304).\n\n" + AggregateCsv.Documentation();
        });
    }

    public override Task<IResult> ExecuteAsync(AggregateRequest req, CancellationToken ct)
    {
        var csv = AggregateExecution.WantsCsv(req);
        return AggregateExecution.AnswerAsync(req, outcomes: false, db, HttpContext, cache, (filter, rows) => csv
            ? AggregateExecution.Csv(AggregateCsv.Aggregates(filter, rows, regions, AggregateExecution.CsvLanguage(HttpContext.Request)))
            : new AggregateAnswer(AggregateJson.Aggregates(rows, regions, AggregateExecution.JsonOptions(HttpContext)), AggregateExecution.JsonMediaType),
            ct);
    }
}
