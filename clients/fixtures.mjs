// Writes the reports one client smoke submits, as plain JSON files that each client reads into its own
// generated types (the files are the wire format; how a client models them is what the smoke tests):
//
//   node clients/fixtures.mjs <out-dir> <township code> <township name>
//
//   report-2021.json  a valid format-2021 report (year 2023) of the township's government
//   report-2019.json  a valid format-2019 report (year 2020) of the same township, another credit code
//   rejected.json     report-2021.json with （七）总计 left at 0: T3.BALANCE and T3.OUTCOME_TOTAL fail (422)
//
// Both valid reports count 2147483647 (int32 max) requests from natural persons, all disclosed, so the
// township's aggregate sums 4294967294 requests: more than 2^31, and exact only as a 64-bit integer. Each
// smoke gets its own township, so its sums are its own whatever the other smokes submit. The credit codes
// are fresh on every run (valid GB 32100 check characters, registered in the township's county).

import { randomInt } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [outDir, township, townshipName] = process.argv.slice(2);
if (!outDir || !/^\d{9}$/.test(township ?? "") || !townshipName) {
  console.error("usage: node clients/fixtures.mjs <out-dir> <9-digit township code> <township name>");
  process.exit(2);
}

const INT32_MAX = 2147483647;

const CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORGANIZATION_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

function creditCode(county) {
  for (;;) {
    const body = String(randomInt(0, 100_000_000)).padStart(8, "0");
    let sum = 0;
    for (let i = 0; i < 8; i++) sum += Number(body[i]) * ORGANIZATION_WEIGHTS[i];
    const organization = 11 - (sum % 11);
    if (organization === 10) continue; // "X": valid, but keep the body plain digits
    const first17 = `11${county}${body}${organization === 11 ? 0 : organization}`;
    let total = 0;
    for (let i = 0; i < 17; i++) total += CREDIT_ALPHABET.indexOf(first17[i]) * CREDIT_WEIGHTS[i];
    return first17 + CREDIT_ALPHABET[(31 - (total % 31)) % 31];
  }
}

const applicants = ["naturalPerson", "commercialEnterprise", "researchInstitution", "publicInterestOrganization", "legalServiceProvider", "otherOrganization", "total"];
const zeros = () => Object.fromEntries(applicants.map((a) => [a, 0]));
const naturalPersons = (n) => ({ ...zeros(), naturalPerson: n, total: n });
const group = (...keys) => Object.fromEntries(keys.map((k) => [k, zeros()]));
const appeal = () => ({ upheld: 0, corrected: 0, other: 0, pending: 0, total: 0 });

function report(format, year, code) {
  const items2019 = () => ({ itemsLastYear: 0, itemsChange: 0, decisions: 0 });
  return {
    format,
    year,
    agency: { name: `${townshipName}人民政府`, creditCode: code, regionCode: township, level: "township", kind: "government", scope: "agency" },
    publishedOn: `${year + 1}-01-15`,
    text: {
      overview: `${year}年，${townshipName}依法推进政府信息公开工作（契约检查用报告）。`,
      problemsAndImprovements: "继续完善。",
      otherMatters: "本年度未收取信息处理费。",
    },
    activeDisclosure:
      format === "2019"
        ? {
            regulations: { created: 0, published: 0, totalPublished: 0 },
            normativeDocuments: { created: 1, published: 1, totalPublished: 3 },
            licensing: items2019(),
            otherServices: items2019(),
            penalties: items2019(),
            coercion: items2019(),
            fees: { itemsLastYear: 0, itemsChange: 0 },
            procurement: { projects: 2, amountYuan: 12345.5 },
          }
        : {
            regulations: { issued: 0, repealed: 0, inForce: 0 },
            normativeDocuments: { issued: 1, repealed: 0, inForce: 3 },
            licensing: { decisions: 0 },
            penalties: { decisions: 0 },
            coercion: { decisions: 0 },
            fees: { amount: 0 },
          },
    requests: {
      received: naturalPersons(INT32_MAX),
      carriedOver: zeros(),
      outcomes: {
        disclosed: naturalPersons(INT32_MAX),
        partiallyDisclosed: zeros(),
        withheld: group("stateSecret", "prohibitedByLaw", "securityOrStability", "thirdPartyRights", "internalAffairs", "processInformation", "enforcementCaseFile", "administrativeQuery"),
        unableToProvide: group("notHeld", "needsCreation", "unclearAfterCorrection"),
        notProcessed: group("complaintOrPetition", "repeated", "publication", "excessive", "confirmOrReissue"),
        otherDisposal: format === "2019" ? zeros() : group("correctionOverdue", "feeUnpaid", "other"),
        total: naturalPersons(INT32_MAX),
      },
      carriedForward: zeros(),
    },
    appeals: { reconsideration: appeal(), litigationDirect: appeal(), litigationAfterReconsideration: appeal() },
  };
}

const county = township.slice(0, 6);
const report2021 = report("2021", 2023, creditCode(county));
const report2019 = report("2019", 2020, creditCode(county));
const rejected = structuredClone(report2021);
rejected.agency.creditCode = creditCode(county);
rejected.requests.outcomes.total = zeros();

mkdirSync(outDir, { recursive: true });
const write = (name, value) => writeFileSync(join(outDir, name), `${JSON.stringify(value, null, 2)}\n`);
write("report-2021.json", report2021);
write("report-2019.json", report2019);
write("rejected.json", rejected);
