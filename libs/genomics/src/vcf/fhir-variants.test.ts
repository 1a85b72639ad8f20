import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadGeneTable } from '../genes/gene-table.js';
import { readFhirVariants, refSeqChromosome } from './fhir-variants.js';
import type { SomaticVariant } from './types.js';

// The demo cohort: mCODE STU4 examples (CC0), committed in demo/ at the repository root.
const DEMO = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../demo');
const json = (p: string): unknown => JSON.parse(readFileSync(p, 'utf8'));
const observations = readdirSync(join(DEMO, 'mcode-stu4'))
  .filter((f) => f.startsWith('Observation-'))
  .map((f) => json(join(DEMO, 'mcode-stu4', f)));
const byRef = (vs: SomaticVariant[], ref: string) => vs.find((v) => v.source.kind === 'fhir' && v.source.reference === ref) as SomaticVariant;

describe('readFhirVariants on the mCODE STU4 examples', () => {
  const result = readFhirVariants(observations);

  it('reads every genomic-variant Observation; the pertinent negative is skipped with its reason', () => {
    expect(result.variants).toHaveLength(14);
    expect(result.skipped).toEqual([{ reference: 'Observation/gx-genomic-variant-pertinent-negative-nras-kit-braf', reason: 'value is Absent (LA9634-2): a pertinent negative, not a variant' }]);
    expect(result.warnings).toEqual([]);
  });

  it('BAP1: gene, transcript, c./p. HGVS, VAF from %, consequence, somatic', () => {
    expect(byRef(result.variants, 'Observation/gx-genomic-variant-somatic-bap1-indel')).toMatchObject({
      id: 'fhir:Observation/gx-genomic-variant-somatic-bap1-indel',
      gene: 'BAP1',
      transcript: 'NM_004656',
      hgvsc: 'NM_004656.4:c.1768C>T',
      hgvsp: 'NP_004647.1:p.(Gln590Ter)',
      vaf: 0.574,
      consequences: ['stop_gained'],
      origin: 'somatic',
      variantType: 'snv',
      source: { kind: 'fhir', reference: 'Observation/gx-genomic-variant-somatic-bap1-indel', elementPath: 'Observation.component[3]' },
      annotations: [{ source: 'fhir', gene: 'BAP1', geneId: 'HGNC:950' }],
    });
  });

  it('Jenny M. PALB2: the key comes from the g.HGVS on NC_000016.10 (GRCh38), p. from the ClinVar title', () => {
    const v = byRef(result.variants, 'Observation/genomic-variant-jenny-m');
    expect(v).toMatchObject({
      id: 'GRCh38:16:23603471:G:T',
      key: { assembly: 'GRCh38', chrom: '16', pos: 23603471, ref: 'G', alt: 'T' },
      gene: 'PALB2',
      hgvsg: 'NC_000016.10:g.23603471G>T',
      hgvsc: 'NM_024675.3:c.3549C>A',
      hgvsp: 'p.Tyr1183Ter',
    });
    expect(v.annotations[0]?.fields).toMatchObject({ 'variation-code': 'http://www.ncbi.nlm.nih.gov/clinvar|128144', 'from-variation-title': 'hgvsc,hgvsp' });
  });

  it('fusions carry both partner genes; copy-number changes are typed from their SO consequence', () => {
    expect(byRef(result.variants, 'Observation/gx-genomic-variant-fusion-met-alk')).toMatchObject({ variantType: 'rearrangement', structural: { partnerGenes: ['MET', 'ALK'] } });
    expect(byRef(result.variants, 'Observation/genomic-variant-fusion')).toMatchObject({ variantType: 'rearrangement', hgvsc: 'NM_005157.6:c.1076T>G', structural: { partnerGenes: ['BCR', 'ABL1'] } });
    expect(byRef(result.variants, 'Observation/gx-genomic-variant-somatic-mycn')).toMatchObject({ variantType: 'sv-copy-number', gene: 'MYCN', consequences: ['copy_number_gain'] });
    expect(byRef(result.variants, 'Observation/genomic-variant-germline-deletion')).toMatchObject({ variantType: 'deletion', origin: 'germline', hgvsg: 'NG_005905.2:g.126148_126152del' });
  });

  it('the partner written "RUNx1" is one gene with RUNX1 through the gene table', () => {
    const v = byRef(result.variants, 'Observation/gx-genomic-variant-fusion-ETV6-RUNX1-brian-l');
    const genes = loadGeneTable();
    expect(v.structural?.partnerGenes?.map((g) => genes.find(g)?.symbol)).toEqual(['ETV6', 'RUNX1']);
  });

  it('reads the Observations inside the example Bundles', () => {
    const bundle = readFhirVariants(json(join(DEMO, 'mcode-stu4-bundles', 'Bundle-mcode-patient-bundle-jenny-m.json')));
    expect(bundle.variants.map((v) => v.id)).toEqual(['GRCh38:16:23603471:G:T']);
  });
});

const gr = (components: unknown[], extra: Record<string, unknown> = {}) => ({
  resourceType: 'Observation',
  id: 'gr-variant-1',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '69548-6' }] },
  valueCodeableConcept: { coding: [{ system: 'http://loinc.org', code: 'LA9633-4', display: 'Present' }] },
  component: components,
  ...extra,
});
const comp = (code: string, value: Record<string, unknown>) => ({ code: { coding: [{ system: 'http://loinc.org', code }] }, ...value });
const cc = (code: string, display?: string, system = 'http://loinc.org') => ({ valueCodeableConcept: { coding: [{ system, code, ...(display ? { display } : {}) }] } });

describe('Genomics Reporting coordinates (hand-written Observations in the STU2 shape)', () => {
  const coords = (system: ReturnType<typeof cc> | undefined, low: number) => [
    comp('48018-6', cc('HGNC:1097', 'BRAF', 'http://www.genenames.org')),
    comp('62374-4', cc('LA26806-2', 'GRCh38')),
    comp('48000-4', cc('LA21260-7', 'chromosome 7')),
    ...(system ? [comp('92822-6', system)] : []),
    comp('81254-5', { valueRange: { low: { value: low } } }),
    comp('69547-8', { valueString: 'A' }),
    comp('69551-0', { valueString: 'T' }),
    comp('48005-3', cc('p.Val600Glu', undefined, 'http://varnomen.hgvs.org')),
    comp('81258-6', { valueQuantity: { value: 0.31, unit: '1' } }),
  ];

  it('0-based interval counting: start 140753335 is VCF position 140753336', () => {
    const r = readFhirVariants(gr(coords(cc('LA30100-4', '0-based interval counting'), 140753335)));
    expect(r.variants[0]).toMatchObject({ id: 'GRCh38:7:140753336:A:T', gene: 'BRAF', hgvsp: 'p.Val600Glu', vaf: 0.31, variantType: 'snv' });
  });

  it('1-based character counting keeps the start', () => {
    const r = readFhirVariants(gr(coords(cc('LA30102-0', '1-based character counting'), 140753336)));
    expect(r.variants[0]?.id).toBe('GRCh38:7:140753336:A:T');
  });

  it('coordinates without a coordinate system give no key, and say so', () => {
    const r = readFhirVariants(gr(coords(undefined, 140753336)));
    expect(r.variants[0]?.key).toBeUndefined();
    expect(r.variants[0]?.id).toBe('fhir:Observation/gr-variant-1');
    expect(r.warnings).toEqual([{ reference: 'Observation/gr-variant-1', message: 'Observation.component[3]: coordinates given without a coordinate system (92822-6): no key' }]);
  });

  it('a VAF over 100 % and a component without code are errors naming the element', () => {
    expect(() => readFhirVariants(gr([comp('81258-6', { valueQuantity: { value: 140, unit: '%', code: '%' } })]))).toThrow(
      'Observation/gr-variant-1: Observation.component[0].valueQuantity.value: expected an allele frequency between 0 and 1 (or 0–100 %), found 140 %',
    );
    expect(() => readFhirVariants(gr([{ valueString: 'x' }]))).toThrow('Observation/gr-variant-1: Observation.component[0].code: expected object, found undefined');
  });

  it('cancelled Observations and Observations without anything to match are skipped with the reason', () => {
    expect(readFhirVariants(gr([comp('48018-6', cc('HGNC:1097', 'BRAF'))], { status: 'entered-in-error' })).skipped).toEqual([{ reference: 'Observation/gr-variant-1', reason: 'status is entered-in-error' }]);
    expect(readFhirVariants(gr([comp('81258-6', { valueQuantity: { value: 0.2 } })])).skipped).toEqual([{ reference: 'Observation/gr-variant-1', reason: 'no gene, HGVS change, variation code or coordinates to match on' }]);
  });

  it('other Observations and resources are ignored', () => {
    const r = readFhirVariants([{ resourceType: 'Patient', id: 'p' }, { resourceType: 'Observation', id: 'bp', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '85354-9' }] } }]);
    expect(r).toEqual({ variants: [], skipped: [], warnings: [] });
  });
});

describe('refSeqChromosome', () => {
  it('names the build from the accession version', () => {
    expect(refSeqChromosome('NC_000007.14')).toEqual({ chrom: '7', assembly: 'GRCh38' });
    expect(refSeqChromosome('NC_000007.13')).toEqual({ chrom: '7', assembly: 'GRCh37' });
    expect(refSeqChromosome('NC_000023.11')).toEqual({ chrom: 'X', assembly: 'GRCh38' });
    expect(refSeqChromosome('NC_000007.12')).toBeUndefined();
    expect(refSeqChromosome('NG_005905.2')).toBeUndefined();
  });
});
