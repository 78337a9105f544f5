using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.WebUtilities;
using Npgsql;
using ReportService.Api.Features.Aggregates;
using ReportService.Api.Features.Regions;

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

            var expected = AggregateCsv.Aggregates(filter, await ReportService.Api.Tests.ReportSums.ExpectedRowsAsync(connection, filter), regions, ReportService.Statutory.Rules.MessageLanguage.Chinese);
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
