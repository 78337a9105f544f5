using System.Globalization;
using System.Net;
using System.Text.Json;
using Npgsql;

namespace ReportService.CrashClient;

/// <summary>
/// After the faults, with the service and the database up: checks the ledger against what the service
/// answers and what the tables hold.
///   (a) every acknowledged report is stored exactly once: GET by id, and in SQL one report per identity,
///       one revision, the body's hash, the idempotency record; no stored report the ledger does not know;
///   (b) every key that ended acknowledged got the same id on every acknowledged attempt;
///   (c) aggregates equal a re-aggregation of the stored reports: GET /v1/aggregates, cell by cell, against
///       SQL sums over reports JOIN report_revisions (current revision); aggregate_rollups summed over
///       shards at every grain against the same re-aggregation.
/// Prints one VERIFY line per check and a RESULT line; exits 1 on any inconsistency.
/// </summary>
internal static class Verifier
{
    private const int MaxShown = 15;

    /// <summary>The aggregate queries compared, with their dimensions and region prefix.</summary>
    private static readonly (string Query, string[] Dimensions, string? Region)[] AggregateQueries =
    [
        ("groupBy=province,year", ["province", "year"], null),
        ("region=1411&groupBy=county", ["county"], "1411"),
        ("region=141122&groupBy=township,year", ["township", "year"], "141122"),
        ("", [], null),
    ];

    private static readonly int[] Grains = [2, 4, 6, 9];

    public static async Task<int> RunAsync(Uri url, Options options)
    {
        var ledger = LedgerWriter.Read(options.String("ledger"));
        await using var db = NpgsqlDataSource.Create(options.String("db"));
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = url, Timeout = TimeSpan.FromSeconds(60) }.Authorized();
        var v = new Verification();

        var acknowledged = CheckLedger(ledger, v);
        var stored = await CheckTablesAsync(db, ledger, acknowledged, v);
        await CheckGetAsync(client, acknowledged, v);
        await CheckAggregatesAsync(client, db, v);
        await CheckRollupsAsync(db, v);

        Console.WriteLine(
            $"RESULT verify failures={v.Failures} keys={ledger.Count} acknowledged={acknowledged.Count} stored_reports={stored} " +
            $"replayed={v.Replayed} got_by_id={v.GotById} aggregate_groups={v.AggregateGroups} aggregate_cells={v.AggregateCells} " +
            $"rollup_groups={v.RollupGroups} rollup_cells={v.RollupCells}");
        return v.Failures == 0 ? 0 : 1;
    }

    /// <summary>(b), and every key's final outcome: the acknowledged entries by key.</summary>
    private static Dictionary<string, LedgerEntry> CheckLedger(Dictionary<string, LedgerEntry> ledger, Verification v)
    {
        var problems = new List<string>();
        var acknowledged = new Dictionary<string, LedgerEntry>(StringComparer.Ordinal);
        foreach (var entry in ledger.Values)
        {
            var ids = entry.Attempts.Where(a => a.Outcome == AttemptOutcome.Acknowledged).Select(a => a.Id!.Value).Distinct().ToList();
            if (ids.Count > 1)
            {
                problems.Add($"{entry.Key}: acknowledged with different ids {string.Join(", ", ids)}");
            }

            switch (entry.Final)
            {
                case AttemptOutcome.Acknowledged when entry.FinalId is { } id && ids.Count == 1 && ids[0] == id:
                    acknowledged.Add(entry.Key, entry);
                    break;
                case AttemptOutcome.Acknowledged:
                    problems.Add($"{entry.Key}: final id {entry.FinalId} is not the id of its acknowledged attempts");
                    break;
                case AttemptOutcome.Refused:
                    problems.Add($"{entry.Key}: refused: {entry.Attempts[^1].Detail}");
                    break;
                default:
                    problems.Add($"{entry.Key}: no definitive answer after {entry.Attempts.Count} attempts; last: {entry.Attempts.LastOrDefault()?.Detail}");
                    break;
            }
        }

        var identities = ledger.Values.GroupBy(e => (e.CreditCode, e.Year)).Where(g => g.Count() > 1).ToList();
        problems.AddRange(identities.Select(g => $"the ledger has {g.Count()} keys for {g.Key.CreditCode}/{g.Key.Year} (the generator should make them distinct)"));
        var attempts = ledger.Values.Sum(e => e.Attempts.Count);
        var retried = ledger.Values.Count(e => e.Attempts.Count > 1);
        v.Report("ledger: every key ended acknowledged, each with one id on every acknowledged attempt (b)", problems,
            $"{ledger.Count} keys, {attempts} attempts, {retried} keys retried, {acknowledged.Count} acknowledged");
        return acknowledged;
    }

    /// <summary>(a) in SQL. Returns the number of stored reports.</summary>
    private static async Task<int> CheckTablesAsync(NpgsqlDataSource db, Dictionary<string, LedgerEntry> ledger, Dictionary<string, LedgerEntry> acknowledged, Verification v)
    {
        var reports = new Dictionary<Guid, (string CreditCode, int Year, string Scope, int Current, long Revisions, string? Hash1)>();
        await using (var command = db.CreateCommand(
            "SELECT r.id, r.credit_code, r.year, r.scope, r.current_revision, " +
            "(SELECT count(*) FROM report_revisions x WHERE x.report_id = r.id), v.content_hash " +
            "FROM reports r LEFT JOIN report_revisions v ON v.report_id = r.id AND v.revision = 1"))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                reports.Add(reader.GetGuid(0), (reader.GetString(1), reader.GetInt32(2), reader.GetString(3), reader.GetInt32(4), reader.GetInt64(5),
                    reader.IsDBNull(6) ? null : reader.GetString(6)));
            }
        }

        var keys = new Dictionary<string, (Guid ReportId, int Revision, DateTimeOffset CreatedAt)>(StringComparer.Ordinal);
        await using (var command = db.CreateCommand("SELECT key, report_id, revision, created_at FROM idempotency_keys"))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                keys.Add(reader.GetString(0), (reader.GetGuid(1), reader.GetInt32(2), reader.GetFieldValue<DateTimeOffset>(3)));
            }
        }

        var problems = new List<string>();
        foreach (var (key, entry) in acknowledged)
        {
            var id = entry.FinalId!.Value;
            if (!reports.TryGetValue(id, out var r))
            {
                problems.Add($"{key}: acknowledged as {id}, but no such report is stored");
                continue;
            }

            if (r.CreditCode != entry.CreditCode || r.Year != entry.Year || r.Scope != "agency")
            {
                problems.Add($"{key}: {id} is stored as {r.CreditCode}/{r.Year}/{r.Scope}, the ledger says {entry.CreditCode}/{entry.Year}/agency");
            }

            if (r.Revisions != 1 || r.Current != 1)
            {
                problems.Add($"{key}: {id} has {r.Revisions} revisions, current {r.Current} (expected exactly 1)");
            }

            if (r.Hash1 != entry.ContentHash)
            {
                problems.Add($"{key}: {id} revision 1 has content hash {r.Hash1}, the body sent hashes to {entry.ContentHash}");
            }

            if (!keys.TryGetValue(key, out var record) || record.ReportId != id || record.Revision != 1)
            {
                problems.Add($"{key}: idempotency record {(keys.ContainsKey(key) ? $"points at {record.ReportId} revision {record.Revision}" : "is missing")}");
            }
            else if (entry.Attempts.Count > 1 && record.CreatedAt < entry.Attempts[^1].Started)
            {
                // The key's record predates the last attempt: an earlier attempt committed and its answer was lost.
                v.Replayed++;
                var committedBy = entry.Attempts.LastOrDefault(a => a.Started <= record.CreatedAt);
                v.ReplayNotes.Add($"{key}: stored at {record.CreatedAt:HH:mm:ss.fff} by attempt {committedBy?.Number} ({Short(committedBy?.Detail)}), " +
                                  $"acknowledged by attempt {entry.Attempts[^1].Number} of {entry.Attempts.Count}");
            }
        }

        var byIdentity = ledger.Values.ToLookup(e => (e.CreditCode, e.Year));
        foreach (var (id, r) in reports)
        {
            var entries = byIdentity[(r.CreditCode, r.Year)].ToList();
            if (entries.Count == 0)
            {
                problems.Add($"report {id} ({r.CreditCode}/{r.Year}/{r.Scope}) is stored but the ledger never sent it");
            }
            else if (!entries.Any(e => acknowledged.ContainsKey(e.Key) && e.FinalId == id))
            {
                problems.Add($"report {id} ({r.CreditCode}/{r.Year}) is stored but its key {entries[0].Key} was not acknowledged with that id (final: {entries[0].Final} {entries[0].FinalId})");
            }
        }

        problems.AddRange(reports.GroupBy(p => (p.Value.CreditCode, p.Value.Year, p.Value.Scope)).Where(g => g.Count() > 1)
            .Select(g => $"{g.Count()} reports stored for {g.Key.CreditCode}/{g.Key.Year}/{g.Key.Scope}: {string.Join(", ", g.Select(p => p.Key))}"));
        problems.AddRange(keys.Keys.Where(k => !ledger.ContainsKey(k)).Select(k => $"idempotency key {k} is stored but the ledger never sent it"));
        var orphans = await ScalarAsync(db, "SELECT count(*) FROM report_revisions v WHERE NOT EXISTS (SELECT 1 FROM reports r WHERE r.id = v.report_id)");
        if (orphans != 0)
        {
            problems.Add($"{orphans} revisions belong to no report");
        }

        if (reports.Count != acknowledged.Count)
        {
            problems.Add($"{reports.Count} reports stored, {acknowledged.Count} acknowledged");
        }

        v.Report("tables: every acknowledged report stored exactly once (one row per credit code/year/scope, one revision, its body), nothing else stored (a)",
            problems, $"{reports.Count} reports, {keys.Count} idempotency keys; {v.Replayed} retried keys were replays of an earlier attempt that had committed");
        foreach (var note in v.ReplayNotes.Take(MaxShown))
        {
            Console.WriteLine("    replayed " + note);
        }
        return reports.Count;
    }

    /// <summary>(a) through the API: GET /v1/reports/{id} of every acknowledged report.</summary>
    private static async Task CheckGetAsync(HttpClient client, Dictionary<string, LedgerEntry> acknowledged, Verification v)
    {
        var problems = new List<string>();
        var got = 0;
        await Parallel.ForEachAsync(acknowledged.Values, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (entry, token) =>
        {
            var id = entry.FinalId!.Value;
            using var response = await client.GetAsync(new Uri($"/v1/reports/{id}", UriKind.Relative), token);
            var text = await response.Content.ReadAsStringAsync(token);
            string? problem = null;
            if (response.StatusCode != HttpStatusCode.OK)
            {
                problem = $"{entry.Key}: GET /v1/reports/{id} answered {(int)response.StatusCode}: {Truncate(text)}";
            }
            else
            {
                using var json = JsonDocument.Parse(text);
                var root = json.RootElement;
                var agency = root.GetProperty("report").GetProperty("agency");
                if (root.GetProperty("id").GetGuid() != id || root.GetProperty("revision").GetInt32() != 1
                    || root.GetProperty("contentHash").GetString() != entry.ContentHash
                    || agency.GetProperty("creditCode").GetString() != entry.CreditCode
                    || root.GetProperty("report").GetProperty("year").GetInt32() != entry.Year)
                {
                    problem = $"{entry.Key}: GET /v1/reports/{id} is not the report sent: {Truncate(text)}";
                }
            }

            lock (problems)
            {
                if (problem is null)
                {
                    got++;
                }
                else
                {
                    problems.Add(problem);
                }
            }
        });
        v.GotById = got;
        v.Report("GET /v1/reports/{id}: every acknowledged id answers 200 with the report sent (a)", problems, $"{got} reports read back");
    }

    /// <summary>(c): the service's aggregates against SQL over the reports' current revisions, every cell.</summary>
    private static async Task CheckAggregatesAsync(HttpClient client, NpgsqlDataSource db, Verification v)
    {
        var columns = await CellColumnsAsync(db);
        var coverage = new List<string>();
        var compared = AggregateCells.Columns.ToHashSet(StringComparer.Ordinal);
        coverage.AddRange(columns.Where(c => !compared.Contains(c)).Select(c => $"column {c} of report_revisions is not compared by any aggregate cell"));
        coverage.AddRange(compared.Where(c => !columns.Contains(c)).Select(c => $"aggregate cell column {c} does not exist in report_revisions"));
        v.Report("aggregate cells cover every cell column of report_revisions", coverage, $"{columns.Count} columns");
        if (coverage.Count > 0)
        {
            return;
        }

        foreach (var (query, dimensions, region) in AggregateQueries)
        {
            var problems = new List<string>();
            var expected = await ExpectedGroupsAsync(db, dimensions, region, columns);
            using var response = await client.GetAsync(new Uri("/v1/aggregates" + (query.Length > 0 ? "?" + query : ""), UriKind.Relative));
            var text = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.OK)
            {
                v.Report($"GET /v1/aggregates?{query} = SQL re-aggregation (c)", [$"HTTP {(int)response.StatusCode}: {Truncate(text)}"], "");
                continue;
            }

            using var json = JsonDocument.Parse(text);
            var actual = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var group in json.RootElement.GetProperty("groups").EnumerateArray())
            {
                var key = string.Join("|", dimensions.Select(d =>
                    group.GetProperty("key").TryGetProperty(d, out var value) && value.ValueKind != JsonValueKind.Null ? value.ToString() : "∅"));
                if (!actual.TryAdd(key, group.Clone()))
                {
                    problems.Add($"group {key} appears twice");
                }
            }

            var cells = 0;
            foreach (var key in expected.Keys.Union(actual.Keys))
            {
                if (!actual.TryGetValue(key, out var group))
                {
                    problems.Add($"group {key}: in SQL ({expected[key]["reportCount"]} reports), missing from the answer");
                    continue;
                }

                if (!expected.TryGetValue(key, out var sums))
                {
                    problems.Add($"group {key}: in the answer ({group.GetProperty("reportCount")} reports), not in SQL");
                    continue;
                }

                var got = new Dictionary<string, decimal>(StringComparer.Ordinal);
                Flatten(group, "", got, problems, key);
                foreach (var path in sums.Keys.Union(got.Keys))
                {
                    cells++;
                    var has = got.TryGetValue(path, out var value);
                    var want = sums.TryGetValue(path, out var sum);
                    if (has != want || value != sum)
                    {
                        problems.Add($"group {key} {path}: answer {(has ? value.ToString(CultureInfo.InvariantCulture) : "absent")}, SQL {(want ? sum.ToString(CultureInfo.InvariantCulture) : "absent")}");
                    }
                }
            }

            v.AggregateGroups += expected.Count;
            v.AggregateCells += cells;
            v.Report($"GET /v1/aggregates?{query} = SQL re-aggregation, every cell (c)", problems, $"{expected.Count} groups, {cells} cells");
        }
    }

    /// <summary>(c): aggregate_rollups summed over shards, at every grain, against the same re-aggregation.</summary>
    private static async Task CheckRollupsAsync(NpgsqlDataSource db, Verification v)
    {
        var columns = await CellColumnsAsync(db);
        var rollupColumns = new HashSet<string>(StringComparer.Ordinal);
        await using (var command = db.CreateCommand(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'aggregate_rollups' AND column_name ~ '^t[234]'"))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                rollupColumns.Add(reader.GetString(0));
            }
        }

        var problems = new List<string>();
        problems.AddRange(columns.Where(c => !rollupColumns.Contains(c)).Select(c => $"column {c} has no rollup column"));
        problems.AddRange(rollupColumns.Where(c => !columns.Contains(c)).Select(c => $"rollup column {c} is no cell column"));
        var values = new[] { "report_count" }.Concat(columns).ToArray();
        var groups = 0;
        var cells = 0;
        foreach (var grain in Grains)
        {
            var region = $"CASE WHEN length(r.region_code) > {grain} THEN left(r.region_code, {grain}) ELSE r.region_code END";
            var fromReports = await GroupsAsync(db,
                $"SELECT {region}, r.year::text, r.level, r.kind, r.scope, r.format, count(*)::numeric, " +
                string.Join(", ", columns.Select(c => $"sum(coalesce(v.{c}, 0))::numeric")) +
                " FROM reports r JOIN report_revisions v ON v.report_id = r.id AND v.revision = r.current_revision GROUP BY 1, 2, 3, 4, 5, 6", 6);
            var fromRollups = await GroupsAsync(db,
                "SELECT region_code, year::text, level, kind, scope, format, " + string.Join(", ", values.Select(c => $"sum({c})::numeric")) +
                $" FROM aggregate_rollups WHERE grain = {grain} GROUP BY 1, 2, 3, 4, 5, 6", 6);
            foreach (var key in fromReports.Keys.Union(fromRollups.Keys))
            {
                var want = fromReports.GetValueOrDefault(key);
                var got = fromRollups.GetValueOrDefault(key);
                if (want is null && got is not null && got.All(x => x == 0))
                {
                    continue; // a rollup row all of whose reports were corrected away: zero, as it should be
                }

                if (want is null || got is null)
                {
                    problems.Add($"grain {grain} {key}: {(want is null ? $"rollup with {got![0]} reports, nothing stored" : $"{want[0]} reports stored, no rollup")}");
                    continue;
                }

                groups++;
                for (var i = 0; i < values.Length; i++)
                {
                    cells++;
                    if (want[i] != got[i])
                    {
                        problems.Add($"grain {grain} {key} {values[i]}: rollups {got[i]}, reports {want[i]}");
                    }
                }
            }
        }

        v.RollupGroups = groups;
        v.RollupCells = cells;
        v.Report("aggregate_rollups summed over shards = SQL re-aggregation, grains 2/4/6/9, every column (c)", problems, $"{groups} groups, {cells} cells");
    }

    private static async Task<Dictionary<string, Dictionary<string, decimal>>> ExpectedGroupsAsync(
        NpgsqlDataSource db, string[] dimensions, string? region, List<string> columns)
    {
        var keys = dimensions.Select(d => d switch
        {
            "province" => "substr(r.region_code, 1, 2)",
            "year" => "r.year::text",
            "county" => "CASE WHEN length(r.region_code) >= 6 THEN substr(r.region_code, 1, 6) END",
            "township" => "CASE WHEN length(r.region_code) = 9 THEN r.region_code END",
            _ => throw new ArgumentOutOfRangeException(nameof(dimensions), d, null),
        }).ToList();
        var sql = "SELECT " + string.Concat(keys.Select(k => k + ", ")) +
                  "count(*)::numeric, (count(*) FILTER (WHERE r.format = '2019'))::numeric, (count(*) FILTER (WHERE r.format = '2021'))::numeric, " +
                  string.Join(", ", columns.Select(c => $"sum(coalesce(v.{c}, 0))::numeric")) +
                  " FROM reports r JOIN report_revisions v ON v.report_id = r.id AND v.revision = r.current_revision WHERE r.scope = 'agency'" +
                  (region is null ? "" : $" AND r.region_code LIKE '{region}%'") +
                  (keys.Count == 0 ? "" : " GROUP BY " + string.Join(", ", Enumerable.Range(1, keys.Count)));
        var raw = await GroupsAsync(db, sql, keys.Count);
        var result = new Dictionary<string, Dictionary<string, decimal>>(StringComparer.Ordinal);
        foreach (var (key, values) in raw)
        {
            if (keys.Count == 0 && values[0] == 0)
            {
                continue;
            }

            var sums = columns.Select((c, i) => (c, values[3 + i])).ToDictionary(p => p.c, p => p.Item2, StringComparer.Ordinal);
            var cells = new Dictionary<string, decimal>(StringComparer.Ordinal)
            {
                ["reportCount"] = values[0],
                ["formats/2019"] = values[1],
                ["formats/2021"] = values[2],
            };
            var paths = AggregateCells.Common
                .Concat(values[1] > 0 ? AggregateCells.Table2["2019"] : [])
                .Concat(values[2] > 0 ? AggregateCells.Table2["2021"] : []);
            foreach (var (path, summed) in paths)
            {
                cells[path] = summed.Sum(c => sums[c]);
            }

            result.Add(key, cells);
        }

        return result;
    }

    /// <summary>Rows of a grouped query: the first keyCount columns (as text, ∅ for NULL) joined by | are the key, the rest numeric values.</summary>
    private static async Task<Dictionary<string, decimal[]>> GroupsAsync(NpgsqlDataSource db, string sql, int keyCount)
    {
        var groups = new Dictionary<string, decimal[]>(StringComparer.Ordinal);
        await using var command = db.CreateCommand(sql);
        command.CommandTimeout = 300;
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var key = string.Join("|", Enumerable.Range(0, keyCount).Select(i => reader.IsDBNull(i) ? "∅" : reader.GetString(i)));
            var values = new decimal[reader.FieldCount - keyCount];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = reader.GetFieldValue<decimal>(keyCount + i);
            }

            groups.Add(key, values);
        }

        return groups;
    }

    private static async Task<List<string>> CellColumnsAsync(NpgsqlDataSource db)
    {
        var columns = new List<string>();
        await using var command = db.CreateCommand(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'report_revisions' AND column_name ~ '^t[234]' ORDER BY ordinal_position");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            columns.Add(reader.GetString(0));
        }

        return columns;
    }

    private static async Task<long> ScalarAsync(NpgsqlDataSource db, string sql)
    {
        await using var command = db.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    /// <summary>Every number of a group except its key, by path; anything else but objects and numbers is a problem.</summary>
    private static void Flatten(JsonElement element, string path, Dictionary<string, decimal> into, List<string> problems, string group)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (path.Length == 0 && property.Name == "key")
                    {
                        continue;
                    }

                    Flatten(property.Value, path.Length == 0 ? property.Name : path + "/" + property.Name, into, problems, group);
                }

                break;
            case JsonValueKind.Number:
                into[path] = element.GetDecimal();
                break;
            default:
                problems.Add($"group {group} {path}: {element.ValueKind}, not a number");
                break;
        }
    }

    private static string Truncate(string s) => s.Length <= 300 ? s : s[..300] + "…";

    private static string Short(string? s) => s is null ? "" : s.Length <= 60 ? s : s[..60] + "…";

    private sealed class Verification
    {
        public int Failures;
        public int Replayed;
        public int GotById;
        public int AggregateGroups;
        public int AggregateCells;
        public int RollupGroups;
        public int RollupCells;
        public List<string> ReplayNotes { get; } = [];

        public void Report(string check, List<string> problems, string figures)
        {
            if (problems.Count == 0)
            {
                Console.WriteLine($"VERIFY ok   {check}: {figures}");
                return;
            }

            Failures += problems.Count;
            Console.WriteLine($"VERIFY FAIL {check}: {problems.Count} problems{(figures.Length > 0 ? "; " + figures : "")}");
            foreach (var problem in problems.Take(MaxShown))
            {
                Console.WriteLine("    " + problem);
            }

            if (problems.Count > MaxShown)
            {
                Console.WriteLine($"    … and {problems.Count - MaxShown} more");
            }
        }
    }
}
