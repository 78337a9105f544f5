using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using ReportService.Api.Features.Reports;
using ReportService.Api.Infrastructure.Endpoints;
using ReportService.Statutory.Json;
using ReportService.Statutory.Rules;
using ReportService.Statutory.Validation;

namespace ReportService.Api.Infrastructure.OpenApi;

/// <summary>
/// Examples taken from real published reports (copies of seeds 002 and 004 embedded in this assembly, see
/// OpenApi/Examples/). The 422 example is not written by hand: it is what the validator answers for seed
/// 004, shaped by the same code as the real response, so it cannot drift from the service.
/// </summary>
internal sealed class ContractExamples(ReportValidator validator, IOptions<JsonOptions> json)
{
    /// <summary>新源县阿勒玛勒镇人民政府, 2023: a valid report of format 2021.</summary>
    public const string ValidReport = "seed-002.json";

    /// <summary>新绛县三泉镇人民政府, 2021: printed with table 3 out of balance.</summary>
    public const string RejectedReport = "seed-004.json";

    /// <summary>The id of the example report in the document's components.</summary>
    public const string ReportExampleId = "Seed002Report";

    /// <summary>The id of the example 422 in the document's components.</summary>
    public const string RuleViolationsExampleId = "Seed004RuleViolations";

    /// <summary>A trace id of the W3C form, for the examples.</summary>
    public const string ExampleTraceId = "0af7651916cd43dd8448eb211c80319c";

    private readonly Lazy<JsonNode> _rejection = new(() => Rejection(validator, json.Value.SerializerOptions));

    /// <summary>The examples that operations refer to, by their component ids.</summary>
    public IReadOnlyDictionary<string, OpenApiExample> Components() => new Dictionary<string, OpenApiExample>
    {
        [ReportExampleId] = new()
        {
            Summary = "新源县阿勒玛勒镇人民政府, 2023 (format 2021)",
            Description = "A real published report (seed 002; no date was printed, 2024-01-01 chosen). It passes every rule.",
            Value = JsonNode.Parse(Read(ValidReport)),
        },
        [RuleViolationsExampleId] = new()
        {
            Summary = "新绛县三泉镇人民政府, 2021: table 3 out of balance",
            Description = "The real answer to seed 004 as printed: 2 requests received and disclosed, but （七）总计 is 0.",
            Value = _rejection.Value.DeepClone(),
        },
    };

    private static JsonNode Rejection(ReportValidator validator, JsonSerializerOptions options)
    {
        if (ReportReader.Read(Read(RejectedReport)) is not ReportReadResult.Parsed parsed)
        {
            throw new InvalidOperationException($"The example {RejectedReport} no longer reads as a report.");
        }

        var violations = validator.Check(new ReportUnderReview(parsed.Report, null));
        var problem = ReportProblems.Rejected(violations, MessageLanguage.Chinese).ProblemDetails;
        problem.Instance = ReportsGroup.Prefix;
        problem.Extensions["traceId"] = ExampleTraceId;
        return JsonSerializer.SerializeToNode(problem, options)!;
    }

    private static byte[] Read(string name)
    {
        using var stream = typeof(ContractExamples).Assembly.GetManifestResourceStream("OpenApi.Examples." + name)
            ?? throw new InvalidOperationException($"The OpenAPI example {name} is not embedded in the assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
