using System.Collections.Concurrent;
using Npgsql;

namespace ReportService.Api.Persistence;

/// <summary>
/// Refuses a primary that is on an older timeline than a primary of the same database system this process has
/// already connected to (ADR 19): an old primary that came back after a failover without being fenced. Every
/// promotion starts a new timeline, so the old primary's is lower than the promoted standby's, and with
/// <c>Target Session Attributes=primary</c> Npgsql would otherwise take whichever primary comes first in the host
/// list. Runs on every new physical connection (Npgsql's physical connection initializer); a refusal fails that
/// host's connection attempt, and Npgsql's multi-host data source then tries the next host, so requests go to the
/// newer primary, or get 503 while it is the only one reachable. Standbys are not checked (they take no writes).
/// </summary>
internal sealed partial class PrimaryTimelineGuard(ILogger<PrimaryTimelineGuard> logger)
{
    /// <summary>The highest timeline seen per database system identifier (0 when the identifier may not be read).</summary>
    private readonly ConcurrentDictionary<long, int> _highest = new();

    private readonly ConcurrentDictionary<string, long> _lastWarned = new();

    /// <summary>
    /// Whether <c>pg_control_system()</c> may be called (PUBLIC may by default; an operator may revoke it): without
    /// it every cluster counts as one system, and a new cluster that starts again at timeline 1 is refused until the
    /// service restarts.
    /// </summary>
    private volatile bool _systemIdentifierReadable = true;

    // The timeline of a primary is the first 8 hex digits of the name of the WAL file it writes (pg_control_checkpoint()
    // shows the new timeline only after the first checkpoint following a promotion, which may come minutes later).
    private const string TimelineSql =
        "CASE WHEN pg_is_in_recovery() THEN 0 ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int END";

    /// <summary>Whether <paramref name="command"/> is this guard's check.</summary>
    public static bool IsOwn(NpgsqlCommand command) => command.CommandText.Contains(TimelineSql, StringComparison.Ordinal);

    public async Task CheckAsync(NpgsqlConnection connection)
    {
        var (system, timeline) = await ReadAsync(connection);
        Observe(system, timeline, $"{connection.Host}:{connection.Port}");
    }

    public void Check(NpgsqlConnection connection)
    {
        var (system, timeline) = Read(connection);
        Observe(system, timeline, $"{connection.Host}:{connection.Port}");
    }

    private (long System, int Timeline) Read(NpgsqlConnection connection)
    {
        if (_systemIdentifierReadable)
        {
            try
            {
                using var command = new NpgsqlCommand($"SELECT (SELECT system_identifier FROM pg_control_system()), {TimelineSql}", connection);
                using var reader = command.ExecuteReader();
                reader.Read();
                return (reader.GetInt64(0), reader.GetInt32(1));
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege)
            {
                _systemIdentifierReadable = false;
                LogNoSystemIdentifier(logger);
            }
        }

        using var timelineOnly = new NpgsqlCommand($"SELECT {TimelineSql}", connection);
        return (0, (int)timelineOnly.ExecuteScalar()!);
    }

    private async Task<(long System, int Timeline)> ReadAsync(NpgsqlConnection connection)
    {
        if (_systemIdentifierReadable)
        {
            try
            {
                await using var command = new NpgsqlCommand($"SELECT (SELECT system_identifier FROM pg_control_system()), {TimelineSql}", connection);
                await using var reader = await command.ExecuteReaderAsync();
                await reader.ReadAsync();
                return (reader.GetInt64(0), reader.GetInt32(1));
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege)
            {
                _systemIdentifierReadable = false;
                LogNoSystemIdentifier(logger);
            }
        }

        await using var timelineOnly = new NpgsqlCommand($"SELECT {TimelineSql}", connection);
        return (0, (int)(await timelineOnly.ExecuteScalarAsync())!);
    }

    /// <summary>Remembers <paramref name="timeline"/> of a primary, or throws when a newer one of the same system was seen.</summary>
    internal void Observe(long system, int timeline, string host)
    {
        if (timeline == 0)
        {
            return;
        }

        var highest = _highest.AddOrUpdate(system, timeline, (_, seen) => Math.Max(seen, timeline));
        if (timeline >= highest)
        {
            return;
        }

        var now = Environment.TickCount64;
        if (now - _lastWarned.GetOrAdd(host, long.MinValue / 2) > 10_000)
        {
            _lastWarned[host] = now;
            LogRefused(logger, host, timeline, highest);
        }

        throw new StalePrimaryException(host, timeline, highest);
    }

    [LoggerMessage(LogLevel.Error, "Refusing {Host}: a primary on timeline {Timeline}, behind timeline {Highest} already in use. " +
        "An old primary is running again after a failover without having been fenced; stop it and rebuild it as a standby (docs/operations.md)")]
    private static partial void LogRefused(ILogger logger, string host, int timeline, int highest);

    [LoggerMessage(LogLevel.Warning, "pg_control_system() may not be called; old primaries are recognised by their timeline alone")]
    private static partial void LogNoSystemIdentifier(ILogger logger);
}

/// <summary>A primary on an older timeline than one already in use: an unfenced old primary (503, ADR 19).</summary>
internal sealed class StalePrimaryException(string host, int timeline, int highest)
    : Exception($"{host} is a primary on timeline {timeline}, behind timeline {highest} already in use: an old primary that was not fenced.");
