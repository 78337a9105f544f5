using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;
using ReportService.TestSupport;

namespace ReportService.Api.Tests.IdentityProvider;

/// <summary>The service behind a real identity provider, with aggregates, regions and rules behind <c>reports:read</c> too.</summary>
public sealed class PrivateDataServiceFactory : IdentityProviderServiceFactory
{
    public PrivateDataServiceFactory() => Settings["Auth:PublicData"] = "false";
}

/// <summary>
/// The identity-provider mode of ADR 6 against a real OpenID Connect server (<see cref="TestIdentityProvider"/>):
/// the service finds the provider's keys through its discovery document and accepts its client-credentials
/// tokens for every scope and grant; tokens of another issuer or audience, expired ones and ones signed by a
/// key the provider does not publish are 401 problems.
/// </summary>
public sealed class IdentityProviderTests(PrivateDataServiceFactory factory) : IClassFixture<PrivateDataServiceFactory>
{
    private const string Guangdong = "440103001";
    private const string Beijing = "110101001";

    private static int _seed = 9000;

    private static JsonObject Report(string regionCode = "141122103", string? creditCode = null)
    {
        var seed = Interlocked.Increment(ref _seed);
        return ReportGenerator.Generate(new Random(seed), "2021", 2023, creditCode ?? ReportGenerator.MakeCreditCode(regionCode[..6], new Random(seed + 77)), regionCode);
    }

    private async Task<HttpClient> ClientAsync(string clientId, string? scope = null) =>
        factory.CreateClient(await factory.Provider.TokenAsync(clientId, scope));

    private static ByteArrayContent Ndjson(params JsonNode[] reports)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(string.Join("\n", reports.Select(r => r.ToJsonString()))));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
        return content;
    }

    [Fact]
    public async Task A_token_granting_every_region_may_submit_validate_correct_import_and_read_and_the_audit_names_its_client()
    {
        var national = await ClientAsync("national-tool");
        var report = Report(Guangdong);

        Assert.Equal(HttpStatusCode.OK, (await national.PostAsync("/v1/reports/validate", Http.Json(report))).StatusCode);
        var id = await national.SubmitAcceptedAsync(report);
        var corrected = report.DeepClone().AsObject().Set("/publishedOn", "2024-01-10");
        Assert.Equal(HttpStatusCode.OK, (await national.CorrectAsync(id, corrected, "\"1\"")).StatusCode);
        var import = await national.PostAsync("/v1/reports/batch", Ndjson(Report("141122102")));
        Assert.Equal(HttpStatusCode.OK, import.StatusCode);
        Assert.Equal(1, (int)(await import.ReadObjectAsync())["accepted"]!);

        Assert.Equal(HttpStatusCode.OK, (await national.GetAsync($"/v1/reports/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await national.GetAsync($"/v1/reports/{id}/revisions")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await national.GetAsync("/v1/reports?year=2023")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await national.GetAsync("/v1/aggregates?year=2023")).StatusCode);

        // Who wrote it is the provider's subject and client: sub and client_id of its token.
        Assert.Equal("submit|national-tool|national-tool,correct|national-tool|national-tool", await factory.ScalarAsync<string>(
            "SELECT string_agg(concat_ws('|', operation, subject, client), ',' ORDER BY id) FROM audit_events WHERE report_id = @id", ("id", id)));
    }

    [Fact]
    public async Task The_write_grants_of_the_providers_tokens_limit_writes_to_their_regions_and_agencies()
    {
        // One grant is a string claim in the token ("region_prefixes": "14"), several are an array.
        var shanxi = await ClientAsync("shanxi-oa");
        var twoProvinces = await ClientAsync("two-provinces");
        var agency = await ClientAsync("agency-system");
        var codes = IdentityProviderServiceFactory.AgencyCreditCodes;
        var own = Report(creditCode: codes[0]);

        Assert.Equal(HttpStatusCode.Created, (await shanxi.SubmitAsync(Report("141122101"))).StatusCode);
        var refused = await (await shanxi.SubmitAsync(Report(Guangdong))).AssertProblemAsync(403);
        Assert.Equal("https://report-service/problems/agency-not-granted", (string)refused["type"]!);
        var lines = (await (await shanxi.PostAsync("/v1/reports/batch", Ndjson(Report("141122102"), Report(Guangdong)))).ReadObjectAsync())["lines"]!.AsArray();
        Assert.Equal(["accepted", "forbidden"], lines.Select(l => (string)l!["status"]!));

        Assert.Equal(HttpStatusCode.Created, (await twoProvinces.SubmitAsync(Report("141122104"))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await twoProvinces.SubmitAsync(Report(Guangdong))).StatusCode);
        await (await twoProvinces.SubmitAsync(Report(Beijing))).AssertProblemAsync(403);

        var id = await agency.SubmitAcceptedAsync(own);
        Assert.Equal(HttpStatusCode.OK, (await agency.CorrectAsync(id, own.DeepClone().AsObject().Set("/publishedOn", "2024-01-10"), "\"1\"")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await agency.SubmitAsync(Report(creditCode: codes[1]))).StatusCode);
        // Another agency of the same county: the grant is the credit code, not the region.
        refused = await (await agency.SubmitAsync(Report())).AssertProblemAsync(403);
        Assert.Contains(codes[0], (string)refused["detail"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_scope_of_the_providers_tokens_opens_its_operations_and_only_those()
    {
        var id = await (await ClientAsync("national-tool")).SubmitAcceptedAsync(Report());
        var dashboard = await ClientAsync("dashboard");
        var writer = await ClientAsync("writer-only");
        var narrowed = await ClientAsync("national-tool", scope: "reports:read");

        Assert.Equal(HttpStatusCode.OK, (await dashboard.GetAsync($"/v1/reports/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await dashboard.GetAsync("/v1/aggregates?year=2023")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await dashboard.GetAsync("/v1/regions?parent=14")).StatusCode);
        var problem = await (await dashboard.SubmitAsync(Report())).AssertProblemAsync(403);
        Assert.Equal("https://report-service/problems/scope-missing", (string)problem["type"]!);
        Assert.Contains("reports:write", (string)problem["detail"]!, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Created, (await writer.SubmitAsync(Report())).StatusCode);
        problem = await (await writer.GetAsync($"/v1/reports/{id}")).AssertProblemAsync(403);
        Assert.Contains("reports:read", (string)problem["detail"]!, StringComparison.Ordinal);
        await (await writer.GetAsync("/v1/aggregates?year=2023")).AssertProblemAsync(403);

        // A client asking for fewer scopes than it is granted gets a token with only those.
        Assert.Equal(HttpStatusCode.OK, (await narrowed.GetAsync($"/v1/reports/{id}")).StatusCode);
        await (await narrowed.SubmitAsync(Report())).AssertProblemAsync(403);

        await (await factory.CreateClient(token: null).GetAsync("/v1/aggregates?year=2023")).AssertProblemAsync(401);
    }

    public static TheoryData<string, string> RefusedTokens => new()
    {
        { "another issuer", "issuer" },
        { "another audience", "audience" },
        { "expired", "expired" },
        { "unknown key", "signature" },
        { "unknown key under the provider's key id", "signature" },
    };

    [Theory]
    [MemberData(nameof(RefusedTokens))]
    public async Task A_token_the_provider_did_not_issue_for_this_service_now_is_a_401_problem_saying_why(string kind, string reason)
    {
        var token = kind switch
        {
            "another issuer" => await AnotherIssuersTokenAsync(),
            "another audience" => await factory.Provider.TokenAsync("other-service-client"),
            "expired" => await ExpiredTokenAsync(),
            "unknown key" => TestIdentityProvider.Resign(await factory.Provider.TokenAsync("national-tool"), TestIdentityProvider.NewSigningKey()),
            _ => TestIdentityProvider.Resign(await factory.Provider.TokenAsync("national-tool"), new RsaSecurityKey(System.Security.Cryptography.RSA.Create(2048)) { KeyId = factory.Provider.SigningKey.KeyId }),
        };
        var client = factory.CreateClient(token);
        var before = await factory.ScalarAsync<long>("SELECT count(*) FROM reports");

        var response = await client.SubmitAsync(Report());

        var problem = await response.AssertProblemAsync(401);
        Assert.Contains(reason, (string)problem["detail"]!, StringComparison.Ordinal);
        Assert.Equal("Bearer error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString());
        await (await client.GetAsync("/v1/aggregates?year=2023")).AssertProblemAsync(401);
        Assert.Equal(before, await factory.ScalarAsync<long>("SELECT count(*) FROM reports"));
        // The same client's own token is accepted: only the token was wrong.
        Assert.Equal(HttpStatusCode.OK, (await (await ClientAsync("national-tool")).GetAsync("/v1/aggregates?year=2023")).StatusCode);
    }

    /// <summary>A token of a second, real provider at another address, signed with the very key the service trusts.</summary>
    private async Task<string> AnotherIssuersTokenAsync()
    {
        await using var other = await TestIdentityProvider.StartAsync(IdentityProviderServiceFactory.Clients, factory.Provider.SigningKey);
        return await other.TokenAsync("national-tool");
    }

    private async Task<string> ExpiredTokenAsync()
    {
        // Issued two hours ago for 30 minutes: well past the service's minute of clock skew.
        factory.Provider.ClockOffset = TimeSpan.FromHours(-2);
        try
        {
            return await factory.Provider.TokenAsync("national-tool");
        }
        finally
        {
            factory.Provider.ClockOffset = TimeSpan.Zero;
        }
    }
}
