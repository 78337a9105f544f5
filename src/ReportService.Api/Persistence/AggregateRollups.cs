using Microsoft.EntityFrameworkCore;
using Npgsql;
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

    private static readonly string Conflict =
        " ON CONFLICT (grain, scope, year, region_code, level, kind, format, shard) DO UPDATE SET report_count = a.report_count + excluded.report_count, " +
        string.Join(", ", CellColumns.All.Select(c => $"{c.Name} = a.{c.Name} + excluded.{c.Name}"));

    private static readonly string Grain =
        "CROSS JOIN (VALUES (2), (4), (6), (9)) AS g (grain)";

    /// <summary>Adds (sign 1) or removes (sign −1) one stored revision under the given dimensions.</summary>
    private static readonly string RevisionSql =
        $"INSERT INTO aggregate_rollups AS a (grain, region_code, year, level, kind, scope, format, shard, report_count, {Columns}) " +
        "SELECT g.grain, CASE WHEN length(@region) > g.grain THEN left(@region, g.grain) ELSE @region END, @year, @level, @kind, @scope, @format, " +
        $"abs(hashtext(v.report_id::text)) % {Shards}, @sign, " +
        string.Join(", ", CellColumns.All.Select(c => $"@sign * coalesce(v.{c.Name}, 0)")) +
        $" FROM report_revisions v {Grain} WHERE v.report_id = @id AND v.revision = @revision ORDER BY g.grain" + Conflict;

    /// <summary>Adds the reports of a bulk import that were stored (those of the staging tables now in reports).</summary>
    public static readonly string BatchSql =
        $"INSERT INTO aggregate_rollups AS a (grain, region_code, year, level, kind, scope, format, shard, report_count, {Columns}) " +
        "SELECT g.grain, CASE WHEN length(r.region_code) > g.grain THEN left(r.region_code, g.grain) ELSE r.region_code END, " +
        $"r.year, r.level, r.kind, r.scope, r.format, abs(hashtext(r.id::text)) % {Shards}, count(*), " +
        string.Join(", ", CellColumns.All.Select(c => $"sum(coalesce(v.{c.Name}, 0))")) +
        $" FROM batch_reports r JOIN batch_revisions v ON v.report_id = r.id {Grain} " +
        "WHERE EXISTS (SELECT 1 FROM reports x WHERE x.id = r.id) GROUP BY 1, 2, 3, 4, 5, 6, 7, 8 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8" + Conflict;

    public static Task AddAsync(ReportsDbContext db, StoredReport report, CancellationToken cancellationToken) =>
        ApplyAsync(db, report, report.CurrentRevision, 1, cancellationToken);

    public static Task RemoveAsync(ReportsDbContext db, StoredReport report, int revision, CancellationToken cancellationToken) =>
        ApplyAsync(db, report, revision, -1, cancellationToken);

    private static Task<int> ApplyAsync(ReportsDbContext db, StoredReport report, int revision, int sign, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlRawAsync(RevisionSql,
        [
            new NpgsqlParameter("region", report.RegionCode),
            new NpgsqlParameter("year", report.Year),
            new NpgsqlParameter("level", ContractEnums.Name(report.Level)),
            new NpgsqlParameter("kind", ContractEnums.Name(report.Kind)),
            new NpgsqlParameter("scope", ContractEnums.Name(report.Scope)),
            new NpgsqlParameter("format", report.Format),
            new NpgsqlParameter("sign", sign),
            new NpgsqlParameter("id", report.Id),
            new NpgsqlParameter("revision", revision),
        ],
        cancellationToken);
}
