/**
 * A recursive-descent PEG parser for HGVS sequence variant descriptions, rule for rule after the grammar of the
 * biocommons `hgvs` package (hgvs.pymeta, Apache-2.0), so that its grammar conformance file can test each rule by
 * name. Ordered choice and full backtracking as in PEG; errors report the furthest position reached and what was
 * expected there. Additions over biocommons: unknown intronic offsets ("c.88-?"), "?" positions in c./n./r.
 */
import { AMINO_ACIDS_3_TO_1, ONE_LETTER_CODES, POSITION_RESIDUES, THREE_LETTER_CODES } from './amino-acids';
import type {
  AminoAcidPosition,
  HgvsPosition,
  HgvsVariant,
  Interval,
  IntervalRange,
  NucleotideEdit,
  NucleotideLocation,
  NucleotidePosEdit,
  NucleotidePosition,
  NucleotideSequenceType,
  ProteinEdit,
  ProteinNotation,
  ProteinPosEdit,
  SequenceType,
} from './ast';
import { Cursor, FAIL, type Parsed } from './cursor';

const DNA_IUPAC = 'ACGTRYMKWSBDHVNacgtrymkwsbdhvn';
const RNA_IUPAC = 'ACGURYMKWSBDHVNacgurymkwsbdhvn';
const NA_IUPAC = 'ACGTURYMKWSBDHVNacgturymkwsbdhvn';
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const LETTERS_DIGITS = LETTERS + '0123456789';

interface ExtensionTail {
  terminator: boolean;
  residue?: string;
  length?: number | '?';
  written?: string;
}

/** A residue as parsed: one-letter code and how it was written (for the notation). */
interface Residue {
  aa: string;
  written: string;
}

export class HgvsGrammar {
  /** Residue and stop spellings met while parsing a protein description (the first one sets the notation). */
  private notation: Partial<ProteinNotation> = {};

  constructor(public c: Cursor) {}

  /** Points this grammar at a new input (one grammar object is reused: building its rule closures is the cost). */
  use(c: Cursor): this {
    this.c = c;
    this.notation = {};
    return this;
  }

  /** Forgets the notation seen so far (a new protein description starts). */
  resetNotation(): void {
    this.notation = {};
  }

  /** The notation seen so far (default three-letter, 'Ter'). */
  proteinNotation(): ProteinNotation {
    return { aminoAcids: this.notation.aminoAcids ?? '3', stop: this.notation.stop ?? (this.notation.aminoAcids === '1' ? '*' : 'Ter') };
  }

  private noteResidue(written: string): void {
    if (written === '*' || written === 'Ter' || written === 'X') {
      this.notation.stop ??= written;
      if (written === 'Ter') this.notation.aminoAcids ??= '3';
    } else if (written.length === 3) this.notation.aminoAcids ??= '3';
    else this.notation.aminoAcids ??= '1';
  }

  // ───────────────────────────── variants ─────────────────────────────

  hgvs_variant = (): Parsed<HgvsVariant> =>
    this.c.choice(this.g_variant, this.m_variant, this.c_variant, this.n_variant, this.r_variant, this.p_variant);

  private naVariant(type: NucleotideSequenceType, posedit: () => Parsed<NucleotidePosEdit>): Parsed<HgvsVariant> {
    const ac = this.accn();
    if (ac === FAIL) return FAIL;
    const gene = this.opt_gene_expr();
    if (this.c.literal(':') === FAIL) return FAIL;
    return this.typedNa(type, posedit, ac, gene);
  }

  private typedNa(type: NucleotideSequenceType, posedit: () => Parsed<NucleotidePosEdit>, reference?: string, gene?: string | null): Parsed<HgvsVariant> {
    if (this.c.literal(type) === FAIL || this.c.literal('.') === FAIL) return FAIL;
    const pe = posedit();
    if (pe === FAIL) return FAIL;
    return { kind: 'hgvs', ...(reference !== undefined ? { reference } : {}), ...(gene ? { gene } : {}), type, posedit: pe };
  }

  private typedP(reference?: string, gene?: string | null): Parsed<HgvsVariant> {
    if (this.c.literal('p') === FAIL || this.c.literal('.') === FAIL) return FAIL;
    this.resetNotation();
    const pe = this.p_posedit();
    if (pe === FAIL) return FAIL;
    return { kind: 'hgvs', ...(reference !== undefined ? { reference } : {}), ...(gene ? { gene } : {}), type: 'p', posedit: pe, notation: this.proteinNotation() };
  }

  c_variant = () => this.naVariant('c', this.c_posedit);
  g_variant = () => this.naVariant('g', this.g_posedit);
  m_variant = () => this.naVariant('m', this.m_posedit);
  n_variant = () => this.naVariant('n', this.n_posedit);
  r_variant = () => this.naVariant('r', this.r_posedit);
  p_variant = (): Parsed<HgvsVariant> => {
    const ac = this.accn();
    if (ac === FAIL) return FAIL;
    const gene = this.opt_gene_expr();
    if (this.c.literal(':') === FAIL) return FAIL;
    return this.typedP(ac, gene);
  };

  /** A variant with or without its reference sequence: "NM_004333.4:c.1799T>A" or "c.1799T>A" or "p.V600E". */
  variant = (): Parsed<HgvsVariant> =>
    this.c.choice(this.hgvs_variant, () =>
      this.c.choice(this.g_typed_posedit, this.m_typed_posedit, this.c_typed_posedit, this.n_typed_posedit, this.r_typed_posedit, this.p_typed_posedit),
    );

  c_typed_posedit = () => this.typedNa('c', this.c_posedit);
  g_typed_posedit = () => this.typedNa('g', this.g_posedit);
  m_typed_posedit = () => this.typedNa('m', this.m_posedit);
  n_typed_posedit = () => this.typedNa('n', this.n_posedit);
  r_typed_posedit = () => this.typedNa('r', this.r_posedit);
  p_typed_posedit = () => this.typedP();

  // ───────────────────────────── positions without edit ─────────────────────────────

  hgvs_position = (): Parsed<HgvsPosition> =>
    this.c.choice(this.g_hgvs_position, this.m_hgvs_position, this.c_hgvs_position, this.n_hgvs_position, this.r_hgvs_position, this.p_hgvs_position);

  private position(type: SequenceType, interval: () => Parsed<HgvsPosition['location']>): Parsed<HgvsPosition> {
    const ac = this.accn();
    if (ac === FAIL) return FAIL;
    const gene = this.opt_gene_expr();
    if (this.c.literal(':') === FAIL || this.c.literal(type) === FAIL || this.c.literal('.') === FAIL) return FAIL;
    const location = interval();
    if (location === FAIL) return FAIL;
    return { reference: ac, ...(gene ? { gene } : {}), type, location };
  }

  c_hgvs_position = () => this.position('c', this.c_interval);
  g_hgvs_position = () => this.position('g', this.g_interval);
  m_hgvs_position = () => this.position('m', this.m_interval);
  n_hgvs_position = () => this.position('n', this.n_interval);
  r_hgvs_position = () => this.position('r', this.r_interval);
  p_hgvs_position = () => this.position('p', this.p_interval);

  // ───────────────────────────── posedits ─────────────────────────────

  private naPosedit(interval: () => Parsed<NucleotideLocation>, edit: () => Parsed<NucleotideEdit>, allowParenthesized: boolean): Parsed<NucleotidePosEdit> {
    const plain = (): Parsed<NucleotidePosEdit> => {
      const location = interval();
      if (location === FAIL) return FAIL;
      const e = edit();
      if (e === FAIL) return FAIL;
      return { location, edit: e, uncertain: false };
    };
    if (!allowParenthesized) return plain();
    return this.c.choice(plain, () => {
      if (this.c.literal('(') === FAIL) return FAIL;
      const pe = plain();
      if (pe === FAIL || this.c.literal(')') === FAIL) return FAIL;
      return { ...pe, uncertain: true };
    });
  }

  c_posedit = () => this.naPosedit(this.c_interval, this.dna_edit, false);
  g_posedit = () => this.naPosedit(this.g_interval, this.dna_edit, false);
  m_posedit = () => this.naPosedit(this.m_interval, this.dna_edit, false);
  n_posedit = () => this.naPosedit(this.n_interval, this.dna_edit, false);
  r_posedit = () => this.naPosedit(this.r_interval, this.rna_edit, true);

  p_posedit = (): Parsed<ProteinPosEdit> =>
    this.c.choice<ProteinPosEdit>(
      () => {
        const location = this.p_interval();
        if (location === FAIL) return FAIL;
        const edit = this.pro_edit();
        if (edit === FAIL) return FAIL;
        return { kind: 'change', location, edit, predicted: false };
      },
      () => {
        if (this.c.literal('(') === FAIL) return FAIL;
        const location = this.p_interval();
        if (location === FAIL) return FAIL;
        const edit = this.pro_edit();
        if (edit === FAIL || this.c.literal(')') === FAIL) return FAIL;
        return { kind: 'change', location, edit, predicted: true };
      },
      this.p_posedit_special,
    );

  /** "=", "(=)", "0?", "0", "?" */
  p_posedit_special = (): Parsed<ProteinPosEdit> =>
    this.c.choice<ProteinPosEdit>(
      () => (this.c.literal('=') === FAIL ? FAIL : { kind: 'no-change', predicted: false }),
      () => (this.c.literal('(') === FAIL || this.c.literal('=') === FAIL || this.c.literal(')') === FAIL ? FAIL : { kind: 'no-change', predicted: true }),
      () => (this.c.literal('0') === FAIL || this.c.literal('?') === FAIL ? FAIL : { kind: 'no-protein', predicted: true }),
      () => (this.c.literal('0') === FAIL ? FAIL : { kind: 'no-protein', predicted: false }),
      () => (this.c.literal('?') === FAIL ? FAIL : { kind: 'unknown' }),
    );

  // ───────────────────────────── nucleotide edits ─────────────────────────────

  private naEdit(alphabet: string, label: string, allowCopy: boolean): Parsed<NucleotideEdit> {
    const c = this.c;
    const base = () => c.charIn(alphabet, label);
    const seq = (min: 0 | 1): Parsed<string> => {
      let s = '';
      while (true) {
        const b = c.attempt(base);
        if (b === FAIL) break;
        s += b;
      }
      if (s.length < min) return c.expect(label);
      return s;
    };
    const refOrLength = (): { ref?: string; refLength?: number } => {
      const n = c.optional(() => c.digits());
      if (n !== undefined) return { refLength: Number(n) };
      const s = seq(0) as string;
      return s ? { ref: s } : {};
    };
    return c.choice<NucleotideEdit>(
      // identity: "=", "T="
      () => {
        const ref = seq(0) as string;
        return c.literal('=') === FAIL ? FAIL : { type: 'identity', ref };
      },
      // substitution: "A>T"
      () => {
        const ref = base();
        if (ref === FAIL || c.literal('>') === FAIL) return FAIL;
        const alt = base();
        return alt === FAIL ? FAIL : { type: 'substitution', ref, alt };
      },
      // delins: "delinsTG", "delACinsTG", "del2insTG"
      () => {
        if (c.keyword('del') === FAIL) return FAIL;
        const r = refOrLength();
        if (c.keyword('ins') === FAIL) return FAIL;
        const alt = seq(1);
        return alt === FAIL ? FAIL : { type: 'delins', ...r, alt };
      },
      () => {
        if (c.keyword('ins') === FAIL) return FAIL;
        const alt = seq(1);
        return alt === FAIL ? FAIL : { type: 'insertion', alt };
      },
      () => (c.keyword('del') === FAIL ? FAIL : { type: 'deletion', ...refOrLength() }),
      () => {
        if (c.keyword('dup') === FAIL) return FAIL;
        const ref = seq(0) as string;
        return ref ? { type: 'duplication', ref } : { type: 'duplication' };
      },
      () => (c.keyword('inv') === FAIL ? FAIL : { type: 'inversion', ...refOrLength() }),
      () => {
        if (c.keyword('con') === FAIL) return FAIL;
        const source = this.hgvs_position();
        return source === FAIL ? FAIL : { type: 'conversion', source };
      },
      () => {
        if (!allowCopy || c.keyword('copy') === FAIL) return FAIL;
        const n = this.num();
        return n === FAIL ? FAIL : { type: 'copy', copies: n };
      },
    );
  }

  dna_edit = () => this.naEdit(DNA_IUPAC, 'a nucleotide', true);
  rna_edit = () => this.naEdit(RNA_IUPAC, 'an RNA nucleotide', false);

  private parenthesizedEdit<E extends { uncertain?: boolean }>(edit: () => Parsed<E>): Parsed<E> {
    return this.c.choice(edit, () => {
      if (this.c.literal('(') === FAIL) return FAIL;
      const e = edit();
      if (e === FAIL || this.c.literal(')') === FAIL) return FAIL;
      return { ...e, uncertain: true };
    });
  }

  dna_edit_mu = () => this.parenthesizedEdit(this.dna_edit);
  rna_edit_mu = () => this.parenthesizedEdit(this.rna_edit);

  /** The single-edit rules, each one edit kind of dna_edit/rna_edit (for the conformance file). */
  private only<T extends string>(edit: () => Parsed<NucleotideEdit>, ...types: T[]) {
    return (): Parsed<NucleotideEdit> => {
      const e = edit();
      return e !== FAIL && (types as string[]).includes(e.type) ? e : FAIL;
    };
  }
  dna_ident = this.only(this.dna_edit, 'identity');
  dna_subst = this.only(this.dna_edit, 'substitution');
  dna_delins = this.only(this.dna_edit, 'delins');
  dna_del = this.only(this.dna_edit, 'deletion');
  dna_ins = this.only(this.dna_edit, 'insertion');
  dna_dup = this.only(this.dna_edit, 'duplication');
  dna_inv = this.only(this.dna_edit, 'inversion');
  dna_con = this.only(this.dna_edit, 'conversion');
  dna_copy = this.only(this.dna_edit, 'copy');
  rna_ident = this.only(this.rna_edit, 'identity');
  rna_subst = this.only(this.rna_edit, 'substitution');
  rna_delins = this.only(this.rna_edit, 'delins');
  rna_del = this.only(this.rna_edit, 'deletion');
  rna_ins = this.only(this.rna_edit, 'insertion');
  rna_dup = this.only(this.rna_edit, 'duplication');
  rna_inv = this.only(this.rna_edit, 'inversion');
  rna_con = this.only(this.rna_edit, 'conversion');

  // ───────────────────────────── protein edits ─────────────────────────────

  pro_edit = (): Parsed<ProteinEdit> =>
    this.c.choice(this.pro_fs, this.pro_ext, this.pro_subst, this.pro_delins, this.pro_ins, this.pro_del, this.pro_dup, this.pro_ident);

  pro_edit_mu = () => this.parenthesizedEdit(this.pro_edit);

  pro_subst = (): Parsed<ProteinEdit> => {
    const alt = this.c.choice(
      () => {
        const r = this.aat13();
        return r === FAIL ? FAIL : r.aa;
      },
      () => this.c.literal('?'),
    );
    return alt === FAIL ? FAIL : { type: 'substitution', alt };
  };

  pro_delins = (): Parsed<ProteinEdit> => {
    if (this.c.keyword('delins') === FAIL) return FAIL;
    const alt = this.aat13_seq();
    return alt === FAIL ? FAIL : { type: 'delins', alt };
  };

  pro_del = (): Parsed<ProteinEdit> => (this.c.keyword('del') === FAIL ? FAIL : { type: 'deletion' });

  pro_ins = (): Parsed<ProteinEdit> => {
    if (this.c.keyword('ins') === FAIL) return FAIL;
    const alt = this.aat13_seq();
    return alt === FAIL ? FAIL : { type: 'insertion', alt };
  };

  pro_dup = (): Parsed<ProteinEdit> => (this.c.keyword('dup') === FAIL ? FAIL : { type: 'duplication' });

  pro_fs = (): Parsed<ProteinEdit> => {
    const alt = this.c.optional(this.aat13);
    const fs = this.fs();
    if (fs === FAIL) return FAIL;
    return { type: 'frameshift', ...(alt ? { alt: alt.aa } : {}), ...fs };
  };

  pro_ext = (): Parsed<ProteinEdit> => {
    const alt = this.c.optional(this.aat13);
    const ext = this.ext();
    if (ext === FAIL) return FAIL;
    const { written: _written, ...rest } = ext;
    return { type: 'extension', ...(alt ? { alt: alt.aa } : {}), ...rest };
  };

  pro_ident = (): Parsed<ProteinEdit> => (this.c.literal('=') === FAIL ? FAIL : { type: 'identity' });

  /** "fs", "fs*", "fsTer12", "fs*?" → terminator written, length */
  fs = (): Parsed<{ terminator: boolean; length?: number | '?' }> => {
    if (this.c.keyword('fs') === FAIL) return FAIL;
    const n = this.c.optional(this.aa13_fs);
    return n === undefined ? { terminator: false } : { terminator: true, ...(n.length !== undefined ? { length: n.length } : {}) };
  };

  aa13_fs = (): Parsed<{ length?: number | '?' }> => {
    const t = this.term13();
    if (t === FAIL) return FAIL;
    this.noteResidue(t.written);
    const n = this.fsext_offset();
    return n === null ? {} : { length: n };
  };

  /** "ext", "ext*17", "extTer?", "ext-5", "extMet-5"; `written`: the terminator or residue as spelled */
  ext = (): Parsed<ExtensionTail> => {
    if (this.c.keyword('ext') === FAIL) return FAIL;
    const r = this.c.optional(this.aa13_ext);
    return r ?? { terminator: false };
  };

  aa13_ext = (): Parsed<ExtensionTail> =>
    this.c.choice<ExtensionTail>(
      () => {
        const t = this.term13();
        if (t === FAIL) return FAIL;
        this.noteResidue(t.written);
        const n = this.fsext_offset();
        return { terminator: true, written: t.written, ...(n === null ? {} : { length: n }) };
      },
      () => {
        const aa = this.c.optional(this.aa13);
        const n = this.nnum();
        if (n === FAIL) return FAIL;
        return { terminator: false, ...(aa ? { residue: aa.aa, written: aa.written } : {}), length: n };
      },
    );

  fsext_offset = (): number | '?' | null => {
    const n = this.c.optional(this.num);
    if (n !== undefined) return n;
    if (this.c.attempt(() => this.c.literal('?')) !== FAIL) return '?';
    return null;
  };

  // ───────────────────────────── locations ─────────────────────────────

  /** interval | "(" interval ")" | uncertain range — the shape of c., g., n. locations. */
  private naInterval(def: () => Parsed<Interval<NucleotidePosition>>, allowRange: boolean): Parsed<NucleotideLocation> {
    const c = this.c;
    const parenthesized = (): Parsed<Interval<NucleotidePosition>> => {
      if (c.literal('(') === FAIL) return FAIL;
      const iv = def();
      if (iv === FAIL || c.literal(')') === FAIL) return FAIL;
      return { ...iv, uncertain: true };
    };
    const alternatives: (() => Parsed<NucleotideLocation>)[] = [];
    if (allowRange) {
      alternatives.push(() => {
        const r = this.uncertainRange(def);
        return r === FAIL ? FAIL : { kind: 'range', ...r };
      });
    }
    alternatives.push(
      () => {
        const iv = parenthesized();
        return iv === FAIL ? FAIL : { kind: 'interval', ...iv };
      },
      () => {
        const iv = def();
        return iv === FAIL ? FAIL : { kind: 'interval', ...iv };
      },
    );
    return c.choice(...alternatives);
  }

  /** "(1_10)_(21_30)", "1_(21_30)", "(1_10)_21" */
  private uncertainRange(def: () => Parsed<Interval<NucleotidePosition>>): Parsed<IntervalRange<NucleotidePosition>> {
    const c = this.c;
    const paren = (): Parsed<Interval<NucleotidePosition>> => {
      if (c.literal('(') === FAIL) return FAIL;
      const iv = def();
      if (iv === FAIL || c.literal(')') === FAIL) return FAIL;
      return { ...iv, uncertain: true };
    };
    const seq = (a: typeof paren, b: typeof paren): Parsed<IntervalRange<NucleotidePosition>> => {
      const start = a();
      if (start === FAIL || c.literal('_') === FAIL) return FAIL;
      const end = b();
      return end === FAIL ? FAIL : { start, end };
    };
    return c.choice(
      () => seq(paren, paren),
      () => seq(def, paren),
      () => seq(paren, def),
    );
  }

  c_interval = () => this.naInterval(this.def_c_interval, true);
  n_interval = () => this.naInterval(this.def_n_interval, true);
  g_interval = () => this.naInterval(this.def_g_interval, true);
  m_interval = () => this.naInterval(this.def_m_interval, false);
  r_interval = () => this.naInterval(this.def_r_interval, false);
  uncertain_c_interval = () => this.uncertainRange(this.def_c_interval);
  uncertain_n_interval = () => this.uncertainRange(this.def_n_interval);
  uncertain_g_interval = () => this.uncertainRange(this.def_g_interval);

  p_interval = (): Parsed<Interval<AminoAcidPosition>> =>
    this.c.choice(this.def_p_interval, () => {
      if (this.c.literal('(') === FAIL) return FAIL;
      const iv = this.def_p_interval();
      if (iv === FAIL || this.c.literal(')') === FAIL) return FAIL;
      return { ...iv, uncertain: true };
    });

  private defInterval<P>(pos: () => Parsed<P>): Parsed<Interval<P>> {
    const start = pos();
    if (start === FAIL) return FAIL;
    const end = this.c.optional(() => (this.c.literal('_') === FAIL ? FAIL : pos()));
    return end === undefined ? { start, uncertain: false } : { start, end, uncertain: false };
  }

  def_c_interval = () => this.defInterval(this.def_c_pos);
  def_n_interval = () => this.defInterval(this.def_n_pos);
  def_g_interval = () => this.defInterval(this.def_g_pos);
  def_m_interval = () => this.defInterval(this.def_m_pos);
  def_r_interval = () => this.defInterval(this.def_r_pos);
  def_p_interval = () => this.defInterval(this.def_p_pos);

  /** c. position: "76", "-14", "88+1", "89-2", "*46", "*46+3", "?", "88+?" */
  def_c_pos = (): Parsed<NucleotidePosition> =>
    this.c.labeled('a position', () =>
      this.c.choice(
        () => {
          if (this.c.literal('*') === FAIL) return FAIL;
          const b = this.num();
          if (b === FAIL) return FAIL;
          return { datum: 'cds-end', base: b, ...this.intronOffset() };
        },
        () => this.baseOffsetPos(),
      ),
    );

  def_n_pos = (): Parsed<NucleotidePosition> => this.c.labeled('a position', () => this.baseOffsetPos());
  def_r_pos = (): Parsed<NucleotidePosition> => this.c.labeled('a position', () => this.baseOffsetPos(false));

  private baseOffsetPos(allowUnknown = true): Parsed<NucleotidePosition> {
    if (allowUnknown && this.c.attempt(() => this.c.literal('?')) !== FAIL) return { datum: 'start', base: null, offset: 0 };
    const b = this.snum();
    if (b === FAIL) return FAIL;
    return { datum: 'start', base: b, ...this.intronOffset() };
  }

  private intronOffset(): { offset: number; offsetUnknown?: '+' | '-' } {
    const unknown = this.c.optional(() => {
      const sign = this.pm();
      if (sign === FAIL || this.c.literal('?') === FAIL) return FAIL;
      return sign as '+' | '-';
    });
    if (unknown) return { offset: 0, offsetUnknown: unknown };
    return { offset: this.offset() };
  }

  def_g_pos = (): Parsed<NucleotidePosition> => this.simplePos();
  def_m_pos = (): Parsed<NucleotidePosition> => this.simplePos();

  private simplePos(): Parsed<NucleotidePosition> {
    return this.c.labeled('a position', () =>
      this.c.choice<NucleotidePosition>(
        () => {
          const n = this.num();
          return n === FAIL ? FAIL : { datum: 'start', base: n, offset: 0 };
        },
        () => (this.c.literal('?') === FAIL ? FAIL : { datum: 'start', base: null, offset: 0 }),
      ),
    );
  }

  /** "Val600", "V600", "Ter110", "*110" — the residue must be a standard one or the stop. */
  def_p_pos = (): Parsed<AminoAcidPosition> => {
    const aa = this.c.labeled('an amino acid', () =>
      this.c.choice(this.term13, () => {
        const r = this.aa13();
        return r !== FAIL && POSITION_RESIDUES.has(r.aa) ? r : FAIL;
      }),
    );
    if (aa === FAIL) return FAIL;
    const pos = this.num();
    if (pos === FAIL) return FAIL;
    this.noteResidue(aa.written);
    return { aa: aa.aa, pos };
  };

  c_pos = () => this.def_c_pos();
  g_pos = () => this.def_g_pos();
  m_pos = () => this.def_m_pos();
  n_pos = () => this.def_n_pos();
  p_pos = () => this.def_p_pos();
  r_pos = () => this.def_r_pos();

  // ───────────────────────────── residues and sequences ─────────────────────────────

  // HGVS: one description uses one notation; after a three-letter residue a one-letter one is not read (and the
  // reverse), so "p.Val600Glq" stops at the G with "expected an amino acid" (stops are exempt: "p.Gly25Trpfs*10").
  aa1 = (): Parsed<Residue> => {
    if (this.notation.aminoAcids === '3') return this.c.expect('an amino acid');
    const ch = this.c.charIn(ONE_LETTER_CODES, 'an amino acid');
    return ch === FAIL ? FAIL : { aa: ch, written: ch };
  };

  aa3 = (): Parsed<Residue> => {
    const three = this.c.text.slice(this.c.pos, this.c.pos + 3);
    const one = THREE_LETTER_CODES.includes(three) && this.notation.aminoAcids !== '1' ? AMINO_ACIDS_3_TO_1[three] : undefined;
    if (!one) return this.c.expect('an amino acid');
    this.c.pos += 3;
    return { aa: one, written: three };
  };

  aa13 = (): Parsed<Residue> => this.c.labeled('an amino acid', () => this.c.choice(this.aa3, this.aa1));

  term1 = (): Parsed<Residue> => {
    const ch = this.c.charIn('X*', "a stop ('*', 'X' or 'Ter')");
    return ch === FAIL ? FAIL : { aa: '*', written: ch };
  };
  term3 = (): Parsed<Residue> => (this.c.literal('Ter') === FAIL ? FAIL : { aa: '*', written: 'Ter' });
  term13 = (): Parsed<Residue> => this.c.labeled("a stop ('*', 'X' or 'Ter')", () => this.c.choice(this.term3, this.term1));

  aat1 = (): Parsed<Residue> => this.c.choice(this.term1, this.aa1);
  aat3 = (): Parsed<Residue> => this.c.choice(this.term3, this.aa3);
  aat13 = (): Parsed<Residue> => {
    const r = this.c.labeled('an amino acid', () => this.c.choice(this.aat3, this.aat1));
    if (r !== FAIL) this.noteResidue(r.written);
    return r;
  };

  private residues(one: () => Parsed<Residue>, min: number, label: string): Parsed<Residue[]> {
    const out: Residue[] = [];
    while (true) {
      const r = this.c.attempt(one);
      if (r === FAIL) break;
      out.push(r);
    }
    if (out.length < min) return this.c.expect(label);
    return out;
  }

  private join(rs: Residue[]): string {
    for (const r of rs) this.noteResidue(r.written);
    return rs.map((r) => r.aa).join('');
  }

  aa1_seq = (): Parsed<string> => {
    const rs = this.residues(this.aa1, 1, 'an amino acid');
    return rs === FAIL ? FAIL : this.join(rs);
  };
  aa3_seq = (): Parsed<string> => {
    const rs = this.residues(this.aa3, 1, 'an amino acid');
    return rs === FAIL ? FAIL : this.join(rs);
  };
  aa13_seq = (): Parsed<string> => this.c.choice(this.aa3_seq, this.aa1_seq);

  /** Residues, optionally ending in a stop: "Gly", "GlyTer", "Ter" / "G", "G*", "*" */
  private terminatedSeq(aa: () => Parsed<Residue>, term: () => Parsed<Residue>): Parsed<string> {
    return this.c.choice(
      () => {
        const t = term();
        return t === FAIL ? FAIL : this.join([t]);
      },
      () => {
        const rs = this.residues(aa, 1, 'an amino acid');
        if (rs === FAIL) return FAIL;
        const t = this.c.optional(term);
        return this.join(t ? [...rs, t] : rs);
      },
    );
  }
  aat1_seq = () => this.terminatedSeq(this.aa1, this.term1);
  aat3_seq = () => this.terminatedSeq(this.aa3, this.term3);
  aat13_seq = (): Parsed<string> => this.c.labeled('amino acids', () => this.c.choice(this.aat3_seq, this.aat1_seq));

  dna = () => this.c.charIn(DNA_IUPAC, 'a nucleotide');
  dna_iupac = this.dna;
  rna = () => this.c.charIn(RNA_IUPAC, 'an RNA nucleotide');
  rna_iupac = this.rna;
  na_iupac = () => this.c.charIn(NA_IUPAC, 'a nucleotide');
  dna_seq = (): Parsed<string> => this.naSeq(this.dna);
  rna_seq = (): Parsed<string> => this.naSeq(this.rna);
  private naSeq(one: () => Parsed<string>): Parsed<string> {
    let s = '';
    while (true) {
      const b = this.c.attempt(one);
      if (b === FAIL) break;
      s += b;
    }
    return s ? s : FAIL;
  }

  // ───────────────────────────── numbers ─────────────────────────────

  num = (): Parsed<number> => {
    const d = this.c.digits();
    return d === FAIL ? FAIL : Number(d);
  };
  pm = (): Parsed<string> => this.c.charIn('-+', "'+' or '-'");
  snum = (): Parsed<number> =>
    this.c.attempt(() => {
      const sign = this.c.optional(this.pm);
      const n = this.num();
      return n === FAIL ? FAIL : sign === '-' ? -n : n;
    });
  nnum = (): Parsed<number> =>
    this.c.attempt(() => {
      if (this.c.literal('-') === FAIL) return FAIL;
      const n = this.num();
      return n === FAIL ? FAIL : -n;
    });
  base = () => this.snum();
  offset = (): number => this.c.optional(this.snum) ?? 0;

  // ───────────────────────────── accessions and genes ─────────────────────────────

  /** "NM_004333.4", "NC_000007.13", "ENST00000288602.6", "LRG_199t1"; a '-' or '_' must be followed by a letter or digit. */
  accn = (): Parsed<string> =>
    this.c.labeled('a reference sequence', () => {
      const c = this.c;
      const start = c.pos;
      if (c.charIn(LETTERS, 'a letter') === FAIL) return FAIL;
      this.identifierTail();
      c.optional(() => {
        if (c.literal('.') === FAIL) return FAIL;
        return c.digits();
      });
      return c.text.slice(start, c.pos);
    });

  private identifierTail(): number {
    const c = this.c;
    let n = 0;
    while (true) {
      const ch = c.peek();
      if (ch !== '' && LETTERS_DIGITS.includes(ch)) {
        c.pos++;
        n++;
      } else if ((ch === '-' || ch === '_') && c.peek(1) !== '' && LETTERS_DIGITS.includes(c.peek(1))) {
        c.pos++;
        n++;
      } else return n;
    }
  }

  gene_symbol = (): Parsed<string> =>
    this.c.labeled('a gene symbol', () => {
      const start = this.c.pos;
      if (this.c.charIn(LETTERS, 'a letter') === FAIL) return FAIL;
      if (this.identifierTail() === 0) return FAIL;
      return this.c.text.slice(start, this.c.pos);
    });

  paren_gene = (): Parsed<string> => {
    if (this.c.literal('(') === FAIL) return FAIL;
    const g = this.gene_symbol();
    if (g === FAIL || this.c.literal(')') === FAIL) return FAIL;
    return g;
  };

  opt_gene_expr = (): string | null => this.c.optional(this.paren_gene) ?? null;
}

/** The grammar's rule names, each callable on its own (the biocommons conformance file tests them one by one). */
export type HgvsRuleName = {
  [K in keyof HgvsGrammar]: HgvsGrammar[K] extends () => unknown ? (K extends 'proteinNotation' | 'resetNotation' | 'use' ? never : K) : never;
}[keyof HgvsGrammar];

/** Parses the whole of `input` with one named rule; throws HgvsParseError when the input does not fit. */
let shared: HgvsGrammar | undefined;
/** The grammar, reused across parses (parsing is synchronous, so one at a time), pointed at `cursor`. */
export function hgvsGrammarFor(cursor: Cursor): HgvsGrammar {
  shared ??= new HgvsGrammar(cursor);
  return shared.use(cursor);
}

export function parseHgvsRule(rule: HgvsRuleName, input: string): unknown {
  const cursor = new Cursor(input);
  const grammar = hgvsGrammarFor(cursor);
  const fn = grammar[rule] as () => unknown;
  if (typeof fn !== 'function') throw new Error(`unknown HGVS grammar rule ${JSON.stringify(rule)}`);
  const r = fn();
  if (r === FAIL || cursor.end() === FAIL) throw cursor.error();
  return r;
}

export function isHgvsRuleName(name: string): name is HgvsRuleName {
  const g = hgvsGrammarFor(new Cursor('')) as unknown as Record<string, unknown>;
  return !['proteinNotation', 'resetNotation', 'use', 'c', 'constructor'].includes(name) && typeof g[name] === 'function';
}
