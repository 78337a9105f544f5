using FastEndpoints;
using ReportService.Api.Features.Regions;
using ReportService.Api.Infrastructure.Endpoints;
using ReportService.Api.Persistence;
using ReportService.Statutory.Tables;

namespace ReportService.Api.Features.Aggregates.QueryOutcomes;

internal sealed class QueryOutcomesEndpoint(ReportsDbContext db, RegionDirectory regions, AggregateAnswerCache cache)
    : Endpoint<AggregateRequest, IResult>
{
    private static readonly Table3Row OutcomeTotal = Table3.Rows2021.First(r => r.Role == Table3RowRole.OutcomeTotal);

    public override void Configure()
    {
        Get("outcomes");
        Group<AggregatesGroup>();
        Description(b => b.WithName("QueryOutcomes")
            .Produces<QueryOutcomesResponse>(StatusCodes.Status200OK, "application/json", "text/csv")
            .Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable));
        Summary(s =>
        {
            s.Summary = "Outcomes of requests as tidy rows for charts";
            s.Description = "The same filters and groups as /v1/aggregates; one row per group and outcome category (the leaf rows of " +
                "三、本年度办理结果 and the subtotals of （三）–（六）) with its label, value for the chosen applicant column " +
                "(default total) and share of （七）总计. reviewStatus=approved counts only approved reports. Answers text/csv with Accept: text/csv: the key columns of the groupBy dimensions " +
                "(as for /v1/aggregates), then 报告数/reports (reportCount), 类别/category (category), 办理结果/outcome (label; English with " +
                "Accept-Language: en), 小计/subtotal (subtotal: 是/否, yes/no), 数量（<column>）/count (<column>) (value) and " +
                "占（七）总计比例/share of (7) outcomes total (share, empty when that total is 0); the header row is Chinese by default and " +
                "English with Accept-Language: en (Content-Language says which).";
        });
    }

    public override Task<IResult> ExecuteAsync(AggregateRequest req, CancellationToken ct)
    {
        var csv = AggregateExecution.WantsCsv(req);
        return AggregateExecution.AnswerAsync(req, outcomes: true, db, HttpContext, cache, (filter, rows) =>
        {
            var tidy = rows.SelectMany(row => Outcomes(row, filter, regions).Select(o => (row, o))).ToList();
            return csv
                ? AggregateExecution.Csv(AggregateCsv.Outcomes(filter, tidy, regions, AggregateExecution.CsvLanguage(HttpContext.Request)))
                : AggregateExecution.Json(new QueryOutcomesResponse { Applicant = filter.Applicant.Key, Rows = [.. tidy.Select(t => t.o)] }, HttpContext);
        }, ct);
    }

    private static IEnumerable<OutcomeRow> Outcomes(AggregateRow row, AggregateFilter filter, RegionDirectory regions)
    {
        var key = AggregateShape.Key(row, regions);
        var column = filter.Applicant;
        var total = AggregateShape.Cell(row, OutcomeTotal, column);
        OutcomeRow Make(string category, string label, bool subtotal, long value) => new()
        {
            Key = key,
            ReportCount = row.ReportCount,
            Category = category,
            Label = label,
            Subtotal = subtotal,
            Value = value,
            Share = total == 0 ? null : Math.Round((double)value / total, 6),
        };

        foreach (var leaf in Table3.Rows2021.Where(r => r.Role == Table3RowRole.OutcomeLeaf))
        {
            yield return Make(leaf.Key, leaf.Label.Chinese, false, AggregateShape.Cell(row, leaf, column));
        }

        foreach (var (group, categoryKey, label) in AggregateShape.Subtotals)
        {
            yield return Make(categoryKey, label.Chinese, true, AggregateShape.Subtotal(row, group, column));
        }
    }
}
