using FastEndpoints;
using Microsoft.AspNetCore.Http.HttpResults;
using ReportService.Api.Infrastructure.Endpoints;

namespace ReportService.Api.Features.Regions.GetRegion;

/// <summary>The route value of <c>GET /v1/regions/{code}</c>.</summary>
internal sealed class GetRegionRequest
{
    public string Code { get; init; } = "";
}

internal sealed class GetRegionEndpoint(RegionDirectory directory) : Endpoint<GetRegionRequest, Results<Ok<GetRegionResponse>, ProblemHttpResult>>
{
    public override void Configure()
    {
        Get("{code}");
        Group<RegionsGroup>();
        Description(b => b.WithName("GetRegion").ProducesProblem(StatusCodes.Status404NotFound));
        Summary(s =>
        {
            s.Summary = "A region of the division reference";
            s.Description = "Code, name, level, parent and children. Six-digit province and prefecture forms (140000, 141100) are accepted.";
        });
    }

    public override Task<Results<Ok<GetRegionResponse>, ProblemHttpResult>> ExecuteAsync(GetRegionRequest req, CancellationToken ct)
    {
        if (directory.Find(req.Code) is not { } region)
        {
            return Task.FromResult<Results<Ok<GetRegionResponse>, ProblemHttpResult>>(RegionProblems.Unknown(req.Code));
        }

        return Task.FromResult<Results<Ok<GetRegionResponse>, ProblemHttpResult>>(TypedResults.Ok(new GetRegionResponse
        {
            Code = region.Code,
            Name = region.Name,
            Level = region.Level,
            Parent = region.ParentCode is { } parent ? RegionSummary.From(directory.Find(parent)!) : null,
            Children = [.. directory.ChildrenOf(region.Code).Select(RegionSummary.From)],
        }));
    }
}
