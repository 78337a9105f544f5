using System.Diagnostics;
using FastEndpoints;
using FluentValidation.Results;
using ProblemDetails = Microsoft.AspNetCore.Mvc.ProblemDetails;
using Microsoft.Extensions.Options;
using ReportService.Statutory.Json;

namespace ReportService.Api.Infrastructure.Endpoints;

/// <summary>
/// FastEndpoints wired into the project's conventions: report JSON on the wire, and every binding or
/// validation failure answered as the project's RFC 9457 problem (never FastEndpoints' own error body),
/// with <c>parameter</c> naming the value and <c>detail</c> saying in words what it must be.
/// </summary>
internal static class FastEndpointsSetup
{
    public static IServiceCollection AddReportServiceEndpoints(this IServiceCollection services) =>
        services.AddFastEndpoints(options =>
        {
            options.Assemblies = [typeof(FastEndpointsSetup).Assembly];
            options.DisableAutoDiscovery = true;
        });

    public static WebApplication UseReportServiceEndpoints(this WebApplication app)
    {
        app.UseFastEndpoints(config =>
        {
            ReportJson.Configure(config.Serializer.Options);
            config.Binding.FailureMessage = (type, key, value) =>
                $"{Parameters.CamelCase(key)} cannot be \"{value}\": it must be {Parameters.Expected(type)}.";
            // FastEndpoints describes a request DTO as a body (a GET's as */*); the endpoints that take a body say
            // which (Accepts in Configure), and EndpointDefinitionFilter describes the rest as parameters. This runs
            // before each endpoint's own Description, so what an endpoint accepts is kept.
            config.Endpoints.Configurator = endpoint =>
            {
                endpoint.Description(b => b.ClearDefaultAccepts());
                if (endpoint.Verbs.Contains(HttpMethods.Get) && endpoint.ReqDtoType != typeof(EmptyRequest))
                {
                    endpoint.RequestBinder(typeof(QueryBinder<>));
                }
            };
            // A JSON body that does not bind: where (a JSON pointer) and in words, never the serializer's type names.
            config.Binding.JsonExceptionTransformer = exception => new ValidationFailure(
                Pointer(exception.Path),
                exception.Path is null or "$"
                    ? "The body is not a JSON object of this request's shape."
                    : $"The value at {Pointer(exception.Path)} is not valid there (wrong JSON type, or not one of the allowed values).");
            config.Errors.ResponseBuilder = (failures, context, status) => Problem(failures, context, status);
        });
        return app;
    }

    /// <summary>A System.Text.Json path (<c>$.decision</c>, <c>$.items[2].name</c>) as a JSON pointer (<c>/decision</c>), camelCased.</summary>
    internal static string Pointer(string? path)
    {
        if (path is null or "$")
        {
            return "";
        }

        var parts = path.TrimStart('$').Split('.', StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(part => part.Replace("]", "", StringComparison.Ordinal).Split('['))
            .Where(part => part.Length > 0)
            .Select(part => Parameters.CamelCase(part.Trim('\'', '"')).Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal));
        return "/" + string.Join('/', parts);
    }

    /// <summary>The first failure names the parameter; all failures are listed when there are several.</summary>
    internal static ProblemDetails Problem(IReadOnlyList<ValidationFailure> failures, HttpContext context, int status)
    {
        var first = failures.Count > 0 ? failures[0] : new ValidationFailure("", "The request is invalid.");
        var problem = new ProblemDetails
        {
            Status = status,
            Title = "Bad request",
            Type = "https://tools.ietf.org/html/rfc9110#section-15.5.1",
            Detail = failures.Count <= 1 ? first.ErrorMessage : string.Join(" ", failures.Select(f => f.ErrorMessage)),
            Instance = context.Request.Path,
        };
        if (!string.IsNullOrEmpty(first.PropertyName))
        {
            // A GET's failures are about its query or route values; any other request's about its JSON body.
            if (HttpMethods.IsGet(context.Request.Method))
            {
                problem.Extensions["parameter"] = Parameters.CamelCase(first.PropertyName);
            }
            else
            {
                problem.Extensions["pointer"] = first.PropertyName.StartsWith('/') ? first.PropertyName : Pointer("$." + first.PropertyName);
            }
        }

        var options = context.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.ProblemDetailsOptions>>().Value;
        options.CustomizeProblemDetails?.Invoke(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
        problem.Extensions["traceId"] ??= Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier;
        return problem;
    }
}

/// <summary>How query, route and header values are named and described to clients.</summary>
internal static class Parameters
{
    /// <summary>Query keys bind case-insensitively; the contract and its problems spell them in camelCase.</summary>
    public static string CamelCase(string name) => name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name[1..];

    /// <summary>What a value of the parameter's type looks like, in words: never the framework's type names.</summary>
    public static string Expected(Type type) => (Nullable.GetUnderlyingType(type) ?? type) switch
    {
        var t when t == typeof(int) || t == typeof(long) || t == typeof(short) => "a whole number",
        var t when t == typeof(Guid) => "a UUID",
        var t when t == typeof(bool) => "true or false",
        var t when t == typeof(DateOnly) => "a date (YYYY-MM-DD)",
        _ => "a valid value of its kind",
    };
}
