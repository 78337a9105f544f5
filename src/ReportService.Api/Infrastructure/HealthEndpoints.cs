namespace ReportService.Api.Infrastructure;

internal static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        var health = app.MapGroup("/health").WithTags("Health").ExcludeFromDescription();
        health.MapGet("/live", () => TypedResults.Ok(new { status = "live" }));
        return app;
    }
}
