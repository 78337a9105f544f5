// A client generated from the committed OpenAPI document (openapi-typescript types + openapi-fetch) walks
// the life of a report against a running service: validate, submit, read, correct, aggregate, review (approve
// with If-Match, read back reviewStatus, the typed 409 of a correction of the approved report, the approved-only
// sums), and read the typed 422 of a report that breaks the rules; then submits a report of each format (clients/fixtures.mjs)
// and reads the township's sums past 2^31 as JSON, CSV and outcome rows. Any unexpected answer exits non-zero.
//
//   BASE_URL=http://127.0.0.1:8080 FIXTURES_DIR=… TOWNSHIP=… node dist/smoke.js      (run.sh generates, type-checks and builds first)
//
// DIRECT_URL, when set, is the service itself for the anonymous requests: scripts/contract-check sends the rest
// through a validating proxy (Prism), which answers a request without the document's security itself.

import { randomInt, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import createClient from "openapi-fetch";
import { CSV_RECEIVED_NATURAL_PERSON, EXPECTED_SUM, INT32_MAX, csvSums, fixture } from "./common.js";
import type { components, paths } from "./generated/report-service.js";

type Schemas = components["schemas"];
type Report = Schemas["Report"];
type Report2019 = Schemas["Report2019"];
type Report2021 = Schemas["Report2021"];
type RuleViolation = Schemas["RuleViolation"];
type ProblemDetails = Schemas["ProblemDetails"];
type RuleViolationsProblem = Schemas["RuleViolationsProblem"];
type DuplicateReportProblem = Schemas["DuplicateReportProblem"];
type ReviewLockProblem = Schemas["ReviewLockProblem"];

const baseUrl = process.env["BASE_URL"];
if (!baseUrl) {
  console.error("smoke: set BASE_URL to the running service, e.g. BASE_URL=http://127.0.0.1:8080");
  process.exit(2);
}

// The seeds of the repository (a test client may read them from the work tree).
const seedsDir =
  process.env["SEEDS_DIR"] ??
  resolve(dirname(fileURLToPath(import.meta.url)), "../../../tests/ReportService.TestSupport/Seeds");

// A bearer token with reports:write and reports:read for the smoke's region (scripts/contract-check mints it).
const token = process.env["TOKEN"];
if (!token) {
  console.error("smoke: set TOKEN to a bearer token with scopes reports:write reports:read (scripts/mint-token)");
  process.exit(2);
}

// A reviewer's token (reports:review for the smoke's region): a supervising office, not the writer.
const reviewToken = process.env["REVIEW_TOKEN"];
if (!reviewToken) {
  console.error("smoke: set REVIEW_TOKEN to a bearer token with scope reports:review (scripts/mint-token --scope reports:review --region '*')");
  process.exit(2);
}

const client = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${token}` } });
const reviewer = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${reviewToken}` } });
const anonymous = createClient<paths>({ baseUrl: process.env["DIRECT_URL"] ?? baseUrl });

let steps = 0;

function check(condition: boolean, what: string): asserts condition {
  if (!condition) {
    throw new Error(`check failed: ${what}`);
  }
}

function ok(what: string): void {
  steps++;
  console.log(`ok   ${what}`);
}

function seed(name: string): Report {
  return JSON.parse(readFileSync(resolve(seedsDir, `${name}.json`), "utf8")) as Report;
}

// `Report` is the base schema that holds the discriminator; each format's schema extends it (allOf), so the
// generated types narrow by a cast once `format` is checked.
function as2021(report: Report): Report2021 {
  check(report.format === "2021", `format 2021 expected, got ${report.format}`);
  return report as Report2021;
}

function as2019(report: Report): Report2019 {
  check(report.format === "2019", `format 2019 expected, got ${report.format}`);
  return report as Report2019;
}

// GB 32100-2015 unified social credit code: "11" (government body) + 6-digit county + 8-character
// organisation code body + its GB 11714 check character + the GB 32100 check character.
const CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORGANIZATION_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

function organizationCheck(body: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    sum += Number(body[i]) * (ORGANIZATION_WEIGHTS[i] ?? 0);
  }
  const check = 11 - (sum % 11);
  return check === 10 ? "X" : check === 11 ? "0" : String(check);
}

function creditCheck(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    sum += CREDIT_ALPHABET.indexOf(first17.charAt(i)) * (CREDIT_WEIGHTS[i] ?? 0);
  }
  return CREDIT_ALPHABET.charAt((31 - (sum % 31)) % 31);
}

/** A fresh, valid credit code of a government body registered in the county: a new report identity per run. */
function freshCreditCode(county: string): string {
  for (;;) {
    const body = String(randomInt(0, 100_000_000)).padStart(8, "0");
    const organization = organizationCheck(body);
    if (organization === "X") {
      continue; // valid, but keep the codes plain digits before the last character
    }
    const first17 = `11${county}${body}${organization}`;
    return first17 + creditCheck(first17);
  }
}

function isRuleViolationsProblem(problem: ProblemDetails | RuleViolationsProblem | DuplicateReportProblem): problem is RuleViolationsProblem & {
  violations: RuleViolation[];
} {
  return Array.isArray((problem as RuleViolationsProblem).violations);
}

async function township(region: string, code: string): Promise<number> {
  const { data, error, response } = await client.GET("/v1/aggregates", {
    params: { query: { region, groupBy: ["township"] } },
  });
  check(response.status === 200 && data !== undefined, `GET /v1/aggregates: 200 expected, got ${response.status} ${JSON.stringify(error)}`);
  check(typeof data !== "string", "GET /v1/aggregates: JSON expected (text/csv only when asked for)");
  return data.groups.find((g) => g.key.township === code)?.reportCount ?? 0;
}

async function approvedIn(region: string): Promise<number> {
  const { data, error, response } = await client.GET("/v1/aggregates", { params: { query: { region, reviewStatus: "approved" } } });
  check(response.status === 200 && data !== undefined && typeof data !== "string", `GET /v1/aggregates?reviewStatus=approved: 200 JSON expected, got ${response.status} ${JSON.stringify(error)}`);
  return data.groups[0]?.reportCount ?? 0;
}

async function main(): Promise<void> {
  const original = as2021(seed("002"));
  const county = original.agency.regionCode.slice(0, 6);
  const report: Report2021 = { ...original, agency: { ...original.agency, creditCode: freshCreditCode(county) } };
  console.log(`smoke: ${baseUrl}, seed 002 as credit code ${report.agency.creditCode}`);

  // 0. Without a token, writing is 401 problem+json; reading aggregates (public data) needs none.
  {
    const { error, response } = await anonymous.POST("/v1/reports", { body: report });
    check(response.status === 401, `anonymous submit: 401 expected, got ${response.status}`);
    check(response.headers.get("Content-Type")?.startsWith("application/problem+json") === true, "anonymous submit: problem+json expected");
    const problem: ProblemDetails | undefined = error;
    check(problem?.status === 401 && typeof problem.detail === "string", `anonymous submit: a problem with a detail expected: ${JSON.stringify(error)}`);
    const { response: aggregates } = await anonymous.GET("/v1/aggregates", { params: { query: { region: county } } });
    check(aggregates.status === 200, `anonymous aggregates: 200 expected, got ${aggregates.status}`);
    ok("anonymous: submit 401 (problem), aggregates 200");
  }

  // 1. Validate: the real report passes every rule.
  {
    const { data, error, response } = await client.POST("/v1/reports/validate", { body: report });
    check(response.status === 200 && data !== undefined, `validate: 200 expected, got ${response.status} ${JSON.stringify(error)}`);
    check(data.valid, `validate: valid expected, violations ${JSON.stringify(data.violations)}`);
    ok(`validate seed 002: valid, ${data.violations.length} warning(s)`);
  }

  const before = await township(county, report.agency.regionCode);

  // 2. Submit it (201 + Location + ETag).
  const idempotencyKey = randomUUID();
  const { data: accepted, error: submitError, response: submitted } = await client.POST("/v1/reports", {
    body: report,
    params: { header: { "Idempotency-Key": idempotencyKey } },
  });
  check(submitted.status === 201 && accepted !== undefined, `submit: 201 expected, got ${submitted.status} ${JSON.stringify(submitError)}`);
  check(accepted.revision === 1 && accepted.status === "accepted", `submit: revision 1, accepted: ${JSON.stringify(accepted)}`);
  const location = submitted.headers.get("Location");
  check(location === `/v1/reports/${accepted.id}`, `submit: Location /v1/reports/${accepted.id} expected, got ${location}`);
  check(submitted.headers.get("ETag") === '"1"', `submit: ETag "1" expected, got ${submitted.headers.get("ETag")}`);
  const id = accepted.id;
  ok(`submit: 201, id ${id}`);

  // A retry with the same Idempotency-Key answers the first response; without it, the second report is a 409.
  {
    const { data, response } = await client.POST("/v1/reports", {
      body: report,
      params: { header: { "Idempotency-Key": idempotencyKey } },
    });
    check(response.status === 201 && data?.id === id, `idempotent retry: 201 with the same id expected, got ${response.status}`);
    const duplicate = await client.POST("/v1/reports", { body: report });
    check(duplicate.response.status === 409 && duplicate.error !== undefined, `duplicate: 409 expected, got ${duplicate.response.status}`);
    const problem = duplicate.error as DuplicateReportProblem;
    check(problem.existingId === id && problem.existing === location, `duplicate: names the existing report: ${JSON.stringify(problem)}`);
    check(typeof problem.traceId === "string" && problem.traceId.length > 0, "duplicate: the problem has a traceId");
    ok("idempotent retry: 201, same id; second report: 409 naming the first");
  }

  // 3. Read it back.
  const { data: stored, error: getError, response: got } = await client.GET("/v1/reports/{id}", { params: { path: { id } } });
  check(got.status === 200 && stored !== undefined, `get: 200 expected, got ${got.status} ${JSON.stringify(getError)}`);
  const etag = got.headers.get("ETag");
  check(etag === '"1"', `get: ETag "1" expected, got ${etag}`);
  const readBack = as2021(stored.report);
  check(stored.id === id && stored.revision === 1 && stored.currentRevision === 1, `get: revision 1 of ${id}`);
  check(readBack.year === report.year, "get: year");
  check(readBack.agency.creditCode === report.agency.creditCode, "get: agency.creditCode");
  check(readBack.agency.name === report.agency.name && readBack.agency.level === "township", "get: agency name and level");
  check(readBack.requests?.received?.total === report.requests?.received?.total, "get: requests.received.total");
  ok(`get: revision 1, ${readBack.agency.name} ${readBack.year}`);

  // 4. Correct it: PUT with If-Match from the ETag makes revision 2.
  const correction: Report2021 = {
    ...readBack,
    text: { ...readBack.text, otherMatters: `${readBack.text.otherMatters}（本报告经更正。）` },
  };
  {
    const { data, error, response } = await client.PUT("/v1/reports/{id}", {
      body: correction,
      params: { path: { id }, header: { "If-Match": etag } },
    });
    check(response.status === 200 && data !== undefined, `correct: 200 expected, got ${response.status} ${JSON.stringify(error)}`);
    check(data.revision === 2 && response.headers.get("ETag") === '"2"', `correct: revision 2 expected: ${JSON.stringify(data)}`);
    const stale = await client.PUT("/v1/reports/{id}", { body: correction, params: { path: { id }, header: { "If-Match": etag } } });
    check(stale.response.status === 412, `correct with a stale ETag: 412 expected, got ${stale.response.status}`);
    const current = await client.GET("/v1/reports/{id}", { params: { path: { id } } });
    check(current.data !== undefined && current.data.revision === 2, "get after correction: revision 2");
    check(as2021(current.data.report).text.otherMatters === correction.text.otherMatters, "get after correction: the corrected text");
    const history = await client.GET("/v1/reports/{id}/revisions", { params: { path: { id } } });
    check(history.data?.revisions.map((r) => r.revision).join(",") === "1,2", "revisions: 1 and 2");
    ok("correct: 200, revision 2 (a stale If-Match is 412)");
  }

  // 5. Aggregates count it (in its township of the county).
  {
    const after = await township(county, report.agency.regionCode);
    check(after === before + 1, `aggregates: township ${report.agency.regionCode} had ${before} report(s), now ${after}`);
    ok(`aggregates: township ${report.agency.regionCode} counts ${after} report(s) (was ${before})`);
  }

  // 5b. A supervising office reviews it: approved with If-Match on revision 2, read back as approved; a correction of
  // the approved report is a typed 409 naming the approval; the approved-only sums count it.
  {
    const approvedBefore = await approvedIn(report.agency.regionCode);
    const { data, error, response } = await reviewer.POST("/v1/reports/{id}/reviews", {
      body: { decision: "approved", comment: "核对无误（契约检查）。" },
      params: { path: { id }, header: { "If-Match": '"2"' } },
    });
    check(response.status === 200 && data !== undefined, `review: 200 expected, got ${response.status} ${JSON.stringify(error)}`);
    check(data.decision === "approved" && data.revision === 2 && data.reportId === id, `review: approved revision 2 expected: ${JSON.stringify(data)}`);
    check(response.headers.get("ETag") === '"2"', `review: ETag "2" expected, got ${response.headers.get("ETag")}`);
    const current = await client.GET("/v1/reports/{id}", { params: { path: { id } } });
    check(current.data?.reviewStatus === "approved", `get after review: reviewStatus approved expected, got ${current.data?.reviewStatus}`);
    const history = await client.GET("/v1/reports/{id}/revisions", { params: { path: { id } } });
    check(history.data?.reviews.some((r) => r.decision === "approved" && r.revision === 2) === true, "revisions: the approval is in the history");
    const locked = await client.PUT("/v1/reports/{id}", { body: correction, params: { path: { id }, header: { "If-Match": '"2"' } } });
    check(locked.response.status === 409 && locked.error !== undefined, `correct an approved report: 409 expected, got ${locked.response.status}`);
    const problem = locked.error as ReviewLockProblem;
    check(problem.type === "https://report-service/problems/report-approved" && problem.review?.revision === 2, `409: names the approval: ${JSON.stringify(problem)}`);
    const approvedAfter = await approvedIn(report.agency.regionCode);
    check(approvedAfter === approvedBefore + 1, `aggregates reviewStatus=approved: ${approvedBefore} + 1 expected, got ${approvedAfter}`);
    ok("review: approved (If-Match \"2\"), reviewStatus approved, correction 409 report-approved, approved-only sums count it");
  }

  // 6. A report that breaks the rules: a typed 422 with violations.
  {
    const rejected = seed("004");
    const { data, error, response } = await client.POST("/v1/reports", { body: rejected });
    check(response.status === 422 && data === undefined && error !== undefined, `seed 004: 422 expected, got ${response.status}`);
    check(response.headers.get("Content-Type")?.startsWith("application/problem+json") === true, "422 is application/problem+json");
    check(isRuleViolationsProblem(error), `422: violations expected: ${JSON.stringify(error)}`);
    const balance = error.violations.filter((v) => v.rule === "T3.BALANCE");
    check(balance.length > 0 && balance.every((v) => v.severity === "error"), "422: T3.BALANCE of severity error");
    check(
      balance.some((v) => v.cells.some((c) => c.pointer === "/requests/received/naturalPerson")),
      "422: T3.BALANCE names /requests/received/naturalPerson",
    );
    check(error.status === 422 && typeof error.traceId === "string", "422: status and traceId");
    ok(`seed 004: 422 with ${error.violations.length} violations, ${balance.length} of T3.BALANCE`);
  }

  // 7. A report of each format, read back in its own shape.
  const fixtureTownship = process.env["TOWNSHIP"];
  check(fixtureTownship !== undefined && process.env["FIXTURES_DIR"] !== undefined, "set FIXTURES_DIR and TOWNSHIP (clients/fixtures.mjs)");
  const ids = new Map<string, string>();
  for (const fixtureReport of [fixture("report-2021") as Report2021, fixture("report-2019") as Report2019] satisfies Report[]) {
    const { data, error, response } = await client.POST("/v1/reports", { body: fixtureReport });
    check(response.status === 201 && data !== undefined, `submit format ${fixtureReport.format}: 201 expected, got ${response.status} ${JSON.stringify(error)}`);
    ids.set(fixtureReport.format, data.id);
  }
  {
    const got2021 = await client.GET("/v1/reports/{id}", { params: { path: { id: ids.get("2021") ?? "" } } });
    const stored2021 = as2021(got2021.data?.report ?? seed("002"));
    check(got2021.data?.id === ids.get("2021"), "get 2021: the fixture");
    check(stored2021.requests?.received?.naturalPerson === INT32_MAX, "get 2021: received.naturalPerson is int32 max");
    check(stored2021.requests?.outcomes?.otherDisposal?.feeUnpaid?.total === 0, "get 2021: otherDisposal has the 2021 rows");
    const got2019 = await client.GET("/v1/reports/{id}", { params: { path: { id: ids.get("2019") ?? "" } } });
    check(got2019.data !== undefined, `get 2019: 200 expected, got ${got2019.response.status}`);
    const stored2019 = as2019(got2019.data.report);
    check(stored2019.requests?.outcomes?.otherDisposal?.total === 0, "get 2019: otherDisposal is one applicant row");
    check(stored2019.activeDisclosure?.procurement?.amountYuan === 12345.5, "get 2019: table 2 in the 2019 shape");
    ok("submit and read back a report of each format (2019, 2021)");
  }

  // 8. Their sums: past 2^31 and exact, as JSON, CSV and outcome rows.
  {
    const { data, response } = await client.GET("/v1/aggregates", { params: { query: { region: fixtureTownship } } });
    check(response.status === 200 && data !== undefined && typeof data !== "string", `aggregates: 200 JSON expected, got ${response.status}`);
    const [group, ...others] = data.groups;
    check(group !== undefined && others.length === 0, "aggregates: one group");
    check(group.reportCount === 2 && group.formats["2019"] === 1 && group.formats["2021"] === 1, "aggregates: one report of each format");
    const sum: number = group.requests.received.naturalPerson;
    check(sum === EXPECTED_SUM && sum > 2 ** 31, `aggregates: received.naturalPerson ${EXPECTED_SUM} expected, got ${sum}`);

    const csv = await client.GET("/v1/aggregates", { params: { query: { region: fixtureTownship } }, headers: { Accept: "text/csv" }, parseAs: "text" });
    check(csv.response.status === 200 && typeof csv.data === "string", `aggregates CSV: 200 text expected, got ${csv.response.status}`);
    check(csv.response.headers.get("Content-Type")?.startsWith("text/csv") === true, "aggregates CSV: text/csv");
    const sums = csvSums(csv.data);
    check(sums.rows === 1 && sums.reportCount === "2", "aggregates CSV: one row of 2 reports");
    check(sums.receivedNaturalPerson === String(EXPECTED_SUM), `aggregates CSV: ${CSV_RECEIVED_NATURAL_PERSON} ${EXPECTED_SUM}, got ${sums.receivedNaturalPerson}`);

    const outcomes = await client.GET("/v1/aggregates/outcomes", { params: { query: { region: fixtureTownship, applicant: "naturalPerson" } } });
    check(outcomes.data !== undefined && typeof outcomes.data !== "string", `outcomes: 200 JSON expected, got ${outcomes.response.status}`);
    const disclosed = outcomes.data.rows.find((r) => r.category === "disclosed");
    check(disclosed?.value === EXPECTED_SUM && disclosed.share === 1, `outcomes: disclosed ${EXPECTED_SUM}, share 1: ${JSON.stringify(disclosed)}`);
    ok(`aggregates: ${sum} (> 2^31) as JSON, CSV and outcome rows`);
  }

  // 9. The reads around them, so that the proxy checks their answers too: the list (paged by one, to see a
  // cursor), a revision, the outcome rows as CSV, the rule catalogue and the division reference.
  {
    const first = await client.GET("/v1/reports", { params: { query: { region: fixtureTownship, limit: 1 } } });
    check(first.data !== undefined && first.data.items.length === 1, `list: one item expected, got ${first.response.status}`);
    const cursor = first.data.nextCursor;
    check(typeof cursor === "string", "list: a cursor to the second report");
    const second = await client.GET("/v1/reports", { params: { query: { region: fixtureTownship, limit: 1, cursor } } });
    check(second.data !== undefined && second.data.items.length === 1, `list, page 2: one item expected, got ${second.response.status}`);
    const listed = new Set([...first.data.items, ...second.data.items].map((item) => item.id));
    check(listed.has(ids.get("2019") ?? "") && listed.has(ids.get("2021") ?? ""), "list: both fixture reports");
    const revision = await client.GET("/v1/reports/{id}/revisions/{revision}", { params: { path: { id: ids.get("2019") ?? "", revision: 1 } } });
    check(revision.data?.revision === 1, `revision 1: 200 expected, got ${revision.response.status}`);
    const csv = await client.GET("/v1/aggregates/outcomes", {
      params: { query: { region: fixtureTownship, applicant: "naturalPerson" } },
      headers: { Accept: "text/csv" },
      parseAs: "text",
    });
    check(typeof csv.data === "string" && csv.data.includes(String(EXPECTED_SUM)), `outcomes CSV: ${EXPECTED_SUM} expected, got ${csv.response.status}`);
    const rules = await client.GET("/v1/rules");
    check((rules.data?.rules.length ?? 0) > 0 && rules.data?.rules.some((r) => r.id === "T3.BALANCE") === true, "rules: T3.BALANCE listed");
    const province = await client.GET("/v1/regions/{code}", { params: { path: { code: "14" } } });
    check(province.data?.name === "山西省", `region 14: 山西省 expected, got ${province.response.status}`);
    const township = await client.GET("/v1/regions/{code}", { params: { path: { code: fixtureTownship } } });
    check(township.data?.code === fixtureTownship, `region ${fixtureTownship}: 200 expected, got ${township.response.status}`);
    const children = await client.GET("/v1/regions", { params: { query: { parent: fixtureTownship.slice(0, 6) } } });
    check(children.response.status === 200, `regions under ${fixtureTownship.slice(0, 6)}: 200 expected, got ${children.response.status}`);
    ok("list (two pages), revision, outcomes CSV, rules, regions");
  }

  console.log(`smoke: all ${steps} steps passed`);
}

main().catch((error: unknown) => {
  console.error(`smoke: FAILED after ${steps} step(s): ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
