using Microsoft.AspNetCore.Http.HttpResults;

namespace ReportService.Api.Infrastructure;

/// <summary>The 400 of a query value the endpoint refuses, naming the parameter (aggregates, lists, completeness).</summary>
internal static class QueryProblems
{
    public static ProblemHttpResult Invalid(string parameter, string detail) => TypedResults.Problem(
        title: "Invalid query", detail: detail, statusCode: StatusCodes.Status400BadRequest,
        extensions: new Dictionary<string, object?> { ["parameter"] = parameter });
}
