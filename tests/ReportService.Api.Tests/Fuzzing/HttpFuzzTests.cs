using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.AspNetCore.Http;
using Microsoft.FSharp.Core;
using ReportService.TestSupport;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace ReportService.Api.Tests.Fuzzing;

/// <summary>
/// The service with three stored reports (seeds 001, 002, 003) for the fuzzer to read and correct, and two
/// valid reports with counts at int.MaxValue in one region and year, so that aggregates sum past int32 from the
/// first request on.
/// </summary>
public sealed class FuzzServiceFactory : ServiceFactory
{
    public IReadOnlyList<StoredReport> Stored { get; private set; } = [];

    /// <summary>Reports only the fuzzer's reviews go to (an approval locks its report against corrections).</summary>
    public IReadOnlyList<Guid> Reviewable { get; private set; } = [];

    public override async Task InitializeAsync()
    {
        var client = CreateClient();
        var stored = new List<StoredReport>();
        foreach (var seed in new[] { "001", "002", "003" })
        {
            stored.Add(new StoredReport(await client.SubmitAcceptedAsync(Seeds.Json(seed)), seed));
        }

        Reviewable = [await client.SubmitAcceptedAsync(FuzzGen.BigValid(1, int.MaxValue)), await client.SubmitAcceptedAsync(FuzzGen.BigValid(2, int.MaxValue))];

        Stored = stored;
    }
}

/// <summary>
/// Property-based fuzzing of the whole HTTP surface (issue 6, part 5). FsCheck generates malformed and adversarial
/// requests for every operation of openapi/report-service.v1.json, unknown routes and methods, and the properties
/// hold for each: no 5xx; every 4xx is application/problem+json with status, title and traceId and names no
/// exception, .NET type, SQL or stack frame (401 and 403 included); a request that is not a successful write
/// leaves the row counts of reports, report_revisions, idempotency_keys, audit_events, report_reviews and
/// period_lock_events as they were, and a successful one adds exactly its revisions and their audit events (a review its
/// review and audit event, a period-lock change its history event). Requests carry no token, garbage,
/// expired, wrong-key, wrong-audience and unsigned tokens, and mostly valid ones (so that they reach the checks
/// and the database). Deterministic: each property has a fixed seed, printed with the run; a failure names the seed
/// and the request. Replay with FUZZ_SEED=&lt;seed&gt; (and a single test with --filter; the database state then
/// differs from the full run's, since the other properties' writes are missing); FUZZ_SCALE=4 runs four times as
/// many requests; FUZZ_SURVEY=1 goes on after a failure and lists every kind of failure at the end.
/// Requests go through TestServer with header values in printable ASCII only, as Kestrel would let them through.
/// </summary>
public sealed class HttpFuzzTests(FuzzServiceFactory factory, ITestOutputHelper output) : IClassFixture<FuzzServiceFactory>
{
    /// <summary>Text that must never reach a client unless the client sent it: internals of the service.</summary>
    private static readonly string[] LeakMarkers =
    [
        "System.", "Microsoft.", "Npgsql", "Exception", "ReportService.", " at ReportService", "   at ", "StackTrace", "SELECT ",
        "INSERT INTO", "DELETE FROM", "SQLSTATE", "Nullable", "Int32", "Int64", "Failed to bind", "Failed to read parameter",
    ];

    private const string CountsSql =
        "SELECT (SELECT count(*) FROM reports) || '/' || (SELECT count(*) FROM report_revisions) || '/' || (SELECT count(*) FROM idempotency_keys)"
        + " || '/' || (SELECT count(*) FROM audit_events) || '/' || (SELECT count(*) FROM agencies) || '/' || (SELECT count(*) FROM agency_events)"
        + " || '/' || (SELECT count(*) FROM report_reviews) || '/' || (SELECT count(*) FROM period_lock_events)";

    private static readonly DateTime Past = new[] { DateTime.UtcNow, FixedClock.Default.GetUtcNow().UtcDateTime }.Min();

    /// <summary>The tokens, minted once: valid ones hold under the fixed clock and the real one, expired ones under neither.</summary>
    private static readonly Dictionary<TokenKind, string> Tokens = new()
    {
        [TokenKind.Garbage] = "Bearer eyJub3QiOiJqd3QifQ.eyJzdWIiOiJ4In0.c2lnbmF0dXJl",
        [TokenKind.Expired] = "Bearer " + ServiceFactory.Token(regions: ["*"], notBefore: Past.AddDays(-3), expires: Past.AddDays(-2)),
        [TokenKind.WrongKey] = "Bearer " + ServiceFactory.Token(regions: ["*"], signingKey: "not-the-signing-key-of-the-service-0123456789"),
        [TokenKind.WrongAudience] = "Bearer " + ServiceFactory.Token(regions: ["*"], audience: "some-other-service"),
        [TokenKind.Unsigned] = "Bearer " + string.Join('.', ServiceFactory.Token(regions: ["*"]).Split('.')[1..2].Prepend("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0")) + ".",
        [TokenKind.ValidReadOnly] = "Bearer " + ServiceFactory.Token(scopes: "reports:read"),
        [TokenKind.ValidWriter] = "Bearer " + ServiceFactory.Token(scopes: "reports:write reports:read agencies:write", regions: ["*"]),
        [TokenKind.NarrowWriter] = "Bearer " + ServiceFactory.Token(creditCodes: ["11141122703158621W"]),
        [TokenKind.Reviewer] = "Bearer " + ServiceFactory.Token(scopes: "reports:review reports:read", regions: ["*"]),
        [TokenKind.Administrator] = "Bearer " + ServiceFactory.Token(scopes: "periods:lock"),
    };

    private readonly FuzzGen _gen = new(ApiSurface.Load(), factory.Stored, withTokens: true, factory.Reviewable);
    private readonly Dictionary<string, int> _statuses = [];
    private readonly Dictionary<string, (int Count, string First)> _survey = [];
    private readonly bool _surveying = Environment.GetEnvironmentVariable("FUZZ_SURVEY") == "1";
    private Counts? _counts;

    [Fact]
    public void Every_operation_answers_junk_parameters_headers_and_routes_without_5xx_leaks_or_stored_rows()
    {
        var surface = ApiSurface.Load();
        var seen = Run(nameof(Every_operation_answers_junk_parameters_headers_and_routes_without_5xx_leaks_or_stored_rows), _gen.SurfaceRequest, 2500, 20261122);

        Assert.All(surface, op => Assert.Contains(seen, note => note.StartsWith(op.ToString() + " ", StringComparison.Ordinal)));
        // The reviews and the period locks were reached past their checks, not only refused.
        AssertReached(
            "POST /v1/reports/{id}/reviews 200",
            "PUT /v1/period-locks/{year} 200");
    }

    [Fact]
    public void Malformed_and_adversarial_report_bodies_are_answered_4xx_or_stored_whole()
    {
        Run(nameof(Malformed_and_adversarial_report_bodies_are_answered_4xx_or_stored_whole), _gen.ReportRequest, 2500, 6_000_005);

        // The fuzzer reached the deep paths: accepted submissions and corrections, and rule violations.
        AssertReached(
            "POST /v1/reports 201",
            "PUT /v1/reports/{id} 200",
            "POST /v1/reports 422");
    }

    [Fact]
    public void Ndjson_batches_mixing_garbage_lines_store_exactly_the_accepted_lines()
    {
        Run(nameof(Ndjson_batches_mixing_garbage_lines_store_exactly_the_accepted_lines), _gen.BatchRequest, 200, 42);

        AssertReached("POST /v1/reports/batch 200");
    }

    [Fact]
    public void Agency_registrations_put_ndjson_and_csv_are_answered_4xx_or_stored_and_audited_whole()
    {
        Run(nameof(Agency_registrations_put_ndjson_and_csv_are_answered_4xx_or_stored_and_audited_whole), _gen.AgencyRequest, 600, 16_016);

        // The fuzzer reached the deep paths: registrations created, replaced, refused per field and per precondition, and batches.
        AssertReached(
            "PUT /v1/agencies/{creditCode} 201",
            "PUT /v1/agencies/{creditCode} 200",
            "PUT /v1/agencies/{creditCode} 400",
            "PUT /v1/agencies/{creditCode} 412",
            "POST /v1/agencies/batch 200");
    }

    [Fact]
    public void Period_locks_set_removed_and_listed_are_answered_4xx_or_recorded_once()
    {
        Run(nameof(Period_locks_set_removed_and_listed_are_answered_4xx_or_recorded_once), _gen.PeriodLockRequest, 300, 16_004);

        // Set, removed and listed past their checks, and refused per field.
        AssertReached(
            "PUT /v1/period-locks/{year} 200",
            "DELETE /v1/period-locks/{year} 204",
            "GET /v1/period-locks 200",
            "PUT /v1/period-locks/{year} 400");
    }

    private List<string> Run(string name, Gen<FuzzRequest> generator, int count, ulong defaultSeed)
    {
        var seed = Environment.GetEnvironmentVariable("FUZZ_SEED") is { Length: > 0 } fromEnvironment
            ? ulong.Parse(fromEnvironment, CultureInfo.InvariantCulture) : defaultSeed;
        var scale = Environment.GetEnvironmentVariable("FUZZ_SCALE") is { Length: > 0 } s ? double.Parse(s, CultureInfo.InvariantCulture) : 1;
        count = (int)Math.Max(1, count * scale);
        output.WriteLine($"{name}: {count} requests, FsCheck seed {seed} (replay: FUZZ_SEED={seed})");

        var notes = new List<string>();
        var started = System.Diagnostics.Stopwatch.StartNew();
        var config = Config.QuickThrowOnFailure
            .WithMaxTest(count)
            .WithQuietOnSuccess(true)
            .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(seed, 0x9E3779B97F4A7C15UL), FSharpOption<int>.None)));
        var property = Prop.ForAll(Arb.From(generator), request =>
        {
            notes.Add(request.Note);
            try
            {
                Task.Run(() => CheckAsync(request)).GetAwaiter().GetResult();
            }
            catch (XunitException ex) when (_surveying)
            {
                // FUZZ_SURVEY=1: go on after a failure and list every kind of failure at the end.
                var kind = ex.Message.Split('\n')[0] + " | " + request.Method + " " + Template(request.Path) + " | " + ex.Message.Split("\nresponse: ")[^1].Split('\n')[0];
                _survey[kind] = (_survey.GetValueOrDefault(kind).Count + 1, _survey.GetValueOrDefault(kind).First ?? ex.Message);
                _counts = null;
            }
        });
        try
        {
            Check.One(config, property);
        }
        catch (Exception ex) when (ex is not XunitException)
        {
            throw new XunitException($"{name}: a property failed; replay with FUZZ_SEED={seed} (run only this test with --filter).\n{ex.Message}");
        }
        finally
        {
            output.WriteLine($"{notes.Count} requests in {started.Elapsed.TotalSeconds:F1} s\n{Summary()}");
            foreach (var (kind, (times, first)) in _survey)
            {
                output.WriteLine($"\n=== {times} x {kind}\n{(first.Length > 4000 ? first[..4000] : first)}");
            }
        }

        Assert.Empty(_survey);

        return notes;
    }

    /// <summary>Each of these answers ("METHOD template status") came at least once: the property reached past the checks it names.</summary>
    private void AssertReached(params string[] answers) =>
        Assert.All(answers, answer => Assert.True(_statuses.GetValueOrDefault(answer) > 0, $"never answered {answer}\n{Summary()}"));

    private string Summary() => string.Join("\n", _statuses.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"  {s.Key}: {s.Value}"));

    private async Task CheckAsync(FuzzRequest request)
    {
        _counts ??= await CountAsync();
        var before = _counts;

        var authorization = request.Headers.FirstOrDefault(h => h.Token is not null)?.Token is { } kind ? Tokens[kind] : null;
        var context = await factory.Server.SendAsync(c =>
        {
            c.Request.Method = request.Method;
            c.Request.Path = PathString.FromUriComponent(request.Path);
            c.Request.QueryString = new QueryString(request.Query);
            foreach (var header in request.Headers)
            {
                c.Request.Headers.Append(header.Name, header.Token is null ? header.Value : authorization);
            }

            if (request.Body is { } body)
            {
                c.Request.Body = new MemoryStream(body);
                if (!request.Chunked)
                {
                    c.Request.ContentLength = body.Length;
                }
            }
        });

        var status = context.Response.StatusCode;
        using var reader = new MemoryStream();
        await context.Response.Body.CopyToAsync(reader);
        var responseBytes = reader.ToArray();
        var responseText = Encoding.UTF8.GetString(responseBytes);
        var key = $"{request.Method} {Template(request.Path)} {status}";
        _statuses[key] = _statuses.GetValueOrDefault(key) + 1;

        string Fail(string what) =>
            $"{what}\nrequest: {request}\nresponse: {status} {context.Response.ContentType}\n{(responseText.Length > 2000 ? responseText[..2000] + "…" : responseText)}";

        if (status >= 500)
        {
            throw new XunitException(Fail($"Server error {status}"));
        }

        if (status is >= 400 and < 500 && request.Method != "HEAD")
        {
            if (context.Response.ContentType?.Split(';')[0].Trim() != "application/problem+json")
            {
                throw new XunitException(Fail("A 4xx that is not application/problem+json"));
            }

            JsonObject? problem;
            try
            {
                problem = JsonNode.Parse(responseBytes) as JsonObject;
            }
            catch (JsonException)
            {
                problem = null;
            }

            if (problem is null || (int?)problem["status"] != status || string.IsNullOrEmpty((string?)problem["title"]) || string.IsNullOrEmpty((string?)problem["traceId"]))
            {
                throw new XunitException(Fail("A problem without the response's status, a title and a traceId"));
            }

            var sent = request.SentText(authorization);
            var decoded = JsonSerializer.Serialize(problem, JsonMutator.Relaxed);
            foreach (var marker in LeakMarkers)
            {
                if ((responseText.Contains(marker, StringComparison.Ordinal) || decoded.Contains(marker, StringComparison.Ordinal))
                    && !sent.Contains(marker, StringComparison.Ordinal))
                {
                    throw new XunitException(Fail($"The problem names internals (\"{marker}\")"));
                }
            }
        }

        var after = await CountAsync();
        _counts = after;
        var write = status is >= 200 and < 300 ? request.Write : WriteKind.None;
        var reports = after.Reports - before.Reports;
        var revisions = after.Revisions - before.Revisions;
        var audited = after.AuditEvents - before.AuditEvents == revisions;
        // Agencies: a report may make its agency known (a learned row, or a learned row's first year moved back: one event each);
        // a registration writes its rows and one audit event per row written, and no report rows.
        var agencies = after.Agencies - before.Agencies;
        var agencyEvents = after.AgencyEvents - before.AgencyEvents;
        var learnedOnly = agencies >= 0 && agencyEvents >= agencies;
        var noReportRows = after with { Agencies = before.Agencies, AgencyEvents = before.AgencyEvents } == before;
        var stored = write switch
        {
            WriteKind.None => after == before,
            WriteKind.Submit => reports is 0 or 1 && revisions == reports && audited && learnedOnly && Unreviewed(),
            WriteKind.Correct => reports == 0 && revisions == 1 && audited && learnedOnly && Unreviewed(),
            WriteKind.Batch => reports == revisions && reports == (int)JsonNode.Parse(responseBytes)!["accepted"]! && audited && learnedOnly && Unreviewed(),
            WriteKind.RegisterAgency => noReportRows && (status == 201 ? agencies == 1 && agencyEvents == 1 : agencies == 0 && agencyEvents is 0 or 1),
            WriteKind.AgencyBatch => noReportRows && JsonNode.Parse(responseBytes) is { } answer
                && agencies == (int)answer["created"]! && agencyEvents == (int)answer["created"]! + (int)answer["replaced"]!,
            WriteKind.Review => after == before with { AuditEvents = before.AuditEvents + 1, Reviews = before.Reviews + 1 },
            WriteKind.Lock => after == before with { LockEvents = before.LockEvents + 1 },
            _ => false,
        };
        if (!stored)
        {
            throw new XunitException(Fail($"Rows stored: before {before}, after {after} (expected for {write})"));
        }

        bool Unreviewed() => after.Reviews == before.Reviews && after.LockEvents == before.LockEvents;
    }

    private static string Template(string path)
    {
        var segments = path.Split('/');
        if (segments is ["", "v1", "reports", _, ..] && segments[3] is not ("validate" or "batch"))
        {
            segments[3] = Guid.TryParse(segments[3], out _) ? "{id}" : "{junk}";
        }

        if (segments is ["", "v1", "reports", _, "revisions", _, ..])
        {
            segments[5] = "{revision}";
        }

        if (segments is ["", "v1", "period-locks", _, ..])
        {
            segments[3] = "{year}";
        }

        if (segments is ["", "v1", "regions", _, ..])
        {
            segments[3] = "{code}";
        }

        if (segments is ["", "v1", "agencies", _, ..] && segments[3] != "batch")
        {
            segments[3] = "{creditCode}";
        }

        var template = string.Join('/', segments);
        return template.Length > 60 ? template[..60] + "…" : template;
    }

    private async Task<Counts> CountAsync()
    {
        var parts = (await factory.ScalarAsync<string>(CountsSql)).Split('/').Select(p => long.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        return new Counts(parts[0], parts[1], parts[2], parts[3], parts[4], parts[5], parts[6], parts[7]);
    }

    private sealed record Counts(long Reports, long Revisions, long IdempotencyKeys, long AuditEvents, long Agencies, long AgencyEvents, long Reviews, long LockEvents)
    {
        public override string ToString() =>
            $"reports {Reports}, revisions {Revisions}, idempotency keys {IdempotencyKeys}, audit events {AuditEvents}, agencies {Agencies}, agency events {AgencyEvents}, reviews {Reviews}, period lock events {LockEvents}";
    }
}
