// Static checks of the Helm chart that need no helm binary. Run through helm/check.sh.
//
//   node helm/tools/check-chart.mjs [CHART_DIR]     (default: helm/report-service)
//
// Checks, each printed with its result:
//   1. Chart.yaml and values.yaml are well-formed YAML (one document, no duplicate keys, no warnings);
//      Chart.yaml has apiVersion v2, name = the chart directory's name, a SemVer version and an appVersion.
//   2. Every key of values.yaml outside lists has a comment (above it, or at the end of its line).
//   3. values.schema.json is a valid JSON Schema draft-07 (ajv, strict) and values.yaml is valid against it.
//   4. The schema describes every key of values.yaml (a property, or a typed additionalProperties).
//   5. Every .Values.x.y path in templates/*.yaml, templates/*.tpl and NOTES.txt exists in values.yaml, and
//      every value in values.yaml is used by a template (itself or an enclosing map).
//   6. Every include/template names a define; template actions and blocks (if/range/with/define) balance.
//   7. Each templates/*.yaml, with its template actions blanked out, still parses as YAML (its skeleton).
// What it cannot check: the rendered output (Go templates and sprig are not evaluated), Kubernetes API
// validity of the rendered manifests, and behaviour in a cluster. `helm lint` / `helm template` do the first.

import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMap, parseAllDocuments } from 'yaml';
import Ajv from 'ajv';

const here = dirname(fileURLToPath(import.meta.url));
const chartDir = resolve(process.argv[2] ?? join(here, '..', 'report-service'));
const problems = [];
let section = '';

function check(title, fn) {
  section = title;
  const before = problems.length;
  try {
    fn();
  } catch (error) {
    problems.push(`${title}: ${error.message}`);
  }
  const found = problems.length - before;
  console.log(`${found === 0 ? 'ok  ' : 'FAIL'}  ${title}${found === 0 ? '' : ` (${found} problem${found === 1 ? '' : 's'})`}`);
}

function problem(message) {
  problems.push(`${section}: ${message}`);
}

function read(relative) {
  const path = join(chartDir, relative);
  if (!existsSync(path)) {
    throw new Error(`${relative} is missing`);
  }
  return readFileSync(path, 'utf8');
}

function parseYamlFile(relative) {
  const docs = parseAllDocuments(read(relative), { prettyErrors: true, uniqueKeys: true });
  if (!Array.isArray(docs) || docs.length !== 1) {
    throw new Error(`${relative}: expected exactly one YAML document`);
  }
  const [doc] = docs;
  for (const e of [...doc.errors, ...doc.warnings]) {
    problem(`${relative}: ${e.message}`);
  }
  return doc;
}

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

// ---------------------------------------------------------------------------------------------------------
let chartDoc, valuesDoc, values, schema;

check('Chart.yaml: well-formed YAML with apiVersion v2, name, version and appVersion', () => {
  chartDoc = parseYamlFile('Chart.yaml');
  const chart = chartDoc.toJS();
  if (!isObject(chart)) {
    throw new Error('Chart.yaml is not a mapping');
  }
  if (chart.apiVersion !== 'v2') problem(`apiVersion is ${JSON.stringify(chart.apiVersion)}, not "v2"`);
  if (chart.name !== basename(chartDir)) problem(`name ${JSON.stringify(chart.name)} differs from the directory name ${basename(chartDir)}`);
  if (typeof chart.version !== 'string' || !/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.test(chart.version)) {
    problem(`version ${JSON.stringify(chart.version)} is not a SemVer string`);
  }
  if (typeof chart.appVersion !== 'string' || chart.appVersion === '') problem('appVersion must be a non-empty (quoted) string');
  if (chart.type !== undefined && chart.type !== 'application' && chart.type !== 'library') problem(`type ${JSON.stringify(chart.type)} is neither application nor library`);
});

check('values.yaml: well-formed YAML mapping', () => {
  valuesDoc = parseYamlFile('values.yaml');
  if (valuesDoc.errors.length > 0) {
    valuesDoc = undefined; // the checks below would only repeat the parse error
    return;
  }
  values = valuesDoc.toJS();
  if (!isObject(values)) {
    throw new Error('values.yaml is not a mapping');
  }
});

check('values.yaml: every key has a comment', () => {
  if (!valuesDoc) throw new Error('values.yaml did not parse');
  // Documented: the line right above the key is a comment, or the key's line ends with one.
  const text = read('values.yaml');
  const lines = text.split('\n');
  const lineOf = (offset) => text.slice(0, offset).split('\n').length - 1;
  const walk = (map, path) => {
    for (const pair of map.items) {
      const key = `${path}${path ? '.' : ''}${pair.key?.value}`;
      const line = lineOf(pair.key.range[0]);
      const documented = (line > 0 && lines[line - 1].trim().startsWith('#'))
        || Boolean(pair.value?.comment)
        || /:\s+#/.test(lines[line]);
      if (!documented) problem(`${key} has no comment`);
      if (isMap(pair.value)) walk(pair.value, key);
    }
  };
  if (isMap(valuesDoc.contents)) walk(valuesDoc.contents, '');
});

check('values.schema.json: valid JSON Schema draft-07, and values.yaml is valid against it', () => {
  schema = JSON.parse(read('values.schema.json'));
  if (schema.$schema !== 'http://json-schema.org/draft-07/schema#') {
    problem(`$schema is ${JSON.stringify(schema.$schema)}, not draft-07`);
  }
  const ajv = new Ajv({ strict: true, allErrors: true, allowUnionTypes: true });
  const validate = ajv.compile(schema);
  if (values === undefined) throw new Error('values.yaml did not parse: the schema compiled, nothing was validated');
  if (!validate(values)) {
    for (const e of validate.errors) {
      problem(`values${e.instancePath.replaceAll('/', '.')} ${e.message}${e.params?.additionalProperty ? `: ${e.params.additionalProperty}` : ''}`);
    }
  }
});

check('values.schema.json: describes every key of values.yaml', () => {
  if (!schema || !values) throw new Error('schema or values unavailable');
  const deref = (s) => {
    while (s && s.$ref) {
      if (!s.$ref.startsWith('#/')) throw new Error(`unsupported $ref ${s.$ref}`);
      s = s.$ref.slice(2).split('/').reduce((node, part) => node?.[part], schema);
    }
    return s;
  };
  const walk = (value, node, path) => {
    const s = deref(node);
    if (isObject(value)) {
      for (const [key, child] of Object.entries(value)) {
        const childPath = `${path}.${key}`;
        const childSchema = s?.properties?.[key] ?? (isObject(s?.additionalProperties) ? s.additionalProperties : undefined);
        if (childSchema === undefined) {
          problem(`${childPath.slice(1)} is not described by the schema`);
          continue;
        }
        walk(child, childSchema, childPath);
      }
    } else if (Array.isArray(value) && isObject(s?.items)) {
      value.forEach((item, i) => walk(item, s.items, `${path}[${i}]`));
    }
  };
  walk(values, schema, '');
});

// ---------------------------------------------------------------------------------------------------------
const templatesDir = join(chartDir, 'templates');
const templateFiles = existsSync(templatesDir)
  ? readdirSync(templatesDir).filter((f) => /\.(ya?ml|tpl)$/.test(f) || f === 'NOTES.txt').sort()
  : [];
const templates = Object.fromEntries(templateFiles.map((f) => [f, readFileSync(join(templatesDir, f), 'utf8')]));
const actions = (text) => [...text.matchAll(/\{\{-?([\s\S]*?)-?\}\}/g)].map((m) => m[1].trim());

check(`templates: ${templateFiles.length} files; .Values paths exist in values.yaml and every value is used`, () => {
  if (templateFiles.length === 0) throw new Error('no templates found');
  if (!values) throw new Error('values.yaml did not parse');
  const used = new Set();
  for (const [file, text] of Object.entries(templates)) {
    for (const m of text.matchAll(/\.Values((?:\.[A-Za-z0-9_]+)+)/g)) {
      const parts = m[1].slice(1).split('.');
      used.add(parts.join('.'));
      let node = values;
      for (const [i, part] of parts.entries()) {
        if (!isObject(node) || !Object.hasOwn(node, part)) {
          problem(`${file}: .Values.${parts.join('.')} is not defined in values.yaml (no ${parts.slice(0, i + 1).join('.')})`);
          break;
        }
        node = node[part];
      }
    }
  }
  // Every leaf (a scalar, a list, or an empty map) must be used, itself or through an enclosing map.
  const leaves = [];
  const collect = (value, path) => {
    if (isObject(value) && Object.keys(value).length > 0) {
      for (const [key, child] of Object.entries(value)) collect(child, [...path, key]);
    } else {
      leaves.push(path);
    }
  };
  collect(values, []);
  for (const leaf of leaves) {
    if (!leaf.some((_, i) => used.has(leaf.slice(0, i + 1).join('.')))) {
      problem(`${leaf.join('.')} is defined in values.yaml but no template uses it`);
    }
  }
  console.log(`      ${used.size} distinct .Values paths referenced; ${leaves.length} values in values.yaml`);
});

check('templates: includes name defines; actions and blocks balance', () => {
  const defined = new Set();
  for (const text of Object.values(templates)) {
    for (const m of text.matchAll(/\{\{-?\s*define\s+"([^"]+)"/g)) defined.add(m[1]);
  }
  for (const [file, text] of Object.entries(templates)) {
    for (const m of text.matchAll(/\b(?:include|template)\s+"([^"]+)"/g)) {
      if (!defined.has(m[1])) problem(`${file}: "${m[1]}" is included but never defined`);
    }
    const opens = (text.match(/\{\{/g) ?? []).length;
    const closes = (text.match(/\}\}/g) ?? []).length;
    if (opens !== closes) problem(`${file}: ${opens} "{{" but ${closes} "}}"`);
    let depth = 0;
    for (const action of actions(text)) {
      if (action.startsWith('/*')) continue;
      if (/^(if|range|with|define|block)\b/.test(action)) depth++;
      else if (/^end\b/.test(action)) depth--;
      if (depth < 0) {
        problem(`${file}: an {{ end }} without its block`);
        depth = 0;
      }
    }
    if (depth !== 0) problem(`${file}: ${depth} block(s) without {{ end }}`);
  }
});

check('templates: YAML skeletons (template actions blanked out) parse', () => {
  for (const [file, text] of Object.entries(templates)) {
    if (!/\.ya?ml$/.test(file)) continue;
    const marker = '\u0000';
    const skeleton = text
      .replace(/\{\{[\s\S]*?\}\}/g, marker)
      .split('\n')
      .filter((line) => line.replaceAll(marker, '').trim() !== '')
      .map((line) => line.replaceAll(marker, 'X'))
      .join('\n');
    for (const doc of parseAllDocuments(skeleton, { uniqueKeys: true })) {
      for (const e of doc.errors) problem(`${file}: ${e.message.split('\n')[0]}`);
    }
  }
});

// ---------------------------------------------------------------------------------------------------------
console.log('');
if (problems.length > 0) {
  for (const p of problems) console.log(`  - ${p}`);
  console.log(`\nchart check FAILED: ${problems.length} problem${problems.length === 1 ? '' : 's'} in ${chartDir}`);
  process.exit(1);
}
console.log(`chart check passed: ${chartDir}`);
