/**
 * Runs the biocommons/hgvs conformance files (fixtures/hgvs, Apache-2.0) against this parser:
 * - grammar_test.tsv: each grammar rule on its own, valid and invalid inputs, and the value biocommons prints;
 * - gauntlet.txt: valid variants that must parse and format back to the same text;
 * - reject.txt: variants that must be rejected.
 * Used by the conformance test (which asserts the rates) and by anyone who wants the failure list.
 */
import { readFileSync } from 'node:fs';
import type { HgvsVariant, Interval, NucleotideEdit, NucleotideLocation, NucleotidePosEdit, NucleotidePosition, ProteinEdit, ProteinPosEdit, AminoAcidPosition, HgvsPosition } from './ast';
import { HgvsParseError } from './cursor';
import { formatAminoAcidPosition, formatHgvs, formatHgvsPosition, formatNucleotideEdit, formatNucleotideLocation, formatNucleotidePosEdit, formatNucleotidePosition, formatProteinEdit, formatProteinPosEdit, type HgvsFormatOptions } from './format';
import { isHgvsRuleName, parseHgvsRule } from './grammar';
import { parseHgvs } from './shorthand';

/** How biocommons prints values: three-letter residues, 'Ter', deleted sequences left out, a stop after every fs. */
const BIOCOMMONS_STYLE: HgvsFormatOptions = { aminoAcids: '3', stop: 'Ter', deletedSequence: 'omit', frameshiftTerminator: 'always' };
const NOTATION = { aminoAcids: '3', stop: 'Ter' } as const;

export interface GrammarCase {
  line: number;
  rule: string;
  input: string;
  valid: boolean;
  expected: string;
  /** what we printed (or the error) */
  actual: string;
  pass: boolean;
}

const CAPTURE_RULES = new Set(['aa1_seq', 'aa3_seq', 'aa13_seq', 'aat1_seq', 'aat3_seq', 'aat13_seq', 'dna_seq', 'rna_seq', 'accn', 'gene_symbol', 'paren_gene', 'opt_gene_expr']);
const RESIDUE_RULES = new Set(['aa1', 'aa3', 'aa13', 'aat1', 'aat3', 'aat13', 'term1', 'term3', 'term13']);

const py = (v: string | number | null | undefined): string => (v === null || v === undefined ? 'None' : typeof v === 'number' ? String(v) : `'${v}'`);

/** Prints a rule's value the way biocommons' test prints its Python value (str()). */
export function printBiocommonsValue(rule: string, input: string, value: unknown): string {
  if (CAPTURE_RULES.has(rule)) return rule === 'paren_gene' || rule === 'opt_gene_expr' ? String(value) : input;
  if (RESIDUE_RULES.has(rule)) return (value as { written: string }).written;
  if (typeof value === 'number' || typeof value === 'string') return String(value);
  if (value === null || value === undefined) return 'None';
  switch (rule) {
    case 'fs':
    case 'aa13_fs': {
      const l = (value as { length?: number | '?' }).length;
      return l === undefined ? 'None' : String(l);
    }
    case 'ext':
    case 'aa13_ext': {
      const v = value as { written?: string; length?: number | '?' };
      return `(${py(v.written)}, ${py(v.length)})`;
    }
  }
  if (rule.endsWith('_variant') || rule.endsWith('_typed_posedit')) return formatHgvs(value as HgvsVariant, BIOCOMMONS_STYLE);
  if (rule.endsWith('hgvs_position')) return formatHgvsPosition(value as HgvsPosition);
  if (rule === 'p_posedit' || rule === 'p_posedit_special') {
    const pe = value as ProteinPosEdit;
    return pe.kind === 'unknown' ? 'None' : formatProteinPosEdit(pe, NOTATION, BIOCOMMONS_STYLE);
  }
  if (rule.endsWith('_posedit')) return formatNucleotidePosEdit(value as NucleotidePosEdit, BIOCOMMONS_STYLE);
  if (rule.startsWith('pro_')) return formatProteinEdit(value as ProteinEdit, NOTATION, BIOCOMMONS_STYLE);
  if (rule.startsWith('dna_') || rule.startsWith('rna_')) return formatNucleotideEdit(value as NucleotideEdit, BIOCOMMONS_STYLE);
  if (rule === 'def_p_pos' || rule === 'p_pos') return formatAminoAcidPosition(value as AminoAcidPosition, NOTATION);
  if (rule === 'def_p_interval' || rule === 'p_interval') {
    const iv = value as Interval<AminoAcidPosition>;
    const s = iv.end ? `${formatAminoAcidPosition(iv.start, NOTATION)}_${formatAminoAcidPosition(iv.end, NOTATION)}` : formatAminoAcidPosition(iv.start, NOTATION);
    return iv.uncertain ? `(${s})` : s;
  }
  if (rule.endsWith('_pos')) return formatNucleotidePosition(value as NucleotidePosition);
  if (rule.startsWith('uncertain_')) return formatNucleotideLocation({ kind: 'range', ...(value as Omit<Extract<NucleotideLocation, { kind: 'range' }>, 'kind'>) });
  if (rule.startsWith('def_')) return formatNucleotideLocation({ kind: 'interval', ...(value as Interval<NucleotidePosition>) });
  if (rule.endsWith('_interval')) return formatNucleotideLocation(value as NucleotideLocation);
  return JSON.stringify(value);
}

function splitInputs(text: string, inType: string): (string | null)[] {
  const items = inType === 'list' ? text.split('|') : inType === 'string' ? [...text] : [text];
  return items.map((x) => (x === 'None' ? null : x));
}

export function runGrammarTests(tsvPath: string): GrammarCase[] {
  const lines = readFileSync(tsvPath, 'utf8').split('\n');
  const cases: GrammarCase[] = [];
  lines.forEach((raw, i) => {
    if (i === 0 || raw.trim() === '' || raw.startsWith('#')) return;
    const [rule = '', test = '', validText = '', inType = '', expectedText = ''] = raw.replace(/\r$/, '').split('\t');
    const valid = validText.toLowerCase() === 'true';
    const inputs = splitInputs(test, inType);
    const expecteds = expectedText ? splitInputs(expectedText, inType) : inputs;
    // biocommons zips inputs with expected values into a dict: duplicate inputs collapse, extra expected values drop
    const seen = new Map<string, string>();
    inputs.forEach((input, k) => {
      if (input === null || seen.has(input)) return;
      seen.set(input, String(expecteds[k] ?? 'None').replace(/u'/g, "'"));
    });
    for (const [input, expected] of seen) {
      let actual: string;
      let pass: boolean;
      if (!isHgvsRuleName(rule)) {
        actual = `no rule ${rule}`;
        pass = false;
      } else {
        try {
          actual = printBiocommonsValue(rule, input, parseHgvsRule(rule, input));
          pass = valid && actual === expected;
        } catch (e) {
          if (!(e instanceof HgvsParseError)) throw e;
          actual = `error: ${e.message}`;
          pass = !valid;
        }
      }
      cases.push({ line: i + 1, rule, input, valid, expected, actual, pass });
    }
  });
  return cases;
}

export interface RoundTripCase {
  line: number;
  input: string;
  /** biocommons marks lines it does not support with "#!unsupported:" */
  unsupportedUpstream: boolean;
  actual: string;
  pass: boolean;
}

/** gauntlet.txt: every uncommented line must parse and format back to itself; "#!unsupported:" lines are tried too. */
export function runGauntlet(path: string): RoundTripCase[] {
  const out: RoundTripCase[] = [];
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((raw, i) => {
      const line = raw.trim();
      let input: string;
      let unsupportedUpstream = false;
      if (line.startsWith('#!unsupported:')) {
        input = line.slice('#!unsupported:'.length).trim();
        unsupportedUpstream = true;
      } else if (line === '' || line.startsWith('#')) return;
      else input = line;
      try {
        const actual = formatHgvs(parseHgvs(input));
        out.push({ line: i + 1, input, unsupportedUpstream, actual, pass: actual === input });
      } catch (e) {
        if (!(e instanceof HgvsParseError)) throw e;
        out.push({ line: i + 1, input, unsupportedUpstream, actual: `error: ${e.message}`, pass: false });
      }
    });
  return out;
}

/**
 * reject.txt: "variant<TAB>reason"; each must fail to parse. The file's only entry is commented out upstream
 * ("#NC_000001.10:...dup2<TAB>dupN is not valid HGVS"); a commented line that still has the variant<TAB>reason
 * shape is tested too, and marked.
 */
export function runReject(path: string): { line: number; input: string; reason: string; commentedUpstream: boolean; rejected: boolean; message: string }[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .map((raw, i) => ({ raw: raw.trim(), i }))
    .filter(({ raw }) => raw !== '' && (!raw.startsWith('#') || /^#\S+\t/.test(raw)))
    .map(({ raw, i }) => {
      const commentedUpstream = raw.startsWith('#');
      const [input = '', reason = ''] = (commentedUpstream ? raw.slice(1) : raw).split('\t');
      try {
        parseHgvs(input);
        return { line: i + 1, input, reason, commentedUpstream, rejected: false, message: 'parsed' };
      } catch (e) {
        if (!(e instanceof HgvsParseError)) throw e;
        return { line: i + 1, input, reason, commentedUpstream, rejected: true, message: e.message };
      }
    });
}
