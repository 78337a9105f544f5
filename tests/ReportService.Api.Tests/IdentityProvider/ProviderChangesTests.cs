using System.Diagnostics;
using System.Net;

namespace ReportService.Api.Tests.IdentityProvider;

/// <summary>
/// What happens to a running service when its identity provider changes: a signing-key rotation, the provider
/// being down when the service starts, and down again later. Each test has a service and a provider of its own,
/// because each changes the service's view of the provider's keys.
/// </summary>
public sealed class ProviderChangesTests
{
    private const string Reports = "/v1/reports?year=2023";

    [Fact]
    public async Task A_rotated_signing_key_is_picked_up_without_a_restart_and_the_withdrawn_key_is_no_longer_trusted()
    {
        await WithServiceAsync(async factory =>
        {
            var provider = factory.Provider;
            var first = await provider.TokenAsync("national-tool");
            Assert.Equal((0, 0), (provider.Requests(TestIdentityProvider.DiscoveryPath), provider.Requests(TestIdentityProvider.KeysPath)));
            for (var i = 0; i < 10; i++)
            {
                Assert.Equal(HttpStatusCode.OK, (await factory.CreateClient(first).GetAsync(Reports)).StatusCode);
            }

            // The service found the keys through the discovery document, once, and kept them.
            Assert.Equal((1, 1), (provider.Requests(TestIdentityProvider.DiscoveryPath), provider.Requests(TestIdentityProvider.KeysPath)));

            // The provider comes back with a new key, and publishes only that one.
            await provider.StopAsync();
            await provider.StartAsync(TestIdentityProvider.NewSigningKey());
            var second = await provider.TokenAsync("national-tool");

            var seen = await UntilAsync(() => factory.CreateClient(second).GetAsync(Reports), HttpStatusCode.OK);
            Assert.All(seen.SkipLast(1), status => Assert.Equal(HttpStatusCode.Unauthorized, status));
            Assert.True(provider.Requests(TestIdentityProvider.KeysPath) >= 2, "the keys were read again");
            var problem = await (await factory.CreateClient(first).GetAsync(Reports)).AssertProblemAsync(401);
            Assert.Contains("signature", (string)problem["detail"]!, StringComparison.Ordinal);

            // A second rotation soon after the first is picked up as well: Auth:UnknownKeyRefreshSeconds (1 here)
            // bounds how often tokens with unknown keys make the service read the provider's keys again.
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            await provider.StopAsync();
            await provider.StartAsync(TestIdentityProvider.NewSigningKey());
            var third = await provider.TokenAsync("national-tool");
            seen = await UntilAsync(() => factory.CreateClient(third).GetAsync(Reports), HttpStatusCode.OK);
            Assert.All(seen.SkipLast(1), status => Assert.Equal(HttpStatusCode.Unauthorized, status));
        });
    }

    [Fact]
    public async Task With_the_provider_down_at_start_tokens_get_503_until_it_is_back_and_then_known_keys_outlive_its_outages()
    {
        await WithServiceAsync(async factory =>
        {
            var provider = factory.Provider;
            var token = await provider.TokenAsync("national-tool");
            await provider.StopAsync();
            // The service starts now, with its provider down.
            var client = factory.CreateClient(token);

            var response = await client.GetAsync(Reports);
            var problem = await response.AssertProblemAsync(503);
            Assert.Contains("identity provider", (string)problem["detail"]!, StringComparison.Ordinal);
            Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
            await (await client.SubmitAsync(ReportService.TestSupport.Seeds.Json("004"))).AssertProblemAsync(503);
            Assert.Equal(0L, await factory.ScalarAsync<long>("SELECT count(*) FROM reports"));
            // Public data needs no token, so no provider either, whether or not the caller sends one.
            Assert.Equal(HttpStatusCode.OK, (await factory.CreateClient(token: null).GetAsync("/v1/rules")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/aggregates?year=2023")).StatusCode);

            await provider.StartAsync();
            var seen = await UntilAsync(() => client.GetAsync(Reports), HttpStatusCode.OK);
            Assert.All(seen.SkipLast(1), status => Assert.Equal(HttpStatusCode.ServiceUnavailable, status));

            // Down again: the keys already obtained still check its tokens, and an unknown key is refused as such.
            await provider.StopAsync();
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Reports)).StatusCode);
            var stranger = factory.CreateClient(TestIdentityProvider.Resign(token, TestIdentityProvider.NewSigningKey()));
            await (await stranger.GetAsync(Reports)).AssertProblemAsync(401);
        });
    }

    [Fact]
    public async Task A_provider_that_accepts_connections_and_never_answers_holds_requests_only_for_the_backchannel_timeout()
    {
        await WithServiceAsync(async factory =>
        {
            var provider = factory.Provider;
            var token = await provider.TokenAsync("national-tool");
            var port = new Uri(provider.Issuer).Port;
            await provider.StopAsync();
            // Hung, not down: the port takes connections (the backlog accepts them) and nothing ever answers.
            using var hung = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
            hung.Start();
            factory.Settings["Auth:BackchannelTimeoutSeconds"] = "2";
            var client = factory.CreateClient(token);

            var clock = Stopwatch.StartNew();
            var response = await client.GetAsync(Reports);

            // JwtBearer's own timeout is 60 s; each request waiting for the keys would wait that long.
            var problem = await response.AssertProblemAsync(503);
            Assert.Contains("identity provider", (string)problem["detail"]!, StringComparison.Ordinal);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"The request waited {clock.Elapsed} for a provider that never answers.");
        });
    }

    private static async Task WithServiceAsync(Func<IdentityProviderServiceFactory, Task> test)
    {
        var factory = new IdentityProviderServiceFactory();
        await factory.InitializeAsync();
        try
        {
            await test(factory);
        }
        finally
        {
            await ((IAsyncLifetime)factory).DisposeAsync();
        }
    }

    /// <summary>Sends until the answer is <paramref name="wanted"/> (at most 30 s, twice a second); every status seen, in order.</summary>
    private static async Task<List<HttpStatusCode>> UntilAsync(Func<Task<HttpResponseMessage>> send, HttpStatusCode wanted)
    {
        var seen = new List<HttpStatusCode>();
        var clock = Stopwatch.StartNew();
        while (true)
        {
            seen.Add((await send()).StatusCode);
            if (seen[^1] == wanted || clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                Assert.True(seen[^1] == wanted, $"Never {wanted} in 30 s: {string.Join(", ", seen)}");
                return seen;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }
    }
}
