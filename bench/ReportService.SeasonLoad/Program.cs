using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using ReportService.AggregateLoad;

namespace ReportService.SeasonLoad;

/// <summary>
/// The client of the reporting-season benchmark (bench/season/run.sh, docs/benchmarks.md "Reporting season").
/// Loopback only, bounded in time and count.
///
///   phase:  for --seconds, at once and each on its own fixed schedule (open loop: request i is due at
///           t0 + i / rate whatever happened before, and its latency counts from that due time, so a stalled
///           server cannot hide its queue): dashboard reads over HTTP (--read-rate, round robin over the
///           questions, each question its own client by X-Forwarded-For), the same questions as SQL straight
///           against PostgreSQL (--sql-rate), new reports (--write-rate), corrections of reports written in
///           earlier phases (--correct-rate) and one anonymous client asking distinct questions (--attack-rate).
///           With several --urls, requests alternate between them. Writes one JSON summary.
///   verify: every aggregate question of the list, asked as CSV of every --urls, against the same sums
///           computed from the reports' current revisions in SQL and shaped by the service's own CSV writer.
///   table:  the markdown tables of docs/benchmarks.md from the phase summaries.
/// </summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        if (args.Length == 0 || args[0] is not ("phase" or "verify" or "table"))
        {
            await Console.Error.WriteLineAsync(
                "usage: phase  --name N --urls U[,U2] --seconds S --questions FILE [--read-rate R] [--sql-rate R --sql-questions FILE --connection CS]\n" +
                "              [--write-rate W] [--correct-rate C] [--attack-rate A] --state DIR --divisions PATH [--agencies 200000] [--seed 2021]\n" +
                "              [--service-pids P1,P2] [--postmaster PID] --out FILE\n" +
                "       verify --urls U[,U2] --questions FILE --connection CS\n" +
                "       table  FILE...");
            return 2;
        }

        if (args[0] == "table")
        {
            Console.Write(Tables.Render(args[1..]));
            return 0;
        }

        var options = Options.Parse(args.AsSpan(1));
        var urls = options.String("urls").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(u => new Uri(u)).ToArray();
        if (urls.Any(u => !IPAddress.TryParse(u.Host, out var address) || !IPAddress.IsLoopback(address)))
        {
            await Console.Error.WriteLineAsync("refusing a non-loopback URL: this client only talks to 127.0.0.1 or ::1");
            return 2;
        }

        var questions = Question.Read(options.String("questions"));
        return args[0] == "verify"
            ? await Verifier.RunAsync(urls, questions, options.String("connection"))
            : await Phase.RunAsync(urls, questions, options);
    }
}

/// <summary>A dashboard question: a GET of the service, and the media type asked for.</summary>
internal sealed record Question(string Name, string Path, bool Csv, bool Side)
{
    /// <summary>Lines "name TAB path TAB json|csv TAB mix|side"; # starts a comment. Side questions have their own, lower rate.</summary>
    public static Question[] Read(string file) => [.. File.ReadAllLines(file)
        .Where(l => l.Length > 0 && !l.StartsWith('#'))
        .Select(l => l.Split('\t'))
        .Select(f => new Question(f[0], f[1], f[2] == "csv", f.Length > 3 && f[3] == "side"))];
}

/// <summary>One finished request: what it was, how long from its due time, and its status (0: no answer).</summary>
internal readonly record struct Sample(int Item, double Milliseconds, int Status);

/// <summary>The samples of one stream of requests.</summary>
internal sealed class Recorder
{
    private readonly ConcurrentQueue<Sample> _samples = new();

    public void Add(int item, long due, int status) =>
        _samples.Enqueue(new Sample(item, Stopwatch.GetElapsedTime(due).TotalMilliseconds, status));

    public Sample[] ToArray() => [.. _samples];
}

/// <summary>Fires requests at fixed due times from a dedicated thread, without waiting for earlier answers.</summary>
internal static class OpenLoop
{
    public static Task Run(double rate, double seconds, long t0, Func<int, long, Task> fire, ConcurrentBag<Task> inFlight)
    {
        if (rate <= 0)
        {
            return Task.CompletedTask;
        }

        var count = (int)Math.Round(rate * seconds);
        var interval = Stopwatch.Frequency / rate;
        return Task.Factory.StartNew(() =>
        {
            for (var i = 0; i < count; i++)
            {
                var due = t0 + (long)(i * interval);
                while (due - Stopwatch.GetTimestamp() is var wait && wait > 0)
                {
                    // Sleeping, not spinning: the client shares two cores with the service and PostgreSQL. A request
                    // sent up to ~1 ms late still counts from its due time.
                    Thread.Sleep(Math.Max(1, (int)(wait * 1000 / Stopwatch.Frequency)));
                }

                inFlight.Add(fire(i, due));
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }
}

/// <summary>One measured phase of the benchmark.</summary>
internal static class Phase
{
    public static async Task<int> RunAsync(Uri[] urls, Question[] questions, Options options)
    {
        var name = options.String("name");
        var seconds = options.Double("seconds");
        var readRate = options.Double("read-rate", 0);
        var sqlRate = options.Double("sql-rate", 0);
        var sideRate = options.Double("side-rate", 0);
        var sqlSideRate = options.Double("sql-side-rate", 0);
        int[] mix = [.. questions.Select((q, i) => (q, i)).Where(p => !p.q.Side).Select(p => p.i)];
        int[] side = [.. questions.Select((q, i) => (q, i)).Where(p => p.q.Side).Select(p => p.i)];
        var writeRate = options.Double("write-rate", 0);
        var correctRate = options.Double("correct-rate", 0);
        var attackRate = options.Double("attack-rate", 0);
        var state = options.String("state");
        Directory.CreateDirectory(state);

        // Connections are not capped (dashboards are many clients), and the attacker has a pool of its own, so that its
        // slow requests cannot hold connections the dashboards' requests would queue for in this process (runs 2 and 3
        // had one pool of at most 512 connections).
        static HttpClient Client() => new(new SocketsHttpHandler
        {
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            UseCookies = false,
        })
        { Timeout = TimeSpan.FromSeconds(10) };
        using var http = Client();
        using var attackHttp = Client();

        // New reports continue the loaded data set (agencies after the loaded ones, their five years each);
        // the next index and the reports written so far (for corrections) are kept in the state directory.
        var agencies = options.Int("agencies", 200_000);
        var nextFile = Path.Combine(state, "next-index");
        var next = File.Exists(nextFile) ? int.Parse(File.ReadAllText(nextFile).Trim(), CultureInfo.InvariantCulture) : agencies * DataSet.Years;
        var writes = (int)Math.Round(writeRate * seconds);
        var corrections = (int)Math.Round(correctRate * seconds);
        DataSet? data = null;
        byte[][] bodies = [];
        if (writes + corrections > 0)
        {
            data = new DataSet(options.String("divisions"), agencies + 40_000, options.Int("seed", 2021));
            bodies = [.. Enumerable.Range(next, writes).Select(r => Single(data, r))];
        }

        var writtenFile = Path.Combine(state, "written.tsv");
        var written = File.Exists(writtenFile)
            ? File.ReadAllLines(writtenFile).Select(l => l.Split('\t')).Select(f => new Written(int.Parse(f[0], CultureInfo.InvariantCulture), f[1], f[2])).ToList()
            : [];
        var targets = written.Take(corrections).ToArray();
        if (corrections > targets.Length)
        {
            await Console.Error.WriteLineAsync($"phase {name}: {corrections} corrections asked for, only {targets.Length} reports written in earlier phases");
            return 2;
        }

        var correctionBodies = targets.Select((t, k) => Corrected(data!, t.Index, k)).ToArray();
        var writeTokens = (Environment.GetEnvironmentVariable("BENCH_WRITE_TOKENS") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var correctToken = Environment.GetEnvironmentVariable("BENCH_CORRECT_TOKEN");
        if ((writes > 0 && writeTokens.Length == 0) || (corrections > 0 && string.IsNullOrEmpty(correctToken)))
        {
            await Console.Error.WriteLineAsync("BENCH_WRITE_TOKENS / BENCH_CORRECT_TOKEN are needed for writes and corrections");
            return 2;
        }

        // Line i of the SQL questions is question i's statement.
        var sqlQuestions = sqlRate + sqlSideRate > 0
            ? File.ReadAllLines(options.String("sql-questions")).Where(l => l.Length > 0).Select(l => l.Split('\t', 2)).Select(f => (Name: f[0], Sql: f[1])).ToArray()
            : [];
        await using var sqlSource = sqlRate + sqlSideRate > 0 ? NpgsqlDataSource.Create(options.String("connection")) : null;
        var attackQuestions = attackRate > 0 ? AttackQuestions((int)Math.Round(attackRate * seconds)) : [];

        var reads = new Recorder();
        var sideReads = new Recorder();
        var sql = new Recorder();
        var sideSql = new Recorder();
        var writesDone = new Recorder();
        var correctionsDone = new Recorder();
        var attack = new Recorder();
        var stored = new ConcurrentQueue<Written>();
        var corrected = new ConcurrentDictionary<int, Written>();
        var inFlight = new ConcurrentBag<Task>();
        var cpu = CpuWatch.Start(options.Optional("service-pids"), options.OptionalInt("postmaster"));
        var loadBefore = File.ReadAllText("/proc/loadavg").Trim();

        Func<int, long, Task> Read(int[] which, Recorder into) => async (i, due) =>
        {
            // Round k asks question j of the process (k + j) mod n: every question alternates between the processes.
            var q = which[i % which.Length];
            var status = await GetAsync(http, new Uri(urls[((i / which.Length) + (i % which.Length)) % urls.Length], questions[q].Path), questions[q].Csv, $"10.13.0.{q + 1}");
            into.Add(q, due, status);
        };

        Func<int, long, Task> Sql(int[] which, Recorder into) => async (i, due) =>
        {
            var q = which[i % which.Length];
            var status = 200;
            try
            {
                await using var command = sqlSource!.CreateCommand(sqlQuestions[q].Sql);
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    // Every row read, as a dashboard would.
                }
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
            {
                status = 0;
            }

            into.Add(q, due, status);
        };

        async Task Write(int i, long due)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(urls[i % urls.Length], "/v1/reports"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", writeTokens[i % writeTokens.Length]);
            request.Content = new ByteArrayContent(bodies[i]);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            var status = 0;
            try
            {
                using var response = await http.SendAsync(request);
                await response.Content.ReadAsByteArrayAsync();
                status = (int)response.StatusCode;
                if (response.StatusCode == HttpStatusCode.Created && response.Headers.Location is { } location && response.Headers.ETag is { } etag)
                {
                    stored.Enqueue(new Written(next + i, location.OriginalString, etag.ToString()));
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                status = 0;
            }

            writesDone.Add(0, due, status);
        }

        async Task Correct(int k, long due)
        {
            var target = targets[k];
            using var request = new HttpRequestMessage(HttpMethod.Put, new Uri(urls[k % urls.Length], target.Location));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", correctToken);
            request.Headers.TryAddWithoutValidation("If-Match", target.ETag);
            request.Content = new ByteArrayContent(correctionBodies[k]);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            var status = 0;
            try
            {
                using var response = await http.SendAsync(request);
                await response.Content.ReadAsByteArrayAsync();
                status = (int)response.StatusCode;
                if (response.IsSuccessStatusCode && response.Headers.ETag is { } etag)
                {
                    corrected[k] = target with { ETag = etag.ToString() };
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                status = 0;
            }

            correctionsDone.Add(0, due, status);
        }

        async Task Attack(int i, long due)
        {
            var status = await GetAsync(attackHttp, new Uri(urls[i % urls.Length], attackQuestions[i]), false, "10.66.0.1");
            attack.Add(0, due, status);
        }

        var t0 = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 50;
        var started = DateTime.UtcNow;
        await Task.WhenAll(
            OpenLoop.Run(readRate, seconds, t0, Read(mix, reads), inFlight),
            OpenLoop.Run(sideRate, seconds, t0, Read(side, sideReads), inFlight),
            OpenLoop.Run(sqlRate, seconds, t0, Sql(mix, sql), inFlight),
            OpenLoop.Run(sqlSideRate, seconds, t0, Sql(side, sideSql), inFlight),
            OpenLoop.Run(writeRate, seconds, t0, Write, inFlight),
            OpenLoop.Run(correctRate, seconds, t0, Correct, inFlight),
            OpenLoop.Run(attackRate, seconds, t0, Attack, inFlight));
        var all = Task.WhenAll(inFlight);
        await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(30)));
        var elapsed = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        var usage = cpu.Stop();
        var loadAfter = File.ReadAllText("/proc/loadavg").Trim();

        // The state for later phases: the next new report, and every report written with its current ETag.
        File.WriteAllText(nextFile, (next + writes).ToString(CultureInfo.InvariantCulture));
        foreach (var (k, c) in corrected)
        {
            var at = written.FindIndex(w => w.Index == c.Index);
            written[at] = c;
        }

        // Corrected reports go to the end, so that the next corrections phase takes others first.
        var rotated = written.Skip(corrected.Count).Concat(written.Take(corrected.Count)).Concat(stored.OrderBy(w => w.Index));
        File.WriteAllLines(writtenFile, rotated.Select(w => $"{w.Index}\t{w.Location}\t{w.ETag}"));

        var summary = new JsonObject
        {
            ["phase"] = name,
            ["started"] = started.ToString("HH:mm:ss", CultureInfo.InvariantCulture),
            ["seconds"] = Math.Round(elapsed, 1),
            ["replicas"] = urls.Length,
            ["rates"] = new JsonObject { ["read"] = readRate, ["side"] = sideRate, ["sql"] = sqlRate, ["sqlSide"] = sqlSideRate, ["write"] = writeRate, ["correct"] = correctRate, ["attack"] = attackRate },
            ["loadBefore"] = loadBefore,
            ["loadAfter"] = loadAfter,
            ["reads"] = Stats.Of(reads.ToArray(), questions.Select(q => q.Name).ToArray()),
            ["side"] = Stats.Of(sideReads.ToArray(), questions.Select(q => q.Name).ToArray()),
            ["sql"] = Stats.Of(sql.ToArray(), questions.Select(q => q.Name).ToArray()),
            ["sqlSide"] = Stats.Of(sideSql.ToArray(), questions.Select(q => q.Name).ToArray()),
            ["writes"] = Stats.Of(writesDone.ToArray(), null),
            ["corrections"] = Stats.Of(correctionsDone.ToArray(), null),
            ["attack"] = Stats.Of(attack.ToArray(), null),
            ["cpu"] = usage,
        };
        var text = summary.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        File.WriteAllText(options.String("out"), text);
        Console.WriteLine(Tables.Line(summary));
        return all.IsCompleted ? 0 : 1;
    }

    /// <summary>A GET as a dashboard (its own client address) sends it; the status, or 0 without an answer.</summary>
    private static async Task<int> GetAsync(HttpClient http, Uri uri, bool csv, string address)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Accept.ParseAdd(csv ? "text/csv" : "application/json");
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", address);
        try
        {
            using var response = await http.SendAsync(request);
            await response.Content.ReadAsByteArrayAsync();
            return (int)response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return 0;
        }
    }

    /// <summary>Report r of the data set as one JSON body.</summary>
    private static byte[] Single(DataSet data, int r)
    {
        var batch = data.Ndjson(r, 1);
        return batch.Body.AsSpan(0, batch.Length - 1).ToArray();
    }

    /// <summary>
    /// A correction of report <paramref name="index"/>: the tables of another report of the same year (one of the
    /// loaded agencies) under the corrected report's own agency, so every sum it touches changes.
    /// </summary>
    private static byte[] Corrected(DataSet data, int index, int k)
    {
        var report = JsonNode.Parse(Single(data, index))!.AsObject();
        var other = JsonNode.Parse(Single(data, index - (DataSet.Years * (1 + (k % 1000)) * 7)))!.AsObject();
        other["agency"] = report["agency"]!.DeepClone();
        return Encoding.UTF8.GetBytes(other.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
    }

    /// <summary>Distinct questions of the kind an attacker varies: a prefecture by county, kind, level or year over a few years.</summary>
    private static string[] AttackQuestions(int count)
    {
        var cities = ReportService.Api.Features.Regions.RegionDirectory.Load().All
            .Where(r => r.Level == ReportService.Api.Features.Regions.RegionLevel.City).Select(r => r.Code).ToArray();
        string[] groupings = ["county", "county,year", "kind", "level,kind", "year,kind", "county,kind"];
        var ranges = (from a in Enumerable.Range(2021, 5) from b in Enumerable.Range(2021, 5) where b >= a select (a, b)).ToArray();
        return [.. Enumerable.Range(0, count).Select(i =>
        {
            var city = cities[i % cities.Length];
            var grouping = groupings[i / cities.Length % groupings.Length];
            var (from, to) = ranges[i / (cities.Length * groupings.Length) % ranges.Length];
            return $"/v1/aggregates?region={city}&fromYear={from}&toYear={to}&groupBy={grouping}";
        })];
    }
}

/// <summary>A report written by the benchmark: its index in the data set, its URL and its current ETag.</summary>
internal sealed record Written(int Index, string Location, string ETag);

/// <summary>Percentiles (nearest rank, every sample kept) and status counts of a stream, overall and per item.</summary>
internal static class Stats
{
    public static JsonObject Of(Sample[] samples, string[]? items)
    {
        var result = Summary(samples);
        if (items is { Length: > 0 })
        {
            var per = new JsonObject();
            for (var i = 0; i < items.Length; i++)
            {
                var item = i;
                if (samples.Any(s => s.Item == item))
                {
                    per[items[i]] = Summary([.. samples.Where(s => s.Item == item)]);
                }
            }

            result["per"] = per;
        }

        return result;
    }

    private static JsonObject Summary(Sample[] samples)
    {
        var sorted = samples.Select(s => s.Milliseconds).Order().ToArray();
        double At(double p) => sorted.Length == 0 ? 0 : Math.Round(sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)], 2);
        var statuses = new JsonObject();
        foreach (var group in samples.GroupBy(s => s.Status).OrderBy(g => g.Key))
        {
            statuses[group.Key.ToString(CultureInfo.InvariantCulture)] = group.Count();
        }

        return new JsonObject
        {
            ["n"] = sorted.Length,
            ["p50"] = At(0.50),
            ["p90"] = At(0.90),
            ["p99"] = At(0.99),
            ["max"] = sorted.Length == 0 ? 0 : Math.Round(sorted[^1], 2),
            ["statuses"] = statuses,
        };
    }
}

/// <summary>CPU seconds of the service processes and of PostgreSQL (postmaster, reaped and live children) over a phase, from /proc.</summary>
internal sealed class CpuWatch
{
    private const double TicksPerSecond = 100; // USER_HZ

    private readonly int[] _service;
    private readonly int? _postmaster;
    private readonly long _serviceBefore;
    private readonly long _postgresBefore;
    private readonly (long Busy, long Total) _machineBefore;

    private CpuWatch(int[] service, int? postmaster)
    {
        _service = service;
        _postmaster = postmaster;
        _serviceBefore = service.Sum(Own);
        _postgresBefore = postmaster is { } p ? WithChildren(p) : 0;
        _machineBefore = Machine();
    }

    public static CpuWatch Start(string? servicePids, int? postmaster) => new(
        [.. (servicePids ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => int.Parse(p, CultureInfo.InvariantCulture))], postmaster);

    public JsonObject Stop()
    {
        var machine = Machine();
        return new JsonObject
        {
            ["serviceSeconds"] = Math.Round((_service.Sum(Own) - _serviceBefore) / TicksPerSecond, 2),
            ["postgresSeconds"] = _postmaster is { } p ? Math.Round((WithChildren(p) - _postgresBefore) / TicksPerSecond, 2) : null,
            ["machineBusy"] = machine.Total == _machineBefore.Total ? 0 : Math.Round((double)(machine.Busy - _machineBefore.Busy) / (machine.Total - _machineBefore.Total), 3),
        };
    }

    private static long Own(int pid) => Stat(pid) is { } f ? f[11] + f[12] : 0;

    private static long WithChildren(int pid)
    {
        var total = Stat(pid) is { } f ? f[11] + f[12] + f[13] + f[14] : 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var child) && child != pid && Stat(child) is { } c && c[1] == pid)
            {
                total += c[11] + c[12];
            }
        }

        return total;
    }

    /// <summary>The numeric fields of /proc/PID/stat after the command name: [1] ppid, [11] utime, [12] stime, [13] cutime, [14] cstime.</summary>
    private static long[]? Stat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            return [.. fields.Select(f => long.TryParse(f, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : 0)];
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static (long Busy, long Total) Machine()
    {
        var f = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
        var idle = f[3] + f[4];
        var total = f.Take(8).Sum();
        return (total - idle, total);
    }
}
