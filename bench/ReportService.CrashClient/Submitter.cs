using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace ReportService.CrashClient;

/// <summary>
/// Submits distinct reports with several workers while run.sh kills the service and stops the database. Each
/// report gets its own Idempotency-Key; an unknown outcome is retried with the same key and the same bytes
/// until a definitive answer arrives (201, first or replayed; or a refusal, which is itself a finding) or
/// the resolve deadline passes. Every attempt goes to the ledger before the next one starts.
/// </summary>
internal static class Submitter
{
    private const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>Waits between retries: doubling from the first, at most the last; a 503's Retry-After is honoured up to the last.</summary>
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(200);

    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(2);

    /// <summary>
    /// With several <paramref name="urls"/> (service processes against the same database), worker w sends attempt a
    /// of a key to <c>urls[(w + a) % n]</c>: consecutive submissions and the retries of one key change process, so
    /// idempotency is exercised across processes.
    /// </summary>
    public static async Task<int> RunAsync(Uri[] urls, Options options)
    {
        var workers = options.Int("workers", 4);
        var seconds = options.Double("seconds", 180);
        var resolveSeconds = options.Double("resolve-seconds", 120);
        var maxReports = options.Int("max-reports", 20_000);
        var attemptTimeout = TimeSpan.FromSeconds(options.Double("attempt-timeout", 10));
        var seed = options.Int("seed", 1);
        var run = options.String("run", DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        var codeBase = options.Int("code-base", 0);
        var stopFile = options.String("stop-file", "");

        var start = Stopwatch.GetTimestamp();
        var submitUntil = start + (long)(seconds * Stopwatch.Frequency);
        var resolveTicks = (long)(resolveSeconds * Stopwatch.Frequency);
        long stoppedAt = 0; // when the stop file appeared: submitting ends then, resolving resolveSeconds later
        using var ledger = new LedgerWriter(options.String("ledger"));
        var clients = urls.Select(url => new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = workers,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(5),
            ConnectTimeout = TimeSpan.FromSeconds(2),
            UseProxy = false,
        })
        {
            BaseAddress = url,
            Timeout = Timeout.InfiniteTimeSpan, // each attempt has its own deadline
        }.Authorized()).ToArray();
        var workerCount = -1;

        var next = -1;
        var stats = new Stats();
        Console.WriteLine($"submit: run {run}, {workers} workers, submitting for at most {seconds:F0} s{(stopFile.Length > 0 ? " or until " + stopFile + " exists" : "")}, " +
                          $"resolving unknown outcomes for at most {resolveSeconds:F0} s more");
        using var watching = new CancellationTokenSource();
        var watcher = Task.Run(async () =>
        {
            while (stopFile.Length > 0 && !watching.IsCancellationRequested)
            {
                if (File.Exists(stopFile))
                {
                    Interlocked.CompareExchange(ref stoppedAt, Stopwatch.GetTimestamp(), 0);
                    return;
                }

                await Task.Delay(250, watching.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        });

        bool Submitting() => Stopwatch.GetTimestamp() < submitUntil && Interlocked.Read(ref stoppedAt) == 0;

        bool ResolveExpired()
        {
            var stopped = Interlocked.Read(ref stoppedAt);
            return Stopwatch.GetTimestamp() >= (stopped == 0 ? submitUntil : Math.Min(stopped, submitUntil)) + resolveTicks;
        }

        async Task Worker()
        {
            var worker = Interlocked.Increment(ref workerCount);
            var random = new Random(unchecked(seed + Environment.CurrentManagedThreadId));
            while (Submitting())
            {
                var index = Interlocked.Increment(ref next);
                if (index >= maxReports)
                {
                    return;
                }

                var report = CrashReports.Make(seed, index, codeBase);
                var key = $"crash-{run}-{index:D6}";
                Interlocked.Increment(ref stats.Submissions);
                var backoff = FirstBackoff;
                for (var attempt = 1; ; attempt++)
                {
                    var started = DateTimeOffset.UtcNow;
                    var sent = Stopwatch.GetTimestamp();
                    var outcome = await AttemptAsync(clients[(worker + attempt) % clients.Length], report, key, attemptTimeout);
                    ledger.Attempt(key, report, attempt, started, Stopwatch.GetElapsedTime(sent).TotalSeconds, outcome);
                    stats.Count(outcome);
                    if (outcome.Kind != AttemptOutcome.Unknown)
                    {
                        ledger.Final(key, report, attempt, outcome.Kind, outcome.Id);
                        stats.Finish(outcome.Kind, attempt);
                        break;
                    }

                    if (ResolveExpired())
                    {
                        ledger.Final(key, report, attempt, "unresolved", null);
                        stats.Finish("unresolved", attempt);
                        break;
                    }

                    var wait = outcome.RetryAfter is { } retryAfter ? Min(retryAfter, MaxBackoff) : backoff;
                    backoff = Min(backoff * 2, MaxBackoff);
                    await Task.Delay(wait + TimeSpan.FromMilliseconds(random.Next(100)));
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(Worker)));
        await watching.CancelAsync();
        await watcher;
        foreach (var each in clients)
        {
            each.Dispose();
        }

        var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
        Console.WriteLine($"submit: {stats.Submissions} reports in {elapsed:F1} s: {stats.Acknowledged} acknowledged " +
                          $"({stats.AcknowledgedAfterRetry} of them after retries), {stats.Refused} refused, {stats.Unresolved} unresolved");
        Console.WriteLine($"submit: {stats.Attempts} attempts; unknown outcomes: {stats.UnknownText()}");
        Console.WriteLine(
            $"RESULT submit submissions={stats.Submissions} attempts={stats.Attempts} acknowledged={stats.Acknowledged} " +
            $"retried={stats.Retried} acknowledged_after_retry={stats.AcknowledgedAfterRetry} refused={stats.Refused} " +
            $"unresolved={stats.Unresolved} unknown_attempts={stats.UnknownAttempts} seconds={elapsed:F1}");
        return stats.Refused == 0 && stats.Unresolved == 0 && stats.Acknowledged > 0 ? 0 : 1;
    }

    private static async Task<AttemptOutcome> AttemptAsync(HttpClient client, GeneratedReport report, string key, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            using var content = new ByteArrayContent(report.Body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/v1/reports", UriKind.Relative)) { Content = content };
            request.Headers.Add(IdempotencyKeyHeader, key);
            using var response = await client.SendAsync(request, deadline.Token);
            var text = await response.Content.ReadAsStringAsync(deadline.Token);
            var status = (int)response.StatusCode;
            if (response.StatusCode == HttpStatusCode.Created)
            {
                try
                {
                    using var json = JsonDocument.Parse(text);
                    return new AttemptOutcome(AttemptOutcome.Acknowledged, status, json.RootElement.GetProperty("id").GetGuid(), "");
                }
                catch (Exception ex) when (ex is JsonException or KeyNotFoundException or FormatException or InvalidOperationException)
                {
                    // A 201 whose body is cut off is no acknowledgement the client could have used.
                    return new AttemptOutcome(AttemptOutcome.Unknown, status, null, "201 with an unreadable body: " + ex.Message);
                }
            }

            if (status >= 500)
            {
                var retryAfter = response.Headers.RetryAfter?.Delta;
                return new AttemptOutcome(AttemptOutcome.Unknown, status, null, $"HTTP {status}{TraceOf(text)}: {text}", retryAfter);
            }

            return new AttemptOutcome(AttemptOutcome.Refused, status, null, $"HTTP {status}{TraceOf(text)}: {text}");
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            return new AttemptOutcome(AttemptOutcome.Unknown, 0, null, $"timeout after {timeout.TotalSeconds:F0} s");
        }
        catch (HttpRequestException ex)
        {
            return new AttemptOutcome(AttemptOutcome.Unknown, 0, null, $"{ex.HttpRequestError}: {ex.Message}");
        }
        catch (IOException ex)
        {
            return new AttemptOutcome(AttemptOutcome.Unknown, 0, null, "IO: " + ex.Message);
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>" trace T" for a problem+json body with a traceId (it leads to the service's log lines), else "".</summary>
    private static string TraceOf(string text)
    {
        try
        {
            using var json = JsonDocument.Parse(text);
            return json.RootElement.TryGetProperty("traceId", out var trace) ? " trace " + trace.GetString() : "";
        }
        catch (JsonException)
        {
            return "";
        }
    }

    private sealed class Stats
    {
        public int Submissions;
        public int Attempts;
        public int UnknownAttempts;
        public int Acknowledged;
        public int AcknowledgedAfterRetry;
        public int Retried;
        public int Refused;
        public int Unresolved;
        private readonly Dictionary<string, int> unknownCauses = new(StringComparer.Ordinal);

        public void Count(AttemptOutcome outcome)
        {
            Interlocked.Increment(ref Attempts);
            if (outcome.Kind != AttemptOutcome.Unknown)
            {
                return;
            }

            Interlocked.Increment(ref UnknownAttempts);
            var cause = outcome.Status != 0 ? $"HTTP {outcome.Status}"
                : outcome.Detail.StartsWith("timeout", StringComparison.Ordinal) ? "timeout"
                : outcome.Detail.Split(':', 2)[0];
            lock (unknownCauses)
            {
                unknownCauses[cause] = unknownCauses.GetValueOrDefault(cause) + 1;
            }
        }

        public void Finish(string kind, int attempts)
        {
            if (attempts > 1)
            {
                Interlocked.Increment(ref Retried);
            }

            switch (kind)
            {
                case AttemptOutcome.Acknowledged:
                    Interlocked.Increment(ref Acknowledged);
                    if (attempts > 1)
                    {
                        Interlocked.Increment(ref AcknowledgedAfterRetry);
                    }

                    break;
                case AttemptOutcome.Refused:
                    Interlocked.Increment(ref Refused);
                    break;
                default:
                    Interlocked.Increment(ref Unresolved);
                    break;
            }
        }

        public string UnknownText()
        {
            lock (unknownCauses)
            {
                return unknownCauses.Count == 0 ? "none" : string.Join(", ", unknownCauses.OrderByDescending(p => p.Value).Select(p => $"{p.Key} × {p.Value}"));
            }
        }
    }
}
