using System.Text;
using Npgsql;
using NpgsqlTypes;
using ReportService.Api.Infrastructure;
using ReportService.Api.Persistence;

namespace ReportService.Api.Features.Aggregates;

/// <summary>One group of an aggregate: its key, its report counts and the sum of every cell column.</summary>
internal sealed record AggregateRow(IReadOnlyDictionary<Dimension, object?> Key, long ReportCount, long Reports2019, long Reports2021, decimal[] Sums)
{
    public decimal Sum(string column) => Sums[AggregateQuery.ColumnIndex[column]];
}

/// <summary>The rows of an aggregate; <paramref name="Exact"/> when they are exactly those of the snapshot asked for.</summary>
internal sealed record AggregateSums(List<AggregateRow> Rows, bool Exact);

/// <summary>
/// Sums the current revision of every matching report in one SQL statement over the rollups of the typed
/// cell columns (ADR 5), read at the coarsest grain the question needs. The rollups change in the same
/// transaction as the reports, so a report accepted or corrected by one request is counted by the next.
/// </summary>
internal static class AggregateQuery
{
    public static readonly IReadOnlyDictionary<string, int> ColumnIndex =
        CellColumns.All.Select((c, i) => (c.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);

    private const int MaxListedYears = 50;

    private static readonly string SumList = string.Join(", ", CellColumns.All.Select(c => $"coalesce(sum(r.{c.Name}), 0)"));

    /// <summary>
    /// The sums exactly as of <paramref name="snapshot"/> (a sync's snapshot of the primary, ADR 11): read in one
    /// repeatable-read transaction together with the change-log rows committed after that snapshot, which are then
    /// taken away. The connection may be a replica that has replayed the snapshot's position (ADR 12). Not exact
    /// (served, not kept) when the log no longer holds those rows, or one of them is a reset; without a snapshot,
    /// the sums as the statement finds them.
    /// </summary>
    public static async Task<AggregateSums> RunAtAsync(
        NpgsqlConnection connection, AggregateFilter filter, string? snapshot, CancellationToken cancellationToken)
    {
        if (snapshot is null)
        {
            return new AggregateSums(await RunAsync(connection, filter, cancellationToken), false);
        }

        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        var rows = await RunAsync(connection, filter, cancellationToken);
        var (complete, changes) = await AggregateChangeLog.ReadSinceAsync(connection, snapshot, ContractEnums.Name(filter.Scope), filter.ApprovedOnly, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (!complete || changes.Any(c => c.IsReset))
        {
            return new AggregateSums(rows, false);
        }

        return new AggregateSums(AggregateDeltas.Apply(rows, filter, changes, sign: -1).Rows, true);
    }

    public static async Task<List<AggregateRow>> RunAsync(NpgsqlConnection connection, AggregateFilter filter, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand { Connection = connection };
        command.CommandText = Sql(filter, command.Parameters);
        // The statement is long (a sum per cell column) and its text depends only on the grouping and the
        // filters used: prepared once per connection, later requests skip parsing and planning.
        await command.PrepareAsync(cancellationToken);
        var rows = new List<AggregateRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var keys = filter.GroupBy.Count;
        while (await reader.ReadAsync(cancellationToken))
        {
            var key = new Dictionary<Dimension, object?>();
            for (var i = 0; i < keys; i++)
            {
                key[filter.GroupBy[i]] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            var sums = new decimal[CellColumns.All.Count];
            for (var c = 0; c < sums.Length; c++)
            {
                sums[c] = reader.GetFieldValue<decimal>(keys + 3 + c);
            }

            rows.Add(new AggregateRow(key, reader.GetInt64(keys), reader.GetInt64(keys + 1), reader.GetInt64(keys + 2), sums));
        }

        return rows;
    }

    internal static string Sql(AggregateFilter filter, NpgsqlParameterCollection parameters)
    {
        var groups = filter.GroupBy.Select(Expression).ToList();
        var sql = new StringBuilder("SELECT ");
        foreach (var group in groups)
        {
            sql.Append(group).Append(", ");
        }

        sql.Append("coalesce(sum(r.report_count), 0)::bigint, coalesce(sum(r.report_count) FILTER (WHERE r.format = '2019'), 0)::bigint, ")
            .Append("coalesce(sum(r.report_count) FILTER (WHERE r.format = '2021'), 0)::bigint, ")
            .Append(SumList)
            .Append(filter.ApprovedOnly ? " FROM approved_rollups" : " FROM aggregate_rollups")
            .Append(" r WHERE r.grain = @grain AND r.scope = @scope");
        parameters.Add(new NpgsqlParameter("grain", NpgsqlDbType.Smallint) { Value = GrainFor(filter) });
        parameters.Add(new NpgsqlParameter("scope", NpgsqlDbType.Text) { Value = ContractEnums.Name(filter.Scope) });
        if (filter is { FromYear: { } first, ToYear: { } last } && last - first < MaxListedYears)
        {
            // A list of years, not a range: on the key (grain, scope, year, region_code, …) a range on year
            // stops the region bounds from narrowing the scan; equality on each year lets them.
            sql.Append(" AND r.year = ANY(@years)");
            parameters.Add(new NpgsqlParameter("years", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = Enumerable.Range(first, last - first + 1).ToArray() });
        }
        else
        {
            if (filter.FromYear is { } from)
            {
                sql.Append(" AND r.year >= @from");
                parameters.Add(new NpgsqlParameter("from", NpgsqlDbType.Integer) { Value = from });
            }

            if (filter.ToYear is { } to)
            {
                sql.Append(" AND r.year <= @to");
                parameters.Add(new NpgsqlParameter("to", NpgsqlDbType.Integer) { Value = to });
            }
        }

        if (filter.RegionPrefix is { } prefix)
        {
            // A range rather than LIKE, so that the btree index serves it; codes are ASCII digits.
            sql.Append(" AND r.region_code >= @regionLow AND r.region_code < @regionHigh");
            parameters.Add(new NpgsqlParameter("regionLow", NpgsqlDbType.Text) { Value = prefix });
            parameters.Add(new NpgsqlParameter("regionHigh", NpgsqlDbType.Text) { Value = prefix[..^1] + (char)(prefix[^1] + 1) });
        }

        if (filter.Level is { } level)
        {
            sql.Append(" AND r.level = @level");
            parameters.Add(new NpgsqlParameter("level", NpgsqlDbType.Text) { Value = ContractEnums.Name(level) });
        }

        if (filter.Kind is { } kind)
        {
            sql.Append(" AND r.kind = @kind");
            parameters.Add(new NpgsqlParameter("kind", NpgsqlDbType.Text) { Value = ContractEnums.Name(kind) });
        }

        if (groups.Count > 0)
        {
            // A group without reports (its rollup rows emptied by corrections that moved its reports away) is no group.
            var positions = string.Join(", ", Enumerable.Range(1, groups.Count));
            sql.Append(" GROUP BY ").Append(positions).Append(" HAVING sum(r.report_count) > 0 ORDER BY ").Append(positions);
        }

        return sql.ToString();
    }

    /// <summary>The coarsest rollup grain that still answers the question.</summary>
    internal static short GrainFor(AggregateFilter filter)
    {
        var needed = filter.RegionPrefix?.Length ?? 2;
        foreach (var dimension in filter.GroupBy)
        {
            needed = Math.Max(needed, dimension switch
            {
                Dimension.City => 4,
                Dimension.County => 6,
                Dimension.Township => 9,
                _ => 2,
            });
        }

        return (short)AggregateRollups.Grains.First(g => g >= needed);
    }

    private static string Expression(Dimension dimension) => dimension switch
    {
        Dimension.Year => "r.year",
        Dimension.Province => "substr(r.region_code, 1, 2)",
        Dimension.City => "CASE WHEN length(r.region_code) >= 4 THEN substr(r.region_code, 1, 4) END",
        Dimension.County => "CASE WHEN length(r.region_code) >= 6 THEN substr(r.region_code, 1, 6) END",
        Dimension.Township => "CASE WHEN length(r.region_code) = 9 THEN r.region_code END",
        Dimension.Level => "r.level",
        Dimension.Kind => "r.kind",
        _ => throw new ArgumentOutOfRangeException(nameof(dimension)),
    };
}
