// Loads the IBSI 1 digital phantom and its reference values from libs/imaging/fixtures/ibsi (Node only).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Volume } from '../volume';

export const IBSI_FIXTURE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'ibsi');

export interface IbsiReferenceRow {
  family: string;
  feature: string;
  tag: string;
  consensus: string;
  /** null for 'not standardized' rows without a reference value. */
  reference: number | null;
  /** The CSV's tolerance (0 where the CSV gives 0 or nothing). */
  tolerance: number;
  /** The reference value's text as published (3 significant digits). */
  referenceText: string;
}

/** Minimal CSV line split with double-quote support. */
export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let q = 0; q < line.length; q++) {
    const ch = line[q]!;
    if (quoted) {
      if (ch === '"' && line[q + 1] === '"') {
        cur += '"';
        q++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

export function loadIbsiReference(dir = IBSI_FIXTURE_DIR): IbsiReferenceRow[] {
  const text = readFileSync(join(dir, 'ibsi_1_reference_values_digital_phantom.csv'), 'utf8').replace(/^\uFEFF/, '');
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = splitCsvLine(lines[0]!);
  const col = (name: string) => {
    const c = header.indexOf(name);
    if (c < 0) throw new Error(`IBSI reference CSV: no column '${name}'`);
    return c;
  };
  const cF = col('family'), cN = col('feature'), cC = col('consensus'), cR = col('reference value'), cT = col('tolerance'), cG = col('tag');
  return lines.slice(1).map((l) => {
    const r = splitCsvLine(l);
    const ref = (r[cR] ?? '').trim();
    const tol = (r[cT] ?? '').trim();
    return {
      family: r[cF]!,
      feature: r[cN]!,
      tag: r[cG]!.trim(),
      consensus: r[cC]!,
      reference: ref === '' ? null : Number(ref),
      tolerance: tol === '' ? 0 : Number(tol),
      referenceText: ref,
    };
  });
}

/** The 5×4×4 digital phantom (2 mm isotropic voxels) as image and mask volumes. */
export function loadIbsiPhantom(dir = IBSI_FIXTURE_DIR): { image: Volume<Float64Array>; mask: Volume<Uint8Array> } {
  const lines = readFileSync(join(dir, 'phantom_voxels.csv'), 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = lines[0]!.split(',');
  const [cx, cy, cz, ci, cm] = ['x', 'y', 'z', 'intensity', 'mask'].map((h) => header.indexOf(h));
  const rows = lines.slice(1).map((l) => l.split(',').map(Number));
  const dims = [0, 0, 0] as [number, number, number];
  for (const r of rows) {
    dims[0] = Math.max(dims[0], r[cx!]! + 1);
    dims[1] = Math.max(dims[1], r[cy!]! + 1);
    dims[2] = Math.max(dims[2], r[cz!]! + 1);
  }
  const n = dims[0] * dims[1] * dims[2];
  if (rows.length !== n) throw new Error(`phantom_voxels.csv: ${rows.length} rows for a ${dims.join('x')} grid`);
  const iv = new Float64Array(n);
  const mv = new Uint8Array(n);
  for (const r of rows) {
    const idx = r[cx!]! + dims[0] * (r[cy!]! + dims[1] * r[cz!]!);
    iv[idx] = r[ci!]!;
    mv[idx] = r[cm!]!;
  }
  const geom = {
    dims,
    spacing: [2, 2, 2] as const,
    origin: [0, 0, 0] as const,
    direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] as const,
  };
  return {
    image: { ...geom, voxels: iv, source: 'IBSI digital phantom (fixtures/ibsi/phantom_voxels.csv)' },
    mask: { ...geom, voxels: mv, source: 'IBSI digital phantom mask (fixtures/ibsi/phantom_voxels.csv)' },
  };
}
