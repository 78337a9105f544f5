using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Threading.Channels;

namespace ReportService.AggregateLoad;

/// <summary>
/// Data for the aggregate benchmark (docs/benchmarks.md, section Aggregates; bench/aggregates/run.sh): a
/// deterministic set of valid format-2021 reports over the real township codes of the division reference,
/// stored through the service's own write path, POST /v1/reports/batch. Loopback only, bounded in count.
///
///   generate: writes reports [skip, skip + count) as NDJSON to standard output.
///   import:   POSTs reports [skip, skip + count) to /v1/reports/batch, L lines per request, P requests at a
///             time (generation of the next request overlaps the import of the current ones); every line
///             must be accepted.
/// </summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        if (args.Length == 0 || args[0] is not ("generate" or "import"))
        {
            await Console.Error.WriteLineAsync(
                "usage: generate --divisions PATH --agencies A [--skip K] [--count C] [--seed S]\n" +
                "       import   --divisions PATH --agencies A --url URL [--skip K] [--count C] [--seed S] [--lines-per-request L] [--parallel P]\n" +
                "A agencies each report the 5 years 2021-2025: reports 0 .. 5A-1, agency i owning reports 5i .. 5i+4.");
            return 2;
        }

        var options = Options.Parse(args.AsSpan(1));
        var data = new DataSet(options.String("divisions"), options.Int("agencies"), options.Int("seed", 2021));
        var skip = options.Int("skip", 0);
        var count = options.Int("count", data.Count - skip);
        if (skip < 0 || count < 0 || skip + count > data.Count)
        {
            await Console.Error.WriteLineAsync($"reports [{skip}, {skip + count}) are outside the data set's [0, {data.Count})");
            return 2;
        }

        if (args[0] == "generate")
        {
            await using var stdout = Console.OpenStandardOutput();
            for (var start = skip; start < skip + count; start += 1000)
            {
                var batch = data.Ndjson(start, Math.Min(1000, skip + count - start));
                await stdout.WriteAsync(batch.Body.AsMemory(0, batch.Length));
            }

            return 0;
        }

        var url = new Uri(options.String("url"));
        if (!IPAddress.TryParse(url.Host, out var address) || !IPAddress.IsLoopback(address))
        {
            await Console.Error.WriteLineAsync($"refusing {url.Host}: this tool only talks to a loopback address (127.0.0.1, ::1)");
            return 2;
        }

        Console.WriteLine("data: " + data.Describe());
        return await ImportAsync(url, data, skip, count, options.Int("lines-per-request", 10_000), options.Int("parallel", 2));
    }

    private static async Task<int> ImportAsync(Uri url, DataSet data, int skip, int count, int perRequest, int parallel)
    {
        var requests = (count + perRequest - 1) / perRequest;
        Console.WriteLine($"import: reports [{skip}, {skip + count}) in {requests} requests of at most {perRequest} lines, {parallel} at a time");
        var channel = Channel.CreateBounded<(int Number, int Start, Ndjson Batch)>(new BoundedChannelOptions(1) { SingleWriter = true });
        using var cancel = new CancellationTokenSource();
        long accepted = 0, rejected = 0, duplicates = 0, bytes = 0;
        string? firstProblem = null;
        var generationSeconds = 0.0;
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var started = Stopwatch.GetTimestamp();

        async Task Produce()
        {
            try
            {
                for (var r = 0; r < requests; r++)
                {
                    var start = skip + r * perRequest;
                    var t = Stopwatch.GetTimestamp();
                    var batch = data.Ndjson(start, Math.Min(perRequest, skip + count - start));
                    generationSeconds += Stopwatch.GetElapsedTime(t).TotalSeconds;
                    await channel.Writer.WriteAsync((r + 1, start, batch), cancel.Token);
                }
            }
            finally
            {
                channel.Writer.TryComplete();
            }
        }

        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = parallel })
        {
            BaseAddress = url,
            Timeout = TimeSpan.FromMinutes(10),
        };
        // Writes need a bearer token once the service authenticates them (issue 6); run.sh mints one and
        // passes it in the environment (not on the command line, where ps would show it).
        if (Environment.GetEnvironmentVariable("BENCH_TOKEN") is { Length: > 0 } token)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        async Task Consume()
        {
            await foreach (var (number, start, batch) in channel.Reader.ReadAllAsync(cancel.Token))
            {
                using var content = new ByteArrayContent(batch.Body, 0, batch.Length);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
                var sent = Stopwatch.GetTimestamp();
                using var response = await client.PostAsync(new Uri("/v1/reports/batch", UriKind.Relative), content, cancel.Token);
                var answer = await response.Content.ReadAsByteArrayAsync(cancel.Token);
                var took = Stopwatch.GetElapsedTime(sent).TotalSeconds;
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    firstProblem ??= $"request {number}: HTTP {(int)response.StatusCode}: {Truncate(System.Text.Encoding.UTF8.GetString(answer), 800)}";
                    await cancel.CancelAsync();
                    return;
                }

                using var json = JsonDocument.Parse(answer);
                var root = json.RootElement;
                int a = root.GetProperty("accepted").GetInt32(), j = root.GetProperty("rejected").GetInt32(), d = root.GetProperty("duplicates").GetInt32();
                Interlocked.Add(ref accepted, a);
                Interlocked.Add(ref rejected, j);
                Interlocked.Add(ref duplicates, d);
                Interlocked.Add(ref bytes, batch.Length);
                Console.WriteLine($"import: request {number}/{requests}: reports [{start}, {start + batch.Lines}) {batch.Length / 1e6:F1} MB, " +
                                  $"accepted {a}, rejected {j}, duplicates {d}, {took:F2} s, {batch.Lines / took:F0} reports/s; " +
                                  $"so far {Interlocked.Read(ref accepted)} in {Stopwatch.GetElapsedTime(started).TotalSeconds:F0} s");
                if (j + d > 0)
                {
                    firstProblem ??= $"request {number}: " + Truncate(
                        root.GetProperty("lines").EnumerateArray().First(l => l.GetProperty("status").GetString() != "accepted").GetRawText(), 1500);
                    await cancel.CancelAsync();
                    return;
                }
            }
        }

        try
        {
            await Task.WhenAll([Task.Run(Produce), .. Enumerable.Range(0, parallel).Select(_ => Task.Run(Consume))]);
        }
        catch (OperationCanceledException) when (firstProblem is not null)
        {
            // Reported below.
        }

        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
        if (firstProblem is not null)
        {
            Console.WriteLine("import: PROBLEM " + firstProblem);
        }

        Console.WriteLine(
            $"RESULT import reports={count} accepted={accepted} rejected={rejected} duplicates={duplicates} requests={requests} parallel={parallel} " +
            $"seconds={elapsed:F3} reports_per_s={accepted / elapsed:F1} ndjson_mb={bytes / 1e6:F1} generation_s={generationSeconds:F1} client_cpu_s={cpu:F1}");
        return firstProblem is null && accepted == count ? 0 : 1;
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max] + "…";
}

/// <summary>NDJSON lines in a buffer: Body[0 .. Length) holds Lines reports, each ending with a newline.</summary>
internal sealed record Ndjson(byte[] Body, int Length, int Lines);

