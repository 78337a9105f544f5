using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using ReportService.Api.Features.Aggregates;
using ReportService.Api.Features.Regions;
using ReportService.Api.Persistence;
using ReportService.Statutory.Identity;
using ReportService.Statutory.Model;
using ReportService.Statutory.Tables;
using ReportService.TestSupport;
using Xunit.Abstractions;

namespace ReportService.Api.Tests;

/// <summary>
/// Exactness of aggregate answers brought forward by the change log (ADR 11), as a property: random sequences of
/// submissions, corrections (moving reports to other regions, levels and kinds), batch imports, reviews (approvals
/// and returns, which change the approved view, ADR 17), writes that fail at their commit and writes whose commit is
/// slow (so that transactions commit out of xid order while the processes read the log), alone and in concurrent
/// bursts, against two service processes sharing one database. After every step each of sixteen questions (four of
/// them approved-only), asked of both processes, must equal the answer rendered from sums recomputed in SQL from the
/// reports' current revisions (those approved, for reviewStatus=approved; numbers compared by value). Deterministic writes for a seed
/// (<c>AGGREGATE_SEED</c>, <c>AGGREGATE_STEPS</c>); the interleaving of bursts is not.
/// </summary>
public sealed class AggregateExactnessTests(ServiceFactory first, ITestOutputHelper output) : IClassFixture<ServiceFactory>
{
    /// <summary>Agency names with these markers fail at their commit, or hold their commit for a while (a trigger of the test's).</summary>
    private const string FailMarker = "注入失败";

    private const string SlowMarker = "缓慢提交";

    private static readonly int[] Years = [2020, 2022, 2023];

    private static readonly Dictionary<string, string[]> RegionsByCounty = new()
    {
        ["141122"] = ["141122101", "141122102", "141122103", "141122104", "141122105", "141122106", "141122", "1411", "14"],
        ["141121"] = ["141121101", "141121102", "141121103", "141121", "1411", "14"],
    };

    private sealed record Question(string Path, AggregateRequest Request, bool Outcomes = false, bool Csv = false);

    private static readonly Question[] Questions =
    [
        new("/v1/aggregates?groupBy=province", new AggregateRequest { GroupBy = ["province"] }),
        new("/v1/aggregates?region=14&groupBy=city&fromYear=2020&toYear=2023", new AggregateRequest { Region = "14", GroupBy = ["city"], FromYear = 2020, ToYear = 2023 }),
        new("/v1/aggregates?region=1411&groupBy=county,year", new AggregateRequest { Region = "1411", GroupBy = ["county,year"] }),
        new("/v1/aggregates?region=141122&groupBy=township&year=2022", new AggregateRequest { Region = "141122", GroupBy = ["township"], Year = 2022 }),
        new("/v1/aggregates?groupBy=level,kind&year=2023", new AggregateRequest { GroupBy = ["level,kind"], Year = 2023 }),
        new("/v1/aggregates?region=141121", new AggregateRequest { Region = "141121" }),
        new("/v1/aggregates?year=2020&groupBy=city", new AggregateRequest { Year = 2020, GroupBy = ["city"] }),
        new("/v1/aggregates?kind=department&groupBy=township", new AggregateRequest { Kind = "department", GroupBy = ["township"] }),
        new("/v1/aggregates?level=township&region=14&groupBy=county", new AggregateRequest { Level = "township", Region = "14", GroupBy = ["county"] }, Csv: true),
        new("/v1/aggregates?region=1411&groupBy=city,level", new AggregateRequest { Region = "1411", GroupBy = ["city,level"] }, Csv: true),
        new("/v1/aggregates/outcomes?region=1411&groupBy=year", new AggregateRequest { Region = "1411", GroupBy = ["year"] }, Outcomes: true),
        new("/v1/aggregates/outcomes?groupBy=county&fromYear=2022&toYear=2023&applicant=naturalPerson",
            new AggregateRequest { GroupBy = ["county"], FromYear = 2022, ToYear = 2023, Applicant = "naturalPerson" }, Outcomes: true),
        new("/v1/aggregates?reviewStatus=approved&groupBy=province", new AggregateRequest { ReviewStatus = "approved", GroupBy = ["province"] }),
        new("/v1/aggregates?region=1411&groupBy=county,year&reviewStatus=approved", new AggregateRequest { Region = "1411", GroupBy = ["county,year"], ReviewStatus = "approved" }),
        new("/v1/aggregates?region=14&groupBy=township,kind&reviewStatus=approved", new AggregateRequest { Region = "14", GroupBy = ["township,kind"], ReviewStatus = "approved" }, Csv: true),
        new("/v1/aggregates/outcomes?groupBy=level&fromYear=2022&toYear=2023&reviewStatus=approved",
            new AggregateRequest { GroupBy = ["level"], FromYear = 2022, ToYear = 2023, ReviewStatus = "approved" }, Outcomes: true),
    ];

    /// <summary>
    /// Questions asked by the readers during bursts, each a miss when first asked: computed while writes commit, so
    /// that an answer must be made exact at its sync's snapshot before later changes bring it forward.
    /// </summary>
    private static readonly Question[] Pool =
    [
        .. from region in new string?[] { null, "14", "1411", "141122", "141121", "141122103" }
           from years in new (int? From, int? To)[] { (null, null), (2020, 2020), (2022, 2022), (2023, 2023), (2022, 2023) }
           from groupBy in new string?[] { null, "province", "city", "county", "township", "year", "level", "kind", "county,kind" }
           from approved in new[] { false, true }
           select PoolQuestion(region, years.From, years.To, groupBy, approved),
    ];

    private static Question PoolQuestion(string? region, int? from, int? to, string? groupBy, bool approved)
    {
        var query = new List<string>();
        if (approved)
        {
            query.Add("reviewStatus=approved");
        }

        if (region is not null)
        {
            query.Add("region=" + region);
        }

        if (from is not null)
        {
            query.Add($"fromYear={from}&toYear={to}");
        }

        if (groupBy is not null)
        {
            query.Add("groupBy=" + groupBy);
        }

        return new Question("/v1/aggregates?" + string.Join("&", query),
            new AggregateRequest { Region = region, FromYear = from, ToYear = to, GroupBy = groupBy is null ? null : [groupBy], ReviewStatus = approved ? "approved" : null });
    }

    /// <summary>
    /// The second process: a short log retention and history, so that pruning and answers too old to bring forward
    /// happen during the run too.
    /// </summary>
    private sealed class SecondProcess(string server, string database) : ServiceFactory(server, database)
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting(AggregateChangePruner.PruneSetting, "1");
            builder.UseSetting(AggregateChangePruner.RetentionSetting, "2");
            builder.UseSetting(AggregateChangeFeed.HistorySetting, "40");
        }
    }

    private sealed class Tally
    {
        public int Accepted;
        public int Failed;
        public int Rejected;
        public int Moved;
        public int Imported;
        public int Approved;
        public int Unapproved;
    }

    [Fact]
    public async Task Every_answer_of_either_process_equals_the_sums_recomputed_from_the_reports()
    {
        var seed = int.Parse(Environment.GetEnvironmentVariable("AGGREGATE_SEED") ?? "1204", CultureInfo.InvariantCulture);
        var steps = int.Parse(Environment.GetEnvironmentVariable("AGGREGATE_STEPS") ?? "30", CultureInfo.InvariantCulture);
        output.WriteLine($"AGGREGATE_SEED={seed} AGGREGATE_STEPS={steps}");
        var one = first.CreateClient();
        await InstallInjectedFailuresAsync();
        await using var second = new SecondProcess(first.ConnectionString, new NpgsqlConnectionStringBuilder(first.ConnectionString).Database!);
        var clients = new[] { one, second.CreateClient() };
        var reviewerToken = ServiceFactory.Token(scopes: "reports:review", regions: ["14"], subject: "office-14");
        var reviewers = new[] { first.CreateClient(reviewerToken), second.CreateClient(reviewerToken) };
        var processes = new[] { (ServiceFactory)first, second };
        var random = new Random(seed);
        var tally = new Tally();
        var journal = new List<string>();

        await CompareAsync(Questions, clients, journal, "start");
        for (var step = 1; step <= steps; step++)
        {
            var choice = random.Next(100);
            var reports = await CurrentReportsAsync();
            if (choice < 60)
            {
                var write = NextWrite(random, reports, clients, reviewers, tally, journal, choice < 20 ? 0 : choice < 36 ? 1 : choice < 46 ? 2 : 3);
                await write();
            }
            else
            {
                // A burst: writes to both processes at once (corrections of distinct reports), while readers keep both
                // processes reading the log, so that syncs fall between commits that happen out of xid order.
                var count = random.Next(3, 7);
                var writes = new List<Func<Task>>();
                var taken = new HashSet<Guid>();
                for (var i = 0; i < count; i++)
                {
                    writes.Add(NextWrite(random, reports.Where(r => !taken.Contains(r.Id)).ToList(), clients, reviewers, tally, journal, Math.Min(random.Next(5), 3), taken));
                }

                using var stop = new CancellationTokenSource();
                var asked = new List<Question>();
                var readers = clients.Select((client, i) => (client, new Random(random.Next()))).Select(reader => Task.Run(async () =>
                {
                    while (!stop.IsCancellationRequested)
                    {
                        var question = Pool[reader.Item2.Next(Pool.Length)];
                        lock (asked)
                        {
                            asked.Add(question);
                        }

                        (await reader.client.GetAsync(question.Path)).Dispose();
                    }
                })).ToArray();
                await Task.WhenAll(writes.Select(w => Task.Run(w)));
                await stop.CancelAsync();
                await Task.WhenAll(readers);
                await CompareAsync(asked.Distinct().Take(24), clients, journal, $"step {step} (questions asked during it)");
            }

            await CompareAsync(Questions, clients, journal, $"step {step}");
        }

        var forwarded = processes.Select(p => p.Services.GetRequiredService<AggregateAnswerCache>().Forwarded).ToArray();
        output.WriteLine($"accepted {tally.Accepted}, imported {tally.Imported}, moved {tally.Moved}, failed at commit {tally.Failed}, rejected {tally.Rejected}, " +
            $"approved {tally.Approved}, approvals taken back {tally.Unapproved}; " +
            $"answers brought forward: {forwarded[0]} and {forwarded[1]}; resets seen by the second process: {second.Services.GetRequiredService<AggregateChangeFeed>().Resets}");
        // The run exercised what it claims to.
        Assert.True(tally.Accepted > steps / 2 && tally.Imported > 0 && tally.Moved > 0 && tally.Failed > 0 && tally.Approved > 0 && tally.Unapproved > 0,
            $"accepted {tally.Accepted}, imported {tally.Imported}, moved {tally.Moved}, failed {tally.Failed}, approved {tally.Approved}, unapproved {tally.Unapproved}");
        Assert.All(forwarded, f => Assert.True(f > steps, $"only {f} answers were brought forward"));
    }

    private sealed record StoredReport(Guid Id, string CreditCode, int Year, int Revision, string ReviewStatus);

    private async Task<List<StoredReport>> CurrentReportsAsync()
    {
        await using var connection = new NpgsqlConnection(first.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT id, credit_code, year, current_revision, review_status FROM reports ORDER BY id", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var reports = new List<StoredReport>();
        while (await reader.ReadAsync())
        {
            reports.Add(new StoredReport(reader.GetGuid(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetString(4)));
        }

        return reports;
    }

    /// <summary>A report of a random agency (or the given one), region, level and kind, with a commit that fails or is slow now and then.</summary>
    private static JsonObject NewReport(Random random, string? creditCode = null, int? year = null)
    {
        var county = creditCode is null ? (random.Next(2) == 0 ? "141122" : "141121") : CreditCode.RegionPart(creditCode);
        var regions = RegionsByCounty[county];
        var region = regions[random.Next(regions.Length)];
        var y = year ?? Years[random.Next(Years.Length)];
        var report = ReportGenerator.Generate(new Random(random.Next()), ReportFormats.ForYear(y), y,
            creditCode ?? ReportGenerator.MakeCreditCode(county, random), region);
        string[] levels = region.Length switch
        {
            9 => ["township", "county"],
            6 => ["county", "township"],
            4 => ["city"],
            _ => ["province"],
        };
        report["agency"]!["level"] = levels[random.Next(levels.Length)];
        report["agency"]!["kind"] = random.Next(3) == 0 ? "department" : "government";
        var marker = random.Next(100) switch
        {
            < 8 => FailMarker,
            < 16 => SlowMarker,
            _ => "",
        };
        report["agency"]!["name"] = "测试机关" + marker;
        return report;
    }

    /// <summary>A write chosen now (0 submission, 1 correction, 2 batch import, 3 review), run later (maybe concurrently with others).</summary>
    private static Func<Task> NextWrite(
        Random random, List<StoredReport> reports, HttpClient[] clients, HttpClient[] reviewers, Tally tally, List<string> journal, int kind,
        HashSet<Guid>? taken = null)
    {
        var process = random.Next(clients.Length);
        var client = clients[process];
        if (kind == 3 && reports.Count > 0)
        {
            // Approvals of pending or returned reports and returns of approved ones mostly (they change the approved
            // view), now and then a decision that changes nothing there (approving again, returning a pending report).
            var target = reports[random.Next(reports.Count)];
            taken?.Add(target.Id);
            var approve = (target.ReviewStatus != "approved") == (random.Next(5) != 0);
            var reviewer = reviewers[process];
            return async () =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/reports/{target.Id}/reviews")
                {
                    Content = Http.Json(new JsonObject { ["decision"] = approve ? "approved" : "returned", ["comment"] = approve ? null : "please check table 3" }),
                };
                request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{target.Revision}\""));
                var response = await reviewer.SendAsync(request);
                Record(tally, journal, $"review {target.Id} r{target.Revision} ({target.ReviewStatus}) → {(approve ? "approved" : "returned")} on {process}", response.StatusCode);
                if (response.StatusCode == HttpStatusCode.OK && approve && target.ReviewStatus != "approved")
                {
                    Interlocked.Increment(ref tally.Approved);
                }
                else if (response.StatusCode == HttpStatusCode.OK && !approve && target.ReviewStatus == "approved")
                {
                    Interlocked.Increment(ref tally.Unapproved);
                }
            };
        }

        if (kind == 1 && reports.Count > 0)
        {
            var target = reports[random.Next(reports.Count)];
            taken?.Add(target.Id);
            var report = NewReport(random, target.CreditCode, target.Year);
            return async () =>
            {
                var response = await client.CorrectAsync(target.Id, report, $"\"{target.Revision}\"");
                Record(tally, journal, $"correct {target.Id} r{target.Revision} → {report["agency"]!["regionCode"]} {report["agency"]!["level"]} {report["agency"]!["kind"]} {report["agency"]!["name"]} on {process}", response.StatusCode);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref tally.Moved);
                }
            };
        }

        if (kind == 2)
        {
            var lines = Enumerable.Range(0, random.Next(2, 7)).Select(_ => NewReport(random)).ToList();
            if (reports.Count > 0 && random.Next(4) == 0)
            {
                // A line for an agency and year already stored: answered as a duplicate, the others still stored.
                var existing = reports[random.Next(reports.Count)];
                lines.Add(NewReport(random, existing.CreditCode, existing.Year));
            }

            return async () =>
            {
                var content = new ByteArrayContent(Encoding.UTF8.GetBytes(string.Join("\n", lines.Select(l => l.ToJsonString())) + "\n"));
                content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
                var response = await client.PostAsync("/v1/reports/batch", content);
                var accepted = 0;
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    accepted = (int)(await response.ReadObjectAsync())["accepted"]!;
                    Interlocked.Add(ref tally.Imported, accepted);
                }

                Record(tally, journal, $"import {lines.Count} lines ({accepted} accepted; markers {string.Join(",", lines.Select(l => ((string)l["agency"]!["name"]!)[4..]))}) on {process}", response.StatusCode);
            };
        }

        var single = NewReport(random);
        return async () =>
        {
            var response = await client.SubmitAsync(single);
            Record(tally, journal, $"submit {single["agency"]!["creditCode"]} {single["year"]} {single["agency"]!["regionCode"]} {single["agency"]!["name"]} on {process}", response.StatusCode);
        };
    }

    private static void Record(Tally tally, List<string> journal, string what, HttpStatusCode status)
    {
        switch ((int)status)
        {
            case 200 or 201:
                Interlocked.Increment(ref tally.Accepted);
                break;
            case >= 500:
                Interlocked.Increment(ref tally.Failed);
                break;
            default:
                Interlocked.Increment(ref tally.Rejected);
                break;
        }

        lock (journal)
        {
            journal.Add($"{what}: {(int)status}");
        }
    }

    private async Task CompareAsync(IEnumerable<Question> questions, HttpClient[] clients, List<string> journal, string when)
    {
        var regions = first.Services.GetRequiredService<RegionDirectory>();
        var options = first.Services.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        foreach (var question in questions)
        {
            Assert.True(AggregateFilter.TryParse(question.Request, regions, question.Outcomes, out var filter, out var error), error.Detail);
            var rows = await ExpectedRowsAsync(filter);
            var expected = Render(question, filter, rows, regions, options);
            for (var p = 0; p < clients.Length; p++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, question.Path);
                request.Headers.Accept.ParseAdd(question.Csv ? "text/csv" : "application/json");
                using var response = await clients[p].SendAsync(request);
                var actual = await response.Content.ReadAsStringAsync();
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{when}, process {p}, {question.Path}: {(int)response.StatusCode} {actual}");
                var same = question.Csv ? SameCsv(expected, actual) : SameJson(JsonNode.Parse(expected), JsonNode.Parse(actual));
                if (!same)
                {
                    output.WriteLine(string.Join("\n", journal));
                    Assert.Fail($"{when}: process {p} answered {question.Path} with sums other than the reports'.\nexpected {expected}\nactual   {actual}");
                }
            }
        }
    }

    private static string Render(Question question, AggregateFilter filter, List<AggregateRow> rows, RegionDirectory regions, JsonSerializerOptions options)
    {
        if (!question.Outcomes)
        {
            return question.Csv ? AggregateCsv.Aggregates(filter, rows, regions, ReportService.Statutory.Rules.MessageLanguage.Chinese) : Encoding.UTF8.GetString(AggregateJson.Aggregates(rows, regions, options));
        }

        // The outcome rows as QueryOutcomesEndpoint shapes them: every leaf of 三、本年度办理结果, then the subtotals.
        var total = Table3.Rows2021.First(r => r.Role == Table3RowRole.OutcomeTotal);
        var tidy = rows.SelectMany(row =>
        {
            var key = AggregateShape.Key(row, regions);
            var all = AggregateShape.Cell(row, total, filter.Applicant);
            OutcomeRow Make(string category, string label, bool subtotal, long value) => new()
            {
                Key = key, ReportCount = row.ReportCount, Category = category, Label = label, Subtotal = subtotal, Value = value,
                Share = all == 0 ? null : Math.Round((double)value / all, 6),
            };
            return Table3.Rows2021.Where(r => r.Role == Table3RowRole.OutcomeLeaf)
                .Select(leaf => Make(leaf.Key, leaf.Label.Chinese, false, AggregateShape.Cell(row, leaf, filter.Applicant)))
                .Concat(AggregateShape.Subtotals.Select(s => Make(s.Key, s.Label.Chinese, true, AggregateShape.Subtotal(row, s.Group, filter.Applicant))));
        }).ToList();
        return JsonSerializer.Serialize(new QueryOutcomesResponse { Applicant = filter.Applicant.Key, Rows = [.. tidy] }, options);
    }

    /// <summary>The groups of the question summed from the reports' current revisions, not from the rollups.</summary>
    private async Task<List<AggregateRow>> ExpectedRowsAsync(AggregateFilter filter)
    {
        await using var connection = new NpgsqlConnection(first.ConnectionString);
        await connection.OpenAsync();
        return await ReportSums.ExpectedRowsAsync(connection, filter);
    }

    /// <summary>Equal trees, numbers compared by value (a sum of the rollups may carry a scale the reports' sum does not: 0.00 and 0).</summary>
    private static bool SameJson(JsonNode? x, JsonNode? y) => (x, y) switch
    {
        (null, null) => true,
        (JsonObject a, JsonObject b) => a.Count == b.Count && a.All(p => b.ContainsKey(p.Key) && SameJson(p.Value, b[p.Key])),
        (JsonArray a, JsonArray b) => a.Count == b.Count && a.Select((n, i) => SameJson(n, b[i])).All(s => s),
        (JsonValue a, JsonValue b) when a.GetValueKind() == JsonValueKind.Number && b.GetValueKind() == JsonValueKind.Number =>
            a.GetValue<decimal>() == b.GetValue<decimal>(),
        (JsonValue a, JsonValue b) => a.ToJsonString() == b.ToJsonString(),
        _ => false,
    };

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

    /// <summary>
    /// A deferred trigger of the test's own: a revision whose agency name carries the fail marker makes its transaction
    /// fail at COMMIT (after every row, rollup and change-log row is written); the slow marker holds the commit 300 ms.
    /// </summary>
    private async Task InstallInjectedFailuresAsync()
    {
        await using var connection = new NpgsqlConnection(first.ConnectionString);
        await connection.OpenAsync();
        // The first process has migrated the database once its client exists.
        await using var command = new NpgsqlCommand(
            "CREATE OR REPLACE FUNCTION test_injected_commit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN " +
            $"IF NEW.body->'agency'->>'name' LIKE '%{FailMarker}%' THEN RAISE EXCEPTION 'injected failure at commit'; END IF; " +
            $"IF NEW.body->'agency'->>'name' LIKE '%{SlowMarker}%' THEN PERFORM pg_sleep(0.3); END IF; RETURN NULL; END $$; " +
            "DROP TRIGGER IF EXISTS test_injected_commit ON report_revisions; " +
            "CREATE CONSTRAINT TRIGGER test_injected_commit AFTER INSERT ON report_revisions DEFERRABLE INITIALLY DEFERRED " +
            "FOR EACH ROW EXECUTE FUNCTION test_injected_commit();", connection);
        await command.ExecuteNonQueryAsync();
    }
}
