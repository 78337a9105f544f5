using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ReportService.Api.Features.Aggregates;
using ReportService.Api.Features.Completeness;
using ReportService.Api.Persistence;
using ReportService.Statutory.Identity;
using ReportService.Statutory.Model;
using ReportService.Statutory.Validation;
using ReportService.TestSupport;
using Xunit.Abstractions;

namespace ReportService.Api.Tests;

/// <summary>
/// Exactness of completeness answers held in each process's index and brought forward by the change log (ADR 18), as
/// a property: random sequences of submissions, corrections (moving a report to another region, level and kind,
/// changing or dropping its publishedOn), batch imports, reviews (approvals and returns), registrations (new agencies,
/// agencies moved to another region, given other years or another kind) and batch registrations, alone and in
/// concurrent bursts with readers, against two service processes sharing one database. After every step each
/// completeness question and each missing list (every page), asked of both processes, must equal what the test
/// computes from the rows in SQL (the regions, agencies and reports tables) the way the contract defines it.
/// Deterministic writes for a seed (<c>COMPLETENESS_SEED</c>, <c>COMPLETENESS_STEPS</c>); the interleaving of bursts is not.
/// </summary>
public sealed class CompletenessExactnessTests(ServiceFactory first, ITestOutputHelper output) : IClassFixture<ServiceFactory>
{
    private static readonly int[] Years = [2024, 2025];

    private static readonly Dictionary<string, string[]> RegionsByCounty = new()
    {
        ["141122"] = ["141122101", "141122102", "141122103", "141122104", "141122105", "141122106", "141122", "1411", "14"],
        ["141121"] = ["141121101", "141121102", "141121103", "141121", "1411", "14"],
    };

    private static readonly string[] Counties = [.. RegionsByCounty.Keys];

    private static readonly string[] CompletenessQueries =
    [
        "groupBy=province",
        "region=14&groupBy=county",
        "region=1411&groupBy=county,kind",
        "region=141122&groupBy=township,scope",
        "region=1411&level=township&groupBy=level",
        "region=14&kind=department&groupBy=city",
        "region=1411&reviewStatus=approved&groupBy=county,level",
        "region=14&scope=regionAggregate&groupBy=county",
        "region=141121101",
        "region=1411&kind=other&reviewStatus=approved",
    ];

    private static readonly (string Query, int Limit)[] MissingQueries =
    [
        ("region=141122", 1000),
        ("region=141121", 6),
        ("region=1411&kind=department", 1000),
        ("region=141122&scope=agency&reviewStatus=approved", 4),
        ("region=1411&level=county&reviewStatus=approved", 1000),
    ];

    /// <summary>The second process: a short log retention and history, so that loads of the whole year happen during the run too.</summary>
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
        public int Submitted;
        public int Rejected;
        public int Moved;
        public int Imported;
        public int Reviewed;
        public int Registered;
    }

    private sealed record Clients(HttpClient[] Writers, HttpClient[] Reviewers, HttpClient[] Registrars);

    [Fact]
    public async Task Every_completeness_answer_of_either_process_equals_the_counts_computed_from_the_rows()
    {
        var seed = int.Parse(Environment.GetEnvironmentVariable("COMPLETENESS_SEED") ?? "1207", CultureInfo.InvariantCulture);
        var steps = int.Parse(Environment.GetEnvironmentVariable("COMPLETENESS_STEPS") ?? "30", CultureInfo.InvariantCulture);
        output.WriteLine($"COMPLETENESS_SEED={seed} COMPLETENESS_STEPS={steps}");
        await using var second = new SecondProcess(first.ConnectionString, new NpgsqlConnectionStringBuilder(first.ConnectionString).Database!);
        var reviewerToken = ServiceFactory.Token(scopes: "reports:review", regions: ["14"], subject: "office-14");
        var registrarToken = ServiceFactory.Token(scopes: "agencies:write", regions: ["14"], subject: "office-14");
        var clients = new Clients(
            [first.CreateClient(), second.CreateClient()],
            [first.CreateClient(reviewerToken), second.CreateClient(reviewerToken)],
            [first.CreateClient(registrarToken), second.CreateClient(registrarToken)]);
        var random = new Random(seed);
        var tally = new Tally();
        var journal = new List<string>();

        await CompareAsync(clients.Writers, journal, "start");
        for (var step = 1; step <= steps; step++)
        {
            var state = await StateAsync();
            if (random.Next(100) < 70)
            {
                await NextWrite(random, state, clients, tally, journal, random.Next(6))();
            }
            else
            {
                // A burst: writes to both processes at once while readers keep both asking, so that syncs and the
                // index's reloads fall between commits.
                var writes = new List<Func<Task>>();
                var taken = new HashSet<Guid>();
                for (var i = random.Next(3, 7); i > 0; i--)
                {
                    writes.Add(NextWrite(random, state with { Reports = [.. state.Reports.Where(r => !taken.Contains(r.Id))] }, clients, tally, journal, random.Next(6), taken));
                }

                using var stop = new CancellationTokenSource();
                var readers = clients.Writers.Select(client => (client, new Random(random.Next()))).Select(reader => Task.Run(async () =>
                {
                    while (!stop.IsCancellationRequested)
                    {
                        var year = Years[reader.Item2.Next(Years.Length)];
                        var path = reader.Item2.Next(2) == 0
                            ? $"/v1/completeness?year={year}&{CompletenessQueries[reader.Item2.Next(CompletenessQueries.Length)]}"
                            : $"/v1/completeness/missing?year={year}&{MissingQueries[reader.Item2.Next(MissingQueries.Length)].Query}";
                        (await reader.client.GetAsync(path)).Dispose();
                    }
                })).ToArray();
                await Task.WhenAll(writes.Select(w => Task.Run(w)));
                await stop.CancelAsync();
                await Task.WhenAll(readers);
            }

            await CompareAsync(clients.Writers, journal, $"step {step}");
        }

        var indexes = new[] { first.Services.GetRequiredService<CompletenessIndex>(), second.Services.GetRequiredService<CompletenessIndex>() };
        output.WriteLine($"accepted {tally.Accepted} (imported {tally.Imported}, moved {tally.Moved}, reviewed {tally.Reviewed}, registered {tally.Registered}), rejected {tally.Rejected}; " +
            $"full loads {indexes[0].FullLoads} and {indexes[1].FullLoads}, regions reloaded {indexes[0].RegionReloads} and {indexes[1].RegionReloads}");
        // The run exercised what it claims to: every kind of write, and both processes brought their index forward by regions.
        Assert.True(tally.Accepted > steps / 2 && tally.Imported > 0 && tally.Moved > 0 && tally.Reviewed > 0 && tally.Registered > 0,
            $"accepted {tally.Accepted}, imported {tally.Imported}, moved {tally.Moved}, reviewed {tally.Reviewed}, registered {tally.Registered}");
        Assert.All(indexes, index => Assert.True(index.RegionReloads > steps, $"only {index.RegionReloads} regions were reloaded"));
    }

    private sealed record StoredReport(Guid Id, string CreditCode, int Year, string Scope, int Revision, string ReviewStatus);

    private sealed record StoredAgency(string CreditCode, string RegionCode);

    private sealed record State(List<StoredReport> Reports, List<StoredAgency> Agencies);

    private async Task<State> StateAsync()
    {
        await using var connection = new NpgsqlConnection(first.ConnectionString);
        await connection.OpenAsync();
        var reports = new List<StoredReport>();
        await using (var command = new NpgsqlCommand("SELECT id, credit_code, year, scope, current_revision, review_status FROM reports ORDER BY id", connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                reports.Add(new StoredReport(reader.GetGuid(0), reader.GetString(1), reader.GetInt32(2), reader.GetString(3), reader.GetInt32(4), reader.GetString(5)));
            }
        }

        var agencies = new List<StoredAgency>();
        await using (var command = new NpgsqlCommand("SELECT credit_code, region_code FROM agencies ORDER BY credit_code", connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                agencies.Add(new StoredAgency(reader.GetString(0), reader.GetString(1)));
            }
        }

        return new State(reports, agencies);
    }

    private static string Level(Random random, string region)
    {
        string[] levels = region.Length switch
        {
            9 => ["township", "county"],
            6 => ["county", "township"],
            4 => ["city"],
            _ => ["province"],
        };
        return levels[random.Next(levels.Length)];
    }

    /// <summary>A report of the agency (or a new one) at a random region of its county, level and kind, published around the deadlines or not dated.</summary>
    private static JsonObject NewReport(Random random, string? creditCode = null, int? year = null, string? scope = null)
    {
        var county = creditCode is null ? Counties[random.Next(Counties.Length)] : CreditCode.RegionPart(creditCode);
        var regions = RegionsByCounty.TryGetValue(county, out var known) ? known : RegionsByCounty["141122"];
        var region = regions[random.Next(regions.Length)];
        var y = year ?? Years[random.Next(Years.Length)];
        var report = ReportGenerator.Generate(new Random(random.Next()), ReportFormats.ForYear(y), y, creditCode ?? ReportGenerator.MakeCreditCode(county, random), region);
        var kind = random.Next(4) switch
        {
            0 or 1 => "government",
            2 => "department",
            _ => "other",
        };
        report["agency"]!["level"] = Level(random, region);
        report["agency"]!["kind"] = kind;
        report["agency"]!["scope"] = scope ?? (kind == "government" && region.Length <= 6 && random.Next(3) == 0 ? "regionAggregate" : "agency");
        string?[] dates = ["01-20", "01-31", "02-01", "02-20", "02-21", "03-10", "03-31", "04-01", null];
        var date = dates[random.Next(dates.Length)];
        if (date is null)
        {
            report.Remove("publishedOn");
        }
        else
        {
            report["publishedOn"] = $"{y + 1}-{date}";
        }

        return report;
    }

    /// <summary>A registration of the agency (or a new one) at a random region of its county, kind and years.</summary>
    private static (string Code, JsonObject Body) NewAgency(Random random, string? creditCode = null)
    {
        var county = creditCode is null ? Counties[random.Next(Counties.Length)] : CreditCode.RegionPart(creditCode);
        var regions = RegionsByCounty.TryGetValue(county, out var known) ? known : RegionsByCounty["141122"];
        var region = regions[random.Next(regions.Length)];
        var firstYear = random.Next(2023, 2026);
        var body = new JsonObject
        {
            ["name"] = "登记机关" + random.Next(1000).ToString(CultureInfo.InvariantCulture),
            ["regionCode"] = region,
            ["level"] = Level(random, region),
            ["kind"] = random.Next(2) == 0 ? "department" : "other",
            ["firstYear"] = firstYear,
        };
        if (random.Next(3) == 0)
        {
            body["lastYear"] = firstYear + random.Next(2);
        }

        return (creditCode ?? ReportGenerator.MakeCreditCode(county, random), body);
    }

    /// <summary>A write chosen now (0 submission, 1 correction, 2 batch import, 3 review, 4 registration, 5 batch registration), run later.</summary>
    private static Func<Task> NextWrite(Random random, State state, Clients clients, Tally tally, List<string> journal, int kind, HashSet<Guid>? taken = null)
    {
        var process = random.Next(clients.Writers.Length);
        var client = clients.Writers[process];
        var reports = state.Reports;
        if (kind == 3 && reports.Count > 0)
        {
            var target = reports[random.Next(reports.Count)];
            taken?.Add(target.Id);
            var approve = (target.ReviewStatus != "approved") == (random.Next(5) != 0);
            var reviewer = clients.Reviewers[process];
            return async () =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/reports/{target.Id}/reviews")
                {
                    Content = Http.Json(new JsonObject { ["decision"] = approve ? "approved" : "returned", ["comment"] = approve ? null : "please check table 3" }),
                };
                request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{target.Revision}\""));
                var response = await reviewer.SendAsync(request);
                Record(tally, journal, $"review {target.Id} ({target.ReviewStatus}) → {(approve ? "approved" : "returned")} on {process}", response.StatusCode, ref tally.Reviewed);
            };
        }

        if (kind == 1 && reports.Count > 0)
        {
            var target = reports[random.Next(reports.Count)];
            taken?.Add(target.Id);
            var report = NewReport(random, target.CreditCode, target.Year, target.Scope);
            return async () =>
            {
                var response = await client.CorrectAsync(target.Id, report, $"\"{target.Revision}\"");
                Record(tally, journal, $"correct {target.Id} → {report["agency"]!["regionCode"]} {report["agency"]!["level"]} {report["agency"]!["kind"]} {report["publishedOn"]} on {process}", response.StatusCode, ref tally.Moved);
            };
        }

        if (kind == 2)
        {
            var lines = Enumerable.Range(0, random.Next(2, 6)).Select(_ => NewReport(random)).ToList();
            if (state.Agencies.Count > 0)
            {
                // A report of a registered agency, so that registered agencies report too.
                lines.Add(NewReport(random, state.Agencies[random.Next(state.Agencies.Count)].CreditCode, scope: "agency"));
            }

            return async () =>
            {
                var content = new ByteArrayContent(Encoding.UTF8.GetBytes(string.Join("\n", lines.Select(l => l.ToJsonString())) + "\n"));
                content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
                var response = await client.PostAsync("/v1/reports/batch", content);
                var accepted = response.StatusCode == HttpStatusCode.OK ? (int)(await response.ReadObjectAsync())["accepted"]! : 0;
                Record(tally, journal, $"import {lines.Count} lines ({accepted} accepted) on {process}", response.StatusCode, ref tally.Imported);
            };
        }

        if (kind == 4)
        {
            // A new agency, or one registered (or learned) before, moved, given other years or another kind.
            var (code, body) = NewAgency(random, state.Agencies.Count > 0 && random.Next(2) == 0 ? state.Agencies[random.Next(state.Agencies.Count)].CreditCode : null);
            var registrar = clients.Registrars[process];
            return async () =>
            {
                var response = await AgenciesTests.PutAsync(registrar, code, body);
                Record(tally, journal, $"register {code} at {body["regionCode"]} {body["kind"]} {body["firstYear"]}–{body["lastYear"]} on {process}", response.StatusCode, ref tally.Registered);
            };
        }

        if (kind == 5)
        {
            var lines = Enumerable.Range(0, random.Next(2, 5))
                .Select(_ => NewAgency(random, state.Agencies.Count > 0 && random.Next(2) == 0 ? state.Agencies[random.Next(state.Agencies.Count)].CreditCode : null))
                .DistinctBy(a => a.Code)
                .Select(a =>
                {
                    a.Body["creditCode"] = a.Code;
                    return a.Body.ToJsonString();
                })
                .ToList();
            var registrar = clients.Registrars[process];
            return async () =>
            {
                var response = await registrar.PostAsync("/v1/agencies/batch", Http.Json(Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n"), "application/x-ndjson"));
                Record(tally, journal, $"register a batch of {lines.Count} on {process}", response.StatusCode, ref tally.Registered);
            };
        }

        var single = NewReport(random, state.Agencies.Count > 0 && random.Next(3) == 0 ? state.Agencies[random.Next(state.Agencies.Count)].CreditCode : null);
        return async () =>
        {
            var response = await client.SubmitAsync(single);
            Record(tally, journal, $"submit {single["agency"]!["creditCode"]} {single["year"]} {single["agency"]!["regionCode"]} {single["agency"]!["scope"]} {single["publishedOn"]} on {process}", response.StatusCode, ref tally.Submitted);
        };
    }

    private static void Record(Tally tally, List<string> journal, string what, HttpStatusCode status, ref int kind)
    {
        if ((int)status is 200 or 201)
        {
            Interlocked.Increment(ref tally.Accepted);
            Interlocked.Increment(ref kind);
        }
        else
        {
            Interlocked.Increment(ref tally.Rejected);
        }

        lock (journal)
        {
            journal.Add($"{what}: {(int)status}");
        }
    }

    private async Task CompareAsync(HttpClient[] clients, List<string> journal, string when)
    {
        var reporters = await ReportersAsync();
        foreach (var year in Years)
        {
            foreach (var query in CompletenessQueries)
            {
                var expected = ExpectedGroups(reporters[year], query, year);
                for (var p = 0; p < clients.Length; p++)
                {
                    var path = $"/v1/completeness?year={year}&{query}";
                    using var response = await clients[p].GetAsync(path);
                    var body = await response.Content.ReadAsStringAsync();
                    Assert.True(response.StatusCode == HttpStatusCode.OK, $"{when}, process {p}, {path}: {(int)response.StatusCode} {body}");
                    var actual = JsonNode.Parse(body)!["groups"]!.AsArray().Select(g => GroupText(g!.AsObject())).ToList();
                    Fail(when, p, path, expected, actual, journal);
                }
            }

            foreach (var (query, limit) in MissingQueries)
            {
                var expected = ExpectedMissing(reporters[year], query);
                for (var p = 0; p < clients.Length; p++)
                {
                    var actual = new List<string>();
                    var path = $"/v1/completeness/missing?year={year}&{query}&limit={limit}";
                    for (var next = path; next is not null;)
                    {
                        using var response = await clients[p].GetAsync(next);
                        var body = await response.Content.ReadAsStringAsync();
                        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{when}, process {p}, {next}: {(int)response.StatusCode} {body}");
                        var page = JsonNode.Parse(body)!.AsObject();
                        actual.AddRange(page["items"]!.AsArray().Select(i => MissingText(i!.AsObject())));
                        next = page["nextCursor"] is { } cursor ? path + "&cursor=" + (string)cursor! : null;
                    }

                    Fail(when, p, path, expected, actual, journal);
                }
            }
        }
    }

    private void Fail(string when, int process, string path, List<string> expected, List<string> actual, List<string> journal)
    {
        if (!expected.SequenceEqual(actual))
        {
            output.WriteLine(string.Join("\n", journal));
            Assert.Fail($"{when}: process {process} answered {path} other than the rows say.\nexpected {string.Join(" ; ", expected)}\nactual   {string.Join(" ; ", actual)}");
        }
    }

    /// <summary>An expected reporter as the test computes it from the rows, with when it reported (every report; approved ones).</summary>
    private sealed record Reporter(string Region, string Name, string Level, string Kind, string Scope, string? CreditCode, string? Source, (DateOnly Date, bool BySubmission)? All, (DateOnly Date, bool BySubmission)? Approved);

    /// <summary>Per year, every expected reporter: the governments of the regions table, the agencies in force; and their reports, from the reports table.</summary>
    private async Task<Dictionary<int, List<Reporter>>> ReportersAsync()
    {
        await using var connection = new NpgsqlConnection(first.ConnectionString);
        await connection.OpenAsync();
        var regions = new List<(string Code, string Name, string Level)>();
        await using (var command = new NpgsqlCommand("SELECT code, name, level FROM regions", connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                regions.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
            }
        }

        var agencies = new List<(string Code, string Name, string Region, string Level, string Kind, string Source, int First, int? Last)>();
        await using (var command = new NpgsqlCommand("SELECT credit_code, name, region_code, level, kind, source, first_year, last_year FROM agencies", connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                agencies.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
                    reader.GetInt32(6), reader.IsDBNull(7) ? null : reader.GetInt32(7)));
            }
        }

        var reports = new List<(int Year, string Region, string Scope, string Kind, string Code, (DateOnly, bool) When, bool Approved)>();
        await using (var command = new NpgsqlCommand(
            "SELECT year, region_code, scope, kind, credit_code, coalesce(published_on, (created_at AT TIME ZONE 'Asia/Shanghai')::date), published_on IS NULL, " +
            "review_status = 'approved' FROM reports", connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                reports.Add((reader.GetInt32(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                    (reader.GetFieldValue<DateOnly>(5), reader.GetBoolean(6)), reader.GetBoolean(7)));
            }
        }

        static (DateOnly, bool)? Earliest(IEnumerable<(DateOnly, bool)> whens) => whens.Any() ? whens.Min() : null;

        var result = new Dictionary<int, List<Reporter>>();
        foreach (var year in Years)
        {
            var ofYear = reports.Where(r => r.Year == year).ToList();
            var list = new List<Reporter>();
            foreach (var region in regions)
            {
                var level = region.Level;
                foreach (var scope in region.Level == "township" ? new[] { "agency" } : ["agency", "regionAggregate"])
                {
                    var own = ofYear.Where(r => r.Region == region.Code && r.Kind == "government" && r.Scope == scope).ToList();
                    list.Add(new Reporter(region.Code, region.Name, level, "government", scope, null, null,
                        Earliest(own.Select(r => r.When)), Earliest(own.Where(r => r.Approved).Select(r => r.When))));
                }
            }

            foreach (var agency in agencies.Where(a => a.First <= year && (a.Last is null || a.Last >= year)))
            {
                var own = ofYear.Where(r => r.Code == agency.Code && r.Scope == "agency").ToList();
                list.Add(new Reporter(agency.Region, agency.Name, agency.Level, agency.Kind, "agency", agency.Code, agency.Source,
                    Earliest(own.Select(r => r.When)), Earliest(own.Where(r => r.Approved).Select(r => r.When))));
            }

            result[year] = list;
        }

        return result;
    }

    private static Dictionary<string, string> Parameters(string query) =>
        query.Split('&').Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1]);

    private static IEnumerable<Reporter> Selected(List<Reporter> reporters, Dictionary<string, string> parameters) =>
        reporters.Where(r => (!parameters.TryGetValue("region", out var prefix) || r.Region.StartsWith(prefix, StringComparison.Ordinal))
            && (!parameters.TryGetValue("scope", out var scope) || r.Scope == scope)
            && (!parameters.TryGetValue("level", out var level) || r.Level == level)
            && (!parameters.TryGetValue("kind", out var kind) || r.Kind == kind));

    private static (DateOnly Date, bool BySubmission)? WhenOf(Reporter reporter, bool approvedOnly) => approvedOnly ? reporter.Approved : reporter.All;

    private static AgencyLevel ParseLevel(string level) => Enum.Parse<AgencyLevel>(level, ignoreCase: true);

    private static List<string> ExpectedGroups(List<Reporter> reporters, string query, int year)
    {
        var parameters = Parameters(query);
        var approvedOnly = parameters.ContainsKey("reviewStatus");
        var dimensions = parameters.TryGetValue("groupBy", out var groupBy) ? groupBy.Split(',') : [];
        string? KeyOf(Reporter r, string d) => d switch
        {
            "province" => r.Region[..2],
            "city" => r.Region.Length >= 4 ? r.Region[..4] : null,
            "county" => r.Region.Length >= 6 ? r.Region[..6] : null,
            "township" => r.Region.Length == 9 ? r.Region : null,
            "level" => r.Level,
            "kind" => r.Kind,
            _ => r.Scope,
        };
        return [.. Selected(reporters, parameters)
            .GroupBy(r => string.Join('\u001f', dimensions.Select(d => KeyOf(r, d) ?? "")))
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var key = string.Join(",", dimensions.Select(d => (d, KeyOf(g.First(), d))).Where(k => k.Item2 is not null)
                    .OrderBy(k => k.d, StringComparer.Ordinal).Select(k => $"{k.d}={k.Item2}"));
                var expected = g.Count();
                var reported = g.Count(r => WhenOf(r, approvedOnly) is not null);
                var onTime = g.Count(r => WhenOf(r, approvedOnly) is { } w
                    && w.Date <= Deadlines.For(ParseLevel(r.Level), Enum.Parse<AgencyKind>(r.Kind, ignoreCase: true), r.Scope == "agency" ? ReportScope.Agency : ReportScope.RegionAggregate, year));
                var bySubmission = g.Count(r => WhenOf(r, approvedOnly) is { BySubmission: true });
                return Text(key, expected, reported, onTime, bySubmission);
            })];
    }

    private static string Text(string key, int expected, int reported, int onTime, int bySubmission) =>
        Text(key, expected, reported, onTime, reported - onTime, expected - reported, Math.Round((double)reported / expected, 6), Math.Round((double)onTime / expected, 6), bySubmission);

    private static string Text(string key, int expected, int reported, int onTime, int late, int missing, double reportedRate, double onTimeRate, int bySubmission) =>
        string.Create(CultureInfo.InvariantCulture, $"{key}|{expected}|{reported}|{onTime}|{late}|{missing}|{reportedRate:R}|{onTimeRate:R}|{bySubmission}");

    private static string GroupText(JsonObject group) =>
        Text(string.Join(",", group["key"]!.AsObject().OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Key}={(string)k.Value!}")),
            (int)group["expected"]!, (int)group["reported"]!, (int)group["onTime"]!, (int)group["late"]!, (int)group["missing"]!,
            (double)group["reportedRate"]!, (double)group["onTimeRate"]!, (int)group["judgedBySubmission"]!);

    private static List<string> ExpectedMissing(List<Reporter> reporters, string query)
    {
        var parameters = Parameters(query);
        var approvedOnly = parameters.ContainsKey("reviewStatus");
        return [.. Selected(reporters, parameters)
            .Where(r => WhenOf(r, approvedOnly) is null)
            .OrderBy(r => r.Region, StringComparer.Ordinal).ThenBy(r => r.CreditCode ?? "", StringComparer.Ordinal).ThenBy(r => r.Scope == "agency" ? 0 : 1)
            .Select(r => $"{r.Region}|{r.CreditCode}|{r.Scope}|{r.Level}|{r.Kind}|{r.Name}|{r.Source}")];
    }

    private static string MissingText(JsonObject item) =>
        $"{(string)item["regionCode"]!}|{(string?)item["creditCode"]}|{(string)item["scope"]!}|{(string)item["level"]!}|{(string)item["kind"]!}|{(string)item["name"]!}|{(string?)item["source"]}";
}
