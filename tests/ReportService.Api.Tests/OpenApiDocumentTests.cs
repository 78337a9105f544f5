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

    [Fact]
    public async Task Every_operation_is_described_and_lists_its_problems()
    {
        var document = JsonNode.Parse(await factory.CreateClient().GetStringAsync("/openapi/v1.json"))!;
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                var name = $"{method.ToUpperInvariant()} {path}";
                foreach (var field in new[] { "operationId", "summary", "description" })
                {
                    Assert.False(string.IsNullOrWhiteSpace(operation![field]?.GetValue<string>()), $"{name} has no {field}");
                }

                Assert.NotEmpty(operation!["tags"]!.AsArray());
                var responses = operation["responses"]!.AsObject();
                Assert.Contains(responses, r => r.Key.StartsWith('2'));
                Assert.Contains("500", responses.Select(r => r.Key));
                foreach (var (status, response) in responses.Where(r => r.Key[0] is '4' or '5'))
                {
                    // Readiness answers its probes in its own JSON; every other error is a problem document.
                    if (name == "GET /health/ready" && status == "503")
                    {
                        continue;
                    }

                    var schema = response!["content"]?["application/problem+json"]?["schema"]?["$ref"]?.GetValue<string>();
                    Assert.True(schema is not null, $"{name} {status} is not application/problem+json");
                    Assert.Equal(status switch
                    {
                        // A correction's 409 is a review lock; a submission's a duplicate report.
                        "409" when name == "PUT /v1/reports/{id}" => "#/components/schemas/ReviewLockProblem",
                        "409" => "#/components/schemas/DuplicateReportProblem",
                        "422" => "#/components/schemas/RuleViolationsProblem",
                        _ => "#/components/schemas/ProblemDetails",
                    }, schema);
                }
            }
        }
    }

    [Fact]
    public async Task Every_binary_request_body_says_so()
    {
        // A PDF (and an NDJSON file) is sent as bytes: a client generated without format binary sends a string.
        var document = JsonNode.Parse(await factory.CreateClient().GetStringAsync("/openapi/v1.json"))!;
        var bodies = document["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject().Select(o => (Name: $"{o.Key.ToUpperInvariant()} {p.Key}", Content: o.Value!["requestBody"]?["content"]?.AsObject())))
            .Where(b => b.Content is not null)
            .SelectMany(b => b.Content!.Where(c => c.Key is "application/pdf" or "application/x-ndjson").Select(c => (b.Name, MediaType: c.Key, Schema: c.Value!["schema"]!)))
            .ToList();

        Assert.Contains(bodies, b => b is { Name: "POST /v1/reports/extract", MediaType: "application/pdf" });
        Assert.All(bodies, b => Assert.True(b.Schema["format"]?.GetValue<string>() == "binary", $"{b.Name} {b.MediaType} is not format binary"));
    }

    [Fact]
    public async Task A_report_is_one_of_the_two_formats_by_its_format()
    {
        var schemas = JsonNode.Parse(await factory.CreateClient().GetStringAsync("/openapi/v1.json"))!["components"]!["schemas"]!;
        var report = schemas["Report"]!;
        Assert.Equal("format", report["discriminator"]!["propertyName"]!.GetValue<string>());
        Assert.Equal(["format"], report["required"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Equal(["2019", "2021"], report["properties"]!["format"]!["enum"]!.AsArray().Select(e => e!.GetValue<string>()));
        foreach (var format in new[] { "2019", "2021" })
        {
            Assert.Equal($"#/components/schemas/Report{format}", report["discriminator"]!["mapping"]![format]!.GetValue<string>());
            var shape = schemas[$"Report{format}"]!;
            // Each format extends the base that alone declares the discriminator: the inheritance shape that NSwag,
            // Kiota and the TypeScript generators all read (a oneOf report gave NSwag 14 no class at all, and a
            // subtype declaring `format` again got it written twice by NSwag's converters; issue 14).
            Assert.Equal(["#/components/schemas/Report"], shape["allOf"]!.AsArray().Select(s => s!["$ref"]!.GetValue<string>()));
            Assert.Null(shape["properties"]!["format"]);
            Assert.Contains("year", shape["required"]!.AsArray().Select(r => r!.GetValue<string>()));
        }

        Assert.Equal("#/components/schemas/Report", schemas["StoredReportResponse"]!["properties"]!["report"]!["$ref"]!.GetValue<string>());
    }

    [Fact]
    public async Task Every_aggregate_sum_is_required_and_never_null()
    {
        // A group lays out each table in full and a sum is never null, so generated clients get plain long
        // properties rather than optional nullable ones (issue 14); the proxy in scripts/contract-check holds
        // the service to it.
        var schemas = JsonNode.Parse(await factory.CreateClient().GetStringAsync("/openapi/v1.json"))!["components"]!["schemas"]!.AsObject();
        var sums = schemas.Where(s => s.Key.EndsWith("Sums", StringComparison.Ordinal)).ToList();
        Assert.Contains(sums, s => s.Key == "ApplicantCountsSums");
        Assert.True(sums.Count >= 15, $"only {sums.Count} Sums schemas");
        foreach (var (name, schema) in sums)
        {
            var properties = schema!["properties"]!.AsObject();
            var required = schema["required"]?.AsArray().Select(r => r!.GetValue<string>()) ?? [];
            Assert.Equal(properties.Select(p => p.Key).Order(), required.Order());
            Assert.All(properties, p => Assert.True(p.Value!["nullable"] is null, $"{name}.{p.Key} is nullable"));
        }
    }

    [Fact]
    public async Task Aggregate_sums_are_64_bit_integers_while_a_report_keeps_its_32_bit_cells()
    {
        var schemas = JsonNode.Parse(await factory.CreateClient().GetStringAsync("/openapi/v1.json"))!["components"]!["schemas"]!;
        var reached = new HashSet<string> { "AggregateKey" }; // the group's key, not a sum: its year stays int32
        var integers = new List<string>();
        Walk(schemas["AggregateGroup"]!, "AggregateGroup");
        Assert.Contains("Requests2021Sums", reached);
        Assert.Contains("ApplicantCountsSums", reached);
        Assert.True(integers.Count >= 20, $"only {integers.Count} integers under AggregateGroup");
        Assert.All(integers, format => Assert.Equal("int64", format));
        Assert.Equal("int32", schemas["ApplicantCounts"]!["properties"]!["naturalPerson"]!["format"]!.GetValue<string>());

        void Walk(JsonNode node, string at)
        {
            switch (node)
            {
                case JsonObject o when o["$ref"] is { } reference:
                    var name = reference.GetValue<string>()["#/components/schemas/".Length..];
                    if (reached.Add(name))
                    {
                        Walk(schemas[name]!, name);
                    }

                    break;
                case JsonObject o:
                    if (o["type"]?.ToString() == "integer")
                    {
                        integers.Add(o["format"]?.GetValue<string>() ?? $"(no format at {at})");
                    }

                    foreach (var (key, child) in o)
                    {
                        if (child is not null)
                        {
                            Walk(child, at + "/" + key);
                        }
                    }

                    break;
                case JsonArray a:
                    foreach (var child in a)
                    {
                        if (child is not null)
                        {
                            Walk(child, at);
                        }
                    }

                    break;
            }
        }
    }

    /// <summary>
    /// Every count a report, an aggregate or a batch answer carries is at least 0 in the document (issue 14: counts had no
    /// minimum), except the signed 2019 本年增/减 (itemsChange) and years; a report with a negative count is still a 422
    /// (<see cref="ProblemResponseTests"/>), so the schema says what the rules enforce.
    /// </summary>
    [Fact]
    public async Task Every_count_has_minimum_zero_except_the_signed_2019_changes()
    {
        var schemas = JsonNode.Parse(await factory.CreateClient().GetStringAsync("/openapi/v1.json"))!["components"]!["schemas"]!;
        // Not counts: a batch line's numbers (from 1) and a violation's expected/actual (sums that a wrong report may make negative).
        var reached = new HashSet<string> { "ImportReportsLine", "RuleViolation" };
        var counts = new List<string>();
        foreach (var root in new[] { "Report2019", "Report2021", "AggregateGroup", "OutcomeRow", "ImportReportsResponse" })
        {
            reached.Add(root);
            Walk(schemas[root]!, root);
        }

        Assert.Contains("ApplicantCountsSums", reached);
        Assert.Contains("ItemCounts2019", reached);
        Assert.True(counts.Count >= 60, $"only {counts.Count} counts");
        Assert.Contains("ItemCounts2019/itemsChange: none", counts);
        Assert.All(counts.Where(c => !c.Contains("/itemsChange:", StringComparison.Ordinal) && !c.Contains("/year:", StringComparison.Ordinal)),
            c => Assert.EndsWith(": 0", c, StringComparison.Ordinal));

        void Walk(JsonNode node, string at)
        {
            if (node is JsonArray array)
            {
                foreach (var child in array.OfType<JsonNode>())
                {
                    Walk(child, at);
                }

                return;
            }

            if (node is not JsonObject o)
            {
                return;
            }

            if (o["$ref"] is { } reference)
            {
                var name = reference.GetValue<string>()["#/components/schemas/".Length..];
                if (reached.Add(name))
                {
                    Walk(schemas[name]!, name);
                }

                return;
            }

            foreach (var (key, property) in o["properties"]?.AsObject() ?? [])
            {
                var type = property!["type"]?.ToJsonString() ?? "";
                if (type.Contains("integer", StringComparison.Ordinal) || type.Contains("number", StringComparison.Ordinal))
                {
                    counts.Add($"{at}/{key}: {property["minimum"]?.ToJsonString() ?? "none"}");
                }
            }

            foreach (var (key, child) in o)
            {
                if (child is not null)
                {
                    Walk(child, at);
                }
            }
        }
    }

    /// <summary>
    /// A nullable property of a referenced shape is <c>oneOf</c> that one reference, typed: NSwag made a subclass of its own
    /// for every <c>allOf</c> wrapper (154 classes where 87 are needed; issue 14), and validators need the type beside
    /// <c>nullable</c>.
    /// </summary>
    [Fact]
    public async Task A_nullable_reference_is_one_of_its_schema_not_a_subclass()
    {
        var schemas = JsonNode.Parse(await factory.CreateClient().GetStringAsync("/openapi/v1.json"))!["components"]!["schemas"]!.AsObject();
        var wrappers = 0;
        foreach (var (name, schema) in schemas)
        {
            foreach (var (key, property) in schema!["properties"]?.AsObject() ?? [])
            {
                if (property!["nullable"]?.GetValue<bool>() != true)
                {
                    continue;
                }

                Assert.True(property["allOf"] is null, $"{name}.{key} is a nullable allOf wrapper");
                if (property["oneOf"] is JsonArray oneOf)
                {
                    wrappers++;
                    Assert.Single(oneOf);
                    Assert.NotNull(oneOf[0]!["$ref"]);
                    Assert.NotNull(property["type"]);
                }
            }
        }

        Assert.True(wrappers >= 60, $"only {wrappers} nullable references");
    }

    [Theory]
    [InlineData("002")]
    [InlineData("004")]
    public void The_examples_are_copies_of_the_seeds(string seed)
    {
        // The API must not read tests/ at run time, so it embeds copies (src/ReportService.Api/OpenApi/Examples).
        var root = Repository.Root();
        var example = File.ReadAllText(Path.Combine(root, "src", "ReportService.Api", "OpenApi", "Examples", $"seed-{seed}.json"));
        var original = File.ReadAllText(Path.Combine(root, "tests", "ReportService.TestSupport", "Seeds", $"{seed}.json"));
        Assert.Equal(original, example);
    }

    /// <summary>Every problem type the service's code sends is listed in the document's description of <c>type</c>.</summary>
    [Fact]
    public async Task Every_problem_type_the_service_sends_is_listed_in_the_document()
    {
        var sent = Directory.EnumerateFiles(Path.Combine(Repository.Root(), "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}OpenApi{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(f), @"https://report-service/problems/([a-z-]+)").Select(m => m.Groups[1].Value))
            .ToHashSet();
        Assert.Contains("rule-violations", sent);
        using var client = factory.CreateClient();
        var document = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!;
        var listed = (string)document["components"]!["schemas"]!["ProblemDetails"]!["properties"]!["type"]!["description"]!;
        Assert.All(sent, type => Assert.Contains($"`{type}`", listed, StringComparison.Ordinal));
    }
}
