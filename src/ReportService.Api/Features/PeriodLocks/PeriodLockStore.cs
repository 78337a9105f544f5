using System.Globalization;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using ReportService.Api.Features.Reports.ReviewReport;

namespace ReportService.Api.Features.PeriodLocks;

/// <summary>Where a year's period lock comes from.</summary>
public enum PeriodLockSource
{
    /// <summary>Set through PUT /v1/period-locks/{year}, stored in the database: every replica applies it at once.</summary>
    Database,

    /// <summary>The service's configuration (<c>Review__PeriodLocks__&lt;year&gt;</c>), for years without a stored lock.</summary>
    Configuration,
}

/// <summary>A year's period lock: after <c>lockedAfter</c> (a day in UTC+8), corrections of that year's reports need a reviewer's return first.</summary>
public sealed class PeriodLockResponse
{
    /// <summary>The report year locked.</summary>
    public required int Year { get; init; }

    /// <summary>The last day (UTC+8) on which the year's reports may be corrected freely.</summary>
    public required DateOnly LockedAfter { get; init; }

    /// <summary>database (set through this API; wins for its year) or configuration.</summary>
    public required PeriodLockSource Source { get; init; }

    /// <summary>The configured day for this year, when the configuration has one (also when a stored lock overrides it).</summary>
    public DateOnly? Configured { get; init; }

    /// <summary>Who set the stored lock (the token's subject), when known.</summary>
    public string? SetBy { get; init; }

    /// <summary>The OAuth2 client that set the stored lock, when known.</summary>
    public string? SetClient { get; init; }

    /// <summary>When the stored lock was set.</summary>
    public DateTimeOffset? SetAt { get; init; }
}

/// <summary>The body of <c>GET /v1/period-locks</c>.</summary>
public sealed class ListPeriodLocksResponse
{
    /// <summary>Every year with a lock in force, by year: the stored lock, else the configured one.</summary>
    public required IReadOnlyList<PeriodLockResponse> Locks { get; init; }
}

/// <summary>
/// Period locks (ADR 16): stored in <c>period_locks</c> so that every replica sees a change at once, beside the
/// configuration's <c>Review:PeriodLocks</c>; a stored lock wins for its year. Changes and corrections of a year are
/// ordered by a transaction-scoped advisory lock on the year: a change takes it exclusively, a correction shared
/// (<see cref="ReviewLocks.LockStatusAsync"/>), so a change is acknowledged only after every correction that checked the
/// old lock has committed, and a correction that checks after it waits for the change and sees it.
/// </summary>
internal sealed class PeriodLockStore(NpgsqlDataSource dataSource, IOptions<ReviewOptions> options, TimeProvider clock)
{
    /// <summary>The first key of the advisory locks on years (the second is the year); no other advisory lock in the service uses it.</summary>
    public const int AdvisoryClass = 0x504c4b;

    /// <summary>A correction's shared hold on its year (<c>$1</c>), until its transaction ends.</summary>
    public static readonly string ShareSql = $"SELECT true FROM (SELECT pg_advisory_xact_lock_shared({AdvisoryClass}, $1)) AS held";

    private static readonly string ExclusiveSql = $"SELECT true FROM (SELECT pg_advisory_xact_lock({AdvisoryClass}, $1)) AS held";

    /// <summary>The configured day for <paramref name="year"/>, if any.</summary>
    public DateOnly? Configured(int year) =>
        options.Value.PeriodLocks.TryGetValue(year.ToString(CultureInfo.InvariantCulture), out var day) ? day : null;

    /// <summary>Every lock in force: the stored ones, and the configured ones of the other years.</summary>
    public async Task<List<PeriodLockResponse>> ListAsync(CancellationToken cancellationToken)
    {
        var locks = new Dictionary<int, PeriodLockResponse>();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT year, locked_after, set_by, set_client, set_at FROM period_locks", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var year = reader.GetInt32(0);
            locks[year] = Stored(year, reader.GetFieldValue<DateOnly>(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetFieldValue<DateTimeOffset>(4));
        }

        foreach (var (key, day) in options.Value.PeriodLocks)
        {
            if (int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var year) && !locks.ContainsKey(year))
            {
                locks[year] = new PeriodLockResponse { Year = year, LockedAfter = day, Source = PeriodLockSource.Configuration, Configured = day };
            }
        }

        return [.. locks.Values.OrderBy(l => l.Year)];
    }

    /// <summary>Sets (or moves) the stored lock of <paramref name="year"/> and records the change, in one transaction.</summary>
    public async Task<PeriodLockResponse> SetAsync(int year, DateOnly lockedAfter, string? by, string? client, CancellationToken cancellationToken)
    {
        var at = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            batch.BatchCommands.Add(Command(ExclusiveSql, year));
            batch.BatchCommands.Add(Command(
                "WITH previous AS (SELECT locked_after FROM period_locks WHERE year = $1), " +
                "stored AS (INSERT INTO period_locks (year, locked_after, set_by, set_client, set_at) VALUES ($1, $2, $3, $4, $5) " +
                "ON CONFLICT (year) DO UPDATE SET locked_after = excluded.locked_after, set_by = excluded.set_by, set_client = excluded.set_client, set_at = excluded.set_at) " +
                "INSERT INTO period_lock_events (year, action, locked_after, previous, changed_by, changed_client, changed_at) " +
                "SELECT $1, 'set', $2, (SELECT locked_after FROM previous), $3, $4, $5",
                year, lockedAfter, by, client, at));
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        // Not cancellable: a change acknowledged to nobody must not be half-known (ADR 12).
        await transaction.CommitAsync(CancellationToken.None);
        return Stored(year, lockedAfter, by, client, at);
    }

    /// <summary>Removes the stored lock of <paramref name="year"/> and records it; the day it had, or null when none was stored.</summary>
    public async Task<DateOnly?> RemoveAsync(int year, string? by, string? client, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        DateOnly? removed = null;
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            batch.BatchCommands.Add(Command(ExclusiveSql, year));
            batch.BatchCommands.Add(Command(
                "WITH removed AS (DELETE FROM period_locks WHERE year = $1 RETURNING locked_after) " +
                "INSERT INTO period_lock_events (year, action, locked_after, previous, changed_by, changed_client, changed_at) " +
                "SELECT $1, 'removed', NULL, locked_after, $2, $3, $4 FROM removed RETURNING previous",
                year, by, client, clock.GetUtcNow()));
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            await reader.NextResultAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                removed = reader.GetFieldValue<DateOnly>(0);
            }
        }

        await transaction.CommitAsync(CancellationToken.None);
        return removed;
    }

    private PeriodLockResponse Stored(int year, DateOnly day, string? by, string? client, DateTimeOffset at) => new()
    {
        Year = year,
        LockedAfter = day,
        Source = PeriodLockSource.Database,
        Configured = Configured(year),
        SetBy = by,
        SetClient = client,
        SetAt = at,
    };

    private static NpgsqlBatchCommand Command(string sql, params object?[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(value switch
            {
                null => new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text },
                DateOnly day => new NpgsqlParameter<DateOnly> { TypedValue = day, NpgsqlDbType = NpgsqlDbType.Date },
                _ => new NpgsqlParameter { Value = value },
            });
        }

        return command;
    }
}
