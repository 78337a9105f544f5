using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;
using ReportService.Statutory.Model;
using ReportService.TestSupport;

namespace ReportService.Api.Tests;

/// <summary>
/// The period-lock admin endpoint (issue 16 item 4, ADR 16): set, move, list and remove locks with scope periods:lock;
/// a stored lock wins over the configured one for its year and is seen by every replica; every change is in the
/// append-only history; a lock change and a correction of its year are ordered (the change is acknowledged only after a
/// correction that checked the old lock has committed). The test clock is 2026-06-01 08:00 in UTC+8; the
/// configuration locks 2022 after 2026-05-31 and 2023 after 2026-06-01 (<see cref="PeriodLockServiceFactory"/>).
/// </summary>
public sealed class PeriodLockTests(PeriodLockServiceFactory factory) : IClassFixture<PeriodLockServiceFactory>
{
    private const string SlowMarker = "缓慢提交";

    private readonly HttpClient _writer = factory.CreateClient();
    private readonly HttpClient _admin = factory.CreateClient(ServiceFactory.Token(scopes: "periods:lock", subject: "calendar-admin", client: "admin-console"));
    private readonly HttpClient _reviewer = factory.CreateClient(ServiceFactory.Token(scopes: "reports:review", regions: ["14"], subject: "office-14"));

    private static int _seed = 7000;

    private static JsonObject NewReport(int year, string name = "测试机关")
    {
        var seed = Interlocked.Increment(ref _seed);
        var report = ReportGenerator.Generate(new Random(seed), ReportFormats.ForYear(year), year, ReportGenerator.MakeCreditCode("141122", new Random(seed)), "141122103");
        report["agency"]!["name"] = name;
        return report;
    }

    private static Task<HttpResponseMessage> LockAsync(HttpClient client, int year, string? lockedAfter) =>
        client.PutAsync($"/v1/period-locks/{year}", Http.Json(new JsonObject { ["lockedAfter"] = lockedAfter }));

    private Task<HttpResponseMessage> ReturnAsync(Guid id, int revision)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/reports/{id}/reviews")
        {
            Content = Http.Json(new JsonObject { ["decision"] = "returned", ["comment"] = "please correct table 3" }),
        };
        request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{revision}\""));
        return _reviewer.SendAsync(request);
    }

    private async Task<JsonObject> LockOfAsync(int year) =>
        (await (await _admin.GetAsync("/v1/period-locks")).ReadObjectAsync())["locks"]!.AsArray().Single(l => (int)l!["year"]! == year)!.AsObject();

    [Fact]
    public async Task A_stored_lock_refuses_corrections_after_its_day_wins_over_the_configuration_and_every_change_is_kept()
    {
        // The configured locks are listed as such.
        var configured = await LockOfAsync(2022);
        Assert.Equal(("2026-05-31", "configuration"), ((string)configured["lockedAfter"]!, (string)configured["source"]!));

        var set = await LockAsync(_admin, 2024, "2026-03-31");
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        var stored = await set.ReadObjectAsync();
        Assert.Equal((2024, "2026-03-31", "database", "calendar-admin", "admin-console"),
            ((int)stored["year"]!, (string)stored["lockedAfter"]!, (string)stored["source"]!, (string)stored["setBy"]!, (string)stored["setClient"]!));

        // A correction of a 2024 report after 2026-03-31 (UTC+8) needs a return first; the refusal names the lock.
        var report = NewReport(2024);
        var id = await _writer.SubmitAcceptedAsync(report);
        var problem = await (await _writer.CorrectAsync(id, report.DeepClone(), "\"1\"")).AssertProblemAsync(409);
        Assert.Equal(("https://report-service/problems/period-locked", "2026-03-31", "database"),
            ((string)problem["type"]!, (string)problem["lockedAfter"]!, (string)problem["lockSource"]!));
        Assert.Contains("PUT /v1/period-locks/2024", (string)problem["detail"]!, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await ReturnAsync(id, 1)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _writer.CorrectAsync(id, report.DeepClone(), "\"1\"")).StatusCode);

        // Moved to a day not yet past: corrections are free again, at once.
        Assert.Equal(HttpStatusCode.OK, (await LockAsync(_admin, 2024, "2026-12-31")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _writer.CorrectAsync(id, report.DeepClone(), "\"2\"")).StatusCode);

        // A stored lock wins over the configured one of its year: 2022's configured lock has passed, the stored one not.
        var old = NewReport(2022);
        var oldId = await _writer.SubmitAcceptedAsync(old);
        await (await _writer.CorrectAsync(oldId, old.DeepClone(), "\"1\"")).AssertProblemAsync(409);
        Assert.Equal(HttpStatusCode.OK, (await LockAsync(_admin, 2022, "2026-12-31")).StatusCode);
        var overridden = await LockOfAsync(2022);
        Assert.Equal(("2026-12-31", "database", "2026-05-31"), ((string)overridden["lockedAfter"]!, (string)overridden["source"]!, (string)overridden["configured"]!));
        Assert.Equal(HttpStatusCode.OK, (await _writer.CorrectAsync(oldId, old.DeepClone(), "\"1\"")).StatusCode);

        // Removed: the configured lock applies again; a second removal finds nothing.
        Assert.Equal(HttpStatusCode.NoContent, (await _admin.DeleteAsync("/v1/period-locks/2022")).StatusCode);
        var again = await (await _writer.CorrectAsync(oldId, old.DeepClone(), "\"2\"")).AssertProblemAsync(409);
        Assert.Equal("configuration", (string)again["lockSource"]!);
        Assert.Contains("Review:PeriodLocks:2022", (string)again["detail"]!, StringComparison.Ordinal);
        var none = await (await _admin.DeleteAsync("/v1/period-locks/2022")).AssertProblemAsync(404);
        Assert.Contains("2026-05-31", (string)none["detail"]!, StringComparison.Ordinal);
        Assert.Equal("configuration", (string)(await LockOfAsync(2022))["source"]!);

        // Every change, in order, with who, the day and the day before.
        var history = await factory.ScalarAsync<string>(
            "SELECT string_agg(concat_ws(':', year, action, coalesce(locked_after::text, '-'), coalesce(previous::text, '-'), changed_by, changed_client), ',' ORDER BY id) " +
            "FROM period_lock_events WHERE year IN (2022, 2024)");
        Assert.Equal(
            "2024:set:2026-03-31:-:calendar-admin:admin-console,2024:set:2026-12-31:2026-03-31:calendar-admin:admin-console," +
            "2022:set:2026-12-31:-:calendar-admin:admin-console,2022:removed:-:2026-12-31:calendar-admin:admin-console", history);
        await Assert.ThrowsAnyAsync<PostgresException>(() => factory.ScalarAsync<long>("DELETE FROM period_lock_events WHERE year = 2022 RETURNING 1"));
        await Assert.ThrowsAnyAsync<PostgresException>(() => factory.ScalarAsync<long>("UPDATE period_lock_events SET changed_by = 'x' WHERE year = 2022 RETURNING 1"));
    }

    [Fact]
    public async Task A_lock_set_through_one_process_refuses_corrections_in_another_at_once()
    {
        await using var second = new ServiceFactory.Sharing(factory.ConnectionString);
        var report = NewReport(2021);
        var id = await _writer.SubmitAcceptedAsync(report);
        Assert.Equal(HttpStatusCode.OK, (await LockAsync(second.CreateClient(ServiceFactory.Token(scopes: "periods:lock")), 2021, "2026-02-28")).StatusCode);
        await (await _writer.CorrectAsync(id, report.DeepClone(), "\"1\"")).AssertProblemAsync(409);
        Assert.Equal("database", (string)(await LockOfAsync(2021))["source"]!);
    }

    [Fact]
    public async Task Only_the_periods_lock_scope_may_read_or_change_locks()
    {
        var reviewer = factory.CreateClient(ServiceFactory.Token(scopes: "reports:review reports:read reports:write", regions: ["*"]));
        await (await LockAsync(reviewer, 2025, "2026-06-30")).AssertProblemAsync(403);
        await (await reviewer.DeleteAsync("/v1/period-locks/2025")).AssertProblemAsync(403);
        await (await reviewer.GetAsync("/v1/period-locks")).AssertProblemAsync(403);
        await (await LockAsync(factory.CreateClient(token: null), 2025, "2026-06-30")).AssertProblemAsync(401);
        Assert.Equal(0L, await factory.ScalarAsync<long>("SELECT count(*) FROM period_lock_events WHERE year = 2025"));
    }

    [Theory]
    [InlineData("/v1/period-locks/2018", "{\"lockedAfter\":\"2026-06-30\"}", "year")]
    [InlineData("/v1/period-locks/2101", "{\"lockedAfter\":\"2026-06-30\"}", "year")]
    [InlineData("/v1/period-locks/2024", "{}", "lockedAfter")]
    [InlineData("/v1/period-locks/2024", "{\"lockedAfter\":null}", "lockedAfter")]
    [InlineData("/v1/period-locks/2024", "{\"lockedAfter\":\"30/06/2026\"}", "lockedAfter")]
    [InlineData("/v1/period-locks/2024", "{\"lockedAfter\":\"2024-12-31\"}", "lockedAfter")]
    [InlineData("/v1/period-locks/2024", "[\"2026-06-30\"]", null)]
    public async Task A_bad_lock_is_a_400_that_names_what_is_wrong_and_changes_nothing(string path, string body, string? parameter)
    {
        var response = await _admin.PutAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        var problem = await response.AssertProblemAsync(400);
        if (parameter is not null)
        {
            Assert.Contains(parameter, ((string?)problem["parameter"] ?? (string?)problem["pointer"])!, StringComparison.Ordinal);
        }

        Assert.Equal(0L, await factory.ScalarAsync<long>("SELECT count(*) FROM period_locks WHERE year = 2024 AND locked_after < '2026-01-01'"));
        await (await _admin.DeleteAsync("/v1/period-locks/2018")).AssertProblemAsync(400);
    }

    /// <summary>
    /// A correction holding its commit (a deferred trigger of the test's sleeps 1 s at COMMIT) while a lock of its year is
    /// set: the lock is acknowledged only once the correction has committed, so nothing is stored after a lock was
    /// acknowledged; a correction that comes after the lock is refused.
    /// </summary>
    [Fact]
    public async Task A_lock_is_acknowledged_only_after_a_concurrent_correction_of_its_year_committed()
    {
        await InstallSlowCommitAsync();
        for (var round = 0; round < 2; round++)
        {
            var year = 2019 + round;
            var report = NewReport(year);
            var id = await _writer.SubmitAcceptedAsync(report);
            var slow = NewReport(year, "测试机关" + SlowMarker);
            slow["agency"]!["creditCode"] = report["agency"]!["creditCode"]!.DeepClone();
            var correction = _writer.CorrectAsync(id, slow, "\"1\"");
            await WaitForSleepingCommitAsync();

            var locked = await LockAsync(_admin, year, "2026-01-31");
            var revisionsWhenLocked = await factory.ScalarAsync<long>("SELECT count(*) FROM report_revisions WHERE report_id = @id", ("id", id));
            Assert.Equal(HttpStatusCode.OK, locked.StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await correction).StatusCode);
            Assert.Equal(2L, revisionsWhenLocked);

            await (await _writer.CorrectAsync(id, report.DeepClone(), "\"2\"")).AssertProblemAsync(409);
            Assert.Equal(HttpStatusCode.NoContent, (await _admin.DeleteAsync($"/v1/period-locks/{year}")).StatusCode);
        }
    }

    private async Task InstallSlowCommitAsync()
    {
        await using var connection = new NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "CREATE OR REPLACE FUNCTION test_slow_commit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN " +
            $"IF NEW.body->'agency'->>'name' LIKE '%{SlowMarker}%' THEN PERFORM pg_sleep(1); END IF; RETURN NULL; END $$; " +
            "DROP TRIGGER IF EXISTS test_slow_commit ON report_revisions; " +
            "CREATE CONSTRAINT TRIGGER test_slow_commit AFTER INSERT ON report_revisions DEFERRABLE INITIALLY DEFERRED " +
            "FOR EACH ROW EXECUTE FUNCTION test_slow_commit();", connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Until a transaction of this database sleeps in its commit (the correction has passed its checks and holds its locks).</summary>
    private async Task WaitForSleepingCommitAsync()
    {
        for (var i = 0; i < 500; i++)
        {
            if (await factory.ScalarAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event = 'PgSleep'") > 0)
            {
                return;
            }

            await Task.Delay(10);
        }

        Assert.Fail("The correction never reached its commit.");
    }
}
