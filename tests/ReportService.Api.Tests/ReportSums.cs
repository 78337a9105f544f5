using System.Text;
using Npgsql;
using ReportService.Api.Features.Aggregates;
using ReportService.Api.Infrastructure;
using ReportService.Api.Persistence;

namespace ReportService.Api.Tests;

/// <summary>
/// The oracle of aggregate exactness: an aggregate question's groups summed in SQL from the reports' current
/// revisions, never from the rollups. AggregateExactnessTests compares the service's answers with it, and the season
/// benchmark's verifier (bench/ReportService.SeasonLoad links this file) does the same after its two-process phase.
/// </summary>
internal static class ReportSums
{
    /// <summary>The groups of the question summed from the reports' current revisions, not from the rollups.</summary>
    public static async Task<List<AggregateRow>> ExpectedRowsAsync(NpgsqlConnection connection, AggregateFilter filter)
    {
        static string Expression(Dimension dimension) => dimension switch
        {
            Dimension.Year => "r.year",
            Dimension.Province => "substr(r.region_code, 1, 2)",
            Dimension.City => "CASE WHEN length(r.region_code) >= 4 THEN substr(r.region_code, 1, 4) END",
            Dimension.County => "CASE WHEN length(r.region_code) >= 6 THEN substr(r.region_code, 1, 6) END",
            Dimension.Township => "CASE WHEN length(r.region_code) = 9 THEN r.region_code END",
            Dimension.Level => "r.level",
            _ => "r.kind",
        };

        var keys = filter.GroupBy.Count;
        var sql = new StringBuilder("SELECT ");
        foreach (var dimension in filter.GroupBy)
        {
            sql.Append(Expression(dimension)).Append(", ");
        }

        sql.Append("count(*), count(*) FILTER (WHERE r.format = '2019'), count(*) FILTER (WHERE r.format = '2021'), ")
            .Append(string.Join(", ", CellColumns.All.Select(c => $"coalesce(sum(coalesce(v.{c.Name}, 0)), 0)::numeric")))
            .Append(" FROM reports r JOIN report_revisions v ON v.report_id = r.id AND v.revision = r.current_revision WHERE r.scope = @scope")
            .Append(filter.ApprovedOnly ? " AND r.review_status = 'approved'" : "");
        await using var command = new NpgsqlCommand { Connection = connection, CommandTimeout = 600 };
        command.Parameters.AddWithValue("scope", ContractEnums.Name(filter.Scope));
        if (filter.FromYear is { } from)
        {
            sql.Append(" AND r.year >= @from");
            command.Parameters.AddWithValue("from", from);
        }

        if (filter.ToYear is { } to)
        {
            sql.Append(" AND r.year <= @to");
            command.Parameters.AddWithValue("to", to);
        }

        if (filter.RegionPrefix is { } prefix)
        {
            sql.Append(" AND starts_with(r.region_code, @prefix)");
            command.Parameters.AddWithValue("prefix", prefix);
        }

        if (filter.Level is { } level)
        {
            sql.Append(" AND r.level = @level");
            command.Parameters.AddWithValue("level", ContractEnums.Name(level));
        }

        if (filter.Kind is { } kind)
        {
            sql.Append(" AND r.kind = @kind");
            command.Parameters.AddWithValue("kind", ContractEnums.Name(kind));
        }

        if (keys > 0)
        {
            var positions = string.Join(", ", Enumerable.Range(1, keys));
            sql.Append(" GROUP BY ").Append(positions).Append(" ORDER BY ").Append(positions);
        }

        command.CommandText = sql.ToString();
        var rows = new List<AggregateRow>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
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
}
