using System.Net;
using System.Net.Sockets;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace ReportService.Api.Tests.IdentityProvider;

/// <summary>A client registered at the test identity provider, with what its tokens carry.</summary>
public sealed record ProviderClient(
    string Id,
    string Scopes,
    string[]? CreditCodes = null,
    string[]? RegionPrefixes = null,
    string Audience = "report-service")
{
    public string Secret { get; } = "secret-of-" + Id;
}

/// <summary>
/// A real OpenID Connect server (OpenIddict) on a loopback port of its own, over plain HTTP: discovery at
/// <c>/.well-known/openid-configuration</c>, its keys at the JWKS address the discovery names, and the
/// client-credentials grant at <c>/connect/token</c>. Access tokens are RS256 JWTs (not encrypted) carrying
/// what the service reads: <c>sub</c>, <c>client_id</c>, <c>scope</c>, <c>aud</c> and the write grants
/// <c>credit_codes</c> / <c>region_prefixes</c>, as a production provider is configured to issue them
/// (docs/operations.md). It can be stopped and started again on the same port, with another signing key
/// (a rotation) or the same one (an outage), and its clock can be shifted to issue tokens that have expired.
/// </summary>
public sealed class TestIdentityProvider : IAsyncDisposable
{
    private readonly Dictionary<string, ProviderClient> _clients;
    private readonly ShiftedClock _clock = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _requests = new(StringComparer.Ordinal);
    private WebApplication? _app;

    private TestIdentityProvider(IEnumerable<ProviderClient> clients, int port, RsaSecurityKey signingKey)
    {
        _clients = clients.ToDictionary(c => c.Id, StringComparer.Ordinal);
        Port = port;
        SigningKey = signingKey;
    }

    public int Port { get; }

    /// <summary>The issuer (and <c>Auth:Authority</c>): OpenIddict names its issuer with a closing slash.</summary>
    public string Issuer => $"http://127.0.0.1:{Port}/";

    /// <summary>The key access tokens are signed with now (its public half is the only one the JWKS lists).</summary>
    public RsaSecurityKey SigningKey { get; private set; }

    /// <summary>Tokens issued from now on are issued as if the clock were this far off (negative: in the past).</summary>
    public TimeSpan ClockOffset
    {
        get => _clock.Offset;
        set => _clock.Offset = value;
    }

    /// <summary>The discovery document's address.</summary>
    public const string DiscoveryPath = "/.well-known/openid-configuration";

    /// <summary>The JWKS address OpenIddict's discovery document names.</summary>
    public const string KeysPath = "/.well-known/jwks";

    /// <summary>How many requests for this path the provider has answered since it was created (across restarts).</summary>
    public int Requests(string path) => _requests.GetValueOrDefault(path);

    /// <summary>A provider on a free loopback port, started.</summary>
    public static async Task<TestIdentityProvider> StartAsync(IEnumerable<ProviderClient> clients, RsaSecurityKey? signingKey = null)
    {
        var provider = new TestIdentityProvider(clients, FreeLoopbackPort(), signingKey ?? NewSigningKey());
        await provider.StartAsync();
        return provider;
    }

    /// <summary>A fresh 2048-bit RSA key with a key id of its own.</summary>
    public static RsaSecurityKey NewSigningKey() => new(RSA.Create(2048)) { KeyId = "test-" + Guid.NewGuid().ToString("N")[..12] };

    /// <summary>Starts the server (again) on its port, with <paramref name="signingKey"/> when given (a key rotation).</summary>
    public async Task StartAsync(RsaSecurityKey? signingKey = null)
    {
        if (_app is not null)
        {
            throw new InvalidOperationException("The identity provider is already running.");
        }

        SigningKey = signingKey ?? SigningKey;
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, Port));
        builder.Services.AddSingleton<TimeProvider>(_clock);
        builder.Services.AddOpenIddict().AddServer(server =>
        {
            server.SetTokenEndpointUris("connect/token");
            server.AllowClientCredentialsFlow();
            server.RegisterScopes("reports:write", "reports:read");
            // No application or token store: this class validates the clients itself.
            server.EnableDegradedMode();
            server.AddSigningKey(SigningKey);
            // OpenIddict requires an encryption key even when access tokens are not encrypted.
            server.AddEphemeralEncryptionKey();
            // Resource servers read the JWT themselves (RFC 9068 access tokens), as a Keycloak realm issues them.
            server.DisableAccessTokenEncryption();
            server.SetAccessTokenLifetime(TimeSpan.FromMinutes(30));
            server.UseAspNetCore().DisableTransportSecurityRequirement();
            server.AddEventHandler<OpenIddictServerEvents.ValidateTokenRequestContext>(handler => handler.UseInlineHandler(ValidateTokenRequest));
            server.AddEventHandler<OpenIddictServerEvents.HandleTokenRequestContext>(handler => handler.UseInlineHandler(HandleTokenRequest));
        });
        var app = builder.Build();
        app.Use((context, next) =>
        {
            _requests.AddOrUpdate(context.Request.Path.Value ?? "", 1, (_, count) => count + 1);
            return next(context);
        });
        app.UseAuthentication();
        await app.StartAsync();
        _app = app;
    }

    /// <summary>Stops the server: its port refuses connections until <see cref="StartAsync(RsaSecurityKey?)"/>.</summary>
    public async Task StopAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    public ValueTask DisposeAsync() => new(StopAsync());

    /// <summary>An access token for the client (client credentials grant, HTTP Basic client authentication).</summary>
    public async Task<string> TokenAsync(string clientId, string? scope = null)
    {
        var client = _clients[clientId];
        using var http = new HttpClient { BaseAddress = new Uri(Issuer) };
        var form = new Dictionary<string, string> { ["grant_type"] = GrantTypes.ClientCredentials };
        if (scope is not null)
        {
            form["scope"] = scope;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "connect/token") { Content = new FormUrlEncodedContent(form) };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.EscapeDataString(client.Id) + ":" + Uri.EscapeDataString(client.Secret))));
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"The identity provider refused a token to {clientId}: {(int)response.StatusCode} {body}");
        }

        return (string)JsonNode.Parse(body)!["access_token"]!;
    }

    /// <summary>A token's own claims signed with another key (a forgery, or a provider the service does not know).</summary>
    public static string Resign(string token, RsaSecurityKey key)
    {
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(token.Split('.')[1]));
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(payload,
            new SigningCredentials(key, SecurityAlgorithms.RsaSha256), new Dictionary<string, object> { ["typ"] = "at+jwt" });
    }

    private ValueTask ValidateTokenRequest(OpenIddictServerEvents.ValidateTokenRequestContext context)
    {
        if (!context.Request.IsClientCredentialsGrantType())
        {
            context.Reject(error: Errors.UnsupportedGrantType, description: "Only the client credentials grant is served.");
        }
        else if (context.ClientId is not { } id || !_clients.TryGetValue(id, out var client) ||
            !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(context.Request.ClientSecret ?? ""), Encoding.UTF8.GetBytes(client.Secret)))
        {
            context.Reject(error: Errors.InvalidClient, description: "Unknown client or wrong secret.");
        }

        return default;
    }

    /// <summary>
    /// What a realm's client registration puts into its tokens: the subject is the client, the scopes are those
    /// asked for among those granted (all granted when none are asked for), the audience is the service, and the
    /// write grants come from the registration.
    /// </summary>
    private ValueTask HandleTokenRequest(OpenIddictServerEvents.HandleTokenRequestContext context)
    {
        var client = _clients[context.Request.ClientId!];
        var granted = client.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var asked = context.Request.GetScopes();
        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, client.Id);
        identity.SetScopes(asked.IsEmpty ? granted : asked.Intersect(granted, StringComparer.Ordinal));
        identity.SetResources(client.Audience);
        if (client.CreditCodes is { } creditCodes)
        {
            identity.SetClaims("credit_codes", [.. creditCodes]);
        }

        if (client.RegionPrefixes is { } regions)
        {
            identity.SetClaims("region_prefixes", [.. regions]);
        }

        identity.SetDestinations(static _ => [Destinations.AccessToken]);
        context.SignIn(new ClaimsPrincipal(identity));
        return default;
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The provider's clock: the real one, shifted by <see cref="Offset"/>.</summary>
    private sealed class ShiftedClock : TimeProvider
    {
        private long _offsetTicks;

        public TimeSpan Offset
        {
            get => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
            set => Interlocked.Exchange(ref _offsetTicks, value.Ticks);
        }

        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;
    }
}
