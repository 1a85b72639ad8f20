/**
 * Genomic variant Observations already in FHIR (mCODE GenomicVariant, HL7 Genomics Reporting "variant") read into
 * the same `SomaticVariant` type as the VCF reader. Components by LOINC code:
 *   48018-6 gene studied (several: a fusion's partners)      51958-7 transcript reference sequence
 *   48004-6 DNA change (c.HGVS)                              48005-3 amino acid change (p.HGVS)
 *   81290-9 genomic DNA change (g.HGVS)                      81252-9 discrete variant (ClinVar, COSMIC...)
 *   81258-6 sample variant allelic frequency (VAF)           82121-5 allelic read depth
 *   48002-0 genomic source class (somatic / germline)        48019-4 DNA change type (Sequence Ontology)
 *   62374-4 reference assembly (LA14029-5 GRCh37, LA26806-2 GRCh38)
 *   48013-7 genomic reference sequence (NC_...)              48000-4 chromosome
 *   81254-5 exact start-end (valueRange)                     92822-6 coordinate system (0- or 1-based)
 *   69547-8 genomic ref allele                               69551-0 genomic alt allele
 *   "molecular-consequence" (Genomics Reporting CodeSystem)  SO terms such as stop_gained
 * The key (build, chromosome, position, ref, alt) is set only when the Observation states all of them, or when its
 * g.HGVS is a substitution on a RefSeq chromosome accession whose version names the build (NC_000016.10 is GRCh38).
 * Observations whose value is "Absent" (pertinent negatives), or whose status is cancelled / entered-in-error,
 * are returned in `skipped` with the reason, not as variants.
 */
import { z } from 'zod';
import { classifySmallVariant, makeVariantKey, normalizeChromosome, variantKeyString } from './normalize.js';
import type { GenomeAssembly, SomaticVariant, TranscriptAnnotation, VariantKey, VariantType } from './types.js';

const Coding = z.object({ system: z.string().optional(), code: z.string().optional(), display: z.string().optional() }).passthrough();
const CodeableConcept = z.object({ coding: z.array(Coding).optional(), text: z.string().optional() }).passthrough();
const Quantity = z.object({ value: z.number().optional(), unit: z.string().optional(), system: z.string().optional(), code: z.string().optional() }).passthrough();
const Component = z
  .object({
    code: CodeableConcept,
    valueCodeableConcept: CodeableConcept.optional(),
    valueQuantity: Quantity.optional(),
    valueString: z.string().optional(),
    valueInteger: z.number().int().optional(),
    valueRange: z.object({ low: Quantity.optional(), high: Quantity.optional() }).passthrough().optional(),
  })
  .passthrough();
const Observation = z
  .object({
    resourceType: z.literal('Observation'),
    id: z.string().optional(),
    status: z.string().optional(),
    meta: z.object({ profile: z.array(z.string()).optional() }).passthrough().optional(),
    code: CodeableConcept,
    valueCodeableConcept: CodeableConcept.optional(),
    component: z.array(Component).optional(),
  })
  .passthrough();
type ObservationT = z.infer<typeof Observation>;
type ComponentT = z.infer<typeof Component>;
type CodeableConceptT = z.infer<typeof CodeableConcept>;

/** A malformed Observation: the message names the element path and what was expected. */
export class FhirVariantError extends Error {
  override readonly name = 'FhirVariantError';
}

export interface FhirVariantResult {
  variants: SomaticVariant[];
  /** Variant Observations not turned into variants, with why (pertinent negatives, cancelled, nothing to match on). */
  skipped: { reference: string; reason: string }[];
  /** Variants read with a limitation worth telling (e.g. coordinates given but no coordinate system). */
  warnings: { reference: string; message: string }[];
}

const LOINC = 'http://loinc.org';
const VARIANT_CODE = '69548-6';
const C = {
  gene: '48018-6',
  dnaChange: '48004-6',
  aminoAcidChange: '48005-3',
  genomicChange: '81290-9',
  variationCode: '81252-9',
  vaf: '81258-6',
  readDepth: '82121-5',
  sourceClass: '48002-0',
  changeType: '48019-4',
  assembly: '62374-4',
  genomicRefSeq: '48013-7',
  transcriptRefSeq: '51958-7',
  chromosome: '48000-4',
  exactStartEnd: '81254-5',
  coordinateSystem: '92822-6',
  refAllele: '69547-8',
  altAllele: '69551-0',
  consequence: 'molecular-consequence',
} as const;

/** RefSeq chromosome accession versions (NC_0000NN.v) of GRCh38; GRCh37's are one lower. */
const GRCH38_NC_VERSION: Record<string, number> = {
  '1': 11, '2': 12, '3': 12, '4': 12, '5': 10, '6': 12, '7': 14, '8': 11, '9': 12, '10': 11, '11': 10, '12': 12,
  '13': 11, '14': 9, '15': 10, '16': 10, '17': 11, '18': 10, '19': 10, '20': 11, '21': 9, '22': 11, X: 11, Y: 10,
};

/** { chrom: "16", assembly: "GRCh38" } → "NC_000016.10"; undefined for contigs without one here (MT, alt contigs). */
export function refSeqAccession(chrom: string, assembly: GenomeAssembly): string | undefined {
  const c = chrom.replace(/^chr/i, '');
  const v38 = GRCH38_NC_VERSION[c];
  if (v38 === undefined) return undefined;
  const n = c === 'X' ? 23 : c === 'Y' ? 24 : Number(c);
  return `NC_${String(n).padStart(6, '0')}.${assembly === 'GRCh38' ? v38 : v38 - 1}`;
}

/** NC_000016.10 → { chrom: "16", assembly: "GRCh38" }; undefined for other accessions. */
export function refSeqChromosome(accession: string): { chrom: string; assembly: GenomeAssembly } | undefined {
  const m = /^NC_0000(\d\d)\.(\d+)$/.exec(accession.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const chrom = n === 23 ? 'X' : n === 24 ? 'Y' : String(n);
  const v38 = GRCH38_NC_VERSION[chrom];
  if (v38 === undefined) return undefined;
  const v = Number(m[2]);
  if (v === v38) return { chrom, assembly: 'GRCh38' };
  if (v === v38 - 1) return { chrom, assembly: 'GRCh37' };
  return undefined;
}

function codes(cc: CodeableConceptT | undefined): string[] {
  return (cc?.coding ?? []).map((c) => c.code ?? '').filter(Boolean);
}

function hasCode(cc: CodeableConceptT, code: string): boolean {
  return (cc.coding ?? []).some((c) => c.code === code);
}

/** The text of a coded value: the HGVS code itself, or display, or text. */
function codedText(cc: CodeableConceptT | undefined): string | undefined {
  const c = cc?.coding?.[0];
  return c?.code ?? c?.display ?? cc?.text;
}

function assemblyOf(cc: CodeableConceptT | undefined): GenomeAssembly | undefined {
  for (const c of cc?.coding ?? []) {
    if (c.code === 'LA14029-5') return 'GRCh37';
    if (c.code === 'LA26806-2') return 'GRCh38';
    const t = `${c.code ?? ''} ${c.display ?? ''}`;
    if (/grch38|hg38/i.test(t)) return 'GRCh38';
    if (/grch37|hg19/i.test(t)) return 'GRCh37';
  }
  if (cc?.text && /grch38|hg38/i.test(cc.text)) return 'GRCh38';
  if (cc?.text && /grch37|hg19/i.test(cc.text)) return 'GRCh37';
  return undefined;
}

const SO_TYPE: Record<string, VariantType> = {
  'SO:0001483': 'snv',
  'SO:0002007': 'mnv',
  'SO:0000159': 'deletion',
  'SO:0000667': 'insertion',
  'SO:1000032': 'delins',
  'SO:1000035': 'insertion',
  'SO:1000044': 'rearrangement',
  'SO:0002062': 'rearrangement',
  'SO:0001565': 'rearrangement',
  'SO:0001019': 'sv-copy-number',
  'SO:0001742': 'sv-copy-number',
  'SO:0001743': 'sv-copy-number',
};

function typeFromHgvs(h: string): VariantType | undefined {
  const change = h.split(':').pop() ?? h;
  if (/delins/.test(change)) return 'delins';
  if (/del/.test(change)) return 'deletion';
  if (/(ins|dup)/.test(change)) return 'insertion';
  if (/^[cgnm]\.[-*\d+_]+[ACGT]>[ACGT]$/.test(change)) return 'snv';
  return undefined;
}

function vafOf(q: z.infer<typeof Quantity> | undefined, path: string): number | undefined {
  if (!q || q.value === undefined) return undefined;
  const percent = q.code === '%' || q.unit === '%';
  const v = percent ? Number((q.value / 100).toPrecision(12)) : q.value;
  if (!(v >= 0 && v <= 1)) throw new FhirVariantError(`${path}.valueQuantity.value: expected an allele frequency between 0 and 1 (or 0–100 %), found ${q.value}${percent ? ' %' : ''}`);
  return v;
}

function isVariantObservation(o: ObservationT): boolean {
  if (hasCode(o.code, VARIANT_CODE)) return true;
  return (o.meta?.profile ?? []).some((p) => /genomic-variant|\/variant$/.test(p));
}

/**
 * Read variants from FHIR JSON: one Observation, a Bundle (its Observation entries), or an array of resources.
 * Other resources are ignored. A malformed variant Observation throws `FhirVariantError` naming the element.
 */
export function readFhirVariants(input: unknown): FhirVariantResult {
  const result: FhirVariantResult = { variants: [], skipped: [], warnings: [] };
  const visit = (resource: unknown, fallbackRef: string) => {
    if (!resource || typeof resource !== 'object') return;
    const r = resource as { resourceType?: unknown; id?: unknown; entry?: unknown };
    if (r.resourceType === 'Bundle') {
      const entries = Array.isArray(r.entry) ? (r.entry as { resource?: unknown; fullUrl?: string }[]) : [];
      entries.forEach((e, i) => visit(e.resource, e.fullUrl ?? `${fallbackRef}.entry[${i}]`));
      return;
    }
    if (r.resourceType !== 'Observation') return;
    const reference = typeof r.id === 'string' ? `Observation/${r.id}` : fallbackRef;
    const parsed = Observation.safeParse(resource);
    if (!parsed.success) {
      const issue = parsed.error.issues[0] as z.ZodIssue;
      const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
      const detail = issue.message.replace(/^invalid input:\s*/i, '').replace(/received/, 'found');
      throw new FhirVariantError(`${reference}: Observation${path}: ${detail}`);
    }
    if (!isVariantObservation(parsed.data)) return;
    readOne(parsed.data, reference, result);
  };
  if (Array.isArray(input)) input.forEach((x, i) => visit(x, `resource[${i}]`));
  else visit(input, 'Observation');
  return result;
}

function readOne(o: ObservationT, reference: string, result: FhirVariantResult): void {
  if (o.status === 'cancelled' || o.status === 'entered-in-error') {
    result.skipped.push({ reference, reason: `status is ${o.status}` });
    return;
  }
  if (o.valueCodeableConcept && hasCode(o.valueCodeableConcept, 'LA9634-2')) {
    result.skipped.push({ reference, reason: 'value is Absent (LA9634-2): a pertinent negative, not a variant' });
    return;
  }
  const comps = (o.component ?? []).map((c, i) => ({ c, i, path: `Observation.component[${i}]` }));
  const find = (code: string) => comps.find(({ c }) => hasCode(c.code, code));
  const all = (code: string) => comps.filter(({ c }) => hasCode(c.code, code));
  const cc = (x: { c: ComponentT } | undefined) => x?.c.valueCodeableConcept;

  const geneComps = all(C.gene);
  const genes = geneComps.map(({ c }) => c.valueCodeableConcept?.coding?.find((k) => /genenames/i.test(k.system ?? ''))?.display ?? c.valueCodeableConcept?.coding?.[0]?.display ?? c.valueCodeableConcept?.text).filter((g): g is string => !!g);
  const geneId = geneComps[0]?.c.valueCodeableConcept?.coding?.[0]?.code;
  // mCODE's examples put c. strings in 81290-9 (genomic change): each HGVS string goes where its own type says.
  const hgvsStrings = [C.dnaChange, C.aminoAcidChange, C.genomicChange].map((code) => codedText(cc(find(code)))).filter((h): h is string => !!h);
  const byType = (t: 'c' | 'p' | 'g') => hgvsStrings.find((h) => new RegExp(`(^|:)${t}\\.`).test(h));
  let hgvsc = byType('c') ?? (codedText(cc(find(C.dnaChange))) || undefined);
  let hgvsp = byType('p');
  const hgvsg = byType('g') ?? hgvsStrings.find((h) => /(^|:)[nmr]\./.test(h));
  const variationCode = find(C.variationCode);
  // ClinVar titles state the changes: "NM_000455.5(STK11):c.725G>A (p.Gly242Glu)".
  const title = variationCode?.c.valueCodeableConcept?.coding?.[0]?.display ?? '';
  const titleMatch = /^([A-Z]{2}_\d+\.\d+)\([^)]*\):(c\.[^\s]+)(?:\s+\((p\.[^)]+)\))?$/.exec(title.trim());
  const derived: string[] = [];
  if (titleMatch && !hgvsc) {
    hgvsc = `${titleMatch[1]}:${titleMatch[2]}`;
    derived.push('hgvsc');
  }
  if (titleMatch?.[3] && !hgvsp) {
    hgvsp = titleMatch[3];
    derived.push('hgvsp');
  }
  const transcript = codedText(cc(find(C.transcriptRefSeq)));
  const consequences = all(C.consequence).flatMap(({ c }) => (c.valueCodeableConcept?.coding ?? []).map((k) => k.display ?? k.code ?? '')).filter(Boolean);
  const vafComp = find(C.vaf);
  const vaf = vafComp ? vafOf(vafComp.c.valueQuantity, `${reference}: ${vafComp.path}`) : undefined;
  const depthComp = find(C.readDepth);
  const depth = depthComp?.c.valueQuantity?.value ?? depthComp?.c.valueInteger;
  const sourceClass = codes(cc(find(C.sourceClass)));
  const origin = sourceClass.includes('LA6684-0') ? 'somatic' : sourceClass.includes('LA6683-2') ? 'germline' : undefined;

  // Where the key could come from.
  const statedAssembly = assemblyOf(cc(find(C.assembly)));
  let key: VariantKey | undefined;
  const chromComp = find(C.chromosome);
  const rangeComp = find(C.exactStartEnd);
  const refComp = find(C.refAllele);
  const altComp = find(C.altAllele);
  const allele = (x: typeof refComp) => x?.c.valueString ?? codedText(x?.c.valueCodeableConcept);
  if (rangeComp && refComp && altComp) {
    const chromText = codedText(cc(chromComp)) ?? chromComp?.c.valueString;
    const chromDisplay = chromComp?.c.valueCodeableConcept?.coding?.[0]?.display ?? chromText;
    const chrom = chromDisplay ? /(?:chr(?:omosome)?\s*)?([0-9]{1,2}|X|Y|M|MT)\s*$/i.exec(chromDisplay)?.[1] : undefined;
    const genomicRef = refSeqChromosome(codedText(cc(find(C.genomicRefSeq))) ?? '');
    const system = cc(find(C.coordinateSystem));
    const sysText = `${codes(system).join(' ')} ${system?.coding?.[0]?.display ?? ''} ${system?.text ?? ''}`;
    const zeroBased = /LA30100-4|0-based/i.test(sysText);
    const oneBased = /LA30102-0|1-based/i.test(sysText);
    const low = rangeComp.c.valueRange?.low?.value;
    const ref = allele(refComp)?.toUpperCase();
    const alt = allele(altComp)?.toUpperCase();
    const assembly = statedAssembly ?? genomicRef?.assembly;
    const chr = chrom ?? genomicRef?.chrom;
    if (!zeroBased && !oneBased) result.warnings.push({ reference, message: `${rangeComp.path}: coordinates given without a coordinate system (92822-6): no key` });
    else if (!assembly) result.warnings.push({ reference, message: `${rangeComp.path}: coordinates given without a reference assembly (62374-4): no key` });
    else if (!chr || low === undefined || !ref || !alt || !/^[ACGTN]+$/.test(ref) || !/^[ACGTN]+$/.test(alt)) {
      result.warnings.push({ reference, message: `${rangeComp.path}: chromosome, start, ref and alt (with an anchor base for indels) are needed for a key` });
    } else key = makeVariantKey(assembly, chr, zeroBased ? low + 1 : low, ref, alt);
  }
  if (!key && hgvsg) {
    const m = /^(NC_\d+\.\d+):g\.(\d+)([ACGT])>([ACGT])$/.exec(hgvsg.trim());
    const loc = m ? refSeqChromosome(m[1] as string) : undefined;
    if (m && loc) {
      if (statedAssembly && statedAssembly !== loc.assembly) {
        result.warnings.push({ reference, message: `${find(C.genomicChange)?.path}: ${m[1]} is ${loc.assembly}, but the reference assembly component says ${statedAssembly}: no key` });
      } else key = makeVariantKey(loc.assembly, loc.chrom, Number(m[2]), m[3] as string, m[4] as string);
    }
  }

  if (genes.length === 0 && !hgvsc && !hgvsp && !hgvsg && !key && !variationCode) {
    result.skipped.push({ reference, reason: 'no gene, HGVS change, variation code or coordinates to match on' });
    return;
  }

  const soType = codes(cc(find(C.changeType))).map((c) => SO_TYPE[c]).find(Boolean) ?? consequences.map((t) => (/copy_number/.test(t) ? 'sv-copy-number' : undefined)).find(Boolean);
  const variantType: VariantType =
    soType ?? (genes.length > 1 ? 'rearrangement' : key ? classifySmallVariant(key.ref, key.alt) : (typeFromHgvs(hgvsc ?? hgvsg ?? '') ?? 'other'));
  const fields: Record<string, string> = {};
  const vc = variationCode?.c.valueCodeableConcept?.coding?.[0];
  if (vc?.code) fields['variation-code'] = `${vc.system ?? ''}|${vc.code}`;
  if (vc?.display) fields['variation-display'] = vc.display;
  const grs = codedText(cc(find(C.genomicRefSeq)));
  if (grs) fields['genomic-ref-seq'] = grs;
  if (hgvsg) fields.hgvsg = hgvsg;
  if (derived.length) fields['from-variation-title'] = derived.join(',');
  const singleGene = genes.length === 1 ? genes[0] : undefined;
  const annotation: TranscriptAnnotation = {
    source: 'fhir',
    ...(singleGene ? { gene: singleGene } : {}),
    ...(geneId ? { geneId } : {}),
    ...(transcript ? { transcript } : {}),
    consequences,
    ...(hgvsc ? { hgvsc } : {}),
    ...(hgvsp ? { hgvsp } : {}),
    fields,
  };
  const anchor = find(C.aminoAcidChange) ?? find(C.dnaChange) ?? find(C.genomicChange) ?? rangeComp ?? geneComps[0];
  const variant: SomaticVariant = {
    id: key ? variantKeyString(key) : `fhir:${reference}`,
    ...(key ? { key } : {}),
    variantType,
    filters: [],
    filterStatus: 'missing',
    ...(singleGene ? { gene: singleGene } : {}),
    ...(transcript ? { transcript } : {}),
    consequences,
    ...(hgvsc ? { hgvsc } : {}),
    ...(hgvsp ? { hgvsp } : {}),
    ...(hgvsg ? { hgvsg } : {}),
    annotations: [annotation],
    ...(vaf !== undefined ? { vaf } : {}),
    ...(depth !== undefined ? { depth } : {}),
    ...(origin ? { origin } : {}),
    ...(genes.length > 1 ? { structural: { svType: variantType === 'rearrangement' ? 'BND' : variantType, imprecise: false, partnerGenes: genes } } : {}),
    source: { kind: 'fhir', reference, elementPath: anchor ? anchor.path : 'Observation' },
  };
  if (variant.key) variant.key = { ...variant.key, chrom: normalizeChromosome(variant.key.chrom) };
  result.variants.push(variant);
}
