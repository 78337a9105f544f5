using FastEndpoints;
using Microsoft.AspNetCore.Http.HttpResults;
using ReportService.Api.Infrastructure.Endpoints;

namespace ReportService.Api.Features.Regions.ListRegions;

/// <summary>The query of <c>GET /v1/regions</c>.</summary>
internal sealed class ListRegionsRequest
{
    public string? Parent { get; init; }
}

internal sealed class ListRegionsEndpoint(RegionDirectory directory) : Endpoint<ListRegionsRequest, Results<Ok<ListRegionsResponse>, ProblemHttpResult>>
{
    public override void Configure()
    {
        Get("");
        Group<RegionsGroup>();
        Description(b => b.WithName("ListRegions").ProducesProblem(StatusCodes.Status404NotFound));
        Summary(s =>
        {
            s.Summary = "Regions one level below a parent";
            s.Description = "Without parent: the provinces.";
        });
    }

    public override Task<Results<Ok<ListRegionsResponse>, ProblemHttpResult>> ExecuteAsync(ListRegionsRequest req, CancellationToken ct)
    {
        if (req.Parent is not { } parent)
        {
            return Task.FromResult<Results<Ok<ListRegionsResponse>, ProblemHttpResult>>(
                TypedResults.Ok(new ListRegionsResponse { Items = [.. directory.Provinces.Select(RegionSummary.From)] }));
        }

        if (directory.Find(parent) is not { } region)
        {
            return Task.FromResult<Results<Ok<ListRegionsResponse>, ProblemHttpResult>>(RegionProblems.Unknown(parent));
        }

        return Task.FromResult<Results<Ok<ListRegionsResponse>, ProblemHttpResult>>(TypedResults.Ok(
            new ListRegionsResponse { Parent = region.Code, Items = [.. directory.ChildrenOf(region.Code).Select(RegionSummary.From)] }));
    }
}
