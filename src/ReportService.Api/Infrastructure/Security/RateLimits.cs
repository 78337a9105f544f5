using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace ReportService.Api.Infrastructure.Security;

/// <summary>Per-client request rate (configuration section <c>RateLimiting</c>).</summary>
internal sealed class RateLimitingOptions
{
    public const string Section = "RateLimiting";

    /// <summary>Off only for benchmarks and load tests.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Sustained requests per second per client.</summary>
    public int PermitsPerSecond { get; set; } = 50;

    /// <summary>Requests a client may make at once after being idle.</summary>
    public int Burst { get; set; } = 200;
}

/// <summary>
/// A token bucket per client: the token's client (or subject) when authenticated, else the remote address
/// (behind a proxy, enable forwarded headers so that this is the real client: docs/operations.md). Health
/// probes are never limited. A refused request gets 429 problem+json with Retry-After.
/// </summary>
internal static class RateLimits
{
    public static IServiceCollection AddReportServiceRateLimiting(this IServiceCollection services)
    {
        services.AddOptions<RateLimitingOptions>().Configure<IConfiguration>((limits, configuration) => configuration.GetSection(RateLimitingOptions.Section).Bind(limits));
        services.AddRateLimiter(limiter =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                var options = context.RequestServices.GetRequiredService<IOptions<RateLimitingOptions>>().Value;
                if (!options.Enabled || context.Request.Path.StartsWithSegments("/health"))
                {
                    return RateLimitPartition.GetNoLimiter("");
                }

                return RateLimitPartition.GetTokenBucketLimiter(ClientKey(context), _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = Math.Max(1, options.Burst),
                    TokensPerPeriod = Math.Max(1, options.PermitsPerSecond),
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
                var response = context.HttpContext.Response;
                response.StatusCode = StatusCodes.Status429TooManyRequests;
                response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                Telemetry.RateLimited.Add(1);
                await context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context.HttpContext,
                    ProblemDetails = new ProblemDetails
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        Title = "Too many requests",
                        Detail = $"This client sent more requests than it may. Retry after {retryAfter} s; for backfills use POST /v1/reports/batch.",
                        Type = "https://report-service/problems/rate-limited",
                    },
                });
            };
        });
        return services;
    }

    /// <summary>Who a request counts against: the token's client (or subject), else the remote address.</summary>
    public static string ClientKey(HttpContext context)
    {
        var caller = Caller.From(context.User);
        if ((caller.Client ?? caller.Subject) is { } client)
        {
            return "client:" + client;
        }

        return "address:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
    }
}
