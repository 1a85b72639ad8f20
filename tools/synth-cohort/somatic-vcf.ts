// One SYNTHETIC patient's somatic VCF (Mutect2-like, tumor/normal, GRCh38, SnpEff ANN annotations): TP53 and
// PIK3CA hotspot drivers when the patient has them, non-synonymous passengers in genes of a small panel (drivers +
// passengers = TMB × PANEL_SIZE_MB, the count a TMB caller divides by the panel size), and synonymous passengers. Positions of the passengers are drawn, not real
// mutations; the driver positions are the GRCh38 hotspots (TP53 R175H/R248Q/R273H, PIK3CA E545K/H1047R).
import { mulberry32 } from '@oncoboard/facts';
import type { SyntheticPatient } from './generative-model';
import { patientStreamSeed, SYNTH_COHORT_VERSION } from './generative-model';

interface Hotspot {
  gene: string;
  geneId: string;
  transcript: string;
  chrom: string;
  pos: number;
  ref: string;
  alt: string;
  hgvsc: string;
  hgvsp: string;
}

const TP53_HOTSPOTS: Hotspot[] = [
  { gene: 'TP53', geneId: 'ENSG00000141510', transcript: 'ENST00000269305.9', chrom: 'chr17', pos: 7675088, ref: 'C', alt: 'T', hgvsc: 'c.524G>A', hgvsp: 'p.Arg175His' },
  { gene: 'TP53', geneId: 'ENSG00000141510', transcript: 'ENST00000269305.9', chrom: 'chr17', pos: 7674220, ref: 'C', alt: 'T', hgvsc: 'c.743G>A', hgvsp: 'p.Arg248Gln' },
  { gene: 'TP53', geneId: 'ENSG00000141510', transcript: 'ENST00000269305.9', chrom: 'chr17', pos: 7673802, ref: 'C', alt: 'T', hgvsc: 'c.818G>A', hgvsp: 'p.Arg273His' },
];
const PIK3CA_HOTSPOTS: Hotspot[] = [
  { gene: 'PIK3CA', geneId: 'ENSG00000121879', transcript: 'ENST00000263967.4', chrom: 'chr3', pos: 179218303, ref: 'G', alt: 'A', hgvsc: 'c.1633G>A', hgvsp: 'p.Glu545Lys' },
  { gene: 'PIK3CA', geneId: 'ENSG00000121879', transcript: 'ENST00000263967.4', chrom: 'chr3', pos: 179234297, ref: 'A', alt: 'G', hgvsc: 'c.3140A>G', hgvsp: 'p.His1047Arg' },
];

/** Passenger genes of the panel: where a drawn position may fall (GRCh38 gene spans, rounded). */
export const PASSENGER_GENES: readonly { gene: string; chrom: string; start: number; end: number }[] = [
  { gene: 'GATA3', chrom: 'chr10', start: 8045378, end: 8075198 },
  { gene: 'CDH1', chrom: 'chr16', start: 68737225, end: 68835537 },
  { gene: 'MAP3K1', chrom: 'chr5', start: 56815574, end: 56896152 },
  { gene: 'KMT2C', chrom: 'chr7', start: 152134922, end: 152436005 },
  { gene: 'ARID1A', chrom: 'chr1', start: 26693236, end: 26782104 },
  { gene: 'NF1', chrom: 'chr17', start: 31094927, end: 31382116 },
  { gene: 'RB1', chrom: 'chr13', start: 48303747, end: 48481890 },
  { gene: 'PTEN', chrom: 'chr10', start: 87863113, end: 87971930 },
  { gene: 'BRCA2', chrom: 'chr13', start: 32315474, end: 32400266 },
  { gene: 'ATM', chrom: 'chr11', start: 108222484, end: 108369102 },
  { gene: 'APC', chrom: 'chr5', start: 112707498, end: 112846239 },
  { gene: 'ERBB3', chrom: 'chr12', start: 56080024, end: 56103505 },
];

const CONTIGS: Record<string, number> = {
  chr1: 248956422, chr3: 198295559, chr5: 181538259, chr7: 159345973, chr10: 133797422, chr11: 135086622,
  chr12: 133275309, chr13: 114364328, chr16: 90338345, chr17: 83257441,
};
const chromNumber = (c: string) => Number(c.replace('chr', ''));
const BASES = ['A', 'C', 'G', 'T'] as const;
const AMINO = ['Ala', 'Arg', 'Asn', 'Asp', 'Cys', 'Gln', 'Glu', 'Gly', 'His', 'Ile', 'Leu', 'Lys', 'Met', 'Phe', 'Pro', 'Ser', 'Thr', 'Trp', 'Tyr', 'Val'];

/** The tumor and normal sample names written in the header. */
export const TUMOR_SAMPLE = 'TUMOR';
export const NORMAL_SAMPLE = 'NORMAL';

interface Row {
  chrom: string;
  pos: number;
  ref: string;
  alt: string;
  ann: string;
  depth: number;
  altReads: number;
}

function annotation(alt: string, consequence: string, impact: string, gene: string, geneId: string, transcript: string, hgvsc: string, hgvsp: string): string {
  return [alt, consequence, impact, gene, geneId, 'transcript', transcript, 'protein_coding', '', hgvsc, hgvsp, '', '', '', '', ''].join('|');
}

/** The VCF text (header lines say SYNTHETIC). Deterministic per (cohort seed, patient). */
export function syntheticSomaticVcf(p: SyntheticPatient, seed: number): string {
  const random = mulberry32(patientStreamSeed(seed ^ 0x5eed_0cf, p.index));
  const rows: Row[] = [];
  const reads = (vaf: number) => {
    const depth = 80 + Math.floor(random() * 120);
    return { depth, altReads: Math.max(4, Math.round(depth * vaf)) };
  };
  const drivers: Hotspot[] = [];
  if (p.genomics.tp53) drivers.push(TP53_HOTSPOTS[Math.floor(random() * TP53_HOTSPOTS.length)]!);
  if (p.genomics.pik3ca) drivers.push(PIK3CA_HOTSPOTS[Math.floor(random() * PIK3CA_HOTSPOTS.length)]!);
  for (const h of drivers) {
    rows.push({ chrom: h.chrom, pos: h.pos, ref: h.ref, alt: h.alt, ann: annotation(h.alt, 'missense_variant', 'MODERATE', h.gene, h.geneId, h.transcript, h.hgvsc, h.hgvsp), ...reads(0.25 + 0.3 * random()) });
  }
  const used = new Set(rows.map((r) => `${r.chrom}:${r.pos}`));
  const total = p.genomics.nonSynonymousPassengers + p.genomics.synonymousPassengers;
  for (let k = 0; k < total; k++) {
    const g = PASSENGER_GENES[Math.floor(random() * PASSENGER_GENES.length)]!;
    let pos = g.start + Math.floor(random() * (g.end - g.start));
    while (used.has(`${g.chrom}:${pos}`)) pos++;
    used.add(`${g.chrom}:${pos}`);
    const ref = BASES[Math.floor(random() * 4)]!;
    const alt = BASES.filter((b) => b !== ref)[Math.floor(random() * 3)]!;
    const codon = 1 + Math.floor(random() * 900);
    const synonymous = k >= p.genomics.nonSynonymousPassengers;
    const aa = AMINO[Math.floor(random() * AMINO.length)]!;
    const aa2 = synonymous ? aa : AMINO.filter((x) => x !== aa)[Math.floor(random() * (AMINO.length - 1))]!;
    rows.push({
      chrom: g.chrom,
      pos,
      ref,
      alt,
      ann: annotation(alt, synonymous ? 'synonymous_variant' : 'missense_variant', synonymous ? 'LOW' : 'MODERATE', g.gene, '', '', `c.${3 * codon - 1}${ref}>${alt}`, `p.${aa}${codon}${aa2}`),
      ...reads(0.08 + 0.3 * random()),
    });
  }
  rows.sort((a, b) => chromNumber(a.chrom) - chromNumber(b.chrom) || a.pos - b.pos);
  const header = [
    '##fileformat=VCFv4.2',
    `##source=oncoboard-synth-cohort-${SYNTH_COHORT_VERSION} SYNTHETIC (generated variants, no real patient)`,
    '##FILTER=<ID=PASS,Description="All filters passed">',
    '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths for the ref and alt alleles in the order listed">',
    '##FORMAT=<ID=AF,Number=A,Type=Float,Description="Allele fractions of alternate alleles in the tumor">',
    '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Approximate read depth">',
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '##INFO=<ID=DP,Number=1,Type=Integer,Description="Approximate read depth">',
    "##INFO=<ID=ANN,Number=.,Type=String,Description=\"Functional annotations: 'Allele | Annotation | Annotation_Impact | Gene_Name | Gene_ID | Feature_Type | Feature_ID | Transcript_BioType | Rank | HGVS.c | HGVS.p | cDNA.pos / cDNA.length | CDS.pos / CDS.length | AA.pos / AA.length | Distance | ERRORS / WARNINGS / INFO' \">",
    ...Object.entries(CONTIGS)
      .sort((a, b) => chromNumber(a[0]) - chromNumber(b[0]))
      .map(([id, length]) => `##contig=<ID=${id},length=${length},assembly=GRCh38>`),
    '##reference=GRCh38',
    `##normal_sample=${NORMAL_SAMPLE}`,
    `##tumor_sample=${TUMOR_SAMPLE}`,
    `#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t${NORMAL_SAMPLE}\t${TUMOR_SAMPLE}`,
  ];
  const body = rows.map((r) => {
    const normalDepth = Math.round(r.depth * 0.8);
    const af = (r.altReads / r.depth).toFixed(3);
    return [r.chrom, r.pos, '.', r.ref, r.alt, '.', 'PASS', `DP=${r.depth + normalDepth};ANN=${r.ann}`, 'GT:AD:AF:DP', `0/0:${normalDepth},0:0.000:${normalDepth}`, `0/1:${r.depth - r.altReads},${r.altReads}:${af}:${r.depth}`].join('\t');
  });
  return `${[...header, ...body].join('\n')}\n`;
}
