using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Microsoft.OpenApi;
using ReportService.Api.Features.Aggregates;
using ReportService.Api.Features.Reports;
using ReportService.Statutory.Model;
using ReportService.Statutory.Tables;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace ReportService.Api.Infrastructure.OpenApi;

/// <summary>
/// Makes every operation say all it answers: each error status as <c>application/problem+json</c> with the
/// schema of that problem (rule violations for 422, the existing report for 409), a 500 everywhere, the
/// headers the handlers read and write, camelCase query parameters with their enums, the NDJSON body as
/// text, and examples from real reports (by reference: <see cref="ContractDocumentFilter"/> adds them to the
/// components).
/// </summary>
internal sealed class ContractOperationFilter : IOperationFilter
{
    public const string ProblemJson = "application/problem+json";
    public const string RuleViolationsProblem = "RuleViolationsProblem";
    public const string DuplicateReportProblem = "DuplicateReportProblem";
    public const string ReviewLockProblem = "ReviewLockProblem";

    private const string Ndjson = "application/x-ndjson";

    /// <summary>What each error status means wherever it appears (an operation's note may say more).</summary>
    private static readonly Dictionary<int, string> ProblemDescriptions = new()
    {
        [StatusCodes.Status400BadRequest] = "The request is malformed: the body is not JSON or a value has the wrong JSON type (`pointer` names it), " +
            "or a query parameter or header is invalid (`parameter` names the query parameter). Nothing was stored.",
        [StatusCodes.Status401Unauthorized] = "No bearer token, or the token was refused (expired, wrong audience or issuer, bad signature): `detail` says which.",
        [StatusCodes.Status403Forbidden] = "The token lacks the scope the operation needs, or (writes) it does not grant the report's agency: " +
            "a writer's token names the credit codes (`credit_codes`) and region code prefixes (`region_prefixes`) it may write for. Nothing was stored.",
        [StatusCodes.Status404NotFound] = "There is no such resource (report, revision or region code).",
        [StatusCodes.Status409Conflict] = "The agency already has a report for this year and scope: `existing` is its URL and `existingId` its id. " +
            "Correct that report with PUT instead; nothing was stored.",
        [StatusCodes.Status412PreconditionFailed] = "If-Match does not name the current revision (another correction came first): read the report again, " +
            "apply the correction to it and retry.",
        [StatusCodes.Status413PayloadTooLarge] = "The body is too large (a report: 1 MiB; a batch: 64 MiB or 20,000 lines). Nothing was stored.",
        [StatusCodes.Status415UnsupportedMediaType] = "The body is not of an accepted media type (a report: `application/json`; a batch: `application/x-ndjson`).",
        [StatusCodes.Status422UnprocessableEntity] = "A rule of severity error failed: `violations` lists every violation with its rule and cells. Nothing was stored.",
        [StatusCodes.Status428PreconditionRequired] = "If-Match is missing: a correction must name the revision it corrects (the ETag of GET /v1/reports/{id}).",
        [StatusCodes.Status429TooManyRequests] = "This client sent more requests than it may (a token bucket per client): retry after Retry-After. Nothing was stored.",
        [StatusCodes.Status500InternalServerError] = "An unexpected error (a write is stored whole or not at all). Quote the `traceId` when reporting it.",
        [StatusCodes.Status503ServiceUnavailable] = "The database is unreachable or not yet migrated, or (with a bearer token, in identity-provider mode) the identity provider's keys " +
            "could not be read yet: retry after Retry-After. A write whose commit was cut off " +
            "may have been stored: retry a submission with the same Idempotency-Key (it returns the first answer).",
    };

    private static readonly Dictionary<string, string> ParameterDescriptions = new()
    {
        ["id"] = "The report's id.",
        ["revision"] = "A revision number: 1 for the submission, then one more per correction.",
        ["creditCode"] = "统一社会信用代码: the agency's unified social credit code (18 characters, GB 32100, with valid check characters).",
        ["code"] = "A region code of the division reference (2, 4, 6 or 9 digits; the six-digit forms `140000`/`141100` are accepted).",
        ["parent"] = "A region code (as for `code`); without it, the provinces.",
        ["Idempotency-Key"] = "1 to 200 characters, unique per intended submission: a retry with the same key and body returns the first answer " +
            "instead of 409; the same key with another body is 422.",
    };

    /// <summary>Headers that OpenAPI describes elsewhere (Accept by the response media types) and a client must not set by hand.</summary>
    private static readonly HashSet<string> ImplicitHeaders = new(StringComparer.OrdinalIgnoreCase) { "Accept", "Content-Type", "Authorization" };

    private static readonly HeaderNote AcceptLanguage = new("Accept-Language",
        "Messages of violations are Chinese by default and English when English (`en`) is preferred, e.g. `Accept-Language: en`.");

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var note = operation.OperationId is { } id && OperationNotes.All.TryGetValue(id, out var found) ? found : new OperationNote();
        DescribeParameters(operation, note, context);
        DescribeRequestBody(operation, note, context.Document);
        DescribeSecurity(operation, context);
        DescribeResponses(operation, note, context);
        AddExamples(operation, note, context.Document);
    }

    /// <summary>The operation's examples by reference; a note that names a media type the operation does not have fails the document.</summary>
    private static void AddExamples(OpenApiOperation operation, OperationNote note, OpenApiDocument document)
    {
        foreach (var example in note.Examples)
        {
            var content = example.Status is { } status
                ? (operation.Responses?.GetValueOrDefault(status.ToString(System.Globalization.CultureInfo.InvariantCulture)) as OpenApiResponse)?.Content
                : (operation.RequestBody as OpenApiRequestBody)?.Content;
            var mediaType = example.MediaType ?? (example.Status >= 400 ? ProblemJson : "application/json");
            if (content is null || !content.TryGetValue(mediaType, out var found) || found is not OpenApiMediaType media)
            {
                throw new InvalidOperationException($"{operation.OperationId} has no {mediaType} {(example.Status is { } s ? $"response {s}" : "request body")} for the example {example.Id}.");
            }

            media.Examples ??= new Dictionary<string, IOpenApiExample>();
            media.Examples[char.ToLowerInvariant(example.Id[0]) + example.Id[1..]] = new OpenApiExampleReference(example.Id, document);
        }
    }

    /// <summary>Who may call: the bearer scheme and scope per the endpoint's policy, and the statuses that follow from it.</summary>
    private static void DescribeSecurity(OpenApiOperation operation, OperationFilterContext context)
    {
        var policies = context.ApiDescription.ActionDescriptor.EndpointMetadata
            .OfType<Microsoft.AspNetCore.Authorization.IAuthorizeData>().Select(a => a.Policy).OfType<string>().ToList();
        if (policies.Count == 0)
        {
            return;
        }

        var responses = operation.Responses ??= [];
        responses.TryAdd("429", new OpenApiResponse());
        responses.TryAdd("401", new OpenApiResponse());
        responses.TryAdd("403", new OpenApiResponse());
        // A token that cannot be checked yet (the identity provider never reached) is a 503, on every protected operation.
        responses.TryAdd("503", new OpenApiResponse());
        var bearer = new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Security.BearerScheme.Id, context.Document)] = [] };
        var (requirements, who) = policies switch
        {
            _ when policies.Contains(Security.Policies.Write) =>
                (new List<OpenApiSecurityRequirement> { bearer }, "Needs a bearer token with scope `reports:write` that grants the report's agency."),
            _ when policies.Contains(Security.Policies.WriteAgencies) =>
                (new List<OpenApiSecurityRequirement> { bearer }, "Needs a bearer token with scope `agencies:write` whose region prefixes (`region_prefixes`) cover the agency's region."),
            _ when policies.Contains(Security.Policies.Review) =>
                (new List<OpenApiSecurityRequirement> { bearer }, "Needs a bearer token with scope `reports:review` whose region prefixes (`region_prefixes`) cover the report's region."),
            _ when policies.Contains(Security.Policies.LockPeriods) =>
                (new List<OpenApiSecurityRequirement> { bearer }, "Needs a bearer token with scope `periods:lock` (administrators; not limited to regions)."),
            _ when policies.Contains(Security.Policies.ReadReports) =>
                (new List<OpenApiSecurityRequirement> { bearer }, "Needs a bearer token with scope `reports:read` (unless the service is configured with public reports)."),
            _ => (new List<OpenApiSecurityRequirement> { new(), bearer }, "Public data: no token needed (unless the service is configured to require `reports:read`)."),
        };
        operation.Security = requirements;
        operation.Description = string.IsNullOrEmpty(operation.Description) ? who : operation.Description + " " + who;
    }

    private static void DescribeParameters(OpenApiOperation operation, OperationNote note, OperationFilterContext context)
    {
        var parameters = (operation.Parameters ?? []).OfType<OpenApiParameter>()
            .Where(p => !(p.In == ParameterLocation.Header && ImplicitHeaders.Contains(p.Name!)))
            .ToList();
        foreach (var parameter in parameters)
        {
            if (parameter.In == ParameterLocation.Query)
            {
                // Query keys bind case-insensitively; the contract spells them in camelCase, like the JSON.
                parameter.Name = JsonNamingPolicy.CamelCase.ConvertName(parameter.Name!);
                parameter.Schema = QuerySchema(parameter.Name, parameter.Schema, operation.OperationId, context) ?? parameter.Schema;
            }

            if (string.IsNullOrEmpty(parameter.Description) && ParameterDescriptions.TryGetValue(parameter.Name!, out var description))
            {
                parameter.Description = description;
            }

            if (note.ParameterExamples.TryGetValue(parameter.Name!, out var example))
            {
                parameter.Example = JsonValue.Create(example);
            }
        }

        var headers = note.Localized ? note.RequestHeaders.Append(AcceptLanguage) : note.RequestHeaders;
        foreach (var header in headers)
        {
            parameters.Add(new OpenApiParameter
            {
                Name = header.Name,
                In = ParameterLocation.Header,
                Required = header.Required,
                Description = header.Description,
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            });
        }

        operation.Parameters = parameters.Count == 0 ? null : [.. parameters];
    }

    /// <summary>Query parameters that are strings in C# but enums of the contract.</summary>
    private static IOpenApiSchema? QuerySchema(string name, IOpenApiSchema? schema, string? operationId, OperationFilterContext context) => name switch
    {
        "level" => context.SchemaGenerator.GenerateSchema(typeof(AgencyLevel), context.SchemaRepository),
        "kind" => context.SchemaGenerator.GenerateSchema(typeof(AgencyKind), context.SchemaRepository),
        "scope" => context.SchemaGenerator.GenerateSchema(typeof(ReportScope), context.SchemaRepository),
        "source" => context.SchemaGenerator.GenerateSchema(typeof(Features.Agencies.AgencySource), context.SchemaRepository),
        "applicant" => StringEnum(Table3.Columns.Select(c => c.Key)),
        "reviewStatus" => StringEnum([Persistence.ReviewStatuses.Approved]),
        // Completeness groups by its own dimensions (it has scope; year with fromYear/toYear).
        "groupBy" when operationId == "QueryCompleteness" => new OpenApiSchema
        {
            Type = JsonSchemaType.Array,
            Items = StringEnum(Features.Completeness.QueryCompleteness.QueryCompletenessEndpoint.Dimensions),
        },
        "groupBy" => new OpenApiSchema
        {
            Type = JsonSchemaType.Array,
            Items = StringEnum(Enum.GetValues<Dimension>().Select(ContractEnums.Name)),
        },
        _ => schema,
    };

    private static OpenApiSchema StringEnum(IEnumerable<string> values) => new()
    {
        Type = JsonSchemaType.String,
        Enum = [.. values.Select(v => (JsonNode)JsonValue.Create(v))],
    };

    private static void DescribeRequestBody(OpenApiOperation operation, OperationNote note, OpenApiDocument document)
    {
        if (operation.RequestBody is not OpenApiRequestBody body || body.Content is null)
        {
            return;
        }

        body.Description ??= note.RequestBody;
        if (body.Content.ContainsKey(Ndjson))
        {
            body.Content[Ndjson] = new OpenApiMediaType
            {
                Schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.String,
                    Format = "binary",
                    Description = note.NdjsonLine ?? "One report JSON per line.",
                },
            };
        }

        // A PDF is bytes, not text: without the format, clients generated from the document send it as a string.
        if (body.Content.ContainsKey("application/pdf"))
        {
            body.Content["application/pdf"] = new OpenApiMediaType
            {
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary", Description = "The PDF as published (its bytes)." },
            };
        }

        if (body.Content.ContainsKey("text/csv"))
        {
            body.Content["text/csv"] = new OpenApiMediaType
            {
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, Description = "CSV (RFC 4180, UTF-8) with a header row." },
            };
        }

        foreach (var (mediaType, example) in note.RequestExamples)
        {
            if (body.Content.TryGetValue(mediaType, out var content) && content is OpenApiMediaType withExample)
            {
                withExample.Example = example.DeepClone();
            }
        }

        if (note.ReportExample && body.Content.TryGetValue("application/json", out var json) && json is OpenApiMediaType media)
        {
            media.Examples = new Dictionary<string, IOpenApiExample>
            {
                ["seed002"] = new OpenApiExampleReference(ContractExamples.ReportExampleId, document),
                ["shanghai2019"] = new OpenApiExampleReference(ContractExamples.Report2019ExampleId, document),
            };
        }
    }

    private static void DescribeResponses(OpenApiOperation operation, OperationNote note, OperationFilterContext context)
    {
        var responses = operation.Responses ??= [];
        responses.TryAdd("500", new OpenApiResponse());
        foreach (var (key, value) in responses.ToList())
        {
            if (value is not OpenApiResponse response || !int.TryParse(key, out var status))
            {
                continue;
            }

            var problem = status >= 400 && (response.Content is null || response.Content.Count == 0 || response.Content.ContainsKey(ProblemJson));
            response.Description = note.Responses.GetValueOrDefault(status)
                ?? (problem ? ProblemDescriptions.GetValueOrDefault(status) : null)
                ?? response.Description;
            if (problem)
            {
                response.Content = new Dictionary<string, IOpenApiMediaType>
                {
                    [ProblemJson] = new OpenApiMediaType { Schema = ProblemSchema(status, note, context) },
                };
                if (status is StatusCodes.Status503ServiceUnavailable or StatusCodes.Status429TooManyRequests)
                {
                    AddHeader(response, new HeaderNote("Retry-After", "Seconds to wait before retrying.", Required: true), JsonSchemaType.Integer);
                }

                if (status == StatusCodes.Status422UnprocessableEntity && note.RuleViolationsExample)
                {
                    ((OpenApiMediaType)response.Content[ProblemJson]).Examples = new Dictionary<string, IOpenApiExample>
                    {
                        ["seed004"] = new OpenApiExampleReference(ContractExamples.RuleViolationsExampleId, context.Document),
                    };
                }
            }

            if (response.Content?.TryGetValue("text/csv", out var csv) == true && csv is OpenApiMediaType csvMedia)
            {
                csvMedia.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Description = "CSV (RFC 4180) with a header row." };
            }

            if (note.ResponseExamples.TryGetValue(status, out var examples))
            {
                foreach (var (mediaType, example) in examples)
                {
                    if (response.Content?.TryGetValue(mediaType, out var content) == true && content is OpenApiMediaType withExample)
                    {
                        withExample.Example = example.DeepClone();
                    }
                }
            }

            if (note.ResponseHeaders.TryGetValue(status, out var headers))
            {
                foreach (var header in headers)
                {
                    AddHeader(response, header, JsonSchemaType.String);
                }
            }
        }

        var ordered = responses.OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
        responses.Clear();
        foreach (var (key, value) in ordered)
        {
            responses[key] = value;
        }
    }

    private static void AddHeader(OpenApiResponse response, HeaderNote header, JsonSchemaType type)
    {
        response.Headers ??= new Dictionary<string, IOpenApiHeader>();
        response.Headers[header.Name] = new OpenApiHeader
        {
            Description = header.Description,
            Required = header.Required,
            Schema = new OpenApiSchema { Type = type },
        };
    }

    private static IOpenApiSchema ProblemSchema(int status, OperationNote note, OperationFilterContext context)
    {
        var repository = context.SchemaRepository;
        var problem = context.SchemaGenerator.GenerateSchema(typeof(ProblemDetails), repository);
        return status switch
        {
            StatusCodes.Status422UnprocessableEntity => Problem(RuleViolationsProblem,
                "The problem of a report that breaks statutory rules: every violation, errors and warnings, in the order of the rule catalogue.",
                required: false,
                "violations",
                new OpenApiSchema
                {
                    Type = JsonSchemaType.Array,
                    Items = context.SchemaGenerator.GenerateSchema(typeof(RuleViolation), repository),
                    Description = "Every rule result, error or warning, with the cells it involves. Absent on the other problems of status 422.",
                }),
            StatusCodes.Status409Conflict when note.ReviewLockConflict => Problem(ReviewLockProblem,
                "The problem of a correction refused by a review lock: an approved report, or a locked period.",
                required: false,
                "review",
                new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Description = "The approval that locks the report (type report-approved).",
                    Properties = new Dictionary<string, IOpenApiSchema>
                    {
                        ["revision"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Description = "The revision approved." },
                        ["reviewedBy"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null, Description = "The reviewer (token subject)." },
                        ["reviewedAt"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time" },
                        ["comment"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
                    },
                },
                ("lockedAfter", new OpenApiSchema { Type = JsonSchemaType.String, Format = "date", Description = "The last day (UTC+8) on which the year's reports could be corrected freely (type period-locked)." }),
                ("lockSource", new OpenApiSchema
                {
                    Type = JsonSchemaType.String,
                    Enum = [JsonValue.Create("database"), JsonValue.Create("configuration")],
                    Description = "Where the period lock comes from (type period-locked): database (PUT /v1/period-locks/{year}, wins for its year) or configuration.",
                })),
            StatusCodes.Status409Conflict => Problem(DuplicateReportProblem,
                "The problem of a second report for an agency, year and scope that already has one.",
                required: true,
                "existing",
                new OpenApiSchema { Type = JsonSchemaType.String, Description = "The URL of the existing report (`/v1/reports/{id}`): correct it with PUT." },
                ("existingId", new OpenApiSchema { Type = JsonSchemaType.String, Format = "uuid", Description = "The id of the existing report." })),
            _ => problem,
        };

        IOpenApiSchema Problem(string id, string description, bool required, string name, IOpenApiSchema schema, params (string Name, IOpenApiSchema Schema)[] more)
        {
            if (repository.Schemas.ContainsKey(id))
            {
                return new OpenApiSchemaReference(id);
            }

            var own = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Properties = new Dictionary<string, IOpenApiSchema> { [name] = schema },
            };
            foreach (var (otherName, otherSchema) in more)
            {
                own.Properties[otherName] = otherSchema;
            }

            if (required)
            {
                own.Required = new HashSet<string>(own.Properties.Keys);
            }

            return repository.AddDefinition(id, new OpenApiSchema { Description = description, AllOf = [problem, own] });
        }
    }
}
