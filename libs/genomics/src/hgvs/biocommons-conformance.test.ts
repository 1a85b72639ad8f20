import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runGauntlet, runGrammarTests, runReject } from './biocommons-conformance';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/hgvs/${name}`, import.meta.url));

describe('biocommons/hgvs conformance (fixtures/hgvs, Apache-2.0)', () => {
  it('grammar_test.tsv: 811 of 813 rule cases; the two misses are biocommons printing a one-base delins as a substitution', () => {
    const cases = runGrammarTests(fixture('grammar_test.tsv'));
    const failed = cases.filter((c) => !c.pass);
    expect(cases.length).toBe(813);
    expect(cases.length - failed.length).toBe(811);
    // by design: "delAinsT" stays a delins here; biocommons prints its NARefAlt(ref=A, alt=T) as "A>T"
    expect(failed.map((c) => `${c.rule} ${c.input} → ${c.actual} (biocommons: ${c.expected})`)).toEqual([
      'dna_delins delAinsT → delinsT (biocommons: A>T)',
      'rna_delins delAinsC → delinsC (biocommons: A>C)',
    ]);
  });

  it('gauntlet.txt: all 31 supported variants parse and format back to themselves', () => {
    const cases = runGauntlet(fixture('gauntlet.txt'));
    const supported = cases.filter((c) => !c.unsupportedUpstream);
    expect(supported.length).toBe(31);
    expect(supported.filter((c) => !c.pass)).toEqual([]);
  });

  it("gauntlet.txt '#!unsupported:' lines: 5 of 25 parse (inversion, uncertain offsets, copy number); repeats, alleles and conversions with ranges do not", () => {
    const cases = runGauntlet(fixture('gauntlet.txt')).filter((c) => c.unsupportedUpstream);
    expect(cases.length).toBe(25);
    expect(cases.filter((c) => c.pass).map((c) => c.input)).toEqual([
      'AC_01234.5:g.123_678conNG_012232.1:g.9456_10011',
      'AC_01234.5:c.203_506inv',
      'AC_01234.5:g.123_678conNG_012232.1:g.9456_10011',
      'AC_01234.5:c.88-?_923+?del',
      'AC_01234.5:c.76_78copy3',
    ]);
  });

  it('reject.txt: its one entry (commented out upstream) is rejected, naming the position', () => {
    const cases = runReject(fixture('reject.txt'));
    expect(cases).toHaveLength(1);
    expect(cases[0]!.rejected).toBe(true);
    expect(cases[0]!.message).toBe('"NC_000001.10:g.155208383_155208384dup2": at 38: expected a nucleotide or the end, found "2"');
  });
});
