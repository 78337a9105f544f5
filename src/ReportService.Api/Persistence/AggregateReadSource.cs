using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;

namespace ReportService.Api.Persistence;

/// <summary>
/// Where aggregate sums are read (ADR 12): a standby named by <c>ConnectionStrings:ReportsRead</c>, so that dashboards
/// scale out without loading the primary, or the primary when none is configured. The contract stays exact: a
/// report accepted by one request is counted by the next aggregate request. The request reads the primary's
/// flushed WAL position together with the data version; every write acknowledged before it is committed at or
/// below that position, and the standby is used once it has replayed up to it. With the synchronous
/// <c>remote_apply</c> standby of the shipped setup that is already true when the request arrives (one round trip
/// to check); an asynchronous or lagging standby is waited for at most <c>Aggregates:ReplicaWaitMilliseconds</c>,
/// then the primary answers, as it does when the standby cannot be reached.
/// </summary>
internal sealed partial class AggregateReadSource : IDisposable
{
    public const string ConnectionStringName = "ReportsRead";

    public const string WaitSetting = "Aggregates:ReplicaWaitMilliseconds";

    private readonly NpgsqlDataSource? _replica;
    private readonly TimeSpan _wait;
    private readonly ILogger<AggregateReadSource> _logger;
    private long _replicaReads;
    private long _replicaWaits;
    private long _primaryFallbacks;

    public AggregateReadSource(IConfiguration configuration, ILogger<AggregateReadSource> logger)
    {
        _logger = logger;
        _wait = TimeSpan.FromMilliseconds(Math.Clamp(configuration.GetValue(WaitSetting, 1000), 0, 30_000));
        var connectionString = configuration.GetConnectionString(ConnectionStringName);
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            var builder = new NpgsqlDataSourceBuilder(connectionString);
            DatabaseSetup.ApplyDefaults(builder.ConnectionStringBuilder);
            _replica = builder.Build();
        }
    }

    /// <summary>True when a standby is configured: the request then also reads the primary's WAL position.</summary>
    public bool Enabled => _replica is not null;

    /// <summary>Aggregate reads answered by the standby.</summary>
    public long ReplicaReads => Interlocked.Read(ref _replicaReads);

    /// <summary>Of those, the reads that had to wait for the standby to replay the primary's position first.</summary>
    public long ReplicaWaits => Interlocked.Read(ref _replicaWaits);

    /// <summary>Aggregate reads that fell back to the primary (the standby behind for too long, or unreachable).</summary>
    public long PrimaryFallbacks => Interlocked.Read(ref _primaryFallbacks);

    /// <summary>The primary's flushed WAL position: every acknowledged commit lies at or below it.</summary>
    public static async Task<NpgsqlLogSequenceNumber> PrimaryPositionAsync(NpgsqlConnection primary, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_current_wal_flush_lsn()", primary);
        return (NpgsqlLogSequenceNumber)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>
    /// Runs <paramref name="read"/> on the standby once it has replayed <paramref name="position"/>; returns null (the
    /// caller reads the primary) when no standby is configured, it stays behind longer than the wait, or it is unreachable.
    /// </summary>
    public async Task<T?> TryOnReplicaAsync<T>(NpgsqlLogSequenceNumber position, Func<NpgsqlConnection, Task<T>> read, CancellationToken cancellationToken)
        where T : class
    {
        if (_replica is null)
        {
            return null;
        }

        try
        {
            await using var connection = await _replica.OpenConnectionAsync(cancellationToken);
            var waited = false;
            var deadline = Stopwatch.GetTimestamp() + (long)(_wait.TotalSeconds * Stopwatch.Frequency);
            var pause = TimeSpan.FromMilliseconds(1);
            while (!await CaughtUpAsync(connection, position, cancellationToken))
            {
                if (Stopwatch.GetTimestamp() >= deadline)
                {
                    Interlocked.Increment(ref _primaryFallbacks);
                    LogBehind(_logger, position.ToString());
                    return null;
                }

                waited = true;
                await Task.Delay(pause, cancellationToken);
                pause = TimeSpan.FromMilliseconds(Math.Min(pause.TotalMilliseconds * 2, 20));
            }

            var result = await read(connection);
            Interlocked.Increment(ref _replicaReads);
            if (waited)
            {
                Interlocked.Increment(ref _replicaWaits);
            }

            return result;
        }
        catch (Exception ex) when (DatabaseErrors.IsUnavailable(ex))
        {
            Interlocked.Increment(ref _primaryFallbacks);
            LogUnavailable(_logger, ex.Message);
            return null;
        }
    }

    /// <summary>A server not in recovery (a promoted standby, or the primary itself) has every commit; a standby when it has replayed the position.</summary>
    private static async Task<bool> CaughtUpAsync(NpgsqlConnection connection, NpgsqlLogSequenceNumber position, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT NOT pg_is_in_recovery() OR coalesce(pg_last_wal_replay_lsn() >= $1, false)", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = position, NpgsqlDbType = NpgsqlDbType.PgLsn });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public void Dispose() => _replica?.Dispose();

    [LoggerMessage(LogLevel.Warning, "Read replica has not replayed {Position} in time; the aggregate is read from the primary")]
    private static partial void LogBehind(ILogger logger, string position);

    [LoggerMessage(LogLevel.Warning, "Read replica unavailable; the aggregate is read from the primary: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string reason);
}
