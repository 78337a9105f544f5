using Microsoft.AspNetCore.Hosting;

namespace ReportService.Api.Tests.IdentityProvider;

/// <summary>
/// The service in the identity-provider mode of ADR 6: <c>Auth:Authority</c> and <c>Auth:Audience</c> name a
/// real OpenID Connect server (<see cref="TestIdentityProvider"/>, started by <see cref="InitializeAsync"/>)
/// and no signing key is configured, so every token is checked against the keys the provider publishes.
/// </summary>
public class IdentityProviderServiceFactory : ServiceFactory
{
    public const string Audience = "report-service";

    /// <summary>The agencies <c>agency-system</c> may write for (two agencies of 交城县, region 141122).</summary>
    public static readonly string[] AgencyCreditCodes =
        [ReportService.TestSupport.ReportGenerator.MakeCreditCode("141122", new Random(12)), ReportService.TestSupport.ReportGenerator.MakeCreditCode("141122", new Random(13))];

    /// <summary>The clients of the identity-provider tests: one per scope and grant the service knows.</summary>
    public static readonly ProviderClient[] Clients =
    [
        new("national-tool", "reports:write reports:read", RegionPrefixes: ["*"]),
        new("shanxi-oa", "reports:write reports:read", RegionPrefixes: ["14"]),
        new("agency-system", "reports:write reports:read", CreditCodes: AgencyCreditCodes),
        new("two-provinces", "reports:write", RegionPrefixes: ["14", "44"]),
        new("dashboard", "reports:read"),
        new("writer-only", "reports:write", RegionPrefixes: ["*"]),
        new("other-service-client", "reports:write reports:read", RegionPrefixes: ["*"], Audience: "another-service"),
    ];

    public TestIdentityProvider Provider { get; private set; } = null!;

    /// <summary>Settings the test adds (e.g. <c>Auth:PublicData</c>).</summary>
    public Dictionary<string, string> Settings { get; } = [];

    public override async Task InitializeAsync()
    {
        Provider = await TestIdentityProvider.StartAsync(Clients);
    }

    /// <summary>Clients send the provider's tokens, never the development key's.</summary>
    protected override string? DefaultToken => null;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Auth:SigningKey", "");
        builder.UseSetting("Auth:Authority", Provider.Issuer);
        builder.UseSetting("Auth:Audience", Audience);
        // The test provider serves plain HTTP on loopback; production keeps the default (HTTPS only).
        builder.UseSetting("Auth:RequireHttpsMetadata", "false");
        // A token with a key the service has not seen may fetch the provider's keys again after a second (default 300).
        builder.UseSetting("Auth:UnknownKeyRefreshSeconds", "1");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Provider is not null)
        {
            await Provider.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}
