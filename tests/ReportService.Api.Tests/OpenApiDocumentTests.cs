using System.Text.Json.Nodes;

namespace ReportService.Api.Tests;

/// <summary>
/// The committed contract in openapi/ is what integrators generate clients from: the served document must
/// not drift from it. Regenerate with <c>UPDATE_OPENAPI=1 scripts/test</c> (see README).
/// </summary>
public sealed class OpenApiDocumentTests(ServiceFactory factory) : IClassFixture<ServiceFactory>
{
    [Fact]
    public async Task The_served_document_equals_the_committed_copy()
    {
        var served = await factory.CreateClient().GetStringAsync("/openapi/v1.json");
        var path = Path.Combine(Repository.Root(), "openapi", "report-service.v1.json");
        var normalized = JsonNode.Parse(served)!.ToJsonString(new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";

        if (Environment.GetEnvironmentVariable("UPDATE_OPENAPI") == "1")
        {
            await File.WriteAllTextAsync(path, normalized);
        }

        Assert.True(File.Exists(path), $"{path} is missing: run UPDATE_OPENAPI=1 scripts/test");
        var committed = await File.ReadAllTextAsync(path);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(committed), JsonNode.Parse(normalized)),
            "The served OpenAPI document differs from openapi/report-service.v1.json: regenerate it with UPDATE_OPENAPI=1 scripts/test and review the diff.");
    }
}
