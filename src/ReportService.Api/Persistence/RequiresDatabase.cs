namespace ReportService.Api.Persistence;

/// <summary>Answers 503 with Retry-After while the schema is not yet known to be migrated.</summary>
internal sealed class RequiresDatabase(DatabaseState state) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (state.Migrated)
        {
            return await next(context);
        }

        context.HttpContext.Response.Headers.RetryAfter = DatabaseErrors.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(
            title: "Service temporarily unavailable",
            detail: "The database is not reachable or not yet migrated. Retry after the Retry-After delay.",
            statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
