using System.Text.Json.Nodes;

namespace ReportService.Api.Tests.Fuzzing;

/// <summary>Every operation of the committed OpenAPI document: the surface the fuzzer must cover.</summary>
public sealed record ApiOperation(string Method, string Template, IReadOnlyList<ApiParameter> Parameters, string? BodyMediaType)
{
    public override string ToString() => $"{Method} {Template}";
}

public sealed record ApiParameter(string Name, string In, IReadOnlyList<string> Enum, string? Type);

public static class ApiSurface
{
    public static IReadOnlyList<ApiOperation> Load()
    {
        var document = JsonNode.Parse(File.ReadAllText(Path.Combine(Repository.Root(), "openapi", "report-service.v1.json")))!;
        var operations = new List<ApiOperation>();
        foreach (var (template, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                if (method == "parameters")
                {
                    continue;
                }

                var parameters = (operation!["parameters"]?.AsArray() ?? []).Select(p => new ApiParameter(
                    (string)p!["name"]!,
                    (string)p["in"]!,
                    [.. (p["schema"]?["enum"]?.AsArray() ?? p["schema"]?["items"]?["enum"]?.AsArray() ?? []).Select(e => e!.ToString())],
                    p["schema"]?["type"]?.ToString())).ToList();
                var body = operation["requestBody"]?["content"]?.AsObject().Select(c => c.Key).FirstOrDefault();
                operations.Add(new ApiOperation(method.ToUpperInvariant(), template, parameters, body));
            }
        }

        return operations;
    }
}
