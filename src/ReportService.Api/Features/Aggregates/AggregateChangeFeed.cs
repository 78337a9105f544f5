using Npgsql;
using NpgsqlTypes;
using ReportService.Api.Persistence;

namespace ReportService.Api.Features.Aggregates;

/// <summary>
/// What an aggregate request learns from the primary before it answers (ADR 11), in one round trip shared by the
/// requests waiting at that moment: the data version of the ETag (ADR 8), a snapshot of the primary, the rows of the
/// aggregate change log committed since the previous sync's snapshot, and (with a read replica) the primary's
/// flushed WAL position (ADR 12).
/// <para>
/// A request is given a sync that <em>started after it arrived</em>: its snapshot sees every write acknowledged
/// before the request. Syncs run one at a time, each reading the rows not visible in the previous one's snapshot
/// and visible in its own, so sync <c>n</c>'s rows are exactly the transactions committed between syncs
/// <c>n−1</c> and <c>n</c> (snapshots of one primary only grow): an answer exact at sync <c>k</c> is exact at
/// sync <c>n</c> once the rows of syncs <c>k+1…n</c> are added. The rows of recent syncs are kept for that
/// (<c>Aggregates:ChangeLog:HistoryRows</c>); an answer older than what is kept, or than a reset, is recomputed.
/// </para>
/// </summary>
internal sealed class AggregateChangeFeed(NpgsqlDataSource dataSource, AggregateReadSource reads, IConfiguration configuration)
{
    public const string HistorySetting = "Aggregates:ChangeLog:HistoryRows";

    /// <summary>
    /// A sync: its number (the same as the previous sync's when nothing was committed in between), the ETag's data
    /// version, its snapshot (text form) and the primary's WAL position.
    /// </summary>
    public sealed record Sync(long Number, long Version, string Snapshot, NpgsqlLogSequenceNumber Position);

    private readonly int _historyRows = Math.Max(0, configuration.GetValue(HistorySetting, 4096));
    private readonly bool _logRead = configuration.GetValue(AggregateAnswerCache.CapacitySetting, AggregateAnswerCache.DefaultMegabytes) > 0;
    private readonly Lock _gate = new();
    private readonly LinkedList<(long Number, AggregateChange[] Changes)> _history = new();
    private TaskCompletionSource<Sync>? _pending;
    private bool _running;
    private Sync? _last;
    private long _floor;
    private int _rowsHeld;
    private long _resets;

    /// <summary>Syncs after which cached answers could not be brought forward (a reset, a pruned log, the first sync).</summary>
    public long Resets => Interlocked.Read(ref _resets);

    /// <summary>A sync that starts after this call: everything acknowledged before it is in its snapshot.</summary>
    public Task<Sync> SyncAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource<Sync> pending;
        var start = false;
        lock (_gate)
        {
            pending = _pending ??= new TaskCompletionSource<Sync>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (!_running)
            {
                _running = start = true;
            }
        }

        if (start)
        {
            _ = Task.Run(RunAsync, CancellationToken.None);
        }

        return pending.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// The changes that bring an answer exact at sync <paramref name="from"/> to sync <paramref name="to"/>, or null when
    /// they are not all held (a reset or pruned history since).
    /// </summary>
    public List<AggregateChange>? ChangesBetween(long from, long to)
    {
        lock (_gate)
        {
            if (from < _floor)
            {
                return null;
            }

            var changes = new List<AggregateChange>();
            for (var node = _history.Last; node is not null && node.Value.Number > from; node = node.Previous)
            {
                if (node.Value.Number <= to)
                {
                    changes.AddRange(node.Value.Changes);
                }
            }

            return changes;
        }
    }

    private async Task RunAsync()
    {
        while (true)
        {
            TaskCompletionSource<Sync> pending;
            lock (_gate)
            {
                if (_pending is null)
                {
                    _running = false;
                    return;
                }

                // Every request waiting on it arrived before this point: the statement below starts after them.
                pending = _pending;
                _pending = null;
            }

            try
            {
                pending.SetResult(await ReadAsync());
            }
            catch (Exception ex)
            {
                pending.SetException(ex);
            }
        }
    }

    /// <summary>One sync; only the loop of <see cref="RunAsync"/> calls it, so one at a time.</summary>
    private async Task<Sync> ReadAsync()
    {
        Sync? previous;
        lock (_gate)
        {
            previous = _last;
        }

        await using var connection = await dataSource.OpenConnectionAsync(CancellationToken.None);
        await using var batch = new NpgsqlBatch(connection);
        // The version first (a sequence is read outside snapshots): an answer never holds less than the version says.
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM report_changes"));
        var since = previous is not null && _logRead;
        var read = new NpgsqlBatchCommand(
            "SELECT pg_current_snapshot()::text, " + (since ? AggregateChangeLog.CompleteSince : "false") + ", " +
            (reads.Enabled ? "pg_current_wal_flush_lsn()" : "NULL::pg_lsn") + ", " +
            (since
                ? $"c.xid IS NOT NULL, {AggregateChangeLog.Columns} FROM (SELECT 1) AS one LEFT JOIN aggregate_changes c ON {AggregateChangeLog.SinceCondition}"
                : "false"));
        if (since)
        {
            read.Parameters.Add(new NpgsqlParameter<string> { TypedValue = previous!.Snapshot, NpgsqlDbType = NpgsqlDbType.Text });
        }

        batch.BatchCommands.Add(read);
        await using var reader = await batch.ExecuteReaderAsync(CancellationToken.None);
        await reader.ReadAsync();
        var version = reader.GetInt64(0);
        await reader.NextResultAsync();
        string snapshot = "";
        var complete = false;
        NpgsqlLogSequenceNumber position = default;
        var changes = new List<AggregateChange>();
        while (await reader.ReadAsync())
        {
            snapshot = reader.GetString(0);
            complete = reader.GetBoolean(1);
            position = reader.IsDBNull(2) ? default : reader.GetFieldValue<NpgsqlLogSequenceNumber>(2);
            if (reader.GetBoolean(3))
            {
                changes.Add(AggregateChangeLog.Read(reader, 4));
            }
        }

        lock (_gate)
        {
            // A sync that found nothing new keeps the number (the same data), so that concurrent misses of one
            // question share one computation until something changes.
            var reset = !complete || changes.Any(c => c.IsReset);
            var number = (_last?.Number ?? 0) + (reset || changes.Count > 0 ? 1 : 0);
            _last = new Sync(number, version, snapshot, position);
            if (reset)
            {
                _floor = number;
                _history.Clear();
                _rowsHeld = 0;
                Interlocked.Increment(ref _resets);
            }
            else if (changes.Count > 0)
            {
                _history.AddLast((number, [.. changes]));
                _rowsHeld += changes.Count;
                while (_rowsHeld > _historyRows && _history.First is { } oldest)
                {
                    _history.RemoveFirst();
                    _rowsHeld -= oldest.Value.Changes.Length;
                    _floor = oldest.Value.Number;
                }
            }

            return _last;
        }
    }
}
