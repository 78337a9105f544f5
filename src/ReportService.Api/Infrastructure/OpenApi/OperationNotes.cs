namespace ReportService.Api.Infrastructure.OpenApi;

/// <summary>A header documented on a request or a response.</summary>
internal sealed record HeaderNote(string Name, string Description, bool Required = false);

/// <summary>
/// An example of the document's components shown on the request body (<paramref name="Status"/> null) or on a
/// response, under <paramref name="MediaType"/> (<c>application/problem+json</c> for an error status unless named).
/// </summary>
internal sealed record ExampleNote(string Id, int? Status = null, string? MediaType = null);

/// <summary>
/// What an operation does over HTTP that ApiExplorer cannot see, because the handler reads or writes it
/// through <c>HttpContext</c>: headers, the report example, the meaning of its statuses. Keyed by the
/// operation id (<c>WithName</c>); <see cref="ContractDocumentFilter"/> fails the document when a key no
/// longer names an operation, so a rename cannot silently drop these notes.
/// </summary>
internal sealed record OperationNote
{
    /// <summary>Messages of violations follow <c>Accept-Language</c>.</summary>
    public bool Localized { get; init; }

    /// <summary>The request body is a report: show seed 002 as its example.</summary>
    public bool ReportExample { get; init; }

    /// <summary>The 422 is the rule-violations problem: show seed 004's real answer as its example.</summary>
    public bool RuleViolationsExample { get; init; }

    public IReadOnlyList<HeaderNote> RequestHeaders { get; init; } = [];

    public IReadOnlyDictionary<int, IReadOnlyList<HeaderNote>> ResponseHeaders { get; init; } = new Dictionary<int, IReadOnlyList<HeaderNote>>();

    /// <summary>Descriptions of responses that say more than the generic text of their status.</summary>
    public IReadOnlyDictionary<int, string> Responses { get; init; } = new Dictionary<int, string>();

    public string? RequestBody { get; init; }

    /// <summary>The 409 is a review lock (<c>ReviewLockProblem</c>), not a duplicate report.</summary>
    public bool ReviewLockConflict { get; init; }

    /// <summary>Examples of the components shown on this operation (<see cref="ContractExamples"/>).</summary>
    public IReadOnlyList<ExampleNote> Examples { get; init; } = [];

    /// <summary>What one line of an NDJSON body is, when not a report.</summary>
    public string? NdjsonLine { get; init; }

    /// <summary>An example request body per media type (a JSON value, or the text of an NDJSON or CSV body).</summary>
    public IReadOnlyDictionary<string, System.Text.Json.Nodes.JsonNode> RequestExamples { get; init; } = new Dictionary<string, System.Text.Json.Nodes.JsonNode>();

    /// <summary>An example response body per status (application/json; text/csv as text when the response has it).</summary>
    public IReadOnlyDictionary<int, IReadOnlyDictionary<string, System.Text.Json.Nodes.JsonNode>> ResponseExamples { get; init; } =
        new Dictionary<int, IReadOnlyDictionary<string, System.Text.Json.Nodes.JsonNode>>();

    /// <summary>Examples of parameters by name.</summary>
    public IReadOnlyDictionary<string, string> ParameterExamples { get; init; } = new Dictionary<string, string>();
}

internal static class OperationNotes
{
    private static readonly HeaderNote RevisionETag = new("ETag",
        "The report's current revision as an entity tag (`\"1\"`, `\"2\"`, …): send it as If-Match to correct the report.", Required: true);

    private static readonly HeaderNote DataETag = new("ETag",
        "Identifies this answer for the data as it is now: send it as If-None-Match to get 304 while nothing changed.", Required: true);

    private static readonly HeaderNote NoCache = new("Cache-Control", "`no-cache`: revalidate on every use (cheap with If-None-Match).", Required: true);

    private static readonly HeaderNote IfNoneMatch = new("If-None-Match", "The ETag of an earlier answer to the same query: 304 while it is still current.");

    private const string ReportBody = "The report, format 2019 or 2021: `format` selects the shape. Counts are JSON integers; " +
        "a missing or null count is reported (rule CELL.COUNT), never read as zero. At most 1 MiB.";

    private static readonly OperationNote Aggregates = new()
    {
        RequestHeaders =
        [
            IfNoneMatch,
            new("Accept-Language", "The language of a CSV answer's header row: Chinese statutory labels by default, English when English (`en`) is preferred " +
                "(e.g. `Accept-Language: en`). The columns and values are the same; JSON answers do not depend on it."),
        ],
        ResponseHeaders = new Dictionary<int, IReadOnlyList<HeaderNote>>
        {
            [StatusCodes.Status200OK] =
            [
                DataETag, NoCache,
                new("Vary", "`Accept, Accept-Language`: the answer depends on both.", Required: true),
                new("Content-Language", "CSV answers only: `zh` or `en`, the language of the header row."),
            ],
            [StatusCodes.Status304NotModified] = [DataETag, NoCache],
        },
        Responses = new Dictionary<int, string>
        {
            [StatusCodes.Status200OK] = "The sums; `text/csv` (UTF-8, one header row) when the request says `Accept: text/csv`.",
            [StatusCodes.Status304NotModified] = "Nothing changed since the answer whose ETag came as If-None-Match; no body.",
            [StatusCodes.Status400BadRequest] = "A query parameter is invalid (`parameter` names it): an unknown region, level, kind, scope, groupBy dimension or applicant column, " +
                "a year out of range, or a reviewStatus other than approved.",
            [StatusCodes.Status429TooManyRequests] = "This client sent more requests than it may (a token bucket per client), or (type `computations-exhausted`) it already runs " +
                "as many aggregate computations at once as one client may: a question not answered since the last write needs its sums computed. " +
                "Retry after Retry-After; answers already computed are served meanwhile.",
            [StatusCodes.Status503ServiceUnavailable] = "The database is unreachable, or (type `computations-busy`) every place for aggregate computations is taken: " +
                "retry after Retry-After. Answers already computed are served meanwhile.",
        },
        ParameterExamples = new Dictionary<string, string> { ["reviewStatus"] = "approved", ["region"] = "14" },
    };

    private static readonly HeaderNote AgencyETag = new("ETag",
        "The agency's version as an entity tag (`\"1\"`, `\"2\"`, …): send it as If-Match to replace the registration only if nobody changed it since.", Required: true);

    /// <summary>Valid credit codes for the examples (GB 32100 check characters computed, not typed).</summary>
    private static readonly string ExampleCode1 = ExampleCreditCode("141122", "MB1A0021");

    private static readonly string ExampleCode2 = ExampleCreditCode("141122", "MB1A0034");

    private static string ExampleCreditCode(string county, string body)
    {
        var first17 = "11" + county + body + Statutory.Identity.CreditCode.OrganizationCheckCharacter(body);
        return first17 + Statutory.Identity.CreditCode.CheckCharacterFor(first17);
    }

    private static System.Text.Json.Nodes.JsonObject ExampleAgency(string code, string name, int version, int? lastYear = null, string source = "register")
    {
        var agency = new System.Text.Json.Nodes.JsonObject
        {
            ["creditCode"] = code, ["name"] = name, ["regionCode"] = "141122", ["level"] = "county", ["kind"] = "department", ["firstYear"] = 2019,
        };
        if (lastYear is { } last)
        {
            agency["lastYear"] = last;
        }

        agency["source"] = source;
        agency["version"] = version;
        agency["changedAt"] = "2025-03-02T09:30:00+00:00";
        return agency;
    }

    /// <summary>JSON examples by status: a success's on application/json, a problem's on application/problem+json.</summary>
    private static Dictionary<int, IReadOnlyDictionary<string, System.Text.Json.Nodes.JsonNode>> Examples(Dictionary<int, string> byStatus) =>
        byStatus.ToDictionary(
            e => e.Key,
            e => (IReadOnlyDictionary<string, System.Text.Json.Nodes.JsonNode>)new Dictionary<string, System.Text.Json.Nodes.JsonNode>
            {
                [e.Key < 400 ? "application/json" : "application/problem+json"] = System.Text.Json.Nodes.JsonNode.Parse(e.Value)!,
            });

    private static Dictionary<string, System.Text.Json.Nodes.JsonNode> Json(System.Text.Json.Nodes.JsonNode value) =>
        new Dictionary<string, System.Text.Json.Nodes.JsonNode> { ["application/json"] = value };

    private const string PeriodLockExample =
        """{"year":2024,"lockedAfter":"2025-06-30","source":"database","configured":null,"setBy":"calendar-admin","setClient":"admin-console","setAt":"2025-05-20T02:14:07+00:00"}""";

    public static IReadOnlyDictionary<string, OperationNote> All { get; } = new Dictionary<string, OperationNote>
    {
        ["RegisterAgency"] = new()
        {
            RequestBody = "The whole registration (every field but lastYear is required): a replacement is not a patch.",
            RequestHeaders =
            [
                new("If-Match", "The ETag of the version this replacement applies to (from GET /v1/agencies/{creditCode} or a PUT): 412 when it is no longer current " +
                    "or the agency is not registered. Without it the PUT replaces whatever is registered."),
                new("If-None-Match", "`*`: register only if the agency is not known yet, registered or learned from its reports (412 otherwise, also when " +
                    "another request or a report made it known while this one was on its way)."),
            ],
            RequestExamples = Json(new System.Text.Json.Nodes.JsonObject
            {
                ["name"] = "交城县教育局", ["regionCode"] = "141122", ["level"] = "county", ["kind"] = "department", ["firstYear"] = 2019, ["lastYear"] = 2024,
            }),
            ResponseHeaders = new Dictionary<int, IReadOnlyList<HeaderNote>>
            {
                [StatusCodes.Status201Created] = [new("Location", "The agency's URL (`/v1/agencies/{creditCode}`).", Required: true), AgencyETag],
                [StatusCodes.Status200OK] = [AgencyETag],
            },
            Responses = new Dictionary<int, string>
            {
                [StatusCodes.Status201Created] = "Registered: a new agency, version 1 (audited).",
                [StatusCodes.Status200OK] = "The registration replaced (a new version, audited), or unchanged when the body says what is registered (no new version).",
                [StatusCodes.Status400BadRequest] = "Not a valid registration: `pointer` names the field (a missing name, a region not in the division reference, kind government, " +
                    "a year out of 2019–2100, lastYear before firstYear, an unknown field), or `parameter` names creditCode (not a valid 统一社会信用代码) or a malformed If-Match.",
                [StatusCodes.Status403Forbidden] = "The token lacks `agencies:write`, or its region prefixes do not cover the agency's region (for a replacement: the new and the registered one). Nothing was written.",
                [StatusCodes.Status412PreconditionFailed] = "If-Match does not name the current version (or the agency is not registered), or If-None-Match: * and it is. Nothing was written.",
            },
            ResponseExamples = new Dictionary<int, IReadOnlyDictionary<string, System.Text.Json.Nodes.JsonNode>>
            {
                [StatusCodes.Status201Created] = Json(ExampleAgency(ExampleCode1, "交城县教育局", 1, 2024)),
            },
        },
        ["GetAgency"] = new()
        {
            ResponseHeaders = new Dictionary<int, IReadOnlyList<HeaderNote>> { [StatusCodes.Status200OK] = [AgencyETag] },
            Responses = new Dictionary<int, string> { [StatusCodes.Status404NotFound] = "No agency with this credit code is registered or known from a report." },
            ResponseExamples = new Dictionary<int, IReadOnlyDictionary<string, System.Text.Json.Nodes.JsonNode>>
            {
                [StatusCodes.Status200OK] = Json(ExampleAgency(ExampleCode2, "交城县统计局", 1, source: "report")),
            },
        },
        ["ListAgencies"] = new()
        {
            Responses = new Dictionary<int, string>
            {
                [StatusCodes.Status400BadRequest] = "A query parameter is invalid (`parameter` names it): an unknown region, level, kind or source, a year out of 2019–2100, " +
                    "limit out of 1–1000, or a cursor that is not a nextCursor of the same filters.",
            },
            ResponseExamples = new Dictionary<int, IReadOnlyDictionary<string, System.Text.Json.Nodes.JsonNode>>
            {
                [StatusCodes.Status200OK] = Json(new System.Text.Json.Nodes.JsonObject
                {
                    ["items"] = new System.Text.Json.Nodes.JsonArray(ExampleAgency(ExampleCode1, "交城县教育局", 2, 2024), ExampleAgency(ExampleCode2, "交城县统计局", 1, source: "report")),
                }),
            },
        },
        ["ImportAgencies"] = new()
        {
            NdjsonLine = "One registration JSON per line (an ImportAgencyLine).",
            RequestBody = "NDJSON (`application/x-ndjson` or `application/jsonl`): one JSON object per line with `creditCode` and the fields of PUT /v1/agencies/{creditCode}. " +
                "CSV (`text/csv`, UTF-8, a byte order mark allowed): a header row naming the columns `creditCode` (required), `name`, `regionCode`, `level`, `kind`, " +
                "`firstYear`, `lastYear` in any order, then one agency per line (RFC 4180 quoting on one line; an empty lastYear: in force). Blank lines are skipped. " +
                "At most 50,000 lines and 16 MiB.",
            RequestExamples = new Dictionary<string, System.Text.Json.Nodes.JsonNode>
            {
                ["application/x-ndjson"] = System.Text.Json.Nodes.JsonValue.Create(
                    $"{{\"creditCode\":\"{ExampleCode1}\",\"name\":\"交城县教育局\",\"regionCode\":\"141122\",\"level\":\"county\",\"kind\":\"department\",\"firstYear\":2019,\"lastYear\":2024}}\n" +
                    $"{{\"creditCode\":\"{ExampleCode2}\",\"name\":\"交城县统计局\",\"regionCode\":\"141122\",\"level\":\"county\",\"kind\":\"department\",\"firstYear\":2019}}\n"),
                ["text/csv"] = System.Text.Json.Nodes.JsonValue.Create(
                    $"creditCode,name,regionCode,level,kind,firstYear,lastYear\r\n{ExampleCode1},交城县教育局,141122,county,department,2019,2024\r\n{ExampleCode2},交城县统计局,141122,county,department,2019,\r\n"),
            },
            Responses = new Dictionary<int, string>
            {
                [StatusCodes.Status200OK] = "Every non-blank line answered on its own, in order: created, replaced, unchanged, rejected, forbidden or duplicate. 200 whatever the mix.",
                [StatusCodes.Status400BadRequest] = "The body holds no registration, or a CSV's header row names an unknown column, a column twice, or no creditCode (`pointer` is `/`). " +
                    "A line that is not a valid registration is not a 400: it is answered `rejected` in the 200. Nothing was written.",
                [StatusCodes.Status415UnsupportedMediaType] = "The body is not `application/x-ndjson`, `application/jsonl` or `text/csv`; `accepted` lists them.",
            },
            ResponseExamples = new Dictionary<int, IReadOnlyDictionary<string, System.Text.Json.Nodes.JsonNode>>
            {
                [StatusCodes.Status200OK] = Json(new System.Text.Json.Nodes.JsonObject
                {
                    ["created"] = 1, ["replaced"] = 0, ["unchanged"] = 0, ["rejected"] = 1, ["forbidden"] = 0, ["duplicates"] = 0,
                    ["lines"] = new System.Text.Json.Nodes.JsonArray(
                        new System.Text.Json.Nodes.JsonObject { ["line"] = 2, ["status"] = "created", ["creditCode"] = ExampleCode1, ["href"] = "/v1/agencies/" + ExampleCode1, ["version"] = 1 },
                        new System.Text.Json.Nodes.JsonObject
                        {
                            ["line"] = 3, ["status"] = "rejected", ["creditCode"] = ExampleCode2, ["pointer"] = "/regionCode",
                            ["problem"] = "regionCode 141199 is not a region code of the division reference (GET /v1/regions lists them).",
                        }),
                }),
            },
        },
        ["ListMissingReporters"] = new()
        {
            ResponseHeaders = new Dictionary<int, IReadOnlyList<HeaderNote>>
            {
                [StatusCodes.Status200OK] = [new("Link", "With text/csv, when there is a next page: its URL, `<…&cursor=…>; rel=\"next\"`.")],
            },
            Responses = new Dictionary<int, string>
            {
                [StatusCodes.Status200OK] = "A page of who has not reported; `text/csv` (UTF-8, one header row: 区划代码, 机关名称, 统一社会信用代码, 行政层级, 机关类型, 报告范围, 来源) " +
                    "when Accept prefers it to application/json by its q-values.",
            },
            ResponseExamples = new Dictionary<int, IReadOnlyDictionary<string, System.Text.Json.Nodes.JsonNode>>
            {
                [StatusCodes.Status200OK] = new Dictionary<string, System.Text.Json.Nodes.JsonNode>
                {
                    ["application/json"] = new System.Text.Json.Nodes.JsonObject
                    {
                        ["items"] = new System.Text.Json.Nodes.JsonArray(
                            new System.Text.Json.Nodes.JsonObject { ["regionCode"] = "141122", ["name"] = "交城县", ["level"] = "county", ["kind"] = "government", ["scope"] = "regionAggregate" },
                            new System.Text.Json.Nodes.JsonObject
                            {
                                ["regionCode"] = "141122", ["name"] = "交城县教育局", ["level"] = "county", ["kind"] = "department", ["scope"] = "agency",
                                ["creditCode"] = ExampleCode1, ["source"] = "register",
                            }),
                        ["nextCursor"] = "141122.agency." + ExampleCode1,
                    },
                    ["text/csv"] = System.Text.Json.Nodes.JsonValue.Create(
                        $"区划代码,机关名称,统一社会信用代码,行政层级,机关类型,报告范围,来源\r\n141122,交城县,,county,government,regionAggregate,\r\n141122,交城县教育局,{ExampleCode1},county,department,agency,register\r\n"),
                },
            },
        },
        ["ValidateReport"] = new()
        {
            Localized = true,
            ReportExample = true,
            RequestBody = ReportBody,
            Responses = new Dictionary<int, string>
            {
                [StatusCodes.Status200OK] = "The check ran: `valid` is false when any violation has severity error. A body of the wrong `format` for its year is a violation here, not an error status.",
            },
        },
        ["SubmitReport"] = new()
        {
            Localized = true,
            ReportExample = true,
            RuleViolationsExample = true,
            Examples =
            [
                new("InvalidBody", StatusCodes.Status400BadRequest),
                new("AgencyNotGranted", StatusCodes.Status403Forbidden),
                new("DuplicateReport", StatusCodes.Status409Conflict),
            ],
            RequestBody = ReportBody,
            ResponseHeaders = new Dictionary<int, IReadOnlyList<HeaderNote>>
            {
                [StatusCodes.Status201Created] =
                [
                    new("Location", "The URL of the stored report (`/v1/reports/{id}`).", Required: true),
                    RevisionETag,
                ],
            },
            Responses = new Dictionary<int, string>
            {
                [StatusCodes.Status201Created] = "Accepted and stored as revision 1 (or, for a retry with the same Idempotency-Key and body, the first answer again), with its warnings.",
                [StatusCodes.Status422UnprocessableEntity] = "A rule of severity error failed: `violations` lists every violation, errors and warnings, with its rule and cells; nothing was stored " +
                    "(type `https://report-service/problems/rule-violations`). The same status without `violations` answers an Idempotency-Key first used with another body " +
                    "(type `https://report-service/problems/idempotency-key-reused`).",
            },
        },
        ["CorrectReport"] = new()
        {
            Localized = true,
            ReviewLockConflict = true,
            ResponseExamples = Examples(new Dictionary<int, string>
            {
                [StatusCodes.Status409Conflict] = """{"type":"https://report-service/problems/period-locked","title":"The reporting period is locked","status":409,"detail":"Corrections of 2024 reports closed on 2025-06-30 (UTC+8), by the period lock set through PUT /v1/period-locks/2024. A reviewer must return this report (POST /v1/reports/3f2b8c1e-5d4a-4e7b-9a61-2c0d8e4f7a15/reviews, decision returned) before it can be corrected.","instance":"/v1/reports/3f2b8c1e-5d4a-4e7b-9a61-2c0d8e4f7a15","lockedAfter":"2025-06-30","lockSource":"database","traceId":"0af7651916cd43dd8448eb211c80319c"}""",
            }),
            ReportExample = true,
            RuleViolationsExample = true,
            RequestBody = ReportBody + " The identity (agency.creditCode, year, agency.scope) must stay that of the report.",
            RequestHeaders =
            [
                new("If-Match", "The ETag of the revision this correction applies to (from GET /v1/reports/{id}), quotes included (`\"3\"`): " +
                    "428 without it, 400 when it is not a quoted entity tag, 412 when it is no longer current. Needed for every correction; " +
                    "not marked required so that clients can send the request whose 428 the document describes.", Required: false),
            ],
            ResponseHeaders = new Dictionary<int, IReadOnlyList<HeaderNote>> { [StatusCodes.Status200OK] = [RevisionETag] },
            Responses = new Dictionary<int, string>
            {
                [StatusCodes.Status200OK] = "Accepted and stored as the next revision, with its warnings; earlier revisions stay readable. The report's review status becomes `pending`.",
                [StatusCodes.Status409Conflict] = "A review lock: the report is approved (type `https://report-service/problems/report-approved`, `review` names the approval), " +
                    "or its year's period is locked (type `https://report-service/problems/period-locked`, `lockedAfter` the last open day, `lockSource` database when " +
                    "set through PUT /v1/period-locks/{year}, else configuration) and no reviewer has returned it. A reviewer must return the report first " +
                    "(POST /v1/reports/{id}/reviews); nothing was stored.",
                [StatusCodes.Status422UnprocessableEntity] = "A rule of severity error failed: `violations` lists every violation, errors and warnings, with its rule and cells; nothing was stored " +
                    "(type `https://report-service/problems/rule-violations`). The same status without `violations` answers a body for another agency, year or scope " +
                    "(type `https://report-service/problems/identity-changed`).",
            },
        },
        ["ReviewReport"] = new()
        {
            RequestBody = "The decision (`approved` or `returned`) and a comment (required when returned, at most 2,000 characters).",
            RequestHeaders =
            [
                new("If-Match", "The ETag of the revision reviewed (from GET /v1/reports/{id}), quotes included (`\"3\"`): " +
                    "428 without it, 400 when it is not a quoted entity tag, 412 when a correction came since. Needed for every review; " +
                    "not marked required so that clients can send the request whose 428 the document describes.", Required: false),
            ],
            ResponseHeaders = new Dictionary<int, IReadOnlyList<HeaderNote>> { [StatusCodes.Status200OK] = [RevisionETag] },
            Responses = new Dictionary<int, string>
            {
                [StatusCodes.Status200OK] = "The decision is recorded (and audited); the report's review status is now the decision.",
                [StatusCodes.Status400BadRequest] = "The body is not a review: no or an unknown decision, a returned report without a comment, or a comment over 2,000 characters (`pointer` names the value).",
                [StatusCodes.Status403Forbidden] = "The token lacks `reports:review`, or its region prefixes (`region_prefixes`) do not cover the report's region. Nothing was recorded.",
            },
            RequestExamples = Json(System.Text.Json.Nodes.JsonNode.Parse("""{"decision":"returned","comment":"表三（七）总计 does not equal the sum of its rows; please correct and resubmit."}""")!),
            ResponseExamples = Examples(new Dictionary<int, string>
            {
                [StatusCodes.Status200OK] = """{"reportId":"3f2b8c1e-5d4a-4e7b-9a61-2c0d8e4f7a15","revision":2,"decision":"returned","comment":"表三（七）总计 does not equal the sum of its rows; please correct and resubmit.","reviewedBy":"office-14","reviewedClient":"supervision","reviewedAt":"2025-03-04T06:30:00+00:00"}""",
            }),
        },
        ["SetPeriodLock"] = new()
        {
            RequestBody = "The last day (UTC+8, `YYYY-MM-DD`) on which the year's reports may be corrected freely; it must be after the report year.",
            RequestExamples = Json(System.Text.Json.Nodes.JsonNode.Parse("""{"lockedAfter":"2025-06-30"}""")!),
            Responses = new Dictionary<int, string>
            {
                [StatusCodes.Status200OK] = "The lock is stored (and its change recorded); corrections of the year's reports after the day are refused (409 `period-locked`) " +
                    "unless a reviewer returned the report.",
                [StatusCodes.Status400BadRequest] = "The year is not a report year (2019–2100; `parameter` year), or lockedAfter is missing, not a date, or not after the report year " +
                    "(`parameter` or `pointer` lockedAfter). Nothing was changed.",
                [StatusCodes.Status403Forbidden] = "The token lacks `periods:lock`. Nothing was changed.",
            },
            ResponseExamples = Examples(new Dictionary<int, string> { [StatusCodes.Status200OK] = PeriodLockExample }),
        },
        ["RemovePeriodLock"] = new()
        {
            Responses = new Dictionary<int, string>
            {
                [StatusCodes.Status204NoContent] = "The stored lock is removed (and its removal recorded); the configured lock of the year, if any, applies again.",
                [StatusCodes.Status404NotFound] = "No lock is stored for the year (type `no-period-lock`); a configured lock is not changed by this API.",
                [StatusCodes.Status403Forbidden] = "The token lacks `periods:lock`. Nothing was changed.",
            },
            ResponseExamples = Examples(new Dictionary<int, string>
            {
                [StatusCodes.Status404NotFound] = """{"type":"https://report-service/problems/no-period-lock","title":"No stored period lock","status":404,"detail":"No period lock is stored for 2022. The configuration's lock for 2022 (2023-06-30) is not changed by this API.","instance":"/v1/period-locks/2022","traceId":"0af7651916cd43dd8448eb211c80319c"}""",
            }),
        },
        ["ListPeriodLocks"] = new()
        {
            Responses = new Dictionary<int, string>
            {
                [StatusCodes.Status200OK] = "Every year with a lock in force, by year.",
                [StatusCodes.Status403Forbidden] = "The token lacks `periods:lock`.",
            },
            ResponseExamples = Examples(new Dictionary<int, string>
            {
                [StatusCodes.Status200OK] = """{"locks":[{"year":2022,"lockedAfter":"2023-06-30","source":"configuration","configured":"2023-06-30","setBy":null,"setClient":null,"setAt":null},""" +
                    PeriodLockExample + "]}",
            }),
        },
        ["ImportReports"] = new()
        {
            Localized = true,
            Examples = [new(ContractExamples.BatchExampleId, MediaType: "application/x-ndjson"), new("BatchAnswer", StatusCodes.Status200OK)],
            RequestBody = "NDJSON: one report JSON per line (UTF-8, `\\n` or `\\r\\n` line ends; blank lines are skipped), each as the body of a single submission. " +
                "`application/jsonl` is accepted as the same, and `application/json-seq` (RFC 7464: each record starts with RS, 0x1E). " +
                "At most 20,000 lines and 64 MiB; a line has at most 1 MiB.",
            Responses = new Dictionary<int, string>
            {
                [StatusCodes.Status200OK] = "Every non-blank line answered on its own, in order: accepted, rejected, duplicate or forbidden. 200 whatever the mix.",
                [StatusCodes.Status400BadRequest] = "The body holds no report (empty, or blank lines only). A line that is not a report is not a 400: " +
                    "it is answered `rejected` in the 200. Nothing was stored.",
                [StatusCodes.Status415UnsupportedMediaType] = "The body is not `application/x-ndjson`, `application/jsonl` or `application/json-seq`; `accepted` lists them.",
            },
        },
        ["ListReports"] = new()
        {
            Examples = [new("ListPage", StatusCodes.Status200OK)],
            Responses = new Dictionary<int, string>
            {
                [StatusCodes.Status400BadRequest] = "A query parameter is invalid (`parameter` names it): limit out of 1–500, a cursor that is not a nextCursor, " +
                    "a region that is not a region code, or an unknown level or scope.",
            },
        },
        ["GetReport"] = new()
        {
            Localized = true,
            ResponseHeaders = new Dictionary<int, IReadOnlyList<HeaderNote>> { [StatusCodes.Status200OK] = [RevisionETag] },
        },
        ["GetReportRevision"] = new() { Localized = true },
        ["QueryAggregates"] = Aggregates with
        {
            Examples = [new("AggregatesByYear", StatusCodes.Status200OK), new("AggregatesByYearCsv", StatusCodes.Status200OK, "text/csv")],
        },
        ["QueryOutcomes"] = Aggregates with { Examples = [new("Outcomes2019", StatusCodes.Status200OK)] },
        ["Ready"] = new()
        {
            Responses = new Dictionary<int, string>
            {
                [StatusCodes.Status200OK] = "Ready: the database is reachable and migrated.",
                [StatusCodes.Status503ServiceUnavailable] = "Not ready: `reason` says why (database not migrated, or unreachable). Not a problem document: probes read the status.",
            },
        },
    };
}
