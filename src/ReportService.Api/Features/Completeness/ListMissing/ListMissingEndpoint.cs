using FastEndpoints;
using Microsoft.AspNetCore.Http.HttpResults;
using ReportService.Api.Features.Regions;
using ReportService.Api.Infrastructure;
using ReportService.Api.Infrastructure.Endpoints;
using ReportService.Api.Persistence;
using ReportService.Statutory.Model;

namespace ReportService.Api.Features.Completeness.ListMissing;

/// <summary>The query of <c>GET /v1/completeness/missing</c>.</summary>
internal sealed class ListMissingRequest : CompletenessFilters
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    /// <summary>Page size, 1 to 1000 (default 100).</summary>
    public int? Limit { get; init; }

    /// <summary>The <c>nextCursor</c> of the previous page (with the same year, region and scope).</summary>
    public string? Cursor { get; init; }
}

/// <summary>A page of the agencies that owe a report and have not reported.</summary>
public sealed class ListMissingResponse
{
    /// <summary>In region code order, then agency before regionAggregate.</summary>
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

    /// <summary>The region's name (the agency is its government).</summary>
    public required string Name { get; init; }

    /// <summary>行政层级.</summary>
    public required AgencyLevel Level { get; init; }

    /// <summary>The report it owes: its own (agency) or the region's (regionAggregate).</summary>
    public required ReportScope Scope { get; init; }
}

internal sealed class ListMissingEndpoint(ReportsDbContext db, RegionDirectory regions, ExpectedReporters expected)
    : Endpoint<ListMissingRequest, Results<Ok<ListMissingResponse>, ProblemHttpResult>>
{
    public override void Configure()
    {
        Get("missing");
        Group<CompletenessGroup>();
        Description(b => b.WithName("ListMissingReporters")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable));
        Summary(s =>
        {
            s.Summary = "Who has not reported";
            s.Description = "The agencies that owe a report for the year and have none stored, in region code order, paged with nextCursor.";
        });
    }

    public override async Task<Results<Ok<ListMissingResponse>, ProblemHttpResult>> ExecuteAsync(ListMissingRequest req, CancellationToken ct)
    {
        if (!req.TryParse(regions, out var year, out var prefix, out var scope, out var problem)
            || !req.TryParseReviewStatus(out var approvedOnly, out problem))
        {
            return problem!;
        }

        var limit = req.Limit ?? ListMissingRequest.DefaultLimit;
        if (limit is < 1 or > ListMissingRequest.MaxLimit)
        {
            return QueryProblems.Invalid("limit", $"limit must be between 1 and {ListMissingRequest.MaxLimit}.");
        }

        (string Code, ReportScope Scope)? after = null;
        if (req.Cursor is { } cursor)
        {
            var parts = cursor.Split('.', 2);
            if (parts.Length != 2 || !ContractEnums.TryParse<ReportScope>(parts[1], out var afterScope) || regions.Find(parts[0]) is null)
            {
                return QueryProblems.Invalid("cursor", "cursor is not a nextCursor of this list.");
            }

            after = (parts[0], afterScope);
        }

        var missing = (await expected.StatesAsync(db, year, prefix, scope, approvedOnly, ct))
            .Where(s => !s.Reported)
            .Select(s => s.Reporter)
            .Where(r => after is not { } a || string.CompareOrdinal(r.RegionCode, a.Code) > 0 || (r.RegionCode == a.Code && r.Scope > a.Scope))
            .Take(limit + 1)
            .ToList();
        var page = missing.Take(limit).Select(r => new MissingReporter { RegionCode = r.RegionCode, Name = r.Name, Level = r.Level, Scope = r.Scope }).ToList();
        return TypedResults.Ok(new ListMissingResponse
        {
            Items = page,
            NextCursor = missing.Count > limit ? $"{page[^1].RegionCode}.{ContractEnums.Name(page[^1].Scope)}" : null,
        });
    }
}
