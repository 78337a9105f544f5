using Npgsql;
using NpgsqlTypes;

namespace ReportService.Api.Persistence;

/// <summary>
/// One row of the aggregate change log (ADR 11): the rollup delta of one write at one exact region, year, level, kind,
/// scope and format (cells in <see cref="CellColumns.All"/> order), or a reset (<see cref="IsReset"/>) after which no
/// cached answer may be brought forward.
/// <para>
/// <c>Approved</c> rows are deltas of the approved view (<c>approved_rollups</c>, ADR 17), written by reviews; the
/// others are deltas of <c>aggregate_rollups</c>. An answer is brought forward by the rows of its own view only.
/// </para>
/// </summary>
internal sealed record AggregateChange(string? RegionCode, int Year, string Level, string Kind, string Scope, string Format, long ReportCount, decimal[] Cells, bool Approved = false)
{
    public bool IsReset => RegionCode is null;

    /// <summary>The scope of a change of the agencies register (ADR 18): no aggregate answer has it.</summary>
    public const string RegisterScope = "register";

    /// <summary>
    /// A change of the agencies register in this region (ADR 18), logged by trigger: no aggregate answer takes it;
    /// completeness reloads the region's agencies.
    /// </summary>
    public bool IsRegister => RegionCode is not null && Scope == RegisterScope;
}

/// <summary>
/// The aggregate change log (ADR 11): every write that changes <c>aggregate_rollups</c> inserts its deltas into
/// <c>aggregate_changes</c> in the same statement (<see cref="AggregateRollups"/>, <see cref="RollupDeltas"/>), so
/// in its own transaction. A reader finds what committed after a snapshot it took earlier by visibility, not by
/// order of ids: the rows whose transaction is not visible in that snapshot and are visible to the reading
/// statement. Transactions that commit out of xid order are therefore neither skipped nor read twice, and
/// writers take no lock and no counter for it.
/// </summary>
internal static class AggregateChangeLog
{
    /// <summary>The start of the insert each writer puts in a CTE before its rollup upsert; a SELECT of these columns follows.</summary>
    public const string InsertSql = "INSERT INTO aggregate_changes (region_code, year, level, kind, scope, format, report_count, cells) ";

    /// <summary>The same for the approved view's deltas (ADR 17): a SELECT of these columns and <c>true</c> follows.</summary>
    public const string ApprovedInsertSql = "INSERT INTO aggregate_changes (region_code, year, level, kind, scope, format, report_count, cells, approved) ";

    /// <summary>The cell columns of <paramref name="prefix"/> (a table alias and dot, or empty) as one numeric array.</summary>
    public static string CellArray(string prefix) =>
        "ARRAY[" + string.Join(", ", CellColumns.All.Select(c => prefix + c.Name)) + "]::numeric[]";

    /// <summary>Columns of a change row (alias c), in the order <see cref="Read"/> takes them.</summary>
    public const string Columns = "c.region_code, c.year, c.level, c.kind, c.scope, c.format, c.report_count, c.cells, c.approved";

    /// <summary>
    /// The rows committed after snapshot <c>$1</c> (text form of a <c>pg_snapshot</c>) and visible to this statement.
    /// Rows of transactions below the snapshot's xmin were visible to it; the index on xid serves the bound.
    /// </summary>
    public const string SinceCondition =
        "c.xid >= pg_snapshot_xmin($1::pg_snapshot) AND NOT pg_visible_in_snapshot(c.xid, $1::pg_snapshot)";

    /// <summary>Whether every row committed after snapshot <c>$1</c> is still there (the pruner has not passed its xmin).</summary>
    public const string CompleteSince =
        "(SELECT horizon <= pg_snapshot_xmin($1::pg_snapshot) FROM aggregate_change_horizon)";

    /// <summary>A change row read at column <paramref name="first"/> (see <see cref="Columns"/>).</summary>
    public static AggregateChange Read(NpgsqlDataReader reader, int first) =>
        reader.IsDBNull(first)
            ? new AggregateChange(null, 0, "", "", "", "", 0, [])
            : new AggregateChange(
                reader.GetString(first), reader.GetInt32(first + 1), reader.GetString(first + 2), reader.GetString(first + 3),
                reader.GetString(first + 4), reader.GetString(first + 5), reader.GetInt64(first + 6), reader.GetFieldValue<decimal[]>(first + 7),
                reader.GetBoolean(first + 8));

    /// <summary>
    /// Within the caller's (repeatable read) transaction: whether the log still holds everything committed after
    /// <paramref name="snapshot"/>, and the rows of <paramref name="scope"/> in the view asked for (<paramref name="approved"/>:
    /// the approved view's, ADR 17), and any reset, committed after it that this transaction sees.
    /// </summary>
    public static async Task<(bool Complete, List<AggregateChange> Changes)> ReadSinceAsync(
        NpgsqlConnection connection, string snapshot, string scope, bool approved, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT {CompleteSince}, c.xid IS NOT NULL, {Columns} FROM (SELECT 1) AS one " +
            $"LEFT JOIN aggregate_changes c ON {SinceCondition} AND ((c.scope = $2 AND c.approved = $3) OR c.region_code IS NULL)",
            connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = snapshot, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = scope, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = approved });
        var changes = new List<AggregateChange>();
        var complete = false;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            complete = reader.GetBoolean(0);
            // The LEFT JOIN gives one row without a change when nothing changed.
            if (reader.GetBoolean(1))
            {
                changes.Add(Read(reader, 2));
            }
        }

        return (complete, changes);
    }

    /// <summary>A reset: every process drops its cached answers when it reads it (start-up; rows changed by hand).</summary>
    public static async Task ResetAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("INSERT INTO aggregate_changes DEFAULT VALUES", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Deletes the rows older than the horizon and moves it (two steps, so that a row lives at least
    /// <c>$1</c> seconds): the horizon becomes the oldest running transaction recorded at least that long ago.
    /// </summary>
    public const string PruneSql =
        "WITH moved AS (UPDATE aggregate_change_horizon SET horizon = next_horizon, next_horizon = pg_snapshot_xmin(pg_current_snapshot()), " +
        "next_at = now() WHERE next_at <= now() - make_interval(secs => $1) RETURNING horizon) " +
        "DELETE FROM aggregate_changes c USING moved WHERE c.xid < moved.horizon";
}
