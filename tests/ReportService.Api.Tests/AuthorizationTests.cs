using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ReportService.TestSupport;

namespace ReportService.Api.Tests;

/// <summary>
/// Who may do what (issue 6, OWASP API1/API5): tokens and their refusals, scopes, and writes limited to the
/// agencies a writer's token grants — for POST, PUT, validate and every batch line — with nothing stored by
/// a refused request.
/// </summary>
public sealed class AuthorizationTests(ServiceFactory factory) : IClassFixture<ServiceFactory>
{
    private const string Shanxi = "141122";
    private const string Guangdong = "440103001";

    private static int _seed = 5000;

    private readonly HttpClient _admin = factory.CreateClient();

    /// <summary>A fresh valid report of an agency in 交城县 (Shanxi, 14) or elsewhere.</summary>
    private static JsonObject Report(string regionCode = "141122103", string? creditCode = null)
    {
        var seed = Interlocked.Increment(ref _seed);
        var county = regionCode[..6];
        return ReportGenerator.Generate(new Random(seed), "2021", 2023, creditCode ?? ReportGenerator.MakeCreditCode(county, new Random(seed + 77)), regionCode);
    }

    private static string CreditCode(JsonNode report) => (string)report.Get("/agency/creditCode")!;

    private Task<long> CountAsync(string table) => factory.ScalarAsync<long>($"SELECT count(*) FROM {table}");

    private async Task<(long Reports, long Revisions, long Audit)> StoredAsync() =>
        (await CountAsync("reports"), await CountAsync("report_revisions"), await CountAsync("audit_events"));

    [Fact]
    public async Task Without_a_token_writes_and_report_reads_are_401_problems_and_public_data_is_open()
    {
        var id = await _admin.SubmitAcceptedAsync(Report());
        var anonymous = factory.CreateClient(token: null);
        var before = await StoredAsync();

        var submit = await anonymous.SubmitAsync(Report());
        var problem = await submit.AssertProblemAsync(401);
        Assert.Contains("bearer token", (string)problem["detail"]!, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("Bearer", submit.Headers.WwwAuthenticate.Single().Scheme);
        await (await anonymous.GetAsync($"/v1/reports/{id}")).AssertProblemAsync(401);
        await (await anonymous.GetAsync("/v1/reports")).AssertProblemAsync(401);
        await (await anonymous.GetAsync($"/v1/reports/{id}/revisions")).AssertProblemAsync(401);
        await (await anonymous.PostAsync("/v1/reports/validate", Http.Json(Report()))).AssertProblemAsync(401);
        await (await anonymous.CorrectAsync(id, Report(), "\"1\"")).AssertProblemAsync(401);

        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/v1/rules")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/v1/regions?parent=14")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/v1/aggregates?year=2023")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live")).StatusCode);
        Assert.Equal(before, await StoredAsync());
    }

    public static TheoryData<string, string> RefusedTokens => new()
    {
        { "garbage", "not a valid token" },
        { "expired", "expired" },
        { "wrong-key", "signature" },
        { "wrong-audience", "audience" },
    };

    [Theory]
    [MemberData(nameof(RefusedTokens))]
    public async Task A_refused_token_is_401_saying_why_without_internals(string kind, string reason)
    {
        var token = kind switch
        {
            "garbage" => "eyJhbGciOiJIUzI1NiJ9.bm90IGEgdG9rZW4.c2lnbmF0dXJl",
            "expired" => ServiceFactory.Token(regions: ["*"], notBefore: new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc), expires: new DateTime(2020, 1, 2, 0, 0, 0, DateTimeKind.Utc)),
            "wrong-key" => ServiceFactory.Token(regions: ["*"], signingKey: "another-signing-key-of-at-least-32-characters"),
            _ => ServiceFactory.Token(regions: ["*"], audience: "another-service"),
        };
        var before = await StoredAsync();

        var response = await factory.CreateClient(token).SubmitAsync(Report());

        var problem = await response.AssertProblemAsync(401);
        Assert.Contains(reason, (string)problem["detail"]!, StringComparison.Ordinal);
        Assert.DoesNotContain("IDX", (string)problem["detail"]!, StringComparison.Ordinal);
        Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal(before, await StoredAsync());
    }

    [Fact]
    public async Task A_token_without_the_scope_is_403_naming_it()
    {
        var id = await _admin.SubmitAcceptedAsync(Report());
        var reader = factory.CreateClient(ServiceFactory.Token(scopes: "reports:read", regions: ["*"]));
        var writer = factory.CreateClient(ServiceFactory.Token(scopes: "reports:write", regions: ["*"]));
        var before = await StoredAsync();

        var problem = await (await reader.SubmitAsync(Report())).AssertProblemAsync(403);
        Assert.Contains("reports:write", (string)problem["detail"]!, StringComparison.Ordinal);
        await (await reader.CorrectAsync(id, Report(), "\"1\"")).AssertProblemAsync(403);
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync($"/v1/reports/{id}")).StatusCode);

        problem = await (await writer.GetAsync($"/v1/reports/{id}")).AssertProblemAsync(403);
        Assert.Contains("reports:read", (string)problem["detail"]!, StringComparison.Ordinal);
        Assert.Equal(before, await StoredAsync());
    }

    [Fact]
    public async Task A_writer_may_submit_only_for_the_credit_codes_and_regions_its_token_names()
    {
        var own = Report();
        var inRegion = Report("141122101");
        var elsewhere = Report(Guangdong);
        var byCode = factory.CreateClient(ServiceFactory.Token(scopes: "reports:write", creditCodes: [CreditCode(own)]));
        var byRegion = factory.CreateClient(ServiceFactory.Token(scopes: "reports:write", regions: ["14"]));
        var byProvinceCode = factory.CreateClient(ServiceFactory.Token(scopes: "reports:write", regions: ["440000"]));

        Assert.Equal(HttpStatusCode.Created, (await byCode.SubmitAsync(own)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await byRegion.SubmitAsync(inRegion)).StatusCode);

        var before = await StoredAsync();
        var refused = await (await byCode.SubmitAsync(Report())).AssertProblemAsync(403);
        Assert.Equal("https://report-service/problems/agency-not-granted", (string)refused["type"]!);
        await (await byRegion.SubmitAsync(elsewhere)).AssertProblemAsync(403);
        // A dry run reads the agency's stored previous year: refused too.
        await (await byRegion.PostAsync("/v1/reports/validate", Http.Json(elsewhere))).AssertProblemAsync(403);
        Assert.Equal(before, await StoredAsync());
        Assert.Equal(0L, await factory.ScalarAsync<long>("SELECT count(*) FROM reports WHERE credit_code = @c", ("c", CreditCode(elsewhere))));

        // The six-digit province form of a grant is the province.
        Assert.Equal(HttpStatusCode.Created, (await byProvinceCode.SubmitAsync(elsewhere)).StatusCode);
    }

    [Fact]
    public async Task A_writer_may_correct_only_reports_its_token_grants_and_may_not_move_one_out_of_its_grant()
    {
        var report = Report();
        var id = await _admin.SubmitAcceptedAsync(report);
        var stranger = factory.CreateClient(ServiceFactory.Token(scopes: "reports:write", regions: ["44"]));
        var owner = factory.CreateClient(ServiceFactory.Token(scopes: "reports:write", creditCodes: [CreditCode(report)], regions: ["1411"]));
        var corrected = report.DeepClone().AsObject().Set("/publishedOn", "2024-01-10");

        await (await stranger.CorrectAsync(id, corrected, "\"1\"")).AssertProblemAsync(403);
        Assert.Equal(1, await factory.ScalarAsync<int>("SELECT current_revision FROM reports WHERE id = @id", ("id", id)));

        Assert.Equal(HttpStatusCode.OK, (await owner.CorrectAsync(id, corrected, "\"1\"")).StatusCode);

        // Granted by credit code, the agency may move; a region-only writer may not move it out of its regions.
        var regionOnly = factory.CreateClient(ServiceFactory.Token(scopes: "reports:write", regions: ["1411"]));
        var moved = corrected.DeepClone().AsObject().Set("/agency/regionCode", Guangdong);
        await (await regionOnly.CorrectAsync(id, moved, "\"2\"")).AssertProblemAsync(403);
        Assert.Equal(2, await factory.ScalarAsync<int>("SELECT current_revision FROM reports WHERE id = @id", ("id", id)));
    }

    [Fact]
    public async Task Every_batch_line_is_checked_against_the_grant()
    {
        var granted = Report();
        var alsoGranted = Report("141122102");
        var notGranted = Report(Guangdong);
        var writer = factory.CreateClient(ServiceFactory.Token(scopes: "reports:write", regions: ["141122"]));
        var body = new ByteArrayContent(Encoding.UTF8.GetBytes(string.Join("\n", granted.ToJsonString(), notGranted.ToJsonString(), alsoGranted.ToJsonString())));
        body.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");

        var response = await writer.PostAsync("/v1/reports/batch", body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await response.ReadObjectAsync();
        Assert.Equal((2, 1), ((int)answer["accepted"]!, (int)answer["forbidden"]!));
        var lines = answer["lines"]!.AsArray();
        Assert.Equal(["accepted", "forbidden", "accepted"], lines.Select(l => (string)l!["status"]!));
        Assert.Contains(CreditCode(notGranted), (string)lines[1]!["problem"]!, StringComparison.Ordinal);
        Assert.Null(lines[1]!["id"]);
        Assert.Equal(0L, await factory.ScalarAsync<long>("SELECT count(*) FROM reports WHERE credit_code = @c", ("c", CreditCode(notGranted))));
        Assert.Equal(2L, await factory.ScalarAsync<long>(
            "SELECT count(*) FROM reports WHERE credit_code = ANY(@c)", ("c", new[] { CreditCode(granted), CreditCode(alsoGranted) })));
    }

    [Fact]
    public async Task Every_accepted_write_is_audited_with_who_and_the_content_hash_and_the_history_shows_who()
    {
        var report = Report();
        var writer = factory.CreateClient(ServiceFactory.Token(scopes: "reports:write reports:read", regions: ["14"], subject: "clerk-7", client: "jiaocheng-oa"));
        var submitted = await writer.SubmitAsync(report);
        var id = Guid.Parse((string)(await submitted.ReadObjectAsync())["id"]!);
        var corrected = report.DeepClone().AsObject().Set("/publishedOn", "2024-01-10");
        Assert.Equal(HttpStatusCode.OK, (await writer.CorrectAsync(id, corrected, "\"1\"")).StatusCode);
        var imported = Report("141122102");
        var batch = new ByteArrayContent(imported.ToUtf8());
        batch.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
        var importedId = Guid.Parse((string)(await (await writer.PostAsync("/v1/reports/batch", batch)).ReadObjectAsync())["lines"]![0]!["id"]!);

        var events = await factory.ScalarAsync<string>(
            "SELECT string_agg(concat_ws('|', operation, revision, subject, client, content_hash), ',' ORDER BY id) FROM audit_events WHERE report_id = ANY(@ids)",
            ("ids", new[] { id, importedId }));
        string Hash(JsonNode node) => Convert.ToHexStringLower(SHA256.HashData(node.ToUtf8()));
        Assert.Equal(string.Join(',',
            $"submit|1|clerk-7|jiaocheng-oa|{Hash(report)}",
            $"correct|2|clerk-7|jiaocheng-oa|{Hash(corrected)}",
            $"import|1|clerk-7|jiaocheng-oa|{Hash(imported)}"), events);

        var history = await (await writer.GetAsync($"/v1/reports/{id}/revisions")).ReadObjectAsync();
        Assert.Equal(["submit", "correct"], history["revisions"]!.AsArray().Select(r => (string)r!["operation"]!));
        Assert.All(history["revisions"]!.AsArray(), r => Assert.Equal(("clerk-7", "jiaocheng-oa"), ((string)r!["submittedBy"]!, (string)r["submittedClient"]!)));
        var current = await (await writer.GetAsync($"/v1/reports/{id}")).ReadObjectAsync();
        Assert.Equal(("clerk-7", "jiaocheng-oa", "correct"), ((string)current["submittedBy"]!, (string)current["submittedClient"]!, (string)current["operation"]!));
    }

    [Theory]
    [InlineData("UPDATE audit_events SET subject = 'someone else'")]
    [InlineData("DELETE FROM audit_events")]
    [InlineData("UPDATE report_revisions SET submitted_by = 'someone else'")]
    [InlineData("DELETE FROM report_revisions")]
    public async Task The_audit_trail_and_the_revisions_are_append_only_in_the_database(string sql)
    {
        await _admin.SubmitAcceptedAsync(Report());
        var before = await factory.ScalarAsync<string>("SELECT string_agg(concat_ws('|', id, subject), ',' ORDER BY id) FROM audit_events");

        var refused = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => factory.ScalarAsync<object>(sql));

        Assert.Contains("append-only", refused.MessageText, StringComparison.Ordinal);
        Assert.Equal(before, await factory.ScalarAsync<string>("SELECT string_agg(concat_ws('|', id, subject), ',' ORDER BY id) FROM audit_events"));
    }

    [Fact]
    public async Task Responses_carry_security_headers_and_no_server_banner()
    {
        var response = await factory.CreateClient(token: null).GetAsync("/v1/rules");

        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Contains("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("Server"));
    }

    [Fact]
    public async Task A_string_longer_than_the_limit_is_a_400_naming_it_and_stores_nothing()
    {
        var report = Report().Set("/agency/name", new string('政', 40_000));
        var before = await StoredAsync();

        var problem = await (await _admin.SubmitAsync(report)).AssertProblemAsync(400);

        Assert.Equal("/agency/name", (string)problem["pointer"]!);
        Assert.Contains("100000 bytes", (string)problem["detail"]!, StringComparison.Ordinal);
        Assert.Equal(before, await StoredAsync());
    }

    [Fact]
    public void The_mint_command_prints_a_token_the_service_accepts_and_refuses_without_a_key()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var auth = new ReportService.Api.Infrastructure.Security.AuthOptions { SigningKey = ServiceFactory.SigningKey };

        var code = ReportService.Api.Infrastructure.Security.MintTokenCommand.Run(auth,
            ["--scope", "reports:write reports:read", "--region", "14", "--credit-code", "11140000MB0000000X", "--subject", "alice"], output, error);

        Assert.Equal(0, code);
        var token = output.ToString().Trim();
        var payload = JsonNode.Parse(Base64UrlDecode(token.Split('.')[1]))!;
        Assert.Equal("alice", (string)payload["sub"]!);
        Assert.Equal("reports:write reports:read", (string)payload["scope"]!);
        Assert.Equal("14", (string)payload["region_prefixes"]![0]!);
        Assert.Equal(2, ReportService.Api.Infrastructure.Security.MintTokenCommand.Run(new(), [], output, error));
        Assert.Contains("Auth:SigningKey", error.ToString(), StringComparison.Ordinal);

        static byte[] Base64UrlDecode(string text) =>
            Convert.FromBase64String(text.Replace('-', '+').Replace('_', '/').PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '='));
    }

    [Fact]
    public async Task A_minted_token_is_accepted_by_the_service()
    {
        var output = new StringWriter();
        ReportService.Api.Infrastructure.Security.MintTokenCommand.Run(new() { SigningKey = ServiceFactory.SigningKey },
            ["--scope", "reports:write", "--region", "14"], output, new StringWriter());

        var response = await factory.CreateClient(output.ToString().Trim()).SubmitAsync(Report());

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }
}
