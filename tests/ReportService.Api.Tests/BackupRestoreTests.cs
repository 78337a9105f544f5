using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using ReportService.TestSupport;
using Xunit.Abstractions;

namespace ReportService.Api.Tests;

/// <summary>The service against a database of a cluster of the test's own (the database's name given, so that a restored copy is found).</summary>
public sealed class BackupServiceFactory(string server, string database) : ServiceFactory(server, database);

/// <summary>
/// A base backup and a WAL archive (scripts/backup.sh) restore the database after its cluster is destroyed
/// (scripts/restore.sh): to the last archived moment with every acknowledged report, and to a chosen earlier moment
/// with every report acknowledged before it and none after (ADR 12, docs/operations.md).
/// </summary>
public sealed class BackupRestoreTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan ScriptLimit = TimeSpan.FromSeconds(180);

    private readonly int _startPort = System.Security.Cryptography.RandomNumberGenerator.GetInt32(58000, 64000);

    /// <summary>Clusters (local-postgres.sh directories), the archive and the backups of this test, all deleted afterwards.</summary>
    private readonly string _root = Path.Combine(Path.GetTempPath(), "rs-backup-" + Guid.NewGuid().ToString("N")[..12]);

    private readonly List<string> _clusters = [];

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_root);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var cluster in _clusters)
        {
            await Run("local-postgres.sh", "destroy", cluster);
        }

        Directory.Delete(_root, recursive: true);
    }

    private Task<string> Run(string script, params string[] arguments) => LocalScript.RunAsync(script, _startPort, ScriptLimit, arguments);

    private string Cluster(string name)
    {
        var dir = Path.Combine(_root, name);
        _clusters.Add(dir);
        return dir;
    }

    private static JsonObject Report(int seed) =>
        ReportGenerator.Generate(new Random(seed), "2021", 2023, ReportGenerator.MakeCreditCode("141122", new Random(seed)));

    private static async Task<List<Guid>> SubmitAsync(HttpClient client, IEnumerable<int> seeds)
    {
        var ids = new List<Guid>();
        foreach (var seed in seeds)
        {
            ids.Add(await client.SubmitAcceptedAsync(Report(seed)));
        }

        return ids;
    }

    /// <summary>Through the service on the restored cluster: each report is there (200, same body) or not (404), and nothing else is.</summary>
    private static async Task AssertRestoredAsync(BackupServiceFactory service, IReadOnlyList<(Guid Id, int Seed)> present, IReadOnlyList<Guid> absent)
    {
        var client = service.CreateClient();
        foreach (var (id, seed) in present)
        {
            var response = await client.GetAsync($"{ReportClient.Reports}/{id}");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{id}: {(int)response.StatusCode}");
            Assert.True(JsonNode.DeepEquals(Report(seed), (await response.ReadObjectAsync())["report"]));
        }

        foreach (var id in absent)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"{ReportClient.Reports}/{id}")).StatusCode);
        }

        Assert.Equal((long)present.Count, await service.ScalarAsync<long>("SELECT count(*) FROM reports"));
        // The rollups were restored with the reports they sum (one transaction each).
        Assert.Equal((long)present.Count, await service.ScalarAsync<long>("SELECT coalesce(sum(report_count), 0)::bigint FROM aggregate_rollups WHERE grain = 2"));
    }

    [Fact]
    public async Task A_destroyed_cluster_is_restored_to_the_last_archived_moment_and_to_a_chosen_earlier_time()
    {
        var database = "rs_backup_" + Guid.NewGuid().ToString("N")[..12];
        var archive = Path.Combine(_root, "archive");
        var original = Cluster("original");
        var server = (await Run("local-postgres.sh", "start", original)).Trim();
        await Run("backup.sh", "archive", original, archive);

        List<Guid> beforeBackup, afterBackup, afterTarget;
        string backup, target;
        await using (var service = new BackupServiceFactory(server, database))
        {
            var client = service.CreateClient();
            beforeBackup = await SubmitAsync(client, [1, 2, 3]);
            backup = (await Run("backup.sh", "base", original, Path.Combine(_root, "backups"))).Trim();
            afterBackup = await SubmitAsync(client, [4, 5, 6]);

            // The chosen moment, with a margin on both sides: every commit before it was acknowledged before it.
            await Task.Delay(TimeSpan.FromSeconds(1));
            target = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture) + "+00";
            await Task.Delay(TimeSpan.FromSeconds(1));
            afterTarget = await SubmitAsync(client, [7, 8, 9]);
            await Run("backup.sh", "switch", original);
        }

        // The machine is gone, with its data directory.
        await Run("local-postgres.sh", "destroy", original);
        output.WriteLine($"backup {backup}, target time {target}");

        var latest = (await Run("restore.sh", backup, archive, Cluster("latest"))).Trim();
        await using (var service = new BackupServiceFactory(latest, database))
        {
            await AssertRestoredAsync(service,
                [.. beforeBackup.Concat(afterBackup).Concat(afterTarget).Select((id, i) => (id, i + 1))], []);
        }

        var earlier = (await Run("restore.sh", backup, archive, Cluster("earlier"), target)).Trim();
        await using (var service = new BackupServiceFactory(earlier, database))
        {
            await AssertRestoredAsync(service, [.. beforeBackup.Concat(afterBackup).Select((id, i) => (id, i + 1))], afterTarget);
        }
    }
}
