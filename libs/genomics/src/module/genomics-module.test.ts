import { readFileSync } from 'node:fs';
import type { Fact } from '@oncoboard/facts';
import { ModalityModuleRegistry } from '@oncoboard/fusion-model';
import { describe, expect, it } from 'vitest';
import { ACTIONABILITY_EVIDENCE_FACT, SOMATIC_VARIANT_FACT, TMB_FACT } from '../facts.js';
import { loadGeneTable } from '../genes/gene-table.js';
import { loadKb } from '../kb/load.js';
import { GENOMICS_MODULE_ID, GENOMICS_VECTOR_NAMES, genomicsModule } from './genomics-module.js';
import { MODULE_PANEL_PATH, buildModulePanel, loadModulePanel } from './panel.js';
import { GENOMICS_PATHWAYS } from './pathways.js';

const P = 'Patient/p1';
const variant = (line: number, id: string, gene: string, consequences: string[], over: Record<string, unknown> = {}): Fact => ({
  kind: SOMATIC_VARIANT_FACT,
  patientKey: P,
  value: { type: 'string', value: `${gene} ${id}` },
  attributes: { variantId: id, variantType: 'snv', gene, consequences, filterStatus: 'pass', ...over },
  provenance: [{ sourceRecordKey: 'vcf/abc', elementPath: `line ${line}` }],
});
const evidence = (eid: number, level: string, onLabel: boolean): Fact => ({
  kind: ACTIONABILITY_EVIDENCE_FACT,
  patientKey: P,
  value: { type: 'string', value: `EID${eid}` },
  attributes: { evidenceId: eid, level, onLabel, gene: 'BRAF' },
  provenance: [{ sourceRecordKey: `kb/CIViC/v/evidence/${eid}`, elementPath: 'level' }],
});
const tmb = (value: number): Fact => ({
  kind: TMB_FACT,
  patientKey: P,
  value: { type: 'quantity', quantity: { value, unit: 'mutations/Mb' } },
  attributes: { targetSizeMb: 2, count: value * 2 },
  provenance: [{ sourceRecordKey: 'vcf/abc', elementPath: 'text' }],
});

const facts = [
  variant(10, 'GRCh38:7:140753336:A:T', 'BRAF', ['missense_variant']),
  variant(11, 'GRCh38:17:7675088:C:T', 'TP53', ['stop_gained']),
  variant(12, 'GRCh38:17:39711955:C:T', 'HER2', ['synonymous_variant']), // alias of ERBB2, but synonymous: 0
  variant(13, 'GRCh38:17:39724775:G:A', 'HER2', ['splice_region_variant', 'intron_variant']), // alias → ERBB2 0.33
  variant(14, 'GRCh38:12:25245350:C:A', 'KRAS', ['missense_variant'], { filterStatus: 'fail' }), // not PASS
  variant(15, 'GRCh38:1:1000:A:G', 'NOTAGENE1', ['missense_variant']), // outside the panel
  variant(16, 'GRCh38:2:29223000:A:A[5:1000[', 'ALK', [], { variantType: 'rearrangement', partnerGenes: ['EML4', 'ALK'] }),
  evidence(12, 'A', true),
  evidence(13, 'B', false),
  evidence(12, 'A', true), // the same item from a second file counts once
  tmb(12.5),
  { ...variant(20, 'GRCh38:7:140753336:A:T', 'BRAF', ['missense_variant']), patientKey: 'Patient/other' },
];

describe('the genomics modality module', () => {
  const registry = new ModalityModuleRegistry();
  registry.register(genomicsModule);

  it('has one name per vector element and a panel of the documented size', () => {
    const panel = loadModulePanel();
    expect(genomicsModule.vectorSize).toBe(GENOMICS_VECTOR_NAMES.length);
    expect(GENOMICS_VECTOR_NAMES.length).toBe(panel.genes.length + 2 * GENOMICS_PATHWAYS.length + 3 + 5 + 1 + 2);
    expect(panel.genes.length).toBe(178);
    expect(genomicsModule.description).toContain(`${panel.genes.length}-gene panel`);
    for (const p of GENOMICS_PATHWAYS) for (const g of p.genes) expect(panel.genes.some((x) => x.symbol === g)).toBe(true);
  });

  it('says the patient has no genomics modality without variant or TMB facts', async () => {
    expect(await registry.encodePatient(GENOMICS_MODULE_ID, P, [evidence(1, 'A', true)])).toBeUndefined();
  });

  it('encodes gene alterations, pathways, TMB and evidence levels, citing what it used', async () => {
    const enc = await registry.encodePatient(GENOMICS_MODULE_ID, P, facts);
    expect(enc).toMatchObject({ moduleId: 'genomics-alterations', moduleVersion: '0.1.0' });
    const named = Object.fromEntries(GENOMICS_VECTOR_NAMES.map((n, i) => [n, enc!.vector[i]]));
    const gene = (s: string) => named[`gene ${s} alteration (0 / 0.33 / 0.67 / 1)`];
    expect(gene('BRAF')).toBeCloseTo(0.67, 6);
    expect(gene('TP53')).toBe(1);
    expect(gene('ERBB2')).toBeCloseTo(0.33, 6);
    expect(gene('KRAS')).toBe(0);
    expect(gene('ALK')).toBe(1);
    expect(named['pathway rtk-ras altered (0/1)']).toBe(1);
    const rtk = GENOMICS_PATHWAYS.find((p) => p.id === 'rtk-ras')!;
    expect(named['pathway rtk-ras fraction of genes altered']).toBeCloseTo(3 / rtk.genes.length, 6); // BRAF, ERBB2, ALK
    expect(named['pathway tp53 altered (0/1)']).toBe(1);
    expect(named['pathway wnt altered (0/1)']).toBe(0);
    expect(named['TMB (tanh mut/Mb / 10)']).toBeCloseTo(Math.tanh(1.25), 6);
    expect(named['TMB ≥ 10 mut/Mb (0/1)']).toBe(1);
    expect(named['knowledge-base evidence level A (tanh n/3)']).toBeCloseTo(Math.tanh(1 / 3), 6);
    expect(named['knowledge-base evidence level B (tanh n/3)']).toBeCloseTo(Math.tanh(1 / 3), 6);
    expect(named['knowledge-base evidence level C (tanh n/3)']).toBe(0);
    expect(named['on-label level A/B evidence (tanh n/3)']).toBeCloseTo(Math.tanh(1 / 3), 6);
    expect(named['PASS somatic variants (log1p n / 7)']).toBeCloseTo(Math.log1p(6) / 7, 6);
    expect(named['altered genes outside the panel (tanh n/20)']).toBeCloseTo(Math.tanh(2 / 20), 6); // NOTAGENE1, EML4
    const cited = enc!.usedEvidence.map((p) => `${p.sourceRecordKey} ${p.elementPath}`);
    expect(cited).toEqual(expect.arrayContaining(['vcf/abc line 10', 'vcf/abc line 11', 'vcf/abc line 13', 'vcf/abc line 16', 'vcf/abc text', 'kb/CIViC/v/evidence/12 level']));
    expect(cited).not.toContain('vcf/abc line 12');
    expect(cited).not.toContain('vcf/abc line 14');
    expect((enc as unknown as { variantKeys: string[] }).variantKeys).toEqual(['GRCh38:17:39724775:G:A', 'GRCh38:17:7675088:C:T', 'GRCh38:2:29223000:A:A[5:1000[', 'GRCh38:7:140753336:A:T']);
  });

  it('gives the same input hash for the same facts in any order, another for changed ones', async () => {
    const a = await registry.encodePatient(GENOMICS_MODULE_ID, P, facts);
    const b = await registry.encodePatient(GENOMICS_MODULE_ID, P, [...facts].reverse());
    const c = await registry.encodePatient(GENOMICS_MODULE_ID, P, [...facts, tmb(3)].map((f) => (f.kind === TMB_FACT ? tmb(3) : f)));
    expect(a!.inputHash).toBe(b!.inputHash);
    expect(Array.from(a!.vector)).toEqual(Array.from(b!.vector));
    expect(c!.inputHash).not.toBe(a!.inputHash);
  });

  it('the committed panel is what the build gives from the committed KB and gene table', () => {
    expect(readFileSync(MODULE_PANEL_PATH, 'utf8')).toBe(`${JSON.stringify(buildModulePanel(loadKb(), loadGeneTable()), null, 1)}\n`);
  });
});
