using System.Reflection;
using FastEndpoints;
using Microsoft.OpenApi;
using ReportService.Api.Infrastructure.Endpoints;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace ReportService.Api.Infrastructure.OpenApi;

/// <summary>
/// What ApiExplorer cannot see of a FastEndpoints endpoint, read from its <see cref="EndpointDefinition"/>:
/// the summary and description given in <c>Configure()</c>, and the route, query and header values of its
/// request DTO as parameters (FastEndpoints' own metadata would describe a GET's DTO as a <c>*/*</c> body).
/// Runs before <see cref="ContractOperationFilter"/>, which then treats these operations like any other.
/// </summary>
internal sealed class EndpointDefinitionFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<EndpointDefinition>().FirstOrDefault() is not { } definition)
        {
            return;
        }

        if (definition.EndpointSummary is { } summary)
        {
            operation.Summary = string.IsNullOrEmpty(summary.Summary) ? operation.Summary : summary.Summary;
            operation.Description = string.IsNullOrEmpty(summary.Description) ? operation.Description : summary.Description;
        }

        if (definition.ReqDtoType == typeof(EmptyRequest) || definition.ReqDtoType.GetCustomAttribute<BodyReadByEndpointAttribute>() is null
            && context.ApiDescription.HttpMethod is not ("GET" or "HEAD" or "DELETE"))
        {
            return;
        }

        var template = context.ApiDescription.RelativePath ?? "";
        var parameters = (operation.Parameters ?? []).ToList();
        foreach (var property in definition.ReqDtoType.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (Describe(property, template, context) is { } parameter
                && !parameters.Any(p => p.In == parameter.In && string.Equals(p.Name, parameter.Name, StringComparison.OrdinalIgnoreCase)))
            {
                parameters.Add(parameter);
            }
        }

        // Route values first, in the order of the route, as ApiExplorer gives them for Minimal APIs.
        operation.Parameters = [.. parameters.OrderBy(p => p.In == ParameterLocation.Path ? template.IndexOf("{" + p.Name, StringComparison.OrdinalIgnoreCase) : int.MaxValue)];
        if (definition.ReqDtoType.GetCustomAttribute<BodyReadByEndpointAttribute>() is null)
        {
            operation.RequestBody = null;
        }
    }

    private static OpenApiParameter? Describe(PropertyInfo property, string template, OperationFilterContext context)
    {
        if (property.GetCustomAttribute<HideFromDocsAttribute>() is not null || property.SetMethod is null)
        {
            return null;
        }

        var header = property.GetCustomAttribute<FromHeaderAttribute>();
        var name = header?.HeaderName ?? Parameters.CamelCase(property.Name);
        var location = header is not null ? ParameterLocation.Header
            : template.Contains("{" + name, StringComparison.OrdinalIgnoreCase) ? ParameterLocation.Path
            : ParameterLocation.Query;

        // The schema of the member carries its XML summary and data annotations (Range: minimum, maximum).
        var schema = context.SchemaGenerator.GenerateSchema(property.PropertyType, context.SchemaRepository, memberInfo: property);
        string? description = null;
        if (schema is OpenApiSchema plain)
        {
            description = plain.Description;
            plain.Description = null;
        }

        return new OpenApiParameter
        {
            Name = location == ParameterLocation.Path ? template.Substring(template.IndexOf("{" + name, StringComparison.OrdinalIgnoreCase) + 1, name.Length) : name,
            In = location,
            Required = location == ParameterLocation.Path,
            Description = description,
            Schema = schema,
        };
    }
}

/// <summary>
/// Marks a request DTO whose body the endpoint reads itself (ADR 3): its body stays in the document as the
/// endpoint's <c>Accepts</c> metadata says, and its other properties are parameters.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
internal sealed class BodyReadByEndpointAttribute : Attribute;
