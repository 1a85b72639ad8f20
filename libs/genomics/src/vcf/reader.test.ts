import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { resolveAssembly } from './header.js';
import { detectCompression, openVcf } from './reader.js';
import type { VcfRecord } from './record.js';
import { fixture, minimalHeader, row, writeTempVcf } from './test-files.js';

async function all(path: string): Promise<VcfRecord[]> {
  const vcf = await openVcf(path);
  const out: VcfRecord[] = [];
  for await (const r of vcf.records()) out.push(r);
  return out;
}

async function errorOf(path: string): Promise<string> {
  try {
    await all(path);
  } catch (e) {
    return (e as Error).message;
  }
  return 'no error';
}

describe('openVcf on real files', () => {
  it('streams MutationalPatterns colon1 (first 40 records, VCF 4.1) with exact line numbers', async () => {
    const vcf = await openVcf(fixture('colon1-sample.first40.vcf'));
    expect(vcf.compression).toBe('none');
    expect(vcf.header.version).toBe('4.1');
    expect(vcf.header.samples).toEqual(['PD21928b']);
    expect(vcf.header.format.get('AD')).toEqual({ id: 'AD', number: '.', type: 'Integer', description: 'Allelic depths for the ref and alt alleles in the order listed' });
    expect(vcf.header.contigs.get('1')).toEqual({ id: '1', length: 249250621, assembly: 'hg19' });
    expect(resolveAssembly(vcf.header)).toEqual({ assembly: 'GRCh37', from: '##reference (line 3)' });
    const records: VcfRecord[] = [];
    for await (const r of vcf.records()) records.push(r);
    expect(records).toHaveLength(40);
    const first = records[0] as VcfRecord;
    expect(first).toMatchObject({ chrom: '1', pos: 105605108, ids: ['1:105605108_T/A'], ref: 'T', alts: ['A'], qual: 429.75, filters: ['PASS'], format: ['GT', 'AD', 'DP', 'GQ', 'PL'], place: 36 });
    expect(records.at(-1)?.place).toBe(75);
  });

  it('reads a bgzipped file (1000 Genomes chr22 excerpt) through the same stream', async () => {
    expect(await detectCompression(fixture('chr22.1kg.first400.vcf.gz'))).toBe('bgzip');
    const records = await all(fixture('chr22.1kg.first400.vcf.gz'));
    expect(records).toHaveLength(400);
    expect(records[0]).toMatchObject({ chrom: '22', pos: 50300078, ids: ['rs7410291'], ref: 'A', alts: ['G'], place: 29 });
    expect(records.at(-1)).toMatchObject({ pos: 50318518, ids: ['rs7291072'], place: 428 });
  });

  it('reads plain gzip (not bgzip) too, and CRLF line endings', async () => {
    const text = readFileSync(fixture('colon1-sample.first40.vcf'), 'utf8').replace(/\n/g, '\r\n');
    const path = writeTempVcf('crlf.vcf.gz', []);
    writeFileSync(path, gzipSync(text));
    expect(await detectCompression(path)).toBe('gzip');
    const records = await all(path);
    expect(records).toHaveLength(40);
    expect(records[0]?.format).toEqual(['GT', 'AD', 'DP', 'GQ', 'PL']);
    expect(records[0]?.samples).toEqual(['0/0:29,0:29:75:0,75,818']);
  });

  const installed = '/usr/lib/R/site-library/MutationalPatterns/extdata';
  it.skipIf(!existsSync(installed))('reads all nine installed MutationalPatterns VCFs (Debian r-bioc-mutationalpatterns; skipped when not installed)', async () => {
    const names = ['blood-AC', 'blood-ACC55', 'blood-BCH', 'colon1-sample', 'colon2-sample', 'colon3-sample', 'intestine1-sample', 'intestine2-sample', 'intestine3-sample', 'liver1-sample', 'liver2-sample', 'liver3-sample'];
    let total = 0;
    for (const n of names) {
      const p = `${installed}/${n}.vcf`;
      if (!existsSync(p)) continue;
      total += (await all(p)).length;
    }
    expect(total).toBeGreaterThan(2000);
    expect((await all(`${installed}/colon1-sample.vcf`)).length).toBe(196);
  });
});

describe('openVcf errors name file, line, column and what was expected', () => {
  it('POS that is not a positive integer', async () => {
    const p = writeTempVcf('tumor.vcf', [...minimalHeader(), row('7', 'abc', '.', 'A', 'T', '.', 'PASS', '.', 'GT:AD:DP', '0/1:10,5:15')]);
    expect(await errorOf(p)).toBe('tumor.vcf:7: POS: expected a positive integer, found "abc"');
  });

  it('REF, ALT, QUAL and the column count', async () => {
    const h = minimalHeader();
    expect(await errorOf(writeTempVcf('ref.vcf', [...h, row('7', '10', '.', 'AX', 'T', '.', 'PASS', '.', 'GT', '0/1')]))).toBe('ref.vcf:7: REF: expected bases A, C, G, T or N, found "AX"');
    expect(await errorOf(writeTempVcf('alt.vcf', [...h, row('7', '10', '.', 'A', 'T,<DEL', '.', 'PASS', '.', 'GT', '0/1')]))).toBe(
      'alt.vcf:7: ALT[2]: expected bases, a symbolic allele like <DEL>, or a breakend like G]17:198982], found "<DEL"',
    );
    expect(await errorOf(writeTempVcf('qual.vcf', [...h, row('7', '10', '.', 'A', 'T', 'high', 'PASS', '.', 'GT', '0/1')]))).toBe('qual.vcf:7: QUAL: expected a number or ".", found "high"');
    expect(await errorOf(writeTempVcf('cols.vcf', [...h, row('7', '10', '.', 'A', 'T', '.', 'PASS', '.')]))).toBe('cols.vcf:7: columns: expected 10 tab-separated columns, found 8');
  });

  it('a space-separated line is reported as a column count, never echoing the sample data', async () => {
    const p = writeTempVcf('spaces.vcf', [...minimalHeader(), '7 10 . A T . PASS . GT:AD:DP 0/1:10,5:15']);
    const message = await errorOf(p);
    expect(message).toBe('spaces.vcf:7: columns: expected 10 tab-separated columns, found 1');
    expect(message).not.toContain('0/1');
  });

  it('an unsupported or missing ##fileformat', async () => {
    const p40 = writeTempVcf('old.vcf', ['##fileformat=VCFv4.0', '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO']);
    await expect(openVcf(p40)).rejects.toThrow('old.vcf:1: ##fileformat: expected VCFv4.1, VCFv4.2, VCFv4.3 or VCFv4.4, found "VCFv4.0"');
    const none = writeTempVcf('none.vcf', ['#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO']);
    await expect(openVcf(none)).rejects.toThrow('none.vcf:1: ##fileformat: expected VCFv4.1, VCFv4.2, VCFv4.3 or VCFv4.4 on the first line, found "#CHROM\\tPOS\\tID\\tREF\\tAL"');
    const bcf = writeTempVcf('v5.vcf', ['##fileformat=VCFv5.0']);
    await expect(openVcf(bcf)).rejects.toThrow('v5.vcf:1: ##fileformat: expected VCFv4.1, VCFv4.2, VCFv4.3 or VCFv4.4, found "VCFv5.0"');
  });

  it('a header without #CHROM line, a malformed ##INFO, a wrong fixed column', async () => {
    await expect(openVcf(writeTempVcf('nochrom.vcf', ['##fileformat=VCFv4.2', '##reference=GRCh38']))).rejects.toThrow(
      'nochrom.vcf:2: #CHROM: expected the #CHROM column header line, found the end of the file',
    );
    await expect(openVcf(writeTempVcf('info.vcf', ['##fileformat=VCFv4.2', '##INFO=DP', '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO']))).rejects.toThrow(
      'info.vcf:2: ##INFO: expected <ID=...,...>, found "DP"',
    );
    await expect(openVcf(writeTempVcf('fixed.vcf', ['##fileformat=VCFv4.3', '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTERS\tINFO']))).rejects.toThrow(
      'fixed.vcf:2: #CHROM column 7: expected FILTER, found "FILTERS"',
    );
  });

  it('a truncated bgzip file', async () => {
    const whole = readFileSync(fixture('chr22.1kg.first400.vcf.gz'));
    const p = writeTempVcf('cut.vcf.gz', []);
    writeFileSync(p, whole.subarray(0, Math.floor(whole.length / 2)));
    const message = await errorOf(p);
    expect(message).toMatch(/^cut\.vcf\.gz:\d+: compression: expected valid gzip\/bgzip data, found corrupt or truncated data \(Z_BUF_ERROR\)$/);
  });
});

describe('structured header values', () => {
  it('parses quoted descriptions with commas and escaped quotes', async () => {
    const p = writeTempVcf('quoted.vcf', ['##fileformat=VCFv4.4', '##INFO=<ID=X,Number=1,Type=String,Description="a, \\"quoted\\" text",Source="tool">', '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO']);
    const vcf = await openVcf(p);
    expect(vcf.header.info.get('X')).toEqual({ id: 'X', number: '1', type: 'String', description: 'a, "quoted" text' });
    expect(vcf.header.meta[0]?.fields).toEqual({ ID: 'X', Number: '1', Type: 'String', Description: 'a, "quoted" text', Source: 'tool' });
  });
});
