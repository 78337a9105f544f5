using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Npgsql;
using ReportService.TestSupport;
using Xunit.Abstractions;

namespace ReportService.Api.Tests;

/// <summary>
/// A PostgreSQL cluster of this test class's own (scripts/local-postgres.sh under a temp dir), so that stopping it
/// does not disturb the other test classes, which run in parallel on the shared <c>ConnectionStrings__Reports</c>
/// server. Destroyed with its data when the class is done.
/// </summary>
public sealed class OutageCluster : IAsyncLifetime
{
    private static readonly TimeSpan ScriptLimit = TimeSpan.FromSeconds(120);

    /// <summary>
    /// Where the script looks for a free port (LOCAL_PG_START_PORT), far above 55432 where every other cluster on the
    /// machine starts looking. While this cluster is down its port is free, and a cluster started meanwhile from 55432
    /// upwards could take it: the service would then talk to a stranger and the restart would land on another port.
    /// </summary>
    private readonly int _startPort = System.Security.Cryptography.RandomNumberGenerator.GetInt32(58000, 64000);

    /// <summary>Not created here: the script creates it (and marks it as its own, so that destroy may delete it).</summary>
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "rs-outage-" + Guid.NewGuid().ToString("N")[..12]);

    private bool _running;

    /// <summary>The server's connection string (database <c>postgres</c>); the same across stops and starts.</summary>
    public string ServerConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        try
        {
            ServerConnectionString = await StartAsync();
        }
        catch
        {
            await DestroyAsync();
            throw;
        }
    }

    public Task DisposeAsync() => DestroyAsync();

    /// <summary>Starts the cluster on its data dir (idempotent: a running cluster just answers its connection string).</summary>
    public async Task<string> StartAsync()
    {
        var connectionString = (await RunAsync("start", _dir)).Trim();
        if (ServerConnectionString.Length > 0 && connectionString != ServerConnectionString)
        {
            // Another program took the port while the cluster was down; the service under test cannot follow.
            throw new InvalidOperationException($"The cluster came back as {connectionString} instead of {ServerConnectionString}.");
        }

        _running = true;
        return connectionString;
    }

    /// <summary>Starts the cluster unless this fixture left it running (each script run costs a second or more on a busy machine).</summary>
    public async Task EnsureRunningAsync()
    {
        if (!_running)
        {
            await StartAsync();
        }
    }

    /// <summary>Stops the cluster at once, as in a crash: open connections die without a goodbye.</summary>
    public async Task StopAsync()
    {
        if (_running)
        {
            // Flush first, so that the crash recovery of the next start has little to replay and its end-of-recovery
            // checkpoint little to fsync: seconds saved on a busy disk. The service's own connections are untouched.
            await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ServerConnectionString) { Pooling = false }.ConnectionString);
            await connection.OpenAsync();
            await using var checkpoint = new NpgsqlCommand("CHECKPOINT", connection);
            await checkpoint.ExecuteNonQueryAsync();
        }

        _running = false;
        await RunAsync("stop", _dir, "immediate");
        await AssertNothingListensAsync();
    }

    /// <summary>Down means connections are refused: nothing else may answer on the cluster's port meanwhile.</summary>
    private async Task AssertNothingListensAsync()
    {
        var port = new NpgsqlConnectionStringBuilder(ServerConnectionString).Port;
        using var probe = new System.Net.Sockets.TcpClient();
        try
        {
            await probe.ConnectAsync(IPAddress.Loopback, port);
        }
        catch (System.Net.Sockets.SocketException e) when (e.SocketErrorCode == System.Net.Sockets.SocketError.ConnectionRefused)
        {
            return;
        }

        throw new InvalidOperationException($"Something still accepts connections on 127.0.0.1:{port} after the cluster was stopped.");
    }

    private async Task DestroyAsync() => await RunAsync("destroy", _dir);

    private Task<string> RunAsync(params string[] arguments) => LocalScript.RunAsync("local-postgres.sh", _startPort, ScriptLimit, arguments);
}

/// <summary>The service against <see cref="OutageCluster"/>, with a database of its own (made by its migrations).</summary>
public sealed class OutageServiceFactory(string server) : ServiceFactory(server);

/// <summary>
/// What a client sees when PostgreSQL really stops and starts again under the running service: 503 with
/// Retry-After while it is down (never 500), and recovery without a restart of the service once it is back.
/// </summary>
public sealed class DatabaseOutageTests(OutageCluster cluster, ITestOutputHelper output) : IClassFixture<OutageCluster>
{
    /// <summary>How long the service may take to notice that PostgreSQL is back (it retries migration every 2 s).</summary>
    private static readonly TimeSpan RecoveryLimit = TimeSpan.FromSeconds(30);

    private static JsonObject Report(int seed) =>
        ReportGenerator.Generate(new Random(seed), "2021", 2023, ReportGenerator.MakeCreditCode("141122", new Random(seed)));

    private static HttpClient ClientOf(OutageServiceFactory service)
    {
        var client = service.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(20);
        return client;
    }

    /// <summary>503, problem+json with a traceId, and a Retry-After: what every database endpoint answers in an outage.</summary>
    internal static async Task AssertUnavailableAsync(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable,
            $"{response.RequestMessage!.Method} {response.RequestMessage.RequestUri!.PathAndQuery}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        await response.AssertProblemAsync(503);
        var retryAfter = response.Headers.RetryAfter?.Delta;
        Assert.True(retryAfter > TimeSpan.Zero, $"Retry-After: {response.Headers.RetryAfter}");
    }

    /// <summary>Sends <paramref name="send"/> until it answers <paramref name="success"/>; every other answer must be the outage's 503.</summary>
    internal static async Task<HttpResponseMessage> RetryWhileUnavailableAsync(Func<Task<HttpResponseMessage>> send, HttpStatusCode success, Stopwatch since)
    {
        while (true)
        {
            var response = await send();
            if (response.StatusCode == success)
            {
                return response;
            }

            await AssertUnavailableAsync(response);
            Assert.True(since.Elapsed < RecoveryLimit, $"still 503 after {since.Elapsed} without PostgreSQL being down");
            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }

    /// <summary>Polls readiness, which answers 503 (plain JSON, status unready) until the schema is migrated and the database answers.</summary>
    private static async Task WaitUntilReadyAsync(HttpClient client, Stopwatch since)
    {
        while (true)
        {
            var response = await client.GetAsync("/health/ready");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return;
            }

            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            Assert.True(since.Elapsed < RecoveryLimit, $"still unready after {since.Elapsed}: {await response.Content.ReadAsStringAsync()}");
            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }

    private static async Task AssertReadyAsync(HttpClient client, bool ready)
    {
        var response = await client.GetAsync("/health/ready");
        Assert.Equal(ready ? HttpStatusCode.OK : HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(ready ? "ready" : "unready", (string)(await response.ReadObjectAsync())["status"]!);
    }

    private static async Task AssertLiveAsync(HttpClient client) =>
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);

    /// <summary>Every database endpoint the outage must turn into 503 (the submission with the given key).</summary>
    private static async Task AssertEveryEndpointUnavailableAsync(HttpClient client, JsonObject newReport, string idempotencyKey, Guid existing)
    {
        await AssertUnavailableAsync(await client.SubmitAsync(newReport, idempotencyKey));
        await AssertUnavailableAsync(await client.GetAsync($"{ReportClient.Reports}/{existing}"));
        await AssertUnavailableAsync(await client.PostAsync($"{ReportClient.Reports}/validate", Http.Json(newReport)));
        await AssertUnavailableAsync(await client.GetAsync(ReportClient.Reports));
        await AssertUnavailableAsync(await client.GetAsync($"{ReportClient.Reports}?year=2023"));
        // Completeness needs a sync of the change log before it answers from its index (ADR 18).
        await AssertUnavailableAsync(await client.GetAsync("/v1/completeness?year=2024&groupBy=province"));
        await AssertUnavailableAsync(await client.GetAsync("/v1/completeness/missing?year=2024&region=141122"));
        await AssertReadyAsync(client, ready: false);
        await AssertLiveAsync(client);
    }

    [Fact]
    public async Task While_PostgreSQL_is_down_every_endpoint_answers_503_and_the_service_recovers_by_itself_when_it_is_back()
    {
        await cluster.EnsureRunningAsync();
        var clock = Stopwatch.StartNew();
        await using var service = new OutageServiceFactory(cluster.ServerConnectionString);
        var client = ClientOf(service);
        await AssertReadyAsync(client, ready: true);
        output.WriteLine($"service started and migrated in {clock.ElapsedMilliseconds} ms");

        var before = Report(1);
        var id = await client.SubmitAcceptedAsync(before);
        var location = $"{ReportClient.Reports}/{id}";
        var storedBefore = await client.GetAsync(location);
        Assert.Equal(HttpStatusCode.OK, storedBefore.StatusCode);
        var bodyBefore = await storedBefore.ReadObjectAsync();
        Assert.True(JsonNode.DeepEquals(before, bodyBefore["report"]));

        clock.Restart();
        await cluster.StopAsync();
        output.WriteLine($"PostgreSQL stopped (immediate) in {clock.ElapsedMilliseconds} ms");

        var retried = Report(2);
        var key = "outage-" + Guid.NewGuid().ToString("N");
        clock.Restart();
        await AssertEveryEndpointUnavailableAsync(client, retried, key, id);
        await AssertUnavailableAsync(await client.SubmitAsync(retried, key));   // the client's retry, still in the outage
        output.WriteLine($"outage requests answered in {clock.ElapsedMilliseconds} ms");

        clock.Restart();
        await cluster.StartAsync();
        output.WriteLine($"PostgreSQL started again in {clock.ElapsedMilliseconds} ms");

        // The client keeps retrying its submission with the same key; the first request after the restart may meet a
        // connection the pool still holds from before, which must cost a 503 at most.
        clock.Restart();
        var accepted = await RetryWhileUnavailableAsync(() => client.SubmitAsync(retried, key), HttpStatusCode.Created, clock);
        output.WriteLine($"first 201 after the restart in {clock.ElapsedMilliseconds} ms");
        var retriedId = Guid.Parse((string)(await accepted.ReadObjectAsync())["id"]!);

        await AssertReadyAsync(client, ready: true);
        await AssertLiveAsync(client);

        var storedAfter = await client.GetAsync(location);
        Assert.Equal(HttpStatusCode.OK, storedAfter.StatusCode);
        Assert.Equal(storedBefore.Headers.ETag, storedAfter.Headers.ETag);
        var bodyAfter = await storedAfter.ReadObjectAsync();
        Assert.True(JsonNode.DeepEquals(bodyBefore, bodyAfter), bodyAfter.ToJsonString());

        var fresh = Report(3);
        var freshId = await client.SubmitAcceptedAsync(fresh);
        var freshStored = await client.GetAsync($"{ReportClient.Reports}/{freshId}");
        Assert.Equal(HttpStatusCode.OK, freshStored.StatusCode);
        Assert.True(JsonNode.DeepEquals(fresh, (await freshStored.ReadObjectAsync())["report"]));

        // Once more with the same key: the replay of the first success, not a second report.
        var replay = await client.SubmitAsync(retried, key);
        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        Assert.Equal(retriedId, Guid.Parse((string)(await replay.ReadObjectAsync())["id"]!));
        var creditCode = (string)retried["agency"]!["creditCode"]!;
        Assert.Equal(1L, await service.ScalarAsync<long>("SELECT count(*) FROM reports WHERE credit_code = @c", ("c", creditCode)));
        Assert.Equal(1L, await service.ScalarAsync<long>("SELECT count(*) FROM idempotency_keys WHERE key = @k", ("k", key)));
        Assert.Equal(3L, await service.ScalarAsync<long>("SELECT count(*) FROM reports"));

        var list = await client.GetAsync(ReportClient.Reports);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
    }

    [Fact]
    public async Task A_service_started_while_PostgreSQL_is_down_answers_503_and_becomes_ready_by_itself_once_it_is_up()
    {
        await cluster.StopAsync();
        await using var service = new OutageServiceFactory(cluster.ServerConnectionString);
        var clock = Stopwatch.StartNew();
        var client = ClientOf(service);   // starts the host: the migration fails and is retried in the background
        output.WriteLine($"service started without PostgreSQL in {clock.ElapsedMilliseconds} ms");

        var report = Report(11);
        var key = "cold-" + Guid.NewGuid().ToString("N");
        await AssertEveryEndpointUnavailableAsync(client, report, key, Guid.NewGuid());

        clock.Restart();
        await cluster.StartAsync();
        output.WriteLine($"PostgreSQL started in {clock.ElapsedMilliseconds} ms");

        clock.Restart();
        await WaitUntilReadyAsync(client, clock);
        output.WriteLine($"ready {clock.ElapsedMilliseconds} ms after PostgreSQL started (migration retried in the background)");

        var accepted = await client.SubmitAsync(report, key);
        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
        var id = Guid.Parse((string)(await accepted.ReadObjectAsync())["id"]!);
        var stored = await client.GetAsync($"{ReportClient.Reports}/{id}");
        Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
        Assert.True(JsonNode.DeepEquals(report, (await stored.ReadObjectAsync())["report"]));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(ReportClient.Reports)).StatusCode);
    }

    [Fact]
    public async Task A_restart_of_PostgreSQL_between_two_requests_costs_at_most_a_503_never_a_500()
    {
        await cluster.EnsureRunningAsync();
        var clock = Stopwatch.StartNew();
        await using var service = new OutageServiceFactory(cluster.ServerConnectionString);
        var client = ClientOf(service);
        await AssertReadyAsync(client, ready: true);
        output.WriteLine($"service started and migrated in {clock.ElapsedMilliseconds} ms");

        // Several idle connections in the pool, all of which the restart kills without the service noticing.
        var reports = Enumerable.Range(21, 4).Select(Report).ToList();
        var ids = await Task.WhenAll(reports.Select(r => client.SubmitAcceptedAsync(r)));
        await Task.WhenAll(ids.Select(i => client.GetAsync($"{ReportClient.Reports}/{i}")));

        clock.Restart();
        await cluster.StopAsync();
        await cluster.StartAsync();
        output.WriteLine($"PostgreSQL stopped and started in {clock.ElapsedMilliseconds} ms");

        clock.Restart();
        var first = await client.GetAsync($"{ReportClient.Reports}/{ids[0]}");
        output.WriteLine($"first request after the restart: {(int)first.StatusCode}");
        if (first.StatusCode != HttpStatusCode.OK)
        {
            await AssertUnavailableAsync(first);
        }

        for (var i = 0; i < ids.Length; i++)
        {
            var index = i;
            var response = await RetryWhileUnavailableAsync(() => client.GetAsync($"{ReportClient.Reports}/{ids[index]}"), HttpStatusCode.OK, clock);
            Assert.True(JsonNode.DeepEquals(reports[i], (await response.ReadObjectAsync())["report"]));
        }

        output.WriteLine($"all reports readable {clock.ElapsedMilliseconds} ms after the restart");
        await AssertReadyAsync(client, ready: true);
        await client.SubmitAcceptedAsync(Report(25));
    }
}
