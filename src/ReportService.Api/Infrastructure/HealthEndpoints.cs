using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using ReportService.Api.Persistence;

namespace ReportService.Api.Infrastructure;

internal static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        var health = app.MapGroup("/health").WithTags("Health");
        health.MapGet("/live", () => TypedResults.Ok(new HealthResponse { Status = "live" }))
            .WithName("Live").WithSummary("Liveness: the process serves requests")
            .WithDescription("Always 200 with status `live` while the process serves HTTP; it does not touch the database, so an outage does not restart the service.");
        health.MapGet("/ready", ReadyAsync)
            .WithName("Ready").WithSummary("Readiness: the database is reachable and migrated")
            .WithDescription("200 with status `ready` when the migrations have been applied and the database answers within 2 seconds; " +
                "otherwise 503 with status `unready` and the reason, so that no traffic is routed to this instance.")
            .Produces<HealthResponse>(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    private static async Task<Results<Ok<HealthResponse>, JsonHttpResult<HealthResponse>>> ReadyAsync(
        DatabaseState state, ReportsDbContext db, CancellationToken cancellationToken)
    {
        string? problem = null;
        if (!state.Migrated)
        {
            problem = "database not migrated";
        }
        else
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(2));
                await db.Database.ExecuteSqlRawAsync("SELECT 1", timeout.Token);
            }
            catch (Exception ex) when (DatabaseErrors.IsUnavailable(ex) || ex is OperationCanceledException)
            {
                problem = "database unreachable";
            }
        }

        return problem is null
            ? TypedResults.Ok(new HealthResponse { Status = "ready" })
            : TypedResults.Json(new HealthResponse { Status = "unready", Reason = problem }, statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}

/// <summary>A health probe's answer.</summary>
public sealed class HealthResponse
{
    /// <summary><c>live</c>, <c>ready</c> or <c>unready</c>.</summary>
    public required string Status { get; init; }

    /// <summary>Why the service is not ready.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Reason { get; init; }
}
