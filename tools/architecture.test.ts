import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// The dependency rules of DESIGN.md, checked on the source: apps → libs only; libs never import apps;
// modality libs never import each other (the fusion model knows them only through the module contract).
const repoRoot = resolve(__dirname, '..');
const MODALITY_LIBS = new Set(['ehr-fhir', 'imaging', 'genomics', 'pathology']);

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === '.next' || name === 'generated' || name === 'dist') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (/\.(ts|tsx|mts)$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"](@oncoboard\/[a-z-]+|\.\.?\/[^'"]+)['"]/g)].map((m) => m[1]!);
}

function violations(): string[] {
  const found: string[] = [];
  for (const lib of readdirSync(join(repoRoot, 'libs'))) {
    const src = join(repoRoot, 'libs', lib, 'src');
    let files: string[] = [];
    try {
      files = sourceFiles(src);
    } catch {
      continue;
    }
    for (const file of files) {
      for (const spec of importsOf(file)) {
        const where = relative(repoRoot, file);
        if (spec.startsWith('.')) {
          const target = relative(repoRoot, resolve(file, '..', spec));
          if (!target.startsWith(join('libs', lib))) found.push(`${where}: relative import "${spec}" leaves libs/${lib}`);
          continue;
        }
        const target = spec.replace('@oncoboard/', '');
        if (['web', 'fusion-api', 'tools'].includes(target)) found.push(`${where}: a lib imports the app ${spec}`);
        if (MODALITY_LIBS.has(lib) && MODALITY_LIBS.has(target) && target !== lib) found.push(`${where}: modality lib ${lib} imports modality lib ${target}`);
      }
    }
  }
  return found;
}

describe('dependency rules', () => {
  it('has no lib importing an app and no modality lib importing another', () => {
    expect(violations()).toEqual([]);
  });
});
