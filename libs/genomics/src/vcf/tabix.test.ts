import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openVcf } from './reader.js';
import { openVariantReader, readSomaticVariants } from './somatic-variants.js';
import { parseRegion, queryRegion } from './tabix.js';
import { fixture, writeTempVcf } from './test-files.js';

const CHR22 = fixture('chr22.1kg.first400.vcf.gz');

describe('parseRegion', () => {
  it('reads chrom, chrom:pos, chrom:start-end with thousands separators', () => {
    expect(parseRegion('chr22:16,050,000-16,060,000')).toEqual({ chrom: 'chr22', start: 16050000, end: 16060000 });
    expect(parseRegion('22:100')).toEqual({ chrom: '22', start: 100, end: 100 });
    expect(parseRegion('22')).toEqual({ chrom: '22', start: 1 });
    expect(() => parseRegion('22:200-100')).toThrow('region "22:200-100": expected chrom, chrom:pos or chrom:start-end with 1 ≤ start ≤ end (e.g. "chr22:16050000-16060000")');
  });
});

describe('queryRegion on the bgzipped, tabix-indexed 1000 Genomes chr22 excerpt', () => {
  it('returns exactly the records a full scan finds in the region ("chr22" matches contig "22")', async () => {
    const q = await queryRegion(CHR22, 'chr22:50301000-50303000');
    expect(q.region).toEqual({ chrom: '22', start: 50301000, end: 50303000 });
    const vcf = await openVcf(CHR22);
    const expected: number[] = [];
    for await (const r of vcf.records()) {
      const end = r.pos + r.ref.length - 1;
      if (end >= 50301000 && r.pos <= 50303000) expected.push(r.pos);
    }
    expect(expected.length).toBeGreaterThan(5);
    expect(q.records.map((r) => r.pos)).toEqual(expected);
    expect(q.records[0]?.place).toBe('region 22:50301000-50303000, record 1');
    expect(q.header.samples).toEqual(['HG00096', 'HG00097', 'HG00099', 'HG00100', 'HG00101']);
  });

  it('an empty region gives no records; an unknown contig is an error listing the index contigs', async () => {
    expect((await queryRegion(CHR22, '22:1-1000')).records).toEqual([]);
    await expect(queryRegion(CHR22, 'chr7:1-100')).rejects.toThrow('chr22.1kg.first400.vcf.gz: region: expected a contig in the index (22), found "chr7"');
  });

  it('variants of a region: the header states no build, so it must be configured; five samples need a tumor choice', async () => {
    await expect(openVariantReader(CHR22, { region: '22:50301957-50302021' })).rejects.toThrow(/^chr22\.1kg\.first400\.vcf\.gz: genome build: not stated in the header/);
    await expect(openVariantReader(CHR22, { region: '22:50301957-50302021', assembly: 'GRCh37' })).rejects.toThrow(/tumor sample: expected ##tumor_sample=/);
    const { variants } = await readSomaticVariants(CHR22, { region: '22:50301957-50302021', assembly: 'GRCh37', tumorSample: 'HG00097' });
    expect(variants.map((v) => `${v.id} ${v.variantType}`)).toContain('GRCh37:22:50301957:C:CT insertion');
    expect(variants.map((v) => `${v.id} ${v.variantType}`)).toContain('GRCh37:22:50302021:CA:C deletion');
    const ins = variants.find((v) => v.key?.pos === 50301957);
    expect(ins?.source).toEqual({ kind: 'vcf', file: 'chr22.1kg.first400.vcf.gz', region: { query: '22:50301957-50302021', ordinal: 1 }, altIndex: 1 });
    expect(ins?.tumor).toMatchObject({ sample: 'HG00097', convention: 'none' });
  });

  it('needs bgzip and an index', async () => {
    await expect(queryRegion(fixture('colon1-sample.first40.vcf'), '1:1-100')).rejects.toThrow(
      'colon1-sample.first40.vcf: compression: expected a bgzip-compressed file for a region query (compress with "bgzip colon1-sample.first40.vcf"), found uncompressed text',
    );
    const noIndex = writeTempVcf('noindex.vcf.gz', []);
    copyFileSync(CHR22, noIndex);
    await expect(queryRegion(noIndex, '22:1-100')).rejects.toThrow('noindex.vcf.gz: tabix index: expected noindex.vcf.gz.tbi or noindex.vcf.gz.csi beside the file (make one with "tabix -p vcf noindex.vcf.gz"), found none');
  });
});

const hasTabix = (() => {
  try {
    execFileSync('tabix', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
describe.skipIf(!hasTabix)('a CSI index (made with Debian tabix -C at test time; skipped without the tabix binary)', () => {
  it('answers the same region as the .tbi', async () => {
    const p = writeTempVcf('csi.vcf.gz', []);
    copyFileSync(CHR22, p);
    execFileSync('tabix', ['-f', '-C', '-p', 'vcf', p]);
    expect(existsSync(`${p}.csi`)).toBe(true);
    const viaCsi = await queryRegion(p, '22:50301000-50303000');
    const viaTbi = await queryRegion(CHR22, '22:50301000-50303000');
    expect(viaCsi.records.map((r) => r.pos)).toEqual(viaTbi.records.map((r) => r.pos));
  });
});

// Installed (.ci/run installs the package as test data) or unpacked with `dpkg -x` into /tmp/va.
const FULL = ['/usr/lib/R/site-library', '/tmp/va/usr/lib/R/site-library'].map((d) => `${d}/VariantAnnotation/extdata/chr22.vcf.gz`).find((p) => existsSync(p)) ?? '';
describe.skipIf(!FULL)('full 1000 Genomes chr22.vcf.gz from r-bioc-variantannotation (skipped when absent)', () => {
  it('streams 10,376 records and answers a region query from the .tbi', async () => {
    const t0 = performance.now();
    const vcf = await openVcf(FULL);
    let n = 0;
    for await (const _ of vcf.records()) n++;
    const ms = performance.now() - t0;
    expect(n).toBe(10376);
    console.log(`chr22.vcf.gz: ${n} records in ${ms.toFixed(0)} ms (${Math.round((n / ms) * 1000)} records/s)`);
    const q = await queryRegion(FULL, 'chr22:50500000-50510000');
    expect(q.records.length).toBeGreaterThan(0);
    expect(q.records.every((r) => r.pos + r.ref.length - 1 >= 50500000 && r.pos <= 50510000)).toBe(true);
  });
});
