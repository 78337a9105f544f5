using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Npgsql;
using ReportService.Api.Features.Aggregates;
using ReportService.Api.Features.Regions;
using ReportService.Api.Infrastructure;
using ReportService.Api.Persistence;

namespace ReportService.SeasonLoad;

/// <summary>
/// Exactness after a phase with several service processes: every /v1/aggregates question of the list, asked
/// as CSV of each process, must equal the CSV the service's own writer makes of the sums computed from the
/// reports' current revisions (not from the rollups) at that moment. Run when no writes are in flight.
/// </summary>
internal static class Verifier
{
    public static async Task<int> RunAsync(Uri[] urls, Question[] questions, string connectionString)
    {
        var regions = RegionDirectory.Load();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var (compared, wrong) = (0, 0);
        foreach (var question in questions.Where(q => q.Path.StartsWith("/v1/aggregates?", StringComparison.Ordinal)).DistinctBy(q => q.Path))
        {
            var query = QueryHelpers.ParseQuery(question.Path[question.Path.IndexOf('?', StringComparison.Ordinal)..]);
            int? Year(string name) => query.TryGetValue(name, out var v) ? int.Parse(v.ToString(), CultureInfo.InvariantCulture) : null;
            var request = new AggregateRequest
            {
                Year = Year("year"), FromYear = Year("fromYear"), ToYear = Year("toYear"),
                Region = query.TryGetValue("region", out var region) ? region.ToString() : null,
                Level = query.TryGetValue("level", out var level) ? level.ToString() : null,
                Kind = query.TryGetValue("kind", out var kind) ? kind.ToString() : null,
                GroupBy = query.TryGetValue("groupBy", out var groupBy) ? [.. groupBy.Select(g => g ?? "")] : null,
            };
            if (!AggregateFilter.TryParse(request, regions, false, out var filter, out var error))
            {
                await Console.Error.WriteLineAsync($"verify: {question.Path}: {error.Detail}");
                return 2;
            }

            var expected = AggregateCsv.Aggregates(filter, await ExpectedRowsAsync(connection, filter), regions, ReportService.Statutory.Rules.MessageLanguage.Chinese);
            foreach (var url in urls)
            {
                using var message = new HttpRequestMessage(HttpMethod.Get, new Uri(url, question.Path));
                message.Headers.Accept.ParseAdd("text/csv");
                message.Headers.TryAddWithoutValidation("X-Forwarded-For", "10.99.0.1");
                using var response = await http.SendAsync(message);
                var actual = await response.Content.ReadAsStringAsync();
                compared++;
                var same = response.StatusCode == HttpStatusCode.OK && SameCsv(expected, actual);
                if (!same)
                {
                    wrong++;
                }

                Console.WriteLine($"verify: {(same ? "exact" : "DIFFERENT")} {url.Authority} {question.Path} ({expected.Count(c => c == '\n') - 1} groups, {(int)response.StatusCode})");
            }
        }

        Console.WriteLine($"RESULT verify answers={compared} exact={compared - wrong} different={wrong} processes={urls.Length}");
        return wrong == 0 && compared > 0 ? 0 : 1;
    }

    /// <summary>The groups summed from the reports' current revisions, as AggregateExactnessTests computes them.</summary>
    private static async Task<List<AggregateRow>> ExpectedRowsAsync(NpgsqlConnection connection, AggregateFilter filter)
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
            .Append(" FROM reports r JOIN report_revisions v ON v.report_id = r.id AND v.revision = r.current_revision WHERE r.scope = @scope");
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

    /// <summary>Equal cell by cell, numbers by value (a rollup sum may carry a scale the reports' sum does not).</summary>
    private static bool SameCsv(string expected, string actual)
    {
        var x = expected.Split('\n');
        var y = actual.Split('\n');
        return x.Length == y.Length && x.Zip(y).All(line =>
        {
            var a = line.First.Split(',');
            var b = line.Second.Split(',');
            return a.Length == b.Length && a.Zip(b).All(cell => cell.First == cell.Second
                || (decimal.TryParse(cell.First, CultureInfo.InvariantCulture, out var m) && decimal.TryParse(cell.Second, CultureInfo.InvariantCulture, out var n) && m == n));
        });
    }
}
