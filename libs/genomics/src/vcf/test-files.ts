/** Test helpers: fixture paths and small temporary VCFs written from text (for malformed-input cases). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateRawSync } from 'node:zlib';

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

/**
 * BGZF with `blockSize`-byte uncompressed blocks (SAM spec §4.1), plus the empty EOF block. `level` 0 stores the
 * data uncompressed (a large file on disk from little text).
 */
export function bgzf(data: Buffer, blockSize: number, level = 6): Buffer {
  const blocks: Buffer[] = [];
  for (let off = 0; off <= data.length; off += blockSize) {
    const chunk = data.subarray(off, Math.min(off + blockSize, data.length));
    const cdata = deflateRawSync(chunk, { level });
    const head = Buffer.from([0x1f, 0x8b, 8, 4, 0, 0, 0, 0, 0, 0xff, 6, 0, 0x42, 0x43, 2, 0, 0, 0]);
    head.writeUInt16LE(head.length + cdata.length + 8 - 1, 16);
    const tail = Buffer.alloc(8);
    tail.writeUInt32LE(crc32(chunk), 0); // as bgzip writes it: the reader checks it
    tail.writeUInt32LE(chunk.length, 4);
    blocks.push(head, cdata, tail);
    if (chunk.length === 0) break;
  }
  return Buffer.concat(blocks);
}
