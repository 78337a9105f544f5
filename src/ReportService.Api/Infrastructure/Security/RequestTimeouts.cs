using System.Globalization;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.Mvc;
using ReportService.Api.Persistence;

namespace ReportService.Api.Infrastructure.Security;

/// <summary>
/// Time limits per request (configuration section <c>RequestTimeouts</c>, seconds): a request that runs out
/// is cancelled and answered 503 with Retry-After, like an outage (a write cut off at its commit may have been
/// stored: the Idempotency-Key retry covers it).
/// </summary>
internal static class RequestTimeoutSetup
{
    public const string BatchPolicy = "batch";

    public static IServiceCollection AddReportServiceTimeouts(this IServiceCollection services)
    {
        services.AddRequestTimeouts();
        // Read when first needed, so that configuration a host or test factory adds after Program's first lines counts.
        services.AddOptions<RequestTimeoutOptions>().Configure<IConfiguration>((options, configuration) =>
        {
            var section = configuration.GetSection("RequestTimeouts");
            options.DefaultPolicy = Policy(TimeSpan.FromSeconds(section.GetValue("DefaultSeconds", 30)));
            options.AddPolicy(BatchPolicy, Policy(TimeSpan.FromSeconds(section.GetValue("BatchSeconds", 300))));
        });
        return services;
    }

    private static RequestTimeoutPolicy Policy(TimeSpan timeout) => new()
    {
        Timeout = timeout,
        TimeoutStatusCode = StatusCodes.Status503ServiceUnavailable,
        WriteTimeoutResponse = async context =>
        {
            context.Response.Headers.RetryAfter = DatabaseErrors.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = new ProblemDetails
                {
                    Status = StatusCodes.Status503ServiceUnavailable,
                    Title = "Request timed out",
                    Detail = $"The request took longer than {timeout.TotalSeconds:0} s and was stopped. Retry after the Retry-After delay; " +
                        "retry a submission with the same Idempotency-Key, and re-read a report before correcting it again.",
                },
            });
        },
    };
}
