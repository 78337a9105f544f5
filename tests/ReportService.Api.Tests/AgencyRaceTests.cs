using System.Net;
using System.Text.Json.Nodes;
using ReportService.TestSupport;

namespace ReportService.Api.Tests;

/// <summary>
/// Two writers creating the same new agency at once (issue 16): PUT and PUT, with and without If-None-Match: *, PUT and a
/// report that learns the agency, PUT and the bulk import. Each round starts both requests from a barrier, through HTTP,
/// against PostgreSQL; never a 5xx: one creates (201), the other replaces (200) or, asking to create only, gets 412.
/// </summary>
public sealed class AgencyRaceTests(ServiceFactory factory) : IClassFixture<ServiceFactory>
{
    private const int Rounds = 40;

    private const string County = "141122";

    private static int _seed = 36_000;

    private readonly HttpClient _registrar = factory.CreateClient(ServiceFactory.Token(scopes: "agencies:write reports:write", regions: ["14"], subject: "office-14"));

    private static string NewCode() => ReportGenerator.MakeCreditCode(County, new Random(Interlocked.Increment(ref _seed)));

    /// <summary>Runs both requests at once: each on its own thread, released together by a barrier.</summary>
    internal static async Task<(HttpResponseMessage First, HttpResponseMessage Second)> RaceAsync(Func<Task<HttpResponseMessage>> first, Func<Task<HttpResponseMessage>> second)
    {
        using var barrier = new Barrier(2);
        Task<HttpResponseMessage> Start(Func<Task<HttpResponseMessage>> send) => Task.Factory.StartNew(() =>
        {
            barrier.SignalAndWait();
            return send();
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();

        var a = Start(first);
        var b = Start(second);
        await Task.WhenAll(a, b);
        return (a.Result, b.Result);
    }

    private static async Task<string> DescribeAsync(HttpResponseMessage response) =>
        $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";

    private Task<HttpResponseMessage> PutAsync(string code, string name, string? ifNoneMatch = null) =>
        AgenciesTests.PutAsync(_registrar, code, AgenciesTests.Agency(name: name, region: County), ifNoneMatch: ifNoneMatch);

    private async Task<JsonObject> StoredAsync(string code) => await (await _registrar.GetAsync($"/v1/agencies/{code}")).ReadObjectAsync();

    private Task<long> EventsAsync(string code) => factory.ScalarAsync<long>("SELECT count(*) FROM agency_events WHERE credit_code = @c", ("c", code));

    [Fact]
    public async Task Two_puts_creating_the_same_agency_give_one_201_and_one_200_never_a_5xx()
    {
        for (var round = 0; round < Rounds; round++)
        {
            var code = NewCode();
            // Even rounds send the same registration twice (the second changes nothing), odd rounds two different ones.
            var same = round % 2 == 0;
            var (a, b) = await RaceAsync(() => PutAsync(code, "交城县教育局"), () => PutAsync(code, same ? "交城县教育局" : "交城县教育和科技局"));
            var statuses = new[] { (int)a.StatusCode, (int)b.StatusCode }.Order().ToArray();
            Assert.True(statuses is [200, 201], $"round {round}: {await DescribeAsync(a)} | {await DescribeAsync(b)}");

            var stored = await StoredAsync(code);
            var (created, replaced) = a.StatusCode == HttpStatusCode.Created ? (a, b) : (b, a);
            // The answer of the one that came second is what is stored, with its version and ETag.
            Assert.Equal((string)(await replaced.ReadObjectAsync())["name"]!, (string)stored["name"]!);
            Assert.Equal(replaced.Headers.ETag?.Tag, $"\"{(int)stored["version"]!}\"");
            Assert.Equal("\"1\"", created.Headers.ETag?.Tag);
            Assert.Equal(same ? 1 : 2, (int)stored["version"]!);
            Assert.Equal(same ? 1 : 2, await EventsAsync(code));
        }
    }

    [Fact]
    public async Task Two_create_only_puts_give_one_201_and_one_412()
    {
        for (var round = 0; round < Rounds; round++)
        {
            var code = NewCode();
            var (a, b) = await RaceAsync(() => PutAsync(code, "交城县财政局", ifNoneMatch: "*"), () => PutAsync(code, "交城县审计局", ifNoneMatch: "*"));
            var statuses = new[] { (int)a.StatusCode, (int)b.StatusCode }.Order().ToArray();
            Assert.True(statuses is [201, 412], $"round {round}: {await DescribeAsync(a)} | {await DescribeAsync(b)}");
            var winner = a.StatusCode == HttpStatusCode.Created ? a : b;
            await (winner == a ? b : a).AssertProblemAsync(412);

            // The loser changed nothing: the winner's registration, version 1, one event.
            var stored = await StoredAsync(code);
            Assert.Equal(((string)(await winner.ReadObjectAsync())["name"]!, 1), ((string)stored["name"]!, (int)stored["version"]!));
            Assert.Equal(1, await EventsAsync(code));
        }
    }

    [Fact]
    public async Task A_create_only_put_racing_a_plain_put_gets_201_or_412_and_the_plain_one_201_or_200()
    {
        for (var round = 0; round < Rounds; round++)
        {
            var code = NewCode();
            var (createOnly, plain) = await RaceAsync(() => PutAsync(code, "交城县财政局", ifNoneMatch: "*"), () => PutAsync(code, "交城县审计局"));
            var outcome = ((int)createOnly.StatusCode, (int)plain.StatusCode);
            Assert.True(outcome is (201, 200) or (412, 201), $"round {round}: {await DescribeAsync(createOnly)} | {await DescribeAsync(plain)}");
            Assert.Equal(outcome == (201, 200) ? 2 : 1, (int)(await StoredAsync(code))["version"]!);
        }
    }

    [Fact]
    public async Task A_put_racing_a_report_that_learns_the_agency_registers_it_and_the_report_is_accepted()
    {
        var submitter = factory.CreateClient(ServiceFactory.Token(regions: ["14"], subject: "agency-clerk"));
        for (var round = 0; round < Rounds; round++)
        {
            var code = NewCode();
            var report = ReportGenerator.Generate(new Random(Interlocked.Increment(ref _seed)), "2021", 2023, code, County);
            report.Set("/agency/level", "county").Set("/agency/kind", "department").Set("/agency/scope", "agency");
            // Odd rounds ask the PUT to create only: it gets 412 when the report made the agency known first.
            var createOnly = round % 2 == 1;
            var (put, submitted) = await RaceAsync(() => PutAsync(code, "交城县统计局", ifNoneMatch: createOnly ? "*" : null), () => submitter.SubmitAsync(report));
            Assert.True(submitted.StatusCode == HttpStatusCode.Created, $"round {round}: {await DescribeAsync(submitted)}");
            var expected = createOnly ? new[] { 201, 412 } : [201, 200];
            Assert.True(expected.Contains((int)put.StatusCode), $"round {round}: {await DescribeAsync(put)}");

            var stored = await StoredAsync(code);
            if (put.StatusCode == HttpStatusCode.PreconditionFailed)
            {
                Assert.Contains("known from its reports", (string)(await put.AssertProblemAsync(412))["detail"]!, StringComparison.Ordinal);
                Assert.Equal(("report", 1), ((string)stored["source"]!, (int)stored["version"]!));
            }
            else
            {
                // The register wins whoever came first: a report never changes a registered agency.
                Assert.Equal(("register", "交城县统计局", 2020), ((string)stored["source"]!, (string)stored["name"]!, (int)stored["firstYear"]!));
                Assert.Equal(put.StatusCode == HttpStatusCode.Created ? 1 : 2, (int)stored["version"]!);
            }
        }
    }

    [Fact]
    public async Task A_put_racing_the_bulk_import_of_the_same_agency_gives_one_creation_never_a_5xx()
    {
        for (var round = 0; round < Rounds; round++)
        {
            var code = NewCode();
            var line = AgenciesTests.Agency(name: "交城县气象局", region: County);
            line["creditCode"] = code;
            var (put, batch) = await RaceAsync(() => PutAsync(code, round % 2 == 0 ? "交城县气象局" : "交城县气象台"),
                () => _registrar.PostAsync("/v1/agencies/batch", Http.Json(System.Text.Encoding.UTF8.GetBytes(line.ToJsonString() + "\n"), "application/x-ndjson")));
            Assert.True(batch.StatusCode == HttpStatusCode.OK, $"round {round}: {await DescribeAsync(batch)}");
            var lineStatus = (string)(await batch.ReadObjectAsync())["lines"]![0]!["status"]!;
            var outcome = ((int)put.StatusCode, lineStatus);
            Assert.True(outcome is (201, "replaced" or "unchanged") or (200, "created"), $"round {round}: {await DescribeAsync(put)} | {lineStatus}");
        }
    }

    [Fact]
    public async Task Two_batches_registering_the_same_new_agencies_in_opposite_orders_both_answer_200_and_create_each_once()
    {
        for (var round = 0; round < Rounds / 2; round++)
        {
            var codes = Enumerable.Range(0, 5).Select(_ => NewCode()).ToList();
            string Batch(IEnumerable<string> order) => string.Join("\n", order.Select(code =>
            {
                var line = AgenciesTests.Agency(name: "交城县某局", region: County);
                line["creditCode"] = code;
                return line.ToJsonString();
            })) + "\n";
            Task<HttpResponseMessage> Send(string body) =>
                _registrar.PostAsync("/v1/agencies/batch", Http.Json(System.Text.Encoding.UTF8.GetBytes(body), "application/x-ndjson"));

            var (a, b) = await RaceAsync(() => Send(Batch(codes)), () => Send(Batch(Enumerable.Reverse(codes))));
            Assert.True(a.StatusCode == HttpStatusCode.OK && b.StatusCode == HttpStatusCode.OK, $"round {round}: {await DescribeAsync(a)} | {await DescribeAsync(b)}");
            var (first, second) = (await a.ReadObjectAsync(), await b.ReadObjectAsync());
            Assert.Equal(5, (int)first["created"]! + (int)second["created"]!);
            Assert.Equal(5, (int)first["unchanged"]! + (int)second["unchanged"]!);
            Assert.Equal(5, await factory.ScalarAsync<long>("SELECT count(*) FROM agency_events WHERE credit_code = ANY(@c)", ("c", codes.ToArray())));
        }
    }
}
