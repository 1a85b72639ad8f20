import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VcfFormatError } from './errors.js';
import { parseHeaderText } from './header.js';
import { parseVcfRecord } from './record.js';
import { VariantAssembler } from './somatic-variants.js';

const header = parseHeaderText(
  'fuzz.vcf',
  [
    '##fileformat=VCFv4.2',
    '##reference=GRCh38',
    '##INFO=<ID=END,Number=1,Type=Integer,Description="End">',
    '##INFO=<ID=SVLEN,Number=.,Type=Integer,Description="SV length">',
    '##INFO=<ID=MATEID,Number=.,Type=String,Description="Mate">',
    '##INFO=<ID=CIPOS,Number=2,Type=Integer,Description="CI">',
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">',
    '##FORMAT=<ID=AF,Number=A,Type=Float,Description="AF">',
    '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">',
    '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tNORMAL\tTUMOR',
  ].join('\n'),
);

// The NORMAL column carries a marker that must never appear in a message about another column.
const VALID = ['chr7', '140753336', 'id1', 'A', 'T', '50', 'PASS', 'END=140753336;SVLEN=0;CIPOS=-5,5', 'GT:AD:AF:DP', '0/0:40,0:0.01:40', '0/1:30,14:0.318:44'];
const NORMAL_MARKER = '0/0:40,0:0.01:40';

describe('malformed records: every failure is a VcfFormatError naming file:line, and sample data do not leak', () => {
  it('holds for random replacements of any column but NORMAL (property)', () => {
    const column = fc.constantFrom(0, 1, 2, 3, 4, 5, 6, 7, 8, 10);
    const junk = fc.oneof(
      fc.string({ maxLength: 30 }).map((s) => s.replace(/[\t\n\r]/g, '')),
      fc.constantFrom('', '.', '0', '-1', 'abc', 'A,T', '<DEL>', 'G]chr1:5]', 'A[chr2:10[', '*', 'PASS;q10', 'DP=x', 'GT:AD', '1/1:.:.:.', '0/1:3,x:0.5:9', '0/1:3,4:2:9', 'END=1'),
    );
    fc.assert(
      fc.property(column, junk, (col, value) => {
        const cols = [...VALID];
        cols[col] = value;
        const line = cols.join('\t');
        const assembler = new VariantAssembler(header, { tumorSample: 'TUMOR', normalSample: 'NORMAL', filter: 'all' });
        try {
          const record = parseVcfRecord(header, line, 12);
          [...assembler.push(record), ...assembler.finish()];
        } catch (e) {
          expect(e).toBeInstanceOf(VcfFormatError);
          const message = (e as Error).message;
          expect(message.startsWith('fuzz.vcf:12: ')).toBe(true);
          expect(message).not.toContain(NORMAL_MARKER);
          expect(message.length).toBeLessThan(260);
        }
      }),
      { numRuns: 400 },
    );
  });
});
