using System.Diagnostics;
using System.Threading.Channels;
using Npgsql;
using ReportService.Api.Infrastructure;
using ReportService.Api.Persistence;
using ReportService.Statutory.Model;

namespace ReportService.Api.Features.Reports.SubmitReport;

/// <summary>A checked submission, ready to be stored.</summary>
internal sealed record PendingSubmission(StoredReport Report, StoredRevision Revision, Report Content, IdempotencyRecord? Idempotency);

internal enum SubmissionOutcome
{
    /// <summary>Committed (durably) and counted in the rollups; the data version has been advanced.</summary>
    Stored,

    /// <summary>Nothing stored: the agency's report for that year and scope, or the Idempotency-Key, exists already.</summary>
    Conflict,
}

/// <summary>How submissions are written (ADR 10, docs/operations.md).</summary>
internal sealed class SubmissionOptions
{
    public const string Section = "Submissions";

    /// <summary>Writers committing concurrently, each on its own connection and rollup shard (1–8).</summary>
    public int Writers { get; set; } = 4;

    /// <summary>Most submissions one writer commits together.</summary>
    public int MaxBatch { get; set; } = 64;
}

/// <summary>
/// Group commit for single submissions (ADR 10). A request hands its checked submission over and waits for
/// the outcome; a few writers take whatever submissions are waiting when they are free (one, when the
/// service is idle: nothing waits for a timer) and store them in one transaction, in one round trip: every
/// report's row, revision row and idempotency record, and one upsert of the rollup deltas summed here. The
/// transaction commits (durably) before any of its requests is answered, and the data version advances
/// after the commit and before the answers, so aggregates stay exactly fresh. When anything in a group
/// fails in PostgreSQL (a duplicate identity or Idempotency-Key, a deadlock, anything), nothing of it was
/// stored and each submission is written again on its own, so every request gets the answer it would have
/// got alone. A broken connection fails the group's requests with 503, as it failed a single request.
/// </summary>
internal sealed class SubmissionWriter(NpgsqlDataSource dataSource, IConfiguration configuration, ILogger<SubmissionWriter> logger) : IHostedService
{
    /// <summary>A handed-over submission; <paramref name="RequestSpan"/> is the request's span, if it is traced.</summary>
    private sealed record Item(PendingSubmission Submission, TaskCompletionSource<SubmissionOutcome> Done, Activity? RequestSpan, CancellationToken RequestAborted);

    private readonly SubmissionOptions _options = Bind(configuration);

    private readonly Channel<Item> _queue = Channel.CreateUnbounded<Item>(new UnboundedChannelOptions { SingleWriter = false, SingleReader = false });

    private Task _writers = Task.CompletedTask;

    private long _groupsTogether;
    private long _groupsOneByOne;
    private int _largestGroup;

    /// <summary>Submissions handed over and not yet taken by a writer.</summary>
    public int Waiting => _queue.Reader.Count;

    /// <summary>Groups of two or more submissions stored in one transaction.</summary>
    public long GroupsTogether => Interlocked.Read(ref _groupsTogether);

    /// <summary>Groups of two or more that PostgreSQL refused together and that were written one by one.</summary>
    public long GroupsOneByOne => Interlocked.Read(ref _groupsOneByOne);

    /// <summary>The most submissions a writer has taken at once.</summary>
    public int LargestGroup => Volatile.Read(ref _largestGroup);

    private static SubmissionOptions Bind(IConfiguration configuration)
    {
        var options = configuration.GetSection(SubmissionOptions.Section).Get<SubmissionOptions>() ?? new SubmissionOptions();
        options.Writers = Math.Clamp(options.Writers, 1, AggregateRollups.Shards);
        options.MaxBatch = Math.Clamp(options.MaxBatch, 1, 1000);
        return options;
    }

    /// <summary>
    /// Stores the submission, or finds it conflicting. Once a writer has taken the submission the outcome no
    /// longer depends on <paramref name="cancellationToken"/>: the request waits for the commit it is part of.
    /// </summary>
    public async Task<SubmissionOutcome> WriteAsync(PendingSubmission submission, CancellationToken cancellationToken)
    {
        var item = new Item(submission, new TaskCompletionSource<SubmissionOutcome>(TaskCreationOptions.RunContinuationsAsynchronously), Activity.Current, cancellationToken);
        if (!_queue.Writer.TryWrite(item))
        {
            throw new ServiceStoppingException();
        }

        return await item.Done.Task;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _writers = Task.WhenAll(Enumerable.Range(0, _options.Writers).Select(i => Task.Run(() => RunAsync((short)i))));
        return Task.CompletedTask;
    }

    /// <summary>Takes no new submissions and writes those already handed over (the web server has stopped taking requests first).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        try
        {
            await _writers.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host's shutdown timeout is over. What a writer has not committed by the time the process
            // exits is not stored and was not acknowledged (its request has been aborted); the client's
            // retry with the same Idempotency-Key stores it or returns what was stored.
            logger.LogWarning("Stopped with {Count} submission(s) not yet taken by a writer and a group possibly being written", Waiting);
        }
    }

    private async Task RunAsync(short shard)
    {
        var group = new List<Item>(_options.MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            group.Clear();
            while (group.Count < _options.MaxBatch && _queue.Reader.TryRead(out var item))
            {
                if (item.RequestAborted.IsCancellationRequested)
                {
                    // The request ran out of time or its client left before anything was written.
                    item.Done.TrySetCanceled(item.RequestAborted);
                }
                else
                {
                    group.Add(item);
                }
            }

            if (group.Count > 0)
            {
                await WriteGroupAsync(group, shard);
            }
        }
    }

    private async Task WriteGroupAsync(List<Item> group, short shard)
    {
        // The write's span: a lone submission's is a child of its request's span, as its SQL was before group
        // commit; a group's links every request it writes. Its SQL commands are its children.
        using var span = group is [{ RequestSpan: { } parent }]
            ? Telemetry.Tracing.StartActivity("write submission", ActivityKind.Internal, parent.Context)
            : Telemetry.Tracing.StartActivity("write submission group", ActivityKind.Internal, parentContext: default,
                links: group.Where(i => i.RequestSpan is not null).Select(i => new ActivityLink(i.RequestSpan!.Context)));
        span?.SetTag("reportservice.submissions.group_size", group.Count);
        var outcomes = new SubmissionOutcome?[group.Count];
        int largest;
        while (group.Count > (largest = Volatile.Read(ref _largestGroup)) && Interlocked.CompareExchange(ref _largestGroup, group.Count, largest) != largest)
        {
        }

        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(CancellationToken.None);
            // A commit whose wait for the standby was cancelled or terminated answers success with a warning: such
            // submissions are answered 503, not 201 (ADR 19); a retry with the same key confirms them first.
            using var warnings = StandbyConfirmation.Watch(connection);
            var together = group.Count > 1 && await TryWriteTogetherAsync(connection, group, shard);
            warnings.ThrowIfWarned();
            if (together)
            {
                Array.Fill(outcomes, SubmissionOutcome.Stored);
            }
            else
            {
                for (var i = 0; i < group.Count; i++)
                {
                    try
                    {
                        var outcome = await WriteAloneAsync(connection, group[i].Submission);
                        warnings.ThrowIfWarned();
                        outcomes[i] = outcome;
                    }
                    catch (Exception ex) when (ex is PostgresException && !DatabaseErrors.IsUnavailable(ex))
                    {
                        group[i].Done.TrySetException(ex);
                    }
                }
            }

            if (group.Count > 1)
            {
                Interlocked.Increment(ref together ? ref _groupsTogether : ref _groupsOneByOne);
                span?.SetTag("reportservice.submissions.together", together);
            }

            Telemetry.SubmissionGroupSize.Record(group.Count, new KeyValuePair<string, object?>("together", together || group.Count == 1));
            if (outcomes.Any(o => o == SubmissionOutcome.Stored))
            {
                // After the commit, before the answers: a reader never sees old data under a new version (the
                // ETag, ADR 8). Cached answers count the reports through the change log their transaction wrote (ADR 11).
                await ReportChanges.AdvanceAsync(connection);
            }
        }
        catch (Exception ex)
        {
            if (!DatabaseErrors.IsUnavailable(ex))
            {
                logger.LogError(ex, "Writing {Count} submission(s) failed", group.Count);
            }

            // Submissions written one by one before the connection went are committed: they are answered (the
            // change log holds them, so aggregates count them; only the ETag version may lag until the next write).
            // The others share the failure: with the connection gone, whether their commit happened is unknown (the
            // 503 says so; an Idempotency-Key retry settles it).
            for (var i = 0; i < group.Count; i++)
            {
                if (outcomes[i] is { } outcome)
                {
                    group[i].Done.TrySetResult(outcome);
                }
                else
                {
                    group[i].Done.TrySetException(ex);
                }
            }

            return;
        }

        for (var i = 0; i < group.Count; i++)
        {
            if (outcomes[i] is { } outcome)
            {
                // The request is suspended until its answer is set: its span is not touched concurrently.
                if (span is not null && group[i].RequestSpan is { } request)
                {
                    request.SetTag("reportservice.submission.group_size", group.Count);
                    request.SetTag("reportservice.submission.write_trace_id", span.TraceId.ToString());
                }

                group[i].Done.TrySetResult(outcome);
            }
        }
    }

    /// <summary>The group in one implicit transaction; false (nothing stored) when PostgreSQL refused any of it.</summary>
    private static async Task<bool> TryWriteTogetherAsync(NpgsqlConnection connection, List<Item> group, short shard)
    {
        // Identity order, so that two groups inserting the same identities wait for each other in one order.
        var ordered = group.Select(i => i.Submission)
            .OrderBy(s => s.Report.CreditCode, StringComparer.Ordinal).ThenBy(s => s.Report.Year).ThenBy(s => s.Report.Scope)
            .ToList();
        var deltas = new RollupDeltas();
        await using var batch = new NpgsqlBatch(connection) { Timeout = NoTimeout };
        foreach (var submission in ordered)
        {
            AddRows(batch, submission);

            deltas.Add(submission.Report, RollupDeltas.CellsOf(submission.Content));
        }

        batch.BatchCommands.Add(deltas.UpsertCommand(shard));
        try
        {
            await batch.ExecuteNonQueryAsync(CancellationToken.None);
            return true;
        }
        catch (PostgresException ex) when (!IsConnectionLost(ex))
        {
            Activity.Current?.AddEvent(new ActivityEvent("submission group refused, writing one by one"));
            return false;
        }
    }

    /// <summary>
    /// A write's batch (its implicit transaction's commit included) is never cancelled, not even by the connection's
    /// Command Timeout: with a synchronous standby (ADR 12), cancelling the commit's wait for the standby leaves the
    /// transaction committed on the primary alone, and PostgreSQL reports success (with a warning), so the
    /// submission would be acknowledged on one machine. Without a standby the commit waits until one is back.
    /// </summary>
    private const int NoTimeout = 0;

    /// <summary>One submission in one implicit transaction, as a request alone would write it.</summary>
    private static async Task<SubmissionOutcome> WriteAloneAsync(NpgsqlConnection connection, PendingSubmission submission)
    {
        await using var batch = new NpgsqlBatch(connection) { Timeout = NoTimeout };
        AddRows(batch, submission);

        batch.BatchCommands.Add(AggregateRollups.AddCommand(submission.Report));
        try
        {
            await batch.ExecuteNonQueryAsync(CancellationToken.None);
            return SubmissionOutcome.Stored;
        }
        catch (PostgresException ex) when (DatabaseErrors.IsUniqueViolation(ex, ReportsDbContext.IdentityConstraint)
                                           || DatabaseErrors.IsUniqueViolation(ex, "idempotency_keys_pkey"))
        {
            return SubmissionOutcome.Conflict;
        }
    }

    /// <summary>A submission's rows: the report, its revision and, with a key, the idempotency record.</summary>
    private static void AddRows(NpgsqlBatch batch, PendingSubmission submission)
    {
        batch.BatchCommands.Add(ReportRows.InsertReport(submission.Report));
        batch.BatchCommands.Add(ReportRows.InsertRevision(submission.Revision, submission.Content));
        if (submission.Idempotency is { } record)
        {
            batch.BatchCommands.Add(ReportRows.InsertIdempotency(record));
        }
    }

    /// <summary>Errors after which the connection (and what it committed) cannot be trusted: not worth a second try on it.</summary>
    private static bool IsConnectionLost(PostgresException ex) =>
        ex.SqlState.StartsWith("08", StringComparison.Ordinal) || ex.SqlState.StartsWith("57P", StringComparison.Ordinal);
}
