using System.Collections.Concurrent;
using ReportService.Api.Persistence;

namespace ReportService.Api.Features.Aggregates;

/// <summary>A rendered aggregate answer: the exact bytes of a 200 body and its media type.</summary>
internal sealed record AggregateAnswer(byte[] Body, string ContentType);

/// <summary>
/// Rendered aggregate answers of the current data version, by representation (path, query and media type:
/// what the ETag is made of), so that repeated dashboard queries between writes cost a read of the
/// <c>report_changes</c> counter and a copy instead of the sums (ADR 8).
/// <para>
/// Exactly as fresh as the database: an answer is stored under the version its request read <em>before</em>
/// running the sums, so it contains every write whose counter advance that read saw, and a write is
/// acknowledged only after its advance. A request that reads a newer version misses and recomputes; the first
/// newer version seen drops every older answer. Concurrent misses of the same representation and version run
/// the sums once (the others wait for that answer). Bounded by bytes (least recently used first out);
/// <c>Aggregates:AnswerCacheMegabytes</c> = 0 turns it off.
/// </para>
/// </summary>
internal sealed class AggregateAnswerCache
{
    public const string CapacitySetting = "Aggregates:AnswerCacheMegabytes";

    public const int DefaultMegabytes = 64;

    private readonly long _capacity;
    private readonly long _largestEntry;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, LinkedListNode<(string Key, AggregateAnswer Answer)>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Key, AggregateAnswer Answer)> _recency = new();
    private readonly ConcurrentDictionary<string, Task<AggregateAnswer>> _inFlight = new(StringComparer.Ordinal);
    private string _version = "";
    private long _bytes;

    public AggregateAnswerCache(IConfiguration configuration)
        : this(Math.Max(0, configuration.GetValue(CapacitySetting, DefaultMegabytes)) * 1024L * 1024L)
    {
    }

    internal AggregateAnswerCache(long capacityBytes)
    {
        _capacity = capacityBytes;
        // One answer may take at most a quarter, so that a few huge answers (every county of a year) cannot
        // push out all the dashboard-sized ones.
        _largestEntry = capacityBytes / 4;
    }

    public bool Enabled => _capacity > 0;

    /// <summary>
    /// The answer for <paramref name="representation"/> at data version <paramref name="dataVersion"/>: from the
    /// cache, from a concurrent request computing the same, or from <paramref name="compute"/>.
    /// </summary>
    public async Task<(AggregateAnswer Answer, bool Hit)> GetOrComputeAsync(
        long dataVersion, string representation, Func<CancellationToken, Task<AggregateAnswer>> compute, CancellationToken cancellationToken)
    {
        if (!Enabled)
        {
            return (await compute(cancellationToken), false);
        }

        // A write whose counter advance failed (database gone right after its commit) leaves the counter
        // behind: this process's missed advances are part of the version, so its own answers never hide it.
        var version = $"{dataVersion}.{ReportChanges.MissedAdvances}";
        var key = version + "\n" + representation;
        if (TryGet(version, key) is { } cached)
        {
            return (cached, true);
        }

        var mine = new TaskCompletionSource<AggregateAnswer>(TaskCreationOptions.RunContinuationsAsynchronously);
        var flight = _inFlight.GetOrAdd(key, mine.Task);
        if (flight != mine.Task)
        {
            try
            {
                return (await flight.WaitAsync(cancellationToken), false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The request computing it went away (its client disconnected): compute it here instead.
                return (await compute(cancellationToken), false);
            }
            catch (ComputationRefusedException)
            {
                // The budget refused the other client's computation, not this request's: it asks for its own place.
                return (await compute(cancellationToken), false);
            }
        }

        try
        {
            var answer = await compute(cancellationToken);
            Store(version, key, answer);
            mine.SetResult(answer);
            return (answer, false);
        }
        catch (OperationCanceledException)
        {
            mine.TrySetCanceled(cancellationToken);
            throw;
        }
        catch (Exception ex)
        {
            mine.TrySetException(ex);
            _ = mine.Task.Exception; // observed here whether or not another request waited for it
            throw;
        }
        finally
        {
            _inFlight.TryRemove(new KeyValuePair<string, Task<AggregateAnswer>>(key, mine.Task));
        }
    }

    /// <summary>Answers held and their bytes (for tests and diagnostics).</summary>
    public (int Count, long Bytes) Size
    {
        get
        {
            lock (_gate)
            {
                return (_entries.Count, _bytes);
            }
        }
    }

    private AggregateAnswer? TryGet(string version, string key)
    {
        lock (_gate)
        {
            if (version != _version || !_entries.TryGetValue(key, out var node))
            {
                return null;
            }

            _recency.Remove(node);
            _recency.AddFirst(node);
            return node.Value.Answer;
        }
    }

    private void Store(string version, string key, AggregateAnswer answer)
    {
        if (answer.Body.Length > _largestEntry)
        {
            return;
        }

        lock (_gate)
        {
            if (version != _version)
            {
                // Versions only grow, but requests finish out of order: an answer of a version older than
                // the newest seen would never be asked for again. Parsed, as the missed-advance suffix may differ.
                if (IsOlder(version, _version))
                {
                    return;
                }

                _entries.Clear();
                _recency.Clear();
                _bytes = 0;
                _version = version;
            }

            if (_entries.ContainsKey(key))
            {
                return;
            }

            _entries[key] = _recency.AddFirst((key, answer));
            _bytes += answer.Body.Length;
            while (_bytes > _capacity && _recency.Last is { } oldest)
            {
                _recency.RemoveLast();
                _entries.Remove(oldest.Value.Key);
                _bytes -= oldest.Value.Answer.Body.Length;
            }
        }
    }

    private static bool IsOlder(string version, string than)
    {
        if (than.Length == 0)
        {
            return false;
        }

        static (long Data, long Missed) Parse(string v)
        {
            var dot = v.IndexOf('.', StringComparison.Ordinal);
            return (long.Parse(v.AsSpan(0, dot), System.Globalization.CultureInfo.InvariantCulture),
                long.Parse(v.AsSpan(dot + 1), System.Globalization.CultureInfo.InvariantCulture));
        }

        var (data, missed) = Parse(version);
        var (newestData, newestMissed) = Parse(than);
        return data < newestData || (data == newestData && missed < newestMissed);
    }
}
