using System.Text;
using FastEndpoints;
using Microsoft.AspNetCore.WebUtilities;
using ReportService.Api.Features.Aggregates;
using ReportService.Api.Features.Regions;
using ReportService.Api.Infrastructure;
using ReportService.Api.Infrastructure.Endpoints;
using ReportService.Api.Persistence;
using ReportService.Statutory.Identity;
using ReportService.Statutory.Model;

namespace ReportService.Api.Features.Completeness.ListMissing;

/// <summary>The query of <c>GET /v1/completeness/missing</c>.</summary>
internal sealed class ListMissingRequest : CompletenessFilters
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    /// <summary>Page size, 1 to 1000 (default 100).</summary>
    public int? Limit { get; init; }

    /// <summary>The <c>nextCursor</c> of the previous page (with the same filters).</summary>
    public string? Cursor { get; init; }

    /// <summary>The media type asked for: text/csv when it is preferred to application/json by the q-values, else JSON.</summary>
    [FromHeader("Accept", isRequired: false)]
    public string? Accept { get; init; }
}

/// <summary>A page of the agencies that owe a report and have not reported.</summary>
public sealed class ListMissingResponse
{
    /// <summary>In region code order; in a region its government (agency, then regionAggregate) before its agencies by credit code.</summary>
    public required IReadOnlyList<MissingReporter> Items { get; init; }

    /// <summary>Pass as <c>cursor</c> for the next page; absent on the last page.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? NextCursor { get; init; }
}

/// <summary>An agency that owes a report and has not reported.</summary>
public sealed class MissingReporter
{
    /// <summary>Its region code.</summary>
    public required string RegionCode { get; init; }

    /// <summary>The agency's name; a government's is its region's name.</summary>
    public required string Name { get; init; }

    /// <summary>行政层级.</summary>
    public required AgencyLevel Level { get; init; }

    /// <summary>机关类型: government (from the division reference), department or other (from the agencies register).</summary>
    public required AgencyKind Kind { get; init; }

    /// <summary>The report it owes: its own (agency) or the region's (regionAggregate).</summary>
    public required ReportScope Scope { get; init; }

    /// <summary>统一社会信用代码 of a registered agency; absent for a government (the division reference does not know it).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? CreditCode { get; init; }

    /// <summary>For a registered agency: register (a supervising office registered it) or report (learned from an earlier report); absent for a government.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public Agencies.AgencySource? Source { get; init; }
}

internal sealed class ListMissingEndpoint(RegionDirectory regions, CompletenessIndex index)
    : Endpoint<ListMissingRequest, IResult>
{
    private static readonly string[] CsvHeader = ["区划代码", "机关名称", "统一社会信用代码", "行政层级", "机关类型", "报告范围", "来源"];

    public override void Configure()
    {
        Get("missing");
        Group<CompletenessGroup>();
        Description(b => b.WithName("ListMissingReporters")
            .Produces<ListMissingResponse>(StatusCodes.Status200OK, "application/json", "text/csv")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable));
        Summary(s =>
        {
            s.Summary = "Who has not reported";
            s.Description = "The agencies that owe a report for the year and have none stored: governments of the division reference and the departments " +
                "and other bodies of the agencies register in force that year. In region code order, paged with nextCursor. Answers text/csv " +
                "(one header row, the same page) when Accept prefers it; the next page's URL is then in a Link header (rel=\"next\").";
        });
    }

    public override async Task<IResult> ExecuteAsync(ListMissingRequest req, CancellationToken ct)
    {
        if (!req.TryParse(regions, out var of, out var problem))
        {
            return problem!;
        }

        var limit = req.Limit ?? ListMissingRequest.DefaultLimit;
        if (limit is < 1 or > ListMissingRequest.MaxLimit)
        {
            return QueryProblems.Invalid("limit", $"limit must be between 1 and {ListMissingRequest.MaxLimit}.");
        }

        ExpectedReporter? after = null;
        if (req.Cursor is { } cursor)
        {
            // region.scope for a government, region.scope.creditCode for a registered agency.
            var parts = cursor.Split('.');
            if (parts.Length is not (2 or 3) || !ContractEnums.TryParse<ReportScope>(parts[1], out var afterScope) || regions.Find(parts[0]) is null
                || (parts.Length == 3 && CreditCode.Check(parts[2]) != CreditCodeProblem.None))
            {
                return QueryProblems.Invalid("cursor", "cursor is not a nextCursor of this list.");
            }

            after = new ExpectedReporter(parts[0], "", default, default, afterScope, parts.Length == 3 ? parts[2] : null);
        }

        var missing = (await index.ForAsync(of.Year, ct)).Missing(of, after, limit + 1);
        var page = missing.Take(limit).ToList();
        var next = missing.Count > limit
            ? $"{page[^1].RegionCode}.{ContractEnums.Name(page[^1].Scope)}{(page[^1].CreditCode is { } code ? "." + code : "")}"
            : null;
        if (AggregateExecution.WantsCsv(req.Accept))
        {
            if (next is not null)
            {
                var query = QueryHelpers.ParseQuery(HttpContext.Request.QueryString.Value);
                query["cursor"] = next;
                HttpContext.Response.Headers.Link = $"<{QueryHelpers.AddQueryString(HttpContext.Request.Path, query)}>; rel=\"next\"";
            }

            var csv = new StringBuilder();
            AggregateCsv.Line(csv, CsvHeader);
            foreach (var r in page)
            {
                AggregateCsv.Line(csv, [r.RegionCode, r.Name, r.CreditCode ?? "", ContractEnums.Name(r.Level), ContractEnums.Name(r.Kind), ContractEnums.Name(r.Scope), r.Source ?? ""]);
            }

            return TypedResults.Text(csv.ToString(), "text/csv; charset=utf-8", Encoding.UTF8);
        }

        return TypedResults.Ok(new ListMissingResponse
        {
            Items = [.. page.Select(r => new MissingReporter
            {
                RegionCode = r.RegionCode,
                Name = r.Name,
                Level = r.Level,
                Kind = r.Kind,
                Scope = r.Scope,
                CreditCode = r.CreditCode,
                Source = r.Source switch
                {
                    null => null,
                    AgencySources.Report => Agencies.AgencySource.Report,
                    _ => Agencies.AgencySource.Register,
                },
            })],
            NextCursor = next,
        });
    }
}
