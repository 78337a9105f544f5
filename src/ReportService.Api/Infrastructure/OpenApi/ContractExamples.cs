using System.Text;
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
/// Examples taken from real published reports (copies of seeds 002 and 004 and the format-2019 report of
/// 上海市人民政府办公厅, embedded in this assembly, see OpenApi/Examples/). The 422 example is not written by hand: it
/// is what the validator answers for seed 004, shaped by the same code as the real response. The other answers
/// (<see cref="Answers"/>) are what the service answered to these reports, recorded with their ids and trace ids
/// replaced by fixed ones; ExampleTests sends each request again and fails when the answer differs (and
/// <c>UPDATE_OPENAPI=1</c> records it again), so they cannot drift from the service either.
/// </summary>
internal sealed class ContractExamples(ReportValidator validator, IOptions<JsonOptions> json)
{
    /// <summary>新源县阿勒玛勒镇人民政府, 2023: a valid report of format 2021.</summary>
    public const string ValidReport = "seed-002.json";

    /// <summary>新绛县三泉镇人民政府, 2021: printed with table 3 out of balance.</summary>
    public const string RejectedReport = "seed-004.json";

    /// <summary>上海市人民政府办公厅, 2019: a valid report of format 2019.</summary>
    public const string Report2019 = "report-2019-shanghai.json";

    /// <summary>The id of the example report in the document's components.</summary>
    public const string ReportExampleId = "Seed002Report";

    /// <summary>The id of the example format-2019 report in the document's components.</summary>
    public const string Report2019ExampleId = "Shanghai2019Report";

    /// <summary>The id of the example NDJSON batch in the document's components.</summary>
    public const string BatchExampleId = "Batch";

    /// <summary>
    /// The recorded answers: component id, file under OpenApi/Examples, summary and the request that gave it. The
    /// requests run in this order against an empty database, with a writer's token for every region unless named.
    /// </summary>
    public static readonly IReadOnlyList<AnswerExample> Answers =
    [
        new("BatchAnswer", "batch-answer.json", "The answer to the example batch",
            "POST /v1/reports/batch with the example batch: seed 002 and the format-2019 report accepted, seed 004 rejected with its violations, " +
            "seed 002 again a duplicate of line 1."),
        new("InvalidBody", "problem-400.json", "A value of the wrong JSON type",
            "POST /v1/reports with seed 002 whose `year` is the string \"2023\": 400, `pointer` names the value; nothing is stored."),
        new("AgencyNotGranted", "problem-403.json", "A token that does not grant the report's agency",
            "POST /v1/reports with the format-2019 report (region 31, 上海) and a writer's token for region prefix 14 (山西) only."),
        new("DuplicateReport", "problem-409.json", "A second report for the same agency, year and scope",
            "POST /v1/reports with seed 002 after the example batch stored it: `existing` links the stored report."),
        new("ListPage", "list-page.json", "The reports stored by the example batch",
            "GET /v1/reports after the example batch: both reports on one page, so no `nextCursor` (with `limit=1` the page would hold one and `nextCursor` the next)."),
        new("AggregatesByYear", "aggregates-by-year.json", "Sums by year",
            "GET /v1/aggregates?groupBy=year after the example batch: 2019 (the format-2019 report) and 2023 (seed 002), each table in full."),
        new("AggregatesByYearCsv", "aggregates-by-year.csv", "Sums by year as CSV",
            "GET /v1/aggregates?groupBy=year with Accept: text/csv after the example batch (the columns are listed in the description)."),
        new("Outcomes2019", "outcomes-2019.json", "Outcomes of 2019 for natural persons",
            "GET /v1/aggregates/outcomes?year=2019&applicant=naturalPerson after the example batch: one row per outcome category of the format-2019 report."),
    ];

    /// <summary>The id of the example 422 in the document's components.</summary>
    public const string RuleViolationsExampleId = "Seed004RuleViolations";

    /// <summary>A trace id of the W3C form, for the examples.</summary>
    public const string ExampleTraceId = "0af7651916cd43dd8448eb211c80319c";

    private readonly Lazy<JsonNode> _rejection = new(() => Rejection(validator, json.Value.SerializerOptions));

    /// <summary>The examples that operations refer to, by their component ids.</summary>
    public IReadOnlyDictionary<string, OpenApiExample> Components()
    {
        var components = new Dictionary<string, OpenApiExample>
        {
            [ReportExampleId] = new()
            {
                Summary = "新源县阿勒玛勒镇人民政府, 2023 (format 2021)",
                Description = "A real published report (seed 002). It passes every rule; it prints no date, which a warning says (REPORT.PUBLISHED_ON_UNKNOWN).",
                Value = JsonNode.Parse(Read(ValidReport)),
            },
            [RuleViolationsExampleId] = new()
            {
                Summary = "新绛县三泉镇人民政府, 2021: table 3 out of balance",
                Description = "The real answer to seed 004 as printed: 2 requests received and disclosed, but （七）总计 is 0.",
                Value = _rejection.Value.DeepClone(),
            },
            [Report2019ExampleId] = new()
            {
                Summary = "上海市人民政府办公厅, 2019 (format 2019)",
                Description = "A real published report (the office's 2019 report of 2020-01-31, transcribed in tests/ReportService.Extraction.Tests/DevSet/d16). " +
                    "Its tables as printed, except that the blank cells are written as 0 and 予以公开's blank 总计 as 272, the sum of its row; the credit code is made up " +
                    "and the long text sections are shortened as in the transcription. It passes every rule.",
                Value = JsonNode.Parse(Read(Report2019)),
            },
            [BatchExampleId] = new()
            {
                Summary = "Four lines: two reports accepted, one rejected, one duplicate",
                Description = "NDJSON: seed 002 (format 2021), the format-2019 report, seed 004 (breaks rules) and seed 002 again, one compact JSON per line.",
                Value = JsonValue.Create(Batch()),
            },
        };
        foreach (var answer in Answers)
        {
            components[answer.Id] = new OpenApiExample
            {
                Summary = answer.Summary,
                Description = "The service's answer to " + answer.Request,
                Value = answer.File.EndsWith(".csv", StringComparison.Ordinal)
                    ? JsonValue.Create(Encoding.UTF8.GetString(Read(answer.File)))
                    : JsonNode.Parse(Read(answer.File)),
            };
        }

        return components;
    }

    /// <summary>The example batch: the example reports as NDJSON lines (compact, UTF-8 unescaped).</summary>
    public static string Batch()
    {
        var options = new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        return string.Concat(new[] { ValidReport, Report2019, RejectedReport, ValidReport }
            .Select(name => JsonNode.Parse(Read(name))!.ToJsonString(options) + "\n"));
    }

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

    public static byte[] Read(string name)
    {
        using var stream = typeof(ContractExamples).Assembly.GetManifestResourceStream("OpenApi.Examples." + name)
            ?? throw new InvalidOperationException($"The OpenAPI example {name} is not embedded in the assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}

/// <summary>A recorded answer of the service shown in the document: its component id, file, summary and the request that gave it.</summary>
internal sealed record AnswerExample(string Id, string File, string Summary, string Request);
