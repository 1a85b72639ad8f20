/** Amino-acid codes (IUPAC-IUB): one-letter ↔ three-letter. '*' is the stop codon (three-letter 'Ter'). */
export const AMINO_ACIDS_3_TO_1: Readonly<Record<string, string>> = {
  Ala: 'A', Arg: 'R', Asn: 'N', Asp: 'D', Cys: 'C', Gln: 'Q', Glu: 'E', Gly: 'G', His: 'H', Ile: 'I',
  Leu: 'L', Lys: 'K', Met: 'M', Phe: 'F', Pro: 'P', Ser: 'S', Thr: 'T', Trp: 'W', Tyr: 'Y', Val: 'V',
  // ambiguity codes and selenocysteine: allowed as residues in a change, never as the residue that names a position
  Asx: 'B', Glx: 'Z', Xaa: 'X', Sec: 'U',
};

export const AMINO_ACIDS_1_TO_3: Readonly<Record<string, string>> = {
  ...Object.fromEntries(Object.entries(AMINO_ACIDS_3_TO_1).map(([three, one]) => [one, three])),
  '*': 'Ter',
};

/** One-letter codes accepted as a residue (biocommons' aa1). 'X' is read as a stop where a stop may stand. */
export const ONE_LETTER_CODES = 'ACDEFGHIKLMNPQRSTVWYBZXU';
/** Three-letter codes accepted as a residue, longest-match safe (all are three letters). */
export const THREE_LETTER_CODES = Object.keys(AMINO_ACIDS_3_TO_1);
/** Residues that may name a reference position: the 20 standard ones, selenocysteine and the stop. */
export const POSITION_RESIDUES = new Set('ACDEFGHIKLMNPQRSTVWYU*');

/** Formats one-letter residues ('*' = stop) in the given notation. */
export function formatResidues(residues: string, aminoAcids: '1' | '3', stop: '*' | 'Ter' | 'X'): string {
  let out = '';
  for (const r of residues) {
    if (r === '*') out += stop === 'Ter' ? 'Ter' : stop === 'X' ? 'X' : '*';
    else if (r === '?') out += '?';
    else out += aminoAcids === '3' ? (AMINO_ACIDS_1_TO_3[r] ?? r) : r;
  }
  return out;
}
