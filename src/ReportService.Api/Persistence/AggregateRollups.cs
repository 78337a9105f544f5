using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;
using ReportService.Api.Infrastructure;

namespace ReportService.Api.Persistence;

/// <summary>
/// Keeps <c>aggregate_rollups</c> equal to the sums of the current revisions (ADR 5). Every write adds its
/// revision's cells and a correction first takes the old revision's away, in the write's own transaction,
/// so aggregates are fresh and a correction replaces numbers rather than adding to them. Rows are locked in
/// one order (by grain) by every writer, so writers wait on each other but never deadlock.
/// </summary>
internal static class AggregateRollups
{
    /// <summary>Province, prefecture, county, exact region: the grains aggregates read at.</summary>
    public static readonly int[] Grains = [2, 4, 6, 9];

    public const int Shards = 8;

    private static readonly string Columns = string.Join(", ", CellColumns.All.Select(c => c.Name));

    internal static readonly string Conflict =
        " ON CONFLICT (grain, scope, year, region_code, level, kind, format, shard) DO UPDATE SET report_count = a.report_count + excluded.report_count, " +
        string.Join(", ", CellColumns.All.Select(c => $"{c.Name} = a.{c.Name} + excluded.{c.Name}"));

    private static readonly string Grain =
        "CROSS JOIN (VALUES (2), (4), (6), (9)) AS g (grain)";

    /// <summary>
    /// Adds (sign 1) or removes (sign −1) one stored revision under the given dimensions, and logs the same delta in
    /// the aggregate change log (ADR 11) in the same statement. Positional
    /// parameters ($1 region, $2 year, $3 level, $4 kind, $5 scope, $6 format, $7 sign, $8 report id,
    /// $9 revision), so that Npgsql sends the ~40 KB text as it is instead of scanning it for named ones.
    /// </summary>
    private static readonly string RevisionSql = RevisionSqlFor("aggregate_rollups", AggregateChangeLog.InsertSql, "");

    /// <summary>The same for the approved view (ADR 17): <c>approved_rollups</c>, logged as the approved view's change.</summary>
    private static readonly string ApprovedRevisionSql = RevisionSqlFor("approved_rollups", AggregateChangeLog.ApprovedInsertSql, ", true");

    private static string RevisionSqlFor(string table, string logInsert, string logTag) =>
        "WITH logged AS (" + logInsert +
        "SELECT $1, $2, $3, $4, $5, $6, $7, ARRAY[" + string.Join(", ", CellColumns.All.Select(c => $"$7 * coalesce(v.{c.Name}, 0)")) +
        "]::numeric[]" + logTag + " FROM report_revisions v WHERE v.report_id = $8 AND v.revision = $9) " +
        $"INSERT INTO {table} AS a (grain, region_code, year, level, kind, scope, format, shard, report_count, {Columns}) " +
        "SELECT g.grain, CASE WHEN length($1) > g.grain THEN left($1, g.grain) ELSE $1 END, $2, $3, $4, $5, $6, " +
        $"abs(hashtext(v.report_id::text)) % {Shards}, $7, " +
        string.Join(", ", CellColumns.All.Select(c => $"$7 * coalesce(v.{c.Name}, 0)")) +
        $" FROM report_revisions v {Grain} WHERE v.report_id = $8 AND v.revision = $9 ORDER BY g.grain" + Conflict;

    /// <summary>
    /// Folds the deltas of a bulk import (staged in <c>batch_rollups</c>, summed by the service) into the
    /// rollups, in key order (grain first, as every writer locks them), and logs the exact-region ones (grain 9)
    /// in the aggregate change log (ADR 11).
    /// </summary>
    public static readonly string BatchSql =
        "WITH logged AS (" + AggregateChangeLog.InsertSql +
        "SELECT region_code, year, level, kind, scope, format, report_count, " + AggregateChangeLog.CellArray("") +
        " FROM batch_rollups WHERE grain = 9) " +
        $"INSERT INTO aggregate_rollups AS a (grain, region_code, year, level, kind, scope, format, shard, report_count, {Columns}) " +
        $"SELECT grain, region_code, year, level, kind, scope, format, shard, report_count, {Columns} FROM batch_rollups " +
        "ORDER BY grain, scope, year, region_code, level, kind, format, shard" + Conflict;

    /// <summary>The rollup upsert of one revision, for a batch that also writes the revision's rows.</summary>
    public static NpgsqlBatchCommand AddCommand(StoredReport report)
    {
        var command = new NpgsqlBatchCommand(RevisionSql);
        Bind(command.Parameters, report, report.CurrentRevision, 1);
        return command;
    }

    public static Task AddAsync(ReportsDbContext db, StoredReport report, CancellationToken cancellationToken) =>
        ApplyAsync(db, report, report.CurrentRevision, 1, cancellationToken);

    public static Task RemoveAsync(ReportsDbContext db, StoredReport report, int revision, CancellationToken cancellationToken) =>
        ApplyAsync(db, report, revision, -1, cancellationToken);

    /// <summary>
    /// A review's change to the approved view (ADR 17): adds (sign 1, an approval) or removes (−1, a return of an
    /// approved report) the report's current revision in <c>approved_rollups</c>, logged as the approved view's
    /// change, in the review's transaction.
    /// </summary>
    public static Task ApplyApprovedAsync(ReportsDbContext db, StoredReport report, int sign, CancellationToken cancellationToken) =>
        ApplyAsync(db, report, report.CurrentRevision, sign, cancellationToken, ApprovedRevisionSql);

    /// <summary>Runs the upsert on the context's connection, inside its current transaction.</summary>
    private static async Task ApplyAsync(ReportsDbContext db, StoredReport report, int revision, int sign, CancellationToken cancellationToken, string? sql = null)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var transaction = (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction();
        await using var command = new NpgsqlCommand(sql ?? RevisionSql, connection, transaction);
        Bind(command.Parameters, report, revision, sign);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void Bind(NpgsqlParameterCollection p, StoredReport report, int revision, int sign)
    {
        p.Add(new NpgsqlParameter<string> { TypedValue = report.RegionCode, NpgsqlDbType = NpgsqlDbType.Text });
        p.Add(new NpgsqlParameter<int> { TypedValue = report.Year });
        p.Add(new NpgsqlParameter<string> { TypedValue = ContractEnums.Name(report.Level), NpgsqlDbType = NpgsqlDbType.Text });
        p.Add(new NpgsqlParameter<string> { TypedValue = ContractEnums.Name(report.Kind), NpgsqlDbType = NpgsqlDbType.Text });
        p.Add(new NpgsqlParameter<string> { TypedValue = ContractEnums.Name(report.Scope), NpgsqlDbType = NpgsqlDbType.Text });
        p.Add(new NpgsqlParameter<string> { TypedValue = report.Format, NpgsqlDbType = NpgsqlDbType.Text });
        p.Add(new NpgsqlParameter<int> { TypedValue = sign });
        p.Add(new NpgsqlParameter<Guid> { TypedValue = report.Id });
        p.Add(new NpgsqlParameter<int> { TypedValue = revision });
    }
}
