#!/usr/bin/env node
// Scaffolds a new modality-module lib and registers it with the platform:
//   node tools/scaffold-module.mjs <name> --modality <modality> --vector-size <n> [--root <repo>]
// creates libs/<name> (package.json, tsconfig, vitest config, README, src/index.ts with a working ModalityModule,
// src/index.test.ts), inserts its import and entry at the marker comments of libs/modules/src/registered-modules.ts,
// adds its path to tsconfig.base.json, and links node_modules/@oncoboard/<name> as an npm workspace install would.
// Prints every file it created or changed. Refuses (changing nothing) when the lib exists or a marker is missing.
import { existsSync, lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const USAGE = 'usage: node tools/scaffold-module.mjs <name> --modality <modality> --vector-size <n> [--root <repo>]';
export const IMPORTS_MARKER = '// scaffold-module: imports';
export const MODULES_MARKER = '// scaffold-module: modules';

class ScaffoldError extends Error {}

/** "radiology-reports" → "radiologyReportsModule" */
export function exportNameOf(name) {
  return `${name.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase())}Module`;
}

function parse(argv) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { modality: { type: 'string' }, 'vector-size': { type: 'string' }, root: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) return { help: true };
  const [name, ...extra] = positionals;
  if (!name || extra.length) throw new ScaffoldError(`expected one module name, found ${positionals.length}`);
  if (!/^[a-z][a-z0-9-]{1,40}$/.test(name) || name.endsWith('-')) throw new ScaffoldError(`name "${name}": expected lowercase letters, digits and dashes, starting with a letter (e.g. "radiology-reports")`);
  if (!values.modality || !/^[a-z][a-z0-9-]*$/.test(values.modality)) throw new ScaffoldError(`--modality: expected a lowercase name (e.g. "imaging", "proteomics"), found ${JSON.stringify(values.modality ?? null)}`);
  const vectorSize = Number(values['vector-size']);
  if (!Number.isInteger(vectorSize) || vectorSize < 1 || vectorSize > 4096) throw new ScaffoldError(`--vector-size: expected an integer from 1 to 4096, found ${JSON.stringify(values['vector-size'] ?? null)}`);
  const defaultRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  return { name, modality: values.modality, vectorSize, root: resolve(values.root ?? defaultRoot) };
}

function libFiles({ name, modality, vectorSize }) {
  const exportName = exportNameOf(name);
  const factKind = `${name}-feature`;
  const files = {};
  files['package.json'] = `${JSON.stringify(
    {
      name: `@oncoboard/${name}`,
      version: '0.1.0',
      private: true,
      type: 'module',
      description: `The ${name} modality module (${modality}, ${vectorSize} values): scaffolded by tools/scaffold-module.mjs`,
      exports: { '.': './src/index.ts' },
      scripts: {
        build: 'tsc -p tsconfig.json --noEmit false --outDir dist --declaration',
        typecheck: 'tsc -p tsconfig.json --noEmit',
        test: `node ../../tools/run-vitest.mjs ${name}`,
      },
    },
    null,
    2,
  )}\n`;
  files['tsconfig.json'] = `{
  "extends": "../../tsconfig.base.json",
  "compilerOptions": { "noEmit": true, "rootDir": "../.." },
  "include": ["src/**/*.ts"]
}
`;
  files['vitest.config.ts'] = `import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { name: '${name}', include: ['src/**/*.test.ts'], testTimeout: 30_000 },
});
`;
  files['README.md'] = `# @oncoboard/${name}

The \`${name}\` modality module (modality \`${modality}\`, vector of ${vectorSize} values), scaffolded by
\`tools/scaffold-module.mjs\` and registered in \`libs/modules/src/registered-modules.ts\`.

As generated it reads the patient's facts of kind \`${factKind}\` whose code is \`feature-<i>\` (i from 0 to
${vectorSize - 1}) with a numeric value, latest per feature, into slot i of the vector (0 where absent). Replace
\`collect${exportName.slice(0, 1).toUpperCase()}${exportName.slice(1, -6)}Inputs\` and \`encode\` with your modality's real reading and encoding; keep
the contract (libs/fusion-model/src/modality-module.ts): \`undefined\` when the patient has none of your data, a
vector of exactly \`vectorSize\` finite values, the provenance of every input used, and an input hash that changes
exactly when the inputs do. Bump \`version\` whenever the encoding changes: models record the module version
they were trained on and refuse another. Test: \`node ../../tools/run-vitest.mjs ${name}\`.
`;
  const collectName = `collect${exportName.slice(0, 1).toUpperCase()}${exportName.slice(1, -6)}Inputs`;
  files['src/index.ts'] = `// The ${name} modality module (modality "${modality}"), scaffolded by tools/scaffold-module.mjs. As generated it
// reads facts of kind "${factKind}" (code "feature-<i>", numeric value) into a ${vectorSize}-value vector: replace
// the reading and encoding with your modality's own, keeping the ModalityModule contract.
import { createHash } from 'node:crypto';
import type { Fact, PatientKey, Provenance } from '@oncoboard/facts';
import type { ModalityModule } from '@oncoboard/fusion-model';

export const ${name.replace(/-/g, '_').toUpperCase()}_FACT_KIND = '${factKind}';
const VECTOR_SIZE = ${vectorSize};

export interface ${exportName.slice(0, 1).toUpperCase()}${exportName.slice(1, -6)}Inputs {
  /** Per feature index, the latest value and where it came from. */
  features: { index: number; value: number; effectiveStart?: string; provenance: Provenance[] }[];
}

function numericValue(fact: Fact): number | undefined {
  const v = fact.value;
  if (v?.type === 'quantity') return v.quantity.value;
  if (v?.type === 'integer') return v.value;
  if (v?.type === 'boolean') return v.value ? 1 : 0;
  return undefined;
}

export function ${collectName}(patientKey: PatientKey, facts: readonly Fact[]): ${exportName.slice(0, 1).toUpperCase()}${exportName.slice(1, -6)}Inputs | undefined {
  const latest = new Map<number, { index: number; value: number; effectiveStart?: string; provenance: Provenance[] }>();
  for (const fact of facts) {
    if (fact.patientKey !== patientKey || fact.kind !== ${name.replace(/-/g, '_').toUpperCase()}_FACT_KIND) continue;
    const index = Number(/^feature-(\\d+)$/.exec(fact.code?.code ?? '')?.[1] ?? NaN);
    const value = numericValue(fact);
    if (!Number.isInteger(index) || index < 0 || index >= VECTOR_SIZE || value === undefined || !Number.isFinite(value)) continue;
    const seen = latest.get(index);
    if (!seen || (fact.effectiveStart ?? '') >= (seen.effectiveStart ?? '')) latest.set(index, { index, value, effectiveStart: fact.effectiveStart, provenance: fact.provenance });
  }
  if (latest.size === 0) return undefined;
  return { features: [...latest.values()].sort((a, b) => a.index - b.index) };
}

export const ${exportName}: ModalityModule<${exportName.slice(0, 1).toUpperCase()}${exportName.slice(1, -6)}Inputs> = {
  id: '${name}',
  version: '0.1.0',
  modality: '${modality}',
  vectorSize: VECTOR_SIZE,
  description: 'Scaffolded ${modality} module: facts of kind ${factKind} (feature-<i>) into a ${vectorSize}-value vector',
  collectInputs: ${collectName},
  encode(inputs) {
    const vector = new Float32Array(VECTOR_SIZE);
    for (const f of inputs.features) vector[f.index] = f.value;
    const canonical = inputs.features.map((f) => \`\${f.index}=\${f.value}@\${f.effectiveStart ?? ''}\`).join('\\n');
    return {
      vector,
      usedEvidence: inputs.features.flatMap((f) => f.provenance),
      inputHash: createHash('sha256').update(\`${name}@0.1.0\\n\${canonical}\`).digest('hex'),
    };
  },
};
`;
  files['src/index.test.ts'] = `import { describe, expect, it } from 'vitest';
import type { Fact } from '@oncoboard/facts';
import { ModalityModuleRegistry } from '@oncoboard/fusion-model';
import { ${exportName}, ${name.replace(/-/g, '_').toUpperCase()}_FACT_KIND } from './index';

const feature = (patientKey: string, index: number, value: number, date = '2024-01-01'): Fact => ({
  kind: ${name.replace(/-/g, '_').toUpperCase()}_FACT_KIND,
  patientKey,
  code: { code: \`feature-\${index}\` },
  value: { type: 'quantity', quantity: { value } },
  effectiveStart: date,
  attributes: {},
  provenance: [{ sourceRecordKey: \`test/\${patientKey}/\${index}\`, elementPath: 'value' }],
});

describe('${name} module', () => {
  it('registers, and encodes a patient into ${vectorSize} values citing the facts used', async () => {
    const registry = new ModalityModuleRegistry();
    registry.register(${exportName});
    const facts = [feature('Patient/a', 0, 2.5), feature('Patient/a', 0, 1.5, '2023-01-01'), feature('Patient/b', 0, 9)];
    const encoding = (await registry.encodePatient('${name}', 'Patient/a', facts))!;
    expect(encoding.moduleId).toBe('${name}');
    expect(encoding.vector).toHaveLength(${vectorSize});
    expect(encoding.vector[0]).toBe(2.5);
    expect(encoding.usedEvidence).toEqual([{ sourceRecordKey: 'test/Patient/a/0', elementPath: 'value' }]);
  });

  it('is missing (undefined) for a patient without its facts, and hashes equal inputs equally', async () => {
    const registry = new ModalityModuleRegistry();
    registry.register(${exportName});
    expect(await registry.encodePatient('${name}', 'Patient/none', [feature('Patient/b', 0, 1)])).toBeUndefined();
    const a = await registry.encodePatient('${name}', 'Patient/a', [feature('Patient/a', 0, 1)]);
    const again = await registry.encodePatient('${name}', 'Patient/a', [feature('Patient/a', 0, 1)]);
    const changed = await registry.encodePatient('${name}', 'Patient/a', [feature('Patient/a', 0, 2)]);
    expect(again!.inputHash).toBe(a!.inputHash);
    expect(changed!.inputHash).not.toBe(a!.inputHash);
  });
});
`;
  return files;
}

/** Inserts `line` above the marker line, with the marker's indentation; throws naming the file when it is missing. */
function insertAboveMarker(text, marker, line, file) {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.trim().startsWith(marker));
  if (at < 0) throw new ScaffoldError(`${file}: the marker comment "${marker}" is missing (restore it: the scaffold inserts above it)`);
  const indent = /^\s*/.exec(lines[at])[0];
  lines.splice(at, 0, `${indent}${line}`);
  return lines.join('\n');
}

/** Adds `"@oncoboard/<name>": ["libs/<name>/src/index.ts"]` after the last @oncoboard path, keeping the file's layout. */
function addTsconfigPath(text, name, file) {
  const lines = text.split('\n');
  const last = lines.findLastIndex((l) => /^\s*"@oncoboard\/[^"]+":\s*\[/.test(l));
  if (last < 0) throw new ScaffoldError(`${file}: no "@oncoboard/..." entry under compilerOptions.paths to add "@oncoboard/${name}" after`);
  const indent = /^\s*/.exec(lines[last])[0];
  if (!lines[last].trimEnd().endsWith(',')) lines[last] = `${lines[last].trimEnd()},`;
  lines.splice(last + 1, 0, `${indent}"@oncoboard/${name}": ["libs/${name}/src/index.ts"]`);
  return lines.join('\n');
}

export function scaffoldModule({ name, modality, vectorSize, root }) {
  const libDir = join(root, 'libs', name);
  if (existsSync(libDir)) throw new ScaffoldError(`${libDir}: exists; choose another name (the scaffold never overwrites)`);
  const registeredPath = join(root, 'libs', 'modules', 'src', 'registered-modules.ts');
  const tsconfigPath = join(root, 'tsconfig.base.json');
  for (const p of [registeredPath, tsconfigPath]) if (!existsSync(p)) throw new ScaffoldError(`${p}: missing (is --root the repository root?)`);
  const exportName = exportNameOf(name);

  // Compute every change before writing any, so an error leaves the repository as it was.
  const registered = readFileSync(registeredPath, 'utf8');
  if (registered.includes(`'@oncoboard/${name}'`)) throw new ScaffoldError(`${registeredPath}: already imports @oncoboard/${name}`);
  const newRegistered = insertAboveMarker(
    insertAboveMarker(registered, IMPORTS_MARKER, `import { ${exportName} } from '@oncoboard/${name}';`, registeredPath),
    MODULES_MARKER,
    `${exportName},`,
    registeredPath,
  );
  const tsconfig = readFileSync(tsconfigPath, 'utf8');
  const hasPath = tsconfig.includes(`"@oncoboard/${name}"`);
  const newTsconfig = hasPath ? tsconfig : addTsconfigPath(tsconfig, name, tsconfigPath);
  JSON.parse(newTsconfig); // still valid JSON, or nothing is written

  const created = [];
  const changed = [];
  for (const [path, content] of Object.entries(libFiles({ name, modality, vectorSize }))) {
    const target = join(libDir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
    created.push(target);
  }
  writeFileSync(registeredPath, newRegistered);
  changed.push({ path: registeredPath, what: `import { ${exportName} } from '@oncoboard/${name}', and ${exportName} in REGISTERED_MODULES` });
  if (!hasPath) {
    writeFileSync(tsconfigPath, newTsconfig);
    changed.push({ path: tsconfigPath, what: `paths["@oncoboard/${name}"] = ["libs/${name}/src/index.ts"]` });
  }
  // What `npm install` would link for the new workspace (so imports resolve before the next install).
  const scope = join(root, 'node_modules', '@oncoboard');
  const link = join(scope, name);
  if (existsSync(scope) && lstatSync(scope).isDirectory() && !lstatSync(scope).isSymbolicLink() && !existsSync(link)) {
    symlinkSync(relative(scope, libDir), link);
    changed.push({ path: link, what: `symlink to ${relative(scope, libDir)} (the workspace link npm install makes; run npm install to record it in package-lock.json)` });
  }
  return { libDir, exportName, created, changed };
}

function main() {
  let options;
  try {
    options = parse(process.argv.slice(2));
    if (options.help) {
      console.log(USAGE);
      return 0;
    }
    const result = scaffoldModule(options);
    console.log(`created ${options.name} (${options.modality}, vector size ${options.vectorSize}) as ${result.exportName}:`);
    for (const f of result.created) console.log(`  created ${relative(options.root, f)}`);
    for (const c of result.changed) console.log(`  changed ${relative(options.root, c.path)}: ${c.what}`);
    console.log(`next: node tools/run-vitest.mjs ${options.name} (from libs/${options.name}); see libs/modules/README.md, "Add a modality"`);
    return 0;
  } catch (error) {
    if (error instanceof ScaffoldError || error?.code?.startsWith?.('ERR_PARSE_ARGS')) {
      console.error(`scaffold-module: ${error.message}\n${USAGE}`);
      return 1;
    }
    throw error;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = main();
