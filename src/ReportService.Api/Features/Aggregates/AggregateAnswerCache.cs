using System.Collections.Concurrent;
using ReportService.Api.Persistence;

namespace ReportService.Api.Features.Aggregates;

/// <summary>A rendered aggregate answer: the exact bytes of a 200 body and its media type.</summary>
internal sealed record AggregateAnswer(byte[] Body, string ContentType);

/// <summary>
/// An answer as computed or brought forward: its bytes and, when it can be brought forward by later changes (ADR 11),
/// the rows they were rendered from. <paramref name="Exact"/> is false when the rows are not exactly those of the sync
/// asked for (then the answer is served but not kept).
/// </summary>
internal sealed record ComputedAnswer(AggregateAnswer Answer, IReadOnlyList<AggregateRow>? Rows, bool Exact = true);

/// <summary>How a request's answer was found.</summary>
internal enum AnswerSource
{
    /// <summary>Kept for this sync or a newer one: a copy.</summary>
    Hit,

    /// <summary>Kept for an older sync and brought forward by the changes since (ADR 11).</summary>
    Forward,

    /// <summary>Computed from the sums (or the answer of a concurrent request that computed it).</summary>
    Miss,
}

/// <summary>
/// Rendered aggregate answers by representation (path, query and media type: what the ETag is made of), each with
/// the sync of the primary it is exact at (<see cref="AggregateChangeFeed"/>) and the rows it was rendered from, so
/// that repeated dashboard queries cost a shared sync and a copy, and a write costs each answer it touches a few
/// additions and a new rendering instead of the sums (ADR 8, ADR 11).
/// <para>
/// Exactly as fresh as the database: a request asks for the answer at a sync that started after it arrived, so
/// the sync's snapshot holds every write acknowledged before the request. An answer kept for an older sync is
/// brought forward by the change-log rows of the syncs since (the feed holds them); when the feed no longer holds
/// them (a reset, or the answer unused for longer than its history) the answer is recomputed. Concurrent requests
/// for the same representation bring it forward or compute it once: the others wait for that answer, and one whose
/// sync is newer brings it forward from there (under writes a slow first computation would otherwise be started
/// again at every newer sync, and the client's computation share refuses those with 429).
/// Bounded by bytes (least recently used first out); <c>Aggregates:AnswerCacheMegabytes</c> = 0 turns it off.
/// Answers given without rows cannot be brought forward: kept for their sync only, dropped once a newer sync is seen.
/// </para>
/// </summary>
internal sealed class AggregateAnswerCache
{
    public const string CapacitySetting = "Aggregates:AnswerCacheMegabytes";

    public const int DefaultMegabytes = 64;

    /// <summary>What a row of an answer's sums costs in memory, roughly (its key and one decimal per cell column).</summary>
    private static readonly long RowBytes = 16L * CellColumns.All.Count + 200;

    private readonly long _capacity;
    private readonly long _largestEntry;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _recency = new();
    private readonly ConcurrentDictionary<string, Flight> _inFlight = new(StringComparer.Ordinal);
    private long _newest;
    private long _bytes;
    private long _forwarded;

    private sealed record Entry(string Key, long Sync, AggregateAnswer Answer, IReadOnlyList<AggregateRow>? Rows, long Bytes);

    /// <summary>The answer of a representation being brought forward or computed now, for sync <paramref name="Sync"/>.</summary>
    private sealed record Flight(long Sync, Task<ComputedAnswer> Answer);

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

    /// <summary>Answers brought forward by changes instead of recomputed (for tests and diagnostics).</summary>
    public long Forwarded => Interlocked.Read(ref _forwarded);

    /// <summary>
    /// The answer for <paramref name="representation"/> at sync <paramref name="sync"/>, kept for that sync only: from
    /// the cache, from a concurrent request computing the same, or from <paramref name="compute"/>.
    /// </summary>
    public async Task<(AggregateAnswer Answer, bool Hit)> GetOrComputeAsync(
        long sync, string representation, Func<CancellationToken, Task<AggregateAnswer>> compute, CancellationToken cancellationToken)
    {
        var (answer, source) = await GetOrComputeAsync(sync, representation, null,
            async token => new ComputedAnswer(await compute(token), null), cancellationToken);
        return (answer, source == AnswerSource.Hit);
    }

    /// <summary>
    /// The answer for <paramref name="representation"/> at sync <paramref name="sync"/>: kept for it (or a newer
    /// sync), brought forward from an older one by <paramref name="forward"/> (null when the changes since are not
    /// held), or computed by <paramref name="compute"/>.
    /// </summary>
    public async Task<(AggregateAnswer Answer, AnswerSource Source)> GetOrComputeAsync(
        long sync, string representation, Func<long, IReadOnlyList<AggregateRow>, AggregateAnswer, ComputedAnswer?>? forward,
        Func<CancellationToken, Task<ComputedAnswer>> compute, CancellationToken cancellationToken)
    {
        if (!Enabled)
        {
            return ((await compute(cancellationToken)).Answer, AnswerSource.Miss);
        }

        var kept = TryGet(representation);
        if (kept is not null && kept.Sync >= sync)
        {
            return (kept.Answer, AnswerSource.Hit);
        }

        TaskCompletionSource<ComputedAnswer> mine;
        Flight flight;
        while (true)
        {
            mine = new TaskCompletionSource<ComputedAnswer>(TaskCreationOptions.RunContinuationsAsynchronously);
            flight = new Flight(sync, mine.Task);
            var other = _inFlight.GetOrAdd(representation, flight);
            if (other == flight)
            {
                break;
            }

            ComputedAnswer theirs;
            try
            {
                theirs = await other.Answer.WaitAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is ComputationRefusedException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // The budget refused that computation (another client's share, or no place in time), or its request went
                // away: the requests that waited for it elect one new computation (the first to register it) and the
                // others wait for that one, rather than all asking for a place at once (a client's share would answer
                // all but one of its own dashboards 429).
                _inFlight.TryRemove(new KeyValuePair<string, Flight>(representation, other));
                kept = TryGet(representation);
                if (kept is not null && kept.Sync >= sync)
                {
                    return (kept.Answer, AnswerSource.Hit);
                }

                continue;
            }

            if (other.Sync >= sync)
            {
                return (theirs.Answer, AnswerSource.Miss);
            }

            if (TryGet(representation) is { } stored && stored.Sync >= sync)
            {
                return (stored.Answer, AnswerSource.Hit);
            }

            // Made for an older sync: brought forward from there by the changes since, as a kept answer would be.
            if (theirs is { Exact: true, Rows: { } rows } && forward?.Invoke(other.Sync, rows, theirs.Answer) is { } brought)
            {
                Interlocked.Increment(ref _forwarded);
                if (brought.Exact)
                {
                    Store(representation, sync, brought);
                }

                return (brought.Answer, AnswerSource.Forward);
            }

            return ((await compute(cancellationToken)).Answer, AnswerSource.Miss);
        }

        try
        {
            var source = AnswerSource.Forward;
            var answer = kept?.Rows is { } rows && forward is not null ? forward(kept.Sync, rows, kept.Answer) : null;
            if (answer is null)
            {
                source = AnswerSource.Miss;
                answer = await compute(cancellationToken);
            }
            else
            {
                Interlocked.Increment(ref _forwarded);
            }

            if (answer.Exact)
            {
                Store(representation, sync, answer);
            }

            mine.SetResult(answer);
            return (answer.Answer, source);
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
            _inFlight.TryRemove(new KeyValuePair<string, Flight>(representation, flight));
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

    private Entry? TryGet(string key)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(key, out var node))
            {
                return null;
            }

            _recency.Remove(node);
            _recency.AddFirst(node);
            return node.Value;
        }
    }

    private void Store(string key, long sync, ComputedAnswer answer)
    {
        var bytes = answer.Answer.Body.Length + (answer.Rows?.Count ?? 0) * RowBytes;
        if (bytes > _largestEntry)
        {
            return;
        }

        lock (_gate)
        {
            if (sync > _newest)
            {
                _newest = sync;
                // An answer without rows is of its sync only: once a newer sync is seen it would never be asked for again.
                for (var node = _recency.First; node is not null;)
                {
                    var next = node.Next;
                    if (node.Value.Rows is null && node.Value.Sync < sync)
                    {
                        Remove(node);
                    }

                    node = next;
                }
            }
            else if (answer.Rows is null && sync < _newest)
            {
                // Requests finish out of order: an answer without rows of an older sync than the newest seen is not kept.
                return;
            }

            if (_entries.TryGetValue(key, out var existing))
            {
                if (existing.Value.Sync >= sync)
                {
                    return;
                }

                Remove(existing);
            }

            _entries[key] = _recency.AddFirst(new Entry(key, sync, answer.Answer, answer.Rows, bytes));
            _bytes += bytes;
            while (_bytes > _capacity && _recency.Last is { } oldest)
            {
                Remove(oldest);
            }
        }
    }

    private void Remove(LinkedListNode<Entry> node)
    {
        _recency.Remove(node);
        _entries.Remove(node.Value.Key);
        _bytes -= node.Value.Bytes;
    }
}
