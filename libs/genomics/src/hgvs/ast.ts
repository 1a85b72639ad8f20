/**
 * The typed syntax tree of an HGVS variant description (HGVS nomenclature, varnomen.hgvs.org) and of the clinical
 * shorthand that reports and knowledge bases use ("V600E", "exon 19 deletion", "EML4-ALK fusion", "amplification").
 *
 * Residues are held as one-letter codes ('*' = stop, '?' = unknown); the notation the text used (one- or
 * three-letter, '*' / 'Ter' / 'X') is kept beside them so that formatting gives the same string back.
 */

/** c. = coding DNA, g. = genomic, m. = mitochondrial, n. = non-coding transcript, r. = RNA, p. = protein. */
export type NucleotideSequenceType = 'c' | 'g' | 'm' | 'n' | 'r';
export type SequenceType = NucleotideSequenceType | 'p';

/**
 * A nucleotide position. `base` is null for '?'. c. numbering: base < 0 is 5' UTR ("c.-12"), datum 'cds-end' is
 * 3' UTR ("c.*5"). `offset` is the intronic offset ("c.123+4" → base 123, offset 4); `offsetUnknown` marks
 * "c.123+?" / "c.124-?".
 */
export interface NucleotidePosition {
  datum: 'start' | 'cds-end';
  base: number | null;
  offset: number;
  offsetUnknown?: '+' | '-';
}

/** A residue at a position of a protein: aa is the one-letter code ('*' for the stop codon). */
export interface AminoAcidPosition {
  aa: string;
  pos: number;
}

/** "12" or "12_15"; `uncertain` when written in parentheses: "(12_15)". */
export interface Interval<P> {
  start: P;
  end?: P;
  uncertain: boolean;
}

/** A range whose ends are themselves uncertain intervals: "(100_110)_(200_210)", "?_(200_210)", "100_(200_?)". */
export interface IntervalRange<P> {
  start: Interval<P>;
  end: Interval<P>;
}

export type NucleotideLocation =
  | ({ kind: 'interval' } & Interval<NucleotidePosition>)
  | ({ kind: 'range' } & IntervalRange<NucleotidePosition>);

/** A position without an edit ("NM_01234.5:c.22+6", used as the source of a conversion). */
export interface HgvsPosition {
  reference: string;
  gene?: string;
  type: SequenceType;
  location: NucleotideLocation | Interval<AminoAcidPosition>;
}

export type NucleotideEdit = (
  | { type: 'identity'; ref: string }
  | { type: 'substitution'; ref: string; alt: string }
  /** "del", "delACT" (ref) or "del3" (refLength) */
  | { type: 'deletion'; ref?: string; refLength?: number }
  | { type: 'insertion'; alt: string }
  | { type: 'delins'; ref?: string; refLength?: number; alt: string }
  | { type: 'duplication'; ref?: string }
  | { type: 'inversion'; ref?: string; refLength?: number }
  | { type: 'conversion'; source: HgvsPosition }
  /** Invitae's "copyN" (N copies), accepted as biocommons does. */
  | { type: 'copy'; copies: number }
) & { uncertain?: boolean };

export type ProteinEdit = (
  /** alt: one-letter code, '*' for a stop, '?' for unknown ("p.Met1?") */
  | { type: 'substitution'; alt: string }
  | { type: 'identity' }
  /** ref: the deleted residues when the shorthand spells them ("D842_H845delDIMH"); HGVS p. does not. */
  | { type: 'deletion'; ref?: string }
  | { type: 'duplication'; ref?: string }
  | { type: 'insertion'; alt: string }
  | { type: 'delins'; alt: string }
  /**
   * "fs", "Argfs", "Argfs*", "ArgfsTer12", "fs*?": alt is the first changed residue; `terminator` says whether a
   * stop was written after "fs"; length is the new stop's position counted from the first changed residue.
   */
  | { type: 'frameshift'; alt?: string; terminator: boolean; length?: number | '?' }
  /**
   * "Ter110GlnextTer17" (alt Q, terminator, length 17), "Met1ValextMet-12" / "Met1ext-5" (N-terminal: negative
   * offset), "ext" alone.
   */
  | { type: 'extension'; alt?: string; terminator: boolean; residue?: string; length?: number | '?' }
) & { uncertain?: boolean };

export interface NucleotidePosEdit {
  location: NucleotideLocation;
  edit: NucleotideEdit;
  /** The whole position+edit in parentheses ("r.(5G>U)"): predicted, not observed. */
  uncertain: boolean;
}

export type ProteinPosEdit =
  | { kind: 'change'; location: Interval<AminoAcidPosition>; edit: ProteinEdit; predicted: boolean }
  /** "p.=" / "p.(=)": no change at the protein level */
  | { kind: 'no-change'; predicted: boolean }
  /** "p.0" / "p.0?": no protein is made */
  | { kind: 'no-protein'; predicted: boolean }
  /** "p.?": the effect is unknown */
  | { kind: 'unknown' };

/** How the text wrote residues and stops, so that formatting returns the same string. */
export interface ProteinNotation {
  aminoAcids: '1' | '3';
  stop: '*' | 'Ter' | 'X';
}

export type HgvsVariant =
  | {
      kind: 'hgvs';
      /** "NM_004333.4", "NC_000007.13", "ENST00000288602.6", absent for "c.1799T>A" */
      reference?: string;
      /** "NM_004333.4(BRAF):c.1799T>A" */
      gene?: string;
      type: NucleotideSequenceType;
      posedit: NucleotidePosEdit;
    }
  | {
      kind: 'hgvs';
      reference?: string;
      gene?: string;
      type: 'p';
      posedit: ProteinPosEdit;
      notation: ProteinNotation;
    };

export type ProteinHgvsVariant = Extract<HgvsVariant, { type: 'p' }>;
