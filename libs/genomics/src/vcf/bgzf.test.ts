/**
 * BGZF blocks inflated on a worker thread (large files) are the blocks inflated on the calling thread, in order,
 * and the reader's output over a file large enough for the worker equals the same text read plain; a cut or
 * corrupt file (a bad header, a flipped bit caught by the CRC32) fails the same way on both paths, after the blocks
 * before the damage.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BGZF_WORKER_MIN_BYTES, bgzfBlocks } from './bgzf.js';
import { readSomaticVariants } from './somatic-variants.js';
import { bgzf, fixture, writeTempVcf } from './test-files.js';

async function collect(path: string, onWorker: boolean): Promise<{ text: string; blocks: number; error?: string }> {
  const parts: string[] = [];
  try {
    for await (const b of bgzfBlocks(path, onWorker)) parts.push(b.toString('latin1'));
  } catch (e) {
    return { text: parts.join(''), blocks: parts.length, error: `${(e as { code?: string }).code}: ${(e as Error).message}` };
  }
  return { text: parts.join(''), blocks: parts.length };
}

describe('BGZF on a worker thread', () => {
  const text = readFileSync(fixture('pcgr-brca.vep.excerpt.vcf'));
  // Stored blocks (level 0) of 9,973 bytes, ~3.5 MB: lines cut across blocks; the first 2 MB are inflated on the
  // calling thread while the worker starts, the rest on the worker over several reads.
  const whole = bgzf(Buffer.concat(Array.from({ length: Math.ceil(3.5e6 / text.length) }, () => text)), 9973, 0);
  /** The offset of the first block that starts at or after `at`. */
  const blockAt = (data: Buffer, at: number): number => {
    let off = 0;
    while (off < at) off += data.readUInt16LE(off + 16) + 1;
    return off;
  };

  it('gives the blocks the calling thread gives, in order', async () => {
    const p = writeTempVcf('blocks.vcf.bgz', []);
    writeFileSync(p, whole);
    const here = await collect(p, false);
    const there = await collect(p, true);
    expect(here.error).toBeUndefined();
    expect(there).toEqual(here);
    expect(here.text.length).toBeGreaterThan(3.4e6);
    expect(here.text.slice(0, text.length)).toBe(text.toString('latin1'));
  });

  it('fails on a cut and a corrupt file after the blocks before the damage, like the calling thread', async () => {
    const cut = writeTempVcf('blocks-cut.vcf.bgz', []);
    writeFileSync(cut, whole.subarray(0, blockAt(whole, 3.3e6) + 100));
    const corrupt = Buffer.from(whole);
    corrupt.fill(0, blockAt(whole, 3.2e6), blockAt(whole, 3.2e6) + 4);
    const bad = writeTempVcf('blocks-corrupt.vcf.bgz', []);
    writeFileSync(bad, corrupt);
    // One bit of a stored block's text: still valid deflate, so only the block's CRC32 can tell.
    const flipped = Buffer.from(whole);
    flipped[blockAt(whole, 3.2e6) + 100]! ^= 0x01;
    const flippedPath = writeTempVcf('blocks-flipped.vcf.bgz', []);
    writeFileSync(flippedPath, flipped);
    for (const [p, error] of [
      [cut, 'Z_BUF_ERROR: truncated BGZF block'],
      [bad, 'Z_DATA_ERROR: not a BGZF block'],
      [flippedPath, 'Z_DATA_ERROR: BGZF block CRC32 mismatch'],
    ] as const) {
      const here = await collect(p, false);
      const there = await collect(p, true);
      expect(here.error).toBe(error);
      expect(there).toEqual(here);
      expect(here.text.length).toBeGreaterThan(3.1e6);
    }
  });

  it('a file above the worker threshold reads as the same text read plain', async () => {
    const header = text.toString('latin1').split('\n').filter((l) => l.startsWith('#'));
    const records = text.toString('latin1').split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    const lines = [...header];
    while (lines.join('\n').length < BGZF_WORKER_MIN_BYTES * 1.2) lines.push(...records);
    const plain = writeTempVcf('large.vcf', lines);
    const bgz = writeTempVcf('large.vcf.bgz', []);
    writeFileSync(bgz, bgzf(readFileSync(plain), 65280, 0));
    expect(readFileSync(bgz).length).toBeGreaterThanOrEqual(BGZF_WORKER_MIN_BYTES);
    const a = await readSomaticVariants(plain, { filter: 'all', displayName: 'large.vcf' });
    const b = await readSomaticVariants(bgz, { filter: 'all', displayName: 'large.vcf' });
    expect(b.reader.compression).toBe('bgzip');
    expect(b.reader.summary).toEqual(a.reader.summary);
    expect(b.variants.length).toBe(lines.length - header.length);
    expect(JSON.stringify(b.variants)).toBe(JSON.stringify(a.variants));
  });
});
