using Microsoft.AspNetCore.Http.HttpResults;

namespace ReportService.Api.Features.Regions;

internal static class RegionsEndpoints
{
    public const string Prefix = "/v1/regions";

    public static IEndpointRouteBuilder MapRegionsEndpoints(this IEndpointRouteBuilder app)
    {
        var regions = app.MapGroup(Prefix).WithTags("Regions");
        regions.MapGet("/{code}", GetRegion)
            .WithName("GetRegion")
            .WithSummary("A region of the division reference")
            .WithDescription("Code, name, level, parent and children. Six-digit province and prefecture forms (140000, 141100) are accepted.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        regions.MapGet("/", ListRegions)
            .WithName("ListRegions")
            .WithSummary("Regions one level below a parent")
            .WithDescription("Without parent: the provinces.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    internal static Results<Ok<GetRegionResponse>, ProblemHttpResult> GetRegion(string code, RegionDirectory directory)
    {
        if (directory.Find(code) is not { } region)
        {
            return Unknown(code);
        }

        return TypedResults.Ok(new GetRegionResponse
        {
            Code = region.Code,
            Name = region.Name,
            Level = region.Level,
            Parent = region.ParentCode is { } parent ? RegionSummary.From(directory.Find(parent)!) : null,
            Children = [.. directory.ChildrenOf(region.Code).Select(RegionSummary.From)],
        });
    }

    internal static Results<Ok<ListRegionsResponse>, ProblemHttpResult> ListRegions(string? parent, RegionDirectory directory)
    {
        if (parent is null)
        {
            return TypedResults.Ok(new ListRegionsResponse { Items = [.. directory.Provinces.Select(RegionSummary.From)] });
        }

        if (directory.Find(parent) is not { } region)
        {
            return Unknown(parent);
        }

        return TypedResults.Ok(new ListRegionsResponse { Parent = region.Code, Items = [.. directory.ChildrenOf(region.Code).Select(RegionSummary.From)] });
    }

    private static ProblemHttpResult Unknown(string code) => TypedResults.Problem(
        title: "Unknown region",
        detail: $"\"{code}\" is not a region code of the division reference (2023 codes).",
        statusCode: StatusCodes.Status404NotFound);
}
