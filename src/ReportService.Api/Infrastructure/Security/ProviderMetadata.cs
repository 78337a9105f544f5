using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace ReportService.Api.Infrastructure.Security;

/// <summary>
/// The identity provider's discovery document and signing keys, fetched and refreshed by IdentityModel's
/// configuration manager (on a schedule, and when a token names a key the service has not seen: a rotation).
/// It also remembers whether the keys were ever obtained: until then a token cannot be checked at all, and
/// the honest answer is 503 "retry later", not 401 "your token is bad" (ADR 6). Once obtained, the keys stay in
/// use while the provider is unreachable; keys it stops publishing are dropped at the next successful read.
/// </summary>
internal sealed class ProviderMetadata : ConfigurationManager<OpenIdConnectConfiguration>
{
    /// <summary>The discovery document of an authority (OpenID Connect Discovery 1.0, section 4).</summary>
    public const string DiscoveryPath = ".well-known/openid-configuration";

    private volatile bool _obtained;

    public ProviderMetadata(AuthOptions auth, HttpClient backchannel)
        : base(auth.Authority!.TrimEnd('/') + "/" + DiscoveryPath, new OpenIdConnectConfigurationRetriever(),
            new HttpDocumentRetriever(backchannel) { RequireHttps = auth.RequireHttpsMetadata })
    {
        AutomaticRefreshInterval = TimeSpan.FromSeconds(auth.MetadataRefreshSeconds);
        RefreshInterval = TimeSpan.FromSeconds(auth.UnknownKeyRefreshSeconds);
        // A key the provider no longer publishes is no longer trusted once the keys are read again. IdentityModel
        // would otherwise retry a refused token with the previous keys for an hour, a compromised key's too.
        UseLastKnownGoodConfiguration = false;
    }

    /// <summary>Whether the provider's keys have been obtained since the service started.</summary>
    public bool Obtained => _obtained;

    public override async Task<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancel)
    {
        var configuration = await base.GetConfigurationAsync(cancel);
        _obtained = true;
        return configuration;
    }
}
