using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Encodings.Web;
using System.Text.Json;
using ReportService.Statutory.Identity;
using ReportService.Statutory.Model;
using ReportService.TestSupport;

namespace ReportService.LoadClient;

/// <summary>
/// Load client for the persistence benchmarks (docs/benchmarks.md, bench/ingestion/run.sh). Loopback only,
/// bounded in time and count, stops by itself.
///
///   submit: N concurrent workers POST pre-generated, distinct reports to /v1/reports for a fixed time
///           (or until the bodies run out); prints throughput and p50/p99 latency; every answer must be 201.
///   batch:  POSTs C pre-generated, distinct reports as NDJSON to /v1/reports/batch, L lines per request;
///           prints the wall time; every line must be accepted.
///
/// Reports are spread over --townships T real townships of the division reference (default 2000, taken at
/// even steps through the ~41,000 of divisions.tsv.gz; 1 = all in township 141122103 as before), as real
/// traffic is. A bearer token for the service (--token, or the environment variable REPORTS_TOKEN) is
/// sent as Authorization: Bearer on every request when given.
/// </summary>
internal static class Program
{
    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string? token;

    private static string[] townships = ["141122103"];

    private static async Task<int> Main(string[] args)
    {
        // Figures are printed for scripts to parse: always with a decimal point.
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        if (args.Length == 0 || args[0] is not ("submit" or "batch"))
        {
            await Console.Error.WriteLineAsync(
                "usage: submit --url URL --concurrency N --seconds S --bodies B [--warmup-seconds W] [--first-code K] [--year Y] [--seed X] [--townships T] [--token T]\n" +
                "       batch  --url URL --count C --lines-per-request L [--parallel P] [--first-code K] [--year Y] [--seed X] [--townships T] [--token T]\n" +
                "       (the token may also come from the environment variable REPORTS_TOKEN)");
            return 2;
        }

        var options = Options.Parse(args.AsSpan(1));
        var url = new Uri(options.String("url"));
        if (!IPAddress.TryParse(url.Host, out var address) || !IPAddress.IsLoopback(address))
        {
            await Console.Error.WriteLineAsync($"refusing {url.Host}: this client only talks to a loopback address (127.0.0.1, ::1)");
            return 2;
        }

        token = options.Optional("token") ?? Environment.GetEnvironmentVariable("REPORTS_TOKEN");
        townships = Townships(options.Int("townships", 2000));
        return args[0] == "submit" ? await SubmitAsync(url, options) : await BatchAsync(url, options);
    }

    private static async Task<int> SubmitAsync(Uri url, Options options)
    {
        var concurrency = options.Int("concurrency");
        var seconds = options.Double("seconds");
        var bodies = GenerateBodies(options.Int("bodies"), options.Long("first-code", 1_000_000), options.Int("year", 2024), options.Int("seed", 1));

        using var client = NewClient(url, concurrency, TimeSpan.FromSeconds(30));
        await WarmUpAsync(client, bodies, concurrency, options.Double("warmup-seconds", 0));
        var next = -1;
        var failures = 0;
        string? firstFailure = null;
        var latencies = new List<long>[concurrency];
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var watched = CpuWatch.Start(options);
        var start = Stopwatch.GetTimestamp();
        var deadline = start + (long)(seconds * Stopwatch.Frequency);

        async Task Worker(int w)
        {
            var mine = latencies[w] = new List<long>(bodies.Length / concurrency + 16);
            while (Stopwatch.GetTimestamp() < deadline)
            {
                var i = Interlocked.Increment(ref next);
                if (i >= bodies.Length)
                {
                    return;
                }

                using var content = new ByteArrayContent(bodies[i]);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                var sent = Stopwatch.GetTimestamp();
                using var response = await client.PostAsync(new Uri("/v1/reports", UriKind.Relative), content);
                var answer = await response.Content.ReadAsStringAsync();
                mine.Add(Stopwatch.GetTimestamp() - sent);
                if (response.StatusCode != HttpStatusCode.Created)
                {
                    if (Interlocked.Increment(ref failures) == 1)
                    {
                        firstFailure = $"{(int)response.StatusCode}: {Truncate(answer, 600)}";
                    }
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(w => Task.Run(() => Worker(w))));
        var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
        var cpuOthers = watched.Stop();
        var all = latencies.SelectMany(l => l).Order().ToArray();
        var exhausted = next >= bodies.Length;
        Console.WriteLine($"submit: {all.Length} requests by {concurrency} workers in {elapsed:F2} s{(exhausted ? " (ran out of bodies before the time was up)" : "")}");
        Console.WriteLine($"submit: non-201 answers: {failures}{(firstFailure is null ? "" : "; first: " + firstFailure)}");
        Console.WriteLine((
            $"RESULT submit concurrency={concurrency} requests={all.Length} seconds={elapsed:F3} rps={all.Length / elapsed:F1} " +
            $"p50_ms={Ms(Percentile(all, 0.50)):F2} p99_ms={Ms(Percentile(all, 0.99)):F2} max_ms={Ms(all.Length == 0 ? 0 : all[^1]):F2} " +
            $"non201={failures} client_cpu_s={cpu:F2} exhausted={(exhausted ? 1 : 0)}{cpuOthers.Format(all.Length)}"));
        return failures == 0 && all.Length > 0 ? 0 : 1;
    }

    private static async Task<int> BatchAsync(Uri url, Options options)
    {
        var count = options.Int("count");
        var perRequest = options.Int("lines-per-request");
        var parallel = options.Int("parallel", 1);
        var bodies = GenerateBodies(count, options.Long("first-code", 1_000_000), options.Int("year", 2024), options.Int("seed", 1));
        var chunks = bodies.Chunk(perRequest).Select(Ndjson).ToArray();
        Console.WriteLine($"batch: {count} reports in {chunks.Length} requests of at most {perRequest} lines " +
                          $"({chunks.Sum(c => (long)c.Length) / 1e6:F1} MB of NDJSON), {parallel} at a time");

        using var client = NewClient(url, parallel, TimeSpan.FromMinutes(5));
        var answers = new (HttpStatusCode Status, byte[] Body, double Seconds)[chunks.Length];
        var next = -1;
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var watched = CpuWatch.Start(options);
        var start = Stopwatch.GetTimestamp();

        async Task Worker()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < chunks.Length)
            {
                using var content = new ByteArrayContent(chunks[i]);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
                var sent = Stopwatch.GetTimestamp();
                using var response = await client.PostAsync(new Uri("/v1/reports/batch", UriKind.Relative), content);
                var body = await response.Content.ReadAsByteArrayAsync();
                answers[i] = (response.StatusCode, body, Stopwatch.GetElapsedTime(sent).TotalSeconds);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, parallel).Select(_ => Task.Run(Worker)));
        var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
        var cpuOthers = watched.Stop();

        // Checked after the clock stopped: every line of every request must have been accepted.
        var accepted = 0;
        var problems = new List<string>();
        for (var i = 0; i < answers.Length; i++)
        {
            var (status, body, took) = answers[i];
            if (status != HttpStatusCode.OK)
            {
                problems.Add($"request {i + 1}: HTTP {(int)status}: {Truncate(System.Text.Encoding.UTF8.GetString(body), 600)}");
                continue;
            }

            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            int ok = root.GetProperty("accepted").GetInt32(), rejected = root.GetProperty("rejected").GetInt32(), duplicates = root.GetProperty("duplicates").GetInt32();
            accepted += ok;
            Console.WriteLine(($"batch: request {i + 1}: {took:F2} s, accepted {ok}, rejected {rejected}, duplicates {duplicates}"));
            if (rejected + duplicates > 0)
            {
                problems.Add($"request {i + 1}: {rejected} rejected, {duplicates} duplicates; first line not accepted: " +
                             Truncate(root.GetProperty("lines").EnumerateArray().First(l => l.GetProperty("status").GetString() != "accepted").GetRawText(), 600));
            }
        }

        foreach (var problem in problems)
        {
            Console.WriteLine("batch: PROBLEM " + problem);
        }

        Console.WriteLine((
            $"RESULT batch reports={count} accepted={accepted} requests={chunks.Length} parallel={parallel} seconds={elapsed:F3} " +
            $"reports_per_s={accepted / elapsed:F1} client_cpu_s={cpu:F2}{cpuOthers.Format(count)}"));
        return problems.Count == 0 && accepted == count ? 0 : 1;
    }

    /// <summary>
    /// Warms this client's own HTTP path (JIT, connections) with POST /v1/reports/validate, which stores
    /// nothing, so that the measured window does not pay for the client's start-up.
    /// </summary>
    private static async Task WarmUpAsync(HttpClient client, byte[][] bodies, int concurrency, double seconds)
    {
        if (seconds <= 0)
        {
            return;
        }

        var until = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        var sent = 0;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
        {
            for (var i = w; Stopwatch.GetTimestamp() < until; i += concurrency)
            {
                using var content = new ByteArrayContent(bodies[i % bodies.Length]);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var response = await client.PostAsync(new Uri("/v1/reports/validate", UriKind.Relative), content);
                _ = await response.Content.ReadAsByteArrayAsync();
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"warm-up: /v1/reports/validate answered {(int)response.StatusCode}");
                }

                Interlocked.Increment(ref sent);
            }
        })));
        Console.WriteLine($"warm-up: {sent} POST /v1/reports/validate in {seconds:F0} s (nothing stored)");
    }

    private static HttpClient NewClient(Uri url, int connections, TimeSpan timeout) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = connections,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        UseProxy = false,
        AutomaticDecompression = DecompressionMethods.None,
    })
    {
        BaseAddress = url,
        Timeout = timeout,
        DefaultRequestHeaders = { Authorization = token is null ? null : new AuthenticationHeaderValue("Bearer", token) },
    };

    /// <summary>
    /// Distinct, valid format-2021 reports of one year: each has its own credit code (8-digit organisation
    /// code counted up from <paramref name="firstCode"/>, county 141122), so none is a duplicate of another
    /// and none has a previous-year report. Compact UTF-8 JSON with the Chinese text unescaped (about 5 KB).
    /// </summary>
    private static byte[][] GenerateBodies(int count, long firstCode, int year, int seed)
    {
        var started = Stopwatch.GetTimestamp();
        var codes = CreditCodes(firstCode).Take(count).ToArray();
        var bodies = new byte[count][];
        Parallel.For(0, count, i =>
        {
            // Report i belongs to township i mod T; its credit code is registered in that township's county.
            var township = townships[i % townships.Length];
            var first17 = "11" + township[..6] + codes[i][8..17];
            var creditCode = first17 + CreditCode.CheckCharacterFor(first17);
            var report = ReportGenerator.Generate(new Random(HashCode.Combine(seed, i)), ReportFormats.Format2021, year, creditCode, township);
            bodies[i] = JsonSerializer.SerializeToUtf8Bytes(report, Compact);
        });
        Console.WriteLine((
            $"generated {count} distinct reports (year {year}, {Math.Min(count, townships.Length)} townships, organisation codes {codes[0][8..16]}..{codes[^1][8..16]}, mean {bodies.Average(b => b.Length):F0} bytes) in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s"));
        return bodies;
    }

    /// <summary>T townships (9-digit codes) at even steps through the division reference, in its order.</summary>
    private static string[] Townships(int count)
    {
        if (count <= 1)
        {
            return ["141122103"];
        }

        var path = Path.Combine(AppContext.BaseDirectory, "divisions.tsv.gz");
        using var file = File.OpenRead(path);
        using var gzip = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        var all = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            var code = line.Split('\t', 2)[0];
            if (code.Length == 9)
            {
                all.Add(code);
            }
        }

        var step = Math.Max(1, all.Count / count);
        return [.. all.Where((_, i) => i % step == 0).Take(count)];
    }

    private static IEnumerable<string> CreditCodes(long first)
    {
        for (var n = first; n < 100_000_000; n++)
        {
            var body = n.ToString("D8", CultureInfo.InvariantCulture);
            var check = CreditCode.OrganizationCheckCharacter(body);
            if (check == 'X')
            {
                continue; // the credit code has no room for an X check character; ReportGenerator skips these too
            }

            var first17 = "11141122" + body + check;
            yield return first17 + CreditCode.CheckCharacterFor(first17);
        }
    }

    private static byte[] Ndjson(byte[][] lines)
    {
        var buffer = new byte[lines.Sum(l => l.Length + 1)];
        var at = 0;
        foreach (var line in lines)
        {
            line.CopyTo(buffer, at);
            at += line.Length;
            buffer[at++] = (byte)'\n';
        }

        return buffer;
    }

    private static long Percentile(long[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max] + "…";
}

/// <summary>
/// CPU time of the service and of PostgreSQL over exactly the measured window, from /proc (Linux): the
/// service process (--cpu-service PID), the postmaster with its reaped and live children (--cpu-postgres
/// PID), and the share of the whole machine that was busy. Absent options: nothing is watched.
/// </summary>
internal sealed class CpuWatch
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    private readonly int? service;
    private readonly int? postgres;
    private readonly long serviceBefore;
    private readonly long postgresBefore;
    private readonly (long Busy, long Total) machineBefore;

    private CpuWatch(int? service, int? postgres)
    {
        this.service = service;
        this.postgres = postgres;
        serviceBefore = service is { } s ? Own(s) : 0;
        postgresBefore = postgres is { } p ? WithChildren(p) : 0;
        machineBefore = Machine();
    }

    public static CpuWatch Start(Options options) => new(options.OptionalInt("cpu-service"), options.OptionalInt("cpu-postgres"));

    public Result Stop() => new(
        service is { } s ? (Own(s) - serviceBefore) / TicksPerSecond : null,
        postgres is { } p ? (WithChildren(p) - postgresBefore) / TicksPerSecond : null,
        Busy(machineBefore, Machine()));

    internal sealed record Result(double? ServiceSeconds, double? PostgresSeconds, double MachineBusy)
    {
        public string Format(int reports) =>
            (ServiceSeconds is { } s ? $" service_cpu_ms_per_report={s * 1000 / Math.Max(1, reports):F2}" : "") +
            (PostgresSeconds is { } p ? $" postgres_cpu_ms_per_report={p * 1000 / Math.Max(1, reports):F2}" : "") +
            $" machine_busy_pct={MachineBusy * 100:F0}";
    }

    private static double Busy((long Busy, long Total) a, (long Busy, long Total) b) =>
        b.Total == a.Total ? 0 : (double)(b.Busy - a.Busy) / (b.Total - a.Total);

    /// <summary>utime + stime of one process.</summary>
    private static long Own(int pid) => Stat(pid) is { } f ? f[11] + f[12] : 0;

    /// <summary>utime + stime + cutime + cstime of a process, plus utime + stime of its live children.</summary>
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

    /// <summary>The numeric fields of /proc/PID/stat after the command name: [0] state (0), [1] ppid, ... [11] utime.</summary>
    private static long[]? Stat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            return [0, .. fields.Skip(1).Take(15).Select(x => long.Parse(x, CultureInfo.InvariantCulture))];
        }
        catch (IOException)
        {
            return null; // the process ended meanwhile
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static (long Busy, long Total) Machine()
    {
        var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
            .Select(x => long.Parse(x, CultureInfo.InvariantCulture)).ToArray();
        var idle = cpu[3] + cpu[4];
        var total = cpu.Sum();
        return (total - idle, total);
    }
}
