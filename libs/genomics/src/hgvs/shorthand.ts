/**
 * The variant names of reports and knowledge bases (CIViC, OncoKB, pathology reports) as a small grammar over the
 * HGVS one: protein changes without "p." ("V600E", "E746_A750del", "L747_P753delinsS", "R135fs*17"), codon
 * categories ("V600", "G12/G13"), exon-level events ("exon 19 deletion", "exon 20 insertion", "exon 14 skipping"),
 * fusions ("EML4-ALK", "ALK fusion", "BCR::ABL1"), gene-level categories ("amplification", "mutation",
 * "loss-of-function"), dbSNP ids, and compounds of these ("V600E and amplification", "BCR-ABL T315I").
 * Full HGVS ("p.Val600Glu", "NM_004333.4:c.1799T>A") is accepted as well.
 */
import type { AminoAcidPosition, HgvsVariant, ProteinNotation, ProteinPosEdit } from './ast';
import { Cursor, FAIL, HgvsParseError, type Parsed } from './cursor';
import { formatAminoAcidPosition, formatHgvs, formatProteinPosEdit } from './format';
import { HgvsGrammar, hgvsGrammarFor } from './grammar';
import { formatResidues } from './amino-acids';

export type ProteinChange = Extract<ProteinPosEdit, { kind: 'change' }>;

/** Gene-level categories; each lists the phrases that name it (any letter case). The first phrase is canonical. */
export const VARIANT_CATEGORIES = {
  mutation: ['mutation', 'mutations', 'mut', 'somatic mutation'],
  alteration: ['alteration', 'alterations'],
  truncating: ['truncating mutation', 'truncating mutations', 'truncation', 'nonsense mutation'],
  frameshift: ['frameshift mutation', 'frameshift truncation', 'frameshift', 'frame shift'],
  'loss-of-function': ['loss-of-function', 'loss of function', 'inactivating mutation', 'deleterious mutation', 'biallelic inactivation', 'null'],
  'gain-of-function': ['gain-of-function', 'gain of function', 'activating mutation', 'activating mutations'],
  amplification: ['amplification', 'amplified', 'amp', 'copy number gain', 'gain'],
  deletion: ['deletion', 'homozygous deletion', 'copy number loss', 'loss', 'deep deletion'],
  'copy-number-change': ['copy number variation', 'copy number alteration', 'cnv'],
  overexpression: ['overexpression', 'over-expression', 'high expression'],
  underexpression: ['underexpression', 'under-expression', 'low expression'],
  expression: ['expression', 'nuclear expression', 'cytoplasmic expression', 'isoform expression', 'serum levels'],
  'wild-type': ['wild type', 'wildtype', 'wild-type', 'wt'],
  methylation: ['promoter methylation', 'promoter hypermethylation', 'methylation', 'promoter demethylation', 'hypermethylation'],
  'internal-tandem-duplication': ['internal tandem duplication', 'internal duplication', 'itd'],
  'kinase-domain-mutation': ['kinase domain mutation', 'tkd mutation'],
  'loss-of-heterozygosity': ['loss of heterozygosity', 'copy-neutral loss of heterozygosity', 'loh'],
  phosphorylation: ['phosphorylation'],
  'promoter-mutation': ['promoter mutation', 'promoter mutations'],
  'splice-site-mutation': ['splice site mutation', 'splice mutation', 'splicing alteration', 'splice site'],
} as const;
export type VariantCategory = keyof typeof VARIANT_CATEGORIES;

/** What happens to an exon (or exon range). */
export const EXON_EFFECTS = {
  deletion: ['deletion', 'deletions', 'del'],
  insertion: ['insertion', 'insertions', 'ins'],
  duplication: ['duplication', 'dup'],
  mutation: ['mutation', 'mutations', 'mut', 'alteration'],
  skipping: ['skipping mutation', 'skipping', 'skip'],
  frameshift: ['frameshift', 'frameshift mutation'],
  rearrangement: ['rearrangement'],
  overexpression: ['overexpression'],
} as const;
export type ExonEffect = keyof typeof EXON_EFFECTS;

export type VariantName =
  | HgvsVariant
  /** "V600E", "E746_A750del", "D835H/Y" (alternatives), "Y98H (c.292T>C)" */
  | {
      kind: 'protein-change';
      gene?: string;
      change: ProteinChange;
      notation: ProteinNotation;
      /** further alternative residues for a substitution: "D835H/Y" → ['Y'] */
      alternatives?: string[];
      /** the coding change written beside it: "Y98H (c.292T>C)" */
      coding?: HgvsVariant;
    }
  /** "V600", "G12/G13": any change of the residue(s) */
  | { kind: 'protein-position'; gene?: string; positions: AminoAcidPosition[]; notation: ProteinNotation }
  /** "exon 19 deletion", "exon 1-3 deletion", "intron 9 rearrangement" */
  | { kind: 'exon'; gene?: string; region: 'exon' | 'intron'; first: number; last: number; effect: ExonEffect }
  /** "amplification", "mutation", "NT5C2 mutation", "splicing alteration (c.464-1G>A)" */
  | { kind: 'category'; gene?: string; category: VariantCategory; coding?: HgvsVariant }
  /**
   * "EML4-ALK", "EML4-ALK fusion", "ALK fusion" (gene = ALK, partner unknown), "fusion", "rearrangement",
   * "EML4-ALK E20;A20" (exons at the breakpoint).
   */
  | {
      kind: 'fusion';
      fivePrime?: string;
      threePrime?: string;
      /** the one gene named when the partner is not: "ALK fusion" */
      gene?: string;
      word?: 'fusion' | 'fusions' | 'rearrangement' | 'translocation';
      breakpoint?: string;
      /** the fusion separator as written: '-' (reports) or '::' (HGNC) */
      separator?: '-' | '::';
    }
  | { kind: 'dbsnp'; id: string; zygosity?: 'homozygosity' | 'heterozygosity' }
  /** all of the parts at once: "V600E and amplification", "BCR-ABL T315I" */
  | { kind: 'compound'; parts: VariantName[]; separators: string[] };

const GENE_CHARS = /[A-Za-z0-9]/;
const CATEGORY_PHRASES: readonly string[] = Object.values(VARIANT_CATEGORIES).flat();
const EXON_EFFECT_PHRASES: readonly string[] = Object.values(EXON_EFFECTS).flat();
/** Words of the shorthand itself, never read as a gene symbol ("exon deletion" is not gene "exon" + deletion). */
const RESERVED_WORDS = new Set([
  'exon', 'ex', 'intron', 'and', 'or', 'fusion', 'fusions', 'rearrangement', 'translocation',
  ...Object.values(VARIANT_CATEGORIES).flat().filter((p) => !p.includes(' ')),
]);

class ShorthandGrammar {
  readonly g: HgvsGrammar;
  constructor(public c: Cursor) {
    this.g = new HgvsGrammar(c);
  }

  use(c: Cursor): this {
    this.c = c;
    this.g.use(c);
    return this;
  }

  private ws(): number {
    let n = 0;
    while (this.c.peek() === ' ' || this.c.peek() === '\t') {
      this.c.pos++;
      n++;
    }
    return n;
  }

  /** One of the phrases, whole words, any case; the longest one that fits. */
  private phrase(phrases: readonly string[], label: string): Parsed<string> {
    const text = this.c.text;
    const at = this.c.pos;
    let best: string | undefined;
    for (const p of phrases) {
      if (best && p.length <= best.length) continue;
      if (text.length - at < p.length || text.slice(at, at + p.length).toLowerCase() !== p) continue;
      if (GENE_CHARS.test(text[at + p.length] ?? '')) continue;
      best = p;
    }
    if (!best) return this.c.expect(label);
    this.c.pos += best.length;
    return best;
  }

  name = (): Parsed<VariantName> => {
    const first = this.part();
    if (first === FAIL) return FAIL;
    const parts = [first];
    const separators: string[] = [];
    while (true) {
      const start = this.c.pos;
      const sep = this.separator();
      if (sep === FAIL) break;
      const next = this.part();
      if (next === FAIL) {
        this.c.pos = start;
        break;
      }
      parts.push(next);
      separators.push(sep);
    }
    return parts.length === 1 ? first : { kind: 'compound', parts, separators };
  };

  private separator(): Parsed<string> {
    return this.c.choice(
      () => {
        const before = this.ws();
        const w = this.c.choice(
          () => this.phrase(['and'], "'and'"),
          () => this.c.literal('+'),
          () => this.c.literal(','),
          () => this.c.literal(';'),
        );
        if (w === FAIL) return FAIL;
        const after = this.ws();
        if (/^[a-z]/i.test(w) && (before === 0 || after === 0)) return FAIL;
        return `${before ? ' ' : ''}${w.toLowerCase()}${after ? ' ' : ''}`;
      },
      () => (this.ws() > 0 ? ' ' : this.c.expect("' and '")),
      () => (this.c.literal('-') === FAIL ? FAIL : '-'),
    );
  }

  part = (): Parsed<VariantName> =>
    this.c.choice<VariantName>(this.hgvs, this.dbsnp, this.exon, this.category, this.proteinChange, this.proteinPosition, this.fusion, this.genePrefixed);

  /** "BRAF V600E", "NT5C2 mutation", "KIT exon 11 mutation" */
  private genePrefixed = (): Parsed<VariantName> => {
    const gene = this.geneSymbol();
    if (gene === FAIL || this.ws() === 0) return FAIL;
    const r = this.c.choice<VariantName>(this.exon, this.category, this.proteinChange, this.proteinPosition);
    if (r === FAIL) return FAIL;
    return { ...r, gene } as VariantName;
  };

  private hgvs = (): Parsed<VariantName> => this.g.variant();

  private dbsnp = (): Parsed<VariantName> => {
    const start = this.c.pos;
    if (this.c.literal('rs', true) === FAIL) return FAIL;
    const d = this.c.digits();
    if (d === FAIL) return FAIL;
    const id = `rs${d}`;
    void start;
    const z = this.c.optional(() => {
      if (this.ws() === 0) return FAIL;
      return this.phrase(['homozygosity', 'heterozygosity'], "'homozygosity'");
    });
    return z ? { kind: 'dbsnp', id, zygosity: z as 'homozygosity' | 'heterozygosity' } : { kind: 'dbsnp', id };
  };

  private exon = (): Parsed<VariantName> => {
    const region = this.c.choice(
      () => (this.phrase(['exon', 'ex'], "'exon'") === FAIL ? FAIL : ('exon' as const)),
      () => (this.phrase(['intron'], "'intron'") === FAIL ? FAIL : ('intron' as const)),
    );
    let ok = region !== FAIL;
    if (region === FAIL) {
      // "exon19" / "ex19": the number joined to the word
      const m = /^(exon|ex)(?=\d)/i.exec(this.c.text.slice(this.c.pos));
      if (!m) return FAIL;
      this.c.pos += m[0].length;
      ok = true;
    }
    if (!ok) return FAIL;
    this.ws();
    const first = this.g.num();
    if (first === FAIL) return FAIL;
    const last = this.c.optional(() => (this.c.literal('-') === FAIL ? FAIL : this.g.num())) ?? first;
    if (last < first) return this.c.expect('an exon number not below the first');
    this.ws();
    const eff = this.phrase(EXON_EFFECT_PHRASES, 'an exon event (deletion, insertion, mutation, skipping...)');
    if (eff === FAIL) return FAIL;
    const effect = (Object.keys(EXON_EFFECTS) as ExonEffect[]).find((k) => (EXON_EFFECTS[k] as readonly string[]).includes(eff))!;
    return { kind: 'exon', region: region === FAIL ? 'exon' : region, first, last, effect };
  };

  private category = (): Parsed<VariantName> => {
    const p = this.phrase(CATEGORY_PHRASES, 'a variant category (mutation, amplification, fusion...)');
    if (p === FAIL) return FAIL;
    const category = (Object.keys(VARIANT_CATEGORIES) as VariantCategory[]).find((k) => (VARIANT_CATEGORIES[k] as readonly string[]).includes(p))!;
    const coding = this.codingBeside();
    return coding ? { kind: 'category', category, coding } : { kind: 'category', category };
  };

  /** The coding change written beside a name: "Y98H (c.292T>C)", "R474C c.1420C>T", "splicing alteration (c.464-1G>A)". */
  private codingBeside(): HgvsVariant | undefined {
    const c = this.c;
    return c.optional(() => {
      const spaces = this.ws();
      const paren = c.optional(() => c.literal('('));
      if (!paren && spaces === 0) return FAIL;
      const v = this.g.variant();
      if (v === FAIL || v.type !== 'c') return FAIL;
      if (paren && c.literal(')') === FAIL) return FAIL;
      return v;
    });
  }

  private fusionWord(): Parsed<'fusion' | 'fusions' | 'rearrangement' | 'translocation'> {
    return this.phrase(['fusion', 'fusions', 'rearrangement', 'rearrangements', 'translocation'], "'fusion'") as Parsed<
      'fusion' | 'fusions' | 'rearrangement' | 'translocation'
    >;
  }

  private fusion = (): Parsed<VariantName> =>
    this.c.choice<VariantName>(
      // "EML4-ALK", "EML4::ALK fusion", "LMNA-NTRK1 e11;e10"
      () => {
        const five = this.geneSymbol();
        if (five === FAIL) return FAIL;
        const sep = this.c.choice(() => this.c.literal('::'), () => this.c.literal('-'));
        if (sep === FAIL) return FAIL;
        const three = this.geneSymbol();
        if (three === FAIL) return FAIL;
        const word = this.c.optional(() => (this.ws() === 0 ? FAIL : this.fusionWord()));
        const breakpoint = this.c.optional(() => {
          if (this.ws() === 0) return FAIL;
          const m = /^[A-Za-z]{0,4}\d+;[A-Za-z]{0,4}\d+/.exec(this.c.text.slice(this.c.pos));
          if (!m) return this.c.expect('exons at the breakpoint');
          this.c.pos += m[0].length;
          return m[0];
        });
        return {
          kind: 'fusion',
          fivePrime: five,
          threePrime: three,
          ...(sep === '::' ? { separator: '::' as const } : {}),
          ...(word ? { word: normalizeFusionWord(word) } : {}),
          ...(breakpoint ? { breakpoint } : {}),
        };
      },
      // "ALK fusion", "ALK FUSIONS"
      () => {
        const gene = this.geneSymbol();
        if (gene === FAIL || this.ws() === 0) return FAIL;
        const word = this.fusionWord();
        return word === FAIL ? FAIL : { kind: 'fusion', gene, word: normalizeFusionWord(word) };
      },
      // "fusion", "rearrangement"
      () => {
        const word = this.fusionWord();
        return word === FAIL ? FAIL : { kind: 'fusion', word: normalizeFusionWord(word) };
      },
    );

  /** A gene symbol: a letter, then letters and digits ("EML4", "KIAA1549", "C11orf95"); not a variant keyword. */
  private geneSymbol(): Parsed<string> {
    const m = /^[A-Za-z][A-Za-z0-9]*/.exec(this.c.text.slice(this.c.pos));
    if (!m || m[0].length < 2 || RESERVED_WORDS.has(m[0].toLowerCase())) return this.c.expect('a gene symbol');
    this.c.pos += m[0].length;
    return m[0];
  }

  /** "V600E", "E746_A750del", "V769_770insASV", "E746_T751>I", "R135FSX177", "D835H/Y", with an optional "(c....)". */
  private proteinChange = (): Parsed<VariantName> => {
    const g = this.g;
    const c = this.c;
    g.resetNotation();
    c.optional(() => c.literal('p.'));
    const start = this.shortPos();
    if (start === FAIL) return FAIL;
    const end = c.optional(() => (c.literal('_') === FAIL ? FAIL : c.choice(() => this.shortPos(), () => {
      const n = g.num();
      return n === FAIL ? FAIL : { aa: '', pos: n };
    })));
    const location = end ? { start, end, uncertain: false } : { start, uncertain: false };
    let alternatives: string[] | undefined;
    const edit = c.choice(
      g.pro_fs,
      // "D667FS", "E13FS*3": in capitals the residue-then-fs reading takes the F of FS; read fs alone
      () => {
        const fs = g.fs();
        return fs === FAIL ? FAIL : { type: 'frameshift' as const, ...fs };
      },
      g.pro_ext,
      // "E746_T751>I": the old delins
      () => {
        if (c.literal('>') === FAIL) return FAIL;
        const alt = g.aat13_seq();
        return alt === FAIL ? FAIL : { type: 'delins' as const, alt };
      },
      g.pro_delins,
      // "T1151insT", "P780INS" (residues not given)
      () => {
        if (c.keyword('ins') === FAIL) return FAIL;
        return { type: 'insertion' as const, alt: c.optional(g.aat13_seq) ?? '' };
      },
      () => {
        if (c.keyword('del') === FAIL) return FAIL;
        const ref = c.optional(g.aa1_seq);
        return ref ? { type: 'deletion' as const, ref } : { type: 'deletion' as const };
      },
      () => {
        if (c.keyword('dup') === FAIL) return FAIL;
        const ref = c.optional(g.aa1_seq);
        return ref ? { type: 'duplication' as const, ref } : { type: 'duplication' as const };
      },
      g.pro_ident,
      // "V600E", "V600E/K", "K558NP" (several residues: a delins)
      () => {
        const alt = g.aat13_seq();
        if (alt === FAIL) return FAIL;
        if (alt.length > 1) return { type: 'delins' as const, alt };
        const more: string[] = [];
        while (true) {
          const r = c.optional(() => {
            if (c.literal('/') === FAIL) return FAIL;
            const a = g.aat13();
            return a === FAIL ? FAIL : a.aa;
          });
          if (r === undefined) break;
          more.push(r);
        }
        if (more.length) alternatives = more;
        return { type: 'substitution' as const, alt };
      },
      () => (c.literal('?') === FAIL ? FAIL : { type: 'substitution' as const, alt: '?' }),
    );
    if (edit === FAIL) return FAIL;
    const coding = this.codingBeside();
    return {
      kind: 'protein-change',
      change: { kind: 'change', location, edit, predicted: false },
      notation: g.proteinNotation(),
      ...(alternatives ? { alternatives } : {}),
      ...(coding ? { coding } : {}),
    };
  };

  /** "V600", "G12/G13": positions only; must not be followed by more of a change. */
  private proteinPosition = (): Parsed<VariantName> => {
    this.g.resetNotation();
    this.c.optional(() => this.c.literal('p.'));
    const first = this.g.def_p_pos();
    if (first === FAIL) return FAIL;
    const positions = [first];
    while (true) {
      const p = this.c.optional(() => (this.c.literal('/') === FAIL ? FAIL : this.g.def_p_pos()));
      if (!p) break;
      positions.push(p);
    }
    if (!this.c.atEnd && GENE_CHARS.test(this.c.peek())) return this.c.expect('an amino acid or the end');
    return { kind: 'protein-position', positions, notation: this.g.proteinNotation() };
  };

  /** A residue and its position ("V600", "Val600", "*214"), or a bare position ("193") as some reports write. */
  private shortPos(): Parsed<AminoAcidPosition> {
    return this.c.choice(this.g.def_p_pos, () => {
      const n = this.g.num();
      return n === FAIL ? FAIL : { aa: '', pos: n };
    });
  }
}

function normalizeFusionWord(w: string): 'fusion' | 'fusions' | 'rearrangement' | 'translocation' {
  return w === 'rearrangements' ? 'rearrangement' : (w as 'fusion' | 'fusions' | 'rearrangement' | 'translocation');
}

let sharedShorthand: ShorthandGrammar | undefined;

/** Parses an HGVS description (strict, as the HGVS grammar): "NM_004333.4:c.1799T>A", "p.Val600Glu", "c.2235_2249del". */
export function parseHgvs(text: string): HgvsVariant {
  const c = new Cursor(text);
  const r = hgvsGrammarFor(c).variant();
  if (r === FAIL || c.end() === FAIL) throw c.error();
  return r;
}

/**
 * Parses a variant name as reports and knowledge bases write it (see the module comment). Keywords in any letter
 * case; surrounding blanks ignored. Throws HgvsParseError naming the position (1-based) and what was expected.
 */
export function parseVariantName(text: string): VariantName {
  // blanks around the name are ignored, blanks inside are read by the grammar (so positions stay the input's)
  const lead = text.length - text.trimStart().length;
  const trimmed = text.trim();
  const c = new Cursor(trimmed, true);
  sharedShorthand ??= new ShorthandGrammar(c);
  const r = sharedShorthand.use(c).name();
  if (r === FAIL || c.end() === FAIL) {
    const e = c.error();
    // positions refer to the text as given
    throw new HgvsParseError(text, e.index + lead, e.expected);
  }
  return r;
}

export type VariantNameResult = { ok: true; value: VariantName } | { ok: false; error: HgvsParseError };

export function tryParseVariantName(text: string): VariantNameResult {
  try {
    return { ok: true, value: parseVariantName(text) };
  } catch (error) {
    if (error instanceof HgvsParseError) return { ok: false, error };
    throw error;
  }
}

/** Formats a variant name; `formatVariantName(parseVariantName(s)) === s` when s is written canonically. */
export function formatVariantName(v: VariantName): string {
  const gene = (x: { gene?: string }, s: string) => (x.gene ? `${x.gene} ${s}` : s);
  switch (v.kind) {
    case 'hgvs':
      return formatHgvs(v);
    case 'protein-change': {
      let s = formatProteinPosEdit(v.change, v.notation);
      if (v.alternatives?.length) s += v.alternatives.map((a) => `/${formatResidues(a, v.notation.aminoAcids, v.notation.stop)}`).join('');
      if (v.coding) s += ` (${formatHgvs(v.coding)})`;
      return gene(v, s);
    }
    case 'protein-position':
      return gene(v, v.positions.map((p) => formatAminoAcidPosition(p, v.notation)).join('/'));
    case 'exon':
      return gene(v, `${v.region} ${v.first}${v.last !== v.first ? `-${v.last}` : ''} ${v.effect}`);
    case 'category':
      return gene(v, VARIANT_CATEGORIES[v.category][0] + (v.coding ? ` (${formatHgvs(v.coding)})` : ''));
    case 'fusion': {
      const word = v.word ? ` ${v.word}` : '';
      if (v.fivePrime && v.threePrime) return `${v.fivePrime}${v.separator ?? '-'}${v.threePrime}${word}${v.breakpoint ? ` ${v.breakpoint}` : ''}`;
      if (v.gene) return `${v.gene}${word || ' fusion'}`;
      return (word || ' fusion').trim();
    }
    case 'dbsnp':
      return v.zygosity ? `${v.id} ${v.zygosity}` : v.id;
    case 'compound':
      return v.parts.map((p, i) => (i === 0 ? '' : v.separators[i - 1]) + formatVariantName(p)).join('');
  }
}
