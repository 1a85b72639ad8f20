/** Test helpers: fixture paths and small temporary VCFs written from text (for malformed-input cases). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const VCF_FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../../fixtures/vcf');
export const fixture = (name: string): string => join(VCF_FIXTURES, name);

let dir: string | undefined;
/** Write `lines` (joined with "\n", columns already tab-separated) to a temp file named `name`; returns its path. */
export function writeTempVcf(name: string, lines: string[]): string {
  dir ??= mkdtempSync(join(tmpdir(), 'oncoboard-vcf-'));
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** A minimal valid header (GRCh38 by ##reference) with the given sample columns. */
export function minimalHeader(samples: string[] = ['TUMOR'], extra: string[] = []): string[] {
  return [
    '##fileformat=VCFv4.2',
    '##reference=GRCh38',
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">',
    '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">',
    ...extra,
    ['#CHROM', 'POS', 'ID', 'REF', 'ALT', 'QUAL', 'FILTER', 'INFO', ...(samples.length ? ['FORMAT', ...samples] : [])].join('\t'),
  ];
}

export const row = (...cols: string[]): string => cols.join('\t');
