import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readSomaticVariants } from './somatic-variants.js';
import { fixture, minimalHeader, row, writeTempVcf } from './test-files.js';

// One bad record does not lose the good ones: record-level problems are skipped, counted and listed with
// file:line and what was expected; problems of the file itself still stop the read.
const GOOD = (pos: string) => row('chr1', pos, '.', 'A', 'G', '.', 'PASS', '.', 'GT:AD:DP', '0/1:12,8:20');
const SECRET_GT = '0/1:99,77:176';

describe('malformed records are skipped, counted and reported', () => {
  const lines = [
    ...minimalHeader(['TUMOR'], ['##INFO=<ID=END,Number=1,Type=Integer,Description="End">']), // lines 1-7
    GOOD('100'), // 8
    row('chr1', '200', '.', 'A', 'G', '.', 'PASS', '.', 'GT:AD:DP'), // 9: the sample column is missing
    row('chr1', '300', '.', 'A', 'G!', '.', 'PASS', '.', 'GT:AD:DP', SECRET_GT), // 10: ALT does not parse
    row('chr1', '400', '.', 'A', 'G', '.', 'PASS', 'END=x', 'GT:AD:DP', SECRET_GT), // 11: kept: END is read only for symbolic alleles
    row('chr1', '500', '.', 'A', '<DEL>', '.', 'PASS', 'END=abc', 'GT:AD:DP', SECRET_GT), // 12: bad INFO value that is read
    row('chr1', '600', '.', 'A', 'G,T', '.', 'PASS', '.', 'GT:AD:DP', '0/1:12,x,3:20'), // 13: bad FORMAT value (both alleles dropped)
    row('chr1', 'abc', '.', 'A', 'G', '.', 'PASS', '.', 'GT:AD:DP', SECRET_GT), // 14: POS
    '##INFO=<ID=LATE,Number=1,Type=String,Description="x">', // 15: header line after #CHROM
    GOOD('700'), // 16
  ];

  it('keeps every good record and lists each bad one with its line and what was expected', async () => {
    const p = writeTempVcf('mixed.vcf', lines);
    const { variants, reader } = await readSomaticVariants(p);
    expect(variants.map((v) => v.key?.pos)).toEqual([100, 400, 700]);
    expect(reader.summary).toMatchObject({ records: 9, variants: 3, skippedInvalid: 6 });
    expect(reader.summary.issues.map((i) => i.message)).toEqual([
      'mixed.vcf:9: columns: expected 10 tab-separated columns, found 9',
      'mixed.vcf:10: ALT: expected bases, a symbolic allele like <DEL>, or a breakend like G]17:198982], found "G!"',
      'mixed.vcf:12: INFO.END: expected an integer, found "abc"',
      'mixed.vcf:13: TUMOR.AD: expected an integer, found "x"',
      'mixed.vcf:14: POS: expected a positive integer, found "abc"',
      'mixed.vcf:15: line: expected a data record, found a header line after #CHROM',
    ]);
    expect(reader.summary.issues.map((i) => i.line)).toEqual([9, 10, 12, 13, 14, 15]);
    // The messages quote one value at most, never a record's sample data.
    expect(JSON.stringify(reader.summary.issues)).not.toContain('99,77');
  });

  it("with invalidRecords: 'fail' the first bad record stops the read", async () => {
    const p = writeTempVcf('mixed-strict.vcf', lines);
    await expect(readSomaticVariants(p, { invalidRecords: 'fail' })).rejects.toThrow('mixed-strict.vcf:9: columns: expected 10 tab-separated columns, found 9');
  });
});

describe('problems of the file itself still stop the read with file and line', () => {
  it('a missing #CHROM line', async () => {
    const p = writeTempVcf('nochrom.vcf', ['##fileformat=VCFv4.2', '##reference=GRCh38', GOOD('100')]);
    await expect(readSomaticVariants(p)).rejects.toThrow('nochrom.vcf:3: #CHROM: expected the #CHROM column header line before the first record, found "chr1"');
  });

  it('a configured tumor sample that is not a column', async () => {
    const p = writeTempVcf('tumor.vcf', [...minimalHeader(['TUMOR']), GOOD('100')]);
    await expect(readSomaticVariants(p, { tumorSample: 'T1' })).rejects.toThrow('tumor.vcf: tumor sample: configuration names "T1", but the sample columns are "TUMOR"');
  });

  it('a build mismatch between the header and the configuration', async () => {
    const p = writeTempVcf('build.vcf', [...minimalHeader(['TUMOR']), GOOD('100')]);
    await expect(readSomaticVariants(p, { assembly: 'GRCh37' })).rejects.toThrow('build.vcf: genome build: configured GRCh37, but ##reference (line 2) says GRCh38');
  });

  it('a truncated .gz, after the good records before the cut were read', async () => {
    const text = `${[...minimalHeader(['TUMOR']), ...Array.from({ length: 3000 }, (_, i) => GOOD(String(100 + i)))].join('\n')}\n`;
    const gz = gzipSync(Buffer.from(text));
    const p = writeTempVcf('cut.vcf.gz', []);
    writeFileSync(p, gz.subarray(0, Math.floor(gz.length * 0.6)));
    expect(readFileSync(p).length).toBeLessThan(gz.length);
    await expect(readSomaticVariants(p)).rejects.toThrow(/^cut\.vcf\.gz:\d+: compression: expected valid gzip\/bgzip data, found corrupt or truncated data \(Z_BUF_ERROR\)$/);
  });

  it('a truncated or corrupt bgzip file (read block by block)', async () => {
    const bgz = readFileSync(fixture('chr22.1kg.first400.vcf.gz'));
    const whole = await readSomaticVariants(fixture('chr22.1kg.first400.vcf.gz'), { assembly: 'GRCh37', tumorSample: 'HG00096', filter: 'all' });
    expect(whole.reader.compression).toBe('bgzip');
    expect(whole.variants.length).toBeGreaterThan(300);
    const cut = writeTempVcf('cut.vcf.bgz', []);
    writeFileSync(cut, bgz.subarray(0, Math.floor(bgz.length * 0.6)));
    await expect(readSomaticVariants(cut, { assembly: 'GRCh37', tumorSample: 'HG00096', filter: 'all' })).rejects.toThrow(
      /^cut\.vcf\.bgz:\d+: compression: expected valid gzip\/bgzip data, found corrupt or truncated data \(Z_BUF_ERROR\)$/,
    );
    const corrupt = Buffer.from(bgz);
    for (let i = Math.floor(bgz.length / 2); i < Math.floor(bgz.length / 2) + 40; i++) corrupt[i] = 0;
    const bad = writeTempVcf('corrupt.vcf.bgz', []);
    writeFileSync(bad, corrupt);
    await expect(readSomaticVariants(bad, { assembly: 'GRCh37', tumorSample: 'HG00096', filter: 'all' })).rejects.toThrow(/^corrupt\.vcf\.bgz:\d+: compression: expected valid gzip\/bgzip data, found corrupt or truncated data \(Z_[A-Z_]+\)$/);
  });
});
