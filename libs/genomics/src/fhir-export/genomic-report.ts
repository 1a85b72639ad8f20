/**
 * A patient's genomic findings (the facts the VCF import stores) as FHIR R4 resources of the HL7 Genomics Reporting
 * IG (STU2/STU3 profiles, http://hl7.org/fhir/uv/genomics-reporting), in one `collection` Bundle:
 * - DiagnosticReport "genomic-report": LOINC 51969-4 Genetic analysis report, category v2-0074 GE, `result` citing
 *   every Observation below, `conclusion` summing them up with the knowledge-base version;
 * - Observation "variant" per somatic variant: LOINC 69548-6, value LA9633-4 Present, components (LOINC codes as the
 *   IG's variant profile slices them): 48018-6 gene studied, 48004-6 c.HGVS, 48005-3 p.HGVS, 51958-7 transcript
 *   reference sequence, 48013-7 genomic reference sequence (RefSeq NC_), 62374-4 reference assembly, 92822-6
 *   coordinate system (LA30102-0 1-based), 81254-5 exact start-end, 69547-8 / 69551-0 ref / alt allele, 48019-4 DNA
 *   change type (Sequence Ontology), 48002-0 genomic source class (LA6684-0 somatic / LA6683-2 germline, when the
 *   source says), 81258-6 sample allelic frequency (UCUM "1", a fraction), 82121-5 allelic read depth (alt reads);
 * - Observation "therapeutic-implication" per predictive knowledge-base evidence item: code tbd-codes-cs
 *   therapeutic-implication, components 93044-6 level of evidence (the CIViC level, in text: CIViC levels are no
 *   LOINC answers), 51963-7 medication assessed (one per therapy), 51961-1 predicted therapeutic implication (the
 *   CIViC significance), 81259-4 associated phenotype (the disease, with its Disease Ontology id); `derivedFrom` the
 *   variant Observation(s); the citation as a RelatedArtifact (core workflow-relatedArtifact extension) and in
 *   `note` with the statement, evidence id and KB version;
 * - Observation "tmb" when a TMB fact exists: LOINC 94076-7, value in 1/1000000{Base} with the target size in `note`.
 * Resource ids are derived from the facts (hash of the variant key / evidence id): exporting twice gives the same
 * Bundle apart from `issued`/`timestamp`.
 */
import { createHash } from 'node:crypto';
import type { Fact } from '@oncoboard/facts';
import { ACTIONABILITY_EVIDENCE_FACT, SOMATIC_VARIANT_FACT, TMB_FACT } from '../facts.js';
import type { GeneTable } from '../genes/gene-table.js';
import { refSeqAccession } from '../vcf/fhir-variants.js';
import type { GenomeAssembly } from '../vcf/types.js';

export const GR_PROFILE = 'http://hl7.org/fhir/uv/genomics-reporting/StructureDefinition';
const LOINC = 'http://loinc.org';
const UCUM = 'http://unitsofmeasure.org';
const TBD = 'http://hl7.org/fhir/uv/genomics-reporting/CodeSystem/tbd-codes-cs';
const HGVS = 'http://varnomen.hgvs.org';
const REFSEQ = 'http://www.ncbi.nlm.nih.gov/refseq';
const ENSEMBL = 'http://www.ensembl.org';
const NCBI_GENE = 'http://www.ncbi.nlm.nih.gov/gene';
const SO = 'http://www.sequenceontology.org';
const DOID = 'http://purl.obolibrary.org/obo/doid.owl';
const RELATED_ARTIFACT = 'http://hl7.org/fhir/StructureDefinition/workflow-relatedArtifact';

type Json = Record<string, unknown>;
const loinc = (code: string, display: string) => ({ coding: [{ system: LOINC, code, display }] });
const LAB_CATEGORY = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory', display: 'Laboratory' }] };
const GENETICS_CATEGORY = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0074', code: 'GE', display: 'Genetics' }] };
const SO_CHANGE_TYPE: Record<string, [string, string]> = {
  snv: ['SO:0001483', 'SNV'],
  mnv: ['SO:0002007', 'MNV'],
  deletion: ['SO:0000159', 'deletion'],
  insertion: ['SO:0000667', 'insertion'],
  delins: ['SO:1000032', 'delins'],
};
const ASSEMBLY_ANSWER: Record<GenomeAssembly, [string, string]> = { GRCh37: ['LA14029-5', 'GRCh37'], GRCh38: ['LA26806-2', 'GRCh38'] };

export interface GenomicReportExportOptions {
  patientKey: string;
  /** When the report was issued (default: now). */
  issued?: string;
  /** Resolves gene symbols to NCBI Gene ids for the gene-studied coding (text only without it). */
  genes?: GeneTable;
}

export interface GenomicReportExport {
  bundle: Json;
  counts: { variants: number; therapeuticImplications: number; tmb: boolean; skippedEvidence: number };
}

export class GenomicExportError extends Error {
  override readonly name = 'GenomicExportError';
}

const hashId = (prefix: string, text: string) => `${prefix}-${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
const uuidFor = (id: string) => {
  const h = createHash('sha256').update(id).digest('hex');
  return `urn:uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x !== '') : []);

function component(code: ReturnType<typeof loinc>, value: Json): Json {
  return { code, ...value };
}

function variantObservation(f: Fact, id: string, subject: Json, genes?: GeneTable): Json {
  const a = f.attributes as Record<string, unknown>;
  const components: Json[] = [];
  const geneSymbols = [...new Set([...(str(a.gene) ? [a.gene as string] : []), ...strings(a.partnerGenes)])];
  for (const symbol of geneSymbols) {
    const r = genes?.resolve(symbol);
    const gene = r?.status === 'found' ? r.gene : undefined;
    components.push(component(loinc('48018-6', 'Gene studied [ID]'), { valueCodeableConcept: { ...(gene ? { coding: [{ system: NCBI_GENE, code: gene.entrez, display: gene.symbol }] } : {}), text: symbol } }));
  }
  const hgvsc = str(a.hgvsc);
  const hgvsp = str(a.hgvsp);
  if (hgvsc) components.push(component(loinc('48004-6', 'DNA change (c.HGVS)'), { valueCodeableConcept: { coding: [{ system: HGVS, code: hgvsc }] } }));
  if (hgvsp) components.push(component(loinc('48005-3', 'Amino acid change (pHGVS)'), { valueCodeableConcept: { coding: [{ system: HGVS, code: hgvsp }] } }));
  const transcript = str(a.transcript);
  if (transcript) {
    components.push(component(loinc('51958-7', 'Transcript reference sequence [ID]'), { valueCodeableConcept: { coding: [{ system: /^ENST/i.test(transcript) ? ENSEMBL : REFSEQ, code: transcript }] } }));
  }
  const assembly = a.assembly === 'GRCh37' || a.assembly === 'GRCh38' ? (a.assembly as GenomeAssembly) : undefined;
  const chrom = str(a.chrom);
  const pos = num(a.pos);
  const ref = str(a.ref);
  const alt = str(a.alt);
  if (assembly && chrom) {
    const accession = refSeqAccession(chrom, assembly);
    if (accession) components.push(component(loinc('48013-7', 'Genomic reference sequence [ID]'), { valueCodeableConcept: { coding: [{ system: REFSEQ, code: accession }] } }));
    const [code, display] = ASSEMBLY_ANSWER[assembly];
    components.push(component(loinc('62374-4', 'Human reference sequence assembly version'), { valueCodeableConcept: { coding: [{ system: LOINC, code, display }] } }));
  }
  const small = SO_CHANGE_TYPE[str(a.variantType) ?? ''];
  if (pos !== undefined && ref && alt && /^[ACGTN]+$/.test(alt)) {
    components.push(component(loinc('92822-6', 'Genomic coordinate system [Type]'), { valueCodeableConcept: { coding: [{ system: LOINC, code: 'LA30102-0', display: '1-based character counting' }] } }));
    components.push(component(loinc('81254-5', 'Genomic allele start-end'), { valueRange: { low: { value: pos }, high: { value: pos + ref.length - 1 } } }));
    components.push(component(loinc('69547-8', 'Genomic ref allele [ID]'), { valueString: ref }));
    components.push(component(loinc('69551-0', 'Genomic alt allele [ID]'), { valueString: alt }));
  }
  if (small) components.push(component(loinc('48019-4', 'DNA change type'), { valueCodeableConcept: { coding: [{ system: SO, code: small[0], display: small[1] }] } }));
  if (a.origin === 'somatic' || a.origin === 'germline') {
    const [code, display] = a.origin === 'somatic' ? ['LA6684-0', 'Somatic'] : ['LA6683-2', 'Germline'];
    components.push(component(loinc('48002-0', 'Genomic source class [Type]'), { valueCodeableConcept: { coding: [{ system: LOINC, code, display }] } }));
  }
  const vaf = num(a.vaf);
  if (vaf !== undefined) components.push(component(loinc('81258-6', 'Sample variant allelic frequency [NFr]'), { valueQuantity: { value: vaf, unit: 'relative frequency of a particular allele in the specimen', system: UCUM, code: '1' } }));
  const altDepth = num(a.altDepth);
  if (altDepth !== undefined) components.push(component(loinc('82121-5', 'Allelic read depth'), { valueQuantity: { value: altDepth, unit: 'reads', system: UCUM, code: '1' } }));
  const label = f.value?.type === 'string' ? f.value.value : str(a.variantId);
  return {
    resourceType: 'Observation',
    id,
    meta: { profile: [`${GR_PROFILE}/variant`] },
    identifier: [{ system: 'urn:oncoboard:variant-key', value: String(a.variantId) }],
    status: 'final',
    category: [LAB_CATEGORY, GENETICS_CATEGORY],
    code: loinc('69548-6', 'Genetic variant assessment'),
    subject,
    valueCodeableConcept: loinc('LA9633-4', 'Present'),
    ...(label ? { note: [{ text: `${label}; FILTER ${str(a.filterStatus) ?? 'unknown'}` }] } : {}),
    component: components,
  };
}

function therapeuticImplication(f: Fact, id: string, subject: Json, derivedFrom: string[]): Json {
  const a = f.attributes as Record<string, unknown>;
  const level = str(a.level) ?? '?';
  const components: Json[] = [
    component(loinc('93044-6', 'Level of evidence'), { valueCodeableConcept: { text: `CIViC evidence level ${level}${a.onLabel === true ? " (on-label: the patient's cancer type)" : ''}` } }),
    ...strings(a.therapies).map((t) => component(loinc('51963-7', 'Medication assessed [ID]'), { valueCodeableConcept: { text: t } })),
    component(loinc('51961-1', "Genetic variation's effect on drug efficacy"), { valueCodeableConcept: { text: [str(a.significance), str(a.direction)].filter(Boolean).join(' — ') || 'unknown' } }),
  ];
  const disease = str(a.disease);
  if (disease) {
    const doid = str(a.doid);
    components.push(component(loinc('81259-4', 'Associated phenotype'), { valueCodeableConcept: { ...(doid ? { coding: [{ system: DOID, code: doid, display: disease }] } : {}), text: disease } }));
  }
  const pubmed = str(a.pubmedId);
  const citationUrl = str(a.citationUrl) ?? (pubmed ? `https://pubmed.ncbi.nlm.nih.gov/${pubmed}/` : undefined);
  const citation = str(a.citation) ?? 'no citation';
  const evidence = `CIViC EID${a.evidenceId}`;
  const statement = str(a.statement) ?? (f.value?.type === 'string' ? f.value.value : '');
  return {
    resourceType: 'Observation',
    id,
    meta: { profile: [`${GR_PROFILE}/therapeutic-implication`] },
    extension: [
      { url: RELATED_ARTIFACT, valueRelatedArtifact: { type: 'citation', label: citation, citation: `${citation} (${evidence}, knowledge base ${str(a.kbVersion) ?? 'unknown'})`, ...(citationUrl ? { url: citationUrl } : {}) } },
      ...(str(a.evidenceUrl) ? [{ url: RELATED_ARTIFACT, valueRelatedArtifact: { type: 'documentation', label: evidence, url: str(a.evidenceUrl) } }] : []),
    ],
    status: 'final',
    category: [LAB_CATEGORY, GENETICS_CATEGORY],
    code: { coding: [{ system: TBD, code: 'therapeutic-implication', display: 'Therapeutic Implication' }] },
    subject,
    derivedFrom: derivedFrom.map((reference) => ({ reference })),
    note: [{ text: `${statement} [${evidence}, ${citation}; ${str(a.kbVersion) ?? 'knowledge base version unknown'}]` }],
    component: components,
  };
}

function tmbObservation(f: Fact, id: string, subject: Json): Json | undefined {
  if (f.value?.type !== 'quantity') return undefined;
  const a = f.attributes as Record<string, unknown>;
  return {
    resourceType: 'Observation',
    id,
    meta: { profile: [`${GR_PROFILE}/tmb`] },
    status: 'final',
    category: [LAB_CATEGORY, GENETICS_CATEGORY],
    code: loinc('94076-7', 'Mutations/Megabase [# Ratio] in Tumor'),
    subject,
    valueQuantity: { value: f.value.quantity.value, unit: 'Mutations/Megabase', system: UCUM, code: '1/1000000{Base}' },
    note: [{ text: `${str(a.label) ?? `${f.value.quantity.value} mut/Mb`}; target ${num(a.targetSizeMb) ?? '?'} Mb; ${str(a.definition) ?? ''}`.trim() }],
  };
}

/** The patient's genomic facts as a Genomics Reporting Bundle (see the header comment). */
export function exportGenomicReport(facts: readonly Fact[], options: GenomicReportExportOptions): GenomicReportExport {
  const { patientKey } = options;
  if (!/^Patient\/[A-Za-z0-9\-.]{1,64}$/.test(patientKey)) throw new GenomicExportError(`patient: expected "Patient/<id>", found ${JSON.stringify(patientKey.slice(0, 80))}`);
  const mine = facts.filter((f) => f.patientKey === patientKey);
  const variants = mine.filter((f) => f.kind === SOMATIC_VARIANT_FACT && str((f.attributes as Record<string, unknown>).variantId));
  if (variants.length === 0) throw new GenomicExportError(`${patientKey}: no somatic variants in the store (import a VCF first: oncoboard vcf-import <file> --patient ${patientKey})`);
  const subject = { reference: patientKey };
  const entries: { fullUrl: string; resource: Json }[] = [];
  const variantUrl = new Map<string, string>();
  for (const f of [...variants].sort((x, y) => String(x.attributes.variantId).localeCompare(String(y.attributes.variantId)))) {
    const key = String(f.attributes.variantId);
    if (variantUrl.has(key)) continue; // the same variant from two imports: one Observation
    const id = hashId('var', `${patientKey} ${key}`);
    const fullUrl = uuidFor(id);
    variantUrl.set(key, fullUrl);
    entries.push({ fullUrl, resource: variantObservation(f, id, subject, options.genes) });
  }
  let skippedEvidence = 0;
  let implications = 0;
  const levels = new Map<string, number>();
  const seenEvidence = new Set<string>();
  for (const f of mine.filter((x) => x.kind === ACTIONABILITY_EVIDENCE_FACT)) {
    const a = f.attributes as Record<string, unknown>;
    if (a.evidenceType !== 'Predictive') {
      skippedEvidence++;
      continue;
    }
    const from = strings(a.variantIds).map((k) => variantUrl.get(k)).filter((u): u is string => !!u);
    const dedupe = `${a.evidenceId} ${from.join(' ')}`;
    if (from.length === 0 || seenEvidence.has(dedupe)) {
      skippedEvidence++;
      continue;
    }
    seenEvidence.add(dedupe);
    const id = hashId('ti', `${patientKey} ${dedupe}`);
    entries.push({ fullUrl: uuidFor(id), resource: therapeuticImplication(f, id, subject, from) });
    implications++;
    const level = String(a.level);
    levels.set(level, (levels.get(level) ?? 0) + 1);
  }
  const tmbFact = mine.filter((f) => f.kind === TMB_FACT).at(-1);
  const tmb = tmbFact ? tmbObservation(tmbFact, hashId('tmb', `${patientKey} ${JSON.stringify(tmbFact.attributes)}`), subject) : undefined;
  if (tmb) entries.push({ fullUrl: uuidFor(String(tmb.id)), resource: tmb });
  const kbVersions = [...new Set(mine.filter((f) => f.kind === ACTIONABILITY_EVIDENCE_FACT).map((f) => str(f.attributes.kbVersion)).filter(Boolean))];
  const issued = options.issued ?? new Date().toISOString();
  const levelText = [...levels].sort().map(([l, n]) => `level ${l}: ${n}`).join(', ');
  const reportId = hashId('gr', `${patientKey} ${entries.map((e) => e.resource.id).join(' ')}`);
  const report = {
    resourceType: 'DiagnosticReport',
    id: reportId,
    meta: { profile: [`${GR_PROFILE}/genomic-report`] },
    status: 'final',
    category: [GENETICS_CATEGORY],
    code: loinc('51969-4', 'Genetic analysis report'),
    subject,
    effectiveDateTime: issued,
    issued,
    result: entries.map((e) => ({ reference: e.fullUrl })),
    conclusion:
      `${variantUrl.size} somatic variant(s); ${implications} therapeutic implication(s)${levelText ? ` (${levelText})` : ''}` +
      `${tmb ? `; TMB ${(tmb.note as { text: string }[])[0]!.text.split(';')[0]}` : ''}` +
      `${kbVersions.length ? `; knowledge base ${kbVersions.join(', ')}` : ''}. Evidence levels are CIViC's (A validated … E inferential).`,
  };
  const bundle = {
    resourceType: 'Bundle',
    type: 'collection',
    timestamp: issued,
    entry: [{ fullUrl: uuidFor(reportId), resource: report }, ...entries],
  };
  return { bundle, counts: { variants: variantUrl.size, therapeuticImplications: implications, tmb: !!tmb, skippedEvidence } };
}
