/** Formats the HGVS syntax tree back to text. With no options, `formatHgvs(parseHgvs(s)) === s` for canonical input. */
import { formatResidues } from './amino-acids';
import type {
  AminoAcidPosition,
  HgvsPosition,
  HgvsVariant,
  Interval,
  NucleotideEdit,
  NucleotideLocation,
  NucleotidePosEdit,
  NucleotidePosition,
  ProteinEdit,
  ProteinNotation,
  ProteinPosEdit,
} from './ast';

export interface HgvsFormatOptions {
  /** residues as one- or three-letter codes; default: as the text was written */
  aminoAcids?: '1' | '3';
  /** the stop as '*', 'Ter' or 'X'; default: as written */
  stop?: '*' | 'Ter' | 'X';
  /** 'omit' drops deleted/duplicated sequences and counts ("delACT" → "del"), as biocommons prints; default 'keep' */
  deletedSequence?: 'keep' | 'omit';
  /** 'always' writes a stop after every fs ("Argfs" → "ArgfsTer"), as biocommons prints; default 'as-written' */
  frameshiftTerminator?: 'as-written' | 'always';
  /** leave out the reference sequence ("NM_004333.4:") */
  omitReference?: boolean;
}

export function formatHgvs(v: HgvsVariant, options: HgvsFormatOptions = {}): string {
  const prefix = !options.omitReference && v.reference !== undefined ? `${v.reference}${v.gene ? `(${v.gene})` : ''}:` : '';
  if (v.type === 'p') return `${prefix}p.${formatProteinPosEdit(v.posedit, resolveNotation(v.notation, options), options)}`;
  return `${prefix}${v.type}.${formatNucleotidePosEdit(v.posedit, options)}`;
}

export function resolveNotation(n: ProteinNotation, o: HgvsFormatOptions): ProteinNotation {
  return { aminoAcids: o.aminoAcids ?? n.aminoAcids, stop: o.stop ?? n.stop };
}

export function formatNucleotidePosEdit(pe: NucleotidePosEdit, o: HgvsFormatOptions = {}): string {
  const s = formatNucleotideLocation(pe.location) + formatNucleotideEdit(pe.edit, o);
  return pe.uncertain ? `(${s})` : s;
}

export function formatNucleotidePosition(p: NucleotidePosition): string {
  if (p.base === null) return '?';
  const base = p.datum === 'cds-end' ? `*${p.base}` : String(p.base);
  if (p.offsetUnknown) return `${base}${p.offsetUnknown}?`;
  if (p.offset === 0) return base;
  return `${base}${p.offset > 0 ? '+' : ''}${p.offset}`;
}

function formatInterval<P>(iv: Interval<P>, pos: (p: P) => string): string {
  const s = iv.end !== undefined ? `${pos(iv.start)}_${pos(iv.end)}` : pos(iv.start);
  return iv.uncertain ? `(${s})` : s;
}

export function formatNucleotideLocation(l: NucleotideLocation): string {
  if (l.kind === 'range') return `${formatInterval(l.start, formatNucleotidePosition)}_${formatInterval(l.end, formatNucleotidePosition)}`;
  return formatInterval(l, formatNucleotidePosition);
}

export function formatNucleotideEdit(e: NucleotideEdit, o: HgvsFormatOptions = {}): string {
  const keep = o.deletedSequence !== 'omit';
  const ref = (x: { ref?: string; refLength?: number }) => (!keep ? '' : x.ref ?? (x.refLength !== undefined ? String(x.refLength) : ''));
  let s: string;
  switch (e.type) {
    case 'identity':
      s = `${keep ? e.ref : ''}=`;
      break;
    case 'substitution':
      s = `${e.ref}>${e.alt}`;
      break;
    case 'deletion':
      s = `del${ref(e)}`;
      break;
    case 'insertion':
      s = `ins${e.alt}`;
      break;
    case 'delins':
      s = `del${ref(e)}ins${e.alt}`;
      break;
    case 'duplication':
      s = `dup${keep ? e.ref ?? '' : ''}`;
      break;
    case 'inversion':
      s = `inv${ref(e)}`;
      break;
    case 'conversion':
      s = `con${formatHgvsPosition(e.source)}`;
      break;
    case 'copy':
      s = `copy${e.copies}`;
      break;
  }
  return e.uncertain ? `(${s})` : s;
}

export function formatHgvsPosition(p: HgvsPosition): string {
  const loc =
    p.type === 'p'
      ? formatInterval(p.location as Interval<AminoAcidPosition>, (a) => formatAminoAcidPosition(a, { aminoAcids: '3', stop: 'Ter' }))
      : formatNucleotideLocation(p.location as NucleotideLocation);
  return `${p.reference}${p.gene ? `(${p.gene})` : ''}:${p.type}.${loc}`;
}

export function formatAminoAcidPosition(p: AminoAcidPosition, n: ProteinNotation): string {
  return `${formatResidues(p.aa, n.aminoAcids, n.stop)}${p.pos}`;
}

export function formatProteinPosEdit(pe: ProteinPosEdit, n: ProteinNotation, o: HgvsFormatOptions = {}): string {
  switch (pe.kind) {
    case 'no-change':
      return pe.predicted ? '(=)' : '=';
    case 'no-protein':
      return pe.predicted ? '0?' : '0';
    case 'unknown':
      return '?';
    case 'change': {
      const s = formatInterval(pe.location, (a) => formatAminoAcidPosition(a, n)) + formatProteinEdit(pe.edit, n, o);
      return pe.predicted ? `(${s})` : s;
    }
  }
}

export function formatProteinEdit(e: ProteinEdit, n: ProteinNotation, o: HgvsFormatOptions = {}): string {
  const aa = (s: string) => formatResidues(s, n.aminoAcids, n.stop);
  const stop = aa('*');
  const length = (l: number | '?' | undefined) => (l === undefined ? '' : String(l));
  let s: string;
  switch (e.type) {
    case 'substitution':
      s = e.alt === '?' ? '?' : aa(e.alt);
      break;
    case 'identity':
      s = '=';
      break;
    case 'deletion':
      s = `del${e.ref && o.deletedSequence !== 'omit' ? aa(e.ref) : ''}`;
      break;
    case 'duplication':
      s = `dup${e.ref && o.deletedSequence !== 'omit' ? aa(e.ref) : ''}`;
      break;
    case 'insertion':
      s = `ins${aa(e.alt)}`;
      break;
    case 'delins':
      s = `delins${aa(e.alt)}`;
      break;
    case 'frameshift':
      s = `${e.alt ? aa(e.alt) : ''}fs${e.terminator || o.frameshiftTerminator === 'always' ? stop + length(e.length) : ''}`;
      break;
    case 'extension':
      s = `${e.alt ? aa(e.alt) : ''}ext${e.terminator ? stop : e.residue ? aa(e.residue) : ''}${length(e.length)}`;
      break;
  }
  return e.uncertain ? `(${s})` : s;
}
