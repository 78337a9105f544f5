// What the three TypeScript smokes share: the environment, the fixtures (clients/fixtures.mjs), the checks
// and the figures every client must read back exactly. Nothing here knows a generated type: each smoke
// reads the fixtures into its own generator's types.

import { readFileSync } from "node:fs";
import { resolve } from "node:path";

/** int32 max: what each fixture report counts in received, disclosed and total (natural persons). */
export const INT32_MAX = 2147483647;

/** Two fixture reports in one township: 2 × (2^31 − 1), past int32 and exact in a double (below 2^53). */
export const EXPECTED_SUM = 2 * INT32_MAX;

/** The CSV column of 一、本年新收政府信息公开申请数量, natural persons (the service's Chinese header). */
export const CSV_RECEIVED_NATURAL_PERSON = "表三·一、本年新收政府信息公开申请数量·自然人";

export function env(name: string): string {
  const value = process.env[name];
  if (!value) {
    console.error(`smoke: set ${name} (scripts/contract-check sets BASE_URL, TOKEN, FIXTURES_DIR and TOWNSHIP)`);
    process.exit(2);
  }
  return value;
}

export function check(condition: boolean, what: string): asserts condition {
  if (!condition) {
    throw new Error(`check failed: ${what}`);
  }
}

export class Steps {
  private count = 0;

  constructor(private readonly client: string) {}

  ok(what: string): void {
    this.count++;
    console.log(`ok   ${this.client}: ${what}`);
  }

  async run(main: () => Promise<void>): Promise<void> {
    try {
      await main();
      console.log(`smoke: ${this.client}: all ${this.count} steps passed`);
    } catch (error: unknown) {
      console.error(`smoke: ${this.client}: FAILED after ${this.count} step(s): ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    }
  }
}

/** A fixture as JSON; the caller says which generated type it is (the file is the wire format). */
export function fixture(name: "report-2021" | "report-2019" | "rejected"): unknown {
  return JSON.parse(readFileSync(resolve(env("FIXTURES_DIR"), `${name}.json`), "utf8"));
}

/** RFC 4180: fields separated by commas, quoted when they hold commas, quotes or line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (quoted) {
      if (c === '"' && text.charAt(i + 1) === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text.charAt(i + 1) === "\n") {
        i++;
      }
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else {
      field += c;
    }
  }
  if (field.length > 0 || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** The aggregate CSV of one group: its report count and the received natural-person sum, as printed. */
export function csvSums(text: string): { reportCount: string | undefined; receivedNaturalPerson: string | undefined; rows: number } {
  const [header, ...rows] = parseCsv(text);
  check(header !== undefined, "CSV: a header row");
  const first = rows[0] ?? [];
  return {
    reportCount: first[header.indexOf("报告数")],
    receivedNaturalPerson: first[header.indexOf(CSV_RECEIVED_NATURAL_PERSON)],
    rows: rows.length,
  };
}

/** A report id no report has (a version 4 UUID): reading it is a 404 problem. */
export const UNKNOWN_ID = "00000000-0000-4000-8000-000000000000";
