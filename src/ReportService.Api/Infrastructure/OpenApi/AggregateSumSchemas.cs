using Microsoft.OpenApi;
using ReportService.Api.Features.Aggregates;

namespace ReportService.Api.Infrastructure.OpenApi;

/// <summary>
/// Aggregates lay their sums out in the report's own shapes (<see cref="AggregateShape"/>), but a sum over
/// many reports does not fit the 32-bit integers of a single report's cells (the service sums in 64 bits,
/// as the rollups store them). The shapes an <see cref="AggregateGroup"/> refers to are therefore copied as
/// "…Sums" schemas in which every integer is int64, and the group refers to the copies, so that clients
/// generated from the document read sums into 64-bit types. The report's own schemas stay as they are.
/// </summary>
internal static class AggregateSumSchemas
{
    public const string Suffix = "Sums";

    private static readonly string[] SummedProperties = ["activeDisclosure", "requests", "subtotals", "appeals"];

    public static void Apply(OpenApiDocument document)
    {
        var schemas = document.Components?.Schemas;
        if (schemas is null || !schemas.TryGetValue(nameof(AggregateGroup), out var group) || group is not OpenApiSchema { Properties: { } properties })
        {
            return;
        }

        var copied = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in SummedProperties)
        {
            properties[name] = Rewrite(properties[name]);
        }

        IOpenApiSchema Rewrite(IOpenApiSchema schema)
        {
            switch (schema)
            {
                case OpenApiSchemaReference reference:
                    var id = reference.Reference.Id!;
                    if (copied.Add(id))
                    {
                        var copy = (OpenApiSchema)Rewrite(schemas[id]);
                        copy.Description = (copy.Description is { Length: > 0 } description ? description + " " : "") +
                            "Summed over the reports of an aggregate group: every count is a 64-bit integer, always present.";
                        RequireAll(copy);
                        schemas[id + Suffix] = copy;
                    }

                    return new OpenApiSchemaReference(id + Suffix, document);
                case OpenApiSchema concrete:
                    var rewritten = (OpenApiSchema)concrete.CreateShallowCopy();
                    if (rewritten.Type is { } type && type.HasFlag(JsonSchemaType.Integer) && rewritten.Format == "int32")
                    {
                        rewritten.Format = "int64";
                    }

                    rewritten.Properties = concrete.Properties?.ToDictionary(p => p.Key, p => Rewrite(p.Value));
                    rewritten.AllOf = concrete.AllOf?.Select(Rewrite).ToList();
                    rewritten.OneOf = concrete.OneOf?.Select(Rewrite).ToList();
                    rewritten.AnyOf = concrete.AnyOf?.Select(Rewrite).ToList();
                    rewritten.Items = concrete.Items is null ? null : Rewrite(concrete.Items);
                    return rewritten;
                default:
                    return schema;
            }
        }
    }

    /// <summary>
    /// A group lays out each table in full (<see cref="AggregateJson"/>) and a sum is never null, whereas a
    /// report's own cells may be left out: so that clients get plain 64-bit properties, not optional nullable
    /// ones (issue 14), a copy requires every property and allows none to be null.
    /// </summary>
    private static void RequireAll(OpenApiSchema copy)
    {
        copy.Required = new HashSet<string>(copy.Properties?.Keys ?? []);
        foreach (var property in (copy.Properties?.Values ?? []).OfType<OpenApiSchema>())
        {
            var type = property.Type & ~JsonSchemaType.Null;
            property.Type = type == 0 ? null : type;
        }
    }
}
