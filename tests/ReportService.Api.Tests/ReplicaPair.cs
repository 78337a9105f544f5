using Npgsql;

namespace ReportService.Api.Tests;

/// <summary>
/// A primary with a synchronous standby of this test class's own (scripts/local-replica.sh under a temp dir), so that
/// losing its primary does not disturb the other test classes. Destroyed with its data when the class is done.
/// </summary>
public sealed class ReplicaPair : IAsyncLifetime
{
    private static readonly TimeSpan ScriptLimit = TimeSpan.FromSeconds(120);

    /// <summary>Far above 55432, where every other cluster on the machine looks for a port (see <see cref="OutageCluster"/>).</summary>
    private readonly int _startPort = System.Security.Cryptography.RandomNumberGenerator.GetInt32(58000, 64000);

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "rs-replica-" + Guid.NewGuid().ToString("N")[..12]);

    /// <summary>Both hosts, <c>Target Session Attributes=primary</c>, database <c>postgres</c>; the same across failovers.</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>The same hosts, for reads that must come from a standby.</summary>
    public string StandbyConnectionString =>
        new NpgsqlConnectionStringBuilder(ConnectionString) { TargetSessionAttributes = "standby" }.ConnectionString;

    public async Task InitializeAsync()
    {
        try
        {
            ConnectionString = (await RunAsync("start", _dir)).Trim();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync() => await RunAsync("destroy", _dir);

    /// <summary><c>immediate</c>: the primary crashes; <c>lose</c>: SIGKILL and its data directory deleted.</summary>
    public Task StopPrimaryAsync(string how) => RunAsync("stop-primary", _dir, how);

    /// <summary>The standby goes: the primary's commits wait until <see cref="RebuildAsync"/>.</summary>
    public Task StopStandbyAsync(string how) => RunAsync("stop-standby", _dir, how);

    public Task PromoteAsync() => RunAsync("promote", _dir);

    /// <summary>
    /// The old primary, stopped and not rebuilt, starts again as a primary beside the promoted one (no fencing):
    /// <c>sync</c> keeps its synchronous_standby_names, <c>async</c> clears them. <see cref="RebuildAsync"/> fences it.
    /// </summary>
    public Task ReturnOldPrimaryAsync(string how) => RunAsync("return", _dir, how);

    /// <summary>One node's own connection string (0: the first host, n1; 1: n2), whatever its role, for <paramref name="database"/>.</summary>
    public string NodeConnectionString(int node, string database)
    {
        var hosts = new NpgsqlConnectionStringBuilder(ConnectionString).Host!.Split(',');
        var (host, port) = (hosts[node][..hosts[node].LastIndexOf(':')], int.Parse(hosts[node][(hosts[node].LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        return new NpgsqlConnectionStringBuilder(ConnectionString)
        {
            Host = host,
            Port = port,
            Database = database,
            TargetSessionAttributes = "any",
            Pooling = false,
        }.ConnectionString;
    }

    /// <summary>The node that is not the primary becomes its synchronous standby again (a fresh copy, same port).</summary>
    public Task RebuildAsync() => RunAsync("rebuild", _dir);

    private Task<string> RunAsync(params string[] arguments) => LocalScript.RunAsync("local-replica.sh", _startPort, ScriptLimit, arguments);
}
