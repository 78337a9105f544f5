namespace ReportService.Api.Infrastructure.Security;

/// <summary>
/// How bearer tokens are checked (configuration section <c>Auth</c>). Either an OpenID Connect
/// <see cref="Authority"/> (the government identity provider: signing keys from its discovery document) or,
/// for development and tests, a shared HS256 <see cref="SigningKey"/>. One of the two is required.
/// </summary>
internal sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>The issuer a development token names when no <see cref="Issuer"/> is configured.</summary>
    public const string DevelopmentIssuer = "report-service-development";

    /// <summary>HS256 needs a key of at least 256 bits.</summary>
    public const int MinimumSigningKeyLength = 32;

    /// <summary>IdentityModel's floor for the scheduled refresh of the provider's metadata (5 minutes).</summary>
    public const int MinimumMetadataRefreshSeconds = 300;

    /// <summary>The identity provider's issuer URL (its <c>/.well-known/openid-configuration</c> is read).</summary>
    public string? Authority { get; set; }

    /// <summary>The audience tokens must name.</summary>
    public string Audience { get; set; } = "report-service";

    /// <summary>The issuer tokens must name; defaults to the authority, or <see cref="DevelopmentIssuer"/> with a signing key.</summary>
    public string? Issuer { get; set; }

    /// <summary>A shared HS256 key (at least 32 characters), for development and tests only.</summary>
    public string? SigningKey { get; set; }

    /// <summary>Whether the authority's metadata must be fetched over HTTPS.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>
    /// Seconds between scheduled re-reads of the authority's discovery document and keys. IdentityModel allows no
    /// less than 300. A key the provider withdraws (compromised) is trusted until the next re-read.
    /// </summary>
    public int MetadataRefreshSeconds { get; set; } = 3600;

    /// <summary>
    /// The least seconds between two re-reads caused by tokens signed with a key the service has not seen (the
    /// provider rotated its key): this bounds how often such tokens make the service call the provider.
    /// </summary>
    public int UnknownKeyRefreshSeconds { get; set; } = 300;

    /// <summary>
    /// Seconds a read of the provider's discovery document or keys may take. Requests that need the keys wait for
    /// that read (the first one after a start, or a rotation), so a provider that accepts connections and never
    /// answers holds them this long before they get 503. JwtBearer's own default is 60.
    /// </summary>
    public int BackchannelTimeoutSeconds { get; set; } = 10;

    public const int MaximumBackchannelTimeoutSeconds = 60;

    /// <summary>Whether aggregates, regions and rules are readable without a token (they are public data).</summary>
    public bool PublicData { get; set; } = true;

    /// <summary>Whether full report bodies and their revisions are readable without <c>reports:read</c>.</summary>
    public bool PublicReports { get; set; }

    public string EffectiveIssuer =>
        !string.IsNullOrWhiteSpace(Issuer) ? Issuer
        : !string.IsNullOrWhiteSpace(Authority) ? Authority.TrimEnd('/')
        : DevelopmentIssuer;

    /// <summary>What is wrong with the configuration, or null.</summary>
    public string? Problem()
    {
        if (string.IsNullOrWhiteSpace(Authority) && string.IsNullOrWhiteSpace(SigningKey))
        {
            return "Auth:Authority (the identity provider) or Auth:SigningKey (development) must be configured. " +
                "scripts/run configures a development key for you.";
        }

        if (!string.IsNullOrWhiteSpace(SigningKey) && SigningKey.Length < MinimumSigningKeyLength)
        {
            return $"Auth:SigningKey must have at least {MinimumSigningKeyLength} characters.";
        }

        if (!string.IsNullOrWhiteSpace(Authority))
        {
            if (!Uri.TryCreate(Authority, UriKind.Absolute, out var authority) || (authority.Scheme != Uri.UriSchemeHttps && authority.Scheme != Uri.UriSchemeHttp))
            {
                return "Auth:Authority must be the identity provider's issuer URL, e.g. https://idp.example.gov.cn/realms/reports.";
            }

            if (RequireHttpsMetadata && authority.Scheme != Uri.UriSchemeHttps)
            {
                return "Auth:Authority must be an https URL (Auth:RequireHttpsMetadata=false allows http, for tests on loopback only).";
            }

            if (MetadataRefreshSeconds < MinimumMetadataRefreshSeconds)
            {
                return $"Auth:MetadataRefreshSeconds must be at least {MinimumMetadataRefreshSeconds}.";
            }

            if (UnknownKeyRefreshSeconds < 1)
            {
                return "Auth:UnknownKeyRefreshSeconds must be at least 1.";
            }

            if (BackchannelTimeoutSeconds is < 1 or > MaximumBackchannelTimeoutSeconds)
            {
                return $"Auth:BackchannelTimeoutSeconds must be between 1 and {MaximumBackchannelTimeoutSeconds}.";
            }
        }

        return null;
    }
}
