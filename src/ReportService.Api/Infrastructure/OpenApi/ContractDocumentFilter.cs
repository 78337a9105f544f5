using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace ReportService.Api.Infrastructure.OpenApi;

/// <summary>
/// The document as a whole: its tags with descriptions, a relative server, its paths in URL order, the examples operations refer
/// to, and two guards that fail the document (and so the OpenAPI test) rather than let it decay: every tag
/// has a description here, and every operation note still names an operation.
/// </summary>
internal sealed class ContractDocumentFilter(ContractExamples examples) : IDocumentFilter
{
    private static readonly Dictionary<string, string> TagDescriptions = new()
    {
        ["Reports"] = "Annual reports: validate, submit, read, correct (a new revision), list, and bulk import. " +
            "Every write is checked against every statutory rule first.",
        ["Aggregates"] = "Sums of the accepted reports by region, year, level and kind, in the report's own shapes or as tidy rows for charts.",
        ["Agencies"] = "The register of departments and other bodies that owe a report, each for the years it is in force (governments follow from " +
            "the division reference). Registered by supervising offices, or learned from a report of an agency nobody registered.",
        ["Completeness"] = "Who must report, who has, on time or late, and who has not: the expected reporters per region, year and scope.",
        ["Period locks"] = "The reporting calendar: per report year, the day after which a correction needs a reviewer to return the report first. " +
            "For administrators (scope periods:lock); stored in the database, so every replica applies a change at once.",
        ["Regions"] = "The division reference (2023 codes): the regions an agency can belong to.",
        ["Rules"] = "The catalogue of statutory rules with their stable ids.",
        ["Health"] = "Probes for orchestrators: liveness and readiness.",
    };

    public void Apply(OpenApiDocument swaggerDoc, DocumentFilterContext context)
    {
        var operations = swaggerDoc.Paths.Values.SelectMany(p => p.Operations?.Values.AsEnumerable() ?? []).ToList();

        var used = operations.SelectMany(o => o.Tags ?? new HashSet<OpenApiTagReference>()).Select(t => t.Name!).ToHashSet();
        var undescribed = used.Where(t => !TagDescriptions.ContainsKey(t)).ToList();
        if (undescribed.Count > 0)
        {
            throw new InvalidOperationException($"Describe the OpenAPI tag(s) {string.Join(", ", undescribed)} in {nameof(ContractDocumentFilter)}.");
        }

        swaggerDoc.Tags = new HashSet<OpenApiTag>(TagDescriptions
            .Where(t => used.Contains(t.Key))
            .Select(t => new OpenApiTag { Name = t.Key, Description = t.Value }));

        var ids = operations.Select(o => o.OperationId).ToHashSet();
        var stale = OperationNotes.All.Keys.Where(id => !ids.Contains(id)).ToList();
        if (stale.Count > 0)
        {
            throw new InvalidOperationException($"{nameof(OperationNotes)} names operations that do not exist: {string.Join(", ", stale)}.");
        }

        // Paths in the order of their URLs, so that the document does not change when endpoints are registered in another order.
        var paths = swaggerDoc.Paths.OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
        swaggerDoc.Paths.Clear();
        foreach (var (key, value) in paths)
        {
            swaggerDoc.Paths.Add(key, value);
        }

        swaggerDoc.Servers = [new OpenApiServer { Url = "/", Description = "This service: the host that serves this document." }];

        swaggerDoc.Components ??= new OpenApiComponents();
        swaggerDoc.Components.Examples ??= new Dictionary<string, IOpenApiExample>();
        foreach (var (id, example) in examples.Components())
        {
            swaggerDoc.Components.Examples[id] = example;
        }

        AggregateSumSchemas.Apply(swaggerDoc);
        var schemas = swaggerDoc.Components.Schemas ?? new Dictionary<string, IOpenApiSchema>();
        foreach (var schema in schemas.Values.OfType<OpenApiSchema>())
        {
            TypeNullableReferences(schema, schemas);
        }
    }

    /// <summary>
    /// A nullable reference is written as <c>{"allOf": [{"$ref"}], "nullable": true}</c>; OpenAPI 3.0 gives
    /// <c>nullable</c> no meaning without <c>type</c>, so validators reject it. Give such wrappers the type
    /// of what they reference, and make them <c>oneOf</c> a single reference: NSwag reads that as a nullable
    /// property of the referenced class, whereas an <c>allOf</c> wrapper became a subclass of its own for every
    /// property (154 classes, 87 now; issue 14). Both say the same to a validator.
    /// </summary>
    private static void TypeNullableReferences(OpenApiSchema schema, IDictionary<string, IOpenApiSchema> schemas)
    {
        foreach (var property in (schema.Properties?.Values ?? []).Append(schema.Items).OfType<OpenApiSchema>())
        {
            if (property.Type == JsonSchemaType.Null
                && property.AllOf is [OpenApiSchemaReference { Reference.Id: { } id }]
                && schemas.TryGetValue(id, out var target) && target.Type is { } type)
            {
                property.Type = type | JsonSchemaType.Null;
                property.OneOf = property.AllOf;
                property.AllOf = null;
            }

            TypeNullableReferences(property, schemas);
        }
    }
}
