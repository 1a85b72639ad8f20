// libs/genomics's FHIR Genomics Reporting export, validated by libs/ehr-fhir's R4 validator (here, because a modality
// lib may not import another).
import type { Fact } from '@oncoboard/facts';
import { formatOutcome, hasErrors, validateResource } from '@oncoboard/ehr-fhir';
import type { Resource } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { ACTIONABILITY_EVIDENCE_FACT, SOMATIC_VARIANT_FACT, TMB_FACT, exportGenomicReport, readFhirVariants } from '@oncoboard/genomics';

const P = 'Patient/p1';
const KEY = 'GRCh37:7:140453136:A:T';
const braf: Fact = {
  kind: SOMATIC_VARIANT_FACT,
  patientKey: P,
  value: { type: 'string', value: 'BRAF ENSP00000288602.6:p.Val600Glu' },
  attributes: {
    variantId: KEY, variantType: 'snv', gene: 'BRAF', transcript: 'ENST00000288602.6', hgvsc: 'ENST00000288602.6:c.1799T>A', hgvsp: 'ENSP00000288602.6:p.Val600Glu',
    consequences: ['missense_variant'], assembly: 'GRCh37', chrom: '7', pos: 140453136, ref: 'A', alt: 'T', vaf: 0.34, depth: 100, altDepth: 34, filterStatus: 'pass', origin: 'somatic',
  },
  provenance: [{ sourceRecordKey: 'vcf/abc', elementPath: 'line 57' }],
};
const evidence = (evidenceId: number, evidenceType: string, level: string): Fact => ({
  kind: ACTIONABILITY_EVIDENCE_FACT,
  patientKey: P,
  value: { type: 'string', value: `BRAF V600E: level ${level}` },
  attributes: {
    kbVersion: 'civic-2021-08-01+sha256.126da9171cc4', evidenceId, gene: 'BRAF', civicVariant: 'V600E', level, evidenceType, direction: 'Supports', significance: 'Sensitivity/Response',
    therapies: ['Dabrafenib', 'Trametinib'], disease: 'Melanoma', doid: 'DOID:1909', onLabel: true, citation: 'PubMed 22663011', pubmedId: '22663011',
    citationUrl: 'https://pubmed.ncbi.nlm.nih.gov/22663011/', evidenceUrl: `https://civicdb.org/links/evidence_items/${evidenceId}`,
    statement: 'Dabrafenib plus trametinib improved survival in BRAF V600E melanoma.', variantIds: [KEY], patientVariants: ['p.Val600Glu'],
  },
  provenance: [{ sourceRecordKey: `kb/CIViC/x/evidence/${evidenceId}`, elementPath: 'level' }],
});
const tmb: Fact = {
  kind: TMB_FACT,
  patientKey: P,
  value: { type: 'quantity', quantity: { value: 12.5, unit: 'mutations/Mb' } },
  attributes: { targetSizeMb: 2, count: 25, label: '12.5 mut/Mb (25 mutations / 2 Mb)', definition: 'coding non-synonymous …' },
  provenance: [{ sourceRecordKey: 'vcf/abc', elementPath: 'text' }],
};

type Entry = { fullUrl: string; resource: Record<string, any> };
const byCode = (r: Record<string, any>, code: string) => (r.component as any[]).filter((c) => c.code.coding[0].code === code);

describe('FHIR Genomics Reporting export', () => {
  const { bundle, counts } = exportGenomicReport([braf, evidence(1409, 'Predictive', 'A'), evidence(99, 'Diagnostic', 'B'), tmb], { patientKey: P, issued: '2026-01-02T03:04:05Z' });
  const entries = bundle.entry as Entry[];
  const report = entries[0]!.resource;
  const variant = entries.find((e) => e.resource.meta.profile[0].endsWith('/variant'))!;
  const ti = entries.find((e) => e.resource.meta.profile[0].endsWith('/therapeutic-implication'))!;

  it('gives a genomic report citing a variant, a therapeutic implication and TMB', () => {
    expect(counts).toEqual({ variants: 1, therapeuticImplications: 1, tmb: true, skippedEvidence: 1 });
    expect(report).toMatchObject({ resourceType: 'DiagnosticReport', code: { coding: [{ system: 'http://loinc.org', code: '51969-4' }] }, category: [{ coding: [{ code: 'GE' }] }], subject: { reference: P } });
    expect(report.result.map((r: { reference: string }) => r.reference)).toEqual(entries.slice(1).map((e) => e.fullUrl));
    expect(report.conclusion).toBe(
      '1 somatic variant(s); 1 therapeutic implication(s) (level A: 1); TMB 12.5 mut/Mb (25 mutations / 2 Mb); knowledge base civic-2021-08-01+sha256.126da9171cc4. Evidence levels are CIViC\'s (A validated … E inferential).',
    );
  });

  it('writes the variant components with the IG LOINC codes', () => {
    const r = variant.resource;
    expect(r.code.coding[0].code).toBe('69548-6');
    expect(r.valueCodeableConcept.coding[0].code).toBe('LA9633-4');
    expect(byCode(r, '48018-6')[0].valueCodeableConcept.text).toBe('BRAF');
    expect(byCode(r, '48004-6')[0].valueCodeableConcept.coding[0].code).toBe('ENST00000288602.6:c.1799T>A');
    expect(byCode(r, '48005-3')[0].valueCodeableConcept.coding[0].code).toBe('ENSP00000288602.6:p.Val600Glu');
    expect(byCode(r, '48013-7')[0].valueCodeableConcept.coding[0].code).toBe('NC_000007.13');
    expect(byCode(r, '81254-5')[0].valueRange).toEqual({ low: { value: 140453136 }, high: { value: 140453136 } });
    expect(byCode(r, '81258-6')[0].valueQuantity).toMatchObject({ value: 0.34, system: 'http://unitsofmeasure.org', code: '1' });
    expect(byCode(r, '82121-5')[0].valueQuantity.value).toBe(34);
    expect(byCode(r, '48002-0')[0].valueCodeableConcept.coding[0].code).toBe('LA6684-0');
  });

  it('writes the therapeutic implication with level, medications, condition and the citation', () => {
    const r = ti.resource;
    expect(r.code.coding[0]).toMatchObject({ system: 'http://hl7.org/fhir/uv/genomics-reporting/CodeSystem/tbd-codes-cs', code: 'therapeutic-implication' });
    expect(r.derivedFrom).toEqual([{ reference: variant.fullUrl }]);
    expect(byCode(r, '93044-6')[0].valueCodeableConcept.text).toBe("CIViC evidence level A (on-label: the patient's cancer type)");
    expect(byCode(r, '51963-7').map((c) => c.valueCodeableConcept.text)).toEqual(['Dabrafenib', 'Trametinib']);
    expect(byCode(r, '81259-4')[0].valueCodeableConcept).toEqual({ coding: [{ system: 'http://purl.obolibrary.org/obo/doid.owl', code: 'DOID:1909', display: 'Melanoma' }], text: 'Melanoma' });
    expect(r.extension[0].valueRelatedArtifact).toMatchObject({ type: 'citation', url: 'https://pubmed.ncbi.nlm.nih.gov/22663011/' });
    expect(r.note[0].text).toBe('Dabrafenib plus trametinib improved survival in BRAF V600E melanoma. [CIViC EID1409, PubMed 22663011; civic-2021-08-01+sha256.126da9171cc4]');
  });

  it('is valid against the R4 structure definitions with invariants (libs/ehr-fhir validator)', () => {
    for (const [i, e] of entries.entries()) {
      const outcome = validateResource(e.resource as Resource, { file: 'export.json', place: `entry[${i}]` }, { invariants: true });
      expect(hasErrors(outcome), formatOutcome(outcome)).toBe(false);
    }
    const outcome = validateResource(bundle as unknown as Resource, { file: 'export.json', place: 'bundle' });
    expect(hasErrors(outcome), formatOutcome(outcome)).toBe(false);
    // The validator does look: a broken copy fails.
    const broken = { ...ti.resource, status: 'maybe', component: [{ valueString: 'x' }] };
    expect(hasErrors(validateResource(broken as unknown as Resource, { file: 'export.json', place: 'broken' }))).toBe(true);
  }, 90_000);

  it('reads back through the FHIR variant reader as the same variant', () => {
    const back = readFhirVariants(bundle);
    expect(back.variants).toHaveLength(1);
    expect(back.variants[0]).toMatchObject({ id: KEY, gene: 'BRAF', hgvsp: 'ENSP00000288602.6:p.Val600Glu', hgvsc: 'ENST00000288602.6:c.1799T>A', vaf: 0.34, origin: 'somatic' });
  });

  it('is the same bundle when exported twice, and refuses a patient without variants', () => {
    const again = exportGenomicReport([tmb, evidence(99, 'Diagnostic', 'B'), evidence(1409, 'Predictive', 'A'), braf, braf], { patientKey: P, issued: '2026-01-02T03:04:05Z' });
    expect(again.bundle).toEqual(bundle);
    expect(() => exportGenomicReport([tmb], { patientKey: P })).toThrow('Patient/p1: no somatic variants in the store (import a VCF first: oncoboard vcf-import <file> --patient Patient/p1)');
  });
});
