using Microsoft.AspNetCore.Mvc;
using Microsoft.OpenApi;
using ReportService.Api.Features.Aggregates;
using ReportService.Api.Features.Reports;
using ReportService.Statutory.Model;
using ReportService.Statutory.Tables;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace ReportService.Api.Infrastructure.OpenApi;

/// <summary>
/// The schemas that reflection alone gets wrong. <c>Report</c> is abstract and read by its <c>format</c>
/// (<see cref="ReportService.Statutory.Json.ReportReader"/>), so it becomes a base schema holding the
/// discriminator, which each format's schema extends with <c>allOf</c>: the inheritance shape every client
/// generator reads (NSwag 14 makes no class of a <c>oneOf</c> report, issue 14); bodies kept as JSON
/// (<c>JsonElement</c>, <c>JsonObject</c>) get the shapes they really have; problem details get the
/// <c>traceId</c> every error carries.
/// </summary>
internal sealed class ContractSchemaFilter : ISchemaFilter
{
    public const string FormatProperty = "format";

    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (schema is not OpenApiSchema concrete)
        {
            return;
        }

        if (NonNegative.Contains(context.Type) || context.Type.Namespace == typeof(Report).Namespace)
        {
            DescribeCounts(concrete);
        }

        if (context.Type == typeof(Report))
        {
            DescribeReport(concrete, context);
        }
        else if (context.Type == typeof(Report2019))
        {
            DescribeFormat(concrete, context, ReportFormats.Format2019);
        }
        else if (context.Type == typeof(Report2021))
        {
            DescribeFormat(concrete, context, ReportFormats.Format2021);
        }
        else if (context.Type == typeof(StoredReportResponse))
        {
            // A bare $ref: wrapped in allOf, a reference to a schema with a discriminator reads as a subtype of it.
            concrete.Properties!["report"] = Reference<Report>(context);
        }
        else if (context.Type == typeof(AggregateGroup))
        {
            DescribeAggregateGroup(concrete, context);
        }
        else if (context.Type == typeof(ProblemDetails))
        {
            DescribeProblemDetails(concrete);
        }
        else if ((context.Type == typeof(AgencyLevel) || context.Type == typeof(AgencyKind) || context.Type == typeof(ReportScope))
            && context.MemberInfo is null && context.ParameterInfo is null)
        {
            // Leniency documented rather than refused (issue 14): a generated client always sends these spellings, and one that
            // sends .NET's (`Township`) is understood; the query parameters stay exact so that one URL names one answer (its ETag).
            concrete.Description += " In a report body the value is read in any letter case (`Township` is `township`) and always answered " +
                "in the spelling listed here; as a query parameter only the listed spelling is accepted (anything else is a 400 naming it).";
        }
    }

    /// <summary>Response types whose integers are all counts (the report's own cells are found by their namespace).</summary>
    private static readonly HashSet<Type> NonNegative =
    [
        typeof(AggregateGroup), typeof(AggregateFormatCounts), typeof(OutcomeRow), typeof(Features.Reports.ImportReports.ImportReportsResponse),
    ];

    /// <summary>The report's cells that may be negative: the 2019 本年增/减 (<see cref="Table2CellKind.SignedCount"/>).</summary>
    private static readonly HashSet<string> Signed = Table2.Cells2019.Concat(Table2.Cells2021)
        .Where(c => c.Kind == Table2CellKind.SignedCount).Select(c => c.Pointer[(c.Pointer.LastIndexOf('/') + 1)..]).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// Every count and amount is at least 0 (<c>minimum: 0</c>), as CELL.COUNT and T2.FEE_AMOUNT require: a report with a
    /// negative one is still answered 422 with the violation, not refused by the schema alone. Years and the signed
    /// 2019 changes keep no minimum.
    /// </summary>
    private static void DescribeCounts(OpenApiSchema schema)
    {
        foreach (var (name, property) in schema.Properties ?? new Dictionary<string, IOpenApiSchema>())
        {
            if (property is OpenApiSchema { Type: { } kind } number
                && (kind.HasFlag(JsonSchemaType.Integer) || kind.HasFlag(JsonSchemaType.Number))
                && name != "year" && !Signed.Contains(name))
            {
                number.Minimum = "0";
            }
        }
    }

    /// <summary>A reference with a description of its own (OpenAPI 3.0 ignores siblings of <c>$ref</c>).</summary>
    public static OpenApiSchema Extend(IOpenApiSchema reference, string? description) => new()
    {
        AllOf = [reference],
        Description = description,
    };

    public static IOpenApiSchema Reference<T>(SchemaFilterContext context) =>
        context.SchemaGenerator.GenerateSchema(typeof(T), context.SchemaRepository);

    private static void DescribeReport(OpenApiSchema schema, SchemaFilterContext context)
    {
        var report2019 = (OpenApiSchemaReference)Reference<Report2019>(context);
        var report2021 = (OpenApiSchemaReference)Reference<Report2021>(context);
        schema.Type = JsonSchemaType.Object;
        schema.Properties = new Dictionary<string, IOpenApiSchema>
        {
            [FormatProperty] = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Enum = [ReportFormats.Format2019, ReportFormats.Format2021],
                Description = "格式版本: `2019` (国办公开办函〔2019〕60号, report years 2019–2020: shape `Report2019`) or " +
                    "`2021` (国办公开办函〔2021〕30号, report years 2021 onward: shape `Report2021`).",
            },
        };
        schema.Required = new HashSet<string> { FormatProperty };
        schema.AdditionalPropertiesAllowed = true;
        schema.AdditionalProperties = null;
        schema.Discriminator = new OpenApiDiscriminator
        {
            PropertyName = FormatProperty,
            Mapping = new Dictionary<string, OpenApiSchemaReference>
            {
                [ReportFormats.Format2019] = report2019,
                [ReportFormats.Format2021] = report2021,
            },
        };
    }

    /// <summary>
    /// A format's shape extends <c>Report</c> (<c>allOf</c>), which alone declares <c>format</c>: a subtype
    /// that declared the discriminator again got it written twice by NSwag's inheritance converters (issue 14).
    /// OpenAPI 3.0 cannot forbid other properties across an <c>allOf</c> (<c>additionalProperties</c> sees
    /// only its own schema's properties), so the shape no longer says so; the service still rejects them.
    /// </summary>
    private static void DescribeFormat(OpenApiSchema schema, SchemaFilterContext context, string format)
    {
        schema.AllOf = [Reference<Report>(context)];
        schema.Properties?.Remove(FormatProperty);
        schema.Required?.Remove(FormatProperty);
        schema.AdditionalPropertiesAllowed = true;
        schema.AdditionalProperties = null;
        schema.Description += $" Its `format` is `{format}` (declared on `Report`).";
    }

    /// <summary>The sums are laid out in the report's own shapes (see <see cref="AggregateShape"/>).</summary>
    private static void DescribeAggregateGroup(OpenApiSchema schema, SchemaFilterContext context)
    {
        var properties = schema.Properties!;
        properties["activeDisclosure"] = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = properties["activeDisclosure"].Description,
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                [ReportFormats.Format2019] = Extend(Reference<ActiveDisclosure2019>(context),
                    "二、主动公开政府信息情况 of the group's format-2019 reports, summed; present when the group has any."),
                [ReportFormats.Format2021] = Extend(Reference<ActiveDisclosure2021>(context),
                    "二、主动公开政府信息情况 of the group's format-2021 reports, summed; present when the group has any."),
            },
            AdditionalPropertiesAllowed = false,
        };
        properties["requests"] = Extend(Reference<Requests2021>(context), properties["requests"].Description);
        var applicants = Reference<ApplicantCounts>(context);
        properties["subtotals"] = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = properties["subtotals"].Description,
            Properties = AggregateShape.Subtotals.ToDictionary(
                s => s.Key, s => (IOpenApiSchema)Extend(applicants, $"{s.Label.Chinese}: the sum of the group's rows in both formats.")),
            Required = new HashSet<string>(AggregateShape.Subtotals.Select(s => s.Key)),
            AdditionalPropertiesAllowed = false,
        };
        properties["appeals"] = Extend(Reference<Appeals>(context), properties["appeals"].Description);
    }

    private static void DescribeProblemDetails(OpenApiSchema schema)
    {
        schema.Description = "An RFC 9457 problem (`application/problem+json`). Every error of this API has this shape, " +
            "with the `traceId` of the request; some problems add members of their own (named in the response's description).";
        var properties = schema.Properties!;
        Describe("type", "A URI reference that identifies the problem type. This API's own types are `https://report-service/problems/` followed by: " +
            "`rule-violations` (422: the report breaks rules of severity error; `violations` lists them), " +
            "`identity-changed` (422: a correction names another agency, year or scope), " +
            "`idempotency-key-reused` (422: an Idempotency-Key first used with another body), " +
            "`duplicate-report` (409: the agency already has a report for that year and scope; `existing` links it), " +
            "`report-approved` (409: a correction of an approved report; `review` names the approval), " +
            "`period-locked` (409: a correction after the year's period lock, not returned by a reviewer; `lockedAfter`, `lockSource`), " +
            "`no-period-lock` (404: no period lock is stored for the year to remove), " +
            "`not-a-report` (422: a document given to extract holds nothing of a report), " +
            "`scope-missing` (403: the token lacks the scope the operation needs), " +
            "`agency-not-granted` (403: the token does not grant the report's agency), " +
            "`region-not-granted` (403: a reviewer's or an agency registrar's region prefixes do not cover the report's or the agency's region), " +
            "`rate-limited` (429: the client's request rate), " +
            "`computations-exhausted` (429: the client runs its share of aggregate computations), " +
            "`computations-busy` (503: every place for aggregate computations is taken). " +
            "Other problems use the RFC 9110 section of their status.");
        Describe("title", "A short, human-readable summary of the problem type.");
        Describe("status", "The HTTP status code.");
        Describe("detail", "What went wrong in this occurrence, for a person to read.");
        Describe("instance", "The path of the request that failed.");
        properties["traceId"] = new OpenApiSchema
        {
            Type = JsonSchemaType.String,
            Description = "The W3C trace id of the request: quote it when reporting a problem.",
        };
        ((OpenApiSchema)properties["status"]).Type = JsonSchemaType.Integer;
        schema.Required = new HashSet<string> { "status", "traceId" };

        void Describe(string name, string description) => ((OpenApiSchema)properties[name]).Description = description;
    }
}
