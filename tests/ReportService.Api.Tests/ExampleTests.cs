using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ReportService.Api.Infrastructure.OpenApi;
using ReportService.TestSupport;

namespace ReportService.Api.Tests;

/// <summary>
/// The document's examples are real (issue 14: none for format 2019, batch, list, aggregates, outcomes, 400/403/409):
/// every example report passes every rule, and every recorded answer (<see cref="ContractExamples.Answers"/>) is
/// what the service answers to its request now, against an empty database, ids and trace ids aside. With
/// <c>UPDATE_OPENAPI=1</c> the answers are recorded again into src/ReportService.Api/OpenApi/Examples (then
/// regenerate the document and review both diffs).
/// </summary>
public sealed partial class ExampleTests(ServiceFactory factory) : IClassFixture<ServiceFactory>
{
    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    [Fact]
    public async Task Every_example_report_passes_every_rule()
    {
        var document = JsonNode.Parse(await factory.CreateClient().GetStringAsync("/openapi/v1.json"))!;
        var examples = document["paths"]!["/v1/reports"]!["post"]!["requestBody"]!["content"]!["application/json"]!["examples"]!.AsObject();
        Assert.Equal(["seed002", "shanghai2019"], examples.Select(e => e.Key));
        foreach (var (name, reference) in examples)
        {
            var id = ((string)reference!["$ref"]!).Split('/')[^1];
            var report = document["components"]!["examples"]![id]!["value"]!;
            var response = await factory.CreateClient().PostAsync("/v1/reports/validate", Http.Json(report));
            var answer = await response.ReadObjectAsync();
            Assert.True((bool)answer["valid"]!, $"{name}: {answer.ToJsonString()}");
            Assert.DoesNotContain(answer["violations"]!.AsArray(), v => (string)v!["severity"]! == "error");
        }

        Assert.Equal("2019", (string)document["components"]!["examples"]![ContractExamples.Report2019ExampleId]!["value"]!["format"]!);
    }

    /// <summary>The format-2019 example holds every cell of the hand transcription of the published page, with the same value.</summary>
    [Fact]
    public void The_format_2019_example_keeps_every_transcribed_cell()
    {
        var root = Repository.Root();
        var transcription = JsonNode.Parse(File.ReadAllText(Path.Combine(root, "tests", "ReportService.Extraction.Tests", "DevSet", "d16_shanghai_office_2019.json")))!;
        var example = JsonNode.Parse(File.ReadAllText(Path.Combine(root, "src", "ReportService.Api", "OpenApi", "Examples", ContractExamples.Report2019)))!;
        var cells = 0;
        Compare(transcription, example, "");
        Assert.True(cells > 60, $"only {cells} cells compared");

        void Compare(JsonNode expected, JsonNode? actual, string at)
        {
            if (expected is JsonObject o)
            {
                foreach (var (key, child) in o)
                {
                    Compare(child!, actual?[key], at + "/" + key);
                }

                return;
            }

            cells++;
            Assert.True(actual is not null && JsonNode.DeepEquals(expected, actual), $"{at}: transcribed {expected.ToJsonString()}, example {actual?.ToJsonString() ?? "absent"}");
        }
    }

    [Fact]
    public async Task Every_recorded_answer_is_what_the_service_answers_to_its_request()
    {
        var writer = factory.CreateClient();
        var answers = new Dictionary<string, string>();
        var ids = new Dictionary<string, string>(); // one fixed id per report across all answers

        var batch = new HttpRequestMessage(HttpMethod.Post, "/v1/reports/batch") { Content = new StringContent(ContractExamples.Batch(), Encoding.UTF8) };
        batch.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
        answers["BatchAnswer"] = await JsonAnswerAsync(ids, await writer.SendAsync(batch), 200);

        var wrongType = Seeds.Json("002");
        wrongType["year"] = "2023";
        answers["InvalidBody"] = await JsonAnswerAsync(ids, await writer.SubmitAsync(wrongType), 400);

        var report2019 = JsonNode.Parse(ContractExamples.Read(ContractExamples.Report2019))!;
        var shanxiWriter = factory.CreateClient(ServiceFactory.Token(regions: ["14"]));
        answers["AgencyNotGranted"] = await JsonAnswerAsync(ids, await shanxiWriter.SubmitAsync(report2019), 403);

        answers["DuplicateReport"] = await JsonAnswerAsync(ids, await writer.SubmitAsync(Seeds.Json("002")), 409);
        answers["ListPage"] = await JsonAnswerAsync(ids, await writer.GetAsync("/v1/reports"), 200);
        answers["AggregatesByYear"] = await JsonAnswerAsync(ids, await writer.GetAsync("/v1/aggregates?groupBy=year"), 200);
        var csv = new HttpRequestMessage(HttpMethod.Get, "/v1/aggregates?groupBy=year");
        csv.Headers.Accept.ParseAdd("text/csv");
        var csvResponse = await writer.SendAsync(csv);
        Assert.Equal(200, (int)csvResponse.StatusCode);
        answers["AggregatesByYearCsv"] = await csvResponse.Content.ReadAsStringAsync();
        answers["Outcomes2019"] = await JsonAnswerAsync(ids, await writer.GetAsync("/v1/aggregates/outcomes?year=2019&applicant=naturalPerson"), 200);

        Assert.Equal(ContractExamples.Answers.Select(a => a.Id).Order(), answers.Keys.Order());
        var folder = Path.Combine(Repository.Root(), "src", "ReportService.Api", "OpenApi", "Examples");
        var update = Environment.GetEnvironmentVariable("UPDATE_OPENAPI") == "1";
        foreach (var example in ContractExamples.Answers)
        {
            var path = Path.Combine(folder, example.File);
            if (update)
            {
                await File.WriteAllTextAsync(path, answers[example.Id]);
            }

            var recorded = await File.ReadAllTextAsync(path);
            Assert.True(recorded == answers[example.Id],
                $"The example {example.Id} ({example.File}) is not what the service answers now: record it again with UPDATE_OPENAPI=1 scripts/test --filter ExampleTests and review the diff.\nNow:\n{answers[example.Id]}");
        }

        // The document shows what is recorded (a build embeds the files).
        var document = JsonNode.Parse(await writer.GetStringAsync("/openapi/v1.json"))!;
        foreach (var example in ContractExamples.Answers.Where(_ => !update))
        {
            var value = document["components"]!["examples"]![example.Id]!["value"]!;
            var shown = value is JsonValue text && text.TryGetValue<string>(out var s) ? s : value.ToJsonString(Indented) + "\n";
            Assert.True(shown == answers[example.Id], $"The document's example {example.Id} differs from {example.File}: rebuild and regenerate the document.");
        }
    }

    /// <summary>The answer's JSON, indented, with its ids (<paramref name="ids"/>, in order of first appearance), cursor, times and trace id replaced by fixed ones.</summary>
    private static async Task<string> JsonAnswerAsync(Dictionary<string, string> ids, HttpResponseMessage response, int status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == (int)response.StatusCode, $"{(int)response.StatusCode}: {body}");
        var node = JsonNode.Parse(body)!;
        Normalize(node);
        if (node["items"] is JsonArray items)
        {
            // A list is ordered by the reports' ids, which are random within a batch: in the example, by the fixed ids.
            var ordered = items.OrderBy(i => (string)i!["id"]!, StringComparer.Ordinal).Select(i => i!.DeepClone()).ToList();
            items.Clear();
            ordered.ForEach(items.Add);
        }

        return node.ToJsonString(Indented) + "\n";

        string Id(Match match)
        {
            if (!ids.TryGetValue(match.Value, out var fixedId))
            {
                fixedId = $"0193f0a1-5c2e-7b4d-9e6f-{ids.Count + 1:D12}";
                ids[match.Value] = fixedId;
            }

            return fixedId;
        }

        void Normalize(JsonNode? current)
        {
            switch (current)
            {
                case JsonObject o:
                    foreach (var (key, child) in o.ToList())
                    {
                        if (child is JsonValue value && value.TryGetValue<string>(out var text))
                        {
                            o[key] = key switch
                            {
                                "traceId" => ContractExamples.ExampleTraceId,
                                "updatedAt" => "2026-12-04T08:00:00.000000+00:00",
                                "nextCursor" => "AZPwoVwue02eb-_example",
                                _ => Uuid().Replace(text, Id),
                            };
                        }
                        else
                        {
                            Normalize(child);
                        }
                    }

                    break;
                case JsonArray a:
                    foreach (var child in a)
                    {
                        Normalize(child);
                    }

                    break;
            }
        }
    }

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex Uuid();
}
