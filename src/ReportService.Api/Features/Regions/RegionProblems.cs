using Microsoft.AspNetCore.Http.HttpResults;

namespace ReportService.Api.Features.Regions;

internal static class RegionProblems
{
    public static ProblemHttpResult Unknown(string code) => TypedResults.Problem(
        title: "Unknown region",
        detail: $"\"{code}\" is not a region code of the division reference (2023 codes).",
        statusCode: StatusCodes.Status404NotFound);
}
