using System.Diagnostics;
using Microsoft.AspNetCore.Diagnostics;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ReportService.Api.Persistence;

namespace ReportService.Api.Infrastructure;

internal static class ProblemDetailsSetup
{
    private static readonly string[] JsonOnly = ["application/json"];

    public static IServiceCollection AddReportServiceProblemDetails(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
            context.ProblemDetails.Extensions["traceId"] = Activity.Current?.TraceId.ToString() ?? context.HttpContext.TraceIdentifier;
            if (context.ProblemDetails.Status == StatusCodes.Status404NotFound && context.HttpContext.GetEndpoint() is null && context.ProblemDetails.Detail is null)
            {
                // No route matched: say so, and for a report URL whose id is not a UUID say what an id looks like.
                context.ProblemDetails.Detail = NotFoundDetail(context.HttpContext.Request.Path);
            }

            if (context.ProblemDetails.Status == StatusCodes.Status415UnsupportedMediaType && !context.ProblemDetails.Extensions.ContainsKey("accepted"))
            {
                // Routing refuses a media type that no endpoint accepts before any handler runs: name what would be accepted.
                var path = context.HttpContext.Request.Path;
                var accepted = path.StartsWithSegments(Endpoints.ReportsGroup.Prefix + Features.Reports.ImportReports.ImportReportsEndpoint.Route)
                    ? Features.Reports.ImportReports.ImportReportsEndpoint.AcceptedMediaTypes
                    : path.StartsWithSegments(Endpoints.AgenciesGroup.Prefix + Features.Agencies.ImportAgencies.ImportAgenciesEndpoint.Route)
                        ? Features.Agencies.ImportAgencies.ImportAgenciesEndpoint.AcceptedMediaTypes
                        : JsonOnly;
                context.ProblemDetails.Detail ??= "Send the body as " + string.Join(", ", accepted) + ".";
                context.ProblemDetails.Extensions["accepted"] = accepted;
            }
        });
        return AddWriters(services);
    }

    /// <summary>The detail of a 404 that no endpoint answered.</summary>
    internal static string NotFoundDetail(PathString path)
    {
        var segments = (path.Value ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments is ["v1", "reports", var id, ..] && !Guid.TryParse(id, out _) && id is not ("validate" or "batch" or "extract"))
        {
            return $"\"{Shorten(id)}\" is not a report id: report ids are UUIDs (as in the Location of a submission, /v1/reports/3fa85f64-5717-4562-b3fc-2c963f66afa6).";
        }

        return $"There is no resource at {Shorten(path.Value ?? "/")}. The operations are listed in /openapi/v1.json.";
    }

    private static string Shorten(string value) => value.Length <= 100 ? value : value[..100] + "…";

    private static IServiceCollection AddWriters(IServiceCollection services)
    {
        // After the framework's writer, which only writes when Accept allows JSON: errors are problem+json whatever the Accept.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IProblemDetailsWriter, AnyAcceptProblemDetailsWriter>());
        services.AddExceptionHandler<ClientErrorExceptionHandler>();
        return services;
    }
}

/// <summary>
/// Writes a problem as application/problem+json for a request whose Accept excludes JSON (text/html, text/csv,
/// application/xml, ...). The framework's writer refuses those, and then status pages answer text/plain,
/// endpoint problems lose their traceId, and IProblemDetailsService.WriteAsync (401, 403, timeouts) throws: a 500.
/// </summary>
internal sealed class AnyAcceptProblemDetailsWriter(IOptions<ProblemDetailsOptions> options, IOptions<HttpJsonOptions> json) : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => true;

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        var defaults = TypedResults.Problem(statusCode: problem.Status ?? context.HttpContext.Response.StatusCode).ProblemDetails;
        problem.Status ??= defaults.Status;
        problem.Title ??= defaults.Title;
        problem.Type ??= defaults.Type;
        options.Value.CustomizeProblemDetails?.Invoke(context);
        return new ValueTask(context.HttpContext.Response.WriteAsJsonAsync(
            problem, problem.GetType(), json.Value.SerializerOptions, "application/problem+json", context.HttpContext.RequestAborted));
    }
}

/// <summary>
/// Turns the framework's client-error exceptions (bad request, body too large) into problem responses with
/// their own status, a database outage into 503 with Retry-After, and anything else into a 500 without
/// internals.
/// </summary>
internal sealed partial class ClientErrorExceptionHandler(IProblemDetailsService problems, ILogger<ClientErrorExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var unavailable = DatabaseErrors.IsUnavailable(exception);
        var (status, title) = exception switch
        {
            _ when unavailable => (StatusCodes.Status503ServiceUnavailable, "Service temporarily unavailable"),
            BadHttpRequestException bad => (bad.StatusCode, bad.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? "Request body too large" : "Bad request"),
            _ => (StatusCodes.Status500InternalServerError, "Internal server error"),
        };
        if (status == StatusCodes.Status500InternalServerError)
        {
            LogUnhandled(logger, exception, httpContext.Request.Method, httpContext.Request.Path);
        }
        else if (unavailable)
        {
            LogUnavailable(logger, httpContext.Request.Method, httpContext.Request.Path, exception.Message);
            if (httpContext.RequestServices.GetService<Npgsql.NpgsqlDataSource>() is { } dataSource)
            {
                DatabaseErrors.ForgetHostRolesWhenNoPrimary(dataSource, exception);
            }
        }

        httpContext.Response.StatusCode = status;
        if (unavailable)
        {
            httpContext.Response.Headers.RetryAfter = DatabaseErrors.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var problem = new ProblemDetails
        {
            Status = status,
            Title = title,
            Detail = status switch
            {
                < 500 => exception.Message,
                StatusCodes.Status503ServiceUnavailable => "The database is unavailable. Retry after the Retry-After delay. A write whose commit was cut off may have been stored: retry a submission with the same Idempotency-Key (it returns the first answer), and re-read a report before correcting it again.",
                _ => "The server could not complete the request. Quote the traceId when reporting it.",
            },
        };
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, Exception = exception, ProblemDetails = problem });
    }

    [LoggerMessage(LogLevel.Error, "Unhandled exception on {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(LogLevel.Warning, "Database unavailable on {Method} {Path}: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string method, string path, string reason);
}
