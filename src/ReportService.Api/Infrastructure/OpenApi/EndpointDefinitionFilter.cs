using System.Reflection;
using System.Text.RegularExpressions;
using FastEndpoints;
using Microsoft.OpenApi;
using ReportService.Api.Infrastructure.Endpoints;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace ReportService.Api.Infrastructure.OpenApi;

/// <summary>
/// What ApiExplorer cannot see of a FastEndpoints endpoint, read from its <see cref="EndpointDefinition"/>:
/// the summary and description given in <c>Configure()</c>; the route values of its route template as path
/// parameters (typed by the request DTO's property, or else by the route constraint); and, for a GET, the
/// DTO's query and header values as parameters instead of the <c>*/*</c> body FastEndpoints' own metadata
/// would describe. Header values of other requests (<c>[FromHeader]</c>) are parameters too; their bodies are
/// what the endpoint's <c>Accepts</c> says. Runs before <see cref="ContractOperationFilter"/>, which then
/// treats these operations like any other.
/// </summary>
internal sealed partial class EndpointDefinitionFilter : IOperationFilter
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

        var query = context.ApiDescription.HttpMethod is "GET" or "HEAD" or "DELETE";
        var properties = definition.ReqDtoType == typeof(EmptyRequest) ? []
            : definition.ReqDtoType.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => p.SetMethod is not null && p.GetCustomAttribute<HideFromDocsAttribute>() is null)
                .ToList();
        var parameters = (operation.Parameters ?? []).ToList();
        void Add(OpenApiParameter parameter)
        {
            if (!parameters.Any(p => p.In == parameter.In && string.Equals(p.Name, parameter.Name, StringComparison.OrdinalIgnoreCase)))
            {
                parameters.Add(parameter);
            }
        }

        var template = definition.Routes.FirstOrDefault() ?? "";
        foreach (Match value in RouteValue().Matches(template))
        {
            var name = value.Groups["name"].Value;
            var property = properties.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
            var (schema, description) = property is not null ? Schema(property, context) : (ConstraintSchema(value.Groups["constraint"].Value), null);
            Add(new OpenApiParameter { Name = name, In = ParameterLocation.Path, Required = true, Description = description, Schema = schema });
        }

        foreach (var property in properties)
        {
            var header = property.GetCustomAttribute<FromHeaderAttribute>();
            var isRouteValue = RouteValue().Matches(template).Any(m => string.Equals(m.Groups["name"].Value, property.Name, StringComparison.OrdinalIgnoreCase));
            if (isRouteValue || (header is null && !query))
            {
                continue;
            }

            var (schema, description) = Schema(property, context);
            Add(new OpenApiParameter
            {
                Name = header?.HeaderName ?? Parameters.CamelCase(property.Name),
                In = header is null ? ParameterLocation.Query : ParameterLocation.Header,
                Description = description,
                Schema = schema,
            });
        }

        operation.Parameters = parameters;
        if (query)
        {
            operation.RequestBody = null;
        }
    }

    /// <summary>The schema of the member, with its XML summary (as the parameter's description) and data annotations (Range: minimum, maximum).</summary>
    private static (IOpenApiSchema Schema, string? Description) Schema(PropertyInfo property, OperationFilterContext context)
    {
        var schema = context.SchemaGenerator.GenerateSchema(property.PropertyType, context.SchemaRepository, memberInfo: property);
        string? description = null;
        if (schema is OpenApiSchema plain)
        {
            description = plain.Description;
            plain.Description = null;
        }

        return (schema, description);
    }

    private static OpenApiSchema ConstraintSchema(string constraint) => constraint switch
    {
        "guid" => new OpenApiSchema { Type = JsonSchemaType.String, Format = "uuid" },
        "int" => new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
        "long" => new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64" },
        _ => new OpenApiSchema { Type = JsonSchemaType.String },
    };

    /// <summary>A route value of a template: <c>{id:guid}</c>, <c>{code}</c>.</summary>
    [GeneratedRegex(@"\{(?<name>[A-Za-z_][A-Za-z0-9_]*)(:(?<constraint>[a-z]+))?[^}]*\}")]
    private static partial Regex RouteValue();
}
